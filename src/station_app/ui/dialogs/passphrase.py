"""The key passphrase, asked for by the sync code from the worker thread: the dialog runs on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from station_app.core.i18n import _


class PassphraseProvider(QObject):
    """Callable `provider(purpose) -> str | None`, safe to call from any thread."""

    _ask = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._answer: str | None = None
        self._done = threading.Event()
        self._ask.connect(self._on_ask, Qt.ConnectionType.QueuedConnection)
        #: tests replace this with a function returning the passphrase
        self.prompt = self._dialog

    def __call__(self, purpose: str) -> str | None:
        if QThread.currentThread() is QApplication.instance().thread():
            return self.prompt(purpose)
        self._done.clear()
        self._ask.emit(purpose)
        self._done.wait()
        return self._answer

    @Slot(str)
    def _on_ask(self, purpose: str) -> None:
        try:
            self._answer = self.prompt(purpose)
        finally:
            self._done.set()

    @staticmethod
    def _dialog(purpose: str) -> str | None:
        text, ok = QInputDialog.getText(None, _("Key passphrase"),
                                        purpose or _("Enter the key passphrase"),
                                        QLineEdit.EchoMode.Password)
        return text if ok and text else None
