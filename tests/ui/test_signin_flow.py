"""The sign-in a person goes through every morning (ui.app.open_installation): the dialog, the password, the
application; the next start offers the same login and names the station before the database is opened."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from station_app.ui.app import last_sign_in, open_installation
from station_app.ui.dialogs.signin import SignInDialog
from tests.ui.conftest import ADMIN_PASSWORD, PASSWORDS


def _answer(qtbot, fill) -> dict:
    """When the modal sign-in dialog shows, let `fill(dialog)` type into it; returns what the dialog offered."""
    seen: dict = {}

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            QTimer.singleShot(20, poll)
            return
        seen.update(login=dialog.login.text(), station=dialog.findChild(type(dialog.message), "signInStation").text(),
                    password_focused=dialog.focusWidget() is dialog.password)
        fill(dialog)

    QTimer.singleShot(0, poll)
    return seen


def _sign_in(login: str, password: str):
    def fill(dialog: SignInDialog) -> None:
        dialog.login.setText(login)
        dialog.password.setText(password)
        dialog.try_sign_in()
        if dialog.isVisible():  # refused: the message is shown; try the right password next
            seen_messages.append(dialog.message.text())
            dialog.password.setText(PASSWORDS.get(login, ADMIN_PASSWORD))
            dialog.try_sign_in()

    seen_messages: list[str] = []
    return fill, seen_messages


def test_the_dialog_signs_in_and_the_next_start_offers_the_same_login_and_station(station_paths, qtbot, qapp):
    assert last_sign_in(station_paths) == {"login": "", "station": ""}
    fill, messages = _sign_in("clerk", "wrong-password")
    seen = _answer(qtbot, fill)
    app = open_installation(station_paths, provider=lambda _p: None)
    try:
        assert app is not None and app.login == "clerk"
        assert messages and messages[0]  # the wrong password was refused with a sentence, the dialog stayed
        assert seen["login"] == ""  # nobody signed in here before
    finally:
        app.close()
    assert last_sign_in(station_paths) == {"login": "clerk", "station": "S01 小苏庄村"}

    fill, _messages = _sign_in("clerk", PASSWORDS["clerk"])
    seen = _answer(qtbot, fill)
    app = open_installation(station_paths, provider=lambda _p: None)
    try:
        assert app.login == "clerk"
        assert seen == {"login": "clerk", "station": "S01 小苏庄村", "password_focused": True}
    finally:
        app.close()


def test_quitting_the_dialog_opens_nothing(station_paths, qtbot, qapp):
    seen = _answer(qtbot, lambda dialog: dialog.reject())
    assert open_installation(station_paths, provider=lambda _p: None) is None
    assert seen["login"] == ""
    assert last_sign_in(station_paths) == {"login": "", "station": ""}
