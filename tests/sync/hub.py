"""Township installations on PostgreSQL for the hub tests: a SQLite township moved with `migrate_to` (so every
test also exercises the move), opened on the PostgreSQL engine."""

from __future__ import annotations

from pathlib import Path

from station_app import config
from station_app.core.codes import StationKind
from station_app.services.base import StationDB
from station_app.sync.hubmove import move_installation
from station_app.store.db import make_engine


def open_on(paths, url: str) -> StationDB:
    """The installation at `paths` with its database at `url` (as another PC on the hub would open it)."""
    return StationDB(paths, make_engine(url))


def township_on_pg(tmp_path: Path, url: str, code: str = "T00", *, sqlite_db: StationDB | None = None) -> StationDB:
    """A township (centre) installation whose database is on PostgreSQL (`url`: an empty database); set up on
    SQLite and moved with migrate_to, so every hub test also exercises the move; the installation is switched
    to the server, as `township migrate-to` leaves it."""
    if sqlite_db is None:
        from station_app.services.setup import init_installation

        sqlite_db = init_installation(config.resolve(tmp_path / f"{code}-pg"), kind=StationKind.CENTRE, code=code,
                                      name=f"乡镇{code}", actor="tester")
    paths = sqlite_db.paths
    sqlite_db.close()
    report = move_installation(paths, url)  # switched: the data folder names the server from now on
    assert report.ok, report.as_dict()
    return StationDB.open(paths)
