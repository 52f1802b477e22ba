"""Issue 7 trust holes (items 1, 2, 3, 7): each test failed on the code before the fix."""

from __future__ import annotations

import pytest

from station_app.core.i18n import set_language
from station_app.sync import exporter, importer, limits, merge
from tests.sync.transport import archive_members, consult, dump, header_for, make_pair, tar_gz, wrap


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


def _import(township, path):
    [r] = importer.import_paths(township, [path])
    return r


# -- item 3: header numbers are bounded; missing numbers are never materialised ----------------------------------

@pytest.mark.parametrize("field,value", [("number", 99999999999999999), ("epoch", 10 ** 17),
                                         ("counter_to", 10 ** 17)])
def test_absurd_header_numbers_are_refused(pair, tmp_path, field, value):
    station, township = pair
    h = header_for(station, **{field: value}, **({"prev_sha256": "0" * 64} if field == "number" else {}))
    path = wrap(station, tar_gz(archive_members(station)), tmp_path / "big.stbundle", header=h)
    before = dump(township)
    r = _import(township, path)
    assert r.status == "refused" and "limit" in r.message, r
    assert dump(township) == before


def test_a_far_number_reports_ranges_not_lists(pair, tmp_path):
    station, township = pair
    far = limits.MAX_BUNDLE_NUMBER
    # It starts after counter 1, so the missing bundles' changes (up to counter 1) are not here: the gap stays open
    # (a bundle reaching back to counter 0 would close it: sync/gaps.py).
    h = header_for(station, number=far, prev_sha256="0" * 64, counter_from=1)
    path = wrap(station, tar_gz(archive_members(station, after=1)), tmp_path / "far.stbundle", header=h)
    r = _import(township, path)
    assert r.status == "gap", r
    assert f"1-{far - 1}" in r.message
    assert len(r.missing) <= limits.MISSING_LIST_MAX
    [st] = [s for s in merge.station_status(township) if s["code"] == "S01"]
    assert st["missing_ranges"] == [[1, far - 1]]
    assert len(st["missing"]) <= limits.MISSING_LIST_MAX


def test_missing_numbers_is_bounded():
    assert merge.missing_ranges([1, 5, 10 ** 15]) == [[2, 4], [6, 10 ** 15 - 1]]
    assert len(merge.missing_numbers([10 ** 15])) == limits.MISSING_LIST_MAX


# -- item 1: a station's bundle carries only its own station row, as enrolled ------------------------------------

def _tampered_bundle(station, path, edit):
    """A correctly signed bundle of all of `station`'s changes whose tables were edited by `edit(tables)`."""
    from station_app.sync import bundle
    from station_app.sync.payload import collect_changes

    p = collect_changes(station, 0, station.counter())
    edit(p.tables)
    return wrap(station, bundle.build_archive(p.tables, p.files, p.meta), path)


def _station_codes(township):
    from sqlalchemy import select

    from station_app.store.models import Station

    with township.read() as s:
        return sorted(s.execute(select(Station.code, Station.kind)).all())


@pytest.mark.parametrize("changes", [{"code": "S02"}, {"kind": "centre", "code": "S07"}, {"kind": "centre"}])
def test_a_station_cannot_rewrite_its_station_row(make_station, tmp_path, changes):
    from tests.sync.transport import add_station

    station, township = make_pair(make_station)
    s02 = add_station(make_station, township, "S02", "小李庄村")
    consult(station, "一")
    consult(s02, "二")

    def edit(tables):
        for r in tables["stations"]:
            r.update(changes)

    bad = _tampered_bundle(station, tmp_path / "bad.stbundle", edit)
    before = dump(township)
    r = _import(township, bad)
    assert r.status == "refused" and "station" in r.message, r
    assert dump(township) == before
    # S02's genuine bundle still imports, and the station list is what the township enrolled.
    genuine = exporter.export_bundle(s02, tmp_path / "usb")
    assert _import(township, genuine).status == "imported"
    assert _import(township, exporter.export_bundle(station, tmp_path / "usb1")).status == "imported"
    assert _station_codes(township) == [("S01", "village"), ("S02", "village"), ("T00", "centre")]


