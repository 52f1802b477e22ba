"""The merge's property test (lost, duplicated, reordered deliveries; tests/sync/test_property.py) with the
township on PostgreSQL: the same examples, the same assertions."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import make_url

from station_app import config
from station_app.sync.hubmove import migrate_to
from tests.sync.hub import open_on, prepare_schema
from tests.sync.pgdb import _engine_url, admin_url, drop_database, new_database
from tests.sync.test_property import op, run_example, templates  # noqa: F401 — fixture


@pytest.fixture(scope="module")
def pg_template(templates):  # noqa: F811
    """The template township moved to PostgreSQL once; each example gets a copy (CREATE DATABASE … TEMPLATE)."""
    url = new_database()
    work = Path(tempfile.mkdtemp(prefix="hub-prop-"))
    shutil.copytree(templates / "T00", work / "T00")
    report = migrate_to(config.resolve(work / "T00").database, url, prepare=prepare_schema)
    assert report.ok, report.as_dict()
    yield url
    drop_database(url)
    shutil.rmtree(work, ignore_errors=True)


def _copy_of(template_url: str) -> str:
    from sqlalchemy import create_engine

    name = "ex_" + uuid.uuid4().hex[:16]
    admin = create_engine(_engine_url(admin_url()), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_url).database}"'))
    admin.dispose()
    return make_url(template_url).set(database=name).render_as_string(hide_password=False)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(n_stations=st.integers(1, 2), ops=st.lists(op, min_size=1, max_size=25), data=st.data())
def test_township_on_postgresql_converges_whatever_arrives(templates, pg_template, n_stations, ops, data):  # noqa: F811
    work = Path(tempfile.mkdtemp(prefix="hub-ex-"))
    url = _copy_of(pg_template)
    try:
        shutil.copytree(templates / "T00", work / "T00")  # the data dir (logs, keys); its database is not used
        township = open_on(config.resolve(work / "T00"), url)
        run_example(township, templates, work, n_stations, ops, data)
    finally:
        drop_database(url)
        shutil.rmtree(work, ignore_errors=True)
