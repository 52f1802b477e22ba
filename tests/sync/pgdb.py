"""A fresh PostgreSQL database per test, for the hub tests of sync/ (docs/hub.md).

`STATION_APP_TEST_PG_URL` names a server and a role that may create databases (`.ci/run` starts one); each test
gets its own database, dropped afterwards. Without the variable these tests are skipped with that reason (they
need a server; the SQLite side of the same properties runs everywhere)."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENV = "STATION_APP_TEST_PG_URL"


def admin_url() -> str | None:
    return os.environ.get(ENV) or None


def _engine_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def new_database() -> str:
    """CREATE DATABASE on the test server; returns its URL (postgresql://…)."""
    base = admin_url()
    if not base:
        pytest.skip(f"needs a PostgreSQL server: set {ENV}")
    name = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(_engine_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    base = admin_url()
    name = make_url(url).database
    admin = create_engine(_engine_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def engine_for(url: str):
    return create_engine(_engine_url(url))


@pytest.fixture
def pg_url():
    url = new_database()
    yield url
    drop_database(url)
