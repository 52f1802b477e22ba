"""Two importers at once against one PostgreSQL township (two staff, two PCs): overlapping bundles (the same
station's, partly the very same files) and disjoint ones (another station's) converge with nothing lost or doubled.

Each importer has its own engine (its own PC). Without the per-station merge lock (sync.merge.lock_origin) the two
transactions read the bundle log before either commits: both merge the same bundle (one then dies on the log's
unique key), or each computes the station's mark without the other's bundle, so the mark and gaps go wrong."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from station_app.core.codes import StationKind
from station_app.services.consultations import record_consultation, update_consultation
from station_app.store.models import RecordHistory
from station_app.store.sync_models import ReceivedBundle, StationMark
from station_app.sync import merge
from tests.sync.bundles import Outbox, dump_origin
from tests.sync.hub import open_on, township_on_pg

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "anonymous": True}


def _bundles(station, n_bundles: int, per_bundle: int) -> Outbox:
    box = Outbox(station)
    ids: list[str] = []
    for b in range(n_bundles):
        for i in range(per_bundle):
            ids.append(record_consultation(station, "tester", {**CONSULT, "summary": f"{b}-{i}"}).first("consultations"))
        update_consultation(station, "tester", ids[b], {"answer": f"第{b}次"})
        box.export()
    return box


def _run_together(jobs: list[tuple[object, list]]) -> tuple[list, list]:
    """Each job (db, bundles) imports in its own thread; all start at the same moment."""
    start = threading.Barrier(len(jobs))
    results: list = []
    errors: list = []
    lock = threading.Lock()

    def work(db, bundles):
        start.wait()
        for b in bundles:
            try:
                r = merge.apply_changes(db, b)
                with lock:
                    results.append((b.sha256, r.status, r.counts, r.message))
            except Exception as e:  # noqa: BLE001 — collected: the test shows them
                with lock:
                    errors.append(f"{b.header.station_code} {b.header.number}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


def test_two_importers_at_once_converge_nothing_lost_or_doubled(make_station, tmp_path, pg_database):
    pg_url = pg_database()
    s01, s02 = make_station("S01", "一村"), make_station("S02", "二村")
    a, b = _bundles(s01, 6, 40), _bundles(s02, 4, 40)
    lite = make_station("T00", "乡镇", StationKind.CENTRE)
    for bundle in a.sent + b.sent:  # the reference: one importer, in order, on SQLite
        assert merge.apply_changes(lite, bundle).status == "imported"
    hub = township_on_pg(tmp_path, pg_url)
    other_pc = open_on(hub.paths, pg_url)
    try:
        # PC 1: S01 in order, then S02's first half; PC 2: S01 backwards (so gaps open and close), S02's second
        # half, then S01's middle again (already there, or being merged by PC 1 at that moment).
        results, errors = _run_together([
            (hub, a.sent + b.sent[:2]),
            (other_pc, list(reversed(a.sent)) + b.sent[2:] + a.sent[2:4]),
        ])
        assert errors == []
        merged = [sha for sha, status, _c, _m in results if status in ("imported", "gap")]
        assert sorted(merged) == sorted(x.sha256 for x in a.sent + b.sent)  # each merged exactly once
        assert {status for _s, status, _c, _m in results} <= {"imported", "gap", "already"}
        for st in (s01, s02):
            assert dump_origin(hub, st.station_id) == dump_origin(st, st.station_id)
        with hub.read() as s, lite.read() as r:
            def book(x):
                return (
                    # (counts per bundle depend on the order of arrival: a later version makes an earlier one a skip)
                    sorted(x.execute(select(ReceivedBundle.station_id, ReceivedBundle.number,
                                            ReceivedBundle.sha256)).all()),
                    sorted((m.station_id, m.kind, m.last_number, m.contiguous_number, m.contiguous_counter,
                            m.high_counter) for m in x.execute(select(StationMark)).scalars()),
                    x.execute(select(func.count()).select_from(RecordHistory)).scalar())
            assert book(s) == book(r)
        for st in (s01, s02):
            got = [d for d in merge.station_status(hub) if d["station_id"] == st.station_id][0]
            assert (got["missing"], got["closed"], got["contiguous_number"]) == ([], [], len(a.sent if st is s01 else b.sent))
    finally:
        other_pc.close()
        hub.close()


def test_an_importer_waits_for_the_station_lock_only_as_long_as_an_import_waits(make_station, tmp_path, pg_database,
                                                                               monkeypatch):
    import pytest
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    s01 = make_station("S01", "一村")
    box = _bundles(s01, 1, 3)
    hub = township_on_pg(tmp_path, pg_database())
    other_pc = open_on(hub.paths, hub.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("STATION_APP_IMPORT_WAIT", "1")
    try:
        with Session(other_pc.engine) as s, s.begin():
            merge.lock_origin(s, s01.station_id)  # a merge of S01 in progress on another PC
            with pytest.raises(OperationalError) as e:
                merge.apply_changes(hub, box.sent[0])
            assert type(e.value.orig).__name__ == "LockNotAvailable"  # import_one reports "busy, import later"
        assert merge.apply_changes(hub, box.sent[0]).status == "imported"  # once it is done
    finally:
        other_pc.close()
        hub.close()
