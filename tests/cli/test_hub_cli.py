"""The township on the command line with its database on SQLite or on PostgreSQL (issue 14): init, records,
search, stats --json, check and backup."""

from __future__ import annotations

import json
import subprocess

import pytest

from station_app.store.pgcheck import find_tool

CONSULTS = [
    ("2021-03-05 09:30", "张伟", "13812345678", "婚姻家庭", "离婚后子女抚养费如何计算"),
    ("2021-04-01 10:00", "王小明", "13900001111", "相邻关系", "邻居院墙排水纠纷"),
    ("2021-05-20 15:00", "李张伟", "02155500000", "合同", "借款合同未还"),
]


def _township(cli, home, db_args):
    r = cli("init", "township", "--code", "T00", "--name", "小王庄镇公共法律服务中心", *db_args, data_dir=home)
    assert r.returncode == 0, r.stderr
    for at, name, phone, category, summary in CONSULTS:
        r = cli("consult", "add", "--at", at, "--channel", "来访", "--name", name, "--phone", phone,
                "--category", category, "--summary", summary, data_dir=home)
        assert r.returncode == 0, r.stderr


@pytest.mark.both_databases
def test_township_records_search_stats_and_check(cli, tmp_path, township_db_args):
    home = tmp_path / "t00"
    _township(cli, home, township_db_args)
    found = json.loads(cli("consult", "list", "--search", "张伟", "--json", data_dir=home).stdout)
    assert sorted(r["category"] for r in found) == ["合同", "婚姻家庭"]
    found = json.loads(cli("consult", "list", "--search", "5678", "--json", data_dir=home).stdout)
    assert [r["category"] for r in found] == ["婚姻家庭"]
    stats = json.loads(cli("stats", "--year", "2021", "--as-of", "2022-01-05", "--json", data_dir=home).stdout)
    assert stats["consultations"]["total"] == 3
    r = cli("check", "--json", data_dir=home)
    assert r.returncode == 0, r.stdout + r.stderr
    checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
    assert checks["migrations"]["ok"] and checks["search_index"]["ok"] and checks["counter"]["ok"]
    if township_db_args:
        assert "server" in checks and not (home / "station.sqlite3").exists()


@pytest.mark.postgres
def test_check_on_postgres_names_what_is_wrong(cli, tmp_path, pg_url):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    home = tmp_path / "t00"
    _township(cli, home, ["--db-url", pg_url])
    engine = create_engine(pg_url, poolclass=NullPool)
    with engine.begin() as c:
        c.exec_driver_sql("DROP INDEX ix_consultations_search_phone")
        c.exec_driver_sql("UPDATE local_state SET counter = 1")
    engine.dispose()
    r = cli("check", "--json", data_dir=home)
    assert r.returncode == 1
    checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
    assert not checks["search_index"]["ok"] and "phone" in checks["search_index"]["detail"]
    assert not checks["counter"]["ok"]
    # The search still answers (without the index, by a scan).
    found = json.loads(cli("consult", "list", "--search", "5678", "--json", data_dir=home).stdout)
    assert len(found) == 1


@pytest.mark.postgres
def test_check_of_an_unreachable_server_is_a_clear_failure(cli, tmp_path, pg_url):
    home = tmp_path / "t00"
    _township(cli, home, ["--db-url", pg_url])
    (home / "database.json").write_text(json.dumps({"url": "postgresql+psycopg://hub:pw-xyz@127.0.0.1:1/nowhere"}))
    r = cli("check", data_dir=home)
    assert r.returncode == 1
    assert "127.0.0.1" in r.stdout and "pw-xyz" not in r.stdout + r.stderr
    r = cli("stats", "--year", "2021", data_dir=home)
    assert r.returncode != 0 and "127.0.0.1" in r.stdout + r.stderr and "pw-xyz" not in r.stdout + r.stderr


@pytest.mark.postgres
def test_backup_on_postgres_is_a_pg_dump_and_restore_is_refused(cli, tmp_path, pg_url):
    if find_tool("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    home = tmp_path / "t00"
    _township(cli, home, ["--db-url", pg_url])
    r = cli("backup", "now", "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    dump = json.loads(r.stdout)["path"]
    assert dump.endswith(".dump") and (home / "backups" / dump.rsplit("/", 1)[1]).stat().st_mode & 0o077 == 0
    listing = subprocess.run([find_tool("pg_restore"), "--list", dump], capture_output=True, text=True)
    assert listing.returncode == 0 and "consultations" in listing.stdout
    assert not list((home / "backups").glob("*.sqlite3"))  # the SQLite backup code never ran
    rows = json.loads(cli("backup", "list", "--json", data_dir=home).stdout)
    assert [r["path"] for r in rows] == [dump]
    r = cli("backup", "restore", dump, data_dir=home)
    assert r.returncode == 1 and "pg_restore" in r.stdout + r.stderr
    assert cli("consult", "list", "--json", data_dir=home).returncode == 0
