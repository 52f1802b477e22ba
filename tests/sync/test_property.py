"""Property: random edits and deletes at one or two stations, exports, and deliveries that are lost, duplicated or
reordered. Whatever arrives, the township holds, per record, the newest version among the bundles it received;
once everything has arrived it equals every station's own rows exactly."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app import config
from station_app.core.codes import StationKind
from station_app.services.base import StationDB
from station_app.services.consultations import delete_consultation, record_consultation, update_consultation
from station_app.services.setup import init_installation
from station_app.store.models import SYNCED_MODELS
from station_app.sync import merge
from station_app.sync.payload import rows_of
from tests.sync.bundles import Outbox

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "anonymous": True}
TEMPLATES: dict[str, Path] = {}


@pytest.fixture(scope="module")
def templates():
    """Initialised databases made once (migrations take a while); each example works on fresh copies."""
    root = Path(tempfile.mkdtemp(prefix="sync-prop-"))
    specs = {"T00": StationKind.CENTRE, "S01": StationKind.VILLAGE, "S02": StationKind.VILLAGE}
    for code, kind in specs.items():
        db = init_installation(config.resolve(root / code), kind=kind, code=code, name=f"站点{code}", actor="t")
        db.close()
    yield root
    shutil.rmtree(root, ignore_errors=True)


def fresh(templates: Path, work: Path, code: str) -> StationDB:
    shutil.copytree(templates / code, work / code)
    return StationDB.open(config.resolve(work / code))


def partition(db, station_id: str) -> dict[str, dict[str, dict]]:
    with db.read() as s:
        return {m.__tablename__: {r["id"]: r for r in rows_of(s, m, m.__table__.c.station_id == station_id)}
                for m in SYNCED_MODELS}


def newest(bundles) -> dict[str, dict[str, dict]]:
    """The model: per record, the version with the highest counter among these bundles."""
    out: dict[str, dict[str, dict]] = {m.__tablename__: {} for m in SYNCED_MODELS}
    for b in bundles:
        for table, rows in b.payload.tables.items():
            for r in rows:
                held = out[table].get(r["id"])
                if held is None or held["counter"] < r["counter"]:
                    out[table][r["id"]] = r
    return out


op = st.tuples(st.integers(0, 1), st.sampled_from(["add", "add", "update", "delete", "export"]),
               st.integers(0, 50), st.text(alphabet="甲乙丙丁abc", min_size=1, max_size=6))


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(n_stations=st.integers(1, 2), ops=st.lists(op, min_size=1, max_size=25), data=st.data())
def test_township_converges_whatever_arrives(templates, n_stations, ops, data):
    work = Path(tempfile.mkdtemp(prefix="sync-ex-"))
    try:
        township = fresh(templates, work, "T00")
        run_example(township, templates, work, n_stations, ops, data)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_example(township, templates: Path, work: Path, n_stations: int, ops, data) -> None:
    """One example against `township` (SQLite here; PostgreSQL in test_hub_property.py); closes it."""
    dbs = [township]
    try:
        stations = [fresh(templates, work, code) for code in ("S01", "S02")[:n_stations]]
        dbs.extend(stations)
        boxes = [Outbox(db) for db in stations]
        records: list[list[str]] = [[] for _ in stations]  # live (not deleted) records per station
        for who, action, pick, text in ops:
            who %= n_stations
            db, ids = stations[who], records[who]
            if action == "add" or (action != "export" and not ids):
                ids.append(record_consultation(db, "t", {**CONSULT, "summary": text}).first("consultations"))
            elif action == "update":
                update_consultation(db, "t", ids[pick % len(ids)], {"answer": text})
            elif action == "delete":
                delete_consultation(db, "t", ids.pop(pick % len(ids)))
            else:
                boxes[who].export()
        for box in boxes:
            box.export()  # whatever is left
        sent = [b for box in boxes for b in box.sent]

        # Deliveries: some lost, some twice, in any order.
        arrivals = data.draw(st.lists(st.sampled_from(range(len(sent))), max_size=2 * len(sent)), label="arrivals")
        for i in arrivals:
            r = merge.apply_changes(township, sent[i])
            assert r.status in ("imported", "gap", "already"), r.message
        for db, box in zip(stations, boxes):
            got = [b for j, b in enumerate(sent) if j in set(arrivals) and b in box.sent]
            assert partition(township, db.station_id) == newest(got)
            numbers = {b.header.number for b in got}
            st_ = {d["station_id"]: d for d in merge.station_status(township)}.get(db.station_id)
            if numbers:
                assert st_["missing"] == [n for n in range(1, max(numbers)) if n not in numbers]

        # The rest arrives (in a drawn order, duplicates again allowed): the township equals every station exactly.
        rest = data.draw(st.permutations(range(len(sent))), label="rest")
        for i in rest:
            assert merge.apply_changes(township, sent[i]).status in ("imported", "gap", "already")
        for db in stations:
            assert partition(township, db.station_id) == partition(db, db.station_id)
            assert [d["missing"] for d in merge.station_status(township) if d["station_id"] == db.station_id] == [[]]
    finally:
        for db in dbs:
            db.close()
