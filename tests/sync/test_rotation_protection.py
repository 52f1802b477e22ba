"""Regression: rotating the keys of a passphrase-protected installation keeps them protected (they used to be
written unencrypted), and what the station signs afterwards still imports at the township."""

from __future__ import annotations

import json

import pytest

from station_app import config
from station_app.app import Application
from station_app.cli import main
from station_app.core.codes import StationKind
from station_app.sync.keyring import ENV_PASSPHRASE, PassphraseError, fixed

SECRET = "村里的口令-2021"
CONSULT = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "category": "婚姻家庭", "summary": "离婚"}


def _protected(keys_dir) -> bool:
    return (b"encrypted secret key" in (keys_dir / "minisign.key").read_bytes()
            and b"AGE-SECRET-KEY" not in (keys_dir / "age.key").read_bytes())


@pytest.fixture
def pair(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    town, _ = Application.init(config.resolve(tmp_path / "T00"), kind=StationKind.CENTRE, code="T00",
                               name="小王庄镇公共法律服务中心", passphrase=fixed(None))
    tcard, _ = town.keys.export_card(tmp_path / "t-card.json")
    station, info = Application.init(config.resolve(tmp_path / "S01"), kind=StationKind.VILLAGE, code="S01",
                                     name="小苏庄村", township_card=tcard, passphrase=fixed(SECRET))
    assert info["passphrase_protected"] and _protected(station.paths.keys)
    scard, _ = station.keys.export_card(tmp_path / "s-card.json")
    town.keys.enroll(scard)
    yield town, station
    station.close()
    town.close()


def test_rotation_keeps_the_protection_and_bundles_still_import(pair, tmp_path):
    town, station = pair
    station.consultations.record(CONSULT)
    first = station.bundles.export(tmp_path / "out")
    assert town.bundles.import_paths([first])[0].status == "imported"

    station.lock()  # nothing unlocked: rotation asks the provider, as a GUI dialog would
    info = station.keys.rotate(tmp_path / "rotation")
    keys = station.paths.keys
    assert _protected(keys), "the new keys must keep the old keys' passphrase"
    assert all(_protected_file(p) for p in (keys / "retired").iterdir() if p.name.endswith(".key"))

    # The new keys open with that passphrase only.
    station.lock()
    station.keyring.provider = fixed("wrong")
    station.consultations.record(CONSULT)
    with pytest.raises(PassphraseError, match="密钥口令不正确"):
        station.bundles.export(tmp_path / "out")
    assert len(list((tmp_path / "out").glob("*.stbundle"))) == 1  # a refused export leaves no file
    station.keyring.provider = fixed(SECRET)

    assert town.keys.enroll(info["statement"])["status"] == "rotated"
    second = station.bundles.export(tmp_path / "out")
    result = town.bundles.import_paths([second])[0]
    assert result.status == "imported", result.message


def _protected_file(path) -> bool:
    data = path.read_bytes()
    return b"encrypted secret key" in data or b"AGE ENCRYPTED FILE" in data or data.startswith(b"age-encryption")


def test_cli_identity_rotate_keeps_encrypted_key_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(ENV_PASSPHRASE, SECRET)
    root = tmp_path / "S02"
    assert main(["--data-dir", str(root), "init", "station", "--code", "S02", "--name", "大苏庄村", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passphrase_protected"] is True
    assert main(["--data-dir", str(root), "identity", "rotate", "--out", str(tmp_path / "rot"), "--json"]) == 0
    rotated = json.loads(capsys.readouterr().out)
    assert rotated["key_id"] != rotated["old_key_id"]
    assert _protected(root / "keys")
    monkeypatch.delenv(ENV_PASSPHRASE)
    # Without the passphrase (and no terminal to type it) the new key cannot be used: it is really protected.
    assert main(["--data-dir", str(root), "identity", "rotate", "--json"]) == 2
    assert ENV_PASSPHRASE in capsys.readouterr().err
