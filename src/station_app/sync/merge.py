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
The merge transaction therefore runs with foreign-key enforcement off (see `merge_session`, per database); ids are
checked to be UUIDs by the payload validation, and a record id owned by another station is refused.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from station_app.core.i18n import _
from station_app.core.timefmt import local_text
from station_app.store.atomic import write_atomic
from station_app.store.models import SYNCED_MODELS, Station, utcnow
from station_app.store.sync_models import ReceivedBundle, StationMark, SyncFork
from station_app.sync import gaps, limits, station_rows
from station_app.sync.payload import StreamedPayload, parsed_rows, photo_file
from station_app.sync.sqlraw import IN_CHUNK
from station_app.sync.staging import Stage, _Plan, missing_reference
from station_app.sync.results import ALREADY, GAP, IMPORTED, REFUSED, BundleRefused, ImportResult
from station_app.store.stationdb import StationDB

log = logging.getLogger(__name__)

#: Rows per IN (...) look-up on SQLite (its host-parameter limit); per dialect in sync.sqlraw.IN_CHUNK.
CHUNK = IN_CHUNK["sqlite"]


class Fork(Exception):
    def __init__(self, reason: str, detail: str, known_sha256: str | None = None):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.known_sha256 = known_sha256


# -- the transaction ---------------------------------------------------------------------------------------------
@contextmanager
def merge_session(db: StationDB, origin: str | None = None) -> Iterator[Session]:
    """A write transaction with foreign-key enforcement off; commits on success.

    `origin`: the station whose rows this transaction merges; on PostgreSQL, where importers on other PCs share
    the database, the transaction first takes that station's merge lock (see lock_origin).
    """
    if db.engine.dialect.name == "postgresql":
        with _pg_merge_session(db, origin) as s:
            yield s
        return
    # SQLite: PRAGMA foreign_keys is a no-op inside a transaction, so it is switched on the raw connection before
    # the transaction begins, and switched back on before the connection returns to the pool. BEGIN IMMEDIATE
    # takes the file's one write lock: mergers of any origin queue.
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


@contextmanager
def _pg_merge_session(db: StationDB, origin: str | None) -> Iterator[Session]:
    """PostgreSQL: READ COMMITTED, the origin's merge lock, and foreign keys off for the merged rows.

    A station's bundles arrive in any order (or not at all), so a row may reference a record of a bundle not yet
    here, exactly as on SQLite. `session_replication_role = replica` (for this transaction only) skips the
    foreign-key triggers; it needs superuser or, from PostgreSQL 15, `GRANT SET ON PARAMETER
    session_replication_role` to the app's role (docs/hub.md). Without it the constraints are deferred to the
    commit: a bundle whose references are all here merges, one that references a missing bundle's record is
    refused with a sentence saying so, and merges once the missing bundle came."""
    with Session(bind=db.engine, expire_on_commit=False) as s:
        try:
            with s.begin():  # the commit checks the deferred constraints
                try:
                    with s.begin_nested():
                        s.execute(text("SET LOCAL session_replication_role = replica"))
                except DBAPIError:
                    s.execute(text("SET CONSTRAINTS ALL DEFERRED"))
                if origin is not None:
                    lock_origin(s, origin)
                yield s
        except DBAPIError as e:
            if type(e.orig).__name__ == "ForeignKeyViolation":
                raise missing_reference() from None
            raise


#: The advisory-lock namespace of the merge (first key of pg_advisory_xact_lock(int, int)).
_LOCK_SPACE = "station_app.merge"


def lock_origin(s: Session, origin: str) -> None:
    """Serialise the merges of one origin station across every connection to the database (PostgreSQL).

    Two staff at one township, or two PCs, import at once: the chain checks, the bundle log and the station's mark
    read what earlier merges of the same station committed, so merges of one station must not overlap. A
    transaction-scoped advisory lock per station (released at commit or rollback, also when the client dies)
    queues them; merges of different stations touch disjoint rows and run side by side. READ COMMITTED is enough
    then: every statement after the lock sees what the previous holder committed, so no serialization failures
    need retrying. On SQLite BEGIN IMMEDIATE already serialises every writer."""
    if s.get_bind().dialect.name != "postgresql":
        return
    from station_app.sync.importer import import_wait

    # Wait as long as an import waits for another on one PC; then the import reports the database busy.
    s.execute(text(f"SET LOCAL lock_timeout = '{int(import_wait() * 1000)}ms'"))
    s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:space), hashtext(:origin))"),
              {"space": _LOCK_SPACE, "origin": origin})
    s.execute(text("SET LOCAL lock_timeout = 0"))


