"""Rolling automatic backups (7 daily, 4 weekly) and manual backup / restore.

Backups are made with SQLite's online backup API and named by kind and date: daily-2021-03-05.sqlite3,
weekly-2021-W09.sqlite3, manual-20210305-093000.sqlite3, pre-migrate-..., pre-restore-....
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from station_app.store.stationdb import StationDB

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from station_app.core.errors import StationError
from station_app.core.i18n import _
from station_app.store.atomic import fsync_file, replace_durably
from station_app.store.db import integrity_check, online_backup, quick_check

KEEP_DAILY = 7
KEEP_WEEKLY = 4


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str
    size: int
    modified: datetime

    def as_dict(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "size": self.size,
                "modified": self.modified.isoformat(timespec="seconds")}


def list_backups(backups_dir: Path) -> list[BackupFile]:
    if not backups_dir.exists():
        return []
    out = []
    # *.dump: pg_dump files of a township database on PostgreSQL (store/pgcheck.py).
    for p in sorted([*backups_dir.glob("*.sqlite3"), *backups_dir.glob("*.dump")]):
        st = p.stat()
        out.append(BackupFile(p, _kind(p.name), st.st_size, datetime.fromtimestamp(st.st_mtime)))
    return sorted(out, key=lambda b: b.modified, reverse=True)


def _kind(name: str) -> str:
    for kind in ("pre-migrate", "pre-restore"):
        if name.startswith(kind + "-"):
            return kind
    return name.split("-", 1)[0]


def backup_now(db_path: Path, backups_dir: Path, *, kind: str = "manual") -> Path:
    if not Path(db_path).is_file():
        raise StationError(_("no database at {db_path}; run station-app init first.", db_path=db_path))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    try:
        return online_backup(db_path, backups_dir / f"{kind}-{stamp}.sqlite3")
    except sqlite3.DatabaseError as e:
        raise StationError(_("cannot back up {db_path}: {e}. Run station-app check.", db_path=db_path, e=e)) from e


def daily_name(day: date) -> str:
    return f"daily-{day.isoformat()}.sqlite3"


def weekly_name(day: date) -> str:
    iso = day.isocalendar()
    return f"weekly-{iso.year}-W{iso.week:02d}.sqlite3"


def rolling_backup(db: StationDB, today: date | None = None) -> list[Path]:
    """Make today's daily (and this week's weekly) backup if missing, and prune old ones. Returns new files.
    A township database on a PostgreSQL server is backed up by the server's own means (store/pgcheck.py)."""
    if db.on_server:
        return []
    today = today or date.today()
    backups_dir: Path = db.paths.backups
    made = []
    daily = backups_dir / daily_name(today)
    if not daily.exists():
        made.append(online_backup(db.paths.database, daily))
    weekly = backups_dir / weekly_name(today)
    if not weekly.exists():
        made.append(online_backup(db.paths.database, weekly))
    _prune(backups_dir, "daily-", KEEP_DAILY)
    _prune(backups_dir, "weekly-", KEEP_WEEKLY)
    return made


def _prune(backups_dir: Path, prefix: str, keep: int) -> None:
    # Names sort by date, so the newest `keep` are the last ones.
    files = sorted(backups_dir.glob(f"{prefix}*.sqlite3"))
    for old in files[:-keep]:
        old.unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    """What a restore did: the file put in place, where the replaced database was kept, the counter kept."""

    source: Path
    aside: Path | None
    counter: int | None
    counter_raised: bool

    def as_dict(self) -> dict:
        return {"source": str(self.source), "aside": str(self.aside) if self.aside else None,
                "counter": self.counter, "counter_raised": self.counter_raised}


SQLITE_MAGIC = b"SQLite format 3\x00"


def check_backup_file(source: Path) -> None:
    """Raise a StationError saying why `source` cannot be restored; return quietly when it can."""
    from station_app.store.db import head_revision, known_revisions

    if not source.is_file():
        raise StationError(_("no such backup file: {source}", source=source))
    with open(source, "rb") as f:
        magic = f.read(len(SQLITE_MAGIC))
    if magic != SQLITE_MAGIC:
        raise StationError(_("not a station_app backup (not an SQLite database), nothing restored: {source}", source=source))
    problems = integrity_check(source)
    if problems:
        raise StationError(_("the backup {source} is damaged, nothing restored: {value}", source=source, value=problems[0]))
    info = _station_info(source)
    if info is None:
        raise StationError(_("not a station_app database (no station tables), nothing restored: {source}", source=source))
    revision = info[2]
    if revision not in known_revisions():
        raise StationError(_("the backup's schema {revision} is unknown to this program (head is {head_revision}); it may come from a newer version. Nothing restored", revision=revision, head_revision=head_revision()))


