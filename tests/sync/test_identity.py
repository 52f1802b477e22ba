"""Keys, cards, trust, enrollment, rotation and revocation."""

from __future__ import annotations

import json
import os
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from station_app.core.codes import StationKind
from station_app.core.i18n import set_language
from station_app.store.models import Base
from station_app.sync.keyring import keyring_for
from station_app.sync import identity, setup
from station_app.sync.identity import IdentityError
from tests.sync.transport import make_pair

MY_TABLES = {"own_keys", "trusted_keys", "key_revocations", "key_rotations", "exported_bundles"}


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("zh_CN")


def test_keys_models_match_migration(station):
    with station.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata)

    def touches(d):
        text = repr(d)
        return any(t in text for t in MY_TABLES)

    assert [d for d in diff if touches(d)] == []


def test_init_makes_private_owner_only_keys_and_a_valid_card(station):
    info = setup.after_init(station)
    keys = station.paths.keys
    for name in ("minisign.key", "age.key", "minisign.pub", "card.json"):
        assert stat.S_IMODE(os.stat(keys / name).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(keys).st_mode) == 0o700
    card = identity.load_card(keys / "card.json")
    assert card.code == "S01" and card.station_id == station.station_id and card.kind == "village"
    assert card.fingerprint == info["fingerprint"]
    assert len(card.fingerprint) == 24 and card.fingerprint.count("-") == 4
    # The .pub file names the key id exactly as the minisign tool prints it.
    assert (keys / "minisign.pub").read_text().startswith(f"untrusted comment: minisign public key {card.key_id}\n")
    with pytest.raises(Exception, match="already has keys"):
        identity.generate_keys(station)


def test_passphrase_protects_both_private_keys(station, monkeypatch):
    monkeypatch.setenv(identity.ENV_PASSPHRASE, "村里的口令")
    info = setup.after_init(station)
    assert info["passphrase_protected"]
    assert b"encrypted secret key" in (station.paths.keys / "minisign.key").read_bytes()
    assert b"AGE-SECRET-KEY" not in (station.paths.keys / "age.key").read_bytes()
    assert identity.load_signing_key(station).is_encrypted() is False  # decrypted with the env passphrase
    keyring_for(station).lock()
    assert identity.age_identities(station)
    monkeypatch.setenv(identity.ENV_PASSPHRASE, "wrong")
    keyring_for(station).lock()
    with pytest.raises(IdentityError, match="wrong key passphrase"):
        identity.load_signing_key(station)
    with pytest.raises(IdentityError, match="wrong key passphrase"):
        identity.age_identities(station)
    monkeypatch.delenv(identity.ENV_PASSPHRASE)
    with pytest.raises(IdentityError, match="STATION_APP_PASSPHRASE"):
        identity.load_signing_key(station)  # no terminal in tests: a clear message instead of a hang


def _card_dict(db) -> dict:
    return json.loads((db.paths.keys / "card.json").read_text())


@pytest.mark.parametrize("edit, message", [
    (lambda c: c.pop("age_recipient"), "age_recipient: missing"),
    (lambda c: c.update(extra=1), "extra: unknown field"),
    (lambda c: c.update(format="other/1"), "not a station-app card"),
    (lambda c: c.update(code="s 01"), "code"),
    (lambda c: c.update(kind="city"), "kind: must be one of"),
    (lambda c: c.update(station_id="x"), "not a valid station id"),
    (lambda c: c.update(key_id="0000000000000000"), "key_id: does not match"),
    (lambda c: c.update(minisign_public_key="RWQ="), "not a minisign public key"),
    (lambda c: c.update(age_recipient="age1notarecipient"), "not an age recipient"),
    (lambda c: c.update(name="别的村"), None),  # name is not in the fingerprint: allowed
    (lambda c: c.update(code="S99"), "fingerprint: does not match"),
    (lambda c: c.update(created_at=5), "must be a string"),
])
def test_load_card_is_strict(station, tmp_path, edit, message):
    setup.after_init(station)
    card = _card_dict(station)
    edit(card)
    path = tmp_path / "card.json"
    path.write_text(json.dumps(card))
    if message is None:
        assert identity.load_card(path).name == "别的村"
    else:
        with pytest.raises(IdentityError, match=message):
            identity.load_card(path)


def test_load_card_rejects_garbage_and_huge_files(tmp_path):
    (tmp_path / "a.json").write_bytes(b"\xff\xfe not json")
    with pytest.raises(IdentityError, match="not valid JSON"):
        identity.load_card(tmp_path / "a.json")
    (tmp_path / "b.json").write_bytes(b"{" + b" " * (70 * 1024) + b"}")
    with pytest.raises(IdentityError, match="too large"):
        identity.load_card(tmp_path / "b.json")
    with pytest.raises(IdentityError, match="no such card"):
        identity.load_card(tmp_path / "none.json")
    (tmp_path / "c.json").write_text('{"format": "station-app-card/1", "format": "x"}')
    with pytest.raises(IdentityError, match="duplicate key"):
        identity.load_card(tmp_path / "c.json")


