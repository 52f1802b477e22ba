"""Rolling automatic backups (7 daily, 4 weekly) and manual backup / restore.

Backups are made with SQLite's online backup API and named by kind and date: daily-2021-03-05.sqlite3,
weekly-2021-W09.sqlite3, manual-20210305-093000.sqlite3, pre-migrate-..., pre-restore-....
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from station_app.core.errors import StationError
from station_app.core.i18n import pick
from station_app.store.db import integrity_check, online_backup

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
    for p in sorted(backups_dir.glob("*.sqlite3")):
        st = p.stat()
        out.append(BackupFile(p, p.name.split("-", 1)[0], st.st_size, datetime.fromtimestamp(st.st_mtime)))
    return sorted(out, key=lambda b: b.modified, reverse=True)


def backup_now(db_path: Path, backups_dir: Path, *, kind: str = "manual") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return online_backup(db_path, backups_dir / f"{kind}-{stamp}.sqlite3")


def rolling_backup(db, today: date | None = None) -> list[Path]:
    """Make today's daily (and this week's weekly) backup if missing, and prune old ones. Returns new files."""
    today = today or date.today()
    backups_dir: Path = db.paths.backups
    made = []
    daily = backups_dir / f"daily-{today.isoformat()}.sqlite3"
    if not daily.exists():
        made.append(online_backup(db.paths.database, daily))
    iso = today.isocalendar()
    weekly = backups_dir / f"weekly-{iso.year}-W{iso.week:02d}.sqlite3"
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


def restore(db_path: Path, backups_dir: Path, source: Path) -> Path:
    """Replace the database with `source` after checking it; the current file is kept aside. Returns that copy."""
    source = Path(source)
    if not source.is_file():
        raise StationError(pick(f"找不到备份文件：{source}", f"no such backup file: {source}"))
    problems = integrity_check(source)
    if problems:
        raise StationError(pick(f"备份文件已损坏，未恢复：{source}：{problems[0]}",
                                f"the backup {source} is damaged, nothing restored: {problems[0]}"))
    if not _is_station_db(source):
        raise StationError(pick(f"不是本程序的数据库备份：{source}", f"not a station_app database: {source}"))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    aside = backups_dir / f"pre-restore-{stamp}.sqlite3"
    if db_path.exists():
        online_backup(db_path, aside)
    # Copy to a temp file beside the database, then swap it in; stale WAL files would belong to the old database.
    tmp = db_path.with_name(db_path.name + ".restore")
    online_backup(source, tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    from station_app.store.atomic import replace_durably

    replace_durably(tmp, db_path)
    return aside


def _is_station_db(path: Path) -> bool:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    return {"alembic_version", "local_state", "stations"} <= names


