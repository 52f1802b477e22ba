"""The command line's front door: global options anywhere, Chinese argparse, exit codes, the log, lazy start-up."""

from __future__ import annotations

import argparse
import errno
import importlib
import json
import subprocess
import sys

import pytest

from station_app.cli import COMMANDS, MODULES
from station_app.core.i18n import _, set_language


@pytest.fixture
def home(station_dir):
    return station_dir


def test_json_before_or_after_the_command(cli, home):
    before = cli("--json", "stations", data_dir=home)
    after = cli("stations", "--json", data_dir=home)
    assert before.returncode == after.returncode == 0, (before.stderr, after.stderr)
    assert json.loads(before.stdout) == json.loads(after.stdout) == {"stations": [], "revoked": []}


def test_data_dir_lang_and_user_after_the_command(cli, home):
    r = cli("stations", "--lang", "en", "--data-dir", str(home), "--user", "admin")
    assert r.returncode == 0, r.stderr
    assert "fingerprint" in r.stdout
    # a value given before the command is not overwritten by the subcommand's default
    r = cli("--lang", "en", "--data-dir", str(home), "bundle", "status", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["exported"] == []


def test_mistyped_data_dir_creates_nothing(cli, tmp_path):
    wrong = tmp_path / "typo" / "station"
    r = cli("consult", "list", data_dir=wrong)
    assert r.returncode == 2
    assert "station-app init" in r.stderr and str(wrong) in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "typo").exists()


def test_usage_errors_in_chinese_and_english(cli, home):
    r = cli("consult", "add", "--at", "2021-03-05 09:30", data_dir=home)
    assert r.returncode == 2
    assert "用法：" in r.stderr and "错误：缺少必填参数" in r.stderr and "usage:" not in r.stderr
    r = cli("--lang", "en", "consult", "add", data_dir=home)
    assert r.returncode == 2
    assert "usage:" in r.stderr and "the following arguments are required" in r.stderr
    r = cli("stationz", data_dir=home)
    assert r.returncode == 2 and "无效的选择" in r.stderr and "'stations'" in r.stderr


def test_help_in_chinese_lists_allowed_values(cli, home):
    r = cli("consult", "add", "--help")
    assert r.returncode == 0
    assert "用法：" in r.stdout and "通用选项" in r.stdout
    for channel in ("来访", "电话", "微信", "普法活动现场"):
        assert channel in r.stdout
    r = cli("ledger", "import", "--help")
    assert "可选值" in r.stdout or "consultation" in r.stdout


def test_every_option_of_a_code_table_lists_its_values():
    from station_app.cli import build_parser
    from station_app.cli.parser import _code_table

    parser = build_parser("*")
    checked = 0
    for p in _all_parsers(parser):
        for a in p._actions:
            table = _code_table(a.dest, p.prog) if a.option_strings else None
            if table is not None:
                checked += 1
                assert all(v in (a.help or "") for v in table.values()), (p.prog, a.option_strings, a.help)
            if a.choices and a.option_strings:
                assert all(str(c) in (a.help or "") for c in a.choices), (p.prog, a.option_strings)
    assert checked >= 5


def _all_parsers(p: argparse.ArgumentParser):
    yield p
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            for sub in a.choices.values():
                yield from _all_parsers(sub)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_command_table_matches_the_modules(lang):
    """`--help` lists COMMANDS without importing the modules; they must agree with what the modules register."""
    set_language(lang)
    registered = {}
    for module in set(MODULES) | {m for m, _h in COMMANDS.values()}:
        p = argparse.ArgumentParser()
        sub = p.add_subparsers()
        importlib.import_module(module).register(sub)
        for a in sub._choices_actions:
            registered[a.dest] = (module, a.help)
    assert set(registered) == set(COMMANDS)
    for name, (module, help_text) in registered.items():
        assert COMMANDS[name][0] == module, name
        assert _(COMMANDS[name][1]) == help_text, name


def test_export_to_a_missing_folder_exits_1_without_writing(cli, home, tmp_path):
    out = tmp_path / "usb-stick-not-plugged-in" / "2021.xlsx"
    r = cli("ledger", "export", "--kind", "consultation", "--year", "2021", "--out", str(out), data_dir=home)
    assert r.returncode == 1
    assert "U盘" in r.stderr and "Traceback" not in r.stderr
    assert not out.parent.exists()
    r = cli("identity", "export", "--out", str(tmp_path / "gone" / "card.json"), data_dir=home)
    assert r.returncode == 1 and not (tmp_path / "gone").exists()


def test_a_full_disk_exits_1_with_a_sentence(cli, home, tmp_path, monkeypatch):
    from station_app.sync import identity

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "card.json"))

    monkeypatch.setattr(identity, "write_atomic", full)
    r = cli("identity", "export", "--out", str(tmp_path / "card.json"), data_dir=home)
    assert r.returncode == 1
    assert "磁盘已满" in r.stderr and "Traceback" not in r.stderr


