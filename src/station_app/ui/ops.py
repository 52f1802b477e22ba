"""The one background-operation runner (after Anki's CollectionOp / QueryOp).

Every write and every slow read runs off the GUI thread on a single worker thread, so there is one database writer at
a time (SQLite has one). An op is a callable `work(progress, cancelled)`; it reports `progress(done, total, words)`
and may check `cancelled()` where stopping is safe. A progress dialog appears only when the op is still running after
SHOW_AFTER_MS; the cancel button is offered only when the op says it supports cancelling. A failure reaches the user
as one sentence (a StationError already is one, in the user's language); everything else goes to the log.

`OpRunner(synchronous=True)` runs ops inline so pytest-qt tests stay deterministic.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from station_app.core.errors import StationError
from station_app.core.i18n import _

log = logging.getLogger(__name__)

SHOW_AFTER_MS = 500

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]


class OpCancelled(Exception):
    """Raised by an op's work when it honoured a cancel request (nothing was written)."""


def error_sentence(error: BaseException) -> str:
    """One sentence for the user: a StationError's own message, else a plain fallback."""
    if isinstance(error, StationError):
        return str(error)
    if isinstance(error, OSError):
        return _("A file or USB drive could not be read or written; check that the drive is plugged in and has space, then try again.")
    return _("The operation did not finish: an unexpected error occurred; details are in the log (Help → Open log).")


def show_error(parent: QWidget | None, error: BaseException) -> None:
    QMessageBox.warning(parent, _("Not done"), error_sentence(error))


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object, object)  # result, error


@dataclass
class _Running:
    title: str
    cancellable: bool
    parent: QWidget | None
    cancel: threading.Event = field(default_factory=threading.Event)
    dialog: QProgressDialog | None = None
    done: bool = False
    last: tuple[int, int, str] = (0, 0, "")


class _Task(QRunnable):
    def __init__(self, work: Work, running: _Running, signals: _Signals):
        super().__init__()
        self.work, self.running, self.signals = work, running, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit, self.running.cancel.is_set)
        except BaseException as e:  # handed to the GUI thread, never lost
            self.signals.finished.emit(None, e)
        else:
            self.signals.finished.emit(result, None)


class OpRunner(QObject):
    """Runs ops one at a time on a single worker thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False):
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one database writer
        self._generations: dict[str, int] = {}
        self._keep: dict[object, _Signals] = {}  # signals of ops under way
        self.show_error: Callable[[QWidget | None, BaseException], None] = show_error

    def run(self, work: Work, on_success: Callable[[Any], None] | None = None, *, title: str = "",
            cancellable: bool = False, parent: QWidget | None = None,
            on_error: Callable[[BaseException], bool | None] | None = None, key: str | None = None,
            quiet: bool = False) -> None:
        """Run `work` in the background.

        `on_error(error)` may handle an error itself (e.g. mark the form's fields) and return True; otherwise the
        error dialog shows. With `key`, a newer op of the same key makes the older one's result stale: it is
        dropped (search as you type). `quiet` ops never show the progress dialog (a search while typing).
        """
        generation = None
        if key is not None:
            generation = self._generations[key] = self._generations.get(key, 0) + 1
        running = _Running(title or _("Working…"), cancellable, parent)

        def finish(result: Any, error: BaseException | None) -> None:
            running.done = True
            if running.dialog is not None:
                running.dialog.reset()
                running.dialog.deleteLater()
                running.dialog = None
            if key is not None and self._generations.get(key) != generation:
                return  # a newer op of the same key superseded this one
            if error is not None:
                self._failed(error, running, on_error)
            elif on_success is not None:
                on_success(result)

        if self.synchronous:
            def progress(done: int, total: int, words: str = "") -> None:
                running.last = (done, total, words)
            try:
                result = work(progress, running.cancel.is_set)
            except BaseException as e:
                finish(None, e)
            else:
                finish(result, None)
            return

        signals = _Signals()
        token = object()
        self._keep[token] = signals
        signals.progress.connect(lambda d, t, w: self._progress(running, d, t, w), Qt.ConnectionType.QueuedConnection)

        def done(result: Any, error: Any) -> None:
            # `signals` is not named in its own slots: Qt holds the slots while it lives, so a slot holding it was a
            # cycle no collector sees (every op's closures, _Running and signals object stayed alive, thousands
            # over a long scroll). It is let go once this delivery has returned.
            QTimer.singleShot(0, lambda: self._keep.pop(token, None))
            self.busy_changed.emit(False)
            finish(result, error)

        signals.finished.connect(done, Qt.ConnectionType.QueuedConnection)
        self.busy_changed.emit(True)
        if not quiet:
            QTimer.singleShot(SHOW_AFTER_MS, lambda: self._show_dialog(running))
        self._pool.start(_Task(work, running, signals))

    def _failed(self, error: BaseException, running: _Running,
                on_error: Callable[[BaseException], bool | None] | None) -> None:
        if isinstance(error, OpCancelled):
            return
        if not isinstance(error, StationError):
            log.error("%s failed", running.title, exc_info=(type(error), error, error.__traceback__))
        else:
            log.info("%s refused: %s", running.title, error)
        if on_error is not None and on_error(error):
            return
        self.show_error(running.parent, error)

    def _show_dialog(self, running: _Running) -> None:
        if running.done or running.dialog is not None:
            return
        dialog = QProgressDialog(running.title, _("Cancel") if running.cancellable else "", 0, 0,
                                 running.parent)
        dialog.setWindowTitle(_("Please wait"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not running.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(running.cancel.set)
        running.dialog = dialog
        self._progress(running, *running.last)
        dialog.show()

    def _progress(self, running: _Running, done: int, total: int, words: str) -> None:
        running.last = (done, total, words)
        d = running.dialog
        if d is None:
            return
        d.setMaximum(max(total, 0))
        d.setValue(min(done, total) if total > 0 else 0)
        if words:
            d.setLabelText(words)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the worker is idle (tests, shutdown)."""
        return self._pool.waitForDone(msecs)
