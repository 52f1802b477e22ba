"""The township keeps importing the bundles release 0.1.0 made (payload format 1), with that release's keys."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from station_app import config
from station_app.services.base import StationDB
from station_app.sync import importer

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v0.1.0"


def _copy(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURE / name, dest)
    for key in (dest / "keys").iterdir():
        key.chmod(0o600)
    (dest / "keys").chmod(0o700)
    return dest


def test_the_township_imports_bundles_made_by_release_0_1_0(tmp_path):
    home = _copy(tmp_path, "township")
    bundles = sorted((FIXTURE / "bundles").glob("*.stbundle"))
    assert len(bundles) == 2
    db = StationDB.open(config.resolve(home))
    try:
        results = importer.import_paths(db, bundles)
        assert [(r.number, r.status) for r in results] == [(1, "imported"), (2, "imported")], \
            [r.message for r in results]
        counts: dict[str, int] = {}
        for r in results:
            for t, n in r.counts.items():
                counts[t] = counts.get(t, 0) + n
        assert counts["consultations"] >= 2 and counts["mediation_cases"] == 3
        again = importer.import_paths(db, bundles)
        assert [r.status for r in again] == ["already", "already"]
    finally:
        db.close()
    # The rows are what the station holds (compared in their stored form, column by column).
    station = sqlite3.connect(_copy(tmp_path, "s01") / "station.sqlite3")
    township = sqlite3.connect(home / "station.sqlite3")
    try:
        for table in ("consultations", "mediation_cases", "duty_shifts", "record_history"):
            cols = [r[1] for r in station.execute(f"PRAGMA table_info({table})")]
            q = f"SELECT {', '.join(cols)} FROM {table} WHERE station_id = (SELECT id FROM stations " \
                f"WHERE code = 'S01') ORDER BY id"
            assert township.execute(q).fetchall() == station.execute(q).fetchall(), table
    finally:
        station.close()
        township.close()
