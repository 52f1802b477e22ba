"""Issue 7 item 11: a lost bundle is re-sent by number (the outbox), and the township closes a gap when a later
bundle covers its counter range; `stations` and the station's `bundle status` agree, and every gap message names
the command that fixes it. Real files, real keys, the CLI in-process."""

from __future__ import annotations

import hashlib
import json
import shutil

from station_app.cli import main
from station_app.sync import exporter, importer
from station_app.sync.merge import station_status
from tests.sync.transport import consult, make_pair


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(capsys, db, *args) -> tuple[int, str, str]:
    code = main(["--data-dir", str(db.paths.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _three_bundles(station, tmp_path):
    """Bundles 1, 2, 3 of the station, each in its own folder (as if on three sticks)."""
    paths = []
    for i in range(3):
        consult(station, f"第{i + 1}次")
        paths.append(exporter.export_bundle(station, tmp_path / f"stick{i + 1}"))
    return paths


def _missing(township) -> list[int]:
    [st] = [s for s in station_status(township) if s["code"] == "S01"]
    return st["missing"]


def test_resend_writes_exactly_the_lost_bundle_and_closes_the_gap(make_station, tmp_path, capsys):
    station, township = make_pair(make_station)
    b1, b2, b3 = _three_bundles(station, tmp_path)
    original = _sha(b2)
    shutil.rmtree(b2.parent)  # the stick with bundle 2 is lost
    results = importer.import_paths(township, [b1, b3])
    assert [r.status for r in results] == ["imported", "gap"]
    assert _missing(township) == [2]
    # The gap message names the command that fixes it.
    assert "bundle export --resend 2" in results[1].message

    station.close()
    code, out, err = _cli(capsys, station, "bundle", "export", "--resend", "2", "--out", str(tmp_path / "again"),
                          "--json")
    assert code == 0, err
    data = json.loads(out)
    again = tmp_path / "again" / "S01-changes-000002.stbundle"
    assert data["path"] == str(again) and [r["number"] for r in data["resent"]] == [2]
    assert _sha(again) == original  # the very same bundle, byte for byte

    [r] = importer.import_paths(township, [again])
    assert r.status == "imported", r.message
    assert _missing(township) == []
    # Re-sending it again is harmless.
    assert importer.import_paths(township, [again])[0].status == "already"


def test_resend_a_range_and_refuse_numbers_never_exported(make_station, tmp_path, capsys):
    station, township = make_pair(make_station)
    b1, b2, b3 = _three_bundles(station, tmp_path)
    shas = [_sha(p) for p in (b1, b2, b3)]
    station.close()
    code, out, err = _cli(capsys, station, "bundle", "export", "--resend", "1-3", "--out", str(tmp_path / "r"))
    assert code == 0, err
    for n, sha in enumerate(shas, 1):
        assert _sha(tmp_path / "r" / f"S01-changes-00000{n}.stbundle") == sha
    # Nothing exported under that number: a clear refusal, no file written, and it is quick even for a huge range.
    for spec in ("4", "2-99999999999999999", "0", "3-2", "x"):
        code, out, err = _cli(capsys, station, "bundle", "export", "--resend", spec, "--out", str(tmp_path / "bad"))
        assert code == 2, (spec, out)
        assert "--resend" in err
    assert not (tmp_path / "bad").exists()


def test_resend_without_a_stored_copy_says_what_to_do(make_station, tmp_path, capsys):
    """A bundle exported before the outbox existed (no stored copy) whose file is gone: the message names --from."""
    station, township = make_pair(make_station)
    b1, b2, b3 = _three_bundles(station, tmp_path)
    with station.raw_write() as s:
        from sqlalchemy import delete

        from station_app.store.recovery_models import OutboxBundle

        s.execute(delete(OutboxBundle).where(OutboxBundle.number == 2))
    kept = _sha(b2)
    # The file is still where it was written: it is sent again from there.
    station.close()
    code, out, err = _cli(capsys, station, "bundle", "export", "--resend", "2", "--out", str(tmp_path / "a"))
    assert code == 0, err
    assert _sha(tmp_path / "a" / "S01-changes-000002.stbundle") == kept
    b2.unlink()
    code, out, err = _cli(capsys, station, "bundle", "export", "--resend", "2", "--out", str(tmp_path / "b"))
    assert code == 2
    assert "--from" in err and "第 2 号" in err


def test_a_later_bundle_covering_the_range_closes_the_gap_everywhere(make_station, tmp_path, capsys):
    """`--from` (by change counter, the compatibility path) writes a new bundle; once the township holds it, the gap
    it covers is closed in `stations`, in the receipts and in the station's `bundle status`."""
    station, township = make_pair(make_station)
    b1, b2, b3 = _three_bundles(station, tmp_path)
    importer.import_paths(township, [b1, b3])
    assert _missing(township) == [2]

    station.close()
    code, out, err = _cli(capsys, station, "bundle", "export", "--from", "2", "--out", str(tmp_path / "from"),
                          "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["number"] == 4 and data["covers"] == [2, 3]
    code, out, err = _cli(capsys, station, "bundle", "export", "--from", "2", "--out", str(tmp_path / "from2"))
    assert "第 4 号" in out or "第 5 号" in out  # the text speaks of bundle numbers

    [r] = importer.import_paths(township, [tmp_path / "from" / "S01-changes-000004.stbundle"])
    assert r.status == "imported", r.message
    assert _missing(township) == []

    township.close()
    code, out, err = _cli(capsys, township, "stations", "--json")
    [entry] = [e for e in json.loads(out)["stations"] if e["code"] == "S01"]
    assert entry["missing"] == []
    code, out, err = _cli(capsys, township, "bundle", "reference", "export", "--out", str(tmp_path / "back"))
    assert code == 0, err
    code, out, err = _cli(capsys, station, "bundle", "import", str(tmp_path / "back"))
    assert code == 0, err
    code, out, err = _cli(capsys, station, "bundle", "status", "--json")
    status = json.loads(out)
    assert status["confirmed"]["unconfirmed"] == [5]  # the second --from bundle was never carried over
    assert 2 not in status["confirmed"]["unconfirmed"]


def test_stations_and_bundle_status_name_the_fixing_command(make_station, tmp_path, capsys):
    station, township = make_pair(make_station)
    b1, b2, b3 = _three_bundles(station, tmp_path)
    importer.import_paths(township, [b1, b3])
    township.close()
    code, out, err = _cli(capsys, township, "stations")
    assert "bundle export --resend 2" in out
    # Re-importing the later bundle answers from the log, and still says how to fix the gap.
    [r] = importer.import_paths(township, [b3])
    assert r.status == "already" and "--resend 2" in r.message
    code, out, err = _cli(capsys, township, "bundle", "reference", "export", "--out", str(tmp_path / "back"))
    station.close()
    _cli(capsys, station, "bundle", "import", str(tmp_path / "back"))
    code, out, err = _cli(capsys, station, "bundle", "status")
    assert "bundle export --resend 2" in out
