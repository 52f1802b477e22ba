"""PagedTableModel reads the next page ahead off the GUI thread and formats each row's cells once: row order and count
are those of the plain model, no page is read twice, a page read for an older state is dropped, and the model still
passes the model tester."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt

from station_app.ui.models.paged import Column, PagedTableModel
from tests.ui.fake_rows import Row, Source


COLUMNS = [Column("n", lambda: "序号", sort="n", fmt=lambda v: f"第{v}号", align=Qt.AlignmentFlag.AlignRight),
           Column("name", lambda: "姓名")]


def _scroll_all(model) -> list[int]:
    while model.canFetchMore():
        model.fetchMore()
    return [model.row(i).n for i in range(model.rowCount())]


def test_read_ahead_keeps_order_and_count_and_reads_each_page_once():
    plain_src, ahead_src = Source(1234), Source(1234)
    plain = PagedTableModel(COLUMNS, plain_src.fetch, plain_src.count, default_sort="n", page=100)
    ahead = PagedTableModel(COLUMNS, ahead_src.fetch, ahead_src.count, default_sort="n", page=100,
                            read_ahead=lambda work: work())  # the synchronous runner of the tests
    assert _scroll_all(ahead) == _scroll_all(plain) == list(range(1233, -1, -1))
    assert ahead.rowCount() == 1234 and not ahead.canFetchMore()
    assert len(ahead_src.reads) == len(plain_src.reads) == 13  # 13 pages, none read twice
    # The cells are the formatted strings, stored once; tooltips show the same; alignment as the column says.
    index = ahead.index(5, 0)
    assert ahead.data(index) == "第1228号" and ahead.data(index, Qt.ItemDataRole.ToolTipRole) == "第1228号"
    assert ahead.data(ahead.index(5, 1)) == "张1228"
    assert ahead.data(index, Qt.ItemDataRole.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignRight
                                                                       | Qt.AlignmentFlag.AlignVCenter)
    assert ahead.data(ahead.index(5, 1), Qt.ItemDataRole.TextAlignmentRole) is None
    assert ahead.data(index, Qt.ItemDataRole.DecorationRole) is None


def test_a_read_not_yet_started_is_dropped_and_the_page_read_once():
    src = Source(300)
    queued: list = []
    model = PagedTableModel(COLUMNS, src.fetch, src.count, default_sort="n", page=100, read_ahead=queued.append)
    assert queued == []  # no read-ahead after a reset (a search being typed): it starts when the user scrolls
    model.fetchMore()
    assert model.rowCount() == 200 and len(queued) == 1  # page 3 asked for
    model.fetchMore()  # the worker is busy elsewhere: the view's page is read now
    assert model.rowCount() == 300
    queued[0]()  # the stale read finally runs: it does nothing
    assert len(src.reads) == 3 and not model.canFetchMore()
    assert [model.row(i).n for i in range(300)] == list(range(299, -1, -1))


def test_fetch_more_waits_for_a_read_under_way_on_another_thread():
    src = Source(250, delay=0.05)
    threads: list[threading.Thread] = []

    def on_thread(work):
        t = threading.Thread(target=work)
        threads.append(t)
        t.start()

    model = PagedTableModel(COLUMNS, src.fetch, src.count, default_sort="n", page=100, read_ahead=on_thread)
    model.fetchMore()
    time.sleep(0.01)  # the worker has begun page 3
    assert _scroll_all(model) == list(range(249, -1, -1))
    for t in threads:
        t.join()
    assert len(src.reads) == 3  # first page, then each later page once, on the worker


def test_a_reset_drops_the_page_read_for_the_old_filters():
    src = Source(500)
    queued: list = []
    model = PagedTableModel(COLUMNS, src.fetch, src.count, default_sort="n", page=100, read_ahead=queued.append)
    model.fetchMore()  # page 3 of the unfiltered list is asked for ...
    model.set_filters(q="张4")  # 张4, 张40..49, 张400..499: 111 rows
    for work in queued[:1]:
        work()  # ... and read, but for a state that is gone
    assert model.total == 111 and model.rowCount() == 100
    model.fetchMore()
    assert sorted(model.row(i).n for i in range(model.rowCount())) == sorted(
        r.n for r in src.rows if "张4" in r.name)


def test_read_ahead_model_passes_the_model_tester(qtmodeltester):
    src = Source(450)
    model = PagedTableModel(COLUMNS, src.fetch, src.count, default_sort="n", page=100, read_ahead=lambda w: w())
    qtmodeltester.check(model)
    _scroll_all(model)
    assert model.rowCount() == 450


def test_consultation_list_reads_ahead_on_the_op_runner(open_app, runner, qtmodeltester):
    from station_app.ui.pages import consultations
    from station_app.ui.pages.common import area_model

    admin = open_app("admin")
    for n in range(7):
        admin.consultations.record({"occurred_at": f"2026-02-0{n + 1}T10:00", "channel": "来访", "category": "合同",
                                    "summary": f"问题{n}", "consultant_name": f"王{n}号"})
    model = area_model(admin.consultations, consultations.columns(), default_sort="occurred_at", page=2,
                       runner=runner)
    model.fetchMore()
    assert model._ahead is not None and model._ahead.ready.is_set()  # page 3 already read
    while model.canFetchMore():
        model.fetchMore()
    assert [model.row(i).summary for i in range(7)] == [f"问题{n}" for n in range(6, -1, -1)]
    qtmodeltester.check(model)
    # What the view's delegate paints: the stored, formatted, masked strings.
    from PySide6.QtWidgets import QStyleOptionViewItem

    from station_app.ui.pages.common import table_view

    view = table_view(model)
    for column in (2, 6):
        option = QStyleOptionViewItem()
        view.itemDelegate().initStyleOption(option, model.index(0, column))
        assert option.text == model.data(model.index(0, column)) != ""
    assert "王" in model.data(model.index(0, 2)) and model.data(model.index(0, 2)) != "王6号"  # masked



def test_no_multidata_override():
    """A multiData() override (PySide6 6.12: QModelRoleData.setData drops a reference to None per call) crashed the
    interpreter ("none_dealloc") some ten thousand repaints into the 100k scroll of bench/bench_gui.py."""
    assert "multiData" not in PagedTableModel.__dict__


def test_loaded_rows_stay_out_of_the_cycle_collectors_way():
    """100,000 loaded rows must not be 100,000 objects each full collection walks: rows of a plain dataclass are
    kept as tuples of plain values in chunks, and the collector stops looking at those; rows come back equal."""
    import gc

    src = Source(1000)
    model = PagedTableModel(COLUMNS, src.fetch, src.count, default_sort="n", page=100, read_ahead=lambda w: w())
    _scroll_all(model)
    # A tuple is untracked when a collection finds its items untracked; a chunk listed before its rows (the order
    # depends on what earlier collections promoted) goes at the next one. Two collections, as a running app has.
    gc.collect()
    gc.collect()
    rows, texts = model._rows, model._texts
    assert len(rows) == len(texts) == 1000
    assert not any(gc.is_tracked(chunk) for chunk in rows._items._chunks + texts._chunks)
    assert model.row(999) == Row(0, "张0") and model.row(0) == Row(999, "张999") and model.row(-1) == Row(0, "张0")
    # Rows that are not plain dataclasses are kept as they are.
    dict_src = [{"n": i, "name": f"李{i}", "id": f"d{i}"} for i in range(300)]
    plain = PagedTableModel(COLUMNS, lambda f, s, d, o, n, a=None: dict_src[o:o + n], lambda f: 300, page=100)
    plain.fetchMore()
    plain.fetchMore()
    assert plain.rowCount() == 300 and plain.row(299) is dict_src[299]


def test_finished_ops_do_not_stay_alive(qtbot):
    """Each op's signals object, closures and state are let go when it has finished (a slot holding its own
    signals object was a cycle through Qt that no collector sees)."""
    import gc

    from station_app.ui.ops import OpRunner, _Running

    r = OpRunner()

    def live() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if type(o) is _Running)

    before = live()
    for _ in range(30):
        r.run(lambda p, c: 1, quiet=True)
        assert r.wait(5000)
        qtbot.wait(1)
    qtbot.wait(20)
    assert live() - before <= 2