def test_a_station_cannot_carry_history_of_another_station_row(pair, tmp_path, make_station):
    station, township = pair

    def edit(tables):
        for r in tables["record_history"]:
            if r["table_name"] == "stations":
                r["record_id"] = township.station_id

    r = _import(township, _tampered_bundle(station, tmp_path / "bad.stbundle", edit))
    assert r.status == "refused" and "station" in r.message, r


# -- item 7: a key rotated out signs nothing and rotates nothing -------------------------------------------------

def _clone(db, tmp_path, name):
    """The same installation on a thief's PC: a copy of its database and key files as they are now."""
    import shutil

    from station_app import config
    from station_app.services.base import StationDB
    from station_app.store.db import online_backup

    paths = config.resolve(tmp_path / name)
    paths.ensure()
    online_backup(db.paths.database, paths.database)
    shutil.copytree(db.paths.keys, paths.keys, dirs_exist_ok=True)
    return StationDB.open(paths)


def test_a_station_key_rotated_out_rotates_and_signs_nothing(pair, tmp_path):
    from station_app.sync import identity
    from station_app.sync.identity import IdentityError

    station, township = pair
    thief = _clone(station, tmp_path, "thief")  # holds K1
    try:
        info = identity.rotate(station, tmp_path / "rot")  # K1 -> K2
        assert identity.enroll(township, info["statement"])["status"] == "rotated"
        hijack = identity.rotate(thief, tmp_path / "thief-rot")  # K1 -> K3
        before = dump(township)
        with pytest.raises(IdentityError, match="rotated out"):
            identity.enroll(township, hijack["statement"])
        assert dump(township) == before
        # The thief's K3 is unknown and K1 signs nothing any more.
        consult(thief, "伪造")
        r = _import(township, exporter.export_bundle(thief, tmp_path / "thief-usb"))
        assert r.status == "refused", r
        # (the thief's clone signs with K3 now; make one with K1 too, from the retired key files)
        from dataclasses import replace

        from station_app.sync import bundle
        from station_app.sync.payload import collect_changes

        k1_files = identity.KeyFiles.retired(thief.paths.keys, info["old_key_id"])
        sk = identity.load_signing_key(thief, files=k1_files)
        p = collect_changes(thief, 0, thief.counter())
        h = replace(header_for(station), key_id=info["old_key_id"], counter_to=thief.counter())
        data = bundle.seal(bundle.build_archive(p.tables, p.files, p.meta), h, secret_key=sk,
                           recipients=[identity.township_key(station).age_recipient])
        (tmp_path / "k1.stbundle").write_bytes(data)
        r = _import(township, tmp_path / "k1.stbundle")
        assert r.status == "refused" and "rotated out" in r.message, r
        # The genuine station, on K2, still gets through.
        assert _import(township, exporter.export_bundle(station, tmp_path / "usb")).status == "imported"
    finally:
        thief.close()


def test_a_township_key_rotated_out_cannot_break_a_station(pair, tmp_path):
    from station_app.sync import identity
    from station_app.sync.identity import IdentityError
    from tests.conftest import run_cli

    station, township = pair
    thief = _clone(township, tmp_path, "thief")  # holds the township's T1
    try:
        info = identity.rotate(township, tmp_path / "rot")  # T1 -> T2
        assert identity.enroll(station, info["statement"])["status"] == "rotated"
        hijack = identity.rotate(thief, tmp_path / "thief-rot")  # T1 -> T3
        with pytest.raises(IdentityError, match="rotated out"):
            identity.enroll(station, hijack["statement"])
        assert identity.township_key(station).key_id == info["key_id"]
        for args in (["identity", "show"], ["bundle", "export", "--out", str(tmp_path / "usb")]):
            res = run_cli(*args, data_dir=station.paths.root)
            assert res.returncode == 0, res.stderr
            assert "Traceback" not in res.stderr
    finally:
        thief.close()


# -- item 2: a bundle's identity is what is signed, never the file's bytes ---------------------------------------

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _reencoded(path, out, line=1):
    """The same bundle with a signature line re-encoded (non-canonical base64 the minisign tool still accepts)."""
    import base64

    data = path.read_bytes()
    lines = data.split(b"\n", 4)
    text = lines[line].decode()
    body = text.rstrip("=")
    raw = base64.b64decode(text)
    for t in range(1, 16):
        i = _B64.index(body[-1]) ^ t
        if i >= 64:
            continue
        alt = body[:-1] + _B64[i] + text[len(body):]
        if base64.b64decode(alt) == raw and alt != text:
            lines[line] = alt.encode()
            out.write_bytes(b"\n".join(lines))
            return out
    raise AssertionError("no re-encoding found")


