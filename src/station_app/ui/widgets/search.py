"""A search box that waits for a pause in typing (~200 ms) before asking for results."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit

from station_app.core.i18n import _

DEBOUNCE_MS = 200


class SearchBox(QLineEdit):
    search = Signal(str)

    def __init__(self, parent=None, *, placeholder: str | None = None, delay_ms: int = DEBOUNCE_MS):
        super().__init__(parent)
        self.setPlaceholderText(placeholder or _("Search name, phone, text (Ctrl+F)"))
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.fire)
        self.textChanged.connect(lambda _t: self._timer.start())  # each keystroke restarts the wait
        self.returnPressed.connect(self.fire)

    def fire(self) -> None:
        self._timer.stop()
        self.search.emit(self.text().strip())
