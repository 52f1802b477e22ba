"""Every bad input of issue 3: a clear message, a refusal, and the township database unchanged."""

from __future__ import annotations

import io
import json
import shutil
import tarfile

import pytest

from station_app import config
from station_app.core.codes import StationKind
from station_app.core.i18n import set_language
from station_app.services.base import StationDB
from station_app.store.db import online_backup
from station_app.sync import bundle, exporter, identity, importer, setup
from station_app.sync.payload import collect_changes
from tests.sync.transport import (add_station, archive_members, consult, dump, header_for, make_pair, tar_gz,
                                  with_manifest, wrap)


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("zh_CN")


@pytest.fixture
def pair(make_station):
    station, township = make_pair(make_station)
    consult(station, "遗产怎么分")
    return station, township


def refused(township, path, *messages, allow_forks=False):
    """Import `path`; assert it is refused with one of `messages` and nothing in the township database changed."""
    before = dump(township)
    [result] = importer.import_paths(township, [path])
    after = dump(township)
    if allow_forks:  # a fork is recorded for review: that row is the only change allowed
        before.pop("sync_forks", None)
        after.pop("sync_forks", None)
    assert result.status == "refused", result
    assert any(m in result.message for m in messages), result.message
    assert after == before
    return result


def good_bundle(station, tmp_path):
    return exporter.export_bundle(station, tmp_path / "usb")


# -- the file as a whole ---------------------------------------------------------------------------------------

def test_over_the_size_cap(pair, tmp_path, monkeypatch):
    station, township = pair
    path = good_bundle(station, tmp_path)
    monkeypatch.setattr(bundle.LIMITS, "bundle_bytes", path.stat().st_size - 1)
    refused(township, path, "too large")


def test_missing_signature(pair, tmp_path):
    station, township = pair
    data = good_bundle(station, tmp_path).read_bytes()
    body = bundle._split(data)[1]
    (tmp_path / "nosig.stbundle").write_bytes(body)
    refused(township, tmp_path / "nosig.stbundle", "no signature")


def test_truncated_signature(pair, tmp_path):
    station, township = pair
    data = good_bundle(station, tmp_path).read_bytes()
    (tmp_path / "cut.stbundle").write_bytes(data[:90])
    refused(township, tmp_path / "cut.stbundle", "incomplete one")
    lines = data.split(b"\n", 4)
    (tmp_path / "cut2.stbundle").write_bytes(b"\n".join(lines[:3] + [lines[4]]))  # global signature line gone
    refused(township, tmp_path / "cut2.stbundle", "signature is damaged")


def test_garbage_signature(pair, tmp_path):
    station, township = pair
    data = good_bundle(station, tmp_path).read_bytes()
    lines = data.split(b"\n", 4)
    lines[1] = b"RUQ" + b"A" * 97 + b"="  # valid base64 of the wrong length
    (tmp_path / "g1.stbundle").write_bytes(b"\n".join(lines))
    refused(township, tmp_path / "g1.stbundle", "signature is damaged")
    lines = data.split(b"\n", 4)
    sig = bytearray(lines[3])
    sig[10:20] = b"ABCDEFGHIJ"  # a forged global signature (valid base64)
    lines[3] = bytes(sig)
    (tmp_path / "g2.stbundle").write_bytes(b"\n".join(lines))
    refused(township, tmp_path / "g2.stbundle", "does not verify")


def test_unknown_key(make_station, tmp_path):
    station, township = make_pair(make_station, enroll=False)
    path = good_bundle(station, tmp_path)
    refused(township, path, "unknown key")


def test_revoked_key(pair, tmp_path):
    station, township = pair
    path = good_bundle(station, tmp_path)
    identity.revoke(township, "S01", reason="PC stolen", actor="t")
    refused(township, path, "revoked", "PC stolen")


@pytest.mark.parametrize("where", ["body-start", "body-middle", "body-end", "sig-line", "global-sig"])
def test_one_byte_changed(pair, tmp_path, where):
    station, township = pair
    data = bytearray(good_bundle(station, tmp_path).read_bytes())
    head_len = len(data) - len(bundle._split(bytes(data))[1])
    lines_end = [i for i, c in enumerate(data[:head_len]) if c == 0x0A]
    pos = {"body-start": head_len, "body-middle": head_len + (len(data) - head_len) // 2,
           "body-end": len(data) - 1, "sig-line": lines_end[0] + 30, "global-sig": lines_end[2] + 20}[where]
    data[pos] = (data[pos] + 1) % 256 if data[pos] != ord("z") else ord("y")
    (tmp_path / "flip.stbundle").write_bytes(bytes(data))
    refused(township, tmp_path / "flip.stbundle", "does not verify", "signature is damaged", "unknown key")


