from datetime import date

import pytest
from sqlalchemy import func, select

from station_app.core.codes import CaseDocument
from station_app.core.errors import NotFoundError, StateError, ValidationError
from station_app.core.i18n import set_language
from station_app.services import mediation as md
from station_app.store.models import (
    MediationCase,
    MediationDocument,
    MediationFollowUp,
    MediationParty,
    MediationSession,
    RecordHistory,
)

CASE = {"accepted_on": "2021-03-01", "source": "当事人申请", "dispute_type": "邻里",
        "summary": "两户因院墙排水问题发生争执", "mediator": "王调解", "amount": "3500.50"}
APPLICANT = {"role": "申请人", "name": "张三", "gender": "男", "id_number": "11010519491231002X",
             "phone": "13812341234", "address": "小苏庄村三组"}
RESPONDENT = {"role": "被申请人", "name": "李四", "phone": "13900001111"}


def _open(db, **over):
    return md.open_case(db, "mediator", {**CASE, **over}, [APPLICANT, RESPONDENT])


def _history(db, record_id):
    with db.read() as s:
        return s.execute(select(RecordHistory).where(RecordHistory.record_id == record_id)
                         .order_by(RecordHistory.counter, RecordHistory.created_at)).scalars().all()


def _docs(db, case_id):
    with db.read() as s:
        return {d.item: d.present for d in s.execute(
            select(MediationDocument).where(MediationDocument.case_id == case_id)).scalars()}


def test_full_workflow_open_session_close_followup_archive(station):
    r = _open(station)
    cid = r.first("mediation_cases")
    assert len(r.ids("mediation_parties")) == 2 and len(r.ids("mediation_documents")) == len(CaseDocument)
    with station.read() as s:
        case = s.get(MediationCase, cid)
        assert (case.case_no, case.stage, case.outcome, case.amount_fen) == ("S01-2021-001", "受理", "调解中", 350050)
    docs = _docs(station, cid)
    assert docs[CaseDocument.APPLICATION.value] is True
    assert sum(docs.values()) == 1

    # Case number works as a reference, and the next case of the year gets the next number.
    md.add_session(station, "mediator", "S01-2021-001",
                   {"kind": "调查", "held_at": "2021-03-02 09:00", "place": "村委会", "record": "现场查看排水沟"})
    with station.read() as s:
        assert s.get(MediationCase, cid).stage == "调查"
    md.add_session(station, "mediator", cid[:8], {"held_at": "2021-03-05 14:30", "record": "双方同意共同修缮排水沟"})
    docs = _docs(station, cid)
    assert docs["调查记录"] and docs["调解记录"]
    with station.read() as s:
        case = s.get(MediationCase, cid)
        assert case.stage == "调解"
        sessions = s.execute(select(MediationSession).where(MediationSession.case_id == cid)).scalars().all()
        assert {x.kind for x in sessions} == {"调查", "调解"}
        assert all(x.mediator == "王调解" for x in sessions)  # the case's mediator by default

    md.close_case(station, "mediator", cid, {"outcome": "调解成功", "closed_on": "2021-03-10",
                                             "agreement_terms": "双方各出一半费用修缮排水沟",
                                             "performance_method": "现金", "performance_due_on": "2021-04-10"})
    with station.read() as s:
        case = s.get(MediationCase, cid)
        assert case.outcome == "调解成功" and case.stage == "履行" and case.agreement_form == "书面"
        assert case.signed_on == date(2021, 3, 10)
        assert case.judicial_confirmation_due_on == date(2021, 4, 9)  # 30 days after the agreement took effect
    assert _docs(station, cid)["调解协议书"] is True
    assert "2021-04-09" in md.closing_notice("调解成功", date(2021, 4, 9))

    with pytest.raises(StateError):
        md.close_case(station, "mediator", cid, {"outcome": "调解不成", "closed_on": "2021-03-11", "termination_reason": "一方要求终止调解", "failure_reason": "x"})
    with pytest.raises(StateError):
        md.add_session(station, "mediator", cid, {"held_at": "2021-03-12 10:00", "record": "再次调解"})

    md.add_followup(station, "visitor", cid, {"visited_on": "2021-04-15", "visitor": "王调解", "performance": "已履行完毕",
                                              "satisfaction": "满意", "sued": "否", "escalation_risk": "无",
                                              "measures": "无需"})
    with station.read() as s:
        # Performed and followed up: 结案, waiting only for its file to be archived.
        assert s.get(MediationCase, cid).stage == "结案"
        fu = s.execute(select(MediationFollowUp).where(MediationFollowUp.case_id == cid)).scalar_one()
        assert fu.sued is False and fu.satisfaction == "满意"
    assert _docs(station, cid)["回访记录"] is True

    md.set_document(station, "clerk", cid, "当事人权利义务告知书")
    md.set_document(station, "clerk", cid, "当事人身份证明", note="身份证复印件2份")
    md.archive_case(station, "clerk", cid, "2021-04-20")
    with station.read() as s:
        case = s.get(MediationCase, cid)
        assert case.stage == "归档" and case.archived_on == date(2021, 4, 20)
    with pytest.raises(StateError):
        md.set_document(station, "clerk", cid, "证据材料")

    # Every step left history on the case: create, 2 sessions, close, follow-up, archive.
    actions = [h.action for h in _history(station, cid)]
    assert actions == ["create", "update", "update", "update", "update", "update"]
    changes = [h.changes for h in _history(station, cid)]
    assert changes[3]["outcome"] == ["调解中", "调解成功"]
    assert changes[3]["judicial_confirmation_due_on"] == [None, "2021-04-09"]
    assert changes[5]["stage"] == ["结案", "归档"]

    details = md.case_details(station, "S01-2021-001", today=date(2021, 5, 1))
    assert details["deadlines"]["judicial_confirmation_due_on"] == "2021-04-09"
    assert details["deadlines"]["days_open"] == 9 and details["deadlines"]["overdue"] is False
    assert [p["id_number"] for p in details["parties"]] == ["110105********002X", None]
    assert details["parties"][0]["phone"] == "138****1234" and details["parties"][0]["name"] == "张三"
    assert len(details["sessions"]) == 2 and len(details["followups"]) == 1 and details["missing"] == []
    items = {c["item"]: c for c in details["checklist"]}
    assert items["调解协议书"]["required"] and items["调解协议书"]["present"]
    assert items["当事人身份证明"]["note"] == "身份证复印件2份"
    assert not items["证据材料"]["required"] and not items["证据材料"]["present"]
    revealed = md.case_details(station, cid, reveal=True)
    assert revealed["parties"][0]["id_number"] == "11010519491231002X"