# -- bundle log and chain checks ---------------------------------------------------------------------------------
def _known(s: Session, station_id: str, kind: str) -> dict[int, ReceivedBundle]:
    rows = s.execute(select(ReceivedBundle).where(ReceivedBundle.station_id == station_id,
                                                  ReceivedBundle.kind == kind)).scalars()
    return {b.number: b for b in rows}


def _names(b: ReceivedBundle) -> tuple[str | None, ...]:
    """What a later bundle may name as `prev` for the held bundle `b`: its id, or (a 0.1.0 station) its file's
    sha256."""
    return (b.sha256, getattr(b, "file_sha256", None))


def check_chain(header, sha256: str, known: dict[int, ReceivedBundle], file_sha256: str | None = None) -> None:
    """Raise Fork when this bundle contradicts the bundles already held of the same signer and kind.

    A later bundle may repeat the counter reached before (a `--full` or `--from N` re-send with nothing new, or a
    reference bundle with new receipts only): its rows must then match what is held, which the merge checks per
    (record, counter). Only going back is a rollback."""
    n = header.number
    held = known.get(n)
    if held is not None and held.sha256 != sha256:
        raise Fork("same_number", _("bundle number {n} was already imported with different content (two PCs recording as one station, or a restore from an old backup?)", n=n), held.sha256)
    if n == 1 and header.prev_sha256:
        raise Fork("chain", _("bundle 1 must not point to a previous bundle"))
    if n > 1 and not header.prev_sha256:
        raise Fork("chain", _("bundle {n} does not state the previous bundle's sha256", n=n))
    before = known.get(n - 1)
    if before is not None and header.prev_sha256 not in _names(before):
        raise Fork("chain", _("bundle {n} does not chain to the bundle {value} already imported", n=n, value=n - 1), before.sha256)
    after = known.get(n + 1)
    if after is not None and after.prev_sha256 not in (sha256, file_sha256):
        raise Fork("chain", _("the bundle {value} already imported does not chain to this bundle {n}", value=n + 1, n=n),
                   after.sha256)
    for b in known.values():
        behind = b.counter_to > header.counter_to
        ahead = b.counter_to < header.counter_to
        if b.number < n and (behind or b.epoch > header.epoch):
            raise Fork("rollback", _("bundle {n} (counter up to {counter_to}) falls short of bundle {number} already imported (up to {counter_to2}): a rollback", n=n, counter_to=header.counter_to, number=b.number, counter_to2=b.counter_to), b.sha256)
        if b.number > n and (ahead or b.epoch < header.epoch):
            raise Fork("rollback", _("bundle {n} (counter up to {counter_to}) reaches beyond the later bundle {number} already imported (up to {counter_to2}): a rollback", n=n, counter_to=header.counter_to, number=b.number, counter_to2=b.counter_to), b.sha256)


def _check_header(header, kind: str) -> None:
    if header.kind != kind:
        raise BundleRefused(_("the bundle is of kind {kind!r}, {kind2!r} was expected", kind=header.kind, kind2=kind))
    if not (isinstance(header.number, int) and header.number >= 1):
        raise BundleRefused(_("the bundle number is not valid"))
    if not (0 <= header.counter_from < header.counter_to):
        raise BundleRefused(_("the bundle's counter range is not valid: {counter_from}-{counter_to}", counter_from=header.counter_from, counter_to=header.counter_to))


def _check_counters(header, rows: dict[str, list[dict]]) -> None:
    lo, hi = header.counter_from, header.counter_to
    for table, items in rows.items():
        for r in items:
            if not lo < r["counter"] <= hi:
                raise BundleRefused(_("invalid bundle content: table {table}, record {id}, field counter: {counter} is outside the bundle's counter range {lo}-{hi}", table=table, id=r['id'], counter=r['counter'], lo=lo, hi=hi))


def missing_ranges(numbers) -> list[list[int]]:
    """The bundle numbers missing below the highest one held, as [first, last] ranges (at most
    limits.MISSING_RANGES_MAX of them): never one entry per number, whatever the numbers claim."""
    out: list[list[int]] = []
    expect = 1
    for n in sorted(set(numbers)):
        if n > expect:
            out.append([expect, n - 1])
            if len(out) >= limits.MISSING_RANGES_MAX:
                break
        expect = n + 1
    return out


def missing_numbers(numbers) -> list[int]:
    """The first limits.MISSING_LIST_MAX missing numbers (the old list form; missing_ranges has them all)."""
    out: list[int] = []
    for a, b in missing_ranges(numbers):
        out.extend(range(a, min(b, a + limits.MISSING_LIST_MAX - len(out) - 1) + 1))
        if len(out) >= limits.MISSING_LIST_MAX:
            break
    return out[:limits.MISSING_LIST_MAX]


