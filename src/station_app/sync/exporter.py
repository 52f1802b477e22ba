"""Writing bundles: the changes since the last export, numbered gap-free and chained by sha256.

The exported-bundle log (store.keys_models.ExportedBundle) is what makes numbering safe across crashes:
1. the number is reserved first (a "pending" row, committed);
2. the file is written atomically and read back;
3. the row becomes "written" with the file's sha256.
If the program dies between 1 and 3, the next export finds the pending row: if the file made it to disk (it
verifies and is that number), it is adopted as is; otherwise the number is reused for a fresh bundle – no file with
that number ever left this PC, so the township never sees two different bundles with one number.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station_app.core.errors import StateError
from station_app.core.i18n import _
from station_app.core.progress import NO_TASK, Task
from station_app.store.keys_models import ExportedBundle
from station_app.store.models import LocalState, utcnow
from station_app.sync import identity
from station_app.sync.bundle import BundleRefused, check_own_file, write_bundle_file
from station_app.store.stationdb import StationDB

log = logging.getLogger(__name__)
SYNC_LOG = "sync.log"


def sync_logger(db: StationDB) -> logging.Logger:
    """The sync journal: paths.logs/sync.log (what was exported where, what was imported). It does not propagate,
    so the console stays quiet unless -v."""
    target = str((db.paths.logs / SYNC_LOG).resolve())
    # One logger per installation, so two installations in one process (tests, a township PC holding a station's
    # test copy) never write into each other's journal.
    logger = logging.getLogger("station_app.sync.journal." + hashlib.sha1(target.encode()).hexdigest()[:12])
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if not any(isinstance(h, logging.FileHandler) and h.baseFilename == target for h in logger.handlers):
        from station_app.store.private import create_private_file, private_dir

        private_dir(db.paths.logs)
        create_private_file(Path(target))  # the journal names stations and files: owner-only
        h = logging.FileHandler(target, encoding="utf-8")
        h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(h)
    return logger


def township_recipients(db: StationDB) -> list[str]:
    """Who a station's bundles are encrypted to: the trusted township, and its escrow recipient if it has one."""
    t = identity.township_key(db)
    if t is None:
        raise StateError(_("this station trusts no township card yet, so bundles cannot be encrypted: run station-app enroll TOWNSHIP-CARD"))
    return [t.age_recipient] + ([t.escrow_recipient] if t.escrow_recipient else [])


def _chain_base(db: StationDB) -> dict | None:
    try:
        from station_app.sync.restore import chain_base
    except ImportError:  # the restore module is not there (yet)
        return None
    return chain_base(db)


def _chain_position(s, db, kind: str) -> tuple[int, str | None, int]:
    """(last number, its sha256, its counter_to) of the written chain of this kind, or of the restore base."""
    last = s.execute(select(ExportedBundle).where(ExportedBundle.kind == kind, ExportedBundle.status == "written")
                     .order_by(ExportedBundle.number.desc()).limit(1)).scalar_one_or_none()
    pos = (last.number, last.sha256, last.counter_to) if last else (0, None, 0)
    if kind == "changes":
        base = _chain_base(db)
        if base and base["number"] > pos[0]:
            pos = (base["number"], base["sha256"], base["counter_to"])
    return pos


def _settle_pending(db: StationDB, kind: str) -> None:
    """Finish or forget a reservation left by an export that did not complete (see the module doc)."""
    with db.read() as s:
        pending = s.execute(select(ExportedBundle).where(ExportedBundle.kind == kind,
                                                         ExportedBundle.status == "pending")).scalars().all()
    for row in pending:
        sha = check_own_file(db, Path(row.path), kind=kind, number=row.number) if row.path else None
        with db.raw_write() as s:
            r = s.get(ExportedBundle, row.id)
            if sha is not None:
                r.status, r.sha256, r.size = "written", sha, Path(row.path).stat().st_size
                if kind == "changes":
                    _keep_in_outbox(s, kind, row.number, Path(row.path))
                sync_logger(db).info("adopted %s bundle %d found complete at %s", kind, row.number, row.path)
            else:
                s.delete(r)
                sync_logger(db).info("released %s bundle number %d (its file never reached the disk)",
                                     kind, row.number)


