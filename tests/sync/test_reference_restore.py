"""Township -> station: reference bundles (roster, schedule, receipts) and restoring a dead station's PC."""

from __future__ import annotations

import dataclasses
import json


from station_app import config
from station_app.core.errors import StateError
from station_app.services.advisers import record_adviser, update_adviser
from station_app.services.consultations import record_consultation, update_consultation
from station_app.services.duty import record_shift
from station_app.services.setup import init_installation
from station_app.core.codes import StationKind
from station_app.store.models import Adviser, LocalState
from station_app.sync import identity, merge, setup
from station_app.sync.exporter import export_bundle
from station_app.sync.importer import import_paths
from station_app.sync.reference import apply_reference, build_reference, confirmed_status
from station_app.sync.restore import EPOCH_SPAN, chain_base
from tests.sync.bundles import Header, Outbox, dump_origin, seal
from tests.sync.transport import make_pair

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "anonymous": True}


def consult(db, summary):
    return record_consultation(db, "tester", {**CONSULT, "summary": summary}).first("consultations")


def reference_bundle(township, number, prev=None):
    payload = build_reference(township)
    h = Header(1, "reference", township.station_id, township.station().code, number, 0, 0, township.counter(), prev)
    return seal(h, payload)


def test_reference_round_trip_in_memory(station, township):
    box = Outbox(station)
    consult(station, "一")
    b1 = box.export()
    consult(station, "二")
    b2 = box.export()
    merge.apply_changes(township, b1)
    merge.apply_changes(township, b2)
    # The township plans a duty shift of its adviser at the station (it knows S01 from its first bundle).
    adviser = record_adviser(township, "tester", {"name": "王律师", "phone": "13800138000"}).first("advisers")
    record_shift(township, "tester", {"adviser_id": adviser, "place_station_id": station.station().code,
                                      "start_at": "2024-03-05 09:00", "end_at": "2024-03-05 12:00"},
                 log=[{"content": "值班答复村民咨询"}])
    assert confirmed_status(station)["confirmed"] is False

    r1 = reference_bundle(township, 1)
    res = apply_reference(station, r1)
    assert res.status == "imported", res.message
    assert res.counts["advisers"] == 1 and res.counts["duty_shifts"] == 1 and res.counts["stations"] == 1
    here, there = dump_origin(station, township.station_id), dump_origin(township, township.station_id)
    for table in ("stations", "advisers", "duty_shifts", "duty_log_entries", "record_history"):
        assert here[table] == there[table] and here[table], table
    status = confirmed_status(station)
    assert status["contiguous_number"] == 2 and status["contiguous_counter"] == b2.header.counter_to
    assert "1–2" in status["text"]
    # The township's adviser is read-only at the station.
    try:
        update_adviser(station, "tester", adviser, {"phone": "13900139000"})
    except StateError as e:
        assert "其他站点" in str(e)
    else:
        raise AssertionError("a station changed the township's adviser")
    assert apply_reference(station, r1).status == "already"

    # A newer reference (adviser changed, one more bundle confirmed); the older one arriving late changes nothing.
    update_adviser(township, "tester", adviser, {"phone": "13900139000"})
    consult(station, "三")
    merge.apply_changes(township, box.export())
    r2 = reference_bundle(township, 2, r1.sha256)
    older_again = dataclasses.replace(r1.header)
    assert apply_reference(station, r2).status == "imported"
    assert confirmed_status(station)["contiguous_number"] == 3
    with station.read() as s:
        assert s.get(Adviser, adviser).phone == "13900139000"
    assert older_again.number == 1 and apply_reference(station, r1).status == "already"


def test_reference_going_back_is_refused(station, township):
    record_adviser(township, "tester", {"name": "王律师"})
    r1 = reference_bundle(township, 1)
    record_adviser(township, "tester", {"name": "李律师"})
    r2 = reference_bundle(township, 2, r1.sha256)
    assert apply_reference(station, r2).status == "imported"
    rolled = seal(dataclasses.replace(r1.header, number=3, prev_sha256=r2.sha256), r1.payload)
    res = apply_reference(station, rolled)
    assert res.status == "refused" and res.fork and "倒退" in res.message


