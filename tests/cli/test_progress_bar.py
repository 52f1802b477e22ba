"""The command line draws a progress bar (tqdm) on a terminal, only for work that lasts over about a second."""

from __future__ import annotations

import io
import time

from station_app import config
from station_app.cli.common import Context, progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_only_on_a_terminal_and_not_with_json(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress_bar(Context(config.resolve("x"))) is None
    monkeypatch.setattr("sys.stderr", _Terminal())
    assert progress_bar(Context(config.resolve("x"), json=True)) is None
    assert progress_bar(Context(config.resolve("x"))) is not None


def test_quick_work_draws_nothing_slow_work_draws_a_bar(monkeypatch):
    term = _Terminal()
    monkeypatch.setattr("sys.stderr", term)
    quick = progress_bar(Context(config.resolve("x")))
    for n in range(11):
        quick(n, 10, "quick")
    assert term.getvalue() == ""

    slow = progress_bar(Context(config.resolve("x")))
    slow(0, 10, "写入记录")
    time.sleep(1.2)
    slow(5, 10, "写入记录")
    slow(10, 10, "写入记录")
    drawn = term.getvalue()
    assert "5/10" in drawn and "写入记录" in drawn
