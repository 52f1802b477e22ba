"""各站记录: every station's consultations, mediation cases, 三务 postings, outreach events, duty shifts and 矛盾纠纷排查
register, read only, with the station each belongs to as the first column, a station filter, a year, and search as
you type.

The lists are the station pages' own (their columns, masking and paged model over the uniform queries), fed from
`app.browse.<kind>`: the same rows wrapped with their station. Nothing can be added, changed or deleted here — the
records belong to the stations, and the application refuses a change to another station's record anyway. Opening a
consultation, case or shift shows it masked; 显示 reveals through the application, which writes the access log.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station_app.core.i18n import _, pgettext
from station_app.core.safe_text import terminal_safe
from station_app.ui.models.paged import Column, PagedTableModel, display
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import area_model, selected_row, table_view, year_combo
from station_app.ui.township.overview import years_shown
from station_app.ui.widgets.masked import MaskedValue
from station_app.ui.widgets.search import SearchBox


def kinds() -> list[tuple[str, str]]:
    """(kind, label) in the order the chooser offers them."""
    return [("consultations", pgettext("station_app.ui.pages.consultations", "Consultations")),
            ("mediation", _("Mediation cases")),
            ("postings", pgettext("station_app.ui.pages.postings", "Postings")),
            ("outreach", pgettext("station_app.ui.pages.outreach", "Outreach")),
            ("duty", _("Duty shifts")),
            ("screening", _("Dispute screening"))]


#: the sort each list opens with (newest first), as on the station pages
DEFAULT_SORT = {"consultations": "occurred_at", "mediation": "accepted_on", "postings": "posted_on",
                "outreach": "held_on", "duty": "start_at", "screening": "found_on"}


def _safe(column: Column) -> Column:
    """The column's text made safe: these records came from outside (a station's bundle)."""
    fmt = column.fmt or display
    return replace(column, fmt=lambda v, f=fmt: terminal_safe(f(v)))


def station_column(names: dict[str, str]) -> Column:
    # Not sortable here: ordering by the station's code is a sort of every row per page (no index can serve a
    # joined column), 150 ms a scroll step on 100k records; the station filter is the quick way to one station.
    # (The list itself sorts by "station" for scripts: app.browse.<kind>.list(Query(sort="station")).)
    return Column("station", lambda: _("Station"), width=7, fmt=lambda code: f"{code} {names.get(code, '')}".strip())


def kind_columns(kind: str) -> list[Column]:
    """The station page's own columns for `kind` (sortable where the list can sort)."""
    if kind == "consultations":
        from station_app.ui.pages.consultations import columns
        return columns()
    if kind == "mediation":
        from station_app.ui.pages.mediation import columns
        return columns()
    if kind == "postings":
        from station_app.ui.pages.postings import columns
        return columns()
    if kind == "outreach":
        from station_app.ui.pages.outreach import columns
        return columns()
    if kind == "screening":
        return screening_columns()
    from station_app.ui.pages.duty import columns  # the duty page lists a month unsorted; here SQL sorts
    sorts = {"start_at": "start_at", "adviser": "adviser", "place": "place", "people_served": "people_served"}
    return [replace(c, sort=sorts.get(c.key)) for c in columns()]


def screening_columns() -> list[Column]:
    """The 矛盾纠纷排查 page's columns (it lists the register in a plain table; same captions here)."""
    from station_app.core.codes import DisputeType, RiskLevel, ScreeningAction
    from station_app.ui.pages.common import code_label
    from station_app.ui.widgets.dates import zh_date

    return [Column("found_on", lambda: _("Found on"), sort="found_on", width=7),
            Column("village", lambda: _("Village"), width=3),
            Column("found_by", lambda: _("Found by"), width=5),
            Column("dispute_type", lambda: pgettext("station_app.ui.pages.screening", "Type"), width=5,
                   fmt=lambda v: code_label(DisputeType, v)),
            Column("risk_level", lambda: _("Risk"), width=2, fmt=lambda v: code_label(RiskLevel, v)),
            Column("action", lambda: pgettext("station_app.ui.pages.screening", "Action"), width=5,
                   fmt=lambda v: code_label(ScreeningAction, v)),
            Column("handed", lambda: _("Handed to / case"), width=6),
            Column("resolved_on", lambda: _("Resolved on"), width=7,
                   fmt=lambda d: zh_date(d) if d else _("open")),
            Column("description", lambda: _("Description"))]


