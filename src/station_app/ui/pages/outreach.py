"""普法活动: lectures, campaigns and consultation days, with 场次, 人次 and materials handed out."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from station_app.core.codes import OutreachKind
from station_app.core.i18n import _, pgettext
from station_app.core.query import Query
from station_app.ui.dialogs.form_dialog import FormDialog
from station_app.ui.models.paged import Column
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import area_model, code_combo, code_label, table_view, year_combo
from station_app.ui.widgets.form import Field, code_choices


def columns() -> list[Column]:
    return [Column("held_on", lambda: _("Date"), width=7, sort="held_on"),
            Column("kind", lambda: pgettext("station_app.ui.pages.outreach", "Kind"), width=5, fmt=lambda v: code_label(OutreachKind, v)),
            Column("topic", lambda: _("Topic"), sort="topic"),
            Column("speaker", lambda: _("Speaker"), width=4),
            Column("place", lambda: _("Place")),
            Column("attendees", lambda: pgettext("station_app.ui.pages.outreach", "Attendees"), width=4, sort="attendees"),
            Column("materials", lambda: _("Materials"), width=4)]


class OutreachPage(Page):
    key = "outreach"
    tables = frozenset({"outreach_events"})

    @classmethod
    def title(cls) -> str:
        return pgettext("station_app.ui.pages.outreach", "Outreach")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        bar = QHBoxLayout()
        self.year = year_combo()
        self.kind = code_combo(OutreachKind, _("All kinds"))
        self.add_button = QPushButton(_("New event (Ctrl+N)"))
        self.add_button.setObjectName("newEvent")
        self.add_button.setEnabled(app.may("outreach.write"))
        bar.addWidget(self.year)
        bar.addWidget(self.kind)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        self.layout_.addLayout(bar)
        self.model = area_model(app.outreach, columns(), default_sort="held_on")
        self.view = table_view(self.model, stretch=2)
        self.view.setObjectName("outreachTable")
        self.layout_.addWidget(self.view, 1)
        self.totals = QLabel()
        self.layout_.addWidget(self.totals)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.add_button.clicked.connect(self.new_record)
        self.refresh()

    def refresh(self) -> None:
        filters = {"year": self.year.currentData(), "kind": self.kind.currentData()}
        self.model.set_filters(**filters)
        rows = self.app.outreach.list(Query(filters={k: v for k, v in filters.items() if v}, limit=None))
        self.totals.setText(_("{len} events, {sum} attendees, {sum2} materials handed out", len=len(rows), sum=sum((r.attendees for r in rows)), sum2=sum((r.materials for r in rows))))

    def new_record(self) -> None:
        if not self.app.may("outreach.write"):
            return
        try:
            advisers = self.app.advisers.list(Query(filters={"active": True}, limit=None))
        except Exception:
            advisers = []
        fields = [Field("kind", "choice", code_choices(OutreachKind), required=True),
                  Field("held_on", "date", required=True), Field("topic", "text", required=True),
                  Field("speaker", "text", completions=[a.name for a in advisers]),
                  Field("adviser_id", "choice", [(a.id, a.name) for a in advisers], optional_choice=True),
                  Field("place", "text"), Field("attendees", "int"), Field("materials", "int")]
        labels = {k: s.label for k, s in self.app.outreach.specs.items()}
        self.form_dialog = FormDialog(_("New outreach event"), fields, labels,
                                      self.app.outreach.record, self.runner, draft_root=self.app.paths.root,
                                      draft_key=f"outreach-{self.app.login}",
                                      on_saved=lambda _cs: self.notify(set(self.tables)), parent=self)
        self.form_dialog.setObjectName("outreachForm")
        self.form_dialog.open()
