"""Merging a station's bundle at the township: all or nothing, idempotent, order-independent, forks refused.

Single writer per record: every record belongs to the station that created it, so the station's change counter
orders the versions of a record and the merge keeps the one with the higher counter (clocks are never compared).
Tombstones are rows like any other; history rows are append-only. The rows, the bundle log and the station's
high-water mark are written in one transaction.

A sign of two writers for one station is a fork, refused and flagged for review, never merged:
- the same bundle number with a different file (`same_number`);
- a `prev_sha256` that contradicts the chain held, or a held successor that does not chain to this bundle (`chain`);
- a counter range or epoch that goes backwards relative to the numbers held (`rollback`);
- a row whose (record id, counter) is held with different content, or a history row rewritten (`rewritten`).

Foreign keys: a station's bundles arrive in any order, so a row may reference a record of a bundle still missing.
The merge transaction therefore runs with SQLite's foreign-key enforcement off (see `merge_session`); ids are
checked to be UUIDs by the payload validation, and a record id owned by another station is refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station_app.core.i18n import pick
from station_app.core.timefmt import local_text
from station_app.store.atomic import write_atomic
from station_app.store.models import SYNCED_MODELS, MODEL_BY_TABLE, Station, utcnow
from station_app.store.rowdata import column_names
from station_app.store.sync_models import ReceivedBundle, StationMark, SyncFork
from station_app.sync.payload import _columns as payload_columns, parsed_rows, photo_file
from station_app.sync.results import ALREADY, GAP, IMPORTED, REFUSED, BundleRefused, ImportResult
from station_app.store.stationdb import StationDB

log = logging.getLogger(__name__)

#: SQLite allows 32766 host parameters; stay well below for IN (...) look-ups.
CHUNK = 900


class Fork(Exception):
    def __init__(self, reason: str, detail: str, known_sha256: str | None = None):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.known_sha256 = known_sha256


# -- the transaction ---------------------------------------------------------------------------------------------
@contextmanager
def merge_session(db: StationDB) -> Iterator[Session]:
    """A write transaction (BEGIN IMMEDIATE) with foreign-key enforcement off; commits on success.

    PRAGMA foreign_keys is a no-op inside a transaction, so it is switched on the raw connection before the
    transaction begins, and switched back on before the connection returns to the pool.
    """
    conn = db.engine.connect()
    raw = conn.connection.dbapi_connection
    try:
        raw.execute("PRAGMA foreign_keys=OFF")
        conn.execution_options(sqlite_immediate=True)
        with Session(bind=conn, expire_on_commit=False) as s:
            with s.begin():
                yield s
    finally:
        try:
            if conn.in_transaction():
                conn.rollback()
            raw.execute("PRAGMA foreign_keys=ON")
        finally:
            conn.close()


# -- bundle log and chain checks ---------------------------------------------------------------------------------
def _known(s: Session, station_id: str, kind: str) -> dict[int, ReceivedBundle]:
    rows = s.execute(select(ReceivedBundle).where(ReceivedBundle.station_id == station_id,
                                                  ReceivedBundle.kind == kind)).scalars()
    return {b.number: b for b in rows}


def check_chain(header, sha256: str, known: dict[int, ReceivedBundle]) -> None:
    """Raise Fork when this bundle contradicts the bundles already held of the same signer and kind.

    A later bundle may repeat the counter reached before (a `--full` or `--from N` re-send with nothing new, or a
    reference bundle with new receipts only): its rows must then match what is held, which the merge checks per
    (record, counter). Only going back is a rollback."""
    n = header.number
    held = known.get(n)
    if held is not None and held.sha256 != sha256:
        raise Fork("same_number", pick(
            f"第 {n} 号同步包已导入过，但这次的文件内容不同（疑似同一站点有两台电脑在记录，或从旧备份恢复）",
            f"bundle number {n} was already imported with different content (two PCs recording as one station, "
            f"or a restore from an old backup?)"), held.sha256)
    if n == 1 and header.prev_sha256:
        raise Fork("chain", pick("第 1 号同步包不应指向前一个包", "bundle 1 must not point to a previous bundle"))
    if n > 1 and not header.prev_sha256:
        raise Fork("chain", pick(f"第 {n} 号同步包没有写明前一个包的校验值",
                                 f"bundle {n} does not state the previous bundle's sha256"))
    before = known.get(n - 1)
    if before is not None and header.prev_sha256 != before.sha256:
        raise Fork("chain", pick(f"第 {n} 号同步包与已导入的第 {n - 1} 号包接不上（前一包校验值不符）",
                                 f"bundle {n} does not chain to the bundle {n - 1} already imported"), before.sha256)
    after = known.get(n + 1)
    if after is not None and after.prev_sha256 != sha256:
        raise Fork("chain", pick(f"已导入的第 {n + 1} 号同步包并不接在这个第 {n} 号包之后",
                                 f"the bundle {n + 1} already imported does not chain to this bundle {n}"),
                   after.sha256)
    for b in known.values():
        behind = b.counter_to > header.counter_to
        ahead = b.counter_to < header.counter_to
        if b.number < n and (behind or b.epoch > header.epoch):
            raise Fork("rollback", pick(
                f"第 {n} 号同步包的计数范围（至 {header.counter_to}）低于已导入的第 {b.number} 号包"
                f"（至 {b.counter_to}）：计数倒退",
                f"bundle {n} (counter up to {header.counter_to}) falls short of bundle {b.number} already "
                f"imported (up to {b.counter_to}): a rollback"), b.sha256)
        if b.number > n and (ahead or b.epoch < header.epoch):
            raise Fork("rollback", pick(
                f"第 {n} 号同步包的计数范围（至 {header.counter_to}）超过了已导入的更晚的第 {b.number} 号包"
                f"（至 {b.counter_to}）：计数倒退",
                f"bundle {n} (counter up to {header.counter_to}) reaches beyond the later bundle {b.number} "
                f"already imported (up to {b.counter_to}): a rollback"), b.sha256)


def _check_header(header, kind: str) -> None:
    if header.kind != kind:
        raise BundleRefused(pick(f"同步包类型为 {header.kind}，此处需要 {kind}",
                                 f"the bundle is of kind {header.kind!r}, {kind!r} was expected"))
    if not (isinstance(header.number, int) and header.number >= 1):
        raise BundleRefused(pick("同步包编号无效", "the bundle number is not valid"))
    if not (0 <= header.counter_from < header.counter_to):
        raise BundleRefused(pick(f"同步包计数范围无效：{header.counter_from}–{header.counter_to}",
                                 f"the bundle's counter range is not valid: {header.counter_from}-{header.counter_to}"))


def _check_counters(header, rows: dict[str, list[dict]]) -> None:
    lo, hi = header.counter_from, header.counter_to
    for table, items in rows.items():
        for r in items:
            if not lo < r["counter"] <= hi:
                raise BundleRefused(pick(
                    f"同步包内容无效：表 {table} 记录 {r['id']} 字段 counter：{r['counter']} 不在包的计数范围 "
                    f"{lo}–{hi} 内",
                    f"invalid bundle content: table {table}, record {r['id']}, field counter: {r['counter']} is "
                    f"outside the bundle's counter range {lo}-{hi}"))


def missing_numbers(numbers) -> list[int]:
    have = set(numbers)
    return [n for n in range(1, max(have, default=0) + 1) if n not in have]


def update_mark(s: Session, station_id: str, kind: str, code: str) -> StationMark:
    """Recompute the high-water mark of one signer and kind from the bundle log (so it never disagrees with it)."""
    logged = s.execute(select(ReceivedBundle.number, ReceivedBundle.counter_to, ReceivedBundle.epoch)
                       .where(ReceivedBundle.station_id == station_id, ReceivedBundle.kind == kind)).all()
    by_number = {n: (c, e) for n, c, e in logged}
    contiguous = 0
    while contiguous + 1 in by_number:
        contiguous += 1
    mark = s.get(StationMark, (station_id, kind))
    if mark is None:
        mark = StationMark(station_id=station_id, kind=kind)
        s.add(mark)
    mark.station_code = code
    mark.last_number = max(by_number, default=0)
    mark.contiguous_number = contiguous
    mark.contiguous_counter = by_number[contiguous][0] if contiguous else 0
    mark.high_counter = max((c for c, _ in by_number.values()), default=0)
    mark.epoch = max((e for _, e in by_number.values()), default=0)
    mark.last_imported_at = utcnow()
    return mark


def log_bundle(s: Session, bundle, counts: dict[str, int]) -> None:
    h = bundle.header
    s.add(ReceivedBundle(
        station_id=h.station_id, station_code=h.station_code, kind=h.kind, number=h.number, epoch=h.epoch,
        counter_from=h.counter_from, counter_to=h.counter_to, sha256=bundle.sha256, prev_sha256=h.prev_sha256,
        key_id=(getattr(h, "key_id", None) or None), created_at=str(getattr(h, "created_at", "") or "")[:40] or None,
        imported_at=utcnow(), counts=counts, file_name=Path(str(bundle.path)).name[:255] if bundle.path else None))


def flag_fork(db, bundle, fork: Fork) -> None:
    """Record the fork for review (once per offered file and reason) in its own small transaction."""
    h = bundle.header
    with db.raw_write() as s:
        exists = s.execute(select(SyncFork.id).where(SyncFork.offered_sha256 == bundle.sha256,
                                                     SyncFork.reason == fork.reason)).first()
        if exists is None:
            s.add(SyncFork(station_id=h.station_id, station_code=h.station_code, kind=h.kind, number=h.number,
                           known_sha256=fork.known_sha256, offered_sha256=bundle.sha256, reason=fork.reason,
                           detail=fork.detail, file_name=Path(str(bundle.path)).name[:255] if bundle.path else None,
                           detected_at=utcnow()))
    log.warning("fork flagged for station %s bundle %s: %s", h.station_code, h.number, fork.detail)


# -- rows ----------------------------------------------------------------------------------------------------------
@dataclass
class _Plan:
    write: list[dict]  # rows to insert or replace (newer than what is held)
    skipped: int  # older than or equal to what is held


_COMPARE_CACHE: dict[str, list[str]] = {}


def _columns(table: str) -> list[str]:
    cols = _COMPARE_CACHE.get(table)
    if cols is None:
        cols = _COMPARE_CACHE[table] = column_names(MODEL_BY_TABLE[table])
    return cols


def _held(s: Session, table: str, ids: list[str]) -> dict[str, Any]:
    t = MODEL_BY_TABLE[table].__table__
    names = _columns(table)
    cols = [t.c[n] for n in names]
    held: dict[str, Any] = {}
    for i in range(0, len(ids), CHUNK):
        for r in s.execute(select(*cols).where(t.c.id.in_(ids[i:i + CHUNK]))):
            held[r.id] = r._mapping
    return held


def plan_rows(s: Session, rows: dict[str, list[dict]], owners: frozenset[str]) -> dict[str, _Plan]:
    """Compare every incoming row with the version held; raise Fork or BundleRefused before anything is written."""
    plans: dict[str, _Plan] = {}
    for model in SYNCED_MODELS:
        table = model.__tablename__
        items = rows.get(table) or []
        if not items:
            continue
        held = _held(s, table, [r["id"] for r in items])
        if not held:
            plans[table] = _Plan(list(items), 0)
            continue
        names = _columns(table)
        write, skipped = [], 0
        for r in items:
            h = held.get(r["id"])
            if h is None:
                write.append(r)
                continue
            if h["station_id"] != r["station_id"] or h["station_id"] not in owners:
                raise BundleRefused(pick(
                    f"同步包内容无效：表 {table} 记录 {r['id']} 字段 station_id：该记录已属于另一站点，"
                    f"本包不能修改它",
                    f"invalid bundle content: table {table}, record {r['id']}, field station_id: the record "
                    f"belongs to another station; this bundle may not change it"))
            if h["counter"] == r["counter"] or table == "record_history":
                diff = [n for n in names if h[n] != r[n]]
                if diff:
                    raise Fork("rewritten", pick(
                        f"表 {table} 记录 {r['id']} 在计数 {r['counter']} 时的内容与已导入的版本不同"
                        f"（字段 {diff[0]}）：计数范围被改写",
                        f"table {table}, record {r['id']}: the version at counter {r['counter']} differs from the "
                        f"one already imported (field {diff[0]}): a rewritten counter range"))
                skipped += 1
            elif h["counter"] > r["counter"]:
                skipped += 1
            else:
                write.append(r)
        plans[table] = _Plan(write, skipped)
    return plans


_STMTS: dict[str, tuple[str, list]] = {}


def _to_db(kind: str):
    """How SQLAlchemy's SQLite types store a value, done in one step per value (see write_rows)."""
    if kind == "datetime":
        return lambda v: None if v is None else v.isoformat(" ", "microseconds")
    if kind == "date":
        return lambda v: None if v is None else v.isoformat()
    if kind == "json":
        return lambda v: None if v is None else json.dumps(v)
    return None


