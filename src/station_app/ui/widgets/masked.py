"""A masked personal value (姓名、电话、身份证号) with a 显示 button; revealing goes through a callback that logs it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from station_app.core.i18n import _


class MaskedValue(QWidget):
    def __init__(self, masked: str, reveal: Callable[[], str] | None, parent=None):
        super().__init__(parent)
        self._reveal = reveal
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(masked or "—")
        layout.addWidget(self.label, 1)
        self.button = QPushButton(_("Show"))
        self.button.setToolTip(_("Show the full value (written to the access log)"))
        self.button.setVisible(reveal is not None and bool(masked))
        self.button.clicked.connect(self._on_reveal)
        layout.addWidget(self.button)

    def _on_reveal(self) -> None:
        if self._reveal is None:
            return
        self.label.setText(self._reveal() or "—")
        self.button.setEnabled(False)