def _recommented(path, out):
    data = path.read_bytes()
    first, rest = data.split(b"\n", 1)
    out.write_bytes(b"untrusted comment: copied by the courier\n" + rest)
    return out


@pytest.mark.parametrize("tamper", ["comment", "signature", "global_signature"])
def test_a_courier_cannot_poison_a_stations_chain(pair, tmp_path, tamper):
    station, township = pair
    b1 = exporter.export_bundle(station, tmp_path / "usb")
    consult(station, "二")
    b2 = exporter.export_bundle(station, tmp_path / "usb")
    copy = tmp_path / "copy.stbundle"
    if tamper == "comment":
        _recommented(b1, copy)
    else:
        _reencoded(b1, copy, line=1 if tamper == "signature" else 3)
    assert copy.read_bytes() != b1.read_bytes()
    assert _import(township, copy).status == "imported"  # the edited copy arrives first
    assert _import(township, b1).status == "already"
    r = _import(township, b2)
    assert r.status == "imported", r
    assert merge.station_status(township)[0]["forks"] == [] or all(
        not s["forks"] for s in merge.station_status(township))


def test_a_copy_arriving_after_the_genuine_bundle_is_the_same_bundle(pair, tmp_path):
    station, township = pair
    b1 = exporter.export_bundle(station, tmp_path / "usb")
    assert _import(township, b1).status == "imported"
    for i, copy in enumerate((_recommented(b1, tmp_path / "c1.stbundle"), _reencoded(b1, tmp_path / "c2.stbundle"))):
        r = _import(township, copy)
        assert r.status == "already", r
    assert all(not s["forks"] for s in merge.station_status(township))


def test_an_edited_reference_bundle_does_not_make_the_station_refuse_the_next(pair, tmp_path, capsys):
    from station_app.cli import main

    station, township = pair
    assert _import(township, exporter.export_bundle(station, tmp_path / "usb")).status == "imported"

    def reference():
        out = tmp_path / "ref"
        assert main(["--data-dir", str(township.paths.root), "bundle", "reference", "export", "--out", str(out),
                     "--json"]) == 0
        import json

        path = json.loads(capsys.readouterr().out)["path"]
        set_language("en")
        return __import__("pathlib").Path(path)

    r1 = reference()
    assert _import(station, _recommented(r1, tmp_path / "r1-copy.stbundle")).status == "imported"
    assert _import(station, r1).status == "already"
    r2 = reference()
    r = _import(station, r2)
    assert r.status == "imported", r


def test_chains_of_release_0_1_0_keep_joining(tmp_path):
    """A township and a station of 0.1.0 (whose `prev` and logs are the file's sha256) upgraded to the bundle id."""
    import shutil
    from pathlib import Path

    from station_app import config
    from station_app.services.base import StationDB

    fixture = Path(__file__).parents[1] / "fixtures" / "v0.1.0"
    for name in ("township", "s01", "bundles"):
        shutil.copytree(fixture / name, tmp_path / name)
    for key in (tmp_path / "township" / "keys").iterdir():
        key.chmod(0o600)
    for key in (tmp_path / "s01" / "keys").iterdir():
        key.chmod(0o600)
    with StationDB.open(config.resolve(tmp_path / "township")) as township, \
            StationDB.open(config.resolve(tmp_path / "s01")) as station:
        b1, b2 = sorted((tmp_path / "bundles").iterdir())
        assert [r.status for r in importer.import_paths(township, [b1])] == ["imported"]
        assert _import(township, _recommented(b1, tmp_path / "b1-copy.stbundle")).status == "already"
        assert _import(township, b2).status == "imported"  # prev = the file's sha256 of bundle 1
        consult(station, "升级之后")
        b3 = exporter.export_bundle(station, tmp_path / "usb")  # prev = the 0.1.0 log's sha256 of bundle 2
        r = _import(township, b3)
        assert r.status == "imported", r
        consult(station, "再一次")
        assert _import(township, exporter.export_bundle(station, tmp_path / "usb")).status == "imported"
