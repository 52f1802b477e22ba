"""Importing bundles: files or folders, each opened (signature first), then handed to the right merge.

Every bundle gets one ImportResult: imported (with counts), already imported, gap (with the missing numbers), or
refused (with the reason). A refusal never stops the others; the CLI exits 1 if any was refused.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError

from station_app.core.errors import StationError
from station_app.core.i18n import _
from station_app.core.safe_text import terminal_safe
from station_app.sync.bundle import SUFFIX, _read_capped, check_signature, file_identity, open_bundle
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
            # Not only regular files: a FIFO or a link to a device named like a bundle is reported as refused.
            out.extend(sorted(q for q in p.iterdir() if q.name.endswith(SUFFIX) and not q.is_dir()))
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


def _identity(path: Path) -> tuple[str, str] | None:
    """(bundle id, file sha256) of the file, unverified, or None when it cannot be read as a bundle (then
    check_signature says why in plain words: too large, not a regular file, unreadable)."""
    try:
        return file_identity(_read_capped(path))
    except BundleRefused:
        return None


def import_one(db: StationDB, path: Path) -> ImportResult:
    logger = sync_logger(db)
    code = number = None
    try:
        # This bundle (by its id: what is signed, so any copy of it) merged before? Its signature was verified
        # then and a copy can change nothing: answer from the log without verifying or decrypting again.
        ident = _identity(path)
        result = already_imported(db, ident[0], path, ident[1]) if ident else None
        if result is None:
            sha, header = check_signature(db, path)
            code, number = header.station_code, header.number
            result = _dispatch(db, open_bundle(db, path))
    except BundleRefused as e:
        result = ImportResult(path=str(path), station_code=code, number=number, status=REFUSED, message=e.reason,
                              fork=e.fork)
    except StationError as e:  # a key passphrase problem and the like
        result = ImportResult(path=str(path), station_code=code, number=number, status=REFUSED,
                              message=_("cannot import: {e}", e=e))
    except OperationalError as e:  # another program holds the database longer than the busy timeout
        # SQLite's busy timeout, or PostgreSQL's lock timeout on the station's merge lock (sync.merge.lock_origin)
        if "locked" not in str(e.orig) and "busy" not in str(e.orig) and type(e.orig).__name__ != "LockNotAvailable":
            raise
        result = ImportResult(path=str(path), station_code=code, number=number, status=REFUSED,
                              message=_("the database is busy with another program (timed out); this bundle was not imported: import it again later"))
    except (Exception, RecursionError, MemoryError) as e:  # noqa: BLE001 — one bad file never stops the others
        logger.exception("import %s failed unexpectedly", terminal_safe(path))
        result = ImportResult(path=str(path), station_code=code, number=number, status=REFUSED,
                              message=_("cannot import: an error while reading it ({name}); details in sync.log", name=type(e).__name__))
    logger.info("import %s: %s %s %s %s", terminal_safe(path), result.status, result.station_code, result.number,
                terminal_safe(result.message) if result.status == REFUSED else result.counts)
    return result


def import_paths(db: StationDB, paths: list[Path], *, task: Task = NO_TASK,
                 on_wait: Callable[[str], None] | None = None) -> list[ImportResult]:
    """Import every bundle of `paths` (each one all or nothing; `task` may cancel between bundles), one import per
    data dir at a time: a second one waits for the first (telling `on_wait` so), and gives up cleanly after
    STATION_APP_IMPORT_WAIT seconds (default 600)."""
    files = expand_paths(paths)
    with import_lock(db.paths.root, on_wait=on_wait):
        out = []
        for n, p in enumerate(files):
            task.step(n, len(files), p.name)
            out.append(import_one(db, p))
        task.report(len(files), len(files), "")
        return out


class ImportBusy(StationError):
    """Another import holds this data dir's import lock for longer than we wait."""


LOCK_FILE = "import.lock"
ENV_WAIT = "STATION_APP_IMPORT_WAIT"


def import_wait() -> float:
    """Seconds an import waits for another one (STATION_APP_IMPORT_WAIT, default 600)."""
    try:
        return float(os.environ.get(ENV_WAIT, "600"))
    except ValueError:
        return 600.0


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


@contextmanager
def import_lock(root: Path | str, *, on_wait: Callable[[str], None] | None = None,
                wait: float | None = None) -> Iterator[None]:
    """Hold the data dir's import lock (an OS file lock: released by the OS if the holder dies)."""
    from station_app.store.private import create_private_file

    if wait is None:
        wait = import_wait()
    path = create_private_file(Path(root) / LOCK_FILE)
    fd = os.open(path, os.O_RDWR)
    try:
        if not _try_lock(fd):
            if on_wait is not None:
                on_wait(_("another import is running in this data directory; waiting for it to finish (up to {wait:.0f} s)...", wait=wait))
            deadline = time.monotonic() + wait
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise ImportBusy(_("another import is running in this data directory (waited {wait:.0f} s); nothing was imported: import again when it has finished", wait=wait))
                time.sleep(0.2)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
