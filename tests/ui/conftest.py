"""UI tests run offscreen with a settings file of their own; ops run synchronously."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _gui_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_APP_GUI_SETTINGS", str(tmp_path / "gui.ini"))
    yield


@pytest.fixture(scope="session")
def qapp_args():
    return ["station-app-test"]


@pytest.fixture
def runner(qapp):
    from station_app.ui.app import make_qapp
    from station_app.ui.ops import OpRunner

    make_qapp()
    r = OpRunner(synchronous=True)
    errors: list[BaseException] = []
    r.show_error = lambda parent, e: errors.append(e)
    r.errors = errors  # type: ignore[attr-defined]
    return r