def open_ranges(runs: list[gaps.Run]) -> list[list[int]]:
    """The runs still missing as [first, last] (at most limits.MISSING_RANGES_MAX of them)."""
    return [[r.first, r.last] for r in runs if not r.closed][:limits.MISSING_RANGES_MAX]


def gap_runs(s: Session, station_id: str, kind: str = "changes") -> list[gaps.Run]:
    """The missing runs of one signer's numbers, each open or closed by a later bundle (see sync/gaps.py)."""
    return gaps.runs(s.execute(select(ReceivedBundle.number, ReceivedBundle.counter_from, ReceivedBundle.counter_to)
                               .where(ReceivedBundle.station_id == station_id, ReceivedBundle.kind == kind)).all())


def gap_hint(code: str | None, missing: list[int]) -> str:
    """What fixes a gap, as the station types it."""
    cmd = gaps.resend_command(missing)
    return _("ask station {value} to run {cmd} and bring those bundles again", value=code or '', cmd=cmd)


def update_mark(s: Session, station_id: str, kind: str, code: str) -> StationMark:
    """Recompute the high-water mark of one signer and kind from the bundle log (so it never disagrees with it).

    A gap closed by a later bundle (sync/gaps.py) does not stop the contiguous run: its changes are here."""
    logged = s.execute(select(ReceivedBundle.number, ReceivedBundle.counter_to, ReceivedBundle.epoch)
                       .where(ReceivedBundle.station_id == station_id, ReceivedBundle.kind == kind)).all()
    by_number = {n: (c, e) for n, c, e in logged}
    open_runs = [r for r in gap_runs(s, station_id, kind) if not r.closed]
    first_open = min((r.first for r in open_runs), default=None)
    contiguous = (max(by_number, default=0) if first_open is None else first_open - 1)
    if contiguous:
        contiguous = max(n for n in by_number if n <= contiguous)
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
        file_sha256=getattr(bundle, "file_sha256", None),
        key_id=(getattr(h, "key_id", None) or None), created_at=str(getattr(h, "created_at", "") or "")[:40] or None,
        imported_at=utcnow(), counts=counts, file_name=Path(str(bundle.path)).name[:255] if bundle.path else None))


def flag_fork(db, bundle, fork: Fork) -> str | None:
    """Record the fork for review (once per offered file and reason) in its own small transaction, keeping the
    refused file for the review (sync/forks.py). Returns the earlier decision's text when a review already set this
    very bundle aside (then nothing new is flagged)."""
    from station_app.sync import forks

    h = bundle.header
    with db.raw_write() as s:
        lock_origin(s, h.station_id)  # two importers offered the same fork: flag it once
        decided = forks.earlier_decision(s, bundle.sha256)
        if decided is not None:
            return forks.decided_text(decided)
        exists = s.execute(select(SyncFork.id).where(SyncFork.offered_sha256 == bundle.sha256,
                                                     SyncFork.reason == fork.reason)).first()
        if exists is None:
            s.add(SyncFork(station_id=h.station_id, station_code=h.station_code, kind=h.kind, number=h.number,
                           known_sha256=fork.known_sha256, offered_sha256=bundle.sha256, reason=fork.reason,
                           detail=fork.detail, file_name=Path(str(bundle.path)).name[:255] if bundle.path else None,
                           detected_at=utcnow(), offered_key_id=(getattr(h, "key_id", None) or None),
                           offered_header=forks.header_dict(h)))
    forks.keep_offered_file(db, bundle)
    log.warning("fork flagged for station %s bundle %s: %s", h.station_code, h.number, fork.detail)
    return None


# -- rows ----------------------------------------------------------------------------------------------------------
def plan_rows(s: Session, rows: dict[str, list[dict]], owners: frozenset[str]) -> dict[str, _Plan]:
    """Stage the incoming rows (Python values) and compare them with the versions held; raise Fork or
    BundleRefused before anything is written. The plans carry the stage for write_rows."""
    stage = Stage(s)
    for model in SYNCED_MODELS:
        table = model.__tablename__
        items = rows.get(table) or []
        if items:
            stage.add_parsed(table, items)
    return _Plans(stage, stage.plan(owners))


class _Plans(dict):
    def __init__(self, stage: Stage, plans: dict[str, _Plan]):
        super().__init__(plans)
        self.stage = stage


def write_rows(s: Session, plans: dict[str, _Plan]) -> dict[str, int]:
    """Move the planned rows from the stage, one INSERT … SELECT per table (see sync.staging)."""
    return plans.stage.write()  # type: ignore[attr-defined]


