"""The same township year on SQLite and on PostgreSQL gives identical figures (issue 14): `township_stats`, the
`stats --json` contract on the command line, the report text and the adviser standards."""

from __future__ import annotations

import json
from datetime import date

import pytest

from station_app import config
from station_app.core.codes import StationKind
from station_app.reports.adviser_hours import build_adviser_hours
from station_app.reports.annual import build_annual
from station_app.reports.monthly import build_monthly
from station_app.reports.postings_report import build_postings
from station_app.reports.stats import format_stats, township_stats
from station_app.services.setup import init_installation
from tests.reports.test_stats import build_year

pytestmark = pytest.mark.postgres


def _township(tmp_path, name, db_url):
    db = init_installation(config.resolve(tmp_path / name), kind=StationKind.CENTRE, code="T00",
                           name="小王庄镇公共法律服务中心", actor="tester", db_url=db_url)
    return build_year(db)


def _same_ids(db, report) -> str:
    """The report as JSON with the record ids made at setup (they differ between the two databases) named."""
    from dataclasses import asdict

    from sqlalchemy import select

    from station_app.store.models import Adviser

    out = json.dumps(asdict(report), ensure_ascii=False, default=str)
    with db.read() as s:
        for adviser_id, name in s.execute(select(Adviser.id, Adviser.name)):
            out = out.replace(adviser_id, f"<adviser {name}>")
    return out


def test_the_same_year_gives_identical_stats_on_both_databases(tmp_path, pg_url, cli):
    lite, hub = _township(tmp_path, "lite", None), _township(tmp_path, "hub", pg_url)
    try:
        for year, today in ((2021, date(2022, 1, 5)), (2021, date(2021, 7, 15)), (2020, None), (2023, None)):
            a, b = township_stats(lite, year, today=today), township_stats(hub, year, today=today)
            assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)
            assert format_stats(a) == format_stats(b)
        assert township_stats(hub, 2021, today=date(2022, 1, 5))["duty"]["hours"] > 0  # not vacuous
        # The printed reports' tables (annual, one village's month, advisers' hours, postings) match too.
        for build in (lambda db: build_annual(db, 2021, date(2022, 1, 5)),
                      lambda db: build_monthly(db, "S01", "2021-03"),
                      lambda db: build_adviser_hours(db, 2021, date(2022, 1, 5)),
                      lambda db: build_postings(db, date(2022, 1, 5), 2021)):
            ra, rb = build(lite), build(hub)
            assert any(t.rows for t in ra.tables())
            assert _same_ids(lite, ra) == _same_ids(hub, rb)
    finally:
        lite.close()
        hub.close()
    outs = []
    for name in ("lite", "hub"):
        r = cli("stats", "--year", "2021", "--as-of", "2022-01-05", "--json", data_dir=tmp_path / name)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1]
