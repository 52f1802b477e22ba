"""The 矛盾纠纷排查 register, consultations' 约期答复 and 三务 status through the CLI."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def home(cli, tmp_path):
    d = tmp_path / "s01"
    r = cli("init", "station", "--code", "S01", "--name", "小苏庄村", data_dir=d)
    assert r.returncode == 0, r.stderr
    return d


def ok(cli, home, *args):
    r = cli(*args, "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_screening_register_end_to_end(cli, home):
    item = ok(cli, home, "screening", "add", "--date", "2021-05-06", "--found-by", "网格员刘洋", "--type", "邻里",
              "--description", "排水沟堵塞", "--risk", "中")["changes"][0]["id"]
    r = cli("screening", "add", "--date", "2021-05-06", "--found-by", "x", "--type", "邻里", "--description", "y",
            "--action", "移交其他部门", data_dir=home)
    assert r.returncode == 2 and "移交单位" in r.stderr
    ok(cli, home, "screening", "open-case", item[:8], "--party", "申请人|李四", "--party", "被申请人|王五")
    rows = ok(cli, home, "screening", "list", "--year", "2021")
    assert rows[0]["action"] == "转人民调解" and rows[0]["case_no"] and rows[0]["resolved"] is False
    other = ok(cli, home, "screening", "add", "--date", "2021-06-01", "--found-by", "网格员刘洋", "--type", "其他",
               "--description", "柴草堆放")["changes"][0]["id"]
    ok(cli, home, "screening", "resolve", other, "--on", "2021-06-02", "--result", "当场清理")
    assert [r["id"] for r in ok(cli, home, "screening", "list", "--unresolved")] == [item]
    st = ok(cli, home, "stats", "--year", "2021", "--as-of", "2021-12-31")["screening"]
    assert (st["found"], st["resolved"], st["resolution_rate"]) == (2, 1, 0.5)


def test_pending_answers_and_posting_status(cli, home):
    cid = ok(cli, home, "consult", "add", "--at", "2021-03-05 09:30", "--channel", "来访", "--anonymous",
             "--category", "征地拆迁", "--summary", "补偿标准", "--follow-up", "2021-03-10",
             "--persons", "5")["changes"][0]["id"]
    assert [r["id"] for r in ok(cli, home, "consult", "pending", "--as-of", "2021-03-08")] == [cid]
    ok(cli, home, "consult", "answer", cid, "--on", "2021-03-09", "--answer", "按区政府公告标准")
    assert ok(cli, home, "consult", "pending", "--as-of", "2021-03-12") == []
    assert ok(cli, home, "stats", "--year", "2021", "--as-of", "2021-12-31")["consultations"]["persons"] == 5
    ok(cli, home, "posting", "add", "--category", "财务", "--title", "3月财务", "--period", "2021-03",
       "--posted-on", "2021-04-11", "--reviewer", "刘强", "--reviewed-on", "2021-04-10", "--review-opinion", "属实")
    late = ok(cli, home, "posting", "status", "--year", "2021", "--as-of", "2021-04-30", "--status", "逾期公开")
    assert [(r["period"], r["due_on"]) for r in late] == [("2021-03", "2021-04-10")]
    r = cli("schedule", "show", data_dir=home)
    assert "党务公开条例" in r.stdout and "第三十条" in r.stdout