def test_signed_comment_edited(pair, tmp_path):
    station, township = pair
    data = good_bundle(station, tmp_path).read_bytes()
    edited = data.replace(b"number=1 ", b"number=7 ", 1)
    assert edited != data
    (tmp_path / "edit.stbundle").write_bytes(edited)
    refused(township, tmp_path / "edit.stbundle", "does not verify")


def test_encrypted_to_another_township(make_station, pair, tmp_path):
    station, township = pair
    other = make_station("T01", "别的镇", StationKind.CENTRE)
    setup.after_init(other)
    p = collect_changes(station, 0, station.counter())
    archive = bundle.build_archive(p.tables, p.files, p.meta)
    path = wrap(station, archive, tmp_path / "x.stbundle", recipients=[identity.own_key(other).age_recipient])
    refused(township, path, "not encrypted to this installation")


def test_truncated_ciphertext(pair, tmp_path):
    station, township = pair
    data = good_bundle(station, tmp_path).read_bytes()
    (tmp_path / "t1.stbundle").write_bytes(data[:-100])  # cut on the way: the signature no longer matches
    refused(township, tmp_path / "t1.stbundle", "does not verify")
    # A correctly signed but truncated ciphertext (a buggy or hostile writer): decryption refuses it.
    body = bundle._split(data)[1][:-100]
    sk = identity.load_signing_key(station)
    forged = bytes(sk.sign(body, trusted_comment=header_for(station).to_comment())) + b"\n" + body
    (tmp_path / "t2.stbundle").write_bytes(forged)
    refused(township, tmp_path / "t2.stbundle", "ciphertext is damaged or truncated")


def test_a_station_bundle_signed_as_someone_else(pair, make_station, tmp_path):
    station, township = pair
    add_station(make_station, township, "S02")
    header = header_for(station, station_code="S02")
    p = collect_changes(station, 0, station.counter())
    path = wrap(station, bundle.build_archive(p.tables, p.files, p.meta), tmp_path / "x.stbundle", header=header)
    refused(township, path, "claims station S02")


# -- the archive inside ------------------------------------------------------------------------------------------

def _wrapped(station, tmp_path, archive: bytes, name: str):
    return wrap(station, archive, tmp_path / f"{name}.stbundle")


def test_archive_extra_member(pair, tmp_path):
    station, township = pair
    members = archive_members(station)
    arch = tar_gz(members + [("notes.txt", b"hello")])
    refused(township, _wrapped(station, tmp_path, arch, "extra"), "unexpected member 'notes.txt'")


def test_archive_missing_member(pair, tmp_path):
    station, township = pair
    members = [m for m in archive_members(station) if m[0] != "tables/consultations.json"]
    refused(township, _wrapped(station, tmp_path, tar_gz(members), "missing"),
            "member 'tables/consultations.json' is missing")
    no_manifest = [m for m in archive_members(station) if m[0] != "manifest.json"]
    refused(township, _wrapped(station, tmp_path, tar_gz(no_manifest), "nomanifest"), "manifest.json is missing")


def test_archive_duplicated_member(pair, tmp_path):
    station, township = pair
    members = archive_members(station)
    dup = members + [members[-1]]
    refused(township, _wrapped(station, tmp_path, tar_gz(dup), "dup"), "duplicated member")


@pytest.mark.parametrize("name", ["../evil.json", "/etc/passwd", "tables/../../x.json", "tables\\..\\x.json"])
def test_archive_path_traversal(pair, tmp_path, name):
    station, township = pair
    members = archive_members(station)
    refused(township, _wrapped(station, tmp_path, tar_gz(members + [(name, b"[]")]), "trav"),
            "path outside the archive", "unexpected member")


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_archive_links(pair, tmp_path, kind):
    station, township = pair
    members = archive_members(station)
    link = tarfile.TarInfo("files/" + "0" * 64)
    link.type = kind
    link.linkname = "/etc/passwd"
    refused(township, _wrapped(station, tmp_path, tar_gz(members + [link]), "link"), "not a regular file")


def test_decompression_bomb(pair, tmp_path, monkeypatch):
    station, township = pair
    monkeypatch.setattr(bundle.LIMITS, "plaintext_bytes", 1024 * 1024)
    members = archive_members(station)
    bomb = tar_gz(members, trailing=b"\0" * (8 * 1024 * 1024))  # 8 MiB of zeros compress to a few KiB
    path = _wrapped(station, tmp_path, bomb, "bomb")
    assert path.stat().st_size < 64 * 1024
    refused(township, path, "decompression bomb")


def test_data_after_the_archive_end(pair, tmp_path):
    station, township = pair
    raw = io.BytesIO()
    import gzip

    members = archive_members(station)
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for n, d in members:
            info = tarfile.TarInfo(n)
            info.size = len(d)
            tf.addfile(info, io.BytesIO(d))
    arch = gzip.compress(raw.getvalue() + b"hidden data" + b"\0" * 1000)
    refused(township, _wrapped(station, tmp_path, arch, "tail"), "after the end of the archive", "damaged")


