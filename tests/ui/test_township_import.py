"""Township mode: the window's page set and the 导入中心 (import centre) through the real widgets, with real signed
and encrypted bundles; results are checked against the township's database through the application object."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from station_app.app import PermissionDenied
from tests.ui.township_world import open_app, township_source, township_window, world  # noqa: F401

LEFT = Qt.MouseButton.LeftButton


def drop(widget, paths) -> None:
    """What the window system delivers when files are dropped: a QDropEvent with file URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(QPoint(10, 10)), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)


def cell(page, row: int, column: str) -> str:
    from station_app.ui.township.results import COLUMNS

    return page.model.data(page.model.index(row, COLUMNS.index(column)))


def test_township_window_has_the_township_pages(township_window):
    w = township_window("admin")
    keys = [c.key for c in w.classes]
    assert keys == ["overview", "import", "stations", "records", "settings"]  # 总览 and 各站记录 from tw-overview
    assert "consultations" not in keys and "sync" not in keys
    w.update_status()
    assert "T00" in w.station_label.text() and "3" in w.sent_label.text()


def test_dropping_a_folder_imports_every_bundle_and_shows_counts(township_window, world):
    w = township_window("staff")
    page = w.show_page("import")
    assert page.drop_zone.isEnabled()
    drop(page.drop_zone, [world / "stick"])
    assert page.model.rowCount() == 3
    assert {cell(page, r, "station") for r in range(3)} == {"S01", "S02", "S03"}
    for r in range(3):
        assert cell(page, r, "status") == "已导入"
        # Two consultations and their history rows at least.
        assert int(cell(page, r, "rows")) >= 2
        assert cell(page, r, "file").endswith(".stbundle")
    assert "3" in page.summary.text() and "已导入" in page.summary.text()
    # The database holds what the rows say.
    overview = w.app.stations.overview()
    assert {s["code"]: s["last_number"] for s in overview["stations"]} == {"S01": 1, "S02": 1, "S03": 1}

    # The same drive again: each one says it was already imported, nothing changes.
    page.import_paths([str(world / "stick")])
    assert [cell(page, r, "status") for r in range(3)] == ["以前已导入"] * 3
    assert "导入过" in cell(page, 0, "message") and "未做任何改动" in cell(page, 0, "message")


def test_a_gap_is_shown_with_the_missing_number(township_window, world):
    w = township_window("admin")
    page = w.show_page("import")
    page.import_paths([str(world / "stick")])
    page.import_paths([str(world / "later" / "S02-changes-000003.stbundle")])
    assert page.model.rowCount() == 1
    assert cell(page, 0, "status") == "已导入，有缺号"
    assert cell(page, 0, "missing") == "2"
    assert "2" in cell(page, 0, "message")
    [s02] = [s for s in w.app.stations.overview()["stations"] if s["code"] == "S02"]
    assert s02["missing"] == [2] and s02["last_number"] == 3


