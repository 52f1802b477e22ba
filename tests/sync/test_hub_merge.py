"""The merge on PostgreSQL gives what it gives on SQLite: same rows, same counts, same gaps, same forks."""

from __future__ import annotations

import random

from sqlalchemy import select, text

from station_app.core.codes import StationKind
from station_app.services.advisers import record_adviser
from station_app.services.consultations import delete_consultation, record_consultation, update_consultation
from station_app.store.sync_models import ReceivedBundle, StationMark
from station_app.sync import merge
from tests.sync.bundles import Outbox, dump_origin
from tests.sync.hub import township_on_pg

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "anonymous": True}


def _work(station, box: Outbox, rng: random.Random, steps: int) -> None:
    live: list[str] = []
    adviser = record_adviser(station, "tester", {"name": "王律师", "phone": "13800000000", "law_firm": "某所"}).first("advisers")
    for i in range(steps):
        r = rng.random()
        if r < 0.5 or not live:
            live.append(record_consultation(station, "tester", {**CONSULT, "summary": f"问题{i}",
                                                                 "adviser_id": adviser}).first("consultations"))
        elif r < 0.75:
            update_consultation(station, "tester", rng.choice(live), {"answer": f"答复{i}"})
        elif r < 0.85:
            delete_consultation(station, "tester", live.pop(rng.randrange(len(live))))
        else:
            box.export()
    box.export()


def _bookkeeping(db, station_id):
    with db.read() as s:
        logged = sorted(s.execute(select(ReceivedBundle.number, ReceivedBundle.sha256, ReceivedBundle.counts)
                                  .where(ReceivedBundle.station_id == station_id)).all())
        m = s.get(StationMark, (station_id, "changes"))
        mark = (m.last_number, m.contiguous_number, m.contiguous_counter, m.high_counter) if m else None
    status = [{k: d[k] for k in ("missing", "missing_ranges", "closed", "contiguous_counter")}
              for d in merge.station_status(db) if d["station_id"] == station_id]
    return logged, mark, status


def test_lost_duplicated_reordered_deliveries_give_the_same_township_on_both(make_station, tmp_path, pg_database):
    pg_url = pg_database()
    s01 = make_station("S01", "一村")
    box = Outbox(s01)
    _work(s01, box, random.Random(14), 60)
    assert len(box.sent) >= 4
    lite = make_station("T00", "乡镇", StationKind.CENTRE)
    pg = township_on_pg(tmp_path, pg_url)
    try:
        rng = random.Random(7)
        first = [rng.randrange(len(box.sent)) for _ in range(len(box.sent))]  # some lost, some twice, any order
        for i in first:
            a, b = merge.apply_changes(lite, box.sent[i]), merge.apply_changes(pg, box.sent[i])
            assert (a.status, a.counts, a.missing) == (b.status, b.counts, b.missing), (a.message, b.message)
            assert a.status in ("imported", "gap", "already"), a.message
        assert dump_origin(pg, s01.station_id) == dump_origin(lite, s01.station_id)
        assert _bookkeeping(pg, s01.station_id) == _bookkeeping(lite, s01.station_id)
        for i in rng.sample(range(len(box.sent)), len(box.sent)):
            a, b = merge.apply_changes(lite, box.sent[i]), merge.apply_changes(pg, box.sent[i])
            assert (a.status, a.counts, a.missing) == (b.status, b.counts, b.missing), (a.message, b.message)
        assert dump_origin(pg, s01.station_id) == dump_origin(s01, s01.station_id)
        assert _bookkeeping(pg, s01.station_id) == _bookkeeping(lite, s01.station_id)
    finally:
        pg.close()


def test_a_rewritten_version_is_a_fork_on_postgresql_too(make_station, tmp_path, pg_database):
    pg_url = pg_database()
    import copy
    import dataclasses

    from tests.sync.bundles import seal

    s01 = make_station("S01", "一村")
    box = Outbox(s01)
    record_consultation(s01, "tester", CONSULT)
    b1 = box.export()
    pg = township_on_pg(tmp_path, pg_url)
    try:
        assert merge.apply_changes(pg, b1).status == "imported"
        payload = copy.deepcopy(b1.payload)
        payload.tables["consultations"][0]["summary"] = "改过的"
        forged = seal(dataclasses.replace(b1.header, number=2, prev_sha256=b1.sha256, counter_from=0), payload,
                      path="forged")
        r = merge.apply_changes(pg, forged)
        assert r.status == "refused" and r.fork, r.message
        assert "summary" in r.message
        with pg.read() as s:
            assert s.execute(text("SELECT count(*) FROM sync_forks")).scalar() == 1
            assert s.execute(text("SELECT summary FROM consultations")).scalar() == CONSULT["summary"]
    finally:
        pg.close()
