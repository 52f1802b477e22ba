"""adviser / duty / posting / outreach end to end through the CLI (in-process: the `cli` fixture calls main())."""

import json
import sqlite3

import pytest

TABLES = ("advisers", "duty_shifts", "duty_log_entries", "postings", "posting_photos", "outreach_events",
          "record_history")


def snapshot(data_dir):
    con = sqlite3.connect(data_dir / "station.sqlite3")
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        counts["counter"] = con.execute("SELECT counter FROM local_state").fetchone()[0]
    finally:
        con.close()
    return counts


@pytest.fixture
def home(station_dir):
    return station_dir


def ok(cli, home, *args):
    r = cli(*args, "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def bad(cli, home, *args, field):
    before = snapshot(home)
    r = cli(*args, data_dir=home)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert field in r.stderr
    assert snapshot(home) == before
    return r.stderr


def test_adviser_and_duty(cli, home):
    added = ok(cli, home, "adviser", "add", "--name", "王明", "--law-firm", "江苏某某律师事务所",
               "--phone", "13812341234", "--licence-no", "13201201810123456")
    aid = added["changes"][0]["id"]
    assert added["changes"][0] == {"table": "advisers", "id": aid, "action": "create"}
    assert ok(cli, home, "adviser", "list") == [{"id": aid, "name": "王明", "law_firm": "江苏某某律师事务所",
                                                 "phone": "138****1234", "licence_no": "13201201810123456",
                                                 "active": True, "kind": "律师"}]
    bad(cli, home, "adviser", "add", "--name", "李芳", "--licence-no", "123", field="执业证号")

    r = ok(cli, home, "duty", "add", "--adviser", "王明", "--start", "2021-03-05 09:00", "--end", "2021-03-05 12:00",
           "--people", "3", "--summary", "接待来访", "--log", "张三|离婚财产分割|已解答", "--log", "合同审查")
    sid = r["changes"][0]["id"]
    rows = ok(cli, home, "duty", "list", "--year", "2021", "--adviser", "王明")
    assert rows == [{"id": sid, "adviser_id": aid, "adviser": "王明", "place": "S01", "start_at": "2021-03-05T09:00",
                     "end_at": "2021-03-05T12:00", "hours": 3.0, "people_served": 3, "summary": "接待来访"}]
    shown = ok(cli, home, "duty", "show", sid[:8])
    assert [(e["served"], e["content"], e["result"]) for e in shown["log"]] == [("张*", "离婚财产分割", "已解答"),
                                                                                (None, "合同审查", None)]
    text = cli("duty", "list", data_dir=home).stdout
    assert "王明" in text and "S01" in text and "2021-03-05 09:00" in text

    err = bad(cli, home, "duty", "add", "--adviser", "王明", "--start", "2021-03-05 09:00",
              "--end", "2021-03-05 08:00", "--people", "3", field="结束时间")
    assert "晚于开始时间" in err
    bad(cli, home, "duty", "add", "--adviser", "赵六", "--start", "2021-03-05 09:00",
        "--end", "2021-03-05 10:00", "--people", "1", "--log", "张三|咨询", field="法律顾问")
    bad(cli, home, "duty", "add", "--adviser", aid, "--start", "2021-03-05 09:00",
        "--end", "2021-03-05 10:00", "--people", "1", "--place", "S99", field="值班地点")

    assert ok(cli, home, "duty", "delete", sid)["changes"][-1] == {"table": "duty_shifts", "id": sid,
                                                                   "action": "delete"}
    assert ok(cli, home, "duty", "list") == []
    assert ok(cli, home, "adviser", "delete", aid)["changes"][0]["action"] == "delete"
    assert ok(cli, home, "adviser", "list") == []


def test_posting_and_outreach(cli, home, tmp_path):
    photo = tmp_path / "board.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    r = ok(cli, home, "posting", "add", "--category", "财务", "--title", "3月财务收支", "--period", "2021-03",
           "--posted-on", "2021-04-02", "--reviewer", "刘强", "--reviewed-on", "2021-04-01",
           "--review-opinion", "收支属实", "--photo", str(photo))
    pid = r["changes"][0]["id"]
    assert [c["table"] for c in r["changes"]] == ["postings", "posting_photos"]
    assert ok(cli, home, "posting", "list", "--year", "2021", "--current") == [
        {"id": pid, "category": "财务", "title": "3月财务收支", "period": "2021-03", "posted_on": "2021-04-02",
         "taken_down_on": None, "medium": "公开栏", "reviewer": "刘强", "photos": 1, "current": True}]
    assert [p["id"] for p in ok(cli, home, "posting", "due", "--today", "2021-04-17")] == [pid]
    bad(cli, home, "posting", "takedown", pid, "--on", "2021-04-01", field="撤下日期")
    bad(cli, home, "posting", "add", "--category", "财务", "--title", "t", "--period", "2021-03",
        "--posted-on", "2021-04-02", "--photo", str(tmp_path / "scan.gif"), field="照片 scan.gif")
    ok(cli, home, "posting", "takedown", pid, "--on", "2021-04-17")
    assert "已于2021-04-17撤下" in bad(cli, home, "posting", "takedown", pid, "--on", "2021-04-18", field="")
    assert ok(cli, home, "posting", "list", "--current") == []
    assert ok(cli, home, "posting", "list", "--category", "财务")[0]["taken_down_on"] == "2021-04-17"
    ok(cli, home, "posting", "delete", pid)
    assert ok(cli, home, "posting", "list") == []

    r = ok(cli, home, "outreach", "add", "--kind", "法治讲座", "--date", "2021-05-12", "--topic", "民法典进农村",
           "--speaker", "王明", "--place", "村委会", "--attendees", "60", "--materials", "200")
    eid = r["changes"][0]["id"]
    assert ok(cli, home, "outreach", "list", "--year", "2021", "--kind", "法治讲座") == [
        {"id": eid, "kind": "法治讲座", "held_on": "2021-05-12", "topic": "民法典进农村", "speaker": "王明",
         "adviser_id": None, "adviser": None, "place": "村委会", "attendees": 60, "materials": 200,
         "organiser": "其他", "theme": None, "occasion": None, "audience": None, "villages": 0}]
    bad(cli, home, "outreach", "add", "--kind", "座谈会", "--date", "2021-05-12", "--topic", "x",
        "--attendees", "1", "--materials", "0", field="活动类型")
    ok(cli, home, "outreach", "delete", eid)
    assert ok(cli, home, "outreach", "list") == []
    assert "主题" in cli("outreach", "list", data_dir=home).stdout  # the table header even when empty
