"""Consultations (issue 10): persons, referrals with receiving body, 约期答复, explicit anonymity."""

from __future__ import annotations

from datetime import date

import pytest

from station_app.core.errors import StateError, ValidationError
from station_app.reports.stats import township_stats
from station_app.services import consultations as cs
from station_app.store.models import Consultation

GOOD = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "consultant_name": "张三", "category": "相邻关系",
        "summary": "邻居建房挡光"}


def test_a_group_of_five_counts_five_persons(station):
    cs.record_consultation(station, "u", GOOD | {"persons": 5, "summary": "村民集体咨询征地补偿"})
    cs.record_consultation(station, "u", GOOD)
    c = township_stats(station, 2021, today=date(2021, 12, 31))["consultations"]
    assert c["total"] == 2 and c["persons"] == 6
    with pytest.raises(ValidationError) as e:
        cs.record_consultation(station, "u", GOOD | {"persons": 0})
    assert e.value.problems[0].field == "人次"


def test_anonymity_is_explicit_and_keeps_no_identity(station):
    with pytest.raises(ValidationError) as e:  # a blank name is no longer silently anonymous
        cs.record_consultation(station, "u", GOOD | {"consultant_name": ""})
    assert e.value.problems[0].field == "咨询人"
    with pytest.raises(ValidationError) as e:
        cs.record_consultation(station, "u", {**GOOD, "consultant_name": None, "anonymous": True,
                                              "phone": "13812341234", "address": "小苏庄村3组"})
    assert [p.field for p in e.value.problems] == ["联系电话", "住址"]
    r = cs.record_consultation(station, "u", {**GOOD, "consultant_name": None, "anonymous": True})
    cid = r.first("consultations")
    with pytest.raises(ValidationError):
        cs.update_consultation(station, "u", cid, {"phone": "13812341234"})
    named = cs.record_consultation(station, "u", GOOD | {"phone": "13812341234"}).first("consultations")
    cs.update_consultation(station, "u", named, {"anonymous": True})  # identity dropped with it
    with station.read() as s:
        c = s.get(Consultation, named)
        assert c.anonymous and (c.consultant_name, c.phone, c.address) == (None, None, None)


def test_referral_has_a_receiving_body_and_result(station):
    cs.record_consultation(station, "u", GOOD | {"referral": "司法鉴定", "referral_to": "区司法鉴定中心",
                                                 "referral_result": "已受理"})
    cs.record_consultation(station, "u", GOOD | {"referral": "信访"})
    with pytest.raises(ValidationError) as e:
        cs.record_consultation(station, "u", GOOD | {"referral_to": "区法院"})
    assert e.value.problems[0].field == "接收单位"
    by = township_stats(station, 2021, today=date(2021, 12, 31))["consultations"]["by_referral"]
    assert by["司法鉴定"] == 1 and by["信访"] == 1 and by["公证"] == 0


def test_deferred_answers_pending_until_answered(station):
    cid = cs.record_consultation(station, "u", GOOD | {"follow_up_on": "2021-03-10"}).first("consultations")
    assert [r["id"] for r in cs.pending_answers(station, as_of=date(2021, 3, 8))] == [cid]
    assert cs.pending_answers(station, as_of=date(2021, 3, 11))[0]["overdue"] is True
    assert cs.pending_answers(station, as_of=date(2021, 3, 4)) == []  # not yet asked
    with pytest.raises(ValidationError):
        cs.answer_deferred(station, "u", cid, "2021-03-04")  # before the consultation
    cs.answer_deferred(station, "u", cid, "2021-03-09", "经查阅规划，可申请相邻关系调解")
    with pytest.raises(StateError):
        cs.answer_deferred(station, "u", cid, "2021-03-10")
    assert cs.pending_answers(station, as_of=date(2021, 3, 11)) == []
    # As of a date before the answer it was still pending.
    assert township_stats(station, 2021, today=date(2021, 3, 8))["consultations"]["pending_answers"] == 1
    assert township_stats(station, 2021, today=date(2021, 3, 9))["consultations"]["pending_answers"] == 0
    with pytest.raises(ValidationError):  # only a deferred answer has an answered date
        cs.record_consultation(station, "u", GOOD | {"answered_on": "2021-03-06"})