def test_case_numbers_per_station_and_year(station):
    first = _open(station).first("mediation_cases")
    second = _open(station, accepted_on="2021-12-31").first("mediation_cases")
    next_year = _open(station, accepted_on="2022-01-02").first("mediation_cases")
    given = _open(station, case_no="小苏庄调字[2021]第9号").first("mediation_cases")
    with station.read() as s:
        nos = [s.get(MediationCase, i).case_no for i in (first, second, next_year, given)]
    assert nos == ["S01-2021-001", "S01-2021-002", "S01-2022-001", "小苏庄调字[2021]第9号"]
    md.delete_case(station, "a", second)
    # A deleted case keeps its number: the next one does not reuse it.
    third = _open(station).first("mediation_cases")
    with station.read() as s:
        assert s.get(MediationCase, third).case_no == "S01-2021-003"
    before = station.counter()
    with pytest.raises(ValidationError) as e:
        _open(station, case_no="S01-2021-001")
    assert e.value.problems[0].field == "案号"
    assert station.counter() == before


def test_failure_path_reminds_other_routes_and_archives_without_agreement(station):
    cid = _open(station).first("mediation_cases")
    md.add_session(station, "m", cid, {"held_at": "2021-03-03 10:00", "record": "申请人坚持要求赔偿，被申请人拒绝"})
    with pytest.raises(ValidationError) as e:
        md.close_case(station, "m", cid, {"outcome": "调解不成", "closed_on": "2021-03-04"})
    assert [p.field for p in e.value.problems] == ["调解不成原因", "终止调解原因"]
    with pytest.raises(ValidationError) as e:
        md.close_case(station, "m", cid, {"outcome": "调解不成", "closed_on": "2021-03-04", "termination_reason": "一方要求终止调解", "failure_reason": "x",
                                          "agreement_terms": "不应出现"})
    assert [p.field for p in e.value.problems] == ["协议内容"]
    md.close_case(station, "m", cid, {"outcome": "调解不成", "closed_on": "2021-03-04",
                                      "termination_reason": "一方要求终止调解", "failure_reason": "被申请人明确拒绝调解"})
    with station.read() as s:
        case = s.get(MediationCase, cid)
        assert (case.outcome, case.stage, case.judicial_confirmation_due_on) == ("调解不成", "结案", None)
    notice = md.closing_notice("调解不成")
    assert "仲裁" in notice and "行政" in notice and "司法" in notice
    set_language("en")
    assert "arbitration" in md.closing_notice("调解不成") and "court" in md.closing_notice("调解不成")
    set_language("zh_CN")
    md.set_document(station, "m", cid, "当事人权利义务告知书")
    md.set_document(station, "m", cid, "当事人身份证明")
    md.archive_case(station, "m", cid, "2021-03-05")  # no agreement needed when there is none
    row = md.list_cases(station, today=date(2021, 6, 1))[0]
    assert row.outcome == "调解不成" and row.stage == "归档" and row.judicial_confirmation_due_on is None


