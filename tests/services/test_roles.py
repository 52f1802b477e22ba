"""Roles are enforced where the data is: the store's Writer and the services refuse, whatever the front end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station_app.app import Application, SignInError
from station_app.cli import main
from station_app.core import roles
from station_app.core.codes import StationKind
from station_app.core.roles import PermissionDenied
from station_app.store.models import MediationCase, RecordHistory

CASE = {"accepted_on": "2021-03-01", "source": "当事人申请", "dispute_type": "邻里", "summary": "院墙排水纠纷"}
PARTIES = [{"role": "申请人", "name": "张三", "id_number": "11010519491231002X", "phone": "13812341234"},
           {"role": "被申请人", "name": "李四"}]
CLOSE = ["--outcome", "调解成功", "--on", "2021-03-05", "--terms", "共同修缮排水沟", "--performance-method", "各出一半",
         "--performance-due", "2021-03-31"]


@pytest.fixture
def home(tmp_path):
    root = tmp_path / "S01"
    app, _ = Application.init(_paths(root), kind=StationKind.VILLAGE, code="S01", name="小苏庄村")
    app.users.add(login="li", name="李调度", role="调度员", password="li-secret-1")
    app.users.add(login="wang", name="王调解", role="人民调解员", password="wang-secret")
    app.users.add(login="zhao", name="赵律师", role="法律顾问", password="zhao-secret")
    app.close()
    return root


def _paths(root: Path):
    from station_app import config

    return config.resolve(root)


def _run(capsys, root: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _state(root: Path) -> tuple[int, int, list[str]]:
    with Application.open(_paths(root), backup=False) as app:
        with app.db.read() as s:
            history = s.execute(select(func.count()).select_from(RecordHistory)).scalar_one()
            outcomes = list(s.execute(select(MediationCase.outcome)).scalars())
        return app.db.counter(), history, outcomes


def test_dispatcher_is_refused_a_mediation_close_exit_2_nothing_written(home, capsys):
    with Application.open(_paths(home), login="wang", password="wang-secret") as app:
        case_id = app.mediation.open(CASE, PARTIES).first("mediation_cases")
        # 调解成功 needs a 调解记录 first (人民调解法 §27-28): the mediator records the session.
        app.mediation.add_session(case_id, {"held_at": "2021-03-02 09:00", "record": "双方陈述，达成协议"})
    before = _state(home)

    code, out, err = _run(capsys, home, "--user", "li", "mediation", "close", case_id[:8], *CLOSE, "--json")
    assert code == 2 and out == ""
    assert "li" in json.loads(err)["error"] and "调解" in json.loads(err)["error"]
    assert _state(home) == before  # no counter used, no history row, the case still in progress

    # A legal adviser helps mediate (sessions) but may not close: the store refuses setting the outcome.
    code, out, err = _run(capsys, home, "--user", "zhao", "mediation", "close", case_id[:8], *CLOSE, "--json")
    assert code == 2 and "结案" in json.loads(err)["error"]
    assert _state(home) == before

    # The mediator may; the same command then closes it.
    code, out, _ = _run(capsys, home, "--user", "wang", "mediation", "close", case_id[:8], *CLOSE, "--json")
    assert code == 0 and json.loads(out)["outcome"] == "调解成功"


def test_unknown_user_is_refused_and_nothing_is_written(home, capsys):
    before = _state(home)
    code, out, err = _run(capsys, home, "--user", "nobody", "consult", "add", "--at", "2021-03-05 09:30",
                          "--channel", "来访", "--category", "婚姻家庭", "--summary", "离婚")
    assert code == 2 and out == "" and "nobody" in err
    assert _state(home) == before


def test_without_user_the_admin_acts_and_the_os_account_is_logged(home, capsys, monkeypatch):
    monkeypatch.setenv("STATION_APP_USER", "laozhang")
    code, out, _ = _run(capsys, home, "consult", "add", "--at", "2021-03-05 09:30", "--channel", "来访",
                        "--name", "张三丰", "--phone", "13812345678", "--category", "婚姻家庭", "--summary", "离婚",
                        "--json")
    assert code == 0
    cid = json.loads(out)["changes"][0]["id"]
    code, out, _ = _run(capsys, home, "consult", "show", cid[:8], "--reveal", "--json")
    assert code == 0 and json.loads(out)["consultant_name"] == "张三丰" and json.loads(out)["created_by"] == "admin"
    with Application.open(_paths(home), backup=False) as app:
        entries = app.access_log.list()
    assert [(e.actor, e.os_account, e.action, e.record_id) for e in entries] == [("admin", "laozhang", "reveal", cid)]


def test_reveal_needs_the_permission_and_is_logged_by_the_service(home):
    with Application.open(_paths(home)) as admin:
        cid = admin.consultations.record({"occurred_at": "2021-03-05 09:30", "channel": "来访", "consultant_name": "张三丰",
                                          "phone": "13812345678", "category": "婚姻家庭", "summary": "离婚"}
                                         ).first("consultations")
    with Application.open(_paths(home), login="li", password="li-secret-1") as li:
        assert li.consultations.get(cid)["consultant_name"] == "张**"  # a dispatcher sees it masked
        with pytest.raises(PermissionDenied):
            li.consultations.get(cid, reveal=True)
        with pytest.raises(PermissionDenied):
            li.access_log.list()
    with Application.open(_paths(home), login="zhao", password="zhao-secret") as zhao:
        assert zhao.consultations.get(cid, reveal=True)["phone"] == "13812345678"
    with Application.open(_paths(home)) as admin:
        assert [(e.actor, e.record_id) for e in admin.access_log.list()] == [("zhao", cid)]


def test_roles_are_held_by_the_writer_for_every_table(home):
    with Application.open(_paths(home), login="wang") as wang:
        with pytest.raises(PermissionDenied, match="咨询"):
            wang.consultations.record({"occurred_at": "2021-03-05 09:30", "channel": "来访", "category": "婚姻家庭", "anonymous": True,
                                       "summary": "离婚"})
        with pytest.raises(PermissionDenied):
            wang.users.add(login="x1", name="x", role="管理员", password="12345678")
    with Application.open(_paths(home), login="li") as li:
        with pytest.raises(PermissionDenied):
            li.mediation.open(CASE, PARTIES)
        with pytest.raises(PermissionDenied):
            li.keys.rotate()
        assert not li.may("mediation.read")  # the GUI hides the tab; the service refuses anyway
        with pytest.raises(PermissionDenied):
            li.mediation.list()


def test_sign_in_with_password(home):
    with pytest.raises(SignInError):
        Application.open(_paths(home), login="li", password="wrong-password")
    with pytest.raises(SignInError):
        Application.open(_paths(home), login="nobody")
    with Application.open(_paths(home), login="li", password="li-secret-1") as app:
        assert app.user.role == "调度员" and app.user.may("consultation.write") and not app.user.may("mediation.close")
    with Application.open(_paths(home)) as admin:
        admin.users.set_active("li", False)
    with pytest.raises(SignInError):
        Application.open(_paths(home), login="li", password="li-secret-1")


def test_roles_doc_matches_the_table():
    doc = (Path(__file__).parents[2] / "docs" / "roles.md").read_text(encoding="utf-8")
    cols = [roles.DISPATCHER, roles.ADVISER, roles.MEDIATOR, roles.TOWNSHIP, roles.ADMIN]
    for perm, (who, _action) in roles.PERMISSIONS.items():
        m = re.search(rf"^\| `{re.escape(perm)}` \|[^|]*\|(.*)\|$", doc, re.M)
        assert m, f"{perm} missing from docs/roles.md"
        marks = [c.strip() for c in m.group(1).split("|")]
        assert marks == ["✓" if c in who else "–" for c in cols], perm
    for table, perm in roles.TABLE_PERMISSIONS.items():
        assert f"| `{table}` |" in doc


def test_user_commands_need_an_admin_and_never_hang_without_a_terminal(home, capsys, monkeypatch):
    monkeypatch.setenv("NEWPW", "new-secret-9")
    code, _, err = _run(capsys, home, "--user", "li", "user", "add", "--login", "x", "--name", "x", "--role", "管理员",
                        "--password-env", "NEWPW")
    assert code == 2 and "li" in err
    code, _, err = _run(capsys, home, "user", "add", "--login", "sun", "--name", "孙", "--role", "镇工作人员")
    assert code == 2 and "--password-env" in err  # no terminal in tests: a sentence, not EOFError
    assert _run(capsys, home, "user", "password", "admin", "--password-env", "NEWPW")[0] == 0
    with Application.open(_paths(home), login="admin", password="new-secret-9") as app:
        assert app.user.role == "管理员"
    code, _, _ = _run(capsys, home, "--user", "li", "user", "password", "li", "--password-env", "NEWPW")
    assert code == 0  # everyone may set their own password
    code, _, _ = _run(capsys, home, "--user", "li", "user", "password", "wang", "--password-env", "NEWPW")
    assert code == 2
