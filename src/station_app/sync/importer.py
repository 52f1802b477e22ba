"""Importing bundles: files or folders, each opened (signature first), then handed to the right merge.

Every bundle gets one ImportResult: imported (with counts), already imported, gap (with the missing numbers), or
refused (with the reason). A refusal never stops the others; the CLI exits 1 if any was refused.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from station_app.core.errors import StationError
from station_app.core.i18n import pick
from station_app.sync.bundle import LIMITS, SUFFIX, check_signature, open_bundle
from station_app.sync.exporter import sync_logger
from station_app.sync.merge import already_imported
from station_app.sync.results import REFUSED, BundleRefused, ImportResult
from station_app.core.progress import NO_TASK, Task
from station_app.store.stationdb import StationDB

log = logging.getLogger(__name__)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to their *.stbundle files (not recursive), sorted by name so a station's
    bundles come in number order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.name.endswith(SUFFIX) and q.is_file()))
        else:
            out.append(p)
    return out


def _dispatch(db: StationDB, bundle) -> ImportResult:
    kind = bundle.header.kind
    if kind == "changes":
        from station_app.sync.merge import apply_changes

        return apply_changes(db, bundle)
    if kind == "reference":
        from station_app.sync.reference import apply_reference

        return apply_reference(db, bundle)
    from station_app.sync.restore import apply_restore

    return apply_restore(db, bundle)


def _file_sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        if path.stat().st_size > LIMITS.bundle_bytes:
            return None  # refused by check_signature without reading it
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None  # check_signature reports an unreadable file in plain words
    return h.hexdigest()


def import_one(db: StationDB, path: Path) -> ImportResult:
    logger = sync_logger(db)
    code = number = None
    try:
        # Exactly these bytes merged before? Then their signature was verified then, and nothing can change now:
        # answer from the log without verifying or decrypting again (re-import stays in milliseconds).
        sha = _file_sha256(path)
        result = already_imported(db, sha, path) if sha else None
        if result is None:
            sha, header = check_signature(db, path)
            code, number = header.station_code, header.number
            result = _dispatch(db, open_bundle(db, path))
    except BundleRefused as e:
        result = ImportResult(path=str(path), station_code=code, number=number, status=REFUSED, message=e.reason,
                              fork=e.fork)
    except StationError as e:  # a key passphrase problem and the like
        result = ImportResult(path=str(path), station_code=code, number=number, status=REFUSED,
                              message=pick(f"无法导入：{e}", f"cannot import: {e}"))
    logger.info("import %s: %s %s %s %s", path, result.status, result.station_code, result.number,
                result.message if result.status == REFUSED else result.counts)
    return result


def import_paths(db: StationDB, paths: list[Path], *, task: Task = NO_TASK) -> list[ImportResult]:
    """Import each bundle (each one all or nothing); `task` may cancel between bundles."""
    files = expand_paths(paths)
    out = []
    for n, p in enumerate(files):
        task.step(n, len(files), p.name)
        out.append(import_one(db, p))
    task.report(len(files), len(files), "")
    return out