def test_enroll_twice_is_a_noop_and_a_second_key_is_refused(make_station, tmp_path):
    station, township = make_pair(make_station)
    card = station.paths.keys / "card.json"
    assert identity.enroll(township, card)["status"] == "already"
    # Another installation claiming the same station code with other keys: refused.
    impostor = make_station("S01X", "冒名")
    setup.after_init(impostor)
    forged = _card_dict(impostor)
    forged["code"] = "S01"
    forged["fingerprint"] = identity.fingerprint(forged["station_id"], "S01", forged["minisign_public_key"],
                                                 forged["age_recipient"])
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    with pytest.raises(IdentityError, match="already enrolled with another key"):
        identity.enroll(township, tmp_path / "forged.json")
    assert [k.station_code for k in identity.enrolled_stations(township)] == ["S01"]


def test_station_trusts_one_township(make_station, tmp_path):
    station, township = make_pair(make_station)
    assert identity.enroll(station, township.paths.keys / "card.json")["status"] == "already"
    other = make_station("T01", "别的镇", StationKind.CENTRE)
    setup.after_init(other)
    with pytest.raises(IdentityError, match="only accepted through a rotation statement"):
        identity.enroll(station, other.paths.keys / "card.json")
    with pytest.raises(IdentityError, match="not the township"):
        identity.trust_township(station, station.paths.keys / "card.json")
    with pytest.raises(IdentityError, match="not a village station"):
        identity.enroll(township, other.paths.keys / "card.json")


def test_rotation_statement_is_accepted_once_and_forgeries_refused(make_station, tmp_path):
    station, township = make_pair(make_station)
    old = identity.own_key(station).key_id
    info = identity.rotate(station, tmp_path / "out")
    assert info["old_key_id"] == old and info["key_id"] != old
    assert (station.paths.keys / "retired" / f"{old}-minisign.key").exists()
    assert len(identity.age_identities(station)) == 2  # bundles in flight to the old key still open
    stmt = tmp_path / "out" / f"S01-rotation-{info['key_id']}.json"
    doc = json.loads(stmt.read_text())
    tampered = dict(doc, statement=doc["statement"].replace('"S01"', '"S02"', 1))
    (tmp_path / "bad.json").write_text(json.dumps(tampered))
    with pytest.raises(IdentityError, match="does not verify"):
        identity.enroll(township, tmp_path / "bad.json")
    assert identity.enroll(township, stmt)["status"] == "rotated"
    assert identity.enroll(township, stmt)["status"] == "already"
    keys = {k.key_id: k for k in identity.enrolled_stations(township)}
    assert keys[old].superseded_by == info["key_id"] and keys[info["key_id"]].superseded_at is None


def test_township_rotation_reaches_the_station(make_station, tmp_path):
    station, township = make_pair(make_station)
    info = identity.rotate(township, tmp_path)
    assert identity.enroll(station, info["statement"])["status"] == "rotated"
    assert identity.township_key(station).key_id == info["key_id"]


def test_revoke_by_code_or_key_id(make_station):
    station, township = make_pair(make_station)
    kid = identity.own_key(station).key_id
    with pytest.raises(Exception, match="give a reason"):
        identity.revoke(township, "S01", reason=" ", actor="t")
    assert identity.revoke(township, kid.lower(), reason="PC stolen", actor="t")[0]["status"] == "revoked"
    assert identity.revoke(township, "S01", reason="again", actor="t")[0]["status"] == "already"
    with pytest.raises(IdentityError, match="no enrolled station"):
        identity.revoke(township, "S77", reason="x", actor="t")
    with pytest.raises(Exception, match="only the township"):
        identity.revoke(station, "S01", reason="x", actor="t")
    # A revoked key cannot come back by enrolling its card again.
    with pytest.raises(IdentityError, match="revoked"):
        identity.enroll_station(township, identity.load_card(station.paths.keys / "card.json"))


def test_replacement_for_restore_revokes_the_old_key(make_station):
    station, township = make_pair(make_station)
    old = identity.own_key(station).key_id
    # A new installation of S01 in another data directory (the replaced PC).
    from station_app import config
    from station_app.services.setup import init_installation

    fresh = init_installation(config.resolve(station.paths.root.parent / "S01-new"), kind=StationKind.VILLAGE,
                              code="S01", name="小苏庄村", actor="tester")
    try:
        setup.after_init(fresh)
        info = identity.enroll_replacement(township, fresh.paths.keys / "card.json", "S01", reason="硬盘坏了",
                                           actor="t")
        assert info["station_id"] == station.station_id  # the old station id continues
        assert {r.key_id for r in identity.revocations(township)} == {old}
    finally:
        fresh.close()
