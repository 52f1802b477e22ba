"""Rolling automatic backups, and backup now / list / restore through the CLI."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date, timedelta

from station_app import config
from station_app.core.codes import StationKind
from station_app.services import consultations as cs
from station_app.services.base import StationDB
from station_app.services.setup import init_installation
from station_app.store import backups
from station_app.store.db import integrity_check

GOOD = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "consultant_name": "张三", "phone": "13812341234",
        "category": "婚姻家庭", "summary": "离婚后孩子抚养费如何计算"}


def test_rolling_keeps_seven_daily_and_four_weekly(station):
    start = date(2021, 1, 4)  # a Monday
    days = [start + timedelta(days=n) for n in range(60)]
    for n, day in enumerate(days):
        if n % 10 == 0:
            cs.record_consultation(station, "a", GOOD)
        made = backups.rolling_backup(station, today=day)
        assert backups.daily_name(day) in [p.name for p in made] or n == 0
        # Running it again the same day makes nothing new.
        assert backups.rolling_backup(station, today=day) == []
    folder = station.paths.backups
    daily = sorted(p.name for p in folder.glob("daily-*.sqlite3"))
    weekly = sorted(p.name for p in folder.glob("weekly-*.sqlite3"))
    assert daily == [f"daily-{d.isoformat()}.sqlite3" for d in days[-7:]]
    last_weeks = sorted({d.isocalendar()[:2] for d in days})[-4:]
    assert weekly == [f"weekly-{y}-W{w:02d}.sqlite3" for y, w in last_weeks]
    for p in folder.glob("*.sqlite3"):
        assert integrity_check(p) == []
    kinds = {b.kind for b in backups.list_backups(folder)}
    assert kinds == {"daily", "weekly"}


def test_rolling_over_the_new_year_keeps_order(station):
    # ISO weeks cross years (2020-W53, 2021-W01): names must still sort by date for pruning.
    for n in range(40):
        backups.rolling_backup(station, today=date(2020, 12, 1) + timedelta(days=n))
    weekly = sorted(p.name for p in station.paths.backups.glob("weekly-*.sqlite3"))
    assert weekly == ["weekly-2020-W51.sqlite3", "weekly-2020-W52.sqlite3", "weekly-2020-W53.sqlite3",
                      "weekly-2021-W01.sqlite3"]


def _records(home) -> list[str]:
    with StationDB.open(config.resolve(home)) as db:
        return sorted(r.summary for r in cs.list_consultations(db))


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add(home, summary) -> int:
    # Records are made in-process (each CLI start costs seconds); the commands under test run in a subprocess.
    with StationDB.open(config.resolve(home)) as db:
        return cs.record_consultation(db, "a", {**GOOD, "summary": summary}).counter


def _init(home, code="S01", name="小苏庄村"):
    init_installation(config.resolve(home), kind=StationKind.VILLAGE, code=code, name=name).close()


def test_backup_now_list_restore_via_cli(tmp_path, cli):
    home = tmp_path / "s01"
    _init(home)
    _add(home, "抚养费")
    _add(home, "宅基地")

    r = cli("backup", "now", "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    saved = json.loads(r.stdout)["path"]
    assert integrity_check(saved) == []

    counter_after = _add(home, "工伤赔偿")
    with StationDB.open(config.resolve(home)) as db:
        assert _records(home) == ["宅基地", "工伤赔偿", "抚养费"]
        backups.rolling_backup(db, today=date(2021, 3, 5))

    r = cli("backup", "list", "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert saved in [b["path"] for b in listed] and {b["kind"] for b in listed} == {"manual", "daily", "weekly"}

    r = cli("backup", "restore", saved, "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    done = json.loads(r.stdout)
    # The old records are back; the replaced database is kept aside with the newer record in it.
    assert _records(home) == ["宅基地", "抚养费"]
    aside = done["aside"]
    assert aside and "pre-restore-" in aside and integrity_check(aside) == []
    con = sqlite3.connect(aside)
    try:
        assert ("工伤赔偿",) in con.execute("SELECT summary FROM consultations").fetchall()
    finally:
        con.close()
    # The counter never goes back: the next change gets a number the replaced database never used.
    assert done["counter"] == counter_after and done["counter_raised"] is True
    assert _add(home, "劳动合同") > counter_after

    r = cli("check", data_dir=home)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "数据库完好" in r.stdout and "变更计数" in r.stdout
    text = cli("backup", "list", data_dir=home).stdout
    assert "手动" in text and "恢复前" in text and saved in text


def test_restore_refuses_bad_files_and_leaves_database_untouched(tmp_path, cli):
    home = tmp_path / "s01"
    _init(home)
    _add(home, "抚养费")
    saved = backups.backup_now(home / "station.sqlite3", home / "backups")
    db_file = home / "station.sqlite3"

    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(open(saved, "rb").read())
    for off in range(8192, len(data) - 4096, 4096):
        data[off:off + 64] = b"\xa5" * 64
    damaged.write_bytes(bytes(data))

    not_sqlite = tmp_path / "notes.sqlite3"
    not_sqlite.write_text("村委会会议记录", encoding="utf-8")

    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()

    other_home = tmp_path / "s02"
    _init(other_home, "S02", "大王庄村")
    other_station = backups.backup_now(other_home / "station.sqlite3", other_home / "backups")

    before = _sha(db_file)
    before_backups = sorted(p.name for p in (home / "backups").iterdir())
    cases = [(damaged, "已损坏"), (not_sqlite, "不是本程序的数据库备份"), (other, "不是本程序的数据库备份"),
             (other_station, "另一个站点")]
    for bad, message in cases:
        r = cli("backup", "restore", str(bad), data_dir=home)
        assert r.returncode == 1, (bad, r.stdout, r.stderr)
        assert message in r.stderr and "未恢复" in r.stderr and str(bad) in r.stderr
        assert _sha(db_file) == before
        assert sorted(p.name for p in (home / "backups").iterdir()) == before_backups  # nothing set aside
    r = cli("backup", "restore", str(tmp_path / "missing.sqlite3"), data_dir=home)
    assert r.returncode == 2 and "备份文件" in r.stderr
    assert _records(home) == ["抚养费"]


def test_restore_replaces_a_damaged_database(station, tmp_path):
    cs.record_consultation(station, "a", GOOD)
    saved = backups.backup_now(station.paths.database, station.paths.backups)
    for i in range(30):
        cs.record_consultation(station, "a", {**GOOD, "summary": "邻里纠纷" * 30 + str(i)})
    paths = station.paths
    station.close()
    data = bytearray(paths.database.read_bytes())
    for off in range(8192, len(data) - 4096, 4096):
        data[off:off + 64] = b"\xa5" * 64
    paths.database.write_bytes(bytes(data))

    done = backups.restore(paths.database, paths.backups, saved)
    assert integrity_check(paths.database) == []
    # The damaged bytes are kept as they were, for whoever investigates.
    assert done.aside is not None and done.aside.read_bytes() == bytes(data)
    from station_app.services.base import StationDB

    with StationDB.open(paths) as db:
        assert len(cs.list_consultations(db)) == 1


def test_check_exit_codes(tmp_path, cli):
    home = tmp_path / "s01"
    _init(home)
    _add(home, "抚养费")
    db_file = home / "station.sqlite3"
    con = sqlite3.connect(db_file)
    with con:
        con.execute("UPDATE local_state SET counter = 0")  # as if an old file had been copied over by hand
    con.close()
    r = cli("check", "--json", data_dir=home)
    assert r.returncode == 1, r.stdout + r.stderr
    report = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
    assert not report["counter"]["ok"] and report["integrity_check"]["ok"] and report["migrations"]["ok"]

    db_file.write_bytes(b"\x00" * 100 + db_file.read_bytes()[100:])  # header gone
    r = cli("check", data_dir=home)
    assert r.returncode == 1
    assert "快速检查" in r.stdout and "异常" in r.stdout and "backup restore" in r.stdout
