"""A township database on PostgreSQL (issue 14): migrations, the stored URL, refusals, masking."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from station_app import config
from station_app.core.codes import StationKind
from station_app.core.errors import ValidationError
from station_app.store import db as store_db
from station_app.store.dburl import mask, normalise
from tests.store.test_db_lifecycle import _diffs

pytestmark = pytest.mark.postgres


def test_migrations_reach_head_on_postgres(pg_database):
    url = pg_database(migrated=False)
    engine = store_db.open_database(None, None, create=True, url=url)
    try:
        assert store_db.current_revision(engine) == store_db.head_revision()
        with engine.connect() as c:
            fks = c.exec_driver_sql("SELECT count(*), bool_and(condeferrable) FROM pg_constraint "
                                    "WHERE contype = 'f'").one()
            indexes = {r[0] for r in c.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'consultations'")}
        assert fks[0] > 10 and fks[1] is True  # every foreign key can be deferred to commit, as on SQLite
        assert {f"ix_consultations_search_{c}" for c in
                ("consultant_name", "phone", "address", "summary", "answer")} <= indexes
        assert _real_diffs(engine) == []  # the models match the migrations on PostgreSQL too
    finally:
        engine.dispose()


def _fk_key(fk) -> tuple:
    return (fk.parent.name, tuple(c.name for c in fk.columns),
            tuple(e.target_fullname for e in fk.elements), fk.name)


def _real_diffs(engine) -> list:
    """The models-vs-migrations differences, less the foreign keys that differ only in being DEFERRABLE: migration
    0011 makes them so on PostgreSQL (the models leave deferral to the write transaction)."""
    diffs = _diffs(engine)
    removed = {_fk_key(d[1]) for d in diffs if isinstance(d, tuple) and d[0] == "remove_fk" and d[1].deferrable}
    added = {_fk_key(d[1]) for d in diffs if isinstance(d, tuple) and d[0] == "add_fk" and not d[1].deferrable}
    same = removed & added
    return [d for d in diffs if not (isinstance(d, tuple) and d[0] in ("remove_fk", "add_fk")
                                     and _fk_key(d[1]) in same)]


def test_the_models_check_on_postgres_still_sees_a_drift(pg_url):
    engine = store_db.make_engine(pg_url)
    try:
        with engine.begin() as c:
            c.exec_driver_sql("ALTER TABLE consultations ADD COLUMN stray TEXT")
            c.exec_driver_sql("ALTER TABLE consultations DROP CONSTRAINT fk_consultations_adviser_id_advisers")
        kinds = {(d[0], getattr(d[-1], "name", None)) for d in _real_diffs(engine) if isinstance(d, tuple)}
    finally:
        engine.dispose()
    assert ("remove_column", "stray") in kinds
    assert ("add_fk", "fk_consultations_adviser_id_advisers") in kinds


def test_init_township_with_db_url_keeps_the_url_in_the_data_dir(cli, tmp_path, pg_url):
    from sqlalchemy.engine import make_url

    secret_url = make_url(pg_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    home = tmp_path / "hub"
    r = cli("init", "township", "--code", "T00", "--name", "小王庄镇", "--db-url", secret_url, "--json",
            data_dir=home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert "s3cret-pw" not in r.stdout + r.stderr and "***" in out["database"]
    assert json.loads((home / "database.json").read_text())["url"] == secret_url
    assert (home / "database.json").stat().st_mode & 0o077 == 0
    assert not (home / "station.sqlite3").exists()  # keys, photos, logs here; the records on the server
    assert (home / "keys").is_dir()
    r = cli("stations", "--json", data_dir=home)
    assert r.returncode == 0, r.stderr
    log = (home / "logs" / "station-app.log").read_text(encoding="utf-8")
    assert "s3cret-pw" not in log
    # Twice into the same database is refused, naming the database without its password.
    r = cli("init", "township", "--code", "T01", "--name", "另一个镇", "--db-url", secret_url, data_dir=tmp_path / "b")
    assert r.returncode == 2 and "s3cret-pw" not in r.stdout + r.stderr


def test_a_village_station_refuses_a_server_database(tmp_path, pg_url):
    from station_app.services.setup import init_installation

    with pytest.raises(ValidationError) as e:
        init_installation(config.resolve(tmp_path / "s"), kind=StationKind.VILLAGE, code="S01", name="小苏庄村",
                          db_url=pg_url)
    assert "SQLite" in str(e.value) or "服务器" in str(e.value)
    assert not (tmp_path / "s" / "database.json").exists()


def test_a_station_database_put_on_a_server_by_hand_is_refused(tmp_path, pg_url):
    from station_app.services.setup import init_installation
    from station_app.store.db import DatabaseError
    from station_app.store.stationdb import StationDB

    home = config.resolve(tmp_path / "s")
    init_installation(home, kind=StationKind.CENTRE, code="T00", name="小王庄镇", db_url=pg_url).close()
    # The database made into a village station's behind the program's back.
    engine = create_engine(pg_url, poolclass=NullPool)
    with engine.begin() as c:
        c.exec_driver_sql("UPDATE stations SET kind = 'village'")
    engine.dispose()
    with pytest.raises(DatabaseError) as e:
        StationDB.open(home)
    assert "SQLite" in str(e.value)


def test_unreachable_server_is_a_clear_message_without_the_password(tmp_path):
    from station_app.store.db import DatabaseError
    from station_app.store.stationdb import StationDB

    url = "postgresql+psycopg://hub:topsecret@127.0.0.1:1/township"
    with pytest.raises(DatabaseError) as e:
        StationDB.open(config.resolve(tmp_path / "x"), create=True, url=url)
    assert "topsecret" not in str(e.value) and "127.0.0.1" in str(e.value)


def test_urls_are_checked_and_masked():
    assert normalise("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert mask("postgresql+psycopg://u:pw@h/db") == "postgresql+psycopg://u:***@h/db"
    for bad in ("mysql://u@h/db", "postgresql+psycopg2://u@h/db", "postgresql://u@h", "not a url"):
        with pytest.raises(ValidationError):
            normalise(bad)


def test_a_damaged_database_setting_is_named_not_ignored(cli, tmp_path):
    home = tmp_path / "t00"
    home.mkdir()
    (home / "database.json").write_text("{not json")
    r = cli("stats", "--year", "2021", data_dir=home)
    assert r.returncode != 0 and "database.json" in r.stdout + r.stderr
    r = cli("check", "--json", data_dir=home)
    assert r.returncode != 0 and "database.json" in r.stdout + r.stderr
    assert not (home / "station.sqlite3").exists()  # no empty SQLite database made in its place


@pytest.mark.skipif(not os.environ.get("STATION_APP_TEST_PG_URL"), reason="PostgreSQL tests need "
                    "STATION_APP_TEST_PG_URL (its server binaries too)")
def test_the_password_comes_from_pgpassword_and_is_never_stored(cli, tmp_path, monkeypatch):
    # A server of its own with password authentication (the shared test server trusts everyone).
    script = Path(__file__).resolve().parents[2] / "scripts" / "pg_cluster.sh"
    cluster = tempfile.mkdtemp(prefix="station-app-pgpw.")
    os.chmod(cluster, 0o755)  # the server's own user (postgres, when run as root) must reach it
    try:
        started = subprocess.run(["bash", str(script), "start", cluster], capture_output=True, text=True,
                                 env={**os.environ, "PG_PASSWORD": "Pw-4711-secret"}, timeout=120)
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert "Pw-4711" not in url
        home = tmp_path / "hub"
        monkeypatch.delenv("PGPASSWORD", raising=False)
        monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
        r = cli("init", "township", "--code", "T00", "--name", "小王庄镇", "--db-url", url, data_dir=home)
        assert r.returncode != 0 and "password" in (r.stdout + r.stderr).lower()
        assert not (home / "database.json").exists()
        monkeypatch.setenv("PGPASSWORD", "Pw-4711-secret")
        r = cli("init", "township", "--code", "T00", "--name", "小王庄镇", "--db-url", url, data_dir=home)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "Pw-4711" not in (home / "database.json").read_text()
        assert cli("stats", "--year", "2021", data_dir=home).returncode == 0
        assert cli("check", data_dir=home).returncode == 0
        monkeypatch.delenv("PGPASSWORD")
        r = cli("stats", "--year", "2021", data_dir=home)
        assert r.returncode != 0 and "password" in (r.stdout + r.stderr).lower()
    finally:
        subprocess.run(["bash", str(script), "stop", cluster], capture_output=True, timeout=120)
        shutil.rmtree(cluster, ignore_errors=True)


def test_an_account_without_rights_gets_a_clear_message_and_nothing_changes(cli, tmp_path, pg_database, pg_server):
    from sqlalchemy.engine import make_url

    url = pg_database(migrated=False)
    name = make_url(url).database
    with pg_server.admin.connect() as c:
        c.exec_driver_sql("DROP ROLE IF EXISTS station_app_limited")
        c.exec_driver_sql("CREATE ROLE station_app_limited LOGIN")
        c.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{name}" TO station_app_limited')
    try:
        limited = make_url(url).set(username="station_app_limited").render_as_string(hide_password=False)
        r = cli("init", "township", "--code", "T00", "--name", "小王庄镇", "--db-url", limited,
                data_dir=tmp_path / "hub")
        assert r.returncode == 2, r.stdout + r.stderr
        assert "permission denied" in r.stdout + r.stderr and "Traceback" not in r.stderr
        assert not (tmp_path / "hub" / "database.json").exists()
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as c:  # the migration ran in one transaction: no half-made schema
            assert c.exec_driver_sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").scalar() == 0
        engine.dispose()
    finally:
        with pg_server.admin.connect() as c:
            c.exec_driver_sql(f'REVOKE ALL ON DATABASE "{name}" FROM station_app_limited')
            pg_server.drop(name)
            c.exec_driver_sql("DROP ROLE IF EXISTS station_app_limited")


def test_without_the_driver_a_server_database_says_what_to_install(tmp_path, monkeypatch):
    import sys

    from station_app.store.db import DatabaseError
    from station_app.store.stationdb import StationDB

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as on a PC without the hub extra
    with pytest.raises(DatabaseError) as e:
        StationDB.open(config.resolve(tmp_path / "x"), create=True, url="postgresql+psycopg://hub:pw@db.example/t")
    assert "station_app[hub]" in str(e.value) and "pw@" not in str(e.value)
