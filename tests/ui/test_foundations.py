"""The bundled font, the op runner and the paged model, without an installation."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QLabel

from station_app.core.errors import ValidationError
from station_app.ui.app import apply_font, make_qapp, register_cjk_font
from station_app.ui.models.paged import Column, PagedTableModel
from station_app.ui.ops import OpRunner
from station_app.ui.widgets.dates import zh_date
from station_app.ui.widgets.search import SearchBox
from tests.ui.fake_rows import Source
from tests.ui.typing import type_text


def test_bundled_font_is_registered_and_used_for_chinese(qapp):
    app = make_qapp()
    family = register_cjk_font()
    assert family in QFontDatabase.families()
    assert "Droid Sans Fallback" in family
    label = QLabel("村公共法律服务工作室")
    info = QFontInfo(label.font())
    assert info.family() == family  # the application font reaches a plain widget
    metrics = QFontMetrics(label.font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "村公共法律服务工作室镇里已收到")
    assert app.font().families()[0] == family


def test_larger_font_setting(qapp):
    app = make_qapp()
    normal = apply_font(app, large=False).pointSize()
    large = apply_font(app, large=True).pointSize()
    assert large > normal
    apply_font(app, large=False)


def test_chinese_dates():
    assert zh_date(date(2021, 3, 5)) == "2021年3月5日"


def test_runner_synchronous_success_and_error(qapp):
    r = OpRunner(synchronous=True)
    seen, errors = [], []
    r.show_error = lambda parent, e: errors.append(e)
    r.run(lambda progress, cancelled: 6 * 7, seen.append)
    assert seen == [42]
    r.run(lambda p, c: (_ for _ in ()).throw(ValidationError.single("时间", "不能为空")), seen.append)
    assert len(errors) == 1 and "时间" in str(errors[0])
    handled = []
    r.run(lambda p, c: 1 / 0, seen.append, on_error=lambda e: handled.append(e) or True)
    assert len(errors) == 1 and isinstance(handled[0], ZeroDivisionError)


def test_runner_in_background_shows_progress_after_half_a_second_and_cancels(qtbot):
    import threading

    r = OpRunner()
    released = threading.Event()
    outcome: list = []

    def work(progress, cancelled):
        progress(1, 10, "第一步")
        while not cancelled() and not released.wait(0.01):
            pass
        if cancelled():
            from station_app.ui.ops import OpCancelled
            raise OpCancelled()
        return "ok"

    r.show_error = lambda parent, e: outcome.append(e)
    r.run(work, outcome.append, title="导出", cancellable=True)
    qtbot.wait(200)
    from PySide6.QtWidgets import QApplication, QProgressDialog

    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
    qtbot.waitUntil(lambda: any(isinstance(w, QProgressDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=3000)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible())
    assert dialog.labelText() == "第一步"
    from PySide6.QtWidgets import QPushButton

    button = dialog.findChild(QPushButton)
    assert button.text() == "取消"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert r.wait(5000)
    qtbot.wait(50)
    assert outcome == []  # cancelled: neither a result nor an error dialog


def test_newer_query_drops_older_result(qtbot):
    r = OpRunner()
    import time

    got: list = []
    r.run(lambda p, c: time.sleep(0.2) or "old", got.append, key="search")
    r.run(lambda p, c: "new", got.append, key="search")
    assert r.wait(5000)
    qtbot.waitUntil(lambda: got == ["new"], timeout=2000)


def _source(total: int):
    src = Source(total)
    return src.fetch, src.count


def test_paged_model_fetches_pages_sorts_and_filters_in_the_query(qtmodeltester):
    fetch, count = _source(1000)
    columns = [Column("n", lambda: "序号", sort="n"), Column("name", lambda: "姓名")]
    model = PagedTableModel(columns, fetch, count, default_sort="n", page=100)
    assert model.rowCount() == 100 and model.total == 1000
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 200
    assert model._after() == (800, "id00800")  # the next page seeks past the last row loaded
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 100 and model.data(model.index(0, 1)) == "张0"
    model.fetchMore()
    assert [model.row(i).n for i in range(200)] == list(range(200))
    model.sort(1, Qt.SortOrder.AscendingOrder)  # not sortable: nothing happens
    assert model.data(model.index(0, 1)) == "张0"
    model.set_filters(q="张99")
    assert model.total == 11 and model.rowCount() == 11 and not model.canFetchMore()
    assert model.headerData(1, Qt.Orientation.Horizontal) == "姓名"
    qtmodeltester.check(model)


def test_paged_model_passes_the_model_tester_while_paging(qtmodeltester):
    # The tester fetches more itself and re-checks after every insertion. (Its Python variant re-runs its checks
    # before it clears a reset in flight, so it cannot follow a reset of a fetch-more model: resets are covered
    # above, each followed by a fresh check.)
    fetch, count = _source(450)
    model = PagedTableModel([Column("n", lambda: "序号", sort="n"), Column("name", lambda: "姓名")], fetch, count,
                            page=100)
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450


def test_search_box_waits_for_a_pause(qtbot):
    box = SearchBox(delay_ms=100)
    qtbot.addWidget(box)
    fired: list[str] = []
    box.search.connect(fired.append)
    type_text(qtbot, box, "张伟")
    assert fired == []
    qtbot.waitUntil(lambda: fired == ["张伟"], timeout=2000)