def test_a_refused_bundle_shows_its_reason_and_never_stops_the_others(township_window, world, tmp_path):
    w = township_window("admin")
    page = w.show_page("import")
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for f in (world / "stick").iterdir():
        (mixed / f.name).write_bytes(f.read_bytes())
    # A crafted file named like HTML with a terminal escape, holding garbage; sorted first.
    evil = mixed / "<img src=x>\x1b[31m.stbundle"
    evil.write_bytes(b"<b>not a bundle</b>\x1b]0;owned\x07")
    # A real bundle damaged in the middle (its signature no longer holds).
    good = (world / "stick").glob("S02-*.stbundle").__next__()
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF
    (mixed / "S02-damaged.stbundle").write_bytes(bytes(data))
    page.import_paths([str(mixed)])
    rows = {cell(page, r, "file"): r for r in range(page.model.rowCount())}
    assert page.model.rowCount() == 5
    refused = [r for r in range(5) if cell(page, r, "status") == "拒绝导入"]
    assert len(refused) == 2
    for r in refused:
        reason = cell(page, r, "message")
        assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason)  # a Chinese sentence
        assert "\x1b" not in reason and "\x07" not in reason
    evil_row = next(r for name, r in rows.items() if name.startswith("<img"))
    assert "\x1b" not in cell(page, evil_row, "file") and "\\x1b" in cell(page, evil_row, "file")
    tip = page.model.data(page.model.index(evil_row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img" in tip
    # The three good ones went in all the same.
    assert sum(1 for r in range(5) if cell(page, r, "status") == "已导入") == 3
    assert "2" in page.summary.text() and "拒绝" in page.summary.text()


def test_unreadable_source_is_one_row_and_empty_folder_is_said(township_window, world, tmp_path):
    w = township_window("admin")
    page = w.show_page("import")
    empty = tmp_path / "empty"
    empty.mkdir()
    page.import_paths([str(empty), str(world / "stick")])
    assert page.model.rowCount() == 3
    assert "empty" in page.summary.text()


def test_cancel_stops_between_bundles(township_window, world):
    """Cancel (the progress dialog's button sets the op's cancel flag) stops before the next bundle."""
    from station_app.ui.ops import OpRunner

    w = township_window("admin")
    page = w.show_page("import")
    calls = []
    real = w.app.bundles.import_paths
    w.app.bundles.import_paths = lambda paths, **kw: calls.append(paths) or real(paths, **kw)
    runner = w.runner
    runner.run = lambda work, *a, **k: OpRunner.run(runner, lambda p, _c: work(p, lambda: bool(calls)), *a, **k)
    page.import_paths([str(world / "stick")])
    assert len(calls) == 1 and page.model.rowCount() == 1
    assert "2" in page.summary.text()  # two were not imported: it says so


def test_a_role_that_may_not_import_cannot(township_window, world):
    w = township_window("adv")
    page = w.show_page("import")
    assert not page.drop_zone.isEnabled() and not page.files_button.isEnabled()
    assert not page.folder_button.isEnabled()
    page.import_paths([str(world / "stick")])  # ignored by the page ...
    assert page.model.rowCount() == 0
    try:  # ... and refused by the application
        w.app.bundles.import_paths([world / "stick"])
    except PermissionDenied:
        pass
    else:
        raise AssertionError("an adviser imported bundles")


def test_results_model_passes_the_model_tester(township_window, world, qtmodeltester):
    w = township_window("admin")
    page = w.show_page("import")
    page.import_paths([str(world / "stick"), str(world / "later")])
    assert page.model.rowCount() == 5
    qtmodeltester.check(page.model)


def test_a_drop_during_an_import_is_not_lost_silently(township_window, world):
    w = township_window("admin")
    page = w.show_page("import")
    page.running = True  # an import on the worker thread
    drop(page.drop_zone, [world / "stick"])
    assert page.model.rowCount() == 0 and "还在导入" in page.summary.text()
    assert w.app.stations.overview()["stations"][0]["last_number"] is None


def test_large_batch_shows_progress_and_cancels_between_bundles_on_the_real_runner(qtbot, world):
    """The threaded op runner, as in the app: rows arrive while the import runs, the progress dialog appears after
    0.5 s, and its cancel button stops before the next bundle."""
    import time

    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from station_app.ui.main_window import MainWindow
    from station_app.ui.ops import OpRunner

    app = open_app(world, "T00", "admin")
    runner = OpRunner()
    try:
        real = app.bundles.import_paths

        def slow(paths, **kw):  # a big bundle on a slow stick
            time.sleep(0.8)
            return real(paths, **kw)

        app.bundles.import_paths = slow
        w = MainWindow(app, runner, idle_minutes=0)
        qtbot.addWidget(w)
        w.show()
        page = w.show_page("import")
        page.import_paths([str(world / "stick"), str(world / "later")])
        qtbot.waitUntil(lambda: page.model.rowCount() >= 1, timeout=10000)
        assert page.running  # the first row shows while the batch is still running
        qtbot.waitUntil(lambda: any(d.isVisible() for d in page.findChildren(QProgressDialog)), timeout=5000)
        dialog = next(d for d in page.findChildren(QProgressDialog) if d.isVisible())
        [cancel] = dialog.findChildren(QPushButton)
        assert cancel.text() == "取消"
        qtbot.mouseClick(cancel, LEFT)
        qtbot.waitUntil(lambda: not page.running, timeout=10000)
        assert 1 <= page.model.rowCount() < 5
        assert "已停止" in page.summary.text()
    finally:
        runner.wait()
        app.close()
