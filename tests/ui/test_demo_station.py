"""`station-app gui --demo` (the README's second command) builds its demo station and paints the main window."""

from __future__ import annotations

import gc

from station_app.cli import main
from station_app.ui.app import ENV_EXIT_AFTER_PAINT


def test_gui_demo_builds_and_opens(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv(ENV_EXIT_AFTER_PAINT, "1")
    assert main(["gui", "--demo", "--data-dir", str(tmp_path / "demo")]) == 0
    assert gc.isenabled()  # paused for start-up (ui/start.py), on again once the window ended
    # Built once: the second start reuses it.
    assert main(["gui", "--demo", "--data-dir", str(tmp_path / "demo")]) == 0
    assert any((tmp_path / "demo").rglob("station.sqlite3"))
