import json
from datetime import date, timedelta

import pytest

from station_app import config
from station_app.services.base import StationDB
from station_app.store.models import AccessLog, MediationCase, RecordHistory
from sqlalchemy import func, select


def _ok(proc):
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def data_dir(tmp_path, cli):
    d = tmp_path / "S01"
    _ok(cli("init", "station", "--code", "S01", "--name", "小苏庄村", "--json", data_dir=d))
    return d


def test_mediation_end_to_end(cli, data_dir):
    def run(*args):
        return cli("mediation", *args, "--json", data_dir=data_dir)

    opened = _ok(run("open", "--accepted-on", "2021-03-01", "--source", "当事人申请", "--type", "邻里",
                     "--summary", "院墙排水纠纷", "--mediator", "王调解", "--amount", "1200",
                     "--party", "申请人|张三|男|11010519491231002X|13812341234|小苏庄村三组",
                     "--party", "被申请人|李四||||"))
    assert opened["case_no"] == "S01-2021-001" and opened["stage"] == "受理"
    cid = opened["case_id"]

    s = _ok(run("session", "S01-2021-001", "--at", "2021-03-03 09:30", "--record", "双方陈述", "--place", "村委会"))
    assert s["stage"] == "调解"
    closed = _ok(run("close", cid[:8], "--outcome", "调解成功", "--on", "2021-03-05", "--terms", "共同修缮排水沟",
                     "--performance-method", "各出一半", "--performance-due", "2021-03-31"))
    # 30 days after 2021-03-05 is Sunday 2021-04-04: the period ends on the next working day.
    assert closed["outcome"] == "调解成功" and closed["judicial_confirmation_due_on"] == "2021-04-05"
    assert "司法确认" in closed["notice"]
    again = run("close", cid, "--outcome", "调解不成", "--on", "2021-03-06", "--reason", "x",
                "--termination-reason", "未能达成协议")
    assert again.returncode == 2 and "已结案" in json.loads(again.stderr)["error"]

    f = _ok(run("followup", "S01-2021-001", "--on", "2021-04-01", "--visitor", "王调解", "--performance", "已履行",
                "--sued", "否", "--risk", "无"))
    assert f["stage"] == "结案"  # performed and followed up: only the archive is left

    refused = run("archive", "S01-2021-001", "--on", "2021-04-02")
    assert refused.returncode == 2
    err = json.loads(refused.stderr)["error"]
    assert "当事人权利义务告知书" in err and "当事人身份证明" in err

    for item in ("当事人权利义务告知书", "当事人身份证明"):
        _ok(run("document", "S01-2021-001", item, "--note", "已归档"))
    archived = _ok(run("archive", "S01-2021-001", "--on", "2021-04-02"))
    assert archived["stage"] == "归档"

    rows = _ok(run("list", "--year", "2021"))
    assert len(rows) == 1 and rows[0]["parties"] == "张*、李*" and rows[0]["judicial_confirmation_due_on"] == "2021-04-05"
    shown = _ok(run("show", "S01-2021-001"))
    assert shown["parties"][0]["id_number"] == "110105********002X" and shown["parties"][0]["phone"] == "138****1234"
    assert shown["missing"] == [] and len(shown["sessions"]) == 1 and len(shown["followups"]) == 1
    revealed = _ok(run("show", "S01-2021-001", "--reveal"))
    assert revealed["parties"][0]["id_number"] == "11010519491231002X"

    text = cli("mediation", "show", "S01-2021-001", data_dir=data_dir)
    assert text.returncode == 0 and "调解协议书" in text.stdout and "2021-04-05" in text.stdout

    with StationDB.open(config.resolve(data_dir)) as db, db.read() as session:
        logged = session.execute(select(AccessLog).where(AccessLog.record_id == cid)).scalars().all()
        assert [(a.action, a.table_name) for a in logged] == [("reveal", "mediation_cases")]
        history = session.execute(select(RecordHistory.action).where(RecordHistory.record_id == cid)).scalars().all()
        assert history == ["create", "update", "update", "update", "update"]  # open, session, close, follow-up, archive


def test_failure_overdue_and_bad_input(cli, data_dir):
    def run(*args):
        return cli("mediation", *args, "--json", data_dir=data_dir)

    long_ago = (date.today() - timedelta(days=45)).isoformat()
    _ok(run("open", "--accepted-on", long_ago, "--source", "调委会主动调解", "--type", "婚姻家庭", "--summary", "家庭矛盾",
            "--party", "第三人|赵五", "--party", "第三人|钱六"))
    recent = _ok(run("open", "--accepted-on", date.today().isoformat(), "--source", "公安机关移交", "--type", "损害赔偿",
                     "--summary", "酒后互殴致伤", "--party", "申请人|孙七", "--party", "被申请人|周八",
                     "--transferring-body", "某某县公安局小王庄派出所"))

    overdue = _ok(run("list", "--overdue"))
    assert len(overdue) == 1 and overdue[0]["overdue"] and overdue[0]["days_open"] == 45

    failed = _ok(run("close", recent["case_no"], "--outcome", "调解不成", "--on", date.today().isoformat(),
                     "--reason", "被申请人拒绝赔偿", "--termination-reason", "一方要求终止调解"))
    assert failed["outcome"] == "调解不成" and "仲裁" in failed["notice"] and "行政" in failed["notice"]
    plain = cli("mediation", "list", "--outcome", "调解不成", data_dir=data_dir)
    assert plain.returncode == 0 and recent["case_no"] in plain.stdout

    before = run("list")
    bad = run("open", "--accepted-on", "2021-03-01", "--source", "当事人申请", "--type", "邻里", "--summary", "x",
              "--party", "申请人|张三||110105194912310021", "--party", "被申请人|李四")
    assert bad.returncode == 2
    problems = json.loads(bad.stderr)["problems"]
    assert [p["field"] for p in problems] == ["当事人1 身份证号码"]
    assert run("list").stdout == before.stdout

    too_many = run("open", "--accepted-on", "2021-03-01", "--source", "当事人申请", "--type", "邻里", "--summary", "x",
                   "--party", "申请人|a|男|||地址|汉|1970-01-01|农民|多余", "--party", "被申请人|b")
    assert too_many.returncode == 2
    missing = cli("mediation", "show", "NOPE-1", data_dir=data_dir)
    assert missing.returncode == 2 and "找不到调解案件" in missing.stderr

    with StationDB.open(config.resolve(data_dir)) as db, db.read() as session:
        assert session.execute(select(func.count()).select_from(MediationCase)).scalar_one() == 2