def test_member_not_matching_the_manifest(pair, tmp_path):
    station, township = pair
    members = [(n, b"[]" if n == "tables/consultations.json" else d) for n, d in archive_members(station)]
    refused(township, _wrapped(station, tmp_path, tar_gz(members), "mism"), "does not match the manifest")


# -- the content -------------------------------------------------------------------------------------------------

def _content(station):
    return [m for m in archive_members(station) if m[0] != "manifest.json"]


def _tamper_rows(station, table, fn):
    out = []
    for n, d in _content(station):
        if n == f"tables/{table}.json":
            rows = json.loads(d)
            fn(rows)
            d = json.dumps(rows).encode()
        out.append((n, d))
    return out


def test_malformed_json(pair, tmp_path):
    station, township = pair
    members = [(n, b'[{"id": ' if n == "tables/consultations.json" else d) for n, d in _content(station)]
    refused(township, _wrapped(station, tmp_path, with_manifest(members), "json"),
            "tables/consultations.json in the bundle is not valid JSON")
    members = [(n, b"[NaN]" if n == "tables/consultations.json" else d) for n, d in _content(station)]
    refused(township, _wrapped(station, tmp_path, with_manifest(members), "nan"), "not valid JSON")


def test_wrong_types(pair, tmp_path):
    station, township = pair
    members = _tamper_rows(station, "consultations", lambda rows: rows[0].update(counter="2"))
    refused(township, _wrapped(station, tmp_path, with_manifest(members), "type"),
            "table consultations", "field counter: must be an integer")
    members = [(n, b'{"a": 1}' if n == "tables/consultations.json" else d) for n, d in _content(station)]
    refused(township, _wrapped(station, tmp_path, with_manifest(members), "obj"), "must be a list")


def test_bad_dates(pair, tmp_path):
    station, township = pair
    members = _tamper_rows(station, "consultations", lambda rows: rows[0].update(occurred_at="2024-02-30T09:30:00"))
    refused(township, _wrapped(station, tmp_path, with_manifest(members), "date"),
            "field occurred_at: bad date-time")


# -- detected by the merge (data side) ---------------------------------------------------------------------------

def test_records_claiming_another_station(pair, make_station, tmp_path):
    station, township = pair
    other = add_station(make_station, township, "S02")
    consult(other, "别站的记录")
    p = collect_changes(other, 0, other.counter())
    # S01 signs S02's rows.
    path = wrap(station, bundle.build_archive(p.tables, p.files, p.meta), tmp_path / "claim.stbundle",
                header=header_for(station, counter_to=other.counter()))
    refused(township, path, "does not belong to the station that signed the bundle")


def _clone_station(station, tmp_path) -> StationDB:
    """The same station on a second PC (a disk image restored from an old backup): same keys, same log."""
    paths = config.resolve(tmp_path / "clone")
    paths.ensure()
    online_backup(station.paths.database, paths.database)
    shutil.copytree(station.paths.keys, paths.keys, dirs_exist_ok=True)
    return StationDB.open(paths)


def test_rollback_to_an_older_bundle_number(pair, tmp_path):
    station, township = pair
    old_pc = _clone_station(station, tmp_path)  # taken when bundle 1 had not been exported yet
    try:
        p1 = exporter.export_bundle(station, tmp_path / "a")
        consult(station, "第二批")
        p2 = exporter.export_bundle(station, tmp_path / "a")
        assert [r.status for r in importer.import_paths(township, [p1, p2])] == ["imported", "imported"]
        # The old PC knows nothing of those: it exports "bundle 1" again, with other content.
        consult(old_pc, "旧电脑上的记录")
        stale = exporter.export_bundle(old_pc, tmp_path / "b")
        assert stale.name.endswith("000001.stbundle")
        result = refused(township, stale, "already imported with different content", "rollback",
                         allow_forks=True)
        assert result.fork
    finally:
        old_pc.close()


def test_same_number_different_content(pair, tmp_path):
    station, township = pair
    p1 = exporter.export_bundle(station, tmp_path / "a")
    assert importer.import_paths(township, [p1])[0].status == "imported"
    # Bundle 1 again, same range, different rows, correctly signed: an equivocating station.
    consult(station, "另一个版本")
    p = collect_changes(station, 0, station.counter())
    path = wrap(station, bundle.build_archive(p.tables, p.files, p.meta), tmp_path / "eq.stbundle",
                header=header_for(station, counter_to=station.counter()))
    result = refused(township, path, "already imported with different content", allow_forks=True)
    assert result.fork
