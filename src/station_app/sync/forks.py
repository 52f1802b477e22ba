"""Fork review at the township: both versions side by side, a decision with a reason, superseded forks closed.

A fork (merge.py) is a refused bundle that contradicts what is held of the same station. The refused file is kept
in `forks/<sha256>.stbundle` under the data directory (it is signed and encrypted, like any bundle) so it can be
shown and, if the reviewer decides so, merged later. Decisions (`resolution`):
- `kept_held`: the bundle held stays; the refused one is set aside for good (offered again, it is refused saying so);
- `kept_offered`: the refused bundle takes the place of the held one it clashed with and is merged; allowed only
  when that held bundle is the last of the chain (nothing held builds on it) and no record clashes at one counter.
  The records the displaced bundle brought stay: they were real work of the station;
- `superseded`: a key of the station was revoked after the fork was seen (a restore to a new PC revokes the old
  key): that chain has ended, there is nothing left to decide.
Every decision is written to the sync log with the reviewer and the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from station_app.core.errors import NotFoundError, StateError, ValidationError
from station_app.core.i18n import _
from station_app.store.atomic import write_atomic
from station_app.store.keys_models import KeyRevocation
from station_app.store.models import MODEL_BY_TABLE, SYNCED_MODELS, utcnow
from station_app.store.rowdata import column_names
from station_app.store.sync_models import ReceivedBundle, SyncFork
from station_app.sync import station_rows
from station_app.sync.staging import Stage

KEEP = ("held", "offered")
FORKS_DIR = "forks"


def quarantine_path(db, sha256: str) -> Path:
    return Path(db.paths.root) / FORKS_DIR / f"{sha256}.stbundle"


def keep_offered_file(db, bundle) -> None:
    """Keep a copy of the refused file for the review (only a real file whose bytes are the ones refused)."""
    src = Path(str(getattr(bundle, "path", "") or ""))
    try:
        if not src.is_file():
            return
        data = src.read_bytes()
    except OSError:
        return
    # Not compared with the bundle's identity here: the review opens the copy again and checks it is the bundle
    # refused (the file on the stick may have changed meanwhile).
    dest = quarantine_path(db, bundle.sha256)
    if not dest.exists():
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # inside the data dir: owner-only
        write_atomic(dest, data, mode=0o600)


def header_dict(h) -> dict[str, Any]:
    return {"number": h.number, "epoch": h.epoch, "counter_from": h.counter_from, "counter_to": h.counter_to,
            "prev_sha256": h.prev_sha256, "key_id": getattr(h, "key_id", None),
            "created_at": str(getattr(h, "created_at", "") or "")[:40] or None}


def earlier_decision(s, sha256: str) -> SyncFork | None:
    """A decided fork that already set this very bundle aside."""
    return s.execute(select(SyncFork).where(
        ((SyncFork.offered_sha256 == sha256) & (SyncFork.resolution == "kept_held"))
        | ((SyncFork.known_sha256 == sha256) & (SyncFork.resolution == "kept_offered"))
    ).order_by(SyncFork.id.desc()).limit(1)).scalar_one_or_none()


def decided_text(f: SyncFork) -> str:
    when = f.resolved_at.strftime("%Y-%m-%d") if f.resolved_at else ""
    return _("this bundle was reviewed on {when} (fork #{id}; the other version was kept: {resolution_note})", when=when, id=f.id, resolution_note=f.resolution_note)


def close_superseded(db) -> list[int]:
    """Close open forks of stations whose key was revoked after the fork was seen (a restore, a lost PC)."""
    from station_app.sync.exporter import sync_logger

    closed = []
    with db.read() as s:
        open_forks = list(s.execute(select(SyncFork).where(SyncFork.resolved_at.is_(None))).scalars())
        if not open_forks:
            return []
        revs = list(s.execute(select(KeyRevocation)).scalars())
    for f in open_forks:
        rev = next((r for r in revs if r.station_id == f.station_id and r.revoked_at >= f.detected_at), None)
        if rev is None:
            rev = next((r for r in revs if f.offered_key_id and r.key_id == f.offered_key_id), None)
        if rev is None:
            continue
        note = _("the station's key {key_id} was revoked on {revoked_at:%Y-%m-%d} ({reason}); that chain has ended", key_id=rev.key_id, revoked_at=rev.revoked_at, reason=rev.reason)
        with db.raw_write() as s:
            row = s.get(SyncFork, f.id)
            if row.resolved_at is not None:
                continue
            row.resolution, row.resolution_note, row.resolved_by, row.resolved_at = (
                "superseded", note, rev.revoked_by, utcnow())
        sync_logger(db).info("fork %d (%s bundle %d, %s) closed as superseded: %s", f.id, f.station_code, f.number,
                             f.reason, note)
        closed.append(f.id)
    return closed


def fork_dict(f: SyncFork) -> dict[str, Any]:
    return {"id": f.id, "station_id": f.station_id, "code": f.station_code, "kind": f.kind, "number": f.number,
            "reason": f.reason, "detail": f.detail, "known_sha256": f.known_sha256,
            "offered_sha256": f.offered_sha256, "offered_key_id": f.offered_key_id, "file_name": f.file_name,
            "detected_at": f.detected_at.isoformat(timespec="seconds"),
            "status": f.resolution or ("open" if f.resolved_at is None else "resolved"),
            "resolution": f.resolution, "resolution_note": f.resolution_note, "resolved_by": f.resolved_by,
            "resolved_at": f.resolved_at.isoformat(timespec="seconds") if f.resolved_at else None}


def list_forks(db, *, all_: bool = False) -> list[dict[str, Any]]:
    close_superseded(db)
    with db.read() as s:
        q = select(SyncFork).order_by(SyncFork.id)
        if not all_:
            q = q.where(SyncFork.resolved_at.is_(None))
        return [fork_dict(f) for f in s.execute(q).scalars()]


def _get(s, fork_id: int) -> SyncFork:
    f = s.get(SyncFork, fork_id)
    if f is None:
        raise NotFoundError(_("no fork number {fork_id} (see station-app fork list --all)", fork_id=fork_id))
    return f


def _held_dict(b: ReceivedBundle | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {"number": b.number, "epoch": b.epoch, "counter_from": b.counter_from, "counter_to": b.counter_to,
            "sha256": b.sha256, "prev_sha256": b.prev_sha256, "key_id": b.key_id, "created_at": b.created_at,
            "imported_at": b.imported_at.isoformat(timespec="seconds"), "counts": dict(b.counts or {}),
            "file_name": b.file_name}


def _open_offered(db, f: SyncFork):
    """The refused bundle, opened and checked again (signature, decryption, payload), or (None, reason)."""
    from station_app.sync.bundle import open_bundle
    from station_app.sync.results import BundleRefused

    path = quarantine_path(db, f.offered_sha256)
    if not path.is_file():
        return None, _("the refused file was not kept (the fork predates fork review, or did not come from a file)")
    try:
        opened = open_bundle(db, path)
    except BundleRefused as e:
        return None, e.reason
    if opened.sha256 != f.offered_sha256:
        return None, _("the kept file is not the bundle that was refused")
    return opened, None


def _columns(table: str) -> list[str]:
    return column_names(MODEL_BY_TABLE[table])


def _held(s, table: str, ids: list[str], chunk: int | None = None) -> dict[str, Any]:
    """The versions this township holds of these records, by id."""
    from station_app.sync.sqlraw import in_chunk

    chunk = chunk or in_chunk(s)
    t = MODEL_BY_TABLE[table].__table__
    cols = [t.c[n] for n in _columns(table)]
    held: dict[str, Any] = {}
    for i in range(0, len(ids), chunk):
        for r in s.execute(select(*cols).where(t.c.id.in_(ids[i:i + chunk]))):
            held[r.id] = r._mapping
    return held


def compare(db, bundle) -> dict[str, Any]:
    """Per table: rows carried, records new here, identical, older, newer, and those held at the same counter with
    other content (field names only: the values are personal data)."""
    from station_app.sync.payload import parsed_rows

    h = bundle.header
    rows = parsed_rows(bundle.payload, kind="changes", signer_station_id=h.station_id)
    counts, new, newer, same, clashes = {}, {}, {}, {}, []
    with db.read() as s:
        for model in SYNCED_MODELS:
            table = model.__tablename__
            items = rows.get(table) or []
            if not items:
                continue
            counts[table] = len(items)
            held = _held(s, table, [r["id"] for r in items])
            names = _columns(table)
            for r in items:
                old = held.get(r["id"])
                if old is None:
                    new[table] = new.get(table, 0) + 1
                elif old["counter"] < r["counter"]:
                    newer[table] = newer.get(table, 0) + 1
                elif old["counter"] == r["counter"]:
                    diff = [n for n in names if old[n] != r[n]]
                    if diff:
                        clashes.append({"table": table, "id": r["id"], "counter": r["counter"], "fields": diff})
                    else:
                        same[table] = same.get(table, 0) + 1
    return {"counts": counts, "new_records": new, "newer_versions": newer, "identical": same,
            "clashes": clashes[:50], "clash_count": len(clashes)}


def show(db, fork_id: int) -> dict[str, Any]:
    close_superseded(db)
    with db.read() as s:
        f = _get(s, fork_id)
        held = None
        if f.known_sha256:
            held = s.execute(select(ReceivedBundle).where(ReceivedBundle.sha256 == f.known_sha256)
                             ).scalar_one_or_none()
        if held is None:  # the bundle held under that number (a rewritten range names no single bundle)
            held = s.execute(select(ReceivedBundle).where(ReceivedBundle.station_id == f.station_id,
                                                          ReceivedBundle.kind == f.kind,
                                                          ReceivedBundle.number == f.number)).scalar_one_or_none()
        out = {"fork": fork_dict(f), "held": _held_dict(held)}
    offered: dict[str, Any] = dict(f.offered_header or {"number": f.number})
    offered["sha256"] = f.offered_sha256
    bundle, why = _open_offered(db, f)
    if bundle is not None:
        offered.update(header_dict(bundle.header))
        offered.update(compare(db, bundle))
        offered["readable"] = True
    else:
        offered["readable"], offered["unreadable_reason"] = False, why
    out["offered"] = offered
    return out


def resolve(db, fork_id: int, keep: str, reason: str, actor: str) -> dict[str, Any]:
    from station_app.sync.exporter import sync_logger

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError.single("--reason", _("say why this version is kept (it is written to the sync log)"))
    if keep not in KEEP:
        raise ValidationError.single("--keep", _("must be held (keep the bundle held) or offered (keep the refused one)"))
    close_superseded(db)
    with db.read() as s:
        f = _get(s, fork_id)
        if f.resolved_at is not None:
            raise StateError(_("fork #{fork_id} was already decided on {resolved_at:%Y-%m-%d} ({resolution}: {resolution_note})", fork_id=fork_id, resolved_at=f.resolved_at, resolution=f.resolution, resolution_note=f.resolution_note))
    counts: dict[str, int] = {}
    if keep == "held":
        with db.raw_write() as s:
            row = s.get(SyncFork, fork_id)
            row.resolution, row.resolution_note, row.resolved_by, row.resolved_at = (
                "kept_held", reason, actor, utcnow())
    else:
        counts = _merge_offered(db, fork_id, reason, actor)
    with db.read() as s:
        f = s.get(SyncFork, fork_id)
        data = fork_dict(f)
    sync_logger(db).info("fork %d (%s bundle %d, %s) resolved by %s: %s (offered %s, held %s) - reason: %s%s",
                         f.id, f.station_code, f.number, f.reason, actor, data["resolution"], f.offered_sha256,
                         f.known_sha256, reason, f"; merged {counts}" if counts else "")
    data["counts"] = counts
    return data


def _merge_offered(db, fork_id: int, reason: str, actor: str) -> dict[str, int]:
    """Put the refused bundle in the place of the held one it clashed with, and merge it (one transaction)."""
    from station_app.sync import merge
    from station_app.sync.payload import parsed_rows
    from station_app.sync.results import BundleRefused

    with db.read() as s:
        f = _get(s, fork_id)
        if f.kind != "changes":
            raise StateError(_("only a fork of a station's changes bundle can keep the refused version"))
    bundle, why = _open_offered(db, f)
    if bundle is None:
        raise StateError(_("cannot keep the refused version: {why}", why=why))
    h = bundle.header
    try:
        rows = parsed_rows(bundle.payload, kind="changes", signer_station_id=h.station_id)
        merge._check_counters(h, rows)
        with merge.merge_session(db, h.station_id) as s:
            known = merge._known(s, h.station_id, "changes")
            displaced = [b for b in known.values() if f.known_sha256 and b.sha256 == f.known_sha256]
            for b in displaced:
                later = sorted(n for n in known if n > b.number)
                if later:
                    raise StateError(_("bundles {ranges_text} held build on bundle {number}, so it cannot be replaced by the refused version: keep the held one (--keep held) and restore the other PC from the township", number=b.number, ranges_text=merge._ranges_text(later)))
                s.delete(b)
                del known[b.number]
            s.flush()
            merge.check_chain(h, bundle.sha256, known, getattr(bundle, "file_sha256", None))
            station_rows.check_changes(rows, h)
            stage = Stage(s)
            for model in SYNCED_MODELS:
                if rows.get(model.__tablename__):
                    stage.add_parsed(model.__tablename__, rows[model.__tablename__])
            stage.plan(frozenset({h.station_id}))
            counts = stage.write()
            merge.store_files(db, rows, bundle.payload.files)
            merge.log_bundle(s, bundle, counts)
            s.flush()
            merge.update_mark(s, h.station_id, "changes", h.station_code)
            row = s.get(SyncFork, fork_id)
            row.resolution, row.resolution_note, row.resolved_by, row.resolved_at = (
                "kept_offered", reason, actor, utcnow())
    except merge.Fork as e:
        raise StateError(_("cannot keep the refused version: {detail}. Keep the held one (--keep held) and restore the other PC from the township", detail=e.detail)) from None
    except BundleRefused as e:
        raise StateError(_("cannot keep the refused version: {reason}", reason=e.reason)) from None
    return counts


__all__ = ["list_forks", "show", "resolve", "close_superseded", "keep_offered_file"]
