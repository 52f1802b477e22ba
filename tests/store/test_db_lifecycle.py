"""Database life cycle: pragmas, creation at head, models vs migrations, pre-migration backup, damaged files,
the change counter across restarts, history on update and delete."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from station_app import config
from station_app.services import consultations as cs
from station_app.services.base import StationDB
from station_app.store import db as store_db
from station_app.store.models import Base, Consultation, RecordHistory

GOOD = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "consultant_name": "张三", "phone": "13812341234",
        "category": "婚姻家庭", "summary": "离婚后孩子抚养费如何计算"}


def test_pragmas_on_every_connection(tmp_path):
    engine = store_db.open_database(tmp_path / "a.sqlite3", tmp_path / "backups", create=True)
    try:
        # Hold two connections at once so the pool must open a second one: each gets the pragmas.
        with engine.connect() as c1, engine.connect() as c2:
            for c in (c1, c2):
                assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
                assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == store_db.BUSY_TIMEOUT_MS
            assert c1.connection.dbapi_connection is not c2.connection.dbapi_connection
    finally:
        engine.dispose()


def test_new_database_is_created_at_head(tmp_path):
    path = tmp_path / "new.sqlite3"
    engine = store_db.open_database(path, tmp_path / "backups", create=True)
    try:
        assert store_db.current_revision(engine) == store_db.head_revision()
        with engine.connect() as c:
            names = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert set(Base.metadata.tables) <= names
        assert "consultation_search" in names
    finally:
        engine.dispose()
    assert not (tmp_path / "backups").exists() or not list((tmp_path / "backups").iterdir())  # nothing to back up


def test_missing_database_is_refused_without_create(tmp_path):
    with pytest.raises(store_db.DatabaseError, match="station-app init"):
        store_db.open_database(tmp_path / "none.sqlite3", tmp_path / "backups")
    assert not (tmp_path / "none.sqlite3").exists()


def _diffs(engine) -> list:
    """compare_metadata run inside the project's own env.py, so its include_object filter and options apply."""
    cfg = store_db.alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    found: list = []

    def compare(_rev, context):
        found.extend(compare_metadata(context, Base.metadata))
        return []  # no migration steps: env.py's run_migrations() then does nothing

    with EnvironmentContext(cfg, script, fn=compare):
        script.run_env()
    return found


def test_models_match_migrations(tmp_path):
    """Fails when a model changes without a migration (or a migration without its model)."""
    engine = store_db.open_database(tmp_path / "m.sqlite3", tmp_path / "backups", create=True)
    try:
        diffs = _diffs(engine)
    finally:
        engine.dispose()
    assert diffs == [], "models and migrations disagree; write a migration:\n" + "\n".join(map(str, diffs))


def test_models_vs_migrations_check_sees_a_drift(tmp_path):
    # The comparison above must not be vacuous: a column the models lack, and a missing index, are both reported.
    engine = store_db.open_database(tmp_path / "d.sqlite3", tmp_path / "backups", create=True)
    try:
        with engine.begin() as c:
            c.exec_driver_sql("ALTER TABLE consultations ADD COLUMN stray TEXT")
            c.exec_driver_sql("DROP INDEX ix_consultations_occurred_at")
            # The search index is managed outside the ORM and must stay filtered out.
            c.exec_driver_sql("INSERT INTO consultation_search(consultation_search) VALUES('optimize')")
        diffs = _diffs(engine)
    finally:
        engine.dispose()
    kinds = {(d[0], getattr(d[-1], "name", None)) for d in diffs if isinstance(d, tuple)}
    assert ("remove_column", "stray") in kinds
    assert ("add_index", "ix_consultations_occurred_at") in kinds
    assert not any("consultation_search" in str(d) for d in diffs)


def test_old_database_is_backed_up_before_migrating(tmp_path):
    path = tmp_path / "old.sqlite3"
    backups = tmp_path / "backups"
    engine = store_db.make_engine(path)
    command.upgrade(store_db.alembic_config(engine), "0001_initial")
    with engine.begin() as c:
        c.exec_driver_sql("INSERT INTO access_log(at, actor, action) VALUES ('2021-01-01 00:00:00', 'old', 'login')")
    engine.dispose()
    assert store_db.head_revision() != "0001_initial"

    engine = store_db.open_database(path, backups)
    try:
        assert store_db.current_revision(engine) == store_db.head_revision()
    finally:
        engine.dispose()
    made = list(backups.glob("pre-migrate-0001_initial-*.sqlite3"))
    assert len(made) == 1
    copy = made[0]
    assert store_db.integrity_check(copy) == []
    con = sqlite3.connect(copy)
    try:
        # The copy is the database as it was before the upgrade, with its data.
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_initial"
        assert con.execute("SELECT actor FROM access_log").fetchall() == [("old",)]
    finally:
        con.close()
    assert not list(backups.glob("*.part"))

    # At head nothing more is backed up on later opens.
    store_db.open_database(path, backups).dispose()
    assert len(list(backups.glob("pre-migrate-*"))) == 1


