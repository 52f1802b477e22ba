"""Start-up: the window paints before the 今日 page and the status bar read the database (after_first_paint), the
installation opens with its quick_check beside start-up, and right after the first paint the check's verdict is
asked for and the daily backup made (a damaged file is reported in one sentence)."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QApplication, QLabel

from station_app.ui.widgets.deferred import after_first_paint


def test_after_first_paint_waits_for_the_paint(qtbot):
    label = QLabel("村公共法律服务工作室")
    qtbot.addWidget(label)
    ran: list[str] = []
    after_first_paint(label, lambda: ran.append("x"), fallback_ms=60_000)
    for _ in range(5):
        QApplication.processEvents()
    assert ran == []  # zero-timers have run; the widget has not been painted: nothing yet
    label.show()
    qtbot.waitUntil(lambda: ran == ["x"], timeout=5000)
    label.repaint()
    QApplication.processEvents()
    assert ran == ["x"]  # once


def test_after_first_paint_falls_back_when_never_painted(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    ran: list[int] = []
    after_first_paint(label, lambda: ran.append(1), fallback_ms=50)
    qtbot.waitUntil(lambda: ran == [1], timeout=5000)


def test_window_paints_before_today_reads_the_database(qtbot, runner, open_app):
    from station_app.ui.main_window import MainWindow

    app = open_app("admin")
    calls: list[str] = []
    status = app.bundles.status
    app.bundles.status = lambda: calls.append("status") or status()  # type: ignore[method-assign]
    w = MainWindow(app, runner, idle_minutes=0)
    qtbot.addWidget(w)
    for _ in range(3):
        QApplication.processEvents()
    today = w.page("today")
    assert calls == [] and today.boxes["duty"].text() == "正在读取…"  # nothing read before the window is shown
    w.show()
    qtbot.waitUntil(lambda: today.boxes["duty"].text() != "正在读取…" and bool(w.station_label.text()), timeout=5000)
    assert "status" in calls


def test_gui_opens_with_the_check_beside_start_up_then_backs_up(station_paths, runner, qtbot):
    from station_app.ui.app import after_open, open_signed_in
    from tests.ui.conftest import ADMIN_PASSWORD

    app = open_signed_in(station_paths, "admin", ADMIN_PASSWORD, lambda _p: None)
    try:
        assert app.db._check is not None and not app.db._check.started  # opening did not wait for the check
        assert not list(station_paths.backups.glob("daily-*"))  # the backup waits for the first paint
        after_open(app, runner)
        assert runner.errors == []
        assert list(station_paths.backups.glob("daily-*"))
    finally:
        app.close()


def test_a_damaged_file_is_reported_right_after_the_first_paint(station_paths, runner, qtbot):
    from station_app.store.db import DatabaseError
    from station_app.ui.app import after_open, open_signed_in
    from station_app.ui.ops import error_sentence
    from tests.ui.conftest import ADMIN_PASSWORD

    from station_app.app import Application

    with Application.open(station_paths, backup=False) as app:
        for n in range(30):
            app.consultations.record({"occurred_at": f"2026-02-0{n % 9 + 1}T10:00", "channel": "来访",
                                      "category": "合同", "summary": "宅基地边界纠纷" * 20, "anonymous": True})
    con = sqlite3.connect(station_paths.database)
    first = con.execute("SELECT max(rootpage) FROM sqlite_master").fetchone()[0] + 1
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(station_paths.database.read_bytes())
    assert len(data) > (first + 1) * page
    for off in range(first * page, len(data), page):  # the records' pages, not the schema's
        data[off:off + 64] = b"\xa5" * 64
    station_paths.database.write_bytes(bytes(data))
    app = open_signed_in(station_paths, "admin", ADMIN_PASSWORD, lambda _p: None)
    try:
        after_open(app, runner)
        assert len(runner.errors) == 1 and isinstance(runner.errors[0], DatabaseError)
        assert "已损坏" in error_sentence(runner.errors[0]) and "backup restore" in error_sentence(runner.errors[0])
        assert not list(station_paths.backups.glob("daily-*"))  # a damaged file is no backup
    finally:
        app.close()


def test_idle_watcher_filters_events_only_while_the_lock_is_on_and_after_the_first_paint(qtbot, runner, open_app):
    from station_app.ui.main_window import IdleWatcher, MainWindow

    off = IdleWatcher(0)
    assert not off._filtering  # no lock: no application-wide filter for every event to pass through
    off.set_minutes(5)
    assert off._filtering and off.timer.isActive()
    off.set_minutes(0)
    assert not off._filtering and not off.timer.isActive()
    w = MainWindow(open_app("admin"), runner, idle_minutes=10)
    qtbot.addWidget(w)
    assert w.idle.timer.isActive() and not w.idle._filtering  # counting, but not filtering before the paint
    w.show()
    qtbot.waitUntil(lambda: w.idle._filtering, timeout=5000)
    w.idle.timer.start(50)
    qtbot.keyClick(w.nav, "a")  # input restarts the full interval
    assert w.idle.timer.remainingTime() > 60_000
    w.idle.set_minutes(0)
