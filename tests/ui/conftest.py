"""UI tests run offscreen with a settings file of their own; ops run synchronously."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _gui_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("STATION_APP_GUI_SETTINGS", str(tmp_path / "gui.ini"))
    yield


@pytest.fixture(autouse=True)
def _no_blind_modal_boxes(monkeypatch):
    """A message box left open would block the test run forever: answer them (Yes/OK) and keep what was asked."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[tuple] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Ok)
    yield asked


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


ADMIN_PASSWORD = "admin-pass-1"
PASSWORDS = {"clerk": "clerk-pass-1", "med": "med-pass-12", "adv": "adv-pass-12"}


@pytest.fixture
def station_paths(tmp_path):
    """A village station with an administrator, a dispatcher (clerk), a mediator (med), an adviser (adv) and
    today's duty shift; returns its paths."""
    from datetime import datetime, timedelta

    from station_app import config
    from station_app.app import Application
    from station_app.core.codes import StationKind
    from station_app.core.query import Query

    township, _info = Application.init(config.resolve(tmp_path / "T00"), kind=StationKind.CENTRE, code="T00",
                                       name="小王庄镇公共法律服务中心", admin_password=ADMIN_PASSWORD,
                                       passphrase=lambda purpose: None)
    with township:
        card, _ = township.keys.export_card(tmp_path / "T00.card.json")
    paths = config.resolve(tmp_path / "S01")
    app, _info = Application.init(paths, kind=StationKind.VILLAGE, code="S01", name="小苏庄村", township_card=card,
                                  admin_password=ADMIN_PASSWORD, passphrase=lambda purpose: None)
    with app:
        app.users.add(login="clerk", name="王秀英", role="调度员", password=PASSWORDS["clerk"])
        app.users.add(login="med", name="李调解", role="人民调解员", password=PASSWORDS["med"])
        app.users.add(login="adv", name="张律师", role="法律顾问", password=PASSWORDS["adv"])
        app.advisers.record({"name": "张立新", "law_firm": "勤达律师事务所", "phone": "13812345678"})
        adviser = app.advisers.list(Query(limit=None))[0]
        start = datetime.now().replace(hour=9, minute=0, second=0, microsecond=0)
        app.duty.record({"adviser_id": adviser.id, "start_at": start.isoformat(timespec="minutes"),
                         "end_at": (start + timedelta(hours=3)).isoformat(timespec="minutes")})
    return paths


@pytest.fixture
def open_app(station_paths):
    """open_app(login) -> the application signed in as that user (closed at the end)."""
    from station_app.app import Application

    opened = []

    def make(login: str = "admin"):
        password = ADMIN_PASSWORD if login == "admin" else PASSWORDS[login]
        app = Application.open(station_paths, login=login, password=password, passphrase=lambda purpose: None,
                               backup=False)
        opened.append(app)
        return app

    yield make
    for app in opened:
        try:
            app.close()
        except Exception:
            pass


def shown_window(qtbot, runner, app):
    """The main window on an opened application, shown, closed with the test."""
    from station_app.ui.main_window import MainWindow

    w = MainWindow(app, runner, idle_minutes=0)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def window(qtbot, runner, open_app):
    """window(login) -> the main window signed in as that user."""
    return lambda login="admin": shown_window(qtbot, runner, open_app(login))
