"""The case file as the law sees it (issue 9 item 1): committee settings, parties and agents, several mediators,
structured sessions, investigations, agreement number and §29 content, obligations and their performance,
judicial confirmation with rest days, extensions with consent, and the archived file's data."""

from datetime import date

import pytest
from sqlalchemy import select

from station_app.core.errors import StateError, ValidationError
from station_app.services import mediation as md
from station_app.services import mediation_committee as mc
from station_app.services import mediation_file as mf
from station_app.store.models import MediationCase, MediationObligation, MediationSession

ROSTER = ["王调解|主任", "赵调解|委员", "钱调解"]
CASE = {"accepted_on": "2021-03-01", "source": "审判机关委托", "dispute_type": "合同", "summary": "货款纠纷",
        "transferring_body": "某某县人民法院（诉前委派）", "consent_on": "2021-03-01", "consent_note": "双方签字同意调解",
        "registered_by": "钱调解", "accepted_by": "王调解", "mediators": ["王调解", "赵调解"]}
PERSON = {"role": "当事人", "name": "张三", "gender": "男", "ethnicity": "汉族", "birth_date": "1970-05-06",
          "occupation": "农民", "address": "小苏庄村三组", "phone": "13812341234", "id_number": "11010519491231002X"}
ORG = {"role": "当事人", "name": "某某建材有限公司", "kind": "组织", "address": "某某县工业园1号", "legal_rep": "孙经理"}


@pytest.fixture
def committee(station):
    md_ = mc.set_committee(station, "admin", {"name": "小苏庄村人民调解委员会", "village_committee": "小苏庄村民委员会",
                                              "number_prefix": "小苏庄调字", "mediators": ROSTER,
                                              "holidays": ["2021-04-03", "2021-04-04", "2021-04-05"]})
    return md_


def _case(db, cid):
    with db.read() as s:
        return s.get(MediationCase, cid)


def test_transferred_case_with_organisation_agents_and_several_mediators(station, committee):
    cid = md.open_case(station, "m", CASE, [PERSON, ORG]).first("mediation_cases")
    case = _case(station, cid)
    assert case.mediators == ["王调解", "赵调解"] and case.mediator == "王调解"
    assert case.transferring_body.startswith("某某县人民法院") and case.consent_on == date(2021, 3, 1)
    mf.add_agent(station, "m", cid, {"party": "某某建材有限公司", "name": "李律师", "authority": "特别授权：代为调解、签署协议",
                                     "phone": "13900001111"})
    mf.give_rights_notice(station, "m", cid, {"rights_notice_on": "2021-03-01", "rights_notice_to": "张三、某某建材有限公司"})
    d = md.case_details(station, cid)
    assert d["committee"] == "小苏庄村人民调解委员会"
    assert d["agents"][0]["party"] == "某某建材有限公司" and d["agents"][0]["phone"] == "139****1111"
    assert d["parties"][1]["kind"] == "组织" and d["parties"][1]["legal_rep"] == "孙经理"
    items = {c["item"]: c["present"] for c in d["checklist"]}
    assert items["授权委托书"] and items["当事人权利义务告知书"]
    # A mediator who is not on the roster is refused; so are person-only fields on an organisation.
    with pytest.raises(ValidationError) as e:
        md.open_case(station, "m", {**CASE, "mediators": ["路人甲"]}, [PERSON, ORG])
    assert "名册" in str(e.value)
    with pytest.raises(ValidationError):
        md.open_case(station, "m", CASE, [PERSON, {**ORG, "gender": "男"}])
    with pytest.raises(ValidationError):
        mf.add_agent(station, "m", cid, {"party": "不存在", "name": "x"})


