"""Mediation figures of issue 9: refusals are not accepted cases, carried-over cases count next year, and the
breakdowns the township report asks for."""

from datetime import date

import pytest

from station_app.reports.stats import format_stats, township_stats
from station_app.core.i18n import set_language
from station_app.services import mediation as md
from station_app.services import mediation_file as mf

# The township figures run with the township database on SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.both_databases

PARTIES = [{"role": "申请人", "name": "张三"}, {"role": "被申请人", "name": "李四"}]


def _case(db, accepted, **over):
    data = {"accepted_on": accepted, "source": "当事人申请", "dispute_type": "邻里", "summary": "纠纷", **over}
    return md.open_case(db, "m", data, PARTIES).first("mediation_cases")


def _settle(db, cid, day, **over):
    md.add_session(db, "m", cid, {"held_at": f"{day} 09:00", "record": "调解"})
    md.close_case(db, "m", cid, {"outcome": "调解成功", "closed_on": day, "agreement_terms": "t", **over})


def _fail(db, cid, day, reason):
    md.add_session(db, "m", cid, {"held_at": f"{day} 09:00", "record": "调解"})
    md.close_case(db, "m", cid, {"outcome": "调解不成", "closed_on": day, "termination_reason": reason,
                                 "failure_reason": "见记录"})


def test_refused_carried_over_and_breakdowns(station):
    old_open = _case(station, "2020-11-20")                          # carried over, still open
    old_done = _case(station, "2020-12-15", source="公安机关移交", transferring_body="小王庄派出所")  # carried over, settled in 2021
    _settle(station, old_done, "2021-01-10")
    _case(station, "2020-06-01")
    md.refuse_case(station, "m", _case(station, "2020-06-02"), {"closed_on": "2020-06-03", "reason": "x"})

    written = _case(station, "2021-03-01", source="审判机关委托", transferring_body="某某县人民法院")
    _settle(station, written, "2021-03-05", obligations=[{"obligor": "李四", "content": "赔偿", "due_on": "2021-04-01"}])
    mf.record_confirmation(station, "m", written, {"confirmation_applied_on": "2021-03-10", "confirmed_on": "2021-03-15"})
    mf.record_performance(station, "m", written, {"obligation": 1, "performed_on": "2021-03-30", "complete": "是"})
    oral = _case(station, "2021-04-01")
    _settle(station, oral, "2021-04-02", agreement_form="口头")
    _fail(station, _case(station, "2021-05-01"), "2021-05-10", "当事人撤回申请")
    _fail(station, _case(station, "2021-06-01"), "2021-06-10", "一方要求终止调解")
    md.refuse_case(station, "m", _case(station, "2021-07-01"), {"closed_on": "2021-07-02", "reason": "一方明确拒绝调解"})

    m = township_stats(station, 2021, today=date(2022, 1, 5))["mediations"]
    # 不予受理 is neither accepted nor in the success rate.
    assert m["accepted"] == 4 and m["by_outcome"] == {"调解成功": 2, "调解不成": 2, "调解中": 0}
    assert m["success_rate"] == 0.5
    assert m["refused"] == {"cases": 1, "reasons": {"一方明确拒绝调解": 1}}
    assert m["by_source"] == {"当事人申请": 3, "调委会主动调解": 0, "公安机关移交": 0, "审判机关委托": 1, "政府部门指定": 0}
    # Carried over: the two 2020 cases open on 1 January 2021 (the one refused in 2020 is not).
    assert m["carried_over"] == {"cases": 3, "settled": 1, "not_settled": 0, "still_open": 2}
    assert m["cases_incl_carried_over"] == 7
    # The open 2020 cases are overdue in 2021's figures too.
    assert m["overdue_open"] == 2
    assert m["agreements"] == {"written": 1, "oral": 1}
    assert m["judicial_confirmation"] == {"applied": 1, "confirmed": 1}
    assert m["performance"] == {"settled": 2, "performed": 1, "rate": 0.5}
    assert m["termination_reasons"]["当事人撤回申请"] == 1 and m["termination_reasons"]["一方要求终止调解"] == 1
    assert m["persons_involved"] == {"persons": 8, "organisations": 0}
    assert "调解成功件数÷（调解成功件数＋调解不成件数）" in m["success_rate_definition"]

    text = format_stats(township_stats(station, 2021, today=date(2022, 1, 5)))
    assert "上年结转3件" in text and "口径：调解成功率" in text and "不予受理1件" in text and "履行率50.0%" in text
    set_language("en")
    try:
        text = format_stats(township_stats(station, 2021, today=date(2022, 1, 5)))
        assert "Carried over from earlier years: 3" in text and "Definition: success rate" in text
    finally:
        set_language("zh_CN")
    # 2020's own figures: the refused case is not accepted there either.
    assert township_stats(station, 2020, today=date(2022, 1, 5))["mediations"]["accepted"] == 3
    assert old_open