def test_archive_refused_lists_missing_items(station):
    cid = _open(station).first("mediation_cases")
    with pytest.raises(StateError) as e:
        md.archive_case(station, "m", cid, "2021-03-05")
    assert "尚未结案" in str(e.value)
    md.add_session(station, "m", cid, {"held_at": "2021-03-04 10:00", "record": "调解"})
    md.set_document(station, "m", cid, "调解记录", present=False)
    md.close_case(station, "m", cid, {"outcome": "调解成功", "closed_on": "2021-03-05", "agreement_terms": "赔偿500元"})
    md.add_followup(station, "m", cid, {"visited_on": "2021-03-06", "visitor": "王", "performance": "已履行"})
    before = station.counter()
    with pytest.raises(StateError) as e:
        md.archive_case(station, "m", cid, "2021-03-06")
    msg = str(e.value)
    for name in ("当事人权利义务告知书", "当事人身份证明", "调解记录"):
        assert name in msg
    assert "调解协议书" not in msg and "申请书或受理登记表" not in msg
    assert station.counter() == before
    with station.read() as s:
        assert s.get(MediationCase, cid).archived_on is None
    set_language("en")
    with pytest.raises(StateError) as e:
        md.archive_case(station, "m", cid, "2021-03-06")
    assert "notice of parties' rights and duties" in str(e.value)
    set_language("zh_CN")
    # An unticked item counts as missing again.
    md.set_document(station, "m", cid, "申请书或受理登记表", present=False)
    with pytest.raises(StateError) as e:
        md.archive_case(station, "m", cid)
    assert "申请书或受理登记表" in str(e.value)


def test_bad_id_number_names_the_field_and_writes_nothing(station):
    before = station.counter()
    bad = {**RESPONDENT, "id_number": "110105194912310021"}  # wrong check digit (should be X)
    with pytest.raises(ValidationError) as e:
        md.open_case(station, "m", {**CASE, "dispute_type": "吵架"}, [APPLICANT, bad])
    fields = [p.field for p in e.value.problems]
    assert fields == ["纠纷类型", "当事人2 身份证号码"]
    assert "校验位" in str(e.value)
    assert station.counter() == before
    with station.read() as s:
        for model in (MediationCase, MediationParty, MediationDocument, RecordHistory):
            n = s.execute(select(func.count()).select_from(model).where(model.station_id == station.station_id)).scalar_one()
            assert n == (1 if model is RecordHistory else 0)  # only the station's own setup record


def test_parties_required_by_source(station):
    with pytest.raises(ValidationError) as e:
        md.open_case(station, "m", CASE, [APPLICANT])
    assert e.value.problems[0].field == "当事人" and "被申请人" in str(e.value)
    # The committee's own initiative has no applicant, but still two sides.
    neighbour = {"role": "第三人", "name": "赵五"}
    with pytest.raises(ValidationError):
        md.open_case(station, "m", {**CASE, "source": "调委会主动调解"}, [neighbour])
    r = md.open_case(station, "m", {**CASE, "source": "调委会主动调解"}, [neighbour, {**neighbour, "name": "钱六"}])
    assert len(r.ids("mediation_parties")) == 2


def test_dates_must_follow_acceptance(station):
    cid = _open(station).first("mediation_cases")
    with pytest.raises(ValidationError) as e:
        md.close_case(station, "m", cid, {"outcome": "调解不成", "closed_on": "2021-02-27", "termination_reason": "一方要求终止调解", "failure_reason": "x"})
    assert e.value.problems[0].field == "结案日期"
    with pytest.raises(ValidationError) as e:
        md.add_session(station, "m", cid, {"held_at": "2021-02-01 09:00", "record": "x"})
    assert e.value.problems[0].field == "时间"
    with pytest.raises(ValidationError) as e:
        md.close_case(station, "m", cid, {"outcome": "调解成功", "closed_on": "2021-03-10", "agreement_terms": "t",
                                          "performance_due_on": "2021-03-01"})
    assert e.value.problems[0].field == "履行期限"
    with pytest.raises(StateError):
        md.add_followup(station, "m", cid, {"visited_on": "2021-03-10", "visitor": "王"})


def test_oral_agreement_and_signed_on(station):
    cid = _open(station).first("mediation_cases")
    md.add_session(station, "m", cid, {"held_at": "2021-03-18 10:00", "record": "双方口头协议：当场道歉"})
    md.close_case(station, "m", cid, {"outcome": "调解成功", "closed_on": "2021-03-20", "agreement_form": "口头",
                                      "agreement_terms": "当场道歉", "signed_on": "2021-03-18"})
    with station.read() as s:
        case = s.get(MediationCase, cid)
        # §33 confirms written agreements only: an oral agreement has no confirmation deadline.
        assert case.agreement_form == "口头" and case.judicial_confirmation_due_on is None
    notice = md.closing_notice("调解成功", None, "口头")
    assert "书面调解协议书" in notice and "前共同向人民法院申请司法确认" not in notice
    assert _docs(station, cid)["调解协议书"] is False
    details = md.case_details(station, cid)
    assert not {c["item"]: c for c in details["checklist"]}["调解协议书"]["required"]