def _upsert(s: Session, table: str) -> tuple[str, list]:
    """(SQL, [(column, converter)]) of the table's upsert, compiled once by SQLAlchemy Core."""
    got = _STMTS.get(table)
    if got is None:
        t = MODEL_BY_TABLE[table].__table__
        names = _columns(table)
        ins = sqlite_insert(t)
        if table == "record_history":  # append-only: identical by the plan's check
            stmt = ins.on_conflict_do_nothing(index_elements=[t.c.id])
        else:
            # The WHERE keeps the higher counter and the owner even if the plan missed something (belt and braces).
            stmt = ins.on_conflict_do_update(
                index_elements=[t.c.id],
                set_={n: ins.excluded[n] for n in names if n != "id"},
                where=(t.c.counter < ins.excluded.counter) & (t.c.station_id == ins.excluded.station_id))
        compiled = stmt.compile(dialect=s.get_bind().dialect, column_keys=names)
        kinds = {c.key: c.kind for c in payload_columns(table)}
        order = [(n, _to_db(kinds[n])) for n in compiled.positiontup]
        got = _STMTS[table] = (str(compiled), order)
    return got


def write_rows(s: Session, plans: dict[str, _Plan]) -> dict[str, int]:
    """Upsert the planned rows table by table with executemany.

    The statement is SQLAlchemy Core's upsert, compiled once; the values are converted to their stored form in a
    tight loop and handed to the driver's executemany: for 100k rows SQLAlchemy's per-parameter processing
    would otherwise cost as much again as SQLite's own work."""
    counts: dict[str, int] = {}
    conn = s.connection()
    for model in SYNCED_MODELS:
        table = model.__tablename__
        plan = plans.get(table)
        if plan is None or not plan.write:
            continue
        sql, order = _upsert(s, table)
        plain = [n for n, f in order]
        conv = [(n, f) for n, f in order]
        if all(f is None for _, f in conv):
            params = [tuple(r[n] for n in plain) for r in plan.write]
        else:
            params = [tuple(r[n] if f is None else f(r[n]) for n, f in conv) for r in plan.write]
        try:
            conn.exec_driver_sql(sql, params)
        except IntegrityError as e:
            raise BundleRefused(pick(f"同步包内容与已有记录冲突：表 {table}：{e.orig}",
                                     f"the bundle conflicts with records held: table {table}: {e.orig}")) from None
        counts[table] = len(plan.write)
    return counts


