"""Every released schema upgrades to head with every record intact, and its bundles import at a new township.

Each release leaves a folder under tests/fixtures/v<version>/ (see its README); this test runs over all of them,
so a migration that drops or rewrites a row of an old installation fails here.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from station_app import config
from station_app.services.base import StationDB
from station_app.store.db import head_revision
from station_app.store.models import SYNCED_MODELS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RELEASES = sorted(p for p in FIXTURES.glob("v*") if p.is_dir())


def _copy_installation(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    keys = dest / "keys"
    if keys.is_dir():  # git keeps no file modes; the app insists on owner-only keys
        keys.chmod(0o700)
        for f in keys.iterdir():
            f.chmod(0o600)
    return dest


def _rows(db_file: Path) -> dict[str, set[tuple]]:
    """Every synced table's (id, counter, deleted) as stored, read with plain sqlite3 before any migration."""
    con = sqlite3.connect(db_file)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        out = {}
        for model in SYNCED_MODELS:
            name = model.__tablename__
            if name in tables:
                out[name] = set(con.execute(f'SELECT id, counter, deleted FROM "{name}"'))
        return out
    finally:
        con.close()


def test_there_is_a_fixture_per_release():
    assert [p.name for p in RELEASES][:1] == ["v0.1.0"]


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
@pytest.mark.parametrize("installation", ["township", "s01"])
def test_old_database_upgrades_with_every_record(tmp_path, release, installation):
    data = _copy_installation(release / installation, tmp_path / installation)
    before = _rows(data / "station.sqlite3")
    with sqlite3.connect(data / "station.sqlite3") as con:
        old_rev = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert sum(len(v) for v in before.values()) > 0
    with StationDB.open(config.resolve(data)) as db:
        with db.read() as s:
            rev = s.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert rev == head_revision()
    after = _rows(data / "station.sqlite3")
    for table, rows in before.items():
        assert rows <= after[table], f"{release.name}/{installation}: rows of {table} lost or changed in the upgrade"
    if old_rev != head_revision():  # an upgrade keeps an online backup of the old database first
        assert any((data / "backups").rglob("*.sqlite3")), "no backup before the migration"


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
def test_old_bundles_import_at_an_upgraded_township(tmp_path, release):
    from station_app.sync.importer import import_paths

    data = _copy_installation(release / "township", tmp_path / "township")
    bundles = sorted((release / "bundles").glob("*.stbundle"))
    assert bundles
    with StationDB.open(config.resolve(data)) as township:
        results = import_paths(township, bundles)
    assert [r.status for r in results] == ["imported"] * len(bundles), [r.message for r in results]
