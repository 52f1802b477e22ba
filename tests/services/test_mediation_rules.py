"""The workflow rules of 人民调解法 that the first version got wrong (issue 9), one test per rule."""

from datetime import date

import pytest
from sqlalchemy import func, select

from station_app.core.errors import StateError, ValidationError
from station_app.services import mediation as md
from station_app.store.models import MediationCase, RecordHistory

CASE = {"accepted_on": "2021-03-01", "source": "当事人申请", "dispute_type": "邻里", "summary": "排水沟纠纷",
        "mediator": "王调解"}
PARTIES = [{"role": "申请人", "name": "张三"}, {"role": "被申请人", "name": "李四"}]
SETTLE = {"outcome": "调解成功", "closed_on": "2021-03-10", "agreement_terms": "李四赔偿张三500元",
          "performance_due_on": "2021-12-31"}


def _open(db, **over):
    return md.open_case(db, "m", {**CASE, **over}, PARTIES).first("mediation_cases")


def _case(db, cid):
    with db.read() as s:
        return s.get(MediationCase, cid)


def _rows(db):
    with db.read() as s:
        return s.execute(select(func.count()).select_from(RecordHistory)).scalar_one()


def test_oral_agreement_has_no_confirmation_deadline(station):
    cid = _open(station)
    md.add_session(station, "m", cid, {"held_at": "2021-03-05 09:00", "record": "口头协议：李四当场道歉"})
    md.close_case(station, "m", cid, {**SETTLE, "agreement_form": "口头"})
    assert _case(station, cid).judicial_confirmation_due_on is None
    assert md.list_cases(station)[0].judicial_confirmation_due_on is None
    assert md.case_details(station, cid)["deadlines"]["judicial_confirmation_due_on"] is None


def test_settle_without_a_session_record_is_refused_and_writes_nothing(station):
    cid = _open(station)
    # An investigation is not a 调解记录.
    md.add_session(station, "m", cid, {"kind": "调查", "held_at": "2021-03-02 09:00", "record": "走访"})
    before, rows = station.counter(), _rows(station)
    with pytest.raises(StateError) as e:
        md.close_case(station, "m", cid, SETTLE)
    assert "调解记录" in str(e.value)
    assert station.counter() == before and _rows(station) == rows
    assert _case(station, cid).outcome == "调解中"


def test_settle_without_session_cli_exit_2(cli, tmp_path):
    d = tmp_path / "S01"
    assert cli("init", "station", "--code", "S01", "--name", "小苏庄村", data_dir=d).returncode == 0
    opened = cli("mediation", "open", "--accepted-on", "2021-03-01", "--source", "当事人申请", "--type", "邻里",
                 "--summary", "排水沟", "--party", "申请人|张三", "--party", "被申请人|李四", "--json", data_dir=d)
    assert opened.returncode == 0, opened.stderr
    proc = cli("mediation", "close", "S01-2021-001", "--outcome", "调解成功", "--on", "2021-03-10",
               "--terms", "赔偿500元", data_dir=d)
    assert proc.returncode == 2 and "调解记录" in proc.stderr and "Traceback" not in proc.stderr
    shown = cli("mediation", "show", "S01-2021-001", "--json", data_dir=d)
    assert '"outcome": "调解中"' in shown.stdout


def test_archive_waits_for_performance_and_followup(station):
    cid = _open(station)
    md.add_session(station, "m", cid, {"held_at": "2021-03-05 09:00", "record": "达成协议"})
    md.close_case(station, "m", cid, SETTLE)
    for item in ("当事人权利义务告知书", "当事人身份证明"):
        md.set_document(station, "m", cid, item)
    before = station.counter()
    with pytest.raises(StateError) as e:
        md.archive_case(station, "m", cid, "2021-03-11")
    assert "回访" in str(e.value)
    md.add_followup(station, "m", cid, {"visited_on": "2021-06-01", "visitor": "王调解"})
    assert _case(station, cid).stage == "回访"  # due 2021-12-31, nothing performed yet
    with pytest.raises(StateError) as e:
        md.archive_case(station, "m", cid, "2021-06-02")
    assert "2021-12-31" in str(e.value) and "履行" in str(e.value)
    assert station.counter() == before + 1  # only the follow-up was written
    # The follow-up after the due date records performance: the case is 结案 and can be archived.
    md.add_followup(station, "m", cid, {"visited_on": "2022-01-05", "visitor": "王调解", "performance": "已履行"})
    assert _case(station, cid).stage == "结案"
    md.archive_case(station, "m", cid, "2022-01-06")
    assert _case(station, cid).stage == "归档"


def test_refusal_at_intake_is_not_an_accepted_case(station):
    cid = _open(station)
    md.refuse_case(station, "m", cid, {"closed_on": "2021-03-02", "reason": "被申请人明确拒绝调解"})
    case = _case(station, cid)
    assert (case.outcome, case.stage, case.failure_reason) == ("不予受理", "结案", "被申请人明确拒绝调解")
    with pytest.raises(ValidationError):
        md.close_case(station, "m", _open(station), {"outcome": "不予受理", "closed_on": "2021-03-02"})
    # Once mediation has started, the way out is 调解不成 (终止调解), not 不予受理.
    other = _open(station)
    md.add_session(station, "m", other, {"held_at": "2021-03-03 09:00", "record": "x"})
    with pytest.raises(StateError):
        md.refuse_case(station, "m", other, {"closed_on": "2021-03-04", "reason": "y"})
    md.set_document(station, "m", cid, "申请书或受理登记表")
    md.archive_case(station, "m", cid, "2021-03-05")  # a refused case's file holds the application only


def test_stages_move_forward_only(station):
    cid = _open(station)
    md.add_session(station, "m", cid, {"held_at": "2021-03-02 09:00", "record": "调解"})
    md.add_session(station, "m", cid, {"kind": "调查", "held_at": "2021-03-03 09:00", "record": "补充调查"})
    assert _case(station, cid).stage == "调解"
    assert md.forward_stage("回访", "履行") == "回访" and md.forward_stage("受理", "调查") == "调查"


def test_a_transferred_case_names_the_body_that_handed_it_over(station):
    with pytest.raises(ValidationError) as e:
        md.open_case(station, "m", {**CASE, "source": "审判机关委托"}, PARTIES)
    assert e.value.problems[0].field == "移交（委托、委派）单位"
    cid = md.open_case(station, "m", {**CASE, "source": "审判机关委托", "transferring_body": "某某县人民法院（诉前委派）"},
                       [{"role": "当事人", "name": "甲"}, {"role": "当事人", "name": "乙"}]).first("mediation_cases")
    assert _case(station, cid).transferring_body == "某某县人民法院（诉前委派）"
