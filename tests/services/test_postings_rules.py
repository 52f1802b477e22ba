"""三务公开 rules (issue 10): period start, 财务 review, 党务 审核/审批, 随时公开."""

from __future__ import annotations

from datetime import date

import pytest

from station_app.core.errors import ValidationError
from station_app.services import postings as po
from station_app.store.models import Posting

FINANCE = {"category": "财务", "title": "2021年12月财务收支", "period": "2021-12", "posted_on": "2022-01-05",
           "reviewer": "村务监督委员会 刘强", "reviewed_on": "2022-01-04", "review_opinion": "收支属实"}
PARTY = {"category": "党务", "title": "2021年第一季度党费收缴", "period": "2021-Q1", "posted_on": "2021-04-08",
         "audited_by": "支部委员 王芳", "audited_on": "2021-04-06", "approved_by": "支部书记 李强",
         "approved_on": "2021-04-07"}


def _fields(e: ValidationError) -> set[str]:
    return {p.field for p in e.problems}


def test_posting_dated_before_its_period_is_refused(station):
    # A December posting dated January 5 of the same year is before its own period.
    with pytest.raises(ValidationError) as e:
        po.record_posting(station, "u", FINANCE | {"period": "2022-12"})
    assert _fields(e.value) == {"公开日期"} and "早于所属期间" in str(e.value)
    # The first day of the period is allowed (boundary).
    po.record_posting(station, "u", FINANCE | {"period": "2022-01", "posted_on": "2022-01-01",
                                               "reviewed_on": "2022-01-01"})


def test_finance_needs_its_review_before_posting(station):
    with pytest.raises(ValidationError) as e:
        po.record_posting(station, "u", {k: v for k, v in FINANCE.items()
                                         if k not in ("reviewed_on", "review_opinion")})
    assert _fields(e.value) == {"审核日期", "审核意见"}
    with pytest.raises(ValidationError) as e:
        po.record_posting(station, "u", FINANCE | {"reviewed_on": "2022-01-06"})  # reviewed after posting
    assert _fields(e.value) == {"审核日期"}
    po.record_posting(station, "u", FINANCE | {"reviewed_on": "2022-01-05"})  # same day is fine


def test_party_affairs_are_audited_then_approved(station):
    with pytest.raises(ValidationError) as e:
        po.record_posting(station, "u", {k: v for k, v in PARTY.items() if not k.startswith("approved")})
    assert _fields(e.value) == {"审批人", "审批日期"}
    with pytest.raises(ValidationError) as e:
        po.record_posting(station, "u", PARTY | {"audited_on": "2021-04-07", "approved_on": "2021-04-06"})
    assert "审核日期（党务）" in _fields(e.value)
    r = po.record_posting(station, "u", PARTY)
    with station.read() as s:
        p = s.get(Posting, r.first("postings"))
        assert (p.audited_by, p.approved_on) == ("支部委员 王芳", date(2021, 4, 7))


def test_village_affairs_need_neither(station):
    po.record_posting(station, "u", {"category": "村务", "title": "一事一议", "period": "2021-Q1",
                                     "posted_on": "2021-04-02"})


def test_immediate_item_outside_the_schedule(station):
    r = po.record_posting(station, "u", {"category": "村务", "title": "征地补偿方案（随时公开）", "immediate": True,
                                         "posted_on": "2021-06-18"})
    with station.read() as s:
        p = s.get(Posting, r.first("postings"))
        assert p.immediate is True and p.period == "2021-06"
    with pytest.raises(ValidationError) as e:  # a scheduled posting must say which period it is for
        po.record_posting(station, "u", {"category": "村务", "title": "x", "posted_on": "2021-06-18"})
    assert _fields(e.value) == {"所属期间"}


def test_update_keeps_the_rules(station):
    r = po.record_posting(station, "u", FINANCE)
    with pytest.raises(ValidationError):
        po.update_posting(station, "u", r.first("postings"), {"posted_on": "2021-12-31"})
    with pytest.raises(ValidationError):
        po.update_posting(station, "u", r.first("postings"), {"review_opinion": ""})
    po.update_posting(station, "u", r.first("postings"), {"posted_on": "2022-01-07"})


def test_paper_ledger_row_records_missing_review_as_paper(station):
    values = po.validate_posting({k: v for k, v in FINANCE.items() if k not in ("reviewed_on", "review_opinion")},
                                 paper=True)
    assert values["review_opinion"] == po.PAPER_PLACEHOLDER and values["reviewed_on"] is None