def export_payload(db: StationDB, kind: str, payload: Any, out_dir: Path, *, recipients: list[str], counter_from: int = 0,
                   counter_to: int = 0, epoch: int | None = None, task: Task = NO_TASK) -> tuple[Path, dict[str, Any]]:
    """Number, chain, write and log one bundle of any kind (the data side uses it for reference and restore
    bundles). Returns (path, log entry as a dict). `task` may cancel up to the file's final write."""
    logger = sync_logger(db)
    task.step(1, 3, _("signing and encrypting"))
    _settle_pending(db, kind)
    if epoch is None:
        with db.read() as s:
            epoch = s.get(LocalState, 1).epoch
    out_dir = Path(out_dir)
    key = identity.own_key(db)
    with db.raw_write() as s:
        number, prev_sha, _unused = _chain_position(s, db, kind)
        number += 1
        from station_app.sync.bundle import bundle_file_name

        path = out_dir / bundle_file_name(db.station().code, kind, number)
        row = ExportedBundle(kind=kind, number=number, epoch=epoch, counter_from=counter_from,
                             counter_to=counter_to, status="pending", prev_sha256=prev_sha, key_id=key.key_id,
                             path=str(path.resolve()), created_at=utcnow())
        s.add(row)
    try:
        path, sha, _header = write_bundle_file(db, kind=kind, number=number, epoch=epoch, counter_from=counter_from,
                                               counter_to=counter_to, prev_sha256=prev_sha, payload=payload,
                                               out_dir=out_dir, recipients=recipients,
                                               before_write=lambda: task.step(2, 3, _("writing the file")))
    except BaseException:
        # Nothing reached the disk under that name (write_atomic renames last): release the number.
        with db.raw_write() as s:
            r = s.get(ExportedBundle, row.id)
            if r is not None and not Path(r.path).exists():
                s.delete(r)
        raise
    with db.raw_write() as s:
        r = s.get(ExportedBundle, row.id)
        r.status, r.sha256, r.size = "written", sha, path.stat().st_size
        if kind == "changes":
            _keep_in_outbox(s, kind, number, path)
        entry = exported_dict(r)
    counts = {t: len(rows) for t, rows in payload.tables.items() if rows}
    task.report(3, 3, path.name)
    logger.info("exported %s bundle %d (counter %d..%d, epoch %d, %d rows, %d files) to %s sha256 %s",
                kind, number, counter_from, counter_to, epoch, sum(counts.values()), len(payload.files), path, sha)
    return path, entry


def _keep_in_outbox(s, kind: str, number: int, path: Path) -> None:
    """The station keeps every changes bundle it wrote, so `bundle export --resend N` can write it again."""
    from station_app.sync.outbox import store

    store(s, kind, number, path.read_bytes())


def export_bundle(db: StationDB, out_dir: Path, *, full: bool = False, from_counter: int | None = None,
                  task: Task = NO_TASK) -> Path | None:
    """Export this station's changes: by default those since the last export; `full` = everything from the
    start; `from_counter` = changes with counter >= N. Nothing new -> None, and nothing is written."""
    from station_app.sync.payload import collect_changes_lean as collect_changes

    recipients = township_recipients(db)
    _settle_pending(db, "changes")
    with db.read() as s:
        _unused, _unused, last_to = _chain_position(s, db, "changes")
        state = s.get(LocalState, 1)
        upto = state.counter
    if full:
        after = 0
    elif from_counter is not None:
        if from_counter < 1:
            from station_app.core.errors import ValidationError

            raise ValidationError.single("--from", _("must be a counter value of at least 1"))
        after = from_counter - 1
    else:
        after = last_to
    if upto <= after:
        sync_logger(db).info("export: nothing new after counter %d", after)
        return None
    task.step(0, 3, _("collecting changes"))
    payload = collect_changes(db, after, upto)
    if not any(payload.tables.values()):
        sync_logger(db).info("export: no rows in counter range %d..%d", after, upto)
        return None
    path, _entry = export_payload(db, "changes", payload, out_dir, recipients=recipients, counter_from=after,
                                  counter_to=upto, epoch=state.epoch, task=task)
    return path


def exported_dict(r: ExportedBundle) -> dict[str, Any]:
    return {"kind": r.kind, "number": r.number, "epoch": r.epoch, "counter_from": r.counter_from,
            "counter_to": r.counter_to, "status": r.status, "sha256": r.sha256, "prev_sha256": r.prev_sha256,
            "key_id": r.key_id, "path": r.path, "size": r.size,
            "created_at": r.created_at.isoformat(timespec="seconds") if r.created_at else None}


def exported_bundles(db: StationDB, kind: str | None = None) -> list[dict[str, Any]]:
    with db.read() as s:
        q = select(ExportedBundle).order_by(ExportedBundle.kind, ExportedBundle.number)
        if kind:
            q = q.where(ExportedBundle.kind == kind)
        return [exported_dict(r) for r in s.execute(q).scalars()]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


__all__ = ["export_bundle", "export_payload", "exported_bundles", "township_recipients", "sync_logger",
           "BundleRefused"]
