"""The merge's property test (lost, duplicated, reordered deliveries; tests/sync/test_property.py) with the
township on PostgreSQL: the same examples, the same assertions."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from station_app import config
from station_app.sync.hubmove import migrate_to
from tests.sync.hub import open_on
from tests.sync.test_property import op, run_example, templates  # noqa: F401 — fixture


@pytest.fixture(scope="module")
def pg_template(templates, pg_server):  # noqa: F811
    """The template township moved to PostgreSQL once; each example gets a copy (CREATE DATABASE … TEMPLATE)."""
    name = pg_server.create()
    work = Path(tempfile.mkdtemp(prefix="hub-prop-"))
    shutil.copytree(templates / "T00", work / "T00")
    report = migrate_to(config.resolve(work / "T00").database, pg_server.url_for(name))
    assert report.ok, report.as_dict()
    yield name
    pg_server.drop(name)
    shutil.rmtree(work, ignore_errors=True)


_examples = itertools.count(1)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(n_stations=st.integers(1, 2), ops=st.lists(op, min_size=1, max_size=25), data=st.data())
def test_township_on_postgresql_converges_whatever_arrives(templates, pg_server, pg_template, n_stations, ops,  # noqa: F811
                                                            data):
    work = Path(tempfile.mkdtemp(prefix="hub-ex-"))
    name = f"{pg_template}_ex{next(_examples)}"
    pg_server._sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    try:
        shutil.copytree(templates / "T00", work / "T00")  # the data dir (logs, keys); its database is not used
        township = open_on(config.resolve(work / "T00"), pg_server.url_for(name))
        run_example(township, templates, work, n_stations, ops, data)
    finally:
        pg_server.drop(name)
        shutil.rmtree(work, ignore_errors=True)
