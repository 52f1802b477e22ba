"""Engine, pragmas and the database life cycle: check, back up, migrate, open.

A village PC loses power: every connection runs with synchronous=FULL in WAL mode so a committed record survives,
and foreign keys are enforced. Before any migration the live database is copied with SQLite's online backup API
(never a file copy of a live database), then Alembic upgrades it to head.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import re
from functools import lru_cache
from collections.abc import Callable
from typing import TYPE_CHECKING

# Every installation but a hub opens SQLite: its dialect loads with this module rather than at the first connection
# (the window loads the data core before Qt: ui/start.py).
import sqlalchemy.dialects.sqlite  # noqa: F401
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from station_app.core.errors import StationError
from station_app.core.i18n import _, pgettext
from station_app.store.dburl import is_postgres
from station_app.store.integrity import damaged_message
from station_app.store.search import BIGRAM_FUNCTION, SEARCH_COLUMNS, register_functions

if TYPE_CHECKING:
    from alembic.config import Config

    from station_app.store.integrity import BackgroundCheck

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 15000


class DatabaseError(StationError):
    pass


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    # Let SQLAlchemy's begin event emit BEGIN itself (pysqlite's implicit transactions are unreliable).
    dbapi_conn.isolation_level = None
    register_functions(dbapi_conn)  # the search-index triggers call them
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


def make_engine(target: Path | str) -> Engine:
    """The engine of a SQLite file (a path) or of a PostgreSQL database (a postgresql+psycopg:// URL)."""
    if isinstance(target, str) and is_postgres(target):
        from station_app.store.pgdb import make_pg_engine

        return make_pg_engine(target)
    engine = create_engine(f"sqlite:///{target}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _pragma_check(path: Path, pragma: str) -> list[str]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as e:
        return [str(e)]
    finally:
        con.close()
    problems = [r[0] for r in rows]
    return [] if problems == ["ok"] else problems


def quick_check(path: Path) -> list[str]:
    """SQLite's quick_check; returns the problems (empty when the file is sound)."""
    return _pragma_check(path, "quick_check")


def integrity_check(path: Path) -> list[str]:
    """SQLite's full integrity_check (also checks indexes against tables); empty when sound."""
    return _pragma_check(path, "integrity_check")


def online_backup(src: Path, dest: Path) -> Path:
    """Copy a (possibly live) database with the online backup API, then fsync the copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    from station_app.store.private import create_private_file

    tmp.unlink(missing_ok=True)
    create_private_file(tmp)  # a copy of personal data: owner-only whatever the umask
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


# Alembic is imported only when a migration or a check needs it: it adds about half a second to every command.
def alembic_config(engine: Engine | None = None) -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


_REVISION = re.compile(r"""^revision\s*=\s*["']([^"']+)["']""", re.M)
_DOWN = re.compile(r"""^down_revision\s*=\s*(?:["']([^"']+)["']|None)""", re.M)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration, read from the migration files' headers (a test checks it against Alembic's view)."""
    revisions, parents = set(), set()
    for f in (MIGRATIONS / "versions").glob("*.py"):
        text = f.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev:
            revisions.add(rev.group(1))
            if down and down.group(1):
                parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise DatabaseError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            has = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").first()
        else:
            has = conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar()
        if not has:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def upgrade(engine: Engine) -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def open_database(path: Path, backups_dir: Path, *, create: bool = False, check_only: bool = False,
                  on_migrate: Callable[[str | None, str], None] | None = None,
                  url: str | None = None, check: "BackgroundCheck | None" = None) -> Engine | None:
    """Open (or create) the station database at head, checking and backing up as the life cycle requires.

    check_only: only refuse a missing database (nothing is created). on_migrate(current, head) is called before a
    migration starts (a front end shows that opening will take a while). url: a PostgreSQL database instead of the
    SQLite file at `path` (store/pgdb.py). check: the file's quick_check already running in the background
    (store/integrity.py): opening does not wait for it unless it must back up and migrate, which never happens to a
    file not known to be sound."""
    if url is not None:
        from station_app.store.pgdb import open_pg_database

        return open_pg_database(url, create=create, check_only=check_only, on_migrate=on_migrate)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise DatabaseError(_("no database at {path}; run station-app init first.", path=path))
    if check_only:
        return None
    if exists and check is None:
        problems = quick_check(path)
        if problems:
            raise DatabaseError(damaged_message(path, problems))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not exists:
        from station_app.store.private import create_private_file

        create_private_file(path)  # 0600 before SQLite creates it (its -wal and -shm files take this mode)
    engine = make_engine(path)
    current = current_revision(engine) if exists else None
    head = head_revision()
    if current != head:
        if check is not None and (problems := check.wait()):
            engine.dispose()
            raise DatabaseError(damaged_message(path, problems))
        if on_migrate is not None:
            on_migrate(current, head)
        if exists:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            dest = backups_dir / f"pre-migrate-{current or 'none'}-{stamp}.sqlite3"
            engine.dispose()
            online_backup(path, dest)
            log.info("backed up %s to %s before migrating %s -> %s", path, dest, current, head)
        upgrade(engine)
    return engine


def defer_foreign_keys(session: Session) -> None:
    """Check foreign keys at commit for the rest of this transaction (SQLite resets it at the end; on PostgreSQL
    SET CONSTRAINTS lasts for the transaction and applies to the keys migration 0011 made deferrable)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA defer_foreign_keys=ON"))
    else:
        session.execute(text("SET CONSTRAINTS ALL DEFERRED"))


def session_factory(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(reader, writer) session factories; the writer begins with BEGIN IMMEDIATE."""
    reader = sessionmaker(engine, expire_on_commit=False)
    writer = sessionmaker(engine.execution_options(sqlite_immediate=True), expire_on_commit=False)
    return reader, writer


# -- health check (station-app check) -------------------------------------------------------------------------
FTS_TABLE = "consultation_search"


@dataclass
class CheckItem:
    """One line of `station-app check`: what was checked, whether it is sound, and what was found or done."""

    name: str
    ok: bool
    detail: str = ""
    repaired: bool = False

    def as_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "repaired": self.repaired}


def health_check(path: Path, *, repair_search_index: bool = True) -> list[CheckItem]:
    """Check a station database without migrating it: storage, foreign keys, schema revision, search index,
    change counter. A broken search index is rebuilt from the records (it holds nothing else)."""
    path = Path(path)
    items: list[CheckItem] = []
    if not path.is_file() or path.stat().st_size == 0:
        return [CheckItem("file", False, _("no database at {path}", path=path))]

    problems = quick_check(path)
    items.append(_item("quick_check", problems))
    if problems:
        # A damaged file makes the later checks meaningless (and may crash them): stop here.
        return items
    items.append(_item("integrity_check", integrity_check(path)))

    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    register_functions(con)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        items.append(CheckItem("foreign_keys", not fk, _fk_detail(fk)))
        items.append(_revision_item(con, tables))
        if FTS_TABLE in tables:
            items.append(_fts_item(con, repair_search_index))
        items.append(_counter_item(con, tables))
    finally:
        con.close()
    return items


def _item(name: str, problems: list[str]) -> CheckItem:
    if not problems:
        return CheckItem(name, True, "ok")
    more = _(" (and {value} more)", value=len(problems) - 1) if len(problems) > 1 else ""
    return CheckItem(name, False, problems[0] + more)


def _fk_detail(rows: list) -> str:
    if not rows:
        return "ok"
    table, rowid, parent, _unused = rows[0]
    return _("{len} foreign keys point at missing records, e.g. {table} row {rowid} -> {parent}", len=len(rows), table=table, rowid=rowid, parent=parent)


def _revision_item(con: sqlite3.Connection, tables: set[str]) -> CheckItem:
    head = head_revision()
    current = None
    if "alembic_version" in tables:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        current = row[0] if row else None
    if current == head:
        return CheckItem("migrations", True, _("schema {current} (head)", current=current))
    if current in known_revisions():
        detail = _("schema {current}, head is {head}: it is backed up and upgraded when next opened", current=current, head=head)
    else:
        detail = _("schema {current} is unknown to this program (head is {head})",
                   current=current or pgettext("schema version", "none"), head=head)
    return CheckItem("migrations", False, detail)


def _fts_ok(con: sqlite3.Connection) -> str | None:
    # rank=1 also compares the index with the consultations it indexes (external content), not only itself.
    try:
        con.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES('integrity-check', 1)")
        return None
    except sqlite3.DatabaseError as e:
        return str(e)


def _fts_item(con: sqlite3.Connection, repair: bool) -> CheckItem:
    error = _fts_ok(con)
    if error is None:
        return CheckItem("search_index", True, "ok")
    if not repair:
        return CheckItem("search_index", False, error)
    try:
        with con:  # one transaction: the rebuilt indexes replace the old ones or nothing changes
            con.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')")
            _rebuild_bigrams(con)
    except sqlite3.DatabaseError as e:
        return CheckItem("search_index", False, _("{error}; rebuild failed: {e}", error=error, e=e))
    after = _fts_ok(con)
    if after is None:
        return CheckItem("search_index", True, _("the search index did not match the records ({error}); rebuilt", error=error),
                         repaired=True)
    return CheckItem("search_index", False, _("{error}; still wrong after rebuild: {after}", error=error, after=after))


def _rebuild_bigrams(con: sqlite3.Connection) -> None:
    """Whatever broke the trigram index (rowids renumbered by a VACUUM) broke the bigram index too."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'consultation_bigrams'").fetchone():
        return
    con.execute("INSERT INTO consultation_bigrams(consultation_bigrams) VALUES('delete-all')")
    con.execute(f"INSERT INTO consultation_bigrams(rowid, body) SELECT rowid, {BIGRAM_FUNCTION}("
                f"{', '.join(SEARCH_COLUMNS)}) FROM consultations")


def _counter_item(con: sqlite3.Connection, tables: set[str]) -> CheckItem:
    """The change counter must be at least every counter this station has stamped: otherwise the next change
    would reuse a number (a restored old file, a hand-edited database) and sync would see two versions."""
    if "local_state" not in tables:
        return CheckItem("counter", False, _("local_state table missing"))
    row = con.execute("SELECT station_id, counter FROM local_state WHERE id=1").fetchone()
    if row is None:
        return CheckItem("counter", False, _("this installation is not set up (station-app init)"))
    station_id, counter = row
    highest, where = 0, None
    for table in sorted(tables):
        if table == "local_state" or table.startswith(FTS_TABLE) or table.startswith("sqlite_"):
            continue
        cols = {r[1] for r in con.execute(f'PRAGMA table_info("{table}")')}
        if not {"station_id", "counter"} <= cols:
            continue
        m = con.execute(f'SELECT max(counter) FROM "{table}" WHERE station_id=?', (station_id,)).fetchone()[0]
        if m is not None and m > highest:
            highest, where = m, table
    if highest <= counter:
        return CheckItem("counter", True, _("change counter {counter}, highest local record {highest}", counter=counter, highest=highest))
    return CheckItem("counter", False, _("change counter {counter} is below {highest} already used in {where}: new changes would reuse numbers", counter=counter, highest=highest, where=where))


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