class _ScreeningRows:
    """The register's rows with the page's 移交/案件 column (handed to, or the linked case's number)."""

    def __init__(self, area: Any):
        self.area = area

    def list(self, query):
        return [_Handed(r) for r in self.area.list(query)]

    def count(self, query):
        return self.area.count(query)


class _Handed:
    def __init__(self, row: Any):
        self._row = row
        self.handed = row.handed_to or row.case_no or ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def kind_source(app: Any, kind: str) -> Any:
    area = getattr(app.browse, kind)
    if kind == "screening":
        return _ScreeningRows(area)
    if kind == "mediation":
        from station_app.ui.pages.mediation import _FlagRows  # the case list's flags column, as on the station page

        return _FlagRows(area)
    return area


def records_model(app: Any, kind: str, names: dict[str, str]) -> PagedTableModel:
    columns = [_safe(c) for c in [station_column(names)] + kind_columns(kind)]
    return area_model(kind_source(app, kind), columns, default_sort=DEFAULT_SORT[kind])


class RecordsPage(Page):
    key = "records"
    tables = frozenset({"consultations", "mediation_cases", "mediation_parties", "postings", "posting_photos",
                        "outreach_events", "duty_shifts", "screening_items", "stations"})

    @classmethod
    def title(cls) -> str:
        return _("Records of all stations")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return app.may("report.read")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        self.names = {code: terminal_safe(name) for code, name, _k in app.browse.stations()}
        bar = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("recordsKind")
        for kind, label in kinds():
            if self._may_read(kind):
                self.kind.addItem(label, kind)
        self.search = SearchBox()
        self.search.setObjectName("recordsSearch")
        self.station = QComboBox()
        self.station.setObjectName("recordsStation")
        self.station.addItem(_("All stations"), None)
        for code, name in self.names.items():
            self.station.addItem(f"{code} {name}", code)
        self.year = year_combo(years_shown(app, date.today()))
        self.year.setObjectName("recordsYear")
        self.open_button = QPushButton(_("Open"))
        self.open_button.setObjectName("recordsOpen")
        bar.addWidget(self.kind)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.station)
        bar.addWidget(self.year)
        bar.addWidget(self.open_button)
        self.layout_.addLayout(bar)
        note = QLabel(_("Read only: records are entered and corrected at the station they belong to."))
        note.setObjectName("recordsNote")
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.models: dict[str, PagedTableModel] = {}
        self.view = table_view(self._model(self.current_kind()))
        self.view.setObjectName("recordsTable")
        self._sort_as_default()
        self.layout_.addWidget(self.view, 1)
        self.count = QLabel()
        self.count.setObjectName("recordsCount")
        self.layout_.addWidget(self.count)
        self._fit()
        self.kind.currentIndexChanged.connect(lambda _i: self.show_kind())
        self.search.search.connect(lambda _t: self.apply_filters())
        self.station.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.year.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.open_button.clicked.connect(self.open_selected)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self._update()

    def _may_read(self, kind: str) -> bool:
        return self.app.may({"consultations": "consultation.read", "mediation": "mediation.read",
                             "screening": "records.write"}.get(kind, "report.read"))  # as on the station pages

    # -- lists -----------------------------------------------------------------------------------------------------
    def current_kind(self) -> str:
        return self.kind.currentData() or "consultations"

    def _model(self, kind: str) -> PagedTableModel:
        if kind not in self.models:
            self.models[kind] = records_model(self.app, kind, self.names)
        return self.models[kind]

    @property
    def model(self) -> PagedTableModel:
        return self._model(self.current_kind())

    def filters(self) -> dict[str, Any]:
        return {"search": self.search.text().strip() or None, "station": self.station.currentData(),
                "year": self.year.currentData()}

    def _sort_as_default(self) -> None:
        """Newest first by the list's date, the indicator on that column. (Turning sorting on points the indicator
        at the first column, here the unsortable station: put it on the date.)"""
        model = self.model
        for i, col in enumerate(model.columns):
            if col.sort == DEFAULT_SORT[self.current_kind()]:
                self.view.sortByColumn(i, Qt.SortOrder.DescendingOrder)

    def show_kind(self) -> None:
        self.view.setModel(self.model)
        self._sort_as_default()
        self.open_button.setEnabled(self.current_kind() in ("consultations", "mediation", "duty"))
        self.apply_filters()
        self._fit()

    def apply_filters(self) -> None:
        model, filters = self.model, self.filters()

        def show(result) -> None:
            model.apply(result)
            self._update()

        # Off the GUI thread; a newer search makes an older, slower one's result stale (dropped).
        self.runner.run(lambda _p, _c: model.query(**filters), show, key="township-records",
                        title=_("Searching…"), parent=self, quiet=True)

    def _fit(self) -> None:
        """Every column as wide as its title and first rows, the last one taking the rest."""
        header = self.view.horizontalHeader()
        self.view.resizeColumnsToContents()
        metrics = self.view.fontMetrics()
        for i, col in enumerate(self.model.columns):
            want = max(self.view.columnWidth(i), metrics.horizontalAdvance(col.header()) + 30)
            header.resizeSection(i, min(want, 320))
        header.setStretchLastSection(True)

    def _update(self) -> None:
        self.count.setText(_("{total} records", total=self.model.total))
        self.open_button.setEnabled(self.current_kind() in ("consultations", "mediation", "duty"))

    def refresh(self) -> None:
        """After an import: the same filters again, on the op runner (never a query on the GUI thread)."""
        self.apply_filters()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_record(self) -> None:
        """Ctrl+N does nothing here: records are entered at their station."""

    # -- one record ------------------------------------------------------------------------------------------------
    def open_selected(self) -> None:
        row = selected_row(self.view)
        if row is None:
            return
        kind = self.current_kind()
        if kind == "consultations":
            from station_app.ui.pages.consultations import ConsultationDetails

            self.details_dialog = ConsultationDetails(self.app, row.id, parent=self)
        elif kind in ("mediation", "duty"):
            self.details_dialog = RecordDetails(self.app, kind, row.id, parent=self)
        else:
            return
        self.details_dialog.open()


