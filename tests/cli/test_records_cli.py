"""Issue 10 through the CLI: settings, adviser kinds, assignments, work-log type and mode, the village's
confirmation, the standards query, posting status."""

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


def test_adviser_work_and_standards(cli, home):
    assert ok(cli, home, "settings", "set", "adviser_hours_per_month", "5")["adviser_hours_per_month"] == 5.0
    r = cli("settings", "set", "posting_grace_days", "abc", data_dir=home)
    assert r.returncode == 2 and "宽限天数" in r.stderr
    ok(cli, home, "adviser", "add", "--name", "李法务", "--kind", "基层法律服务工作者", "--licence-no", "32010100123")
    assert ok(cli, home, "adviser", "list")[0]["kind"] == "基层法律服务工作者"
    ok(cli, home, "adviser", "assign", "--adviser", "李法务", "--village", "S01", "--from", "2021-01-01",
       "--contract-no", "QD-1")
    ok(cli, home, "duty", "add", "--adviser", "李法务", "--start", "2021-03-05 09:00", "--end", "2021-03-05 13:30",
       "--people", "4", "--log", "张三|审查土地流转合同|已出具意见|审查合同|现场")
    shift = ok(cli, home, "duty", "list")[0]["id"]
    log = ok(cli, home, "duty", "show", shift)["log"][0]
    assert (log["service_type"], log["mode"]) == ("审查合同", "现场")
    ok(cli, home, "adviser", "confirm", "--adviser", "李法务", "--month", "2021-03", "--on", "2021-04-01",
       "--by", "村委会王主任", "--method", "盖章")
    r = cli("duty", "delete", shift, data_dir=home)
    assert r.returncode == 2 and "确认" in r.stderr
    report = ok(cli, home, "adviser", "standards", "--year", "2021", "--as-of", "2021-05-01", "--below")
    months = {m["month"]: m for m in report["months"]}
    # The standard was set to 5 h: March's 4.5 h is below it (and the village confirmed the month).
    assert months["2021-03"]["hours"] == 4.5 and months["2021-03"]["confirmed"]
    assert months["2021-01"]["hours"] == 0 and months["2021-04"]["below_standard"]
    assert "2021-05" not in months  # not over on 1 May
