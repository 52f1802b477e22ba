"""What a newcomer tripped over (issue 8 item 12), each fixed and kept fixed."""

from __future__ import annotations

import json


def test_init_twice_quotes_the_real_code(cli, tmp_path):
    d = tmp_path / "s01"
    assert cli("init", "station", "--code", "S01", "--name", "小苏庄村", data_dir=d).returncode == 0
    r = cli("init", "station", "--code", "S03", "--name", "别的村", data_dir=d)
    assert r.returncode == 2
    assert "S01" in r.stderr and "S03" not in r.stderr


def test_init_with_a_missing_card_writes_nothing(cli, tmp_path):
    d = tmp_path / "s01"
    r = cli("init", "station", "--code", "S01", "--name", "小苏庄村", "--township-card", str(tmp_path / "nope.json"),
            data_dir=d)
    assert r.returncode == 2
    assert "--township-card" in r.stderr and "Traceback" not in r.stderr
    assert not d.exists()


def test_user_add_without_a_terminal_says_what_to_do(cli, station_dir):
    d = station_dir
    r = cli("user", "add", "--login", "li", "--name", "李四", "--role", "调度员", data_dir=d, input="")
    assert r.returncode == 2
    assert "--password-env" in r.stderr and "EOFError" not in r.stderr and "Traceback" not in r.stderr
    r = cli("user", "list", "--json", data_dir=d)
    assert all(u["login"] != "li" for u in json.loads(r.stdout))


def test_role_help_lists_the_roles(cli):
    r = cli("user", "add", "--help")
    for role in ("调度员", "法律顾问", "人民调解员", "镇工作人员", "管理员"):
        assert role in r.stdout


def test_adviser_by_name_prefix_or_id_everywhere(cli, station_dir):
    d = station_dir
    r = cli("adviser", "add", "--name", "王明", "--phone", "13812341234", "--json", data_dir=d)
    aid = json.loads(r.stdout)["changes"][0]["id"]
    r = cli("duty", "add", "--adviser", aid[:6], "--start", "2021-03-05 09:00", "--end", "2021-03-05 12:00",
            "--people", "3", "--json", data_dir=d)
    assert r.returncode == 0, r.stderr
    sid = json.loads(r.stdout)["changes"][0]["id"]
    for ref in ("王明", aid[:6], aid):
        r = cli("consult", "add", "--at", "2021-03-05 09:30", "--channel", "来访", "--category", "婚姻家庭",
                "--summary", "问", "--anonymous", "--adviser", ref, "--shift", sid[:6], "--json", data_dir=d)
        assert r.returncode == 0, (ref, r.stderr)
        cid = json.loads(r.stdout)["changes"][0]["id"]
        shown = json.loads(cli("consult", "show", cid, "--json", data_dir=d).stdout)
        assert aid in json.dumps(shown, ensure_ascii=False) and sid in json.dumps(shown, ensure_ascii=False)
    r = cli("consult", "add", "--at", "2021-03-05 09:30", "--channel", "来访", "--category", "婚姻家庭",
            "--summary", "问", "--anonymous", "--adviser", "李四", data_dir=d)
    assert r.returncode == 2 and "李四" in r.stderr


def test_implausible_shifts_are_refused(cli, station_dir):
    d = station_dir
    assert cli("adviser", "add", "--name", "王明", data_dir=d).returncode == 0

    def duty(start, end):
        return cli("duty", "add", "--adviser", "王明", "--start", start, "--end", end, "--people", "1", data_dir=d)

    r = duty("2021-03-05", "2021-03-05 12:00")
    assert r.returncode == 2 and "零点" in r.stderr
    r = duty("2021-03-05 08:00", "2021-03-06 08:00")
    assert r.returncode == 2 and "24小时" in r.stderr
    r = duty("2031-03-05 09:00", "2031-03-05 12:00")
    assert r.returncode == 2 and "2031" in r.stderr
    assert json.loads(cli("duty", "list", "--json", data_dir=d).stdout) in ([], {"rows": [], "total": 0})
    assert duty("2021-03-05 09:00", "2021-03-05 12:00").returncode == 0


