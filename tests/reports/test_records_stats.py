"""Issue 10 figures: 三务 statuses with the grace period, as of any date."""

from __future__ import annotations

from datetime import date

from station_app.reports.records_stats import posting_statuses
from station_app.reports.stats import township_stats
from station_app.services import postings as po
from station_app.services import settings as st


def _finance(month: str, posted_on: str) -> dict:
    return {"category": "财务", "title": f"{month}财务收支", "period": month, "posted_on": posted_on,
            "reviewer": "刘强", "reviewed_on": posted_on, "review_opinion": "属实"}


def _status(db, as_of: date, period: str = "2021-03", category: str = "财务") -> str:
    with db.read() as s:
        found = [x for x in posting_statuses(s, 2021, as_of, 10) if x.period == period and x.category == category]
    assert len(found) == 1
    return found[0].status


def test_march_finance_on_the_10th_is_on_time_on_the_11th_late(make_station):
    on_time, late = make_station("S01", "小苏庄村"), make_station("S02", "大苏庄村")
    po.record_posting(on_time, "u", _finance("2021-03", "2021-04-10"))
    po.record_posting(late, "u", _finance("2021-03", "2021-04-11"))
    assert _status(on_time, date(2021, 4, 30)) == "按时"
    assert _status(late, date(2021, 4, 30)) == "逾期公开"
    stats = township_stats(late, 2021, today=date(2021, 4, 30))
    assert {"station": "S02", "category": "财务", "period": "2021-03", "posted_on": "2021-04-11"} in stats["postings"]["late"]


def test_no_posting_is_overdue_only_after_the_grace_period(station):
    assert _status(station, date(2021, 4, 10)) == "未到期"
    assert _status(station, date(2021, 4, 11)) == "逾期未公开"
    stats = township_stats(station, 2021, today=date(2021, 4, 10))
    assert {"station": "S01", "category": "财务", "period": "2021-03"} not in stats["postings"]["overdue"]
    stats = township_stats(station, 2021, today=date(2021, 4, 11))
    assert {"station": "S01", "category": "财务", "period": "2021-03"} in stats["postings"]["overdue"]


def test_as_of_leaves_out_a_posting_made_after_it(station):
    po.record_posting(station, "u", _finance("2021-03", "2021-04-15"))
    assert _status(station, date(2021, 4, 14)) == "逾期未公开"
    stats = township_stats(station, 2021, today=date(2021, 4, 14))
    assert stats["postings"]["total"] == 0 and stats["postings"]["late"] == []
    stats = township_stats(station, 2021, today=date(2021, 4, 15))
    assert stats["postings"]["total"] == 1 and len(stats["postings"]["late"]) == 1


def test_grace_period_is_a_setting(station):
    po.record_posting(station, "u", _finance("2021-03", "2021-04-11"))
    st.set_setting(station, "admin", "posting_grace_days", "15")
    stats = township_stats(station, 2021, today=date(2021, 5, 1))
    assert stats["postings"]["late"] == [] and stats["postings"]["grace_days"] == 15


def test_counts_are_of_periods_and_immediate_items_fill_none(station):
    po.record_posting(station, "u", _finance("2021-03", "2021-04-02"))
    po.record_posting(station, "u", _finance("2021-03", "2021-04-03") | {"title": "3月补充公开"})
    po.record_posting(station, "u", {"category": "财务", "title": "修路集资（随时公开）", "immediate": True,
                                     "posted_on": "2021-04-20", "reviewer": "刘强", "reviewed_on": "2021-04-19",
                                     "review_opinion": "属实"})
    p = township_stats(station, 2021, today=date(2021, 12, 31))["postings"]
    assert p["total"] == 3 and p["by_category"]["财务"] == 3
    assert p["periods"]["财务"] == 1 and p["immediate"] == 1
    assert {"station": "S01", "category": "财务", "period": "2021-04"} in p["overdue"]


def test_as_of_cuts_every_block(station):
    """`stats --as-of` counts exactly what existed that day: a record dated after it is left out."""
    from station_app.services import consultations as cs
    from station_app.services import duty as du
    from station_app.services import mediation as m
    from station_app.services import outreach as ou
    from station_app.services import advisers as ad

    ad.record_adviser(station, "u", {"name": "王律师"})
    du.record_shift(station, "u", {"adviser_id": "王律师", "start_at": "2021-06-10 09:00", "end_at": "2021-06-10 11:00",
                                   "people_served": 3})
    cs.record_consultation(station, "u", {"occurred_at": "2021-06-10 09:30", "channel": "来访", "anonymous": True,
                                          "category": "继承", "summary": "遗产", "persons": 2})
    m.open_case(station, "u", {"accepted_on": "2021-06-10", "source": "当事人申请", "dispute_type": "邻里",
                               "summary": "排水沟"}, [{"role": "申请人", "name": "李四"}, {"role": "被申请人", "name": "王五"}])
    ou.record_event(station, "u", {"kind": "法治讲座", "held_on": "2021-06-10", "topic": "民法典", "adviser_id": "王律师"})
    before = township_stats(station, 2021, today=date(2021, 6, 9))
    on = township_stats(station, 2021, today=date(2021, 6, 10))
    assert before["duty"]["shifts"]["village"] == 0 and on["duty"]["shifts"]["village"] == 1
    assert before["consultations"]["total"] == 0 and on["consultations"]["total"] == 1
    assert before["consultations"]["persons"] == 0 and on["consultations"]["persons"] == 2
    assert before["mediations"]["accepted"] == 0 and on["mediations"]["accepted"] == 1
    assert before["outreach"]["lectures"] == 0 and on["outreach"]["lectures"] == 1
    assert before["outreach"]["adviser_lectures"] == 0 and on["outreach"]["adviser_lectures"] == 1