def test_list_overdue_and_masking(station):
    old = _open(station, accepted_on="2021-01-05").first("mediation_cases")
    _open(station, accepted_on="2021-02-20")
    done = _open(station, accepted_on="2021-01-02").first("mediation_cases")
    md.add_session(station, "m", done, {"held_at": "2021-02-20 10:00", "record": "调解"})
    md.close_case(station, "m", done, {"outcome": "调解成功", "closed_on": "2021-02-25", "agreement_terms": "t"})
    rows = md.list_cases(station, today=date(2021, 3, 1))
    assert [r.case_no for r in rows] == ["S01-2021-002", "S01-2021-001", "S01-2021-003"]
    by_no = {r.case_no: r for r in rows}
    assert by_no["S01-2021-001"].overdue and by_no["S01-2021-001"].days_open == 55
    assert not by_no["S01-2021-002"].overdue and by_no["S01-2021-002"].days_open == 9
    # A closed case is never overdue, however long it took; it shows its judicial-confirmation deadline.
    assert not by_no["S01-2021-003"].overdue and by_no["S01-2021-003"].days_open == 54
    # 30 days after 2021-02-25 is Saturday 2021-03-27: the period ends on Monday.
    assert by_no["S01-2021-003"].judicial_confirmation_due_on == date(2021, 3, 29)
    assert all(r.parties == "张*、李*" for r in rows)
    assert [r.id for r in md.list_cases(station, overdue_only=True, today=date(2021, 3, 1))] == [old]
    assert [r.case_no for r in md.list_cases(station, outcome="调解成功")] == ["S01-2021-003"]
    assert md.list_cases(station, year=2020) == []
    assert md.count_cases(station, year=2021) == 3
    assert len(md.list_cases(station, limit=2)) == 2 and len(md.list_cases(station, limit=2, offset=2)) == 1
    with pytest.raises(ValidationError):
        md.list_cases(station, outcome="不知道")


def test_update_delete_and_prevented_criminal(station):
    cid = _open(station).first("mediation_cases")
    md.update_case(station, "m", cid, {"summary": "院墙排水及通行纠纷", "amount": "4000"})
    md.mark_prevented_criminal(station, "m", cid, 2)
    with station.read() as s:
        case = s.get(MediationCase, cid)
        assert case.amount_fen == 400000 and case.prevented_criminal and case.prevented_criminal_persons == 2
    hist = _history(station, cid)
    assert hist[1].changes["amount_fen"] == [350050, 400000]
    assert hist[2].changes == {"prevented_criminal": [False, True], "prevented_criminal_persons": [0, 2]}
    with pytest.raises(ValidationError) as e:
        md.mark_prevented_criminal(station, "m", cid, -1)
    assert e.value.problems[0].field == "防止转化为刑事案件人数"

    r = md.delete_case(station, "m", cid)
    assert len(r.ids("mediation_parties")) == 2 and len(r.ids("mediation_documents")) == len(CaseDocument)
    with station.read() as s:
        for model in (MediationParty, MediationDocument):
            assert all(x.deleted for x in s.execute(select(model).where(model.case_id == cid)).scalars())
    assert _history(station, cid)[-1].action == "delete"
    assert md.list_cases(station) == []
    with pytest.raises(NotFoundError):
        md.case_details(station, cid)


def test_ledger_style_import_in_one_transaction(station):
    """The ledger importer's path: validate everything, then *_in functions inside one write."""
    with station.write("ledger", source="ledger:mediations-2021.xlsx") as w:
        case = md.open_case_in(w, md.validate_case(CASE), [md.validate_party(APPLICANT), md.validate_party(RESPONDENT)])
        md.close_case_in(w, case, md.validate_close({"outcome": "调解成功", "closed_on": "2021-03-09",
                                                      "agreement_terms": "赔偿", "agreement_form": "口头"}),
                         records_on_paper=True)
        md.add_followup_in(w, case, md.validate_followup({"visited_on": "2021-04-01", "visitor": "王调解"}))
    assert len({c.table for c in w.result.changes}) >= 4
    hist = _history(station, case.id)
    assert {h.counter for h in hist} == {w.result.counter}
    assert all(h.source == "ledger:mediations-2021.xlsx" for h in hist)
    with station.read() as s:
        assert s.get(MediationCase, case.id).stage == "结案"  # no performance date: done once followed up
