"""Issue 7 item 8: enrolment and restore refuse the wrong cards, with the reason; nothing is revoked unless the
whole restore export succeeds."""

from __future__ import annotations


import pytest

from station_app import config
from station_app.cli import main
from station_app.core.codes import StationKind
from station_app.core.i18n import set_language
from station_app.services.setup import init_installation
from station_app.sync import exporter, identity, importer, setup
from station_app.sync.identity import IdentityError
from tests.sync.transport import consult, make_pair


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("zh_CN")


@pytest.fixture
def synced(make_station, tmp_path):
    station, township = make_pair(make_station)
    consult(station, "一")
    [r] = importer.import_paths(township, [exporter.export_bundle(station, tmp_path / "usb")])
    assert r.status == "imported"
    return station, township


def _new_installation(tmp_path, code="S01", kind=StationKind.VILLAGE, name="小苏庄村"):
    db = init_installation(config.resolve(tmp_path / f"new-{code}"), kind=kind, code=code, name=name, actor="tester")
    setup.after_init(db)
    return db


def _restore_export(township, card, tmp_path, capsys, station="S01"):
    rc = main(["--data-dir", str(township.paths.root), "--lang", "en", "bundle", "restore-export",
               "--station", station, "--card", str(card), "--out", str(tmp_path / "restore")])
    out = capsys.readouterr()
    set_language("en")
    return rc, out.out, out.err


def test_a_village_card_with_the_townships_own_code_is_not_enrolled(make_station, tmp_path):
    station, township = make_pair(make_station)
    impostor = _new_installation(tmp_path, code="T00")
    try:
        with pytest.raises(IdentityError, match="township's own code"):
            identity.enroll(township, impostor.paths.keys / "card.json")
    finally:
        impostor.close()


@pytest.mark.parametrize("which,reason", [("township", "township's own card"), ("other_code", "is for station S07"),
                                          ("old", "already enrolled"), ("centre", "not a village station's card")])
def test_restore_export_refuses_the_wrong_card(synced, tmp_path, capsys, which, reason):
    station, township = synced
    if which == "township":
        card = township.paths.keys / "card.json"
    elif which == "old":
        card = station.paths.keys / "card.json"
    else:
        other = _new_installation(tmp_path, code="S07" if which == "other_code" else "S01",
                                  kind=StationKind.CENTRE if which == "centre" else StationKind.VILLAGE)
        card = other.paths.keys / "card.json"
        other.close()
    before = identity.revocations(township)
    rc, out, err = _restore_export(township, card, tmp_path, capsys)
    assert rc != 0 and reason in err, (out, err)
    assert identity.revocations(township) == before == []
    assert not (tmp_path / "restore").exists() or not list((tmp_path / "restore").iterdir())


def test_nothing_is_revoked_unless_the_restore_export_succeeds(synced, tmp_path, capsys, monkeypatch):
    station, township = synced
    fresh = _new_installation(tmp_path)
    card = fresh.paths.keys / "card.json"
    from station_app.sync import exporter as exp

    def full_disk(*a, **kw):
        raise identity.IdentityError("disk full")

    monkeypatch.setattr(exp, "export_payload", full_disk)
    rc, out, err = _restore_export(township, card, tmp_path, capsys)
    assert rc != 0 and "disk full" in err
    assert identity.revocations(township) == []
    assert {k.key_id for k in identity.enrolled_stations(township)} == {identity.own_key(station).key_id}
    monkeypatch.undo()
    rc, out, err = _restore_export(township, card, tmp_path, capsys)
    assert rc == 0, err
    assert [r.key_id for r in identity.revocations(township)] == [identity.own_key(station).key_id]
    assert "revoked" in out
    fresh.close()
