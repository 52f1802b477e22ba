"""township_stats on a small hand-built year: every key of the `stats --json` contract, with exact figures.

The rows are written through the Writer directly (not the services) so the figures depend on nothing but the
statistics: a township database holding three village stations' records, as after merging their bundles.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from station_app.core.codes import Channel, ConsultationCategory, DisputeType, StationKind
from station_app.core.i18n import set_language
from station_app.reports.stats import format_stats, schedule_of, township_stats
from station_app.store.models import (
    Adviser,
    Consultation,
    DutyShift,
    MediationCase,
    OutreachEvent,
    Posting,
    Station,
)

# The township figures run with the township database on SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.both_databases

S01, S02, S03 = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", \
    "00000000-0000-4000-8000-000000000003"


def dt(s: str) -> datetime:
    return datetime.fromisoformat(s)


@pytest.fixture
def year_db(township):
    return build_year(township)


def build_year(township):
    """The township database after merging S01, S02 (custom posting schedule) and a removed S03."""
    t00 = township.station_id
    with township.write("tester") as w:
        w.add(Station(id=S01, station_id=S01, code="S01", name="小苏庄村", kind=StationKind.VILLAGE.value))
        w.add(Station(id=S02, station_id=S02, code="S02", name="南和顺村", kind=StationKind.VILLAGE.value,
                      posting_schedule={"财务": "quarter", "党务": "year"}))
        w.add(Station(id=S03, station_id=S03, code="S03", name="撤并村", kind=StationKind.VILLAGE.value,
                      deleted=True))
    with township.write("tester") as w:
        adv = w.add(Adviser(name="王律师", law_firm="勤达律师事务所"))

        def shift(place, start, end, served, **kw):
            w.add(DutyShift(adviser_id=adv.id, place_station_id=place, start_at=dt(start), end_at=dt(end),
                            people_served=served, station_id=kw.pop("origin", place), **kw))

        shift(S01, "2021-03-01 09:00", "2021-03-01 11:30", 4)       # 2.5 h
        shift(S01, "2021-06-10 14:00", "2021-06-10 16:00", 3)       # 2 h
        shift(S01, "2021-12-31 08:30", "2021-12-31 12:15", 5)       # 3.75 h
        shift(S02, "2021-05-05 09:00", "2021-05-05 10:20", 2)       # 1 h 20
        shift(t00, "2021-01-04 09:00", "2021-01-04 12:00", 6)       # 3 h at the centre
        shift(t00, "2021-11-04 13:30", "2021-11-04 17:00", 1)       # 3.5 h at the centre
        shift(S01, "2021-04-01 08:00", "2021-04-01 18:00", 9, deleted=True)   # tombstone
        shift(S01, "2020-12-31 09:00", "2020-12-31 11:00", 7)       # another year
        shift(S01, "2022-01-01 09:00", "2022-01-01 11:00", 7)       # another year

        def consult(origin, at, channel, category, **kw):
            w.add(Consultation(station_id=origin, occurred_at=dt(at), channel=channel, category=category,
                               summary="咨询", **kw))

        consult(S01, "2021-01-05 10:00", "来访", "婚姻家庭")
        consult(S01, "2021-02-05 10:00", "来访", "婚姻家庭")
        consult(S01, "2021-03-05 10:00", "电话", "土地承包")
        consult(S02, "2021-04-05 10:00", "微信", "土地承包")
        consult(S02, "2021-05-05 10:00", "来访", "继承")
        consult(t00, "2021-12-31 23:59", "电话", "婚姻家庭")
        consult(S01, "2021-06-05 10:00", "来访", "婚姻家庭", deleted=True)
        consult(S01, "2022-01-01 00:00", "来访", "婚姻家庭")

        n = iter(range(1, 100))

        def case(origin, accepted, outcome, dtype, **kw):
            w.add(MediationCase(station_id=origin, case_no=f"2021-{next(n):03d}", accepted_on=date.fromisoformat(accepted),
                                source="当事人申请", dispute_type=dtype, summary="纠纷", outcome=outcome, **kw))

        case(S01, "2021-02-01", "调解成功", "邻里", amount_fen=500000, prevented_criminal=True,
             prevented_criminal_persons=2)
        case(S01, "2021-03-01", "调解成功", "邻里", amount_fen=120050)
        case(S02, "2021-04-01", "调解成功", "婚姻家庭")
        case(S02, "2021-05-01", "调解不成", "合同")
        case(S01, "2021-01-10", "调解中", "邻里")                  # open long past 30 days
        case(S02, "2021-12-20", "调解中", "婚姻家庭")              # open, within 30 days on 2022-01-05
        case(S01, "2021-06-01", "调解成功", "邻里", deleted=True)  # tombstone
        case(S01, "2020-12-30", "调解成功", "邻里", closed_on=date(2021, 1, 5))  # accepted the year before

        def event(origin, day, kind, attendees, materials, **kw):
            w.add(OutreachEvent(station_id=origin, held_on=date.fromisoformat(day), kind=kind, topic="民法典",
                                attendees=attendees, materials=materials, **kw))

        event(S01, "2021-03-15", "法治讲座", 50, 100)
        event(S02, "2021-06-26", "法治讲座", 30, 0)
        event(t00, "2021-12-04", "普法宣传", 200, 1500)
        event(S01, "2021-04-15", "法律咨询日", 20, 80)
        event(S01, "2021-05-15", "法治讲座", 99, 99, deleted=True)
        event(S01, "2022-01-15", "法治讲座", 99, 99)

        def post(origin, category, period, **kw):
            w.add(Posting(station_id=origin, category=category, period=period, title=f"{period}{category}公开",
                          posted_on=date(2021, 1, 1), **kw))

        for month in range(1, 13):
            if month != 8:                                          # 2021-08 finances never posted
                post(S01, "财务", f"2021-{month:02d}", deleted=(month == 5))   # 2021-05 posted by mistake, removed
        post(S01, "财务", "2021-Q3")                               # a quarter does not stand in for its months
        post(S01, "财务", "2020-12")                               # another year
        post(S01, "村务", "2021-Q1")
        post(S01, "村务", "2021-Q2")
        post(S01, "村务", "2021-07")                               # a month inside Q3 satisfies Q3
        post(S01, "村务", "2021")                                  # a yearly posting does not satisfy Q4
        for q in range(1, 5):
            post(S01, "党务", f"2021-Q{q}")
        for q in (1, 2, 4):
            post(S02, "财务", f"2021-Q{q}")                        # S02 posts finances quarterly (its schedule)
    return township


EXPECTED_OVERDUE_2021 = [
    {"station": "S01", "category": "村务", "period": "2021-Q4"},
    {"station": "S01", "category": "财务", "period": "2021-05"},
    {"station": "S01", "category": "财务", "period": "2021-08"},
    {"station": "S02", "category": "党务", "period": "2021"},
    {"station": "S02", "category": "村务", "period": "2021-Q1"},
    {"station": "S02", "category": "村务", "period": "2021-Q2"},
    {"station": "S02", "category": "村务", "period": "2021-Q3"},
    {"station": "S02", "category": "村务", "period": "2021-Q4"},
    {"station": "S02", "category": "财务", "period": "2021-Q3"},
]


def test_duty_counts_by_place_and_hours(year_db):
    d = township_stats(year_db, 2021, today=date(2022, 1, 5))["duty"]
    assert d["shifts"] == {"village": 4, "centre": 2}
    assert d["hours"] == 16.1        # 2.5 + 2 + 3.75 + 1.333 + 3 + 3.5 = 16.083
    assert d["people_served"] == 21
    assert d["by_station"]["S01"] == {"shifts": 3, "hours": 8.3, "people_served": 12}  # 8.25 rounds up
    assert d["by_station"]["T00"] == {"shifts": 2, "hours": 6.5, "people_served": 7}


def test_consultations_every_code_in_order(year_db):
    c = township_stats(year_db, 2021, today=date(2022, 1, 5))["consultations"]
    assert c["total"] == 6
    assert list(c["by_channel"]) == Channel.values()
    assert c["by_channel"] == {"来访": 3, "电话": 2, "微信": 1, "网络": 0, "上门": 0, "信函": 0, "普法活动现场": 0}
    assert list(c["by_category"]) == ConsultationCategory.values()
    assert {k: v for k, v in c["by_category"].items() if v} == {"婚姻家庭": 3, "继承": 1, "土地承包": 2}
    assert c["by_station"] == {"S01": 3, "S02": 2, "T00": 1}


def test_mediations_by_acceptance_date(year_db):
    m = township_stats(year_db, 2021, today=date(2022, 1, 5))["mediations"]
    assert m["accepted"] == 6
    assert m["by_outcome"] == {"调解成功": 3, "调解不成": 1, "调解中": 2}
    assert list(m["by_outcome"]) == ["调解成功", "调解不成", "调解中"]
    assert m["success_rate"] == 0.75
    assert list(m["by_type"]) == DisputeType.values() and len(m["by_type"]) == 15
    assert {k: v for k, v in m["by_type"].items() if v} == {"邻里": 3, "婚姻家庭": 2, "合同": 1}
    assert m["amount_fen"] == 620050
    assert m["prevented_criminal"] == {"cases": 1, "persons": 2}
    assert m["overdue_open"] == 1
    assert m["by_station"] == {"S01": 3, "S02": 3}


def test_success_rate_rounding_and_none(year_db, township):
    assert township_stats(year_db, 2019)["mediations"]["success_rate"] is None
    with year_db.write("tester") as w:
        for i in range(2):
            w.add(MediationCase(station_id=S02, case_no=f"2023-{i}", accepted_on=date(2023, 3, 1), source="当事人申请",
                                dispute_type="物业", summary="纠纷", outcome="调解成功" if i == 0 else "调解不成"))
        w.add(MediationCase(station_id=S02, case_no="2023-9", accepted_on=date(2023, 3, 2), source="当事人申请",
                            dispute_type="物业", summary="纠纷", outcome="调解成功"))
    assert township_stats(year_db, 2023)["mediations"]["success_rate"] == 0.6667


def test_outreach_lectures_and_campaigns(year_db):
    o = township_stats(year_db, 2021, today=date(2022, 1, 5))["outreach"]
    assert o["lectures"] == 2
    assert o["campaigns"] == 1
    assert o["attendees"] == 300         # every kind of event counts, the consultation day too
    assert o["materials"] == 1680
    assert o["consultation_days"] == 1


def test_postings_and_overdue_after_the_year(year_db):
    p = township_stats(year_db, 2021, today=date(2022, 3, 1))["postings"]
    assert p["by_category"] == {"党务": 4, "村务": 4, "财务": 14}
    assert list(p["by_category"]) == ["党务", "村务", "财务"]
    assert p["total"] == 22
    assert p["overdue"] == EXPECTED_OVERDUE_2021
    assert p["villages"] == 2            # the removed S03 is not asked for anything


def test_overdue_in_a_year_still_running(year_db):
    # Mid-July: only periods already over can be missing; August and Q3, Q4 and the year are not due yet.
    p = township_stats(year_db, 2021, today=date(2021, 7, 15))["postings"]
    assert p["overdue"] == [
        {"station": "S01", "category": "财务", "period": "2021-05"},
        {"station": "S02", "category": "村务", "period": "2021-Q1"},
        {"station": "S02", "category": "村务", "period": "2021-Q2"},
    ]
    # On the last day of June the second quarter has not ended yet.
    on_30_june = township_stats(year_db, 2021, today=date(2021, 6, 30))["postings"]["overdue"]
    assert {"station": "S02", "category": "村务", "period": "2021-Q2"} not in on_30_june
    assert {"station": "S02", "category": "村务", "period": "2021-Q1"} in on_30_june


def test_schedule_override():
    assert schedule_of(None) == {"财务": "month", "村务": "quarter", "党务": "quarter"}
    assert schedule_of({"财务": "quarter", "党务": None}) == {"财务": "quarter", "村务": "quarter", "党务": None}


def test_contract_keys_and_json(year_db):
    st = township_stats(year_db, 2021, today=date(2022, 1, 5))
    assert st["year"] == 2021
    assert {"duty", "consultations", "mediations", "outreach", "postings"} <= set(st)
    assert {"shifts", "hours", "people_served"} <= set(st["duty"])
    assert set(st["duty"]["shifts"]) == {"village", "centre"}
    assert {"total", "by_channel", "by_category"} <= set(st["consultations"])
    assert {"accepted", "by_outcome", "success_rate", "by_type"} <= set(st["mediations"])
    assert {"lectures", "campaigns", "attendees", "materials"} <= set(st["outreach"])
    assert {"total", "by_category", "overdue"} <= set(st["postings"])
    assert set(st["postings"]["overdue"][0]) == {"station", "category", "period"}
    assert json.loads(json.dumps(st, ensure_ascii=False)) == st


def test_empty_database_has_every_key(township):
    st = township_stats(township, 2021)
    assert {k: st["duty"][k] for k in ("shifts", "hours", "people_served", "by_station")} == \
        {"shifts": {"village": 0, "centre": 0}, "hours": 0.0, "people_served": 0, "by_station": {}}
    assert st["duty"]["below_standard"] == [] and st["screening"]["found"] == 0
    assert st["consultations"]["total"] == 0 and len(st["consultations"]["by_category"]) == 16  # issue 10 added 4
    assert st["postings"]["overdue"] == []
    assert "0次" in format_stats(st)


def test_format_stats_chinese_and_english(year_db):
    st = township_stats(year_db, 2021, today=date(2022, 3, 1))
    zh = format_stats(st)
    assert "各村法律顾问共现场值班4次，镇公共法律服务中心法律顾问现场值班2次" in zh
    assert "累计解答法律咨询共6人次" in zh
    assert "受理人民调解6件" in zh and "调解成功率75.0%" in zh
    assert "法治讲座2场次" in zh and "发放各种宣传资料1680份" in zh
    assert "2个村居" in zh and "S01 财务: 2021-05、2021-08" in zh
    set_language("en")
    en = format_stats(st)
    assert "4 on-site duty shifts" in en and "success rate 75.0%" in en and "S02 village affairs" in en
