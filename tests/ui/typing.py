"""Typing into real widgets as a Chinese user does.

QTest.keyClicks only knows keys on a keyboard (it aborts on 张); Chinese text arrives through the input method, as
a commit string. `type_text` sends ASCII as key clicks and everything else as input-method commits.
"""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication


def type_text(qtbot, widget, text: str) -> None:
    widget.setFocus()
    run = ""
    for ch in text:
        if ch.isascii():
            run += ch
            continue
        if run:
            qtbot.keyClicks(widget, run)
            run = ""
        event = QInputMethodEvent()
        event.setCommitString(ch)
        target = widget.focusProxy() or widget
        QApplication.sendEvent(target, event)
    if run:
        qtbot.keyClicks(widget, run)
