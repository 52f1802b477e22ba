"""The import centre's result rows: one per bundle file, appended as each import finishes.

Everything shown comes from a file brought on a USB stick (names, station codes, refusal reasons quoting the file),
so display text is made terminal-safe (controls and bidi overrides shown as escapes) and tooltips, which Qt would
render as HTML when they look like it, are HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from station_app.core.i18n import _
from station_app.core.safe_text import terminal_safe
from station_app.ui.models.paged import ListModel

IMPORTED, ALREADY, GAP, REFUSED = "imported", "already", "gap", "refused"


def status_text(status: str) -> str:
    return {IMPORTED: _("Imported"), ALREADY: _("Already imported"), GAP: _("Imported, numbers missing"),
            REFUSED: _("Refused")}.get(status, status)


def table_label(table: str) -> str:
    return {"consultations": _("consultations"), "duty_shifts": _("duty shifts"),
            "duty_log_entries": _("work log entries"), "advisers": _("advisers"), "postings": _("postings"),
            "posting_photos": _("posting photos"), "outreach_events": _("outreach events"),
            "mediation_cases": _("mediation cases"), "record_history": _("change history"),
            "screening_items": _("screening items")}.get(table, table)


def ranges_text(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> "3–5、9" (bundle numbers a station still has to bring)."""
    out: list[str] = []
    nums = sorted(set(numbers))
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return _(", ").join(out)


@dataclass
class ResultRow:
    file: str
    station: str
    number: int | None
    status: str
    rows: int
    missing: list[int] = field(default_factory=list)
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    fork: bool = False

    @classmethod
    def of(cls, result: Any) -> "ResultRow":
        """From the application's import result (sync.results.ImportResult), made safe to show."""
        counts = {str(k): int(v) for k, v in (getattr(result, "counts", None) or {}).items()}
        return cls(file=terminal_safe(Path(str(result.path)).name), station=terminal_safe(result.station_code or ""),
                   number=result.number, status=result.status, rows=sum(counts.values()),
                   missing=list(result.missing or []), message=terminal_safe(result.message or ""), counts=counts,
                   fork=bool(getattr(result, "fork", False)))

    @classmethod
    def unreadable(cls, path: str, reason: str) -> "ResultRow":
        return cls(file=terminal_safe(Path(path).name or path), station="", number=None, status=REFUSED, rows=0,
                   message=terminal_safe(reason))

    def counts_text(self) -> str:
        return _(", ").join(f"{table_label(t)} {n}" for t, n in sorted(self.counts.items(), key=lambda kv: -kv[1]) if n)


COLUMNS = ("file", "station", "number", "status", "rows", "missing", "message")


def headers() -> list[str]:
    return [_("File"), _("Station"), _("No."), _("Result"), _("Rows"), _("Missing numbers"), _("Details")]


_COLOURS = {IMPORTED: "#1b5e20", ALREADY: "#455a64", GAP: "#e65100", REFUSED: "#b71c1c"}


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows_: list[ResultRow] = []

    def clear(self) -> None:
        self.beginResetModel()
        self.rows_ = []
        self.endResetModel()

    def append(self, row: ResultRow) -> None:
        n = len(self.rows_)
        self.beginInsertRows(QModelIndex(), n, n)
        self.rows_.append(row)
        self.endInsertRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows_)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def text(self, row: ResultRow, column: str) -> str:
        if column == "status":
            return status_text(row.status)
        if column == "number":
            return "" if row.number is None else str(row.number)
        if column == "rows":
            return str(row.rows) if row.status in (IMPORTED, GAP) else ""
        if column == "missing":
            return ranges_text(row.missing)
        return str(getattr(row, column))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows_) or index.column() >= len(COLUMNS):
            return None
        row, column = self.rows_[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = row.file + "\n" + row.message
            if row.counts:
                tip += "\n" + row.counts_text()
            # Escaped and marked as rich text: a file name or reason that looks like HTML is shown as typed.
            return safe_tooltip(tip)
        if role == Qt.ItemDataRole.ForegroundRole and column == "status":
            return QBrush(QColor(_COLOURS.get(row.status, "#000000")))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("number", "rows"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return headers()[section] if 0 <= section < len(COLUMNS) else None
        return section + 1

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def safe_tooltip(text: str) -> str:
    """A tooltip showing `text` as typed: Qt renders tooltips that look like HTML as HTML, so escape and mark it."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


class SafeListModel(ListModel):
    """ListModel whose tooltips are HTML-escaped (station names and reasons come from cards and bundles); rows for
    which `highlight(row)` is true are drawn in the warning colour."""

    def __init__(self, columns, rows, *, highlight=None, parent=None):
        self._highlight = highlight
        super().__init__(columns, rows, parent=parent)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and self._highlight is not None and index.isValid() \
                and index.row() < self.rowCount() and self._highlight(self.row(index.row())):
            return QBrush(QColor(_COLOURS[GAP]))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = super().data(index, Qt.ItemDataRole.DisplayRole)
            return None if text is None else safe_tooltip(str(text))
        return super().data(index, role)