def store_file(db, row: dict, data: bytes) -> bool:
    """Write one carried photo under photos/ (atomic; a file already there with the right hash is kept)."""
    dest = photo_file(db.paths, row["sha256"], row["file_name"])
    if dest.exists() and hashlib.sha256(dest.read_bytes()).hexdigest() == row["sha256"]:
        return False
    write_atomic(dest, data)
    return True


def store_files(db: StationDB, rows: dict[str, list[dict]], files: dict[str, bytes]) -> int:
    """Write the carried photos under photos/ (atomic; a file already there with the right hash is kept).

    Done before the transaction commits: a rollback leaves at worst an unreferenced file named by its hash."""
    written = 0
    from station_app.sync.payload import photo_rows

    for r in photo_rows(rows):
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
        decided = flag_fork(db, bundle, error)
        if decided:
            return _result(bundle, REFUSED, _("refused: {detail}; {decided}", detail=error.detail, decided=decided), fork=True)
        return _result(bundle, REFUSED, _("refused and flagged as a fork for review: {detail} (station-app fork list)", detail=error.detail), fork=True)
    assert isinstance(error, BundleRefused)
    return _result(bundle, REFUSED, _("refused: {reason}", reason=error.reason), fork=error.fork)


def already_imported(db: StationDB, sha256: str, path=None, file_sha256: str | None = None) -> ImportResult | None:
    """The result for a bundle merged before, or None (cheap: one indexed look-up). `sha256` is the bundle id (a
    copy with a re-encoded signature or another untrusted comment is the same bundle); `file_sha256` also finds
    a row logged by release 0.1.0, which logged the file's sha256."""
    names = [sha256] + ([file_sha256] if file_sha256 else [])
    with db.read() as s:
        b = s.execute(select(ReceivedBundle).where(ReceivedBundle.sha256.in_(names)).limit(1)).scalar_one_or_none()
        if b is None:
            return None
        runs = gap_runs(s, b.station_id, b.kind)
        missing = gaps.expand(runs, closed=False, limit=limits.MISSING_LIST_MAX)
    message = _("{station_code} bundle {number} was already imported on {local_text}; nothing changed", station_code=b.station_code, number=b.number, local_text=local_text(b.imported_at))
    if missing and b.kind == "changes":
        still = _pairs_text(open_ranges(runs))
        message += _("; bundles {still} are still missing: ", still=still) \
            + gap_hint(b.station_code, missing)
    return ImportResult(path=str(path or ""), station_code=b.station_code, number=b.number, status=ALREADY,
                        counts={}, missing=missing, message=message)


def apply_changes(db: StationDB, bundle) -> ImportResult:
    """Merge one station's changes bundle (township side). Never raises for a refused bundle: returns it."""
    h = bundle.header
    try:
        _check_header(h, "changes")
        if h.station_id == db.station_id:
            raise BundleRefused(_("this bundle was exported by this installation itself"))
        done = already_imported(db, bundle.sha256, bundle.path, getattr(bundle, "file_sha256", None))
        if done is not None:
            return done
        owners = frozenset({h.station_id})
        try:
            with merge_session(db, h.station_id) as s:
                known = _known(s, h.station_id, "changes")
                if any(b.sha256 == bundle.sha256 for b in known.values()):  # imported meanwhile
                    raise _Already()
                check_chain(h, bundle.sha256, known, getattr(bundle, "file_sha256", None))
                stage = Stage(s)
                payload = bundle.payload
                if isinstance(payload, StreamedPayload) and payload._whole is None:
                    # Parse, check and stage chunk by chunk: the rows never exist whole in memory.
                    def on_rows(t, names, chunk):
                        station_rows.check_changes_chunk(t, names, chunk, h)
                        stage.add(t, [st for st, _py in chunk])

                    payload.stream(on_rows=on_rows, on_file=lambda row, data: store_file(db, row, data))
                else:
                    rows = parsed_rows(payload, kind="changes", signer_station_id=h.station_id)
                    station_rows.check_changes(rows, h)
                    _check_counters(h, rows)
                    for model in SYNCED_MODELS:
                        if rows.get(model.__tablename__):
                            stage.add_parsed(model.__tablename__, rows[model.__tablename__])
                    store_files(db, rows, payload.files)
                stage.plan(owners)
                counts = stage.write()
                log_bundle(s, bundle, counts)
                s.flush()
                mark = update_mark(s, h.station_id, "changes", h.station_code)
                runs = gap_runs(s, h.station_id)
                missing = gaps.expand(runs, closed=False, limit=limits.MISSING_LIST_MAX)
                open_text = _pairs_text(open_ranges(runs))
        except _Already:
            return already_imported(db, bundle.sha256, bundle.path)  # type: ignore[return-value]
    except (Fork, BundleRefused) as e:
        return refusal(db, bundle, e)
    total = sum(counts.values())
    if missing:
        return _result(bundle, GAP, _("{station_code} bundle {number} imported ({total} rows), but bundles {open_text} are still missing: ", station_code=h.station_code, number=h.number, total=total, open_text=open_text) + gap_hint(h.station_code, missing), counts=counts, missing=missing)
    return _result(bundle, IMPORTED, _("{station_code} bundle {number} imported ({total} rows; complete up to counter {contiguous_counter})", station_code=h.station_code, number=h.number, total=total, contiguous_counter=mark.contiguous_counter), counts=counts)


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
    return _pairs_text(_ranges(numbers))