def store_files(db: StationDB, rows: dict[str, list[dict]], files: dict[str, bytes]) -> int:
    """Write the carried photos under photos/ (atomic; a file already there with the right hash is kept).

    Done before the transaction commits: a rollback leaves at worst an unreferenced file named by its hash."""
    written = 0
    for r in rows.get("posting_photos") or []:
        data = files.get(r["sha256"])
        if data is None:
            continue
        dest = photo_file(db.paths, r["sha256"], r["file_name"])
        if dest.exists() and hashlib.sha256(dest.read_bytes()).hexdigest() == r["sha256"]:
            continue
        write_atomic(dest, data)
        written += 1
    return written


# -- apply -------------------------------------------------------------------------------------------------------
def _result(bundle, status: str, message: str, *, counts=None, missing=None, fork=False) -> ImportResult:
    h = getattr(bundle, "header", None)
    return ImportResult(path=str(getattr(bundle, "path", "") or ""), station_code=getattr(h, "station_code", None),
                        number=getattr(h, "number", None), status=status, counts=counts or {},
                        missing=list(missing or []), message=message, fork=fork)


def refusal(db: StationDB, bundle, error: Exception) -> ImportResult:
    """The result of a refused bundle; a fork is first recorded for review."""
    if isinstance(error, Fork):
        flag_fork(db, bundle, error)
        return _result(bundle, REFUSED, pick(f"已拒绝并标记为分叉待核查：{error.detail}",
                                             f"refused and flagged as a fork for review: {error.detail}"), fork=True)
    assert isinstance(error, BundleRefused)
    return _result(bundle, REFUSED, pick(f"已拒绝：{error.reason}", f"refused: {error.reason}"), fork=error.fork)


