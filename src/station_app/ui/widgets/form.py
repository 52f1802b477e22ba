"""Forms built from a list of fields: Chinese labels from the application's field specs, required fields marked,
problems shown next to the field they name (problems carry field keys), drafts kept on disk while typing.

Widgets by kind: text (QLineEdit, with an optional QCompleter), multiline (QPlainTextEdit), choice (QComboBox in the
code table's order), date (QDateEdit with a calendar, today by default), datetime (QDateTimeEdit, now), bool
(QCheckBox), int (QSpinBox). `values()` gives strings/booleans the services parse; None for an empty field.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.core.errors import StationError, ValidationError
from station_app.core.i18n import _, pgettext

log = logging.getLogger(__name__)

EMPTY_DATE = QDate(2000, 1, 1)  # an optional date left empty shows as "（不填）"


@dataclass
class Field:
    key: str
    kind: str = "text"  # text, multiline, choice, date, datetime, bool, int
    choices: list[tuple[str, str]] = field(default_factory=list)  # (stored value, label shown)
    required: bool = False
    label: str | None = None  # overrides the spec's label
    optional_choice: bool = False  # a choice that may stay empty
    completions: list[str] = field(default_factory=list)
    default: Any = None


def caption(label: str) -> str:
    """A field's caption: the label as the specs give it, with a capital in English."""
    return label[:1].upper() + label[1:] if label and label[0].isascii() else label


def code_choices(table) -> list[tuple[str, str]]:
    """A code table's members in the glossary's order; labels in the current language."""
    return [(m.value, m.label) for m in table]


