"""`bundle status` at a station: what it exported and what the township has confirmed (in-process, fast)."""

import json

from station_app.cli import main
from station_app.sync import exporter, importer
from tests.sync.transport import consult, make_pair


def _status(capsys, db) -> dict:
    db.close()  # the CLI opens the installation itself
    assert main(["--data-dir", str(db.paths.root), "bundle", "status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_status_follows_exports_and_the_townships_receipts(make_station, tmp_path, capsys):
    station, township = make_pair(make_station)
    first = _status(capsys, station)
    assert first["exported"] == [] and first["confirmed"]["confirmed"] is False

    consult(station)
    exporter.export_bundle(station, tmp_path / "usb")
    consult(station, "第二次")
    exporter.export_bundle(station, tmp_path / "usb")
    importer.import_paths(township, [tmp_path / "usb" / "S01-changes-000001.stbundle"])
    assert main(["--data-dir", str(township.paths.root), "bundle", "reference", "export",
                 "--out", str(tmp_path / "back")]) == 0
    capsys.readouterr()
    [result] = importer.import_paths(station, [tmp_path / "back"])
    assert result.status == "imported"

    status = _status(capsys, station)
    assert [e["number"] for e in status["exported"]] == [1, 2]
    assert status["confirmed"]["confirmed"] is True
    assert status["confirmed"]["unconfirmed"] == [2]
    assert "第 2 号" in status["confirmed"]["text"]
