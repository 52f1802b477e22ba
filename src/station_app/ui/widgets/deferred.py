"""Work that waits until a widget has been painted once.

`QTimer.singleShot(0, fn)` does not mean "after the first paint": a window's first paint waits for the platform's
expose event (WM_PAINT on Windows is the lowest-priority message; the offscreen and X11 platforms deliver expose
through the event loop), so zero-timers queued while the window was built run *before* it is painted, and a page that
fills itself that way keeps the user looking at nothing. `after_first_paint` runs `fn` in the event-loop turn after
the widget's first paint, or after `fallback_ms` if it is never painted (built hidden, a test that never shows it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 1000


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, fn: Callable[[], None], fallback_ms: int):
        super().__init__(widget)
        self.fn = fn
        self.done = False
        widget.installEventFilter(self)
        self.fallback = QTimer(self)
        self.fallback.setSingleShot(True)
        self.fallback.timeout.connect(self._run)
        self.fallback.start(fallback_ms)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self.done:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._run)  # after this paint has finished
        return False

    def _run(self) -> None:
        if self.done:
            return
        self.done = True
        self.fallback.stop()
        parent = self.parent()
        if isinstance(parent, QWidget):
            parent.removeEventFilter(self)
        try:
            self.fn()
        finally:
            self.deleteLater()


def after_first_paint(widget: QWidget, fn: Callable[[], None], *, fallback_ms: int = FALLBACK_MS) -> None:
    """Run `fn` once, right after `widget` is first painted (or after `fallback_ms` if it is not)."""
    _FirstPaint(widget, fn, fallback_ms)
