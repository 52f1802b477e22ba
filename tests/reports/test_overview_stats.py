"""The keys the township's 总览 adds to `stats --json`: consultations by month (adding up to the total, cut at the
as-of date) and the open cases past 30 days one by one (exactly the ones `overdue_open` counts)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from station_app import config
from station_app.reports.stats import township_stats
from station_app.services.base import StationDB
from tests import small_township


@pytest.fixture(scope="module")
def township_dir(tmp_path_factory):
    return small_township.copy(tmp_path_factory, "overview-stats")


@pytest.fixture
def db(township_dir):
    d = StationDB.open(config.resolve(township_dir))
    yield d
    d.close()


def test_consultations_by_month_add_up_and_respect_the_cut_off(db):
    full = township_stats(db, 2021, today=date(2022, 1, 1))["consultations"]
    assert list(full["by_month"]) == [f"2021-{m:02d}" for m in range(1, 13)]
    assert sum(full["by_month"].values()) == full["total"] > 0
    cut = township_stats(db, 2021, today=date(2021, 6, 30))["consultations"]
    assert sum(cut["by_month"].values()) == cut["total"]
    assert all(n == 0 for k, n in cut["by_month"].items() if k > "2021-06")
    assert {k: n for k, n in cut["by_month"].items() if k <= "2021-05"} == \
        {k: n for k, n in full["by_month"].items() if k <= "2021-05"}


def test_the_overdue_cases_are_the_ones_counted(db):
    end = township_stats(db, 2021, today=date(2022, 1, 1))["mediations"]
    assert end["overdue_open"] == len(end["overdue_open_cases"]) == 1
    case = end["overdue_open_cases"][0]
    assert case["station"] == "S05" and case["accepted_on"] == "2021-11-22" and case["days_open"] == 40
    assert set(case) == {"station", "case_no", "accepted_on", "dispute_type", "days_open"}  # no party names
    early = township_stats(db, 2021, today=date(2021, 12, 1))["mediations"]
    assert early["overdue_open"] == len(early["overdue_open_cases"]) == 0


def test_stats_json_carries_them(township_dir, cli):
    r = cli("--data-dir", str(township_dir), "stats", "--year", "2021", "--as-of", "2022-01-01", "--json")
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert sum(st["consultations"]["by_month"].values()) == st["consultations"]["total"]
    assert len(st["mediations"]["overdue_open_cases"]) == st["mediations"]["overdue_open"]
