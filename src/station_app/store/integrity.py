"""SQLite's quick_check of the station database on a thread of its own, so opening need not wait for it.

The store's rule is that a damaged file is refused before anything is written to it, copied over a backup or
migrated. `StationDB.open(background_check=True)` keeps that rule without making the first window wait: the check
runs on its own connection and thread (SQLite runs it without Python's lock), reads may go ahead meanwhile, and every
write transaction, backup and migration first waits for the verdict and is refused, with the usual "damaged:
restore a backup" message, when the file is not sound. The check starts when `start()` is called (the GUI calls it
right after its first paint, so on a one- or two-core PC it does not slow the paint) or, at the latest, when
anything asks for the verdict.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from station_app.core.i18n import _


def damaged_message(path: Path, problems: list[str]) -> str:
    return _("the database {path} is damaged: {value}. Restore a backup with station-app backup restore.",
             path=path, value=problems[0])


class BackgroundCheck:
    """`PRAGMA quick_check` of `path` on a thread; `wait()` returns its problems (empty: sound)."""

    def __init__(self, path: Path, *, start: bool = True):
        self.path = Path(path)
        self._problems: list[str] | None = None
        self._cancelled = False
        self._started = False
        self._lock = threading.Lock()
        self._con: sqlite3.Connection | None = None
        self._thread = threading.Thread(target=self._run, name="station-quick-check", daemon=True)
        if start:
            self.start()

    def start(self) -> None:
        """Start the check (once; not after `cancel`)."""
        with self._lock:
            if self._started or self._cancelled:
                return
            self._started = True
        self._thread.start()

    def _run(self) -> None:
        problems: list[str] | None
        try:
            con = sqlite3.connect(self.path, check_same_thread=False)
        except sqlite3.Error as e:
            self._problems = [str(e)]
            return
        with self._lock:
            self._con = con
            cancelled = self._cancelled
        try:
            if cancelled:
                raise sqlite3.OperationalError("interrupted")
            rows = con.execute("PRAGMA quick_check").fetchall()
            problems = [] if [r[0] for r in rows] == ["ok"] else [r[0] for r in rows]
        except sqlite3.DatabaseError as e:
            problems = None if self._cancelled else [str(e)]
        finally:
            with self._lock:
                self._con = None
            con.close()
        self._problems = problems

    @property
    def started(self) -> bool:
        return self._started

    @property
    def done(self) -> bool:
        return self._started and not self._thread.is_alive()

    def wait(self) -> list[str]:
        """Start the check if it has not started, block until it has finished; its problems (empty: sound)."""
        self.start()
        if self._started:
            self._thread.join()
        if self._problems is None:  # cancelled (the database was closed): nothing is known, nothing may be written
            return [_("the check of the database was stopped before it finished")]
        return list(self._problems)

    def cancel(self) -> None:
        """Stop a running check (closing the database); waits for the thread to end."""
        with self._lock:
            self._cancelled = True
            if self._con is not None:
                self._con.interrupt()
        if self._started:
            self._thread.join()
