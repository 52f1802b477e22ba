"""`station-app gui --screenshot-dir`: one PNG per page and main dialog, with the installation's data."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from station_app.cli import main as cli_main
from tests.ui.conftest import ADMIN_PASSWORD


def test_screenshot_mode_writes_every_page(station_paths, tmp_path, monkeypatch, qapp):
    out = tmp_path / "shots"
    monkeypatch.setenv("STATION_APP_PASSWORD", ADMIN_PASSWORD)
    code = cli_main(["--data-dir", str(station_paths.root), "gui", "--screenshot-dir", str(out), "--lang", "zh_CN"])
    assert code == 0
    names = {p.name for p in out.iterdir()}
    for page in ("today", "duty", "consultations", "mediation", "postings", "outreach", "ledger", "sync", "settings",
                 "signin", "setup", "consultation-form", "case-form", "posting-form"):
        assert f"gui-{page}-zh_CN.png" in names
    img = QImage(str(out / "gui-today-zh_CN.png"))
    assert img.width() >= 1200 and img.height() >= 700
    # Not blank: a painted page has many colours.
    colours = {img.pixel(x, y) for x in range(0, img.width(), 17) for y in range(0, img.height(), 13)}
    assert len(colours) > 8


def test_screenshot_mode_needs_a_password(station_paths, tmp_path, monkeypatch, qapp):
    monkeypatch.delenv("STATION_APP_PASSWORD", raising=False)
    with pytest.raises(SystemExit) as e:
        cli_main(["--data-dir", str(station_paths.root), "gui", "--screenshot-dir", str(tmp_path / "x")])
    assert "STATION_APP_PASSWORD" in str(e.value)