class FormWidget(QWidget):
    changed = Signal()

    def __init__(self, fields: list[Field], labels: dict[str, str], parent=None):
        super().__init__(parent)
        self.fields = fields
        self.labels = labels
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setObjectName("formProblems")
        self.summary.setStyleSheet("color: #b00020")
        self.summary.setWordWrap(True)
        self.summary.hide()
        outer.addWidget(self.summary)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        for f in fields:
            w = self._make(f)
            w.setObjectName(f"field_{f.key}")
            self.widgets[f.key] = w
            text = caption(f.label or labels.get(f.key, f.key))
            if f.required:
                text = f"{text} *"
            err = QLabel()
            err.setObjectName(f"error_{f.key}")
            err.setStyleSheet("color: #b00020")
            err.setWordWrap(True)
            err.hide()
            self.errors[f.key] = err
            box = QWidget()
            col = QVBoxLayout(box)
            col.setContentsMargins(0, 0, 0, 0)
            col.setSpacing(1)
            col.addWidget(w)
            col.addWidget(err)
            self.form.addRow(text, box)
        outer.addStretch(1)  # extra height goes below the form, not between its rows
        # Tab order follows the form, top to bottom.
        ws = list(self.widgets.values())
        for a, b in zip(ws, ws[1:]):
            QWidget.setTabOrder(a, b)

    def _changed(self, *_args: Any) -> None:
        self.changed.emit()

    def _make(self, f: Field) -> QWidget:
        if f.kind == "multiline":
            w = QPlainTextEdit()
            w.setTabChangesFocus(True)  # Tab moves on: the form stays usable by keyboard alone
            w.setFixedHeight(72)
            if f.default:
                w.setPlainText(str(f.default))
            w.textChanged.connect(self._changed)
            return w
        if f.kind == "choice":
            w = QComboBox()
            if f.optional_choice:
                w.addItem("", None)
            for value, label in f.choices:
                w.addItem(label, value)
            if f.default is not None:
                w.setCurrentIndex(max(0, w.findData(f.default)))
            w.currentIndexChanged.connect(self._changed)
            return w
        if f.kind == "date":
            w = QDateEdit()
            w.setCalendarPopup(True)
            w.setDisplayFormat(_("d MMM yyyy"))
            w.setDate(_qdate(f.default) if f.default else QDate.currentDate())
            w.dateChanged.connect(self._changed)
            return w
        if f.kind == "optdate":
            w = QDateEdit()
            w.setCalendarPopup(True)
            w.setDisplayFormat(_("d MMM yyyy"))
            w.setMinimumDate(EMPTY_DATE)
            w.setSpecialValueText(pgettext("station_app.ui.widgets.form", "(none)"))
            w.setDate(_qdate(f.default) if f.default else EMPTY_DATE)
            w.dateChanged.connect(self._changed)
            return w
        if f.kind == "datetime":
            w = QDateTimeEdit()
            w.setCalendarPopup(True)
            w.setDisplayFormat(_("d MMM yyyy HH:mm"))
            now = QDateTime.currentDateTime()
            now.setTime(QTime(now.time().hour(), now.time().minute()))
            w.setDateTime(_qdatetime(f.default) if f.default else now)
            w.dateTimeChanged.connect(self._changed)
            return w
        if f.kind == "bool":
            w = QCheckBox()
            w.setChecked(bool(f.default))
            w.toggled.connect(self._changed)
            return w
        if f.kind == "int":
            w = QSpinBox()
            w.setRange(0, 1_000_000)
            w.setValue(int(f.default or 0))
            w.valueChanged.connect(self._changed)
            return w
        w = QLineEdit()
        if f.default:
            w.setText(str(f.default))
        if f.completions:
            completer = QCompleter(sorted(set(f.completions)), w)
            completer.setFilterMode(completer.filterMode().MatchContains)
            w.setCompleter(completer)
        w.textChanged.connect(self._changed)
        return w

    # -- values --------------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            w = self.widgets[f.key]
            if isinstance(w, QPlainTextEdit):
                v: Any = w.toPlainText().strip() or None
            elif isinstance(w, QComboBox):
                v = w.currentData()
            elif isinstance(w, QDateTimeEdit) and not isinstance(w, QDateEdit):
                v = w.dateTime().toString("yyyy-MM-ddTHH:mm")
            elif isinstance(w, QDateEdit):
                v = None if w.date() == EMPTY_DATE and w.specialValueText() else w.date().toString("yyyy-MM-dd")
            elif isinstance(w, QCheckBox):
                v = w.isChecked()
            elif isinstance(w, QSpinBox):
                v = w.value()
            else:
                v = w.text().strip() or None  # type: ignore[union-attr]
            out[f.key] = v
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        for key, v in values.items():
            w = self.widgets.get(key)
            if w is None or v is None:
                continue
            if isinstance(w, QPlainTextEdit):
                w.setPlainText(str(v))
            elif isinstance(w, QComboBox):
                i = w.findData(v)
                if i >= 0:
                    w.setCurrentIndex(i)
            elif isinstance(w, QDateEdit):
                w.setDate(_qdate(v))
            elif isinstance(w, QDateTimeEdit):
                w.setDateTime(_qdatetime(v))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(v))
            elif isinstance(w, QSpinBox):
                w.setValue(int(v))
            elif isinstance(w, QLineEdit):
                w.setText(str(v))

    # -- problems ------------------------------------------------------------------------------------------
    def clear_problems(self) -> None:
        self.summary.hide()
        for key, err in self.errors.items():
            err.hide()
            self.widgets[key].setStyleSheet("")

    def show_problems(self, error: StationError) -> bool:
        """Mark the fields a ValidationError names; return True when every problem found its field."""
        self.clear_problems()
        if not isinstance(error, ValidationError):
            self.summary.setText(str(error))
            self.summary.show()
            return True
        by_label = {label: key for key, label in self.labels.items()}
        unplaced = []
        first = None
        for p in error.problems:
            key = p.key if getattr(p, "key", None) in self.errors else by_label.get(p.field, p.field)
            if key in self.errors:
                self.errors[key].setText(p.message)
                self.errors[key].show()
                self.widgets[key].setStyleSheet("border: 1px solid #b00020")
                first = first or self.widgets[key]
            else:
                unplaced.append(str(p))
        if unplaced:
            self.summary.setText("\n".join(unplaced))
            self.summary.show()
        if first is not None:
            first.setFocus()
        return True


def _qdate(v: Any) -> QDate:
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return QDate(v.year, v.month, v.day)
    return QDate.fromString(str(v)[:10], "yyyy-MM-dd")


def _qdatetime(v: Any) -> QDateTime:
    if isinstance(v, datetime):
        return QDateTime(_qdate(v.date()), QTime(v.hour, v.minute))
    return QDateTime.fromString(str(v)[:16], "yyyy-MM-ddTHH:mm")


class Drafts:
    """Typed values of open forms, saved as the user types (a crash or power cut loses nothing)."""

    def __init__(self, root: Path):
        self.dir = root / "drafts"

    def path(self, key: str) -> Path:
        return self.dir / f"{key}.json"

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, key: str, values: dict[str, Any]) -> None:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            tmp = self.path(key).with_suffix(".tmp")
            with open(tmp, "wb") as fh:
                fh.write(json.dumps(values, ensure_ascii=False).encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path(key))
        except OSError:
            log.warning("could not keep the draft %s", key, exc_info=True)

    def discard(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def debounced(parent: QWidget, ms: int, fn) -> QTimer:
    t = QTimer(parent)
    t.setSingleShot(True)
    t.setInterval(ms)
    t.timeout.connect(fn)
    return t


def nonempty(values: Iterable[Any]) -> bool:
    return any(v not in (None, "", False, 0) for v in values)