def test_consult_show_is_a_tidy_card(cli, station_dir):
    d = station_dir
    r = cli("consult", "add", "--at", "2021-03-05 09:30", "--channel", "来访", "--name", "张三", "--phone", "13812345678",
            "--category", "婚姻家庭", "--summary", "离婚财产", "--json", data_dir=d)
    cid = json.loads(r.stdout)["changes"][0]["id"]
    text = cli("consult", "show", cid[:8], data_dir=d).stdout
    assert "咨询时间：" in text and "2021-03-05 09:30" in text and "138****5678" in text
    for raw in ("occurred_at", "consultant_name", "station_id", "deleted", "False"):
        assert raw not in text
    shown = json.loads(cli("consult", "show", cid[:8], "--json", data_dir=d).stdout)
    assert shown["occurred_at"].startswith("2021-03-05T09:30") and shown["phone"] == "138****5678"


def _township_and_station(cli, tmp_path, code="S01"):
    t, s = tmp_path / "t00", tmp_path / code.lower()
    assert cli("init", "township", "--code", "T00", "--name", "小王庄镇公共法律服务中心", data_dir=t).returncode == 0
    assert cli("identity", "export", "--out", str(tmp_path / "township.card"), data_dir=t).returncode == 0
    r = cli("init", "station", "--code", code, "--name", "小苏庄村", "--township-card", str(tmp_path / "township.card"),
            data_dir=s)
    assert r.returncode == 0, r.stderr
    return t, s


def test_bundle_export_says_what_it_carries(cli, tmp_path):
    t, s = _township_and_station(cli, tmp_path)
    assert cli("adviser", "add", "--name", "王明", data_dir=s).returncode == 0
    (tmp_path / "usb").mkdir()
    r = cli("bundle", "export", "--out", str(tmp_path / "usb"), data_dir=s)
    assert r.returncode == 0, r.stderr
    assert "第 1 号同步包" in r.stdout and "变更计数" in r.stdout and ".stbundle" in r.stdout
    data = json.loads(cli("bundle", "export", "--out", str(tmp_path / "usb"), "--full", "--json", data_dir=s).stdout)
    assert data["number"] == 2 and data["counter_from"] == 0 and data["path"].endswith(".stbundle")


def test_bundle_import_names_the_wrong_kind_of_file(cli, tmp_path):
    t, s = _township_and_station(cli, tmp_path)
    t2, s2 = _township_and_station(cli, tmp_path / "other", code="S02")
    assert cli("identity", "export", "--out", str(tmp_path / "s01.card"), data_dir=s).returncode == 0
    assert cli("ledger", "export", "--kind", "consultation", "--year", "2021", "--out", str(tmp_path / "台账.xlsx"),
               data_dir=s).returncode == 0
    (tmp_path / "usb").mkdir()
    assert cli("adviser", "add", "--name", "王明", data_dir=s2).returncode == 0
    out = json.loads(cli("bundle", "export", "--out", str(tmp_path / "usb"), "--json", data_dir=s2).stdout)["path"]

    r = cli("bundle", "import", str(tmp_path / "s01.card"), data_dir=t)
    assert r.returncode == 1 and "station-app enroll" in r.stderr + r.stdout and "minisign" not in r.stdout
    r = cli("bundle", "import", str(tmp_path / "台账.xlsx"), data_dir=t)
    assert r.returncode == 1 and "station-app ledger import" in r.stdout
    r = cli("bundle", "import", out, data_dir=s)  # S02's change bundle at village S01
    assert r.returncode == 1 and "镇中心" in r.stdout and "S02" in r.stdout and "未登记" not in r.stdout


def test_ledger_export_at_the_township_without_station_says_so(cli, tmp_path):
    t, s = _township_and_station(cli, tmp_path)
    r = cli("ledger", "export", "--kind", "consultation", "--year", "2021", "--out", str(tmp_path / "t.xlsx"),
            data_dir=t)
    assert r.returncode == 0 and "--station" in r.stderr


def test_a_station_by_code_or_name(cli, station_dir):
    assert cli("adviser", "add", "--name", "王明", data_dir=station_dir).returncode == 0
    for place in ("S01", "小苏庄村"):
        r = cli("duty", "add", "--adviser", "王明", "--start", "2021-03-05 09:00", "--end", "2021-03-05 12:00",
                "--people", "1", "--place", place, data_dir=station_dir)
        assert r.returncode == 0, (place, r.stderr)
    r = cli("duty", "add", "--adviser", "王明", "--start", "2021-03-06 09:00", "--end", "2021-03-06 12:00",
            "--people", "1", "--place", "大苏庄村", data_dir=station_dir)
    assert r.returncode == 2 and "大苏庄村" in r.stderr
