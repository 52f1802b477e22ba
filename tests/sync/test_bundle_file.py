"""The bundle file: layout, export numbering and chaining, atomic write, interrupted exports, import of folders."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from station_app.core.i18n import set_language
from station_app.store.keys_models import ExportedBundle
from station_app.sync import bundle, exporter, identity, importer
from station_app.sync.bundle import BundleHeader
from tests.sync.transport import consult, make_pair


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("zh_CN")


def test_header_round_trip_and_strict_parse():
    h = BundleHeader(1, "changes", "5b5a1aa5-16a4-49fb-942b-6cfbeeabca9b", "S01", 3, 0, 10, 25, "a" * 64,
                     "2024-03-02T01:00:00Z", "ED1DD2318AA4171A")
    text = h.to_comment()
    assert text.isascii() and "\n" not in text
    assert BundleHeader.from_comment(text) == h
    for bad in (text.replace("number=3", "number=03"), text.replace(" epoch=0", ""), text + " x=1",
                text.replace("prev=" + "a" * 64, "prev=-"), text.replace("to=25", "to=9"),
                text.replace("kind=changes", "kind=other"), text.replace("code=S01", "code=s01")):
        with pytest.raises(bundle.BundleRefused, match="malformed"):
            BundleHeader.from_comment(bad)


def test_export_numbers_and_chains_and_import_takes_a_folder(make_station, tmp_path):
    station, township = make_pair(make_station)
    out = tmp_path / "usb"
    p1 = exporter.export_bundle(station, out)
    assert p1.name == "S01-changes-000001.stbundle"
    assert exporter.export_bundle(station, out) is None  # nothing new: nothing written
    assert sorted(x.name for x in out.iterdir()) == [p1.name]
    consult(station)
    p2 = exporter.export_bundle(station, out)
    assert p2.name == "S01-changes-000002.stbundle"
    log = exporter.exported_bundles(station)
    assert [(e["number"], e["counter_from"], e["counter_to"], e["status"]) for e in log] == \
        [(1, 0, 1, "written"), (2, 1, station.counter(), "written")]
    # The log keys on the bundle id (what is signed), not the file's bytes (issue 7 item 2).
    assert log[0]["sha256"] == bundle.file_identity(p1.read_bytes())[0] != hashlib.sha256(p1.read_bytes()).hexdigest()
    assert log[1]["prev_sha256"] == log[0]["sha256"]
    sha, header = bundle.check_signature(township, p2)
    assert (header.number, header.prev_sha256, header.station_code) == (2, log[0]["sha256"], "S01")
    # --full re-sends everything under the next number, even with nothing new since bundle 2 (a lost USB stick);
    # --from N sends counters >= N.
    p3 = exporter.export_bundle(station, out, full=True)
    consult(station, "又一次")
    p4 = exporter.export_bundle(station, out, from_counter=2)
    assert [bundle.check_signature(township, p)[1].counter_from for p in (p3, p4)] == [0, 1]
    results = importer.import_paths(township, [out])
    assert [(r.number, r.status) for r in results] == [(1, "imported"), (2, "imported"), (3, "imported"),
                                                        (4, "imported")]
    assert [r.status for r in importer.import_paths(township, [p2])] == ["already"]
    assert "exported changes bundle 2" in (station.paths.logs / "sync.log").read_text()
    assert "import" in (township.paths.logs / "sync.log").read_text()


def test_opened_bundle_carries_the_payload(make_station, tmp_path):
    station, township = make_pair(make_station)
    cid = consult(station, "宅基地纠纷")
    path = exporter.export_bundle(station, tmp_path)
    opened = bundle.open_bundle(township, path)
    assert opened.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # The bundle id (issue 7 item 2) as docs/bundle-format.md computes it with standard tools.
    import subprocess

    shell = ("{ echo station-app-bundle-id/1; sed -n 3p \"$F\" | cut -c18-; "
             "tail -n +5 \"$F\" | sha256sum | cut -c1-64; } | sha256sum | cut -c1-64")
    by_hand = subprocess.run(["bash", "-c", shell], env={"F": str(path), "PATH": "/usr/bin:/bin"},
                             capture_output=True, text=True, check=True).stdout.strip()
    assert opened.sha256 == by_hand
    assert opened.header.station_id == station.station_id
    assert [r["id"] for r in opened.payload.tables["consultations"]] == [cid]


def test_escrow_recipient_can_also_decrypt(make_station, tmp_path):
    import pyrage

    escrow = pyrage.x25519.Identity.generate()
    station, township = make_pair(make_station, enroll=False)
    # The escrow recipient is part of the township card, so it must be set before the card is trusted:
    # here a fresh pair where the station learns it through the township's rotation statement.
    identity.set_escrow_recipient(township, str(escrow.to_public()))
    info = identity.rotate(township, tmp_path)
    identity.enroll(station, info["statement"])
    identity.enroll(township, station.paths.keys / "card.json")
    path = exporter.export_bundle(station, tmp_path / "out")
    body = bundle._split(path.read_bytes())[1]
    assert pyrage.decrypt(body, [escrow])[:2] == b"\x1f\x8b"  # gzip
    assert bundle.open_bundle(township, path).header.number == 1


def test_an_interrupted_export_never_reuses_a_number_that_reached_the_disk(make_station, tmp_path, monkeypatch):
    station, township = make_pair(make_station)
    out = tmp_path / "out"
    # 1) The write itself fails: the reserved number is released, nothing on disk.
    real = exporter.write_bundle_file

    def boom(*a, **kw):
        raise OSError("USB stick pulled out")

    monkeypatch.setattr(exporter, "write_bundle_file", boom)
    with pytest.raises(OSError):
        exporter.export_bundle(station, out)
    assert exporter.exported_bundles(station) == []
    # 2) The file reached the disk but the program died before the log said so: adopted as is.
    def dies_after(*a, **kw):
        real(*a, **kw)
        raise KeyboardInterrupt

    monkeypatch.setattr(exporter, "write_bundle_file", dies_after)
    with pytest.raises(KeyboardInterrupt):
        exporter.export_bundle(station, out)
    with station.read() as s:
        assert s.execute(select(ExportedBundle.status)).scalars().all() == ["pending"]
    monkeypatch.setattr(exporter, "write_bundle_file", real)
    first = (out / "S01-changes-000001.stbundle").read_bytes()
    consult(station)
    p = exporter.export_bundle(station, out)
    assert p.name == "S01-changes-000002.stbundle"
    assert (out / "S01-changes-000001.stbundle").read_bytes() == first
    log = exporter.exported_bundles(station)
    assert [(e["number"], e["status"]) for e in log] == [(1, "written"), (2, "written")]
    assert log[1]["prev_sha256"] == bundle.file_identity(first)[0]  # the bundle id (issue 7 item 2)
    assert [r.status for r in importer.import_paths(township, [out])] == ["imported", "imported"]


def test_export_needs_a_trusted_township(make_station, tmp_path):
    station = make_station()
    from station_app.sync import setup

    setup.after_init(station)
    with pytest.raises(Exception, match="trusts no township"):
        exporter.export_bundle(station, tmp_path)


def test_size_cap_on_write(make_station, tmp_path, monkeypatch):
    station, _township = make_pair(make_station)
    monkeypatch.setattr(bundle.LIMITS, "bundle_bytes", 100)
    with pytest.raises(bundle.BundleRefused, match="too large"):
        exporter.export_bundle(station, tmp_path)
    assert list(tmp_path.glob("*.stbundle")) == []
    assert exporter.exported_bundles(station) == []


def test_cli_export_and_import(make_station, tmp_path, cli):
    station, township = make_pair(make_station)
    out = tmp_path / "out"
    r = cli("--lang", "en", "bundle", "export", "--out", str(out), data_dir=station.paths.root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("S01-changes-000001.stbundle")
    r = cli("--lang", "en", "bundle", "export", "--out", str(out), data_dir=station.paths.root)
    assert r.returncode == 0 and "nothing new" in r.stdout
    (out / "junk.stbundle").write_bytes(b"hello")
    r = cli("--lang", "en", "bundle", "import", str(out), "--json", data_dir=township.paths.root)
    assert r.returncode == 1
    import json

    statuses = {x["path"].rsplit("/", 1)[-1]: x["status"] for x in json.loads(r.stdout)}
    assert statuses == {"S01-changes-000001.stbundle": "imported", "junk.stbundle": "refused"}
    r = cli("--lang", "en", "stations", "--json", data_dir=township.paths.root)
    data = json.loads(r.stdout)
    assert data["stations"][0]["code"] == "S01" and data["stations"][0]["last_number"] == 1
    r = cli("--lang", "en", "revoke", "S01", "--reason", "PC stolen", data_dir=township.paths.root)
    assert r.returncode == 0 and "revoked" in r.stdout
    r = cli("--lang", "en", "identity", "show", data_dir=station.paths.root)
    assert "fingerprint" in r.stdout and "T00" in r.stdout
