"""A table model that pages rows from the application object's uniform queries.

The view asks for more rows as it scrolls (`canFetchMore` / `fetchMore`); sorting and filtering are handed to SQL by
re-running the query, never done over rows already loaded. Rows are plain data objects (or dicts); each column names
the row attribute it shows, the sort key SQL knows it by (None: not sortable) and an optional formatter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from station_app.ui.widgets.dates import zh_date, zh_datetime
from station_app.core.i18n import _

PAGE = 50

#: fetch(filters, sort, descending, offset, limit, after) -> list of rows; count(filters) -> int.
#: `after` is (sort value, id) of the last row loaded, when the rows have both: the source may seek past it
#: (keyset paging) instead of skipping `offset` rows, so the last page of 100,000 costs what the first does.
Fetch = Callable[[dict[str, Any], str | None, bool, int, int, tuple[Any, str] | None], list[Any]]
Count = Callable[[dict[str, Any]], int]


@dataclass(frozen=True)
class Column:
    key: str
    header: Callable[[], str]  # called at display time, so a language switch needs no rebuild
    sort: str | None = None
    fmt: Callable[[Any], str] | None = None
    align: Qt.AlignmentFlag | None = None
    width: int | None = None  # in Chinese characters; None: the view's default


def value_of(row: Any, key: str) -> Any:
    return row.get(key) if isinstance(row, dict) else getattr(row, key, None)


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        from station_app.core.i18n import pick

        return _("yes") if value else ""
    if isinstance(value, datetime):
        return zh_datetime(value)
    if isinstance(value, date):
        return zh_date(value)
    return str(value)


class PagedTableModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], fetch: Fetch, count: Count, *, default_sort: str | None = None,
                 descending: bool = True, page: int = PAGE, parent=None):
        super().__init__(parent)
        self.columns = columns
        self._fetch, self._count = fetch, count
        self._rows: list[Any] = []
        self._total = 0
        self._filters: dict[str, Any] = {}
        self._sort, self._descending = default_sort, descending
        self._page = page
        self._fetching = False
        self.reload()

    # -- data source ---------------------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return self._total

    @property
    def filters(self) -> dict[str, Any]:
        return dict(self._filters)

    def set_filters(self, **filters: Any) -> None:
        """Replace the filters (None values are dropped) and start again from the first page."""
        self.apply(self.query(**filters))

    def query(self, **filters: Any) -> tuple[dict[str, Any], int, list[Any]]:
        """Count and first page for `filters`, without touching the model: safe to run on the op runner's worker
        (search as you type never blocks the window); `apply` the result on the GUI thread."""
        f = {k: v for k, v in filters.items() if v not in (None, "")}
        total = self._count(dict(f))
        rows = list(self._fetch(dict(f), self._sort, self._descending, 0, min(self._page, total), None)) if total else []
        return f, total, rows

    def apply(self, result: tuple[dict[str, Any], int, list[Any]]) -> None:
        self.beginResetModel()
        self._filters, self._total, self._rows = result
        self.endResetModel()

    def update_filters(self, **filters: Any) -> None:
        merged = dict(self._filters)
        merged.update(filters)
        self.set_filters(**merged)

    def reload(self) -> None:
        # Query first, then reset: a failing query leaves the model as it was.
        self.apply(self.query(**self._filters))

    def _after(self) -> tuple[Any, str] | None:
        """(sort value, id) of the last loaded row, for keyset paging; None when unknown."""
        if not self._rows or self._sort is None:
            return None
        key = next((c.key for c in self.columns if c.sort == self._sort), None)
        last = self._rows[-1]
        ident = value_of(last, "id")
        value = value_of(last, key) if key else None
        return (value, ident) if value is not None and ident is not None else None

    def row(self, n: int) -> Any:
        return self._rows[n]

    # -- Qt model ------------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        # Views and testers may ask again from inside our own rowsAboutToBeInserted: one page at a time.
        if parent.isValid() or self._fetching:
            return
        self._fetching = True
        try:
            self._fetch_page()
        finally:
            self._fetching = False

    def _fetch_page(self) -> None:
        start = len(self._rows)
        more = list(self._fetch(dict(self._filters), self._sort, self._descending, start,
                                min(self._page, self._total - start), self._after()))
        if not more:
            self._total = start  # the table shrank under us: stop asking
            return
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self.columns):
            return None
        col = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = value_of(self._rows[index.row()], col.key)
            return col.fmt(value) if col.fmt else display(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align is not None:
            return int(col.align | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header() if 0 <= section < len(self.columns) else None
        return section + 1

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        key, descending = self.columns[column].sort, order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort, self._descending):
            return  # the view announcing the order we already have: no second query
        self._sort, self._descending = key, descending
        self.reload()  # a reset: the rows are new rows from SQL, not the loaded ones reordered


class ListModel(PagedTableModel):
    """A small list (advisers, bundles, users) shown through the same model: rows given, not paged."""

    def __init__(self, columns: list[Column], rows: Callable[[], list[Any]], parent=None):
        self._source = rows
        super().__init__(columns, lambda f, s, d, o, n, a: self._source()[o:o + n], lambda f: len(self._source()),
                         page=10_000, parent=parent)