def already_imported(db: StationDB, sha256: str, path=None) -> ImportResult | None:
    """The result for a file whose exact bytes were merged before, or None (cheap: one indexed look-up)."""
    with db.read() as s:
        b = s.execute(select(ReceivedBundle).where(ReceivedBundle.sha256 == sha256)).scalar_one_or_none()
        if b is None:
            return None
        numbers = s.execute(select(ReceivedBundle.number).where(ReceivedBundle.station_id == b.station_id,
                                                                ReceivedBundle.kind == b.kind)).scalars().all()
    missing = missing_numbers(numbers)
    return ImportResult(path=str(path or ""), station_code=b.station_code, number=b.number, status=ALREADY,
                        counts={}, missing=missing,
                        message=pick(f"{b.station_code} 第 {b.number} 号同步包已于 {local_text(b.imported_at)} 导入过，未做任何改动",
                                     f"{b.station_code} bundle {b.number} was already imported on "
                                     f"{local_text(b.imported_at)}; nothing changed"))


def apply_changes(db: StationDB, bundle) -> ImportResult:
    """Merge one station's changes bundle (township side). Never raises for a refused bundle: returns it."""
    h = bundle.header
    try:
        _check_header(h, "changes")
        if h.station_id == db.station_id:
            raise BundleRefused(pick("这是本机自己导出的同步包，不能导入本机",
                                     "this bundle was exported by this installation itself"))
        done = already_imported(db, bundle.sha256, bundle.path)
        if done is not None:
            return done
        rows = parsed_rows(bundle.payload, kind="changes", signer_station_id=h.station_id)
        _check_counters(h, rows)
        owners = frozenset({h.station_id})
        try:
            with merge_session(db) as s:
                known = _known(s, h.station_id, "changes")
                if any(b.sha256 == bundle.sha256 for b in known.values()):  # imported meanwhile
                    raise _Already()
                check_chain(h, bundle.sha256, known)
                plans = plan_rows(s, rows, owners)
                counts = write_rows(s, plans)
                store_files(db, rows, bundle.payload.files)
                log_bundle(s, bundle, counts)
                s.flush()
                mark = update_mark(s, h.station_id, "changes", h.station_code)
                numbers = list(known) + [h.number]
        except _Already:
            return already_imported(db, bundle.sha256, bundle.path)  # type: ignore[return-value]
    except (Fork, BundleRefused) as e:
        return refusal(db, bundle, e)
    missing = missing_numbers(numbers)
    total = sum(counts.values())
    if missing:
        return _result(bundle, GAP, pick(
            f"{h.station_code} 第 {h.number} 号同步包已导入（{total} 条记录），但还缺少第 {_ranges_text(missing)} 号包",
            f"{h.station_code} bundle {h.number} imported ({total} rows), but bundles {_ranges_text(missing)} "
            f"are still missing"), counts=counts, missing=missing)
    return _result(bundle, IMPORTED, pick(
        f"{h.station_code} 第 {h.number} 号同步包已导入（{total} 条记录，至计数 {mark.contiguous_counter} 已齐全）",
        f"{h.station_code} bundle {h.number} imported ({total} rows; complete up to counter "
        f"{mark.contiguous_counter})"), counts=counts)