def test_unexpected_error_gives_a_sentence_and_the_log_path(cli, home, monkeypatch):
    from station_app.cli import sync_cmds

    def boom(args, ctx):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(sync_cmds, "_stations", boom)
    r = cli("stations", data_dir=home)
    assert r.returncode == 1
    log = home / "logs" / "station-app.log"
    assert str(log) in r.stderr and "Traceback" not in r.stderr and "RuntimeError" in r.stderr
    assert "something nobody foresaw" in log.read_text(encoding="utf-8")
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_library_warnings_go_to_the_log_not_the_terminal(cli, home, monkeypatch):
    import logging

    from station_app.cli import sync_cmds

    real = sync_cmds._stations

    def warn_then_run(args, ctx):
        logging.getLogger("station_app.sync.merge").warning("fork flagged for station S01 bundle 3: test")
        return real(args, ctx)

    monkeypatch.setattr(sync_cmds, "_stations", warn_then_run)
    r = cli("stations", data_dir=home)
    assert r.returncode == 0
    assert "WARNING" not in r.stderr and "station_app.sync.merge" not in r.stderr
    assert "fork flagged" in (home / "logs" / "station-app.log").read_text(encoding="utf-8")


def test_station_error_is_bad_input_unless_it_says_otherwise(cli, home, monkeypatch):
    from station_app.cli import sync_cmds
    from station_app.core.errors import StationError

    class Refused(StationError):
        exit_code = 1

    def refuse(args, ctx):
        raise Refused("拒绝")

    monkeypatch.setattr(sync_cmds, "_stations", refuse)
    assert cli("stations", data_dir=home).returncode == 1

    from station_app.sync.results import BundleRefused

    def refuse_bundle(args, ctx):
        raise BundleRefused("拒绝导入")

    monkeypatch.setattr(sync_cmds, "_stations", refuse_bundle)
    r = cli("stations", data_dir=home)
    assert r.returncode == 1 and "拒绝导入" in r.stderr


def test_access_log_shows_a_reveal(cli, home):
    added = cli("consult", "add", "--at", "2021-03-05 09:30", "--channel", "来访", "--name", "张三",
                "--phone", "13812345678", "--category", "婚姻家庭", "--summary", "离婚财产", "--json", data_dir=home)
    assert added.returncode == 0, added.stderr
    cid = json.loads(added.stdout)["changes"][0]["id"]
    assert cli("consult", "show", cid, "--reveal", data_dir=home).returncode == 0
    r = cli("access-log", "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["total"] == 1 and data["entries"][0]["action"] == "reveal"
    # Without --user the installation's administrator acts (the OS account is logged beside it).
    assert data["entries"][0]["record_id"] == cid and data["entries"][0]["actor"] == "admin"
    text = cli("access-log", data_dir=home).stdout
    assert "reveal" in text and "admin" in text


# -- a few real subprocesses: the installed entry point, start-up imports ------------------------------------------
PROBE = """
import sys
from station_app.cli import main
for argv in (["--version"], ["--help"], []):
    try:
        main(argv)
    except SystemExit:
        pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "openpyxl", "reportlab"))
print("HEAVY", heavy, file=sys.stderr)
"""


def test_version_and_help_do_not_import_sqlalchemy():
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    assert "HEAVY []" in r.stderr
    from station_app import __version__

    assert f"station-app {__version__}" in r.stdout and "用法：" in r.stdout


def test_subprocess_smoke(cli_subprocess, tmp_path):
    d = tmp_path / "s01"
    r = cli_subprocess("init", "station", "--code", "S01", "--name", "小苏庄村", data_dir=d)
    assert r.returncode == 0, r.stderr
    r = cli_subprocess("stations", "--json", data_dir=d)
    assert r.returncode == 0 and json.loads(r.stdout)["stations"] == []
    r = cli_subprocess("consult", "add", data_dir=d)
    assert r.returncode == 2 and "错误" in r.stderr and "Traceback" not in r.stderr


def test_every_option_and_argument_has_help():
    from station_app.cli import build_parser

    missing = [(p.prog, a.dest) for p in _all_parsers(build_parser("*")) for a in p._actions
               if not a.help and not isinstance(a, argparse._SubParsersAction)]
    assert missing == []  # give the option a help= text, or its dest a line in cli/parser.py DEFAULT_HELP


def test_a_locked_database_exits_1_with_a_sentence(cli, home, monkeypatch):
    import sqlite3

    from station_app.store import db as store_db

    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(home / "station.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")  # another station-app in the middle of an import
        r = cli("adviser", "add", "--name", "王明", data_dir=home)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert r.returncode == 1, r.stderr
    assert "锁定" in r.stderr and "Traceback" not in r.stderr
    assert cli("adviser", "add", "--name", "王明", data_dir=home).returncode == 0


def test_usage_errors_as_json_with_json(cli, home):
    r = cli("consult", "add", "--json", data_dir=home)
    assert r.returncode == 2
    err = json.loads(r.stderr)
    assert "--channel" in err["error"] and err["usage"].startswith("用法：station-app consult add")


def test_access_log_filters(cli, home):
    assert cli("access-log", "--since", "2000-01-01", "--by", "nobody-at-all", "--json", data_dir=home).returncode == 0
    r = cli("access-log", "--since", "2000-13-45", data_dir=home)
    assert r.returncode == 2 and "Traceback" not in r.stderr
