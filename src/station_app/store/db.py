"""Engine, pragmas and the database life cycle: check, back up, migrate, open.

A village PC loses power: every connection runs with synchronous=FULL in WAL mode so a committed record survives,
and foreign keys are enforced. Before any migration the live database is copied with SQLite's online backup API
(never a file copy of a live database), then Alembic upgrades it to head.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from station_app.core.errors import StationError
from station_app.core.i18n import pick

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 15000


class DatabaseError(StationError):
    pass


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    # Let SQLAlchemy's begin event emit BEGIN itself (pysqlite's implicit transactions are unreliable).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def _on_begin(conn) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) so two writers queue instead of failing mid-way.
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(path: Path | str) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def quick_check(path: Path) -> list[str]:
    """SQLite's quick_check; returns the problems (empty when the file is sound)."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as e:
        return [str(e)]
    finally:
        con.close()
    problems = [r[0] for r in rows]
    return [] if problems == ["ok"] else problems


def integrity_check(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as e:
        return [str(e)]
    finally:
        con.close()
    problems = [r[0] for r in rows]
    return [] if problems == ["ok"] else problems


def online_backup(src: Path, dest: Path) -> Path:
    """Copy a (possibly live) database with the online backup API, then fsync the copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    source = sqlite3.connect(src)
    target = sqlite3.connect(tmp)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    from station_app.store.atomic import fsync_file, replace_durably

    fsync_file(tmp)
    replace_durably(tmp, dest)
    return dest


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()  # type: ignore[return-value]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")


def open_database(path: Path, backups_dir: Path, *, create: bool = False) -> Engine:
    """Open (or create) the station database at head, checking and backing up as the life cycle requires."""
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise DatabaseError(pick(f"数据库不存在：{path}。请先运行 station-app init。",
                                 f"no database at {path}; run station-app init first."))
    if exists:
        problems = quick_check(path)
        if problems:
            raise DatabaseError(pick(
                f"数据库文件已损坏（{path}）：{problems[0]}。请用 station-app backup restore 从备份恢复。",
                f"the database {path} is damaged: {problems[0]}. Restore a backup with station-app backup restore."))
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    current = current_revision(engine) if exists else None
    head = head_revision()
    if current != head:
        if exists:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            dest = backups_dir / f"pre-migrate-{current or 'none'}-{stamp}.sqlite3"
            engine.dispose()
            online_backup(path, dest)
            log.info("backed up %s to %s before migrating %s -> %s", path, dest, current, head)
        upgrade(engine)
    return engine


def session_factory(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(reader, writer) session factories; the writer begins with BEGIN IMMEDIATE."""
    reader = sessionmaker(engine, expire_on_commit=False)
    writer = sessionmaker(engine.execution_options(sqlite_immediate=True), expire_on_commit=False)
    return reader, writer
