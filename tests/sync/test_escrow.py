"""Issue 7 item 10: a stolen township key, end to end through the escrow kit. The township replaces its key from
escrow; every station accepts the new key and refuses the old (and whatever a thief rotated it to)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from station_app import config
from station_app.cli import main
from station_app.core.codes import StationKind
from station_app.core.i18n import set_language
from station_app.services.base import StationDB
from station_app.store.db import online_backup
from station_app.sync import exporter, identity, importer, setup
from station_app.sync.identity import IdentityError
from tests.sync.transport import consult


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv(identity.ENV_PASSPHRASE, "kit passphrase 2024")
    set_language("en")
    yield
    set_language("zh_CN")


def cli(capsys, db, *argv):
    rc = main(["--data-dir", str(db.paths.root), "--lang", "en", *argv, "--json"])
    out = capsys.readouterr()
    set_language("en")
    assert rc == 0, out.err
    return json.loads(out.out)


def clone(db, tmp_path, name):
    paths = config.resolve(tmp_path / name)
    paths.ensure()
    online_backup(db.paths.database, paths.database)
    shutil.copytree(db.paths.keys, paths.keys, dirs_exist_ok=True)
    return StationDB.open(paths)


def reference(capsys, township, out):
    return Path(cli(capsys, township, "bundle", "reference", "export", "--out", str(out))["path"])


def test_a_stolen_township_key_is_replaced_from_escrow(make_station, tmp_path, capsys):
    township = make_station("T00", "小王庄镇公共法律服务中心", StationKind.CENTRE)
    setup.after_init(township)
    kit = tmp_path / "safe" / "kit"
    made = cli(capsys, township, "identity", "escrow", "--new-kit", str(kit))
    assert made["card"]["escrow_signing_key"] and (kit / "escrow-minisign.key").exists()
    card = township.paths.keys / identity.CARD_FILE
    stations = []
    for code in ("S01", "S02"):
        st = make_station(code, f"村{code}")
        setup.after_init(st, township_card=str(card))
        identity.enroll(township, st.paths.keys / identity.CARD_FILE)
        consult(st, f"{code} 咨询")
        stations.append(st)
    s01, s02 = stations
    old_kid = identity.own_key(township).key_id

    # The thief copies the township PC, and gets a rotation to a key of their own accepted at S02 first.
    thief = clone(township, tmp_path, "thief")
    try:
        hijack = identity.rotate(thief, tmp_path / "thief-rot")
        assert identity.enroll(s02, hijack["statement"])["status"] == "rotated"
        # The township replaces its key from the escrow kit.
        info = cli(capsys, township, "identity", "escrow", "--replace-key", "--kit", str(kit), "--out",
                   str(tmp_path / "usb"))
        assert info["replaced_key_ids"] == [old_kid] and info["key_id"] != old_kid
        for st in (s01, s02):
            got = cli(capsys, st, "enroll", info["statement"])
            assert got["status"] == "replaced", got
            assert identity.township_key(st).key_id == info["key_id"]
            assert old_kid in {r.key_id for r in identity.revocations(st)}
            assert cli(capsys, st, "enroll", info["statement"])["status"] == "already"
        assert hijack["key_id"] in {r.key_id for r in identity.revocations(s02)}

        # Every station refuses the old key: its reference bundles and its rotations.
        for st in (s01, s02):
            identity.enroll(thief, st.paths.keys / identity.CARD_FILE)
        stolen_ref = reference(capsys, thief, tmp_path / "thief-ref")  # signed with the thief's key
        for st in (s01, s02):
            [r] = importer.import_paths(st, [stolen_ref])
            assert r.status == "refused", r
        with pytest.raises(IdentityError, match="revoked"):
            identity.enroll(s01, hijack["statement"])
        second = identity.rotate(thief, tmp_path / "thief-rot2")
        with pytest.raises(IdentityError):
            identity.enroll(s01, second["statement"])

        # ... and accepts the new one both ways: bundles to the township, reference bundles from it.
        for st in (s01, s02):
            [r] = importer.import_paths(township, [exporter.export_bundle(st, tmp_path / f"usb-{st.station().code}")])
            assert r.status == "imported", r
        ref = reference(capsys, township, tmp_path / "ref")
        for st in (s01, s02):
            [r] = importer.import_paths(st, [ref])
            assert r.status == "imported", r
    finally:
        thief.close()


def test_a_replacement_not_signed_by_the_kit_is_refused(make_station, tmp_path, capsys):
    from station_app.sync import escrow

    township = make_station("T00", "小王庄镇公共法律服务中心", StationKind.CENTRE)
    setup.after_init(township)
    cli(capsys, township, "identity", "escrow", "--new-kit", str(tmp_path / "kit"))
    station = make_station("S01")
    setup.after_init(station, township_card=str(township.paths.keys / identity.CARD_FILE))
    # Another kit (made elsewhere) cannot replace this township's key ...
    other = make_station("T09", "别的镇", StationKind.CENTRE)
    setup.after_init(other)
    escrow.make_kit(other, tmp_path / "other-kit")
    thief = clone(township, tmp_path, "thief")
    try:
        with pytest.raises(IdentityError, match="not the one on the township card"):
            escrow.replace_key(thief, tmp_path / "other-kit")
    finally:
        thief.close()
    # ... and a statement signed by another kit, made to name this township, is refused by the station.
    forged = escrow.replace_key(other, tmp_path / "other-kit", tmp_path / "forged")
    doc = json.loads(Path(forged["statement"]).read_text())
    stmt = json.loads(doc["statement"])
    stmt["station_id"] = township.station_id
    doc["statement"] = json.dumps(stmt, ensure_ascii=False, sort_keys=True)
    (tmp_path / "forged.json").write_text(json.dumps(doc))
    for path in (forged["statement"], tmp_path / "forged.json"):
        with pytest.raises(IdentityError):
            identity.enroll(station, path)
    assert identity.township_key(station).key_id == identity.own_key(township).key_id
    assert identity.revocations(station) == []


def test_a_rotation_may_not_swap_the_escrow_keys(make_station, tmp_path, capsys):
    township = make_station("T00", "小王庄镇公共法律服务中心", StationKind.CENTRE)
    setup.after_init(township)
    cli(capsys, township, "identity", "escrow", "--new-kit", str(tmp_path / "kit"))
    station = make_station("S01")
    setup.after_init(station, township_card=str(township.paths.keys / identity.CARD_FILE))
    thief = clone(township, tmp_path, "thief")
    try:
        # The thief makes a kit of their own on the stolen PC, then rotates to carry it to the stations.
        from station_app.sync import escrow

        escrow.make_kit(thief, tmp_path / "thief-kit")
        hijack = identity.rotate(thief, tmp_path / "rot")
        with pytest.raises(IdentityError, match="may not change the escrow"):
            identity.enroll(station, hijack["statement"])
    finally:
        thief.close()
