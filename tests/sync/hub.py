"""Township installations on PostgreSQL for the hub tests: a SQLite township moved with `migrate_to` (so every
test also exercises the move), opened on the PostgreSQL engine."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from station_app import config
from station_app.core.codes import StationKind
from station_app.services.base import StationDB
from station_app.sync.hubmove import migrate_to
from tests.sync.pgdb import engine_for


def prepare_schema(engine) -> None:
    """The target schema at head: the app's migrations when they run on PostgreSQL, else the models' schema."""
    from station_app.store.db import head_revision, upgrade

    try:
        upgrade(engine)
        return
    except Exception:  # noqa: BLE001 — migrations not yet portable on this branch: the models' tables
        with engine.begin() as c:
            for t in reversed(_tables()):
                c.execute(text(f'DROP TABLE IF EXISTS "{t.name}" CASCADE'))
            c.execute(text("DROP TABLE IF EXISTS alembic_version"))
    from station_app.store.models import Base

    _tables()
    Base.metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
        c.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head_revision()})


def _tables():
    from station_app.sync.hubmove import moved_tables

    return moved_tables()


def open_on(paths, url: str) -> StationDB:
    """The installation at `paths` with its database at `url`."""
    return StationDB(paths, engine_for(url))


def township_on_pg(tmp_path: Path, url: str, code: str = "T00", *, sqlite_db: StationDB | None = None) -> StationDB:
    """A township (centre) installation whose database is on PostgreSQL; made as SQLite and moved."""
    if sqlite_db is None:
        from station_app.services.setup import init_installation

        sqlite_db = init_installation(config.resolve(tmp_path / f"{code}-pg"), kind=StationKind.CENTRE, code=code,
                                      name=f"乡镇{code}", actor="tester")
    paths = sqlite_db.paths
    sqlite_db.close()
    report = migrate_to(paths.database, url, prepare=prepare_schema)
    assert report.ok, report.as_dict()
    return open_on(paths, url)
