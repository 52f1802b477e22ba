"""Shared fixtures: every test gets its own data directory; nothing touches the real user profile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from station_app import config
from station_app.core.codes import StationKind
from station_app.core.i18n import set_language
from tests.pg import (db_backend, pg_database, pg_server, pg_url, township_db_args,  # noqa: F401
                      township_db_url)


def pytest_generate_tests(metafunc):
    from tests.pg import generate_tests

    generate_tests(metafunc)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv(config.ENV_HOME, str(home))
    monkeypatch.setenv("STATION_APP_LANG", "zh_CN")
    monkeypatch.setenv("STATION_APP_USER", "tester")
    set_language("zh_CN")
    yield


@pytest.fixture
def make_station(tmp_path, request, db_backend):
    """make_station(code, name, kind=village) -> an opened StationDB in its own data directory. In the PostgreSQL
    run of a test marked both_databases (tests/pg.py) a township's database is a new PostgreSQL database."""
    from station_app.services.setup import init_installation

    opened = []

    def make(code: str = "S01", name: str = "小苏庄村", kind: StationKind = StationKind.VILLAGE):
        db_url = None
        if db_backend == "postgresql" and kind == StationKind.CENTRE:
            db_url = request.getfixturevalue("pg_database")()
        db = init_installation(config.resolve(tmp_path / code), kind=kind, code=code, name=name, actor="tester",
                               db_url=db_url)
        # The acting user of tests (STATION_APP_USER, `--user tester`) is a real account: roles are enforced.
        _ensure_tester(db)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.close()


def _ensure_tester(db) -> None:
    from sqlalchemy import select

    from station_app.services.users import add_user
    from station_app.store.models import User

    with db.read() as s:
        if s.execute(select(User).where(User.login == "tester")).scalar_one_or_none() is not None:
            return
    add_user(db, login="tester", display_name="测试员", role="管理员", password="tester-password-1")


@pytest.fixture
def station(make_station):
    return make_station()


@pytest.fixture
def township(make_station):
    return make_station("T00", "小王庄镇公共法律服务中心", StationKind.CENTRE)


def run_cli(*args: str, data_dir: Path | None = None, input: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m station_app ...` in a subprocess, as township staff's scripts would (smoke tests only)."""
    cmd = [sys.executable, "-m", "station_app"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(cmd + list(args), capture_output=True, text=True, encoding="utf-8", input=input,
                          env=full_env, timeout=300)


def call_cli(*args: str, data_dir: Path | None = None, input: str | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `station-app ...` in this process: same arguments and result shape as run_cli, without the 1-2 s start."""
    from tests.cli_runner import call

    argv = (["--data-dir", str(data_dir)] if data_dir is not None else []) + list(args)
    return call(argv, input=input, env=env)


@pytest.fixture
def cli():
    return call_cli


@pytest.fixture
def cli_subprocess():
    return run_cli