def test_reference_and_restore_through_files(make_station, tmp_path, cli):
    station, township = make_pair(make_station)
    adviser = record_adviser(township, "tester", {"name": "王律师"}).first("advisers")
    c1 = consult(station, "一")
    out = tmp_path / "stick"
    p1 = export_bundle(station, out)
    consult(station, "二")
    p2 = export_bundle(station, out)
    assert [r.status for r in import_paths(township, [p1, p2])] == ["imported", "imported"]

    # Reference back to the station through a real file, written by the CLI.
    run = cli("bundle", "reference", "export", "--out", str(out), "--json", data_dir=township.paths.root)
    assert run.returncode == 0, run.stderr
    ref_path = json.loads(run.stdout)["path"]
    [res] = import_paths(station, [ref_path])
    assert res.status == "imported", res.message
    assert confirmed_status(station)["contiguous_number"] == 2 and confirmed_status(station)["unconfirmed"] == []
    # Now the station knows the township's adviser and links its record to it (a cross-partition reference).
    update_consultation(station, "tester", c1, {"adviser_id": adviser})
    [res] = import_paths(township, [export_bundle(station, out)])
    assert res.status == "imported" and res.number == 3
    assert confirmed_status(station)["unconfirmed"] == [3]

    # The station PC dies. A new PC is set up and its card is taken to the township.
    sid = station.station_id
    want = dump_origin(station, sid)
    new = init_installation(config.resolve(tmp_path / "newpc"), kind=StationKind.VILLAGE, code="S01",
                            name="小苏庄村", actor="tester")
    try:
        setup.after_init(new, township_card=str(township.paths.keys / identity.CARD_FILE))
        card = new.paths.keys / identity.CARD_FILE
        run = cli("bundle", "restore-export", "--station", "S01", "--card", str(card), "--out",
                  str(tmp_path / "restore"), "--json", data_dir=township.paths.root)
        assert run.returncode == 0, run.stderr
        info = json.loads(run.stdout)
        assert info["last_number"] == 3 and info["epoch"] == 1
        [res] = import_paths(new, [info["path"]])
        assert res.status == "imported", res.message
        assert new.station_id == sid
        assert dump_origin(new, sid) == want
        with new.read() as s:
            state = s.get(LocalState, 1)
            assert (state.epoch, state.counter) == (1, EPOCH_SPAN)
            assert s.get(Adviser, adviser) is not None  # the township's roster came along
        assert chain_base(new)["number"] == 3
        assert import_paths(new, [info["path"]])[0].status == "already"

        # The new PC goes on recording and exporting; the township takes its bundle as number 4 of S01.
        consult(new, "恢复后的新记录")
        update_consultation(new, "tester", c1, {"answer": "恢复后补充的答复"})
        p3 = export_bundle(new, out)
        [res] = import_paths(township, [p3])
        assert res.status == "imported" and res.number == 4, res.message
        status = {d["code"]: d for d in merge.station_status(township)}["S01"]
        assert status["missing"] == [] and status["contiguous_number"] == 4 and status["epoch"] == 1
        assert dump_origin(township, sid) == dump_origin(new, sid)

        # The old PC's key was revoked: anything it still sends is refused.
        consult(station, "旧电脑又记了一条")
        old = export_bundle(station, tmp_path / "old")
        [res] = import_paths(township, [old])
        assert res.status == "refused" and "吊销" in res.message
    finally:
        new.close()


def test_restore_refuses_an_installation_with_records(make_station, tmp_path, cli):
    station, township = make_pair(make_station)
    consult(station, "一")
    import_paths(township, [export_bundle(station, tmp_path / "stick")])
    # (the card must name S01: a card of another code is refused by restore-export, issue 7 item 8)
    new = init_installation(config.resolve(tmp_path / "busy"), kind=StationKind.VILLAGE, code="S01",
                            name="小苏庄村", actor="tester")
    try:
        setup.after_init(new, township_card=str(township.paths.keys / identity.CARD_FILE))
        consult(new, "已经有记录")
        run = cli("bundle", "restore-export", "--station", "S01", "--card", str(new.paths.keys / identity.CARD_FILE),
                  "--out", str(tmp_path / "r"), "--json", data_dir=township.paths.root)
        assert run.returncode == 0, run.stderr
        before = dump_origin(new, new.station_id)
        [res] = import_paths(new, [json.loads(run.stdout)["path"]])
        assert res.status == "refused" and "刚初始化" in res.message
        assert dump_origin(new, new.station_id) == before
    finally:
        new.close()


def test_reference_export_needs_the_township(make_station, cli):
    station, township = make_pair(make_station)
    run = cli("bundle", "reference", "export", "--out", "x", data_dir=station.paths.root)
    assert run.returncode == 2 and "镇公共法律服务中心" in run.stderr
