"""A table model that pages rows from the application object's uniform queries.

The view asks for more rows as it scrolls (`canFetchMore` / `fetchMore`); sorting and filtering are handed to SQL by
re-running the query, never done over rows already loaded. Rows are plain data objects (or dicts); each column names
the row attribute it shows, the sort key SQL knows it by (None: not sortable) and an optional formatter.

Scrolling a long list stays smooth because a view repaints far more often than rows arrive: each row's cells are
formatted once, when the row comes in, and `data()` only hands out the stored strings (a repaint asks ~8 roles of
every visible cell). With a `read_ahead` runner, once the user scrolls (a page is fetched) the next page is read off
the GUI thread while the view paints, so reaching the bottom again inserts rows already read; `fetchMore` waits for a read already under way rather than
reading the page twice, and reads the page itself when none is.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
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
#: read_ahead(work): run `work()` off the GUI thread (the op runner's worker); its errors are the model's business.
ReadAhead = Callable[[Callable[[], None]], None]

log = logging.getLogger(__name__)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


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
        return _("yes") if value else ""
    if isinstance(value, datetime):
        return zh_datetime(value)
    if isinstance(value, date):
        return zh_date(value)
    return str(value)


_PLAIN = frozenset({str, int, float, bool, type(None), datetime, date, time, Decimal})


_CHUNK_BITS = 8


class _Chunked:
    """An append-only sequence kept as tuples of CHUNK items plus a short list being filled. The cycle collector
    walks every item of a list on each full collection (100,000 items: a pause of tens of milliseconds, taken on
    whichever thread triggers it, the GUI's included); a tuple holding only plain values it stops looking at."""

    CHUNK = 1 << _CHUNK_BITS

    def __init__(self, items: Any = ()):
        self._chunks: list[tuple[Any, ...]] = []
        self._tail: list[Any] = []
        self.extend(items)

    def append(self, item: Any) -> None:
        self._tail.append(item)
        if len(self._tail) == self.CHUNK:
            self._chunks.append(tuple(self._tail))
            self._tail = []

    def extend(self, items: Any) -> None:
        for item in items:
            self.append(item)

    def __len__(self) -> int:
        return len(self._chunks) * self.CHUNK + len(self._tail)

    def __getitem__(self, n: int) -> Any:
        if n < 0:
            n += len(self)
        chunk, offset = divmod(n, self.CHUNK)
        if chunk < len(self._chunks):
            return self._chunks[chunk][offset]
        return self._tail[offset]


_CHUNK_MASK = _Chunked.CHUNK - 1


class _RowStore:
    """The loaded rows. Rows of a dataclass whose fields hold plain values are kept as tuples of those values:
    Python's cycle collector stops looking at a tuple of plain values, while every row object is one more object
    each full collection walks (100,000 loaded consultations made each such collection a pause of a tenth of a
    second and more in the middle of a scroll). `store[n]` gives the row back as the dataclass."""

    def __init__(self, rows: list[Any] | None = None):
        self._items = _Chunked()  # tuple of plain values per row, or None when the row is in _others
        self._others: dict[int, Any] = {}  # rows kept as they are (other types, values that are not plain)
        self._kind: type | None = None
        self._names: tuple[str, ...] = ()
        if rows:
            self.extend(rows)

    def _learn(self, row: Any) -> None:
        kind = type(row)
        if (dataclasses.is_dataclass(row) and not hasattr(kind, "__post_init__")
                and all(f.init for f in dataclasses.fields(row))):
            self._kind, self._names = kind, tuple(f.name for f in dataclasses.fields(row))

    def extend(self, rows: list[Any]) -> None:
        for row in rows:
            if self._kind is None and not self._items:
                self._learn(row)
            if type(row) is self._kind:
                values = tuple(getattr(row, name) for name in self._names)
                if all(type(v) in _PLAIN for v in values):
                    self._items.append(values)
                    continue
            self._others[len(self._items)] = row
            self._items.append(None)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, n: int) -> Any:
        if n < 0:
            n += len(self._items)
        values = self._items[n]
        if values is None:
            return self._others[n]
        assert self._kind is not None
        return self._kind(*values)


@dataclass
class _Ahead:
    """The next page, being read off the GUI thread for the model state `generation` at row `start`."""

    generation: int
    start: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: threading.Event = field(default_factory=threading.Event)
    started: bool = False
    dropped: bool = False
    rows: list[Any] | None = None
    texts: list[tuple[str, ...]] | None = None


class PagedTableModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], fetch: Fetch, count: Count, *, default_sort: str | None = None,
                 descending: bool = True, page: int = PAGE, read_ahead: ReadAhead | None = None, parent=None):
        super().__init__(parent)
        self.columns = columns
        self._fetch, self._count = fetch, count
        self._rows = _RowStore()
        self._texts = _Chunked()  # each row's cells, formatted once when the row arrives
        self._aligns = [None if c.align is None else int(c.align | Qt.AlignmentFlag.AlignVCenter) for c in columns]
        self._total = 0
        self._filters: dict[str, Any] = {}
        self._sort, self._descending = default_sort, descending
        self._page = page
        self._fetching = False
        self._generation = 0  # bumped on every reset: a page read ahead for an older state is dropped
        self._read_ahead = read_ahead
        self._ahead: _Ahead | None = None
        self.reload()

    def set_read_ahead(self, read_ahead: ReadAhead | None) -> None:
        """Read the next page in the background from now on (None: read each page when the view asks)."""
        self._read_ahead = read_ahead
        self._start_read_ahead()

    def format_rows(self, rows: list[Any]) -> list[tuple[str, ...]]:
        """Every cell of `rows` as the view shows it (safe off the GUI thread: formatters are plain functions)."""
        cols = self.columns
        return [tuple(c.fmt(value_of(r, c.key)) if c.fmt else display(value_of(r, c.key)) for c in cols)
                for r in rows]

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

    def query(self, **filters: Any) -> tuple[dict[str, Any], int, list[Any], list[tuple[str, ...]]]:
        """Count and first page for `filters`, without touching the model: safe to run on the op runner's worker
        (search as you type never blocks the window); `apply` the result on the GUI thread."""
        f = {k: v for k, v in filters.items() if v not in (None, "")}
        total = self._count(dict(f))
        rows = list(self._fetch(dict(f), self._sort, self._descending, 0, min(self._page, total), None)) if total else []
        return f, total, rows, self.format_rows(rows)

    def apply(self, result: tuple[Any, ...]) -> None:
        """Show a `query` result (a reset)."""
        f, total, rows = result[:3]
        texts = result[3] if len(result) > 3 else self.format_rows(rows)
        self.beginResetModel()
        self._generation += 1
        self._drop_ahead()
        self._filters, self._total, self._rows, self._texts = f, total, _RowStore(rows), _Chunked(texts)
        self.endResetModel()
        # No read-ahead yet: after a reset the user is often still typing a search. It starts once they scroll.

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

    def _page_args(self, start: int) -> tuple[Any, ...]:
        return (dict(self._filters), self._sort, self._descending, start, min(self._page, self._total - start),
                self._after())

    def _fetch_page(self) -> None:
        start = len(self._rows)
        got = self._take_ahead(start)
        if got is None:
            more = list(self._fetch(*self._page_args(start)))
            texts = self.format_rows(more)
        else:
            more, texts = got
        if not more:
            self._total = start  # the table shrank under us: stop asking
            return
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._rows.extend(more)
        self._texts.extend(texts)
        self.endInsertRows()
        self._start_read_ahead()

    # -- reading ahead -------------------------------------------------------------------------------------
    def _start_read_ahead(self) -> None:
        """Start reading the page after the loaded rows, off the GUI thread (when there is one to read)."""
        start = len(self._rows)
        if self._read_ahead is None or start >= self._total or (
                self._ahead is not None and (self._ahead.generation, self._ahead.start) == (self._generation, start)):
            return
        self._drop_ahead()
        ahead = self._ahead = _Ahead(self._generation, start)
        args = self._page_args(start)

        def work() -> None:
            with ahead.lock:
                if ahead.dropped:
                    return
                ahead.started = True
            try:
                rows = list(self._fetch(*args))
                ahead.texts = self.format_rows(rows)
                ahead.rows = rows
            except Exception:  # the page is then read when the view asks, and a failure is shown there
                log.warning("reading the next page ahead failed", exc_info=True)
            finally:
                ahead.ready.set()

        self._read_ahead(work)

    def _drop_ahead(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            with ahead.lock:
                ahead.dropped = True

    def _take_ahead(self, start: int) -> tuple[list[Any], list[tuple[str, ...]]] | None:
        """The page read ahead for this state and `start`: waits for a read under way; None when there is none
        (not started yet because the worker is busy: dropped, the caller reads the page itself)."""
        ahead = self._ahead
        if ahead is None or (ahead.generation, ahead.start) != (self._generation, start):
            return None
        self._ahead = None
        with ahead.lock:
            if not ahead.started:
                ahead.dropped = True
                return None
        ahead.ready.wait()
        if ahead.rows is None or ahead.texts is None:
            return None
        return ahead.rows, ahead.texts

    # -- Qt model (data() is called for every role of every visible cell on each repaint: keep it lean) -----
    # (No multiData() override: PySide6 6.12's QModelRoleData.setData drops a reference to None per call, and a
    # long scroll then crashes the interpreter: "none_dealloc".)
    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == _DISPLAY or role == _TOOLTIP:
            row = index.row()
            texts = self._texts
            chunk = row >> _CHUNK_BITS  # texts[row], inlined: this runs a thousand times per repaint
            if chunk < len(texts._chunks):
                cells = texts._chunks[chunk][row & _CHUNK_MASK]
            elif 0 <= row - len(texts._chunks) * _Chunked.CHUNK < len(texts._tail) and index.isValid():
                cells = texts._tail[row & _CHUNK_MASK]
            else:
                return None
            column = index.column()
            return cells[column] if column < len(cells) else None
        if role == _ALIGN and index.isValid() and index.column() < len(self._aligns):
            return self._aligns[index.column()]
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
        return _ROW_FLAGS

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
