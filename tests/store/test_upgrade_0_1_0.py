"""The 0.1.0 fixture installations migrate with every record intact, and a township on this version imports the
bundles of a 0.1.0 station (rows without the columns added since)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station_app import config
from station_app.services.base import StationDB
from station_app.store.models import (
    SYNCED_MODELS,
    Adviser,
    Consultation,
    DutyLogEntry,
    OutreachEvent,
    Posting,
)
from station_app.sync.importer import import_one

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v0.1.0"


def _copy(tmp_path: Path, name: str) -> config.Paths:
    dest = tmp_path / name
    shutil.copytree(FIXTURE / name, dest)
    for key in (dest / "keys").rglob("*"):
        if key.is_file():
            key.chmod(0o600)
    return config.resolve(dest)


def _raw_counts(path: Path) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {m.__tablename__: con.execute(f"SELECT count(*) FROM {m.__tablename__}").fetchone()[0]
                for m in SYNCED_MODELS if m.__tablename__ in names}
    finally:
        con.close()


@pytest.mark.parametrize("name", ["s01", "township"])
def test_fixture_installation_migrates_intact(tmp_path, name):
    paths = _copy(tmp_path, name)
    before = _raw_counts(paths.database)
    db = StationDB.open(paths)
    try:
        after = _raw_counts(paths.database)
        assert {t: after[t] for t in before} == before  # not one record lost
        with db.read() as s:
            assert all(a.kind == "律师" for a in s.execute(select(Adviser)).scalars())
            assert all(c.persons == 1 for c in s.execute(select(Consultation)).scalars())
            assert all((e.service_type, e.mode) == ("其他", "现场")
                       for e in s.execute(select(DutyLogEntry)).scalars())
            for e in s.execute(select(OutreachEvent)).scalars():
                assert e.organiser == ("村法律顾问" if e.adviser_id else "其他")
            assert all(p.immediate is False for p in s.execute(select(Posting)).scalars())
    finally:
        db.close()


def test_township_imports_bundles_of_a_0_1_0_station(tmp_path):
    township = StationDB.open(_copy(tmp_path, "township"))
    station_before = _raw_counts(FIXTURE / "s01" / "station.sqlite3")
    try:
        for bundle in sorted((FIXTURE / "bundles").glob("*.stbundle")):
            copy = tmp_path / bundle.name
            shutil.copy(bundle, copy)
            result = import_one(township, copy)
            assert result.status != "refused", result.message
        with township.read() as s:
            sid = s.execute(select(Adviser.station_id)).scalars().first()
            assert sid is not None
            for model in (Adviser, Consultation, DutyLogEntry, Posting, OutreachEvent):
                n = s.execute(select(func.count()).select_from(model).where(model.station_id == sid)).scalar_one()
                assert n == station_before[model.__tablename__], model.__tablename__
            assert {c.persons for c in s.execute(select(Consultation)).scalars()} == {1}
    finally:
        township.close()
