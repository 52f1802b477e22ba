"""Shared bits of the pages: a paged model over an application area, a table view, filter combos."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableView

from station_app.core.i18n import _, pgettext
from station_app.core.query import Query
from station_app.ui.models.paged import Column, PagedTableModel


def area_model(area: Any, columns: list[Column], *, default_sort: str | None = None, descending: bool = True,
               filters: dict[str, Any] | None = None, page: int = 50, runner: Any = None) -> PagedTableModel:
    """A paged model over `area.list(query)` / `area.count(query)` (the application's uniform queries). With
    the op `runner`, the next page is read ahead on its worker (long lists: scrolling never waits for SQL)."""

    def fetch(f: dict[str, Any], sort: str | None, desc: bool, offset: int, limit: int,
              after: tuple[Any, str] | None) -> list[Any]:
        # Keyset paging when sorted: every page ordered by (sort key, id); later pages seek past the last row.
        keyset = sort is not None
        return area.list(Query(filters=f, sort=sort, descending=desc, offset=0 if keyset and after else offset,
                               limit=max(1, limit), keyset=keyset, after=after if keyset else None))

    def count(f: dict[str, Any]) -> int:
        return area.count(Query(filters=f, limit=None))

    model = PagedTableModel(columns, fetch, count, default_sort=default_sort, descending=descending, page=page,
                            read_ahead=runner_read_ahead(runner) if runner is not None else None)
    if filters:
        model.set_filters(**filters)
    return model


def runner_read_ahead(runner: Any) -> Callable[[Callable[[], None]], None]:
    """A model's read-ahead on the op runner's worker: quiet, and its own errors stay in the model (it reads the
    page again when the view asks, and shows a failure then)."""
    return lambda work: runner.run(lambda _p, _c: work(), quiet=True)


def table_view(model, *, stretch: int | None = None) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.horizontalHeader().setSortIndicatorShown(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultSectionSize(110)
    em = view.fontMetrics().horizontalAdvance("国")
    for i, col in enumerate(getattr(model, "columns", [])):
        if col.width:
            caption = view.fontMetrics().horizontalAdvance(col.header()) + 30
            header.resizeSection(i, max(em * col.width + 24, caption))
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    sort = getattr(model, "_sort", None)
    for i, col in enumerate(getattr(model, "columns", [])):
        if sort and col.sort == sort:  # the indicator says how the rows really are ordered
            header.setSortIndicator(i, Qt.SortOrder.DescendingOrder if model._descending else Qt.SortOrder.AscendingOrder)
    fit_columns_to_first_rows(view, stretch)
    return view


#: A column fitted to its cells grows to at most this many CJK characters' width; longer text is elided (and the
#: record's own view shows it whole).
FIT_CAP_EM = 16


def fit_columns_to_first_rows(view: QTableView, stretch: int | None) -> None:
    """Once the first rows arrive, widen each column (never narrow it) to what its header and those rows need, up
    to FIT_CAP_EM: the English labels ("wages and labour disputes", "at an outreach event") are longer than the
    Chinese the default widths were chosen for. Once only, so widths a person sets by hand stay as they are."""
    model = view.model()
    done = False

    def fit(*_args) -> None:
        nonlocal done
        if done or model.rowCount() == 0:
            return
        done = True
        header = view.horizontalHeader()
        cap = view.fontMetrics().horizontalAdvance("国") * FIT_CAP_EM
        for i in range(model.columnCount()):
            if i == stretch or view.isColumnHidden(i):
                continue
            want = min(max(view.sizeHintForColumn(i), header.sectionSizeHint(i)), cap)
            if want > header.sectionSize(i):
                header.resizeSection(i, want)

    model.modelReset.connect(fit)
    model.rowsInserted.connect(fit)
    fit()


def code_combo(table, all_text: str | None = None) -> QComboBox:
    box = QComboBox()
    box.addItem(all_text or _("All"), None)
    for m in table:
        box.addItem(m.label, m.value)
    return box


def year_combo(years: int = 6, *, today: date | None = None, include_all: bool = True) -> QComboBox:
    box = QComboBox()
    if include_all:
        box.addItem(_("All years"), None)
    y = (today or date.today()).year
    for n in range(years):
        box.addItem(pgettext("year", "{year}", year=y - n), y - n)
    return box


def selected_row(view: QTableView) -> Any | None:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not rows:
        index = view.currentIndex()
        if not index.isValid():
            return None
        return view.model().row(index.row())
    return view.model().row(rows[0].row())


def code_label(table, value: Any) -> str:
    try:
        return table(value).label
    except ValueError:
        return "" if value is None else str(value)