def _pairs_text(pairs: list[list[int]]) -> str:
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in pairs)


# -- status ------------------------------------------------------------------------------------------------------
def station_status(db: StationDB, enrolled: list[dict] | None = None) -> list[dict]:
    """Per station that sent bundles (or is enrolled): code, name, last bundle and time, missing numbers, forks."""
    from station_app.sync.forks import close_superseded

    close_superseded(db)
    with db.read() as s:
        marks = {m.station_id: m for m in s.execute(select(StationMark).where(StationMark.kind == "changes")).scalars()}
        logged: dict[str, list[tuple[int, int, int]]] = {}
        for sid, n, f, t in s.execute(select(ReceivedBundle.station_id, ReceivedBundle.number,
                                             ReceivedBundle.counter_from, ReceivedBundle.counter_to)
                                      .where(ReceivedBundle.kind == "changes")):
            logged.setdefault(sid, []).append((n, f, t))
        forks: dict[str, list[dict]] = {}
        for f in s.execute(select(SyncFork).order_by(SyncFork.id)).scalars():
            forks.setdefault(f.station_id, []).append({
                "number": f.number, "reason": f.reason, "detail": f.detail, "known_sha256": f.known_sha256,
                "offered_sha256": f.offered_sha256, "detected_at": f.detected_at, "resolved": f.resolved_at is not None,
                "id": f.id, "resolution": f.resolution, "resolution_note": f.resolution_note})
        names = {sid: (code, name) for sid, code, name in s.execute(select(Station.id, Station.code, Station.name))}
    ids = list(marks)
    for e in enrolled or []:
        if e["station_id"] not in marks:
            ids.append(e["station_id"])
    for sid in forks:
        if sid not in ids:
            ids.append(sid)
    extra = {e["station_id"]: e for e in enrolled or []}
    runs = {sid: gaps.runs(logged.get(sid, [])) for sid in ids}
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
            "missing": gaps.expand(runs[sid], closed=False, limit=limits.MISSING_LIST_MAX),
            "missing_ranges": open_ranges(runs[sid]),
            # Numbers never received whose changes a later bundle brought (the gap is closed).
            "closed": gaps.expand(runs[sid], closed=True, limit=limits.MISSING_LIST_MAX),
            "forks": forks.get(sid, []),
        })
    out.sort(key=lambda d: (d["code"] or "", d["station_id"]))
    return out


def receipts(db: StationDB) -> list[dict]:
    """What this installation holds of each station's bundles (the township's receipts for reference bundles)."""
    with db.read() as s:
        marks = list(s.execute(select(StationMark).where(StationMark.kind == "changes")).scalars())
        logged: dict[str, dict[int, str]] = {}
        closed: dict[str, list[int]] = {}
        for sid, n, sha in s.execute(select(ReceivedBundle.station_id, ReceivedBundle.number, ReceivedBundle.sha256)
                                     .where(ReceivedBundle.kind == "changes")):
            logged.setdefault(sid, {})[n] = sha
        for m in marks:
            closed[m.station_id] = gaps.expand(gap_runs(s, m.station_id), closed=True)
    out = []
    for m in marks:
        held = logged.get(m.station_id, {})
        # `numbers`: the bundles whose changes the township holds, i.e. received or closed by a later bundle
        # (docs/bundle-format.md), so the station's `bundle status` and `stations` agree on what is missing.
        out.append({"station_id": m.station_id, "station_code": m.station_code,
                    "numbers": _ranges(list(held) + closed.get(m.station_id, [])), "last_number": m.last_number,
                    "last_sha256": held.get(m.last_number), "contiguous_number": m.contiguous_number,
                    "contiguous_counter": m.contiguous_counter, "high_counter": m.high_counter, "epoch": m.epoch})
    return out
