"""值班: the month's shifts on a calendar and in a list, check-in / check-out, work-log entries, and each adviser's
hours this month against the standard (a setting)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QBrush, QColor, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from station_app.core.i18n import _, pgettext
from station_app.core.query import Query
from station_app.ui.dialogs.form_dialog import FormDialog
from station_app.ui.models.paged import Column, ListModel
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import selected_row, table_view
from station_app.ui.widgets.dates import zh_datetime
from station_app.ui.widgets.form import Field


def standard_hours() -> float:
    from station_app.ui.app import settings

    try:
        return float(settings().value("duty/standard_hours", 8))
    except (TypeError, ValueError):
        return 8.0


def columns() -> list[Column]:
    return [Column("start_at", lambda: _("Start"), width=9),
            Column("end_at", lambda: _("End"), width=9),
            Column("adviser", lambda: pgettext("station_app.ui.pages.duty", "Adviser"), width=4),
            Column("place", lambda: _("Place"), width=6),
            Column("hours", lambda: pgettext("station_app.ui.pages.duty", "Hours"), fmt=lambda v: f"{v:.1f}", width=5),
            Column("people_served", lambda: pgettext("station_app.ui.pages.duty", "Served"), width=4),
            Column("summary", lambda: _("Summary"))]


class DutyPage(Page):
    key = "duty"
    tables = frozenset({"duty_shifts", "duty_log_entries", "advisers"})

    @classmethod
    def title(cls) -> str:
        return _("Duty")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        bar = QHBoxLayout()
        self.adviser = QComboBox()
        self.adviser.setObjectName("dutyAdviser")
        self.checkin = QPushButton(_("Check in"))
        self.checkin.setObjectName("checkIn")
        self.checkout = QPushButton(_("Check out"))
        self.checkout.setObjectName("checkOut")
        self.log_button = QPushButton(_("Add a work-log entry"))
        self.log_button.setObjectName("addLog")
        self.add_button = QPushButton(_("Record a shift (Ctrl+N)"))
        write = app.may("duty.write")
        for b in (self.checkin, self.checkout, self.log_button, self.add_button):
            b.setEnabled(write)
        bar.addWidget(QLabel(pgettext("station_app.ui.pages.duty", "Adviser")))
        bar.addWidget(self.adviser)
        for b in (self.checkin, self.checkout, self.log_button, self.add_button):
            bar.addWidget(b)
        bar.addStretch(1)
        self.layout_.addLayout(bar)
        self.state = QLabel()
        self.state.setObjectName("checkinState")
        self.layout_.addWidget(self.state)
        split = QSplitter()
        left = QWidget()
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("dutyCalendar")
        self.calendar.setGridVisible(True)
        col.addWidget(self.calendar)
        self.hours = QLabel()
        self.hours.setObjectName("dutyHours")
        self.hours.setWordWrap(True)
        col.addWidget(self.hours)
        col.addStretch(1)
        split.addWidget(left)
        self.rows: list[Any] = []
        self.model = ListModel(columns(), lambda: self.rows)
        self.view = table_view(self.model, stretch=6)
        self.view.setSortingEnabled(False)
        self.view.setObjectName("shiftTable")
        split.addWidget(self.view)
        split.setSizes([380, 760])
        self.layout_.addWidget(split, 1)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.refresh())
        self.checkin.clicked.connect(self.check_in)
        self.checkout.clicked.connect(self.check_out)
        self.log_button.clicked.connect(self.add_log)
        self.add_button.clicked.connect(self.new_record)
        self._load_advisers()
        self._open_at_latest()
        self.refresh()

    def _open_at_latest(self) -> None:
        """Open at this month, or at the month of the latest shift when this month has none yet."""
        today = date.today()
        latest = self.app.duty.list(Query(sort="start_at", descending=True, limit=1))
        if latest and (latest[0].start_at.year, latest[0].start_at.month) < (today.year, today.month):
            d = latest[0].start_at.date()
            if not self.app.duty.list(Query(filters={"year": today.year}, limit=1)) or d.year == today.year:
                self.calendar.setCurrentPage(d.year, d.month)
                self.calendar.setSelectedDate(QDate(d.year, d.month, d.day))

    # -- data ----------------------------------------------------------------------------------------------
    def _load_advisers(self) -> None:
        self.adviser.clear()
        for a in self.app.advisers.list(Query(filters={"active": True}, sort="name", limit=None)):
            self.adviser.addItem(a.name, a.id)

    def refresh(self) -> None:
        y, m = self.calendar.yearShown(), self.calendar.monthShown()
        rows = self.app.duty.list(Query(filters={"year": y}, sort="start_at", limit=None))
        self.rows = [r for r in rows if r.start_at.month == m]
        self.model.reload()
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())
        fmt = QTextCharFormat()
        fmt.setBackground(QBrush(QColor("#c8e6c9")))
        for r in self.rows:
            d = r.start_at.date()
            self.calendar.setDateTextFormat(QDate(d.year, d.month, d.day), fmt)
        per: dict[str, float] = {}
        for r in self.rows:
            per[r.adviser] = per.get(r.adviser, 0.0) + r.hours
        std = standard_hours()
        lines = [_("{name}: {h:.1f} h this month (standard {std:g} h) - met", name=name, h=h, std=std) if h >= std
                 else _("{name}: {h:.1f} h this month (standard {std:g} h) - not met", name=name, h=h, std=std)
                 for name, h in sorted(per.items())]
        self.hours.setText("\n".join(lines) or _("No shifts this month yet."))
        self._show_state()

    # -- check-in keeps the start locally until check-out records the shift --------------------------------
    def _checkin_file(self):
        return self.app.paths.root / "drafts" / f"checkin-{self.app.login}.json"

    def _show_state(self) -> None:
        data = self._pending()
        if data:
            self.state.setText(_("{adviser} checked in at {zh_datetime}", adviser=data['adviser'], zh_datetime=zh_datetime(datetime.fromisoformat(data['start_at']))))
        else:
            self.state.setText(_("Nobody is checked in."))
        write = self.app.may("duty.write")
        self.checkin.setEnabled(write and not data and self.adviser.count() > 0)
        self.checkout.setEnabled(write and bool(data))

    def _pending(self) -> dict[str, Any] | None:
        try:
            return json.loads(self._checkin_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def check_in(self, _checked: bool = False, *, at: datetime | None = None) -> None:
        if self.adviser.currentData() is None:
            return
        path = self._checkin_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        start = (at or datetime.now()).replace(second=0, microsecond=0)
        path.write_text(json.dumps({"adviser_id": self.adviser.currentData(), "adviser": self.adviser.currentText(),
                                    "start_at": start.isoformat(timespec="minutes")}, ensure_ascii=False),
                        encoding="utf-8")
        self._show_state()

    def check_out(self, _checked: bool = False, *, at: datetime | None = None) -> None:
        data = self._pending()
        if not data:
            return
        end = (at or datetime.now()).replace(second=0, microsecond=0)
        values = {"adviser_id": data["adviser_id"], "start_at": data["start_at"],
                  "end_at": end.isoformat(timespec="minutes")}

        def done(_cs: Any) -> None:
            self._checkin_file().unlink(missing_ok=True)
            self.notify(set(self.tables))

        self.runner.run(lambda _p, _c: self.app.duty.record(values), done, parent=self)

    def add_log(self) -> None:
        row = selected_row(self.view)
        if row is None:
            return
        labels = {"served": _("Served"), "content": _("Content"),
                  "result": _("Result")}
        fields = [Field("served", "text"), Field("content", "multiline", required=True), Field("result", "multiline")]
        self.form_dialog = FormDialog(_("Work log"), fields, labels,
                                      lambda v: self.app.duty.add_log_entry(row.id, v), self.runner,
                                      draft_root=self.app.paths.root, draft_key=f"dutylog-{row.id}",
                                      on_saved=lambda _cs: self.notify(set(self.tables)), parent=self)
        self.form_dialog.setObjectName("dutyLogForm")
        self.form_dialog.open()

    def new_record(self) -> None:
        if not self.app.may("duty.write"):
            return
        advisers = [(self.adviser.itemData(i), self.adviser.itemText(i)) for i in range(self.adviser.count())]
        fields = [Field("adviser_id", "choice", advisers, required=True), Field("start_at", "datetime", required=True),
                  Field("end_at", "datetime", required=True), Field("people_served", "int"),
                  Field("summary", "multiline")]
        labels = {k: s.label for k, s in self.app.duty.specs.items()}
        self.form_dialog = FormDialog(_("Record a shift"), fields, labels, self.app.duty.record,
                                      self.runner, draft_root=self.app.paths.root, draft_key=f"shift-{self.app.login}",
                                      on_saved=lambda _cs: self.notify(set(self.tables)), parent=self)
        self.form_dialog.setObjectName("shiftForm")
        self.form_dialog.open()

    def changed(self, tables: set[str]) -> None:
        if "advisers" in tables:
            self._load_advisers()
        super().changed(tables)
