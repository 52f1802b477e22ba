"""咨询登记: the entry form (keyboard alone, defaults from today's duty) and the list (search as you type, filters,
personal data masked; revealing is the application's decision and is logged there)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from station_app.core.codes import AgeBand, Channel, ConsultationCategory, Gender, Referral
from station_app.core.i18n import _, pgettext
from station_app.core.query import Query
from station_app.ui.dialogs.form_dialog import FormDialog
from station_app.ui.models.paged import Column, display
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import area_model, code_combo, code_label, selected_row, table_view, year_combo
from station_app.ui.widgets.form import Field, caption, code_choices
from station_app.ui.widgets.masked import MaskedValue
from station_app.ui.widgets.search import SearchBox


def columns() -> list[Column]:
    return [
        Column("occurred_at", lambda: _("Time"), width=9, sort="occurred_at"),
        Column("channel", lambda: _("Channel"), width=5, sort="channel", fmt=lambda v: code_label(Channel, v)),
        Column("consultant", lambda: _("Consultant"), width=4),
        Column("phone", lambda: _("Phone"), width=7),
        Column("category", lambda: _("Category"), width=8, sort="category",
               fmt=lambda v: code_label(ConsultationCategory, v)),
        Column("referral", lambda: _("Referral"), width=4, fmt=lambda v: code_label(Referral, v)),
        Column("summary", lambda: _("Question")),
    ]


def todays_duty(app: Any, today: date | None = None) -> Any | None:
    """Today's shift (the newest that starts today), for the form's defaults."""
    today = today or date.today()
    try:
        rows = app.duty.list(Query(filters={"year": today.year}, sort="start_at", descending=True, limit=20))
    except Exception:  # a role that may not read the roster: no defaults, the form still works
        return None
    return next((r for r in rows if r.start_at.date() == today), None)


def consultation_fields(app: Any) -> list[Field]:
    duty = todays_duty(app)
    try:
        advisers = app.advisers.list(Query(filters={"active": True}, sort="name", limit=None))
    except Exception:
        advisers = []
    return [
        Field("occurred_at", "datetime", required=True),
        Field("channel", "choice", code_choices(Channel), required=True),
        Field("consultant_name", "text"),
        Field("gender", "choice", code_choices(Gender), optional_choice=True),
        Field("age_band", "choice", code_choices(AgeBand), optional_choice=True),
        Field("phone", "text"),
        Field("address", "text"),
        Field("category", "choice", code_choices(ConsultationCategory), required=True),
        Field("summary", "multiline", required=True),
        Field("answer", "multiline"),
        Field("adviser_id", "choice", [(a.id, a.name) for a in advisers], optional_choice=True,
              default=duty.adviser_id if duty else None),
        Field("answered_by", "text", default=duty.adviser if duty else None,
              completions=[a.name for a in advisers]),
        Field("referral", "choice", code_choices(Referral), default=Referral.NONE.value),
        Field("follow_up_on", "optdate"),
    ]


class ConsultationsPage(Page):
    key = "consultations"
    tables = frozenset({"consultations"})

    @classmethod
    def title(cls) -> str:
        return pgettext("station_app.ui.pages.consultations", "Consultations")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return app.may("consultation.read")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        bar = QHBoxLayout()
        self.search = SearchBox()
        self.search.setObjectName("consultationSearch")
        self.year = year_combo()
        self.channel = code_combo(Channel, _("All channels"))
        self.category = code_combo(ConsultationCategory, _("All categories"))
        self.referral = code_combo(Referral, _("All referrals"))
        self.station = None
        if app.station().is_township:  # the township sees every station's consultations: filter by station
            from PySide6.QtWidgets import QLineEdit

            self.station = QLineEdit()
            self.station.setPlaceholderText(_("Station code"))
            self.station.setMaximumWidth(90)
        self.add_button = QPushButton(_("New (Ctrl+N)"))
        self.add_button.setObjectName("newConsultation")
        self.add_button.setEnabled(app.may("consultation.write"))
        self.view_button = QPushButton(_("Open"))
        bar.addWidget(self.search, 2)
        bar.addWidget(self.year)
        bar.addWidget(self.channel)
        bar.addWidget(self.category)
        bar.addWidget(self.referral)
        if self.station is not None:
            bar.addWidget(self.station)
            self.station.editingFinished.connect(self.apply_filters)
        bar.addWidget(self.add_button)
        bar.addWidget(self.view_button)
        self.layout_.addLayout(bar)
        self.model = area_model(app.consultations, columns(), default_sort="occurred_at", runner=runner)
        self.view = table_view(self.model, stretch=6)
        self.fit_time_column()
        self.view.setObjectName("consultationTable")
        self.layout_.addWidget(self.view, 1)
        self.count = QLabel()
        self.count.setObjectName("consultationCount")
        self.layout_.addWidget(self.count)
        self.search.search.connect(lambda _t: self.apply_filters())
        for box in (self.year, self.channel, self.category, self.referral):
            box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.add_button.clicked.connect(self.new_record)
        self.view_button.clicked.connect(self.open_selected)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self._update_count()

    def apply_filters(self) -> None:
        filters = dict(search=self.search.text().strip() or None, year=self.year.currentData(),
                       channel=self.channel.currentData(), category=self.category.currentData(),
                       referral=self.referral.currentData(),
                       station=self.station.text().strip() or None if self.station is not None else None)

        def show(result) -> None:
            self.model.apply(result)
            self._update_count()

        # Off the GUI thread; a newer search makes an older, slower one's result stale (dropped).
        self.runner.run(lambda _p, _c: self.model.query(**filters), show, key="consultation-search",
                        title=_("Searching…"), parent=self, quiet=True)

    def _update_count(self) -> None:
        self.count.setText(_("{total} records", total=self.model.total))

    def refresh(self) -> None:
        self.model.reload()
        self._update_count()
        self.fit_time_column()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.fit_time_column()  # the style and font are final once shown

    def fit_time_column(self) -> None:
        """The time column as wide as its longest text (a date and time in either language), never clipped."""
        from datetime import datetime

        from station_app.ui.widgets.dates import zh_datetime

        sample = self.view.fontMetrics().horizontalAdvance(zh_datetime(datetime(2026, 12, 28, 23, 59))) + 28
        self.view.resizeColumnToContents(0)
        self.view.horizontalHeader().resizeSection(0, max(sample, self.view.columnWidth(0)))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_record(self) -> None:
        if not self.app.may("consultation.write"):
            return
        dialog = FormDialog(_("New consultation"), consultation_fields(self.app),
                            self.app.consultations.labels(), self.app.consultations.record, self.runner,
                            draft_root=self.app.paths.root, draft_key=f"consultation-{self.app.login}",
                            on_saved=lambda cs: self.notify({"consultations"}), parent=self)
        dialog.setObjectName("consultationForm")
        self.form_dialog = dialog
        dialog.open()

    def open_selected(self) -> None:
        row = selected_row(self.view)
        if row is None:
            return
        self.details_dialog = ConsultationDetails(self.app, row.id, parent=self)
        self.details_dialog.open()


CODES = {"channel": Channel, "gender": Gender, "age_band": AgeBand, "category": ConsultationCategory,
         "referral": Referral}


class ConsultationDetails(QDialog):
    """One consultation, masked; 显示 asks the application to reveal (role permitting, written to the access log)."""

    SHOWN = ("occurred_at", "channel", "consultant_name", "gender", "age_band", "phone", "address", "category",
             "summary", "answer", "answered_by", "referral", "follow_up_on")

    def __init__(self, app: Any, record_id: str, parent=None):
        super().__init__(parent)
        self.setObjectName("consultationDetails")
        self.setWindowTitle(_("Consultation"))
        self.app, self.record_id = app, record_id
        d = app.consultations.get(record_id)
        labels = app.consultations.labels()
        form = QFormLayout(self)
        may_reveal = app.may("consultation.reveal")
        self.masked: dict[str, MaskedValue] = {}
        for key in self.SHOWN:
            value = d.values.get(key)
            if key in ("consultant_name", "phone"):
                w = MaskedValue(display(value), (lambda k=key: self._reveal(k)) if may_reveal else None)
                self.masked[key] = w
                form.addRow(caption(labels.get(key, key)), w)
            else:
                table = CODES.get(key)
                label = QLabel(code_label(table, value) if table and value else display(_parsed(value)))
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(caption(labels.get(key, key)), label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 560)

    def _reveal(self, key: str) -> str:
        d = self.app.consultations.get(self.record_id, reveal=True)
        for k, w in self.masked.items():
            if k != key:
                w.label.setText(display(d.values.get(k)) or "—")
                w.button.setEnabled(False)
        return display(d.values.get(key))


def _parsed(value: Any) -> Any:
    """ISO strings from a record's values, shown as dates."""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return value
    return value
