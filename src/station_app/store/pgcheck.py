"""`station-app check` and `backup` for a township database on PostgreSQL (issue 14).

check: the server answers, the schema is at head, the search indexes are there and valid, foreign keys are enforced
(the server does that on every commit, so there is nothing to scan), and the change counter is not behind the
records. Nothing is migrated or repaired, as on SQLite.

backup: `pg_dump --format=custom` of the database into the data directory's backups/ (restore it with pg_restore),
when pg_dump is installed; otherwise the message says that backups are the server's job. The SQLite backup code
(online backup API, file swap on restore) never runs against a server database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from station_app.core.errors import StationError
from station_app.core.i18n import _
from station_app.store.db import CheckItem, head_revision, known_revisions
from station_app.store.dburl import mask
from station_app.store.pgsearch import SEARCH_INDEX_PREFIX
from station_app.store.search import SEARCH_COLUMNS

DUMP_SUFFIX = ".dump"


def health_check_pg(url: str) -> list[CheckItem]:
    from sqlalchemy.exc import DBAPIError

    from station_app.store.pgdb import make_pg_engine, server_error

    engine = make_pg_engine(url)
    try:
        try:
            with engine.connect() as c:
                version = c.exec_driver_sql("SHOW server_version").scalar()
        except DBAPIError as e:
            return [CheckItem("server", False, _("cannot reach the database server at {url}: {error}",
                                                 url=mask(url), error=server_error(url, e)))]
        items = [CheckItem("server", True, _("PostgreSQL {version} at {url}", version=version, url=mask(url))),
                 _collation_item(engine)]
        tables = set(inspect(engine).get_table_names())
        items.append(_revision_item(engine, tables))
        if items[-1].ok:
            items.append(CheckItem("foreign_keys", True, _("enforced by the server at every commit")))
            items.append(_search_item(engine))
            items.append(_counter_item(engine, tables))
        return items
    finally:
        engine.dispose()


def _collation_item(engine: Engine) -> CheckItem:
    """Lists sort text as the database's collation says; only C (code point order) sorts as SQLite does. Not a
    fault, so the check passes, but the detail says so (docs/hub.md: create the database with C.UTF-8)."""
    with engine.connect() as c:
        collation = c.exec_driver_sql(
            "SELECT datcollate FROM pg_database WHERE datname = current_database()").scalar()
    if str(collation).split(".")[0] in ("C", "POSIX"):
        return CheckItem("collation", True, _("{collation}: text sorts by code point, as on SQLite", collation=collation))
    return CheckItem("collation", True, _("{collation}: lists sort text by this collation, not by code point as on "
                                          "SQLite (create the database with LC_COLLATE 'C.UTF-8' to match)",
                                          collation=collation))


def _revision_item(engine: Engine, tables: set[str]) -> CheckItem:
    head = head_revision()
    current = None
    if "alembic_version" in tables:
        with engine.connect() as c:
            current = c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if current == head:
        return CheckItem("migrations", True, _("schema {current} (head)", current=current))
    if current is None:
        return CheckItem("migrations", False, _("the database holds no station_app schema; run station-app init "
                                                "township --db-url"))
    if current in known_revisions():
        return CheckItem("migrations", False, _("schema {current}, head is {head}: it is upgraded when next opened",
                                                current=current, head=head))
    return CheckItem("migrations", False, _("schema {current} is unknown to this program (head is {head})",
                                            current=current, head=head))


def _search_item(engine: Engine) -> CheckItem:
    with engine.connect() as c:
        has_trgm = c.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").scalar()
        rows = c.execute(text(
            "SELECT i.relname, x.indisvalid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = to_regclass('consultations') AND i.relname LIKE :p"),
            {"p": SEARCH_INDEX_PREFIX + "%"}).all()
    if not has_trgm:
        return CheckItem("search_index", False, _("the pg_trgm extension is missing (CREATE EXTENSION pg_trgm)"))
    valid = {name for name, ok in rows if ok}
    missing = [c for c in SEARCH_COLUMNS if SEARCH_INDEX_PREFIX + c not in valid]
    if missing:
        # Search still gives the right answers without them (a LIKE scan), only slower: say what to rebuild.
        return CheckItem("search_index", False, _("search indexes missing or invalid for {columns}; rebuild them with "
                                                  "REINDEX TABLE consultations", columns=", ".join(missing)))
    return CheckItem("search_index", True, _("{count} trigram indexes (pg_trgm)", count=len(valid)))


def _counter_item(engine: Engine, tables: set[str]) -> CheckItem:
    if "local_state" not in tables:
        return CheckItem("counter", False, _("local_state table missing"))
    insp = inspect(engine)
    with engine.connect() as c:
        row = c.exec_driver_sql("SELECT station_id, counter FROM local_state WHERE id = 1").first()
        if row is None:
            return CheckItem("counter", False, _("this installation is not set up (station-app init)"))
        station_id, counter = row
        highest, where = 0, None
        for table in sorted(tables - {"local_state", "alembic_version"}):
            cols = {col["name"] for col in insp.get_columns(table)}
            if not {"station_id", "counter"} <= cols:
                continue
            m = c.execute(text(f'SELECT max(counter) FROM "{table}" WHERE station_id = :s'), {"s": station_id}).scalar()
            if m is not None and m > highest:
                highest, where = m, table
    if highest <= counter:
        return CheckItem("counter", True, _("change counter {counter}, highest local record {highest}",
                                            counter=counter, highest=highest))
    return CheckItem("counter", False, _("change counter {counter} is below {highest} already used in {where}: new "
                                         "changes would reuse numbers", counter=counter, highest=highest, where=where))


# -- backups ----------------------------------------------------------------------------------------------------
def find_tool(name: str) -> str | None:
    """A PostgreSQL client program: on PATH, else Debian's versioned folder (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0, reverse=True)
    return str(candidates[0]) if candidates else None


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries it (never on a command
    line, where other users of the machine could read it)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return u.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def dump(url: str, backups_dir: Path, *, kind: str = "manual") -> Path:
    """pg_dump the database into backups/KIND-STAMP.dump (custom format, for pg_restore)."""
    tool = find_tool("pg_dump")
    if tool is None:
        raise StationError(_("this township's database is on the PostgreSQL server {url}: back it up with the "
                             "server's own backups (pg_dump or the server's backup service); pg_dump is not "
                             "installed here", url=mask(url)))
    from station_app.store.atomic import fsync_file, replace_durably
    from station_app.store.private import create_private_file

    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = backups_dir / f"{kind}-{stamp}{DUMP_SUFFIX}"
    tmp = dest.with_name(dest.name + ".part")
    create_private_file(tmp)  # personal data: owner-only before pg_dump writes into it
    conn, env = _libpq(url)
    try:
        done = subprocess.run([tool, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={conn}"],
                              env=env, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            reason = (done.stderr or "").strip().splitlines()
            raise StationError(_("pg_dump of {url} failed: {error}", url=mask(url),
                                 error=reason[-1] if reason else done.returncode))
        fsync_file(tmp)
        replace_durably(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def restore_refused(url: str) -> StationError:
    return StationError(_("this township's database is on the PostgreSQL server {url}: a backup is restored there "
                          "with pg_restore --clean --dbname=… FILE.dump while nobody works, not by station-app",
                          url=mask(url)))