def test_downgraded_database_is_backed_up_and_upgraded(station):
    paths = station.paths
    cs.record_consultation(station, "a", GOOD)
    station.close()
    engine = store_db.make_engine(paths.database)
    command.downgrade(store_db.alembic_config(engine), "0001_initial")
    engine.dispose()
    db = StationDB.open(paths)
    try:
        assert store_db.current_revision(db.engine) == store_db.head_revision()
        assert [r.consultant for r in cs.list_consultations(db)] == ["张*"]
    finally:
        db.close()
    assert len(list(paths.backups.glob("pre-migrate-0001_initial-*.sqlite3"))) == 1


def _damage(path):
    """Overwrite the middle of the file (not the header) the way a failing disk would."""
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    for off in range(2 * page, len(data) - page, page):
        data[off:off + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


def test_damaged_database_gives_a_clear_message(station):
    paths = station.paths
    for i in range(30):
        cs.record_consultation(station, "a", {**GOOD, "summary": "宅基地边界纠纷" * 20 + str(i)})
    station.close()  # checkpoints the WAL into the file
    for suffix in ("-wal", "-shm"):
        assert not (paths.root / ("station.sqlite3" + suffix)).exists()
    _damage(paths.database)
    assert store_db.quick_check(paths.database) != []
    with pytest.raises(store_db.DatabaseError) as e:
        StationDB.open(paths)
    msg = str(e.value)
    assert "已损坏" in msg and str(paths.database) in msg and "backup restore" in msg


def test_not_a_database_gives_a_clear_message(tmp_path):
    paths = config.resolve(tmp_path / "x")
    paths.ensure()
    paths.database.write_bytes(b"this is a spreadsheet, not a database" * 200)
    with pytest.raises(store_db.DatabaseError, match="已损坏"):
        StationDB.open(paths)
    assert paths.database.read_bytes().startswith(b"this is a spreadsheet")


def test_counter_monotonic_across_restarts(station):
    paths = station.paths
    seen: list[int] = [station.counter()]
    station.close()
    for round_ in range(5):
        db = StationDB.open(paths)
        try:
            assert db.counter() == seen[-1]  # survived the restart exactly
            for _ in range(3):
                seen.append(cs.record_consultation(db, "a", GOOD).counter)
            # A failed write takes no number that a committed one keeps.
            with pytest.raises(RuntimeError), db.write("a") as w:
                _ = w.counter
                raise RuntimeError("power cut simulated as an exception")
            assert db.counter() == seen[-1]
        finally:
            db.close()
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    db = StationDB.open(paths)
    try:
        with db.read() as s:
            stamped = s.execute(select(Consultation.counter)).scalars().all()
            history = s.execute(select(RecordHistory.counter)).scalars().all()
        assert len(stamped) == len(set(stamped)) == 15
        assert max(history) == db.counter()
    finally:
        db.close()


def test_history_kept_on_update_and_delete_across_restart(station):
    paths = station.paths
    cid = cs.record_consultation(station, "alice", GOOD).first("consultations")
    cs.update_consultation(station, "bob", cid, {"answer": "依据民法典第一千零八十五条", "phone": "13812341234"})
    station.close()
    db = StationDB.open(paths)
    try:
        cs.update_consultation(db, "bob", cid, {"category": "继承"})
        cs.delete_consultation(db, "carol", cid)
        with db.read() as s:
            c = s.get(Consultation, cid)
            assert c is not None and c.deleted  # a tombstone, not a removal
            rows = s.execute(select(RecordHistory).where(RecordHistory.record_id == cid)
                             .order_by(RecordHistory.counter)).scalars().all()
    finally:
        db.close()
    assert [(h.action, h.created_by) for h in rows] == [
        ("create", "alice"), ("update", "bob"), ("update", "bob"), ("delete", "carol")]
    assert rows[0].changes["summary"] == [None, GOOD["summary"]]
    assert rows[1].changes == {"answer": [None, "依据民法典第一千零八十五条"]}  # unchanged phone not recorded
    assert rows[2].changes == {"category": ["婚姻家庭", "继承"]}
    assert rows[3].changes == {"deleted": [False, True]}
    assert all(h.table_name == "consultations" for h in rows)


def test_health_check_reports_and_repairs(station):
    cs.record_consultation(station, "a", GOOD)
    path = station.paths.database
    assert all(i.ok for i in store_db.health_check(path))
    with station.engine.begin() as c:
        # Put the search index out of step with the records (as a crash in an old SQLite could).
        c.execute(text("INSERT INTO consultation_search(rowid, summary) VALUES (999, '不存在的记录内容')"))
        c.execute(text("UPDATE local_state SET counter = 1"))
    items = {i.name: i for i in store_db.health_check(path)}
    assert items["search_index"].ok and items["search_index"].repaired
    assert not items["counter"].ok and "1" in items["counter"].detail
    again = {i.name: i for i in store_db.health_check(path)}
    assert again["search_index"].ok and not again["search_index"].repaired


def test_head_revision_read_from_files_matches_alembic():
    from alembic.script import ScriptDirectory

    from station_app.store.db import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
