"""三务公开: categories × periods for this village (on time / late / overdue / not yet due), the postings list,
adding a posting with a photo of the board, and what is due to be taken down."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from station_app.core.codes import PeriodUnit, PostingCategory, PostingMedium
from station_app.core.errors import ValidationError
from station_app.core.i18n import _, NP_, pgettext, tr
from station_app.core.periods import Period, parse_period, periods_of_year
from station_app.core.query import Query
from station_app.ui.dialogs.form_dialog import FormDialog
from station_app.ui.models.paged import Column
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import area_model, code_label, table_view, year_combo
from station_app.ui.widgets.form import Field, code_choices

GRACE_DAYS = 10  # a period's posting is due by the 10th after it ends (glossary: make it a setting)

ON_TIME, LATE, OVERDUE, NOT_DUE, OPEN = "on_time", "late", "overdue", "not_due", "open"
COLOURS = {ON_TIME: "#c8e6c9", LATE: "#fff3c4", OVERDUE: "#ffcdd2", NOT_DUE: "#eeeeee", OPEN: "#e3f2fd"}


def status_text(status: str) -> str:
    return {ON_TIME: _("on time"), LATE: _("late"), OVERDUE: pgettext("station_app.ui.pages.postings", "overdue"),
            NOT_DUE: _("not yet due"), OPEN: _("due now")}[status]


MONTHS = (NP_("month", "Jan"), NP_("month", "Feb"), NP_("month", "Mar"), NP_("month", "Apr"), NP_("month", "May"), NP_("month", "Jun"),
          NP_("month", "Jul"), NP_("month", "Aug"), NP_("month", "Sep"), NP_("month", "Oct"), NP_("month", "Nov"), NP_("month", "Dec"))


def period_text(p: Period) -> str:
    if p.unit is PeriodUnit.MONTH:
        return tr(MONTHS[p.index - 1])
    if p.unit is PeriodUnit.QUARTER:
        return _("Q{index}", index=p.index)
    return pgettext("station_app.ui.pages.postings", "Year")


def grid(schedule: dict[str, str | None], postings: list[Any], year: int, today: date) -> dict[str, list[tuple[Period, str, Any]]]:
    """category -> [(period, status, first posting or None)] for the year."""
    by_cat: dict[str, list[tuple[Period, Any]]] = {}
    for p in postings:
        try:
            by_cat.setdefault(p.category, []).append((parse_period(p.period), p))
        except ValidationError:
            continue
    out: dict[str, list[tuple[Period, str, Any]]] = {}
    for category in PostingCategory:
        unit = schedule.get(category.value)
        if not unit:
            continue
        cells = []
        for period in periods_of_year(year, PeriodUnit(unit)):
            due = period.end + timedelta(days=GRACE_DAYS)
            found = sorted((p for per, p in by_cat.get(category.value, []) if period.covers(per)),
                           key=lambda p: p.posted_on)
            if found:
                status = ON_TIME if found[0].posted_on <= due else LATE
            elif today > due:
                status = OVERDUE
            elif today > period.end or period.start <= today:
                status = OPEN if today > period.end else NOT_DUE
            else:
                status = NOT_DUE
            cells.append((period, status, found[0] if found else None))
        out[category.value] = cells
    return out


def columns() -> list[Column]:
    return [Column("period", lambda: _("Period"), width=5, sort="period"),
            Column("category", lambda: _("Category"), width=3, sort="category",
                   fmt=lambda v: code_label(PostingCategory, v)),
            Column("title", lambda: _("Title"), sort="title"),
            Column("posted_on", lambda: _("Posted"), width=7, sort="posted_on"),
            Column("taken_down_on", lambda: _("Taken down"), width=7),
            Column("medium", lambda: _("Medium"), width=4, fmt=lambda v: code_label(PostingMedium, v)),
            Column("photos", lambda: _("Photos"), width=3)]


class PostingsPage(Page):
    key = "postings"
    tables = frozenset({"postings", "posting_photos", "stations"})

    @classmethod
    def title(cls) -> str:
        return pgettext("station_app.ui.pages.postings", "Postings")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return not app.station().is_township

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        bar = QHBoxLayout()
        self.year = year_combo(include_all=False)
        self.add_button = QPushButton(_("New posting (Ctrl+N)"))
        self.add_button.setObjectName("newPosting")
        self.add_button.setEnabled(app.may("posting.write"))
        self.takedown_button = QPushButton(_("Take down selected"))
        self.takedown_button.setEnabled(app.may("posting.write"))
        bar.addWidget(QLabel(_("Year")))
        bar.addWidget(self.year)
        bar.addStretch(1)
        bar.addWidget(self.takedown_button)
        bar.addWidget(self.add_button)
        self.layout_.addLayout(bar)
        self.grid = QTableWidget()
        self.grid.setObjectName("postingGrid")
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.layout_.addWidget(self.grid)
        self.reminder = QLabel()
        self.reminder.setObjectName("takedownReminder")
        self.reminder.setWordWrap(True)
        self.layout_.addWidget(self.reminder)
        self._latest_year()
        self.model = area_model(app.postings, columns(), default_sort="posted_on",
                                filters={"year": self.year.currentData()})
        self.view = table_view(self.model, stretch=2)
        self.view.setObjectName("postingTable")
        self.layout_.addWidget(self.view, 1)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.add_button.clicked.connect(self.new_record)
        self.takedown_button.clicked.connect(self.take_down)
        self.refresh()

    def _latest_year(self) -> None:
        """Open at this year, or at the latest year with postings when this year has none yet."""
        if self.app.postings.count(Query(filters={"year": self.year.currentData()}, limit=None)):
            return
        latest = self.app.postings.list(Query(sort="period", descending=True, limit=1))
        if latest:
            i = self.year.findData(int(latest[0].period[:4]))
            if i >= 0:
                self.year.setCurrentIndex(i)

    def refresh(self) -> None:
        year = self.year.currentData()
        self.model.set_filters(year=year)
        rows = self.app.postings.list(Query(filters={"year": year}, limit=None))
        cells = grid(self.app.stations.schedule(), rows, year, date.today())
        width = max((len(v) for v in cells.values()), default=0)
        self.grid.clear()
        self.grid.setRowCount(len(cells))
        self.grid.setColumnCount(width)
        self.grid.setVerticalHeaderLabels([code_label(PostingCategory, c) for c in cells])
        for r, (category, row) in enumerate(cells.items()):
            for c, (period, status, posting) in enumerate(row):
                item = QTableWidgetItem(f"{period_text(period)}\n{status_text(status)}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QBrush(QColor(COLOURS[status])))
                item.setData(Qt.ItemDataRole.UserRole, status)
                if posting is not None:
                    item.setToolTip(posting.title)
                self.grid.setItem(r, c, item)
        self.grid.setHorizontalHeaderLabels([""] * width)
        self.grid.horizontalHeader().setVisible(False)
        self.grid.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() * 2 + 12)
        self.grid.setFixedHeight(self.grid.verticalHeader().defaultSectionSize() * len(cells) + 6)
        try:
            due = self.app.postings.due_for_takedown()
        except Exception:
            due = []
        self.reminder.setText(_("Due to be taken down: {titles}", titles=_(", ").join(p.title for p in due)) if due
                              else _("Nothing is due to be taken down."))

    def new_record(self) -> None:
        if not self.app.may("posting.write"):
            return
        photo_row = QWidget()
        h = QHBoxLayout(photo_row)
        h.setContentsMargins(0, 0, 0, 0)
        self.photo = QLineEdit()
        self.photo.setObjectName("photoPath")
        self.photo.setPlaceholderText(_("Photo of the board (JPG/PNG, optional)"))
        browse = QPushButton(_("Choose photo…"))
        browse.clicked.connect(self._browse)
        h.addWidget(QLabel(_("Photo")))
        h.addWidget(self.photo, 1)
        h.addWidget(browse)
        today = date.today()
        fields = [Field("category", "choice", code_choices(PostingCategory), required=True),
                  Field("period", "text", required=True, default=f"{today.year}-{today.month:02d}"),
                  Field("title", "text", required=True), Field("content", "multiline"),
                  Field("posted_on", "date", required=True),
                  Field("medium", "choice", code_choices(PostingMedium)),
                  # 财务: reviewed by the 民主理财小组 / 村务监督委员会 before posting; 党务: 审核 then 审批.
                  Field("reviewer", "text"), Field("reviewed_on", "optdate"), Field("review_opinion", "text"),
                  Field("audited_by", "text"), Field("audited_on", "optdate"),
                  Field("approved_by", "text"), Field("approved_on", "optdate"),
                  Field("immediate", "bool")]
        labels = {k: s.label for k, s in self.app.postings.specs.items()}

        def submit(values: dict[str, Any]):
            photo = self.photo.text().strip()
            return self.app.postings.record(values, photos=[photo] if photo else [])

        self.form_dialog = FormDialog(_("New posting"), fields, labels, submit, self.runner,
                                      draft_root=self.app.paths.root, draft_key=f"posting-{self.app.login}",
                                      extra=photo_row, on_saved=lambda _cs: self.notify(set(self.tables)),
                                      parent=self)
        self.form_dialog.setObjectName("postingForm")
        self.form_dialog.open()

    def _browse(self) -> None:
        path, _unused = QFileDialog.getOpenFileName(self, _("Choose the photo"), "",
                                              _("Images (*.jpg *.jpeg *.png)"))
        if path:
            self.photo.setText(path)

    def take_down(self) -> None:
        from station_app.ui.pages.common import selected_row

        row = selected_row(self.view)
        if row is None or row.taken_down_on is not None:
            return
        self.runner.run(lambda _p, _c: self.app.postings.take_down(row.id), lambda _r: self.notify(set(self.tables)),
                        parent=self)
