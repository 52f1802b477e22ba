"""PostgreSQL for the tests (issue 14): fresh databases on a throwaway server, and the switch that runs chosen tests
against both SQLite and PostgreSQL.

- STATION_APP_TEST_PG_URL: a server URL, e.g. what `scripts/pg_cluster.sh start DIR` prints
  (postgresql+psycopg://postgres@/postgres?host=DIR%2Frun). `.ci/run` always sets it; without it the PostgreSQL
  variants are skipped with that reason.
- `pg_database()` (fixture, a factory): the URL of a new database, already migrated to head (copied from a template
  migrated once per session), or empty with `pg_database(migrated=False)`. Dropped after the test.
- `pg_url`: one such database.
- `@pytest.mark.both_databases` on a test (or `pytestmark` in a module): the test runs twice, with `db_backend`
  "sqlite" and "postgresql"; the `township` and `make_station(kind=CENTRE)` fixtures then put the township's
  database on PostgreSQL, and `township_db_args` gives `["--db-url", URL]` for `init township` on the command line.
  Stations stay on SQLite. Unmarked tests run once, on SQLite.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest

ENV = "STATION_APP_TEST_PG_URL"
SKIP_REASON = (f"{ENV} is not set: start a server with scripts/pg_cluster.sh start DIR and export the URL it prints "
               "(.ci/run does)")
BACKENDS = ("sqlite", "postgresql")


class PgServer:
    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"sa_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._numbers = itertools.count(1)
        self.template: str | None = None

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _sql(self, sql: str) -> None:
        with self.admin.connect() as c:
            c.exec_driver_sql(sql)

    def create(self, *, migrated: bool = True) -> str:
        name = f"{self.prefix}_{next(self._numbers)}"
        if migrated:
            self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.migrated_template()}"')
        else:
            self._sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return name

    def migrated_template(self) -> str:
        if self.template is None:
            from station_app.store.db import make_engine, upgrade

            name = f"{self.prefix}_template"
            self._sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
            engine = make_engine(self.url_for(name))
            try:
                upgrade(engine)
            finally:
                engine.dispose()  # a template must have no connections when it is copied
            self.template = name
        return self.template

    def drop(self, name: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self.template is not None:
            self.drop(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server():
    url = os.environ.get(ENV)
    if not url:
        pytest.skip(SKIP_REASON)
    server = PgServer(url)
    yield server
    server.close()


@pytest.fixture
def pg_database(pg_server):
    """pg_database(migrated=True) -> the URL of a new database of its own (dropped after the test)."""
    made: list[str] = []

    def new(*, migrated: bool = True) -> str:
        name = pg_server.create(migrated=migrated)
        made.append(name)
        return pg_server.url_for(name)

    yield new
    for name in made:
        pg_server.drop(name)


@pytest.fixture
def pg_url(pg_database) -> str:
    return pg_database()


@pytest.fixture
def db_backend(request) -> str:
    """"sqlite", or "postgresql" in the second run of a test marked both_databases."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql" and not os.environ.get(ENV):
        pytest.skip(SKIP_REASON)
    return backend


@pytest.fixture
def township_db_url(request, db_backend) -> str | None:
    """The database URL for a township in this run: None (its SQLite file) or a new PostgreSQL database."""
    if db_backend != "postgresql":
        return None
    return request.getfixturevalue("pg_database")()


@pytest.fixture
def township_db_args(township_db_url) -> list[str]:
    """Extra arguments for `init township` in this run: [] or ["--db-url", URL]."""
    return [] if township_db_url is None else ["--db-url", township_db_url]


#: A marked test runs twice only when it reaches a township: tests of village stations alone (SQLite always) once.
_TOWNSHIP_FIXTURES = {"township", "township_db_url", "township_db_args"}


def generate_tests(metafunc) -> None:
    if "db_backend" not in metafunc.fixturenames or not metafunc.definition.get_closest_marker("both_databases"):
        return
    if any(isinstance(m.args, tuple) and "db_backend" in str(m.args[:1]) for m in metafunc.definition.iter_markers(
            "parametrize")):
        return  # the test chose its backend itself
    own = set(metafunc.definition._fixtureinfo.argnames)
    if _TOWNSHIP_FIXTURES & set(metafunc.fixturenames) or "make_station" in own:
        metafunc.parametrize("db_backend", [
            "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
