"""Progress and cancel for long work (bundle and ledger import/export, backups, opening with a migration).

A front end passes `progress(done, total, words)` (a GUI progress dialog, the CLI's progress bar) and
`cancelled() -> bool` (a Cancel button). Long operations call `Task.step(...)` and `Task.check()` at points where
stopping leaves nothing half written (before a final rename, before a commit); `check()` raises `Cancelled`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from station_app.core.errors import StationError
from station_app.core.i18n import _

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]


class Cancelled(StationError):
    """The person cancelled; nothing was written."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("cancelled; nothing was written"))


@dataclass
class Task:
    progress: ProgressFn | None = None
    cancelled: CancelFn | None = None

    def step(self, done: int, total: int, words: str = "") -> None:
        """Report progress, then stop here (Cancelled) if the person asked to."""
        self.report(done, total, words)
        self.check()

    def report(self, done: int, total: int, words: str = "") -> None:
        """Report progress only: for points past which the work is done (too late to cancel)."""
        if self.progress is not None:
            self.progress(done, total, words)

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled()


NO_TASK = Task()


def task_of(progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> Task:
    return Task(progress, cancelled) if (progress or cancelled) else NO_TASK
