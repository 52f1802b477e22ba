"""The opening quick_check run beside start-up (StationDB.open(background_check=True), the GUI's way): a sound file
opens and takes writes; a damaged one is refused before any write, backup or migration; an old installation still
migrates (after a sound verdict), and opening one at head never imports Alembic."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station_app import config
from station_app.services import consultations as cs
from station_app.services.base import StationDB
from station_app.store import db as store_db
from station_app.store import integrity
from station_app.store.integrity import BackgroundCheck

GOOD = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "consultant_name": "张三", "phone": "13812341234",
        "category": "婚姻家庭", "summary": "离婚后孩子抚养费如何计算"}
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v0.1.0" / "s01"


def _damage(path: Path, *, schema_too: bool = True) -> None:
    """Overwrite the start of pages the way a failing disk would: all but the first two pages, or (schema_too=False)
    only the pages the records grew into after the schema's, so the schema still reads and opening succeeds."""
    con = sqlite3.connect(path)
    try:
        first = 2 if schema_too else con.execute("SELECT max(rootpage) FROM sqlite_master").fetchone()[0] + 1
        page = con.execute("PRAGMA page_size").fetchone()[0]
    finally:
        con.close()
    data = bytearray(path.read_bytes())
    assert len(data) > (first + 2) * page
    for off in range(first * page, len(data), page):
        data[off:off + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


def _filled(station) -> config.Paths:
    for i in range(30):
        cs.record_consultation(station, "tester", {**GOOD, "summary": "宅基地边界纠纷" * 20 + str(i)})
    paths = station.paths
    station.close()  # checkpoints the WAL into the file
    return paths


def test_sound_database_opens_and_takes_writes(station):
    paths = _filled(station)
    db = StationDB.open(paths, background_check=True)
    try:
        db.require_sound()
        assert cs.record_consultation(db, "tester", GOOD).counter > 0
    finally:
        db.close()


def test_damaged_database_refuses_every_write(station):
    paths = _filled(station)
    _damage(paths.database, schema_too=False)
    assert store_db.quick_check(paths.database) != []
    before = paths.database.read_bytes()
    db = StationDB.open(paths, background_check=True)  # the schema reads: opening does not wait for the verdict
    try:
        with pytest.raises(store_db.DatabaseError, match="已损坏") as e:
            cs.record_consultation(db, "tester", GOOD)
        assert str(paths.database) in str(e.value) and "backup restore" in str(e.value)
        with pytest.raises(store_db.DatabaseError, match="已损坏"):
            db.require_sound()
    finally:
        db.close()
    assert paths.database.read_bytes() == before  # nothing was written


def test_application_verify_and_daily_backup_wait_for_the_verdict(station):
    from station_app.app import Application

    paths = _filled(station)
    _damage(paths.database, schema_too=False)
    app = Application.open(paths, login="tester", backup=False, check_in_background=True)
    try:
        with pytest.raises(store_db.DatabaseError, match="已损坏"):
            app.verify()
        with pytest.raises(store_db.DatabaseError, match="已损坏"):
            app.daily_backup()
        with pytest.raises(store_db.DatabaseError, match="已损坏"):
            app.backups.now()
    finally:
        app.close()
    assert not list(paths.backups.glob("daily-*")) and not list(paths.backups.glob("backup-*"))


def _old_installation(tmp_path: Path) -> config.Paths:
    dest = tmp_path / "s01"
    shutil.copytree(FIXTURE, dest)
    keys = dest / "keys"
    if keys.is_dir():
        keys.chmod(0o700)
        for f in keys.iterdir():
            f.chmod(0o600)
    return config.resolve(dest)


def test_old_installation_is_not_at_head_and_still_migrates(tmp_path):
    paths = _old_installation(tmp_path)
    engine = store_db.make_engine(paths.database)
    try:
        assert store_db.current_revision(engine) != store_db.head_revision()
    finally:
        engine.dispose()
    migrated: list[tuple] = []
    db = StationDB.open(paths, background_check=True, migrate=lambda cur, head: migrated.append((cur, head)))
    try:
        assert migrated and migrated[0][1] == store_db.head_revision()
        assert store_db.current_revision(db.engine) == store_db.head_revision()
        assert list(paths.backups.glob("pre-migrate-*.sqlite3"))
    finally:
        db.close()


@pytest.mark.parametrize("schema_too", [True, False])
def test_damaged_old_installation_is_neither_backed_up_nor_migrated(tmp_path, schema_too):
    paths = _old_installation(tmp_path)
    _damage(paths.database, schema_too=schema_too)
    before = paths.database.read_bytes()
    with pytest.raises(store_db.DatabaseError, match="已损坏"):
        StationDB.open(paths, background_check=True)
    assert not list(paths.backups.glob("pre-migrate-*"))
    assert paths.database.read_bytes() == before


def test_a_file_too_damaged_to_read_is_refused_at_open(station):
    paths = _filled(station)
    _damage(paths.database)
    with pytest.raises(store_db.DatabaseError, match="已损坏"):
        StationDB.open(paths, background_check=True)


def test_a_check_never_started_never_starts_after_closing(station):
    paths = _filled(station)
    db = StationDB.open(paths, background_check=True)
    check = db._check
    assert check is not None and not check.started  # opening did not wait for it, nor start it
    db.close()
    assert not check.started and check.wait()  # no verdict: nothing may be written on its word


def test_closing_stops_a_running_check(station, monkeypatch):
    paths = _filled(station)
    holder: dict[str, BackgroundCheck] = {}
    real_connect = integrity.sqlite3.connect

    def late_connect(*args, **kwargs):  # the check gets going only once closing has begun
        while "check" not in holder or not holder["check"]._cancelled:
            time.sleep(0.001)
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(integrity.sqlite3, "connect", late_connect)
    check = holder["check"] = BackgroundCheck(paths.database)
    check.cancel()
    assert check.done
    assert check.wait() == ["数据库检查未完成就被中止了"]  # stopped: no verdict, nothing may be written on its word


def test_opening_at_head_imports_no_alembic(station):
    paths = station.paths
    station.close()
    code = ("import sys; from station_app import config; from station_app.services.base import StationDB; "
            f"db = StationDB.open(config.resolve({str(paths.root)!r}), background_check=True); db.require_sound(); "
            "db.close(); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr
