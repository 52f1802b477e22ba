"""Advisers (issue 10): kinds and their licence checks, assignments, work-log service type and mode, the village's
confirmation of a month, hours and lectures against the standards."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from station_app.core.errors import StateError, ValidationError
from station_app.reports.stats import township_stats
from station_app.services import advisers as ad
from station_app.services import duty as du
from station_app.services import outreach as ou
from station_app.services import settings as st
from station_app.services import standards as sd
from station_app.store.models import Adviser, DutyLogEntry

# The township figures run with the township database on SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.both_databases


def test_each_kind_has_its_licence_check(station):
    r = ad.record_adviser(station, "u", {"name": "李法务", "kind": "基层法律服务工作者", "licence_no": "32010100123"})
    with station.read() as s:
        a = s.get(Adviser, r.first("advisers"))
        assert (a.kind, a.licence_no) == ("基层法律服务工作者", "32010100123")
    # A legal worker's number is not a lawyer's: the lawyer check still wants 17 digits.
    with pytest.raises(ValidationError) as e:
        ad.record_adviser(station, "u", {"name": "王律师", "licence_no": "32010100123"})
    assert e.value.problems[0].field == "执业证号" and "17" in e.value.problems[0].message
    with pytest.raises(ValidationError) as e:
        ad.record_adviser(station, "u", {"name": "李法务", "kind": "基层法律服务工作者", "licence_no": "3201-0100"})
    assert e.value.problems[0].field == "执业证号"
    ad.record_adviser(station, "u", {"name": "退休法官", "kind": "其他", "licence_no": "（无执业证）"})
    ad.record_adviser(station, "u", {"name": "王律师", "licence_no": "13201201810123456"})  # default kind 律师
    with pytest.raises(ValidationError):  # changing the kind re-checks the number held
        ad.update_adviser(station, "u", r.first("advisers"), {"kind": "律师"})


@pytest.fixture
def town(make_station):
    """One database (the township's view) with two villages and an adviser."""
    from station_app.core.codes import StationKind
    from station_app.store.models import Station

    db = make_station("T00", "小王庄镇公共法律服务中心", StationKind.CENTRE)
    with db.write("u") as w:
        for code, name in (("S01", "小苏庄村"), ("S02", "南和顺村")):
            w.add(Station(code=code, name=name, kind="village"))
    ad.record_adviser(db, "u", {"name": "张立新", "licence_no": "11201201010123456"})
    return db


def _shift(db, day: str, start: str, end: str, place: str = "S01", **log):
    entry = {"content": "解答土地承包问题", **log}
    return du.record_shift(db, "u", {"adviser_id": "张立新", "place_station_id": place,
                                     "start_at": f"{day} {start}", "end_at": f"{day} {end}", "people_served": 3},
                           log=[entry])


def test_assignments_have_contract_dates_and_do_not_overlap(town):
    sd.assign(town, "u", {"adviser_id": "张立新", "village_station_id": "S01", "starts_on": "2021-01-01",
                          "ends_on": "2021-12-31", "contract_no": "QD-2021-01"})
    with pytest.raises(StateError):
        sd.assign(town, "u", {"adviser_id": "张立新", "village_station_id": "S01", "starts_on": "2021-12-31"})
    with pytest.raises(ValidationError):
        sd.assign(town, "u", {"adviser_id": "张立新", "village_station_id": "T00", "starts_on": "2022-01-01"})
    with pytest.raises(ValidationError):
        sd.assign(town, "u", {"adviser_id": "张立新", "village_station_id": "S02", "starts_on": "2021-05-01",
                              "ends_on": "2021-04-30"})
    sd.assign(town, "u", {"adviser_id": "张立新", "village_station_id": "S01", "starts_on": "2022-01-01"})
    rows = sd.list_assignments(town, on=date(2021, 6, 1))
    assert [(r["village"], r["contract_no"]) for r in rows] == [("S01", "QD-2021-01")]


def test_log_entries_carry_service_type_and_mode(town):
    r = _shift(town, "2021-03-05", "09:00", "12:00", service_type="审查合同", mode="微信")
    with town.read() as s:
        e = s.execute(select(DutyLogEntry).where(DutyLogEntry.shift_id == r.first("duty_shifts"))).scalar_one()
        assert (e.service_type, e.mode) == ("审查合同", "微信")
    with pytest.raises(ValidationError) as e:
        _shift(town, "2021-03-06", "09:00", "12:00", service_type="喝茶")
    assert "服务类型" in e.value.problems[0].field
    r = _shift(town, "2021-03-07", "09:00", "10:00")
    with town.read() as s:
        e = s.execute(select(DutyLogEntry).where(DutyLogEntry.shift_id == r.first("duty_shifts"))).scalar_one()
        assert (e.service_type, e.mode) == ("其他", "现场")


def test_a_confirmed_month_is_locked(town):
    r = _shift(town, "2021-03-05", "09:00", "12:00")
    sd.confirm_month(town, "u", {"adviser_id": "张立新", "place_station_id": "S01", "month": "2021-03",
                                 "confirmed_on": "2021-04-01", "confirmed_by": "村委会 王主任", "method": "盖章"})
    with pytest.raises(StateError):
        _shift(town, "2021-03-20", "09:00", "12:00")
    with pytest.raises(StateError):
        du.delete_shift(town, "u", r.first("duty_shifts"))
    with pytest.raises(StateError):
        sd.confirm_month(town, "u", {"adviser_id": "张立新", "place_station_id": "S01", "month": "2021-03",
                                     "confirmed_on": "2021-04-02", "confirmed_by": "x"})
    _shift(town, "2021-04-02", "09:00", "12:00")  # April is open
    _shift(town, "2021-03-20", "09:00", "12:00", place="S02")  # another village's March is open


def test_hours_against_the_standard_per_adviser_village_month(town):
    sd.assign(town, "u", {"adviser_id": "张立新", "village_station_id": "S01", "starts_on": "2021-01-01"})
    _shift(town, "2021-01-05", "09:00", "13:00")        # January: exactly 4 h meets the standard
    _shift(town, "2021-02-05", "09:00", "12:30")        # February: 3.5 h is below
    _shift(town, "2021-03-05", "09:00", "10:00", place="S02")   # no contract with S02: still shown
    report = sd.standards_report(town, 2021, date(2021, 3, 31))
    by = {(m["station"], m["month"]): m for m in report["months"]}
    assert by[("S01", "2021-01")]["hours"] == 4.0 and not by[("S01", "2021-01")]["below_standard"]
    assert by[("S01", "2021-02")]["hours"] == 3.5 and by[("S01", "2021-02")]["below_standard"]
    # March is not over on the 31st: not judged yet; a contract month with no visit at all is 0 h.
    assert by[("S01", "2021-03")] | {"complete": False} == by[("S01", "2021-03")] and by[("S01", "2021-03")]["hours"] == 0
    assert not by[("S02", "2021-03")]["below_standard"]
    below = township_stats(town, 2021, today=date(2021, 4, 1))["duty"]["below_standard"]
    assert {"adviser": "张立新", "station": "S01", "month": "2021-02", "hours": 3.5} in below
    assert {"adviser": "张立新", "station": "S01", "month": "2021-03", "hours": 0.0} in below
    assert {"adviser": "张立新", "station": "S02", "month": "2021-03", "hours": 1.0} in below
    assert not [b for b in below if b["month"] == "2021-01"]
    st.set_setting(town, "admin", "adviser_hours_per_month", "3")
    below = township_stats(town, 2021, today=date(2021, 4, 1))["duty"]["below_standard"]
    assert not [b for b in below if b["month"] == "2021-02"]


def test_lectures_per_quarter(town):
    sd.assign(town, "u", {"adviser_id": "张立新", "village_station_id": "S01", "starts_on": "2021-01-01"})
    with town.read() as s:
        from station_app.store.models import Station

        s01 = s.execute(select(Station.id).where(Station.code == "S01")).scalar_one()
    ou.record_event(town, "u", {"kind": "法治讲座", "held_on": "2021-03-15", "topic": "民法典", "organiser": "村法律顾问",
                                "adviser_id": "张立新", "villages": [s01]})
    q = {r["quarter"]: r for r in sd.standards_report(town, 2021, date(2021, 7, 1))["quarters"] if r["station"] == "S01"}
    assert q["2021-Q1"]["lectures"] == 1 and not q["2021-Q1"]["below_standard"]
    assert q["2021-Q2"]["lectures"] == 0 and q["2021-Q2"]["below_standard"]
    assert not q["2021-Q3"]["complete"]
