from datetime import date

import pytest

from station_app.core.errors import ValidationError
from station_app.reports.stats import township_stats
from station_app.services.postings import record_posting
from station_app.services.stations import posting_schedule, set_posting_schedule


def test_custom_schedule_travels_on_the_station_record_and_drives_overdue(station):
    record_posting(station, "a", {"category": "财务", "title": "2021年第一季度财务公开", "period": "2021-Q1",
                                  "posted_on": "2021-04-03", "reviewer": "刘强", "reviewed_on": "2021-04-03",
                                  "review_opinion": "属实"})
    before = township_stats(station, 2021, today=date(2022, 1, 11))["postings"]["overdue"]
    assert {"station": "S01", "category": "财务", "period": "2021-01"} in before

    r = set_posting_schedule(station, "a", "财务", "quarter")
    assert r.changes[0].table == "stations" and r.changes[0].action == "update"
    set_posting_schedule(station, "a", "党务", "none")
    assert posting_schedule(station.station()) == {"财务": "quarter", "村务": "quarter", "党务": None}

    after = township_stats(station, 2021, today=date(2022, 1, 11))["postings"]["overdue"]
    finance = [o["period"] for o in after if o["category"] == "财务"]
    assert finance == ["2021-Q2", "2021-Q3", "2021-Q4"]
    assert not [o for o in after if o["category"] == "党务"]


def test_back_to_default_stores_nothing(station):
    set_posting_schedule(station, "a", "财务", "quarter")
    set_posting_schedule(station, "a", "财务", "month")
    assert station.station().posting_schedule is None


def test_bad_schedule_names_the_field(station):
    with pytest.raises(ValidationError) as e:
        set_posting_schedule(station, "a", "杂务", "fortnight")
    assert [p.field for p in e.value.problems] == ["公开类别", "公开频率"]
