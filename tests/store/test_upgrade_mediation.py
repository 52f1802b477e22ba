"""Release 0.1.0's installations and bundles on this version (migration 0008): every record kept, with its meaning."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from station_app import config
from station_app.services import mediation as md
from station_app.services.base import StationDB
from station_app.store.models import MODEL_BY_TABLE, MediationCase, MediationParty
from station_app.sync.importer import import_paths

# The releases made before migration 0008 gave cases their case file: only 0.1.0. Later releases' fixtures are
# covered by test_upgrade_fixtures.py (every row kept, bundles import).
FIXTURES = [Path(__file__).parent.parent / "fixtures" / "v0.1.0"]


def _copy(release: Path, name: str, tmp_path: Path) -> Path:
    dest = tmp_path / release.name / name
    shutil.copytree(release / name, dest)
    for key in (dest / "keys").glob("*.key"):
        key.chmod(0o600)
    return dest


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every synced table's rows (old columns only), straight from SQLite."""
    con = sqlite3.connect(path)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        out = {}
        for table in sorted(tables & set(MODEL_BY_TABLE)):
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            out[table] = (cols, sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr))
        return out
    finally:
        con.close()


@pytest.mark.parametrize("release", FIXTURES, ids=[f.name for f in FIXTURES])
@pytest.mark.parametrize("name", ["s01", "township"])
def test_old_database_migrates_with_every_record_intact(release, name, tmp_path):
    home = _copy(release, name, tmp_path)
    before = _dump(home / "station.sqlite3")
    with StationDB.open(config.resolve(home)) as db:
        after = _dump(home / "station.sqlite3")
        for table, (cols, rows) in before.items():
            new_cols, new_rows = after[table]
            assert new_cols[:len(cols)] == cols, table
            assert [r[:len(cols)] for r in sorted(new_rows, key=lambda r: repr(r[:len(cols)]))] == \
                   sorted(rows, key=repr), table
        with db.read() as s:
            cases = {c.case_no: c for c in s.execute(select(MediationCase)).scalars()}
            parties = s.execute(select(MediationParty)).scalars().all()
        if name == "s01":
            assert len(cases) == 3 and len(parties) == 6
            # An existing 调解不成 meant "no agreement could be reached"; the rest start empty.
            assert cases["S01-2021-003"].termination_reason == "未能达成协议"
            assert cases["S01-2021-002"].termination_reason is None and cases["S01-2021-002"].agreement_no is None
            assert all(p.ethnicity is None and p.kind is None for p in parties)
            d = md.case_details(db, "S01-2021-002")
            assert d["obligations"] == [] and d["parties"][0]["name"]


@pytest.mark.parametrize("release", FIXTURES, ids=[f.name for f in FIXTURES])
def test_old_station_bundles_import_at_a_new_township(release, tmp_path):
    home = _copy(release, "township", tmp_path)
    bundles = sorted((release / "bundles").glob("*.stbundle"))
    assert bundles
    with StationDB.open(config.resolve(home)) as db:
        results = import_paths(db, bundles)
        assert [r.status for r in results] == ["imported"] * len(bundles), [r.message for r in results]
        with db.read() as s:
            cases = {c.case_no: c for c in s.execute(select(MediationCase)).scalars()}
        assert set(cases) == {"S01-2021-001", "S01-2021-002", "S01-2021-003"}
        assert cases["S01-2021-003"].termination_reason == "未能达成协议"
        assert cases["S01-2021-002"].outcome == "调解成功" and cases["S01-2021-002"].facts is None
