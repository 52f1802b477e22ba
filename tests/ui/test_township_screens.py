"""Township mode from the command line: `gui --screenshot-dir` on a township saves gui-township-<key>-<lang>.png
for every township page and main dialog (the fork review included), and `gui --demo --township` builds its demo
township once (21 stations' bundles imported, a fork, a second round waiting on U盘-新) and opens it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from station_app.cli import main as cli_main
from station_app.ui.app import ENV_EXIT_AFTER_PAINT
from tests.ui.township_world import ADMIN_PASSWORD, open_app, township_source, world  # noqa: F401


def test_screenshot_mode_on_a_township(world, tmp_path, monkeypatch, qapp):
    with open_app(world, "T00") as app:  # a fork waiting, so its review dialog is shot too
        app.bundles.import_paths([world / "stick", world / "later", world / "clone"])
    out = tmp_path / "shots"
    monkeypatch.setenv("STATION_APP_PASSWORD", ADMIN_PASSWORD)
    code = cli_main(["--data-dir", str(world / "T00"), "gui", "--screenshot-dir", str(out), "--lang", "en"])
    assert code == 0
    names = {p.name for p in out.iterdir()}
    for name in ("import", "stations", "settings", "signin", "fork-review", "user-form"):
        assert f"gui-township-{name}-en.png" in names
    assert not any(n.startswith("gui-today") for n in names)
    img = QImage(str(out / "gui-township-stations-en.png"))
    assert img.width() >= 1200
    colours = {img.pixel(x, y) for x in range(0, img.width(), 17) for y in range(0, img.height(), 13)}
    assert len(colours) > 8


@pytest.mark.slow
def test_gui_demo_township_builds_once_and_opens(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv(ENV_EXIT_AFTER_PAINT, "1")
    root = tmp_path / "demo"
    assert cli_main(["gui", "--demo", "--township", "--data-dir", str(root)]) == 0
    built = (root / "gui-demo-township.json").stat().st_mtime
    assert cli_main(["gui", "--demo", "--township", "--data-dir", str(root)]) == 0
    assert (root / "gui-demo-township.json").stat().st_mtime == built  # reused, not built again
    with open_app(root, "T00") as app:
        overview = app.stations.overview()
        assert len(overview["stations"]) == 21
        assert all(s["last_number"] for s in overview["stations"])
        assert [f["code"] for f in app.forks.list()] == ["S05"]
    assert len(list((root / "U盘-新").glob("*.stbundle"))) == 4
