"""`station-app ledger import|export` end to end in-process (the `cli` fixture calls main()), as township staff run it."""

from __future__ import annotations

import json
from datetime import date, time

import pytest

from station_app.ledger.layouts import CONSULTATION, DUTY
from tests.ledger.test_read import write_csv, write_xlsx


def _init(cli, home):
    r = cli("init", "station", "--code", "S01", "--name", "小苏庄村", data_dir=home)
    assert r.returncode == 0, r.stderr


def test_import_dry_run_bad_rows_reimport_and_export(cli, tmp_path):
    home = tmp_path / "s01"
    _init(cli, home)
    good = write_xlsx(tmp_path / "值班2021.xlsx", [
        DUTY.headers,
        [date(2021, 3, 5), "王律师", time(9, 0), time(11, 0), None, 3, "解答咨询"],
        ["2021/3/12", "王律师", "9点", "11:30", "S01", "2人", None],
    ])

    r = cli("ledger", "import", str(good), "--kind", "duty", "--dry-run", data_dir=home)
    assert r.returncode == 0, r.stderr
    assert "试导入" in r.stdout and "将导入 2 行" in r.stdout and "王律师" in r.stdout

    r = cli("ledger", "import", str(good), "--kind", "duty", "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["ok"], out["imported"], out["advisers_created"]) == (True, 2, ["王律师"])

    r = cli("ledger", "import", str(good), "--kind", "duty", data_dir=home)
    assert r.returncode == 0 and "此前都已导入过" in r.stdout

    bad = write_csv(tmp_path / "咨询.csv", [
        CONSULTATION.headers,
        ["2021-03-05", "", "", "", "来访", "婚姻家庭", "抚养费", "", "", ""],
        ["2021-13-05", "张三", "男", "12345", "来访", "婚姻家庭", "抚养费", "", "", ""],
        ["2021-03-07", "", "", "", "飞鸽传书", "", "抚养费", "", "", ""],
    ], "gb18030")
    r = cli("ledger", "import", str(bad), "--kind", "consultation", data_dir=home)
    assert r.returncode == 2
    assert "第3行 / 日期" in r.stdout and "第3行 / 联系电话" in r.stdout
    assert "第4行 / 咨询方式" in r.stdout and "第4行 / 咨询类别" in r.stdout
    assert "未导入任何记录" in r.stderr
    r = cli("ledger", "import", str(bad), "--kind", "consultation", "--json", data_dir=home)
    assert r.returncode == 2
    problems = json.loads(r.stdout)["problems"]
    assert {(p["row"], p["column"]) for p in problems} == {(3, "日期"), (3, "联系电话"), (4, "咨询方式"), (4, "咨询类别")}

    out_file = tmp_path / "export" / "duty-2021.xlsx"
    out_file.parent.mkdir()  # an --out folder that does not exist is a missing USB stick: exit 1 (test_front_door)
    r = cli("ledger", "export", "--kind", "duty", "--year", "2021", "--out", str(out_file), "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rows"] == 2 and out_file.exists()

    # Into a new installation: the same two shifts.
    home2 = tmp_path / "s01-new"
    _init(cli, home2)
    r = cli("ledger", "import", str(out_file), "--kind", "duty", data_dir=home2)
    assert r.returncode == 0, r.stderr
    assert "已导入 2 行" in r.stdout


def test_unreadable_file_exits_2_with_reason(cli, tmp_path):
    home = tmp_path / "s01"
    _init(cli, home)
    garbled = tmp_path / "乱码.csv"
    text = ",".join(CONSULTATION.headers) + "\r\n2021-03-05,张三,男,,来访,婚姻家庭,离婚后孩子抚养费如何计算,,,无\r\n"
    garbled.write_bytes(text.encode("utf-8").decode("gbk", errors="replace").encode("utf-8"))
    r = cli("ledger", "import", str(garbled), "--kind", "consultation", data_dir=home)
    assert r.returncode == 2 and "乱码" in r.stderr
    r = cli("ledger", "export", "--kind", "duty", "--year", "2021", "--out", str(tmp_path / "x.pdf"), data_dir=home)
    assert r.returncode == 2 and ".xlsx" in r.stderr