class _Already(Exception):
    pass


def _ranges(numbers: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for n in sorted(set(numbers)):
        if out and out[-1][1] + 1 == n:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


def _ranges_text(numbers: list[int]) -> str:
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in _ranges(numbers))


# -- status ------------------------------------------------------------------------------------------------------
def station_status(db: StationDB, enrolled: list[dict] | None = None) -> list[dict]:
    """Per station that sent bundles (or is enrolled): code, name, last bundle and time, missing numbers, forks."""
    with db.read() as s:
        marks = {m.station_id: m for m in s.execute(select(StationMark).where(StationMark.kind == "changes")).scalars()}
        logged: dict[str, list[int]] = {}
        for sid, n in s.execute(select(ReceivedBundle.station_id, ReceivedBundle.number)
                                .where(ReceivedBundle.kind == "changes")):
            logged.setdefault(sid, []).append(n)
        forks: dict[str, list[dict]] = {}
        for f in s.execute(select(SyncFork).order_by(SyncFork.id)).scalars():
            forks.setdefault(f.station_id, []).append({
                "number": f.number, "reason": f.reason, "detail": f.detail, "known_sha256": f.known_sha256,
                "offered_sha256": f.offered_sha256, "detected_at": f.detected_at, "resolved": f.resolved_at is not None})
        names = {sid: (code, name) for sid, code, name in s.execute(select(Station.id, Station.code, Station.name))}
    ids = list(marks)
    for e in enrolled or []:
        if e["station_id"] not in marks:
            ids.append(e["station_id"])
    for sid in forks:
        if sid not in ids:
            ids.append(sid)
    extra = {e["station_id"]: e for e in enrolled or []}
    out = []
    for sid in ids:
        m = marks.get(sid)
        code, name = names.get(sid, (None, None))
        if code is None:
            code = (m.station_code if m else None) or extra.get(sid, {}).get("code")
            name = extra.get(sid, {}).get("name")
        out.append({
            "station_id": sid, "code": code, "name": name,
            "last_number": m.last_number if m else None,
            "last_imported_at": m.last_imported_at if m else None,
            "contiguous_number": m.contiguous_number if m else 0,
            "contiguous_counter": m.contiguous_counter if m else 0,
            "high_counter": m.high_counter if m else 0,
            "epoch": m.epoch if m else 0,
            "missing": missing_numbers(logged.get(sid, [])),
            "forks": forks.get(sid, []),
        })
    out.sort(key=lambda d: (d["code"] or "", d["station_id"]))
    return out


def receipts(db: StationDB) -> list[dict]:
    """What this installation holds of each station's bundles (the township's receipts for reference bundles)."""
    with db.read() as s:
        marks = list(s.execute(select(StationMark).where(StationMark.kind == "changes")).scalars())
        logged: dict[str, dict[int, str]] = {}
        for sid, n, sha in s.execute(select(ReceivedBundle.station_id, ReceivedBundle.number, ReceivedBundle.sha256)
                                     .where(ReceivedBundle.kind == "changes")):
            logged.setdefault(sid, {})[n] = sha
    out = []
    for m in marks:
        held = logged.get(m.station_id, {})
        out.append({"station_id": m.station_id, "station_code": m.station_code,
                    "numbers": _ranges(list(held)), "last_number": m.last_number,
                    "last_sha256": held.get(m.last_number), "contiguous_number": m.contiguous_number,
                    "contiguous_counter": m.contiguous_counter, "high_counter": m.high_counter, "epoch": m.epoch})
    return out
