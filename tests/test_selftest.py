"""`station-app selftest`: one line per check, exit 0 when all pass, 1 with the failing check named."""

from __future__ import annotations

import json

from station_app import selftest
from station_app.cli import main


def test_selftest_passes_and_leaves_the_data_dir_alone(tmp_path, capsys):
    data = tmp_path / "not-set-up"
    assert main(["--data-dir", str(data), "selftest", "--no-gui"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("station-app ")
    checks = [line for line in out if line.startswith("[")]
    assert len(checks) == 5 and all(line.startswith("[通过]") for line in checks), out
    assert "同步包往返" in "\n".join(checks)
    assert not data.exists()  # a self-test never creates the installation it checks


def test_selftest_json_and_a_failing_check(tmp_path, capsys, monkeypatch):
    def broken(_scratch):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(selftest, "check_pdf", broken)
    assert main(["--data-dir", str(tmp_path / "d"), "selftest", "--no-gui", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    failed = [c for c in report["checks"] if not c["ok"]]
    assert [c["check"] for c in failed] == ["PDF 与中文字体"]
    assert "磁盘已满" in failed[0]["detail"]
    assert sum(c["ok"] for c in report["checks"]) == 4  # one failure never stops the other checks


def test_selftest_reads_an_existing_installation_without_writing(station, capsys):
    db_file = station.paths.database
    station.close()
    before = db_file.stat().st_mtime_ns
    assert main(["--data-dir", str(station.paths.root), "selftest", "--no-gui"]) == 0
    assert "完好" in capsys.readouterr().out
    assert db_file.stat().st_mtime_ns == before