#: per kind: (area, reveal permission, fields shown in order, personal fields masked until revealed)
DETAILS = {
    "mediation": ("mediation", "mediation.reveal",
                  ("case_no", "accepted_on", "source", "dispute_type", "summary", "mediator", "stage", "outcome",
                   "closed_on", "agreement_terms", "performance_status"), ()),
    "duty": ("duty", "duty.reveal", ("adviser", "place", "start_at", "end_at", "hours", "people_served", "summary"),
             ()),
}


class RecordDetails(QDialog):
    """A mediation case or a duty shift, read only, masked as the application gives it; 显示 asks the application
    again with reveal (role permitting; the application writes the access log) and shows the nested lists in full."""

    def __init__(self, app: Any, kind: str, record_id: str, parent=None):
        super().__init__(parent)
        self.setObjectName("recordDetails")
        self.app, self.kind, self.record_id = app, kind, record_id
        area_name, self.permission, self.fields, _personal = DETAILS[kind]
        self.area = getattr(app, area_name)
        self.setWindowTitle(_("Mediation case") if kind == "mediation" else _("Duty shift"))
        details = self.area.get(record_id)
        labels = self.area.labels()
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        self.form = QFormLayout(inner)
        for key in self.fields:
            value = details.values.get(key)
            label = QLabel(terminal_safe(display(value) if value not in (None, "") else "—", multiline=True))
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(QLabel(labels.get(key, key)), label)
        self.people = MaskedValue(self._people(details.values),
                                  self._reveal if app.may(self.permission) else None)
        self.people.label.setTextFormat(Qt.TextFormat.PlainText)
        self.people.label.setWordWrap(True)
        self.form.addRow(QLabel(_("Parties") if kind == "mediation" else _("Work log")), self.people)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.resize(560, 560)

    def _people(self, values: dict[str, Any]) -> str:
        """Parties (a case) or the work log (a shift), one per line, as masked as the application gave them."""
        if self.kind == "mediation":
            lines = ["{role}：{name} {phone}".format(role=p.get("role") or "", name=p.get("name") or "",
                                                    phone=p.get("phone") or "").strip()
                     for p in values.get("parties") or []]
        else:
            lines = [" ".join(str(e.get(k) or "") for k in ("served", "content", "result")).strip()
                     for e in values.get("log") or []]
        return terminal_safe("\n".join(lines), multiline=True)

    def _reveal(self) -> str:
        return self._people(self.area.get(self.record_id, reveal=True).values)
