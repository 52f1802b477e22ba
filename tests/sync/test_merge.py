"""Township merge of station bundles: idempotent, order-independent, gaps reported, forks refused and flagged."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from sqlalchemy import func, select

from station_app import config
from station_app.core.codes import StationKind
from station_app.services.advisers import record_adviser
from station_app.services.base import StationDB
from station_app.services.consultations import delete_consultation, record_consultation, update_consultation
from station_app.services.postings import record_posting
from station_app.store.db import online_backup
from station_app.store.models import Consultation, RecordHistory
from station_app.store.sync_models import ReceivedBundle, StationMark, SyncFork
from station_app.sync import merge
from station_app.sync.payload import collect_changes
from station_app.sync.results import BundleRefused
from tests.sync.bundles import Header, Outbox, dump_origin, seal

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "anonymous": True}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def consult(db, summary="遗产怎么分", **extra):
    return record_consultation(db, "tester", {**CONSULT, "summary": summary, **extra}).first("consultations")


def everything(db) -> dict:
    """Every synced table plus the bundle log, marks and forks: 'the township database unchanged' means this."""
    out = {}
    with db.read() as s:
        from station_app.store.models import SYNCED_MODELS

        for model in SYNCED_MODELS + (ReceivedBundle, StationMark, SyncFork):
            t = model.__table__
            out[t.name] = sorted(tuple(map(repr, r)) for r in s.execute(select(t)).all())
    return out


def clone(db, tmp_path, name) -> StationDB:
    """A second PC that believes it is the same station (cloned disk / old backup)."""
    paths = config.resolve(tmp_path / name)
    paths.ensure()
    online_backup(db.paths.database, paths.database)
    return StationDB.open(paths)


def reseal(b, **changes):
    return seal(dataclasses.replace(b.header, **changes), copy.deepcopy(b.payload), path=f"forged-{b.header.number}")


def test_import_brings_the_station_state_and_is_idempotent(station, township):
    box = Outbox(station)
    a = consult(station)
    update_consultation(station, "tester", a, {"answer": "按法定继承"})
    b = consult(station, "借款不还")
    delete_consultation(station, "tester", b)
    r = merge.apply_changes(township, box.export())
    assert r.status == "imported", r.message
    assert r.counts["consultations"] == 2 and r.counts["record_history"] == 5 and r.counts["stations"] == 1
    assert dump_origin(township, station.station_id) == dump_origin(station, station.station_id)
    with township.read() as s:
        gone = s.get(Consultation, b)
        assert gone.deleted is True  # the tombstone travelled
        assert s.get(Consultation, a).answer == "按法定继承"
        assert s.execute(select(func.count()).select_from(RecordHistory)
                         .where(RecordHistory.record_id == a)).scalar() == 2

    before = everything(township)
    again = merge.apply_changes(township, box.sent[0])
    assert again.status == "already" and again.counts == {} and "已" in again.message
    assert everything(township) == before
    assert merge.already_imported(township, box.sent[0].sha256).status == "already"


def test_any_order_converges_and_gaps_are_reported(station, make_station):
    box = Outbox(station)
    ids = [consult(station, f"问题{i}") for i in range(3)]
    b1 = box.export()
    update_consultation(station, "tester", ids[0], {"answer": "一"})
    delete_consultation(station, "tester", ids[1])
    b2 = box.export()
    update_consultation(station, "tester", ids[0], {"answer": "二"})
    record_adviser(station, "tester", {"name": "王律师"})
    b3 = box.export()
    want = dump_origin(station, station.station_id)

    t1 = make_station("T01", "镇中心一", StationKind.CENTRE)
    t2 = make_station("T02", "镇中心二", StationKind.CENTRE)
    r = merge.apply_changes(t1, b3)
    assert (r.status, r.missing) == ("gap", [1, 2]) and "1-2" in r.message
    r = merge.apply_changes(t1, b1)
    assert (r.status, r.missing) == ("gap", [2])
    assert merge.apply_changes(t1, b2).status == "imported"
    for b in (b2, b1, b3):
        merge.apply_changes(t2, b)
    assert dump_origin(t1, station.station_id) == want == dump_origin(t2, station.station_id)
    with t1.read() as s:
        assert s.get(Consultation, ids[0]).answer == "二"  # the older answer of b2 did not win though it came last
    status = {d["code"]: d for d in merge.station_status(t1)}["S01"]
    assert status["last_number"] == 3 and status["missing"] == [] and status["contiguous_counter"] == b3.header.counter_to
    assert status["name"] == "小苏庄村" and status["forks"] == []


def test_gap_status_lists_missing_numbers(station, township):
    box = Outbox(station)
    for i in range(4):
        consult(station, f"q{i}")
        box.export()
    merge.apply_changes(township, box.sent[3])
    merge.apply_changes(township, box.sent[1])
    st = merge.station_status(township)[0]
    assert st["missing"] == [1, 3] and st["last_number"] == 4 and st["contiguous_number"] == 0


def test_photos_travel_and_are_written_atomically(station, township, tmp_path):
    photo = tmp_path / "board.png"
    photo.write_bytes(PNG)
    record_posting(station, "tester", {"category": "财务", "title": "三月财务公开", "period": "2024-03",
                                       "posted_on": "2024-03-31", "reviewer": "刘强", "reviewed_on": "2024-03-31",
                                       "review_opinion": "属实"}, photos=[photo])
    b = Outbox(station).export()
    assert len(b.payload.files) == 1
    sha = next(iter(b.payload.files))
    assert merge.apply_changes(township, b).status == "imported"
    assert (township.paths.photos / sha[:2] / f"{sha}.png").read_bytes() == PNG


def test_same_number_different_content_is_a_fork(station, township, tmp_path):
    box = Outbox(station)
    consult(station, "第一条")
    merge.apply_changes(township, box.export())
    twin = clone(station, tmp_path, "twin")
    twin_box = copy.copy(box)
    twin_box.db, twin_box.sent = twin, []
    consult(station, "本机新记录")
    consult(twin, "克隆机新记录")
    good = box.export()
    bad = twin_box.export()
    assert good.header.number == bad.header.number == 2
    assert merge.apply_changes(township, good).status == "imported"
    before = everything(township)
    r = merge.apply_changes(township, bad)
    assert r.status == "refused" and r.fork and "第 2 号同步包已导入过" in r.message
    after = everything(township)
    assert after.pop("sync_forks") != before.pop("sync_forks")
    assert after == before
    fork = merge.station_status(township)[0]["forks"]
    assert len(fork) == 1 and fork[0]["reason"] == "same_number" and fork[0]["known_sha256"] == good.sha256
    merge.apply_changes(township, bad)  # flagged once
    assert len(merge.station_status(township)[0]["forks"]) == 1
    twin.close()


def test_fork_arriving_first_still_refused_when_the_other_comes(station, township, tmp_path):
    """Whichever twin arrives first is merged; the other is refused: never both."""
    box = Outbox(station)
    consult(station, "第一条")
    b1 = box.export()
    twin = clone(station, tmp_path, "twin")
    twin_box = copy.copy(box)
    twin_box.db, twin_box.sent = twin, []
    consult(twin, "克隆机新记录")
    consult(station, "本机新记录")
    bad, good = twin_box.export(), box.export()
    assert merge.apply_changes(township, bad).status == "gap"
    r = merge.apply_changes(township, good)
    assert r.status == "refused" and r.fork
    assert merge.apply_changes(township, b1).status == "imported"
    twin.close()


def test_rollback_is_a_fork(station, township):
    box = Outbox(station)
    consult(station, "一")
    b1 = box.export()
    consult(station, "二")
    b2 = box.export()
    merge.apply_changes(township, b1)
    merge.apply_changes(township, b2)
    before = everything(township)
    # Bundle 3 that claims a counter range ending before bundle 2's end: the station went back in time.
    b3 = reseal(b1, number=3, prev_sha256=b2.sha256, counter_to=b1.header.counter_to)
    r = merge.apply_changes(township, b3)
    assert r.status == "refused" and r.fork and "计数倒退" in r.message
    after = everything(township)
    after.pop("sync_forks"), before.pop("sync_forks")
    assert after == before


def test_broken_chain_is_a_fork(station, township):
    box = Outbox(station)
    consult(station, "一")
    b1 = box.export()
    consult(station, "二")
    b2 = box.export()
    merge.apply_changes(township, b1)
    forged = reseal(b2, prev_sha256="0" * 64)
    r = merge.apply_changes(township, forged)
    assert r.status == "refused" and r.fork and "接不上" in r.message
    assert merge.apply_changes(township, b2).status == "imported"


def test_rewritten_counter_range_is_a_fork(station, township, tmp_path):
    box = Outbox(station)
    cid = consult(station, "原问题")
    merge.apply_changes(township, box.export())
    twin = clone(station, tmp_path, "twin")
    twin_box = copy.copy(box)
    twin_box.db, twin_box.sent = twin, []
    update_consultation(station, "tester", cid, {"answer": "甲"})
    merge.apply_changes(township, box.export())  # bundle 2: the answer 甲 at counter c
    # The twin wrote 乙 at the same counter, then one more change; it sends "bundle 3" chained to bundle 2.
    update_consultation(twin, "tester", cid, {"answer": "乙"})
    consult(twin, "再一条")
    twin_box.number, twin_box.prev = box.number, box.prev
    forged = twin_box.export()
    assert forged.header.counter_from < box.exported_to < forged.header.counter_to
    before = everything(township)
    r = merge.apply_changes(township, forged)
    assert r.status == "refused" and r.fork and "改写" in r.message and cid in r.message
    after = everything(township)
    after.pop("sync_forks"), before.pop("sync_forks")
    assert after == before
    assert [f["reason"] for f in merge.station_status(township)[0]["forks"]] == ["rewritten"]
    twin.close()


def test_full_export_overlapping_ranges_is_accepted(station, township):
    box = Outbox(station)
    a = consult(station, "一")
    merge.apply_changes(township, box.export())
    update_consultation(station, "tester", a, {"answer": "答"})
    merge.apply_changes(township, box.export())
    consult(station, "二")
    full = box.export(full=True)
    assert full.header.counter_from == 0
    r = merge.apply_changes(township, full)
    assert r.status == "imported", r.message
    assert dump_origin(township, station.station_id) == dump_origin(station, station.station_id)


def test_records_claiming_another_station_are_refused(station, make_station, township):
    other = make_station("S02", "大李村")
    theirs = consult(other, "别村的记录")
    merge.apply_changes(township, Outbox(other).export())
    # A row stamped with another station's id, signed by S01: refused by validation, naming table, row and field.
    payload = collect_changes(other, 0, other.counter())
    with pytest.raises(BundleRefused) as e:
        seal(Header(1, "changes", station.station_id, "S01", 1, 0, 0, other.counter(), None), payload)
    assert "station_id" in e.value.reason and "stations" in e.value.reason
    # A row that says it is S01's but reuses the id of S02's record: refused at merge, township unchanged.
    consult(station, "本村的记录")
    b = Outbox(station).export()
    b.payload.tables["consultations"][0]["id"] = theirs
    b.payload.parsed = None
    for h in b.payload.tables["record_history"]:
        if h["table_name"] == "consultations":
            h["record_id"] = theirs
    before = everything(township)
    r = merge.apply_changes(township, b)
    assert r.status == "refused" and not r.fork
    assert "consultations" in r.message and theirs in r.message and "另一站点" in r.message
    assert everything(township) == before


def test_counter_outside_the_range_is_refused(station, township):
    consult(station, "一")
    b = Outbox(station).export()
    forged = reseal(b, counter_to=1)
    before = everything(township)
    r = merge.apply_changes(township, forged)
    assert r.status == "refused" and "counter" in r.message and "计数范围" in r.message
    assert everything(township) == before


def test_own_bundle_is_refused(township):
    consult(township, "镇里的记录")
    r = merge.apply_changes(township, Outbox(township).export())
    assert r.status == "refused" and "本机自己" in r.message


def test_foreign_keys_are_back_on_after_a_merge(station, township):
    consult(station, "一")
    merge.apply_changes(township, Outbox(station).export())
    with township.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
