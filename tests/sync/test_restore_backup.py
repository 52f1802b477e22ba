"""Issue 7 item 13: restoring an old backup at a station warns what will be lost and what the township already
has, continues in a new epoch so the township accepts the station's next bundles, and says how to recover the lost
records (restore-export). Real files, real keys; the CLI in-process."""

from __future__ import annotations

import json

from station_app.cli import main
from station_app.store import backups
from station_app.store.models import LocalState
from station_app.sync import exporter, importer
from station_app.sync.merge import station_status
from station_app.sync.restore import EPOCH_SPAN
from tests.sync.transport import consult, make_pair


def _cli(capsys, root, *args):
    code = main(["--data-dir", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _setup(make_station, tmp_path):
    """A station whose backup predates bundle 1; bundles 1 and 2 reached the township; one more record never left."""
    station, township = make_pair(make_station)
    old = backups.backup_now(station.paths.database, station.paths.backups)
    consult(station, "一")
    consult(station, "二")
    b1 = exporter.export_bundle(station, tmp_path / "usb")
    consult(station, "三")
    b2 = exporter.export_bundle(station, tmp_path / "usb")
    consult(station, "四（未导出）")
    assert [r.status for r in importer.import_paths(township, [b1, b2])] == ["imported", "imported"]
    # The township's receipt reaches the station, so it knows what the township holds.
    assert main(["--data-dir", str(township.paths.root), "bundle", "reference", "export",
                 "--out", str(tmp_path / "back")]) == 0
    assert importer.import_paths(station, [tmp_path / "back"])[0].status == "imported"
    return station, township, old


def test_restore_old_backup_warns_and_continues_in_a_new_epoch(make_station, tmp_path, capsys):
    station, township, old = _setup(make_station, tmp_path)
    root = station.paths.root
    with station.read() as s:
        before = s.get(LocalState, 1)
        old_epoch, old_counter = before.epoch, before.counter
    station.close()
    capsys.readouterr()

    # --dry-run says everything and changes nothing.
    code, out, err = _cli(capsys, root, "backup", "restore", str(old), "--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["dry_run"] is True
    assert plan["lost"]["records"]["consultations"] == 4
    assert plan["lost"]["exported_numbers"] == [1, 2]
    assert plan["township"]["numbers"] == [[1, 2]]
    assert plan["lost"]["unsent"]["consultations"] == 1
    code, out, err = _cli(capsys, root, "backup", "restore", str(old), "--dry-run")
    assert "restore-export" in out and "第 1-2 号" in out and "4 条" in out

    code, out, err = _cli(capsys, root, "backup", "restore", str(old), "--json")
    assert code == 0, err
    done = json.loads(out)
    assert done["aside"] and done["new_epoch"] == old_epoch + 1
    assert done["lost"]["records"]["consultations"] == 4
    code, out, err = _cli(capsys, root, "backup", "restore", str(done["aside"]), "--dry-run")
    assert code == 0, err

    from station_app import config
    from station_app.services.base import StationDB

    db = StationDB.open(config.resolve(root))
    try:
        with db.read() as s:
            state = s.get(LocalState, 1)
            assert state.epoch == old_epoch + 1 and state.counter >= state.epoch * EPOCH_SPAN > old_counter
        # The next export continues the chain: number 3, chained to bundle 2, in the new epoch.
        consult(db, "恢复后新记录")
        b3 = exporter.export_bundle(db, tmp_path / "later")
        assert b3.name == "S01-changes-000003.stbundle"
        # Bundles exported before the restore can still be re-sent from the outbox.
        assert main(["--data-dir", str(root), "bundle", "export", "--resend", "2", "--out",
                     str(tmp_path / "again")]) == 0
    finally:
        db.close()
    [r] = importer.import_paths(township, [b3])
    assert r.status == "imported", r.message
    [st] = [s for s in station_status(township) if s["code"] == "S01"]
    assert st["missing"] == [] and st["forks"] == []


def test_restore_of_an_equal_backup_changes_no_epoch(make_station, tmp_path, capsys):
    station, township = make_pair(make_station)
    consult(station, "一")
    same = backups.backup_now(station.paths.database, station.paths.backups)
    root = station.paths.root
    station.close()
    code, out, err = _cli(capsys, root, "backup", "restore", str(same), "--json")
    assert code == 0, err
    done = json.loads(out)
    assert done["new_epoch"] is None and done["lost"]["records"] == {}


def test_old_backup_over_a_lost_database_catches_up_from_the_townships_receipt(make_station, tmp_path, capsys):
    """The database is gone (nothing to compare): after the restore, the township's reference bundle tells the
    station where its chain stands, so its next bundle is number 3 in a new epoch, not a second bundle 1."""
    station, township = make_pair(make_station)
    old = backups.backup_now(station.paths.database, station.paths.backups)
    consult(station, "一")
    b1 = exporter.export_bundle(station, tmp_path / "usb")
    consult(station, "二")
    b2 = exporter.export_bundle(station, tmp_path / "usb")
    importer.import_paths(township, [b1, b2])
    root = station.paths.root
    station.close()
    for suffix in ("", "-wal", "-shm"):
        (root / ("station.sqlite3" + suffix)).unlink(missing_ok=True)
    code, out, err = _cli(capsys, root, "backup", "restore", str(old))
    assert code == 0, err
    assert "参考数据包" in out  # it says to import the township's reference bundle before exporting

    assert main(["--data-dir", str(township.paths.root), "bundle", "reference", "export",
                 "--out", str(tmp_path / "back")]) == 0
    from station_app import config
    from station_app.services.base import StationDB

    db = StationDB.open(config.resolve(root))
    try:
        [r] = importer.import_paths(db, [tmp_path / "back"])
        assert r.status == "imported" and "第 3 号" in r.message, r.message
        consult(db, "恢复后")
        b3 = exporter.export_bundle(db, tmp_path / "later")
        assert b3.name == "S01-changes-000003.stbundle"
    finally:
        db.close()
    [r] = importer.import_paths(township, [b3])
    assert r.status == "imported", r.message
    [st] = [s for s in station_status(township) if s["code"] == "S01"]
    assert st["missing"] == [] and st["forks"] == []


def test_at_a_terminal_a_restore_that_loses_records_asks_first(make_station, tmp_path, capsys, monkeypatch):
    import io
    import sys

    station, township, old = _setup(make_station, tmp_path)
    root = station.paths.root
    station.close()
    capsys.readouterr()

    from station_app.cli import maintenance

    monkeypatch.setattr(maintenance, "_interactive", lambda: True)
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    code, out, err = _cli(capsys, root, "backup", "restore", str(old))
    assert code == 1 and "4 条" in err and "未恢复" in err
    from station_app import config
    from station_app.services.base import StationDB

    with StationDB.open(config.resolve(root)) as db:
        assert db.counter() > 0 and len(exporter.exported_bundles(db, "changes")) == 2  # untouched
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))
    code, out, err = _cli(capsys, root, "backup", "restore", str(old))
    assert code == 0, err


def test_a_township_restoring_an_old_backup_continues_its_reference_numbers(make_station, tmp_path, capsys):
    station, township = make_pair(make_station)
    old = backups.backup_now(township.paths.database, township.paths.backups)
    consult(station, "一")
    importer.import_paths(township, [exporter.export_bundle(station, tmp_path / "usb")])
    for n in (1, 2):
        assert main(["--data-dir", str(township.paths.root), "bundle", "reference", "export",
                     "--out", str(tmp_path / f"ref{n}")]) == 0
    assert importer.import_paths(station, [tmp_path / "ref2"])[0].status == "imported"
    root = township.paths.root
    township.close()
    capsys.readouterr()
    code, out, err = _cli(capsys, root, "backup", "restore", str(old), "--json")
    assert code == 0, err
    code, out, err = _cli(capsys, root, "bundle", "reference", "export", "--out", str(tmp_path / "ref3"), "--json")
    assert code == 0, err
    assert json.loads(out)["path"].endswith("T00-reference-000003.stbundle")
    [r] = importer.import_paths(station, [tmp_path / "ref3"])
    assert r.status == "imported" and not r.fork, r.message