def test_sessions_investigations_agreement_obligations_performance(station, committee):
    cid = md.open_case(station, "m", CASE, [PERSON, ORG]).first("mediation_cases")
    mf.add_investigation(station, "m", cid, {"held_at": "2021-03-02 09:00", "place": "公司办公室",
                                             "investigators": "王调解、赵调解", "recorder": "钱调解", "subject": "孙经理",
                                             "content": "问：货款是否结清？答：尚欠两万元。"})
    assert _case(station, cid).stage == "调查"
    md.add_session(station, "m", cid, {"held_at": "2021-03-05 09:00", "place": "调解室", "record": "第一次调解",
                                       "parties_present": ["张三", "李律师（某某建材有限公司委托代理人）"],
                                       "invited": "刘会计（村会计）", "recorder": "钱调解",
                                       "statements": "张三：要求支付货款。公司：同意分期。", "process": "释法说理",
                                       "result": "达成协议"})
    with station.read() as s:
        sess = s.execute(select(MediationSession).where(MediationSession.case_id == cid)).scalar_one()
        assert sess.mediators == ["王调解", "赵调解"] and sess.invited == ["刘会计（村会计）"]
    md.close_case(station, "m", cid, {
        "outcome": "调解成功", "closed_on": "2021-03-06", "facts": "公司欠张三货款两万元", "matters": "付款期限",
        "responsibility": "公司应按约付款", "agreement_terms": "公司分两期支付货款",
        "obligations": [
            {"obligor": "某某建材有限公司", "obligee": "张三", "content": "支付第一期货款", "method": "银行转账",
             "due_on": "2021-03-31", "amount": "10000"},
            {"obligor": "某某建材有限公司", "obligee": "张三", "content": "支付第二期货款", "method": "银行转账",
             "due_on": "2021-06-30", "amount": "10000"}]})
    case = _case(station, cid)
    assert case.agreement_no == "〔2021〕小苏庄调字第1号" and case.agreement_copies == 3
    assert case.performance_due_on == date(2021, 6, 30)
    # 2021-03-06 + 30 days = Monday 2021-04-05, a holiday on the committee's list: the next working day.
    assert case.judicial_confirmation_due_on == date(2021, 4, 6)
    with station.read() as s:
        obligations = s.execute(select(MediationObligation).where(MediationObligation.case_id == cid)
                                .order_by(MediationObligation.seq)).scalars().all()
        assert [(o.seq, o.amount_fen, o.due_on) for o in obligations] == [
            (1, 1000000, date(2021, 3, 31)), (2, 1000000, date(2021, 6, 30))]
    mf.record_performance(station, "m", cid, {"obligation": 1, "performed_on": "2021-03-30", "amount": "10000",
                                              "complete": "是", "note": "银行转账凭证"})
    assert _case(station, cid).performance_status is None  # one obligation still open
    with pytest.raises(ValidationError):
        mf.record_performance(station, "m", cid, {"obligation": 3, "performed_on": "2021-04-01"})
    mf.record_performance(station, "m", cid, {"obligation": 2, "performed_on": "2021-06-28", "complete": "是"})
    assert _case(station, cid).performance_status == "已履行完毕"
    mf.record_confirmation(station, "m", cid, {"confirmation_applied_on": "2021-03-20",
                                               "confirmation_court": "某某县人民法院"})
    mf.record_confirmation(station, "m", cid, {"confirmed_on": "2021-03-25"})
    d = md.case_details(station, cid)
    assert [len(o["performances"]) for o in d["obligations"]] == [1, 1]
    assert d["confirmed_on"] == "2021-03-25" and d["investigations"][0]["subject"] == "孙经理"
    # The next written agreement of the year gets the next number.
    other = md.open_case(station, "m", CASE, [PERSON, ORG]).first("mediation_cases")
    md.add_session(station, "m", other, {"held_at": "2021-03-07 09:00", "record": "调解"})
    md.close_case(station, "m", other, {"outcome": "调解成功", "closed_on": "2021-03-08", "agreement_terms": "t"})
    assert _case(station, other).agreement_no == "〔2021〕小苏庄调字第2号"


def test_confirmation_only_for_written_agreements(station):
    cid = md.open_case(station, "m", {**CASE, "mediators": None}, [PERSON, ORG]).first("mediation_cases")
    md.add_session(station, "m", cid, {"held_at": "2021-03-05 09:00", "record": "口头协议：当场付款"})
    md.close_case(station, "m", cid, {"outcome": "调解成功", "closed_on": "2021-03-05", "agreement_form": "口头",
                                      "agreement_terms": "当场付款"})
    before = station.counter()
    with pytest.raises(StateError) as e:
        mf.record_confirmation(station, "m", cid, {"confirmation_applied_on": "2021-03-10"})
    assert "书面" in str(e.value) and station.counter() == before
    case = _case(station, cid)
    assert case.agreement_no is None and case.judicial_confirmation_due_on is None


def test_extension_needs_consent_and_clears_overdue(station):
    cid = md.open_case(station, "m", {**CASE, "mediators": None}, [PERSON, ORG]).first("mediation_cases")
    today = date(2021, 4, 10)
    assert md.list_cases(station, today=today)[0].overdue
    with pytest.raises(ValidationError) as e:
        mf.extend(station, "m", cid, {"agreed_on": "2021-03-28", "until": "2021-04-30"})
    assert "当事人同意情况" in str(e.value)
    mf.extend(station, "m", cid, {"agreed_on": "2021-03-28", "until": "2021-04-30", "consent": "双方书面同意延期",
                                  "reason": "等待评估报告"})
    assert not md.list_cases(station, today=today)[0].overdue
    assert md.list_cases(station, overdue_only=True, today=today) == []
    assert md.case_details(station, cid, today=today)["deadlines"]["due_on"] == "2021-04-30"


def test_archive_records_file_data_and_delete_tombstones_everything(station, committee):
    cid = md.open_case(station, "m", CASE, [PERSON, ORG]).first("mediation_cases")
    md.add_session(station, "m", cid, {"held_at": "2021-03-05 09:00", "record": "调解"})
    md.close_case(station, "m", cid, {"outcome": "调解不成", "closed_on": "2021-03-06",
                                      "termination_reason": "当事人撤回申请", "failure_reason": "张三撤回调解申请"})
    for item in ("当事人权利义务告知书", "当事人身份证明"):
        md.set_document(station, "m", cid, item)
    md.archive_case(station, "m", cid, "2021-03-08", {"retention_period": "长期", "filed_by": "钱调解",
                                                      "checked_by": "王调解", "file_note": "本卷共12页"})
    case = _case(station, cid)
    assert (case.retention_period, case.filed_by, case.checked_by, case.termination_reason) == (
        "长期", "钱调解", "王调解", "当事人撤回申请")
    r = md.delete_case(station, "m", cid)
    assert r.ids("mediation_cases") == [cid]


def test_update_keeps_mediators_in_step(station, committee):
    cid = md.open_case(station, "m", CASE, [PERSON, ORG]).first("mediation_cases")
    md.update_case(station, "m", cid, {"mediators": "赵调解、钱调解"})
    case = _case(station, cid)
    assert case.mediators == ["赵调解", "钱调解"] and case.mediator == "赵调解"
    with pytest.raises(ValidationError):
        md.update_case(station, "m", cid, {"mediators": ["路人甲"]})
    with pytest.raises(ValidationError):
        md.update_case(station, "m", cid, {"source": "公安机关移交", "transferring_body": ""})
