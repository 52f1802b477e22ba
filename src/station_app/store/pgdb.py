"""A township database on PostgreSQL (issue 14): engine, connect-time setup and opening.

What differs from SQLite and why:
- Isolation is READ COMMITTED (PostgreSQL's default): writers do not queue on a database-wide lock as SQLite's
  BEGIN IMMEDIATE makes them. What must be serialised takes a row lock instead: every stamped write bumps the
  change counter with `UPDATE local_state ... RETURNING`, which holds that row's lock until commit, so counters are
  handed out in commit order (an export by counter never skips a change still in flight); case numbering and duty-log
  positions take that same row lock before reading the highest number (store/locks.py).
- Foreign keys are DEFERRABLE INITIALLY IMMEDIATE (migration 0011) and write transactions defer them, as
  `PRAGMA defer_foreign_keys` does on SQLite.
- Migrations run in one transaction (PostgreSQL's DDL is transactional): a failed upgrade changes nothing, so no
  pre-migration copy is made here; backups of the server are pg_dump's or the server's job (store/pgcheck.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, event

from station_app.core.i18n import _
from station_app.store.dburl import mask

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10


def _on_pg_connect(dbapi_conn, _record) -> None:
    # Naive timestamps are UTC throughout the app; the session's zone only matters to server-side now(), which the
    # app does not use, but make it explicit so a server set to local time changes nothing.
    cur = dbapi_conn.cursor()
    cur.execute("SET TIME ZONE 'UTC'")
    cur.close()
    dbapi_conn.commit()


def make_pg_engine(url: str) -> Engine:
    try:
        import psycopg  # noqa: F401  (the driver is an optional extra: a station never needs it)
    except ImportError:
        from station_app.store.db import DatabaseError

        raise DatabaseError(_("this township's database is on PostgreSQL ({url}) but the PostgreSQL driver is not "
                              "installed: pip install 'station_app[hub]' (psycopg)", url=mask(url))) from None
    engine = create_engine(url, isolation_level="READ COMMITTED", pool_pre_ping=True,
                           connect_args={"application_name": "station_app", "connect_timeout": CONNECT_TIMEOUT_S})
    event.listen(engine, "connect", _on_pg_connect)
    return engine


def server_error(url: str, error: BaseException) -> str:
    """A one-line reason from a driver error, with no password in it."""
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    try:
        from sqlalchemy.engine import make_url

        password = make_url(url).password
    except Exception:
        password = None
    if password:
        line = line.replace(str(password), "***")
    return line


def open_pg_database(url: str, *, create: bool = False, check_only: bool = False,
                     on_migrate: Callable[[str | None, str], None] | None = None) -> Engine | None:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from station_app.store.db import DatabaseError, current_revision, head_revision, upgrade

    engine = make_pg_engine(url)
    try:
        current = current_revision(engine)
    except (OperationalError, ProgrammingError) as e:
        engine.dispose()
        raise DatabaseError(_("cannot reach the database server at {url}: {error}", url=mask(url),
                              error=server_error(url, e))) from None
    if current is None and not create:
        engine.dispose()
        raise DatabaseError(_("the database {url} holds no station_app data; run station-app init township --db-url "
                              "first.", url=mask(url)))
    if check_only:
        engine.dispose()
        return None
    head = head_revision()
    if current != head:
        if on_migrate is not None:
            on_migrate(current, head)
        log.info("migrating %s %s -> %s", mask(url), current, head)
        try:
            upgrade(engine)  # one transaction: on failure the database is left as it was
        except (OperationalError, ProgrammingError) as e:
            engine.dispose()
            log.warning("migrating %s failed: %s", mask(url), server_error(url, e))
            raise DatabaseError(_("cannot set up or upgrade the database {url} ({current} -> {head}): {error}. "
                                  "Nothing was changed; the database's owner may need to grant this account the "
                                  "right to create tables and the pg_trgm extension.", url=mask(url),
                                  current=current or "-", head=head, error=server_error(url, e))) from None
    return engine