def restore(db_path: Path, backups_dir: Path, source: Path) -> Restored:
    """Replace the database with `source` after checking it; the current file is kept aside in backups/.

    The caller must have closed its own StationDB (engine disposed): the file is swapped underneath. The station's
    change counter never goes back: if the current database had counted further than the backup, the restored file
    keeps the higher counter, so no number is used twice for two different changes.
    """
    source = Path(source).resolve()
    db_path = Path(db_path)
    check_backup_file(source)
    current = _station_info(db_path) if db_path.is_file() else None
    restored_info = _station_info(source)
    assert restored_info is not None
    if current is not None and current[0] and restored_info[0] and current[0] != restored_info[0]:
        raise StationError(_("the backup {source} belongs to another station ({value}); this installation is {value2}. Nothing restored; restore it into a new data directory (--data-dir).", source=source, value=restored_info[3] or restored_info[0], value2=current[3] or current[0]))
    aside = None
    if db_path.is_file():
        # A damaged current file is kept byte for byte (SQLite must not touch it); a sound one is copied online.
        damaged = bool(quick_check(db_path))
        if not damaged:
            _ensure_idle(db_path)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        aside = backups_dir / f"pre-restore-{stamp}.sqlite3"
        _keep_aside(db_path, aside, damaged=damaged)
    # Copy to a temp file beside the database, fix the counter there, then swap it in.
    tmp = db_path.with_name(db_path.name + ".restore")
    tmp.unlink(missing_ok=True)
    online_backup(source, tmp)
    counter, raised = _keep_counter(tmp, current[1] if current else None)
    fsync_file(tmp)
    # Stale WAL files would belong to the replaced database.
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    replace_durably(tmp, db_path)
    return Restored(source, aside, counter, raised)


def _station_info(path: Path) -> tuple[str | None, int | None, str | None, str | None] | None:
    """(station id, counter, schema revision, station code) of a station database, or None if it is not one."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"alembic_version", "local_state", "stations"} <= names:
            return None
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
        state = con.execute("SELECT station_id, counter FROM local_state WHERE id=1").fetchone()
        code = None
        if state is not None:
            row = con.execute("SELECT code FROM stations WHERE id=?", (state[0],)).fetchone()
            code = row[0] if row else None
        return (state[0] if state else None, state[1] if state else None, rev[0] if rev else None, code)
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()


def _ensure_idle(db_path: Path) -> None:
    # A connection in the middle of a read or write keeps the WAL from being checkpointed; swapping the file under
    # it would lose what it writes. (Idle connections of other programs cannot be seen: close them first.)
    try:
        con = sqlite3.connect(db_path, timeout=5)
        try:
            busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return  # a damaged database cannot be in use meaningfully; restoring it is the point
    if busy:
        raise StationError(_("the database is in use by another program; close it before restoring"))


def _keep_aside(db_path: Path, aside: Path, *, damaged: bool) -> None:
    if not damaged:
        try:
            online_backup(db_path, aside)
            return
        except sqlite3.DatabaseError:
            pass
    # The current file is damaged (often why one restores): keep its bytes as they are.
    aside.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(db_path, aside)
    wal = Path(str(db_path) + "-wal")
    if wal.exists():
        shutil.copy2(wal, Path(str(aside) + "-wal"))
    fsync_file(aside)


def _keep_counter(path: Path, current_counter: int | None) -> tuple[int | None, bool]:
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT counter FROM local_state WHERE id=1").fetchone()
        if row is None:
            return None, False
        if current_counter is not None and current_counter > row[0]:
            with con:
                con.execute("UPDATE local_state SET counter=? WHERE id=1", (current_counter,))
            return current_counter, True
        return row[0], False
    finally:
        con.close()
