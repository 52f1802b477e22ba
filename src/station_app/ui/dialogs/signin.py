"""Sign-in: login and password, checked by the application object. Also the lock screen (same dialog)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from station_app.core.errors import StationError
from station_app.core.i18n import _


class SignInDialog(QDialog):
    """`opener(login, password)` returns the signed-in application (or raises). When locking an open application,
    `locked_user` is prefilled and the check is the application's own sign-in. `login`: the login to offer (the
    last one signed in here); the password field then has the focus."""

    def __init__(self, app: Any = None, *, opener=None, station_text: str = "", locked_user: str | None = None,
                 login: str = "", parent=None):
        super().__init__(parent)
        self.app, self.opener = app, opener
        self.signed_in: Any = None
        self.setObjectName("signInDialog")
        self.setWindowTitle(_("Locked: sign in again") if locked_user
                            else _("Sign in"))
        layout = QVBoxLayout(self)
        title = QLabel(station_text or _("Village Legal Service Station"))
        title.setObjectName("signInStation")
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        title.setFont(f)
        layout.addWidget(title)
        if locked_user:
            layout.addWidget(QLabel(_("The screen was locked after a quiet spell.")))
        form = QFormLayout()
        self.login = QLineEdit(locked_user or login)
        self.login.setObjectName("login")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Login"), self.login)
        form.addRow(_("Password"), self.password)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setStyleSheet("color: #b00020")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Quit"))
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if locked_user or login else self.login).setFocus()
        self.resize(380, 220)

    def try_sign_in(self) -> None:
        login, password = self.login.text().strip(), self.password.text()
        try:
            if self.opener is not None:
                self.signed_in = self.opener(login, password)
            else:
                self.signed_in = self.app.unlock(login, password)
        except StationError as e:
            self.message.setText(str(e))
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
