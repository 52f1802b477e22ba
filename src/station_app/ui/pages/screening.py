"""矛盾纠纷排查: the register of disputes found in screening, what was done with each, and whether it is resolved."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from station_app.core.codes import DisputeType, RiskLevel, ScreeningAction
from station_app.core.i18n import _, ngettext, pgettext
from station_app.ui.dialogs.form_dialog import FormDialog
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import code_label, year_combo
from station_app.ui.widgets.dates import zh_date
from station_app.ui.widgets.form import Field, code_choices


def headers() -> list[str]:
    return [_("Found on"), _("Village"), _("Found by"), pgettext("station_app.ui.pages.screening", "Type"),
            _("Risk"), pgettext("station_app.ui.pages.screening", "Action"), _("Handed to / case"),
            _("Resolved on"), _("Description")]


class ScreeningPage(Page):
    key = "screening"
    tables = frozenset({"screening_items", "mediation_cases"})

    @classmethod
    def title(cls) -> str:
        return _("Dispute screening")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return app.may("records.write")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        self.rows: list[Any] = []
        bar = QHBoxLayout()
        self.year = year_combo()
        self.unresolved = QCheckBox(_("Unresolved only"))
        self.add_button = QPushButton(_("New entry (Ctrl+N)"))
        self.add_button.setObjectName("newScreening")
        self.link_button = QPushButton(_("Link a mediation case…"))
        self.open_case_button = QPushButton(_("Open a mediation case…"))
        self.open_case_button.setEnabled(app.may("mediation.write"))
        self.resolve_button = QPushButton(_("Mark resolved…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setObjectName("editScreening")
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setObjectName("deleteScreening")
        for w in (self.year, self.unresolved):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.add_button, self.edit_button, self.delete_button, self.link_button, self.open_case_button,
                  self.resolve_button):
            bar.addWidget(w)
        self.layout_.addLayout(bar)
        self.view = QTableWidget(0, len(headers()))
        self.view.setObjectName("screeningTable")
        self.view.setHorizontalHeaderLabels(headers())
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.layout_.addWidget(self.view, 1)
        self.totals = QLabel()
        self.layout_.addWidget(self.totals)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.unresolved.toggled.connect(lambda _b: self.refresh())
        self.add_button.clicked.connect(self.new_record)
        self.link_button.clicked.connect(self.link_case)
        self.open_case_button.clicked.connect(self.open_case)
        self.resolve_button.clicked.connect(self.resolve)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.view.itemDoubleClicked.connect(lambda _item: self.edit())
        self.refresh()

    def refresh(self) -> None:
        self.rows = self.app.screening.list(year=self.year.currentData(), unresolved=self.unresolved.isChecked())
        self.view.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            cells = [zh_date(r.found_on), r.village, r.found_by, code_label(DisputeType, r.dispute_type),
                     code_label(RiskLevel, r.risk_level), code_label(ScreeningAction, r.action),
                     r.handed_to or r.case_no or "", zh_date(r.resolved_on) if r.resolved_on else _("open"),
                     r.description]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                self.view.setItem(i, j, item)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(len(headers()) - 1, QHeaderView.ResizeMode.Stretch)
        open_ = sum(1 for r in self.rows if not r.resolved)
        self.totals.setText(ngettext("{n} dispute, {open} not resolved", "{n} disputes, {open} not resolved",
                                     len(self.rows), n=len(self.rows), open=open_))

    def selected(self) -> Any | None:
        i = self.view.currentRow()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def _saved(self, _cs: Any = None) -> None:
        self.notify(set(self.tables))

    def _fields(self) -> list[Field]:
        return [Field("found_on", "date", required=True, default=date.today()),
                Field("village_station_id", "text"),
                Field("found_by", "text", required=True, default=self.app.user.name),
                Field("parties", "text"),
                Field("dispute_type", "choice", code_choices(DisputeType), required=True),
                Field("description", "multiline", required=True),
                Field("risk_level", "choice", code_choices(RiskLevel), required=True),
                Field("action", "choice", code_choices(ScreeningAction), required=True),
                Field("handed_to", "text"), Field("mediation_case_id", "text"),
                Field("resolved_on", "optdate"), Field("result", "multiline")]

    def new_record(self) -> None:
        self.form_dialog = FormDialog(_("New screening entry"), self._fields(), self.app.screening.labels(),
                                      self.app.screening.record, self.runner, draft_root=self.app.paths.root,
                                      draft_key=f"screening-{self.app.login}", on_saved=self._saved, parent=self)
        self.form_dialog.setObjectName("screeningForm")
        self.form_dialog.open()

    def edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        values = self.app.screening.values(row.id)
        item_id = values.pop("id")
        fields = self._fields()
        for f in fields:
            f.default = values.get(f.key)
        self.form_dialog = FormDialog(_("Edit screening entry"), fields, self.app.screening.labels(),
                                      lambda data: self.app.screening.update(item_id, data), self.runner,
                                      on_saved=self._saved, parent=self)
        self.form_dialog.setObjectName("screeningForm")
        self.form_dialog.open()

    def delete(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(
            self, _("Delete"), _("Delete the entry of {found_on} ({description})? It stays in the record history.",
                                 found_on=zh_date(row.found_on), description=row.description[:30]))
        if answer == QMessageBox.StandardButton.Yes:
            self.runner.run(lambda *_a: self.app.screening.delete(row.id), self._saved, title=_("Deleting…"),
                            parent=self)

    def link_case(self) -> None:
        row = self.selected()
        if row is None:
            return
        ref, ok = QInputDialog.getText(self, _("Link a mediation case"), _("Case number or id:"))
        if ok and ref.strip():
            self.runner.run(lambda *_a: self.app.screening.link_case(row.id, ref.strip()), self._saved,
                            title=_("Linking…"), parent=self)

    def open_case(self) -> None:
        row = self.selected()
        if row is None:
            return
        names, ok = QInputDialog.getText(self, _("Open a mediation case"),
                                         _("The parties' names, separated by commas (two at least):"),
                                         text=row.description if False else "")
        if not ok:
            return
        from station_app.core.codes import PartyRole

        parties = [{"role": PartyRole.PARTY.value, "name": n.strip()}
                   for n in names.replace("，", ",").replace("、", ",").split(",") if n.strip()]
        self.runner.run(lambda *_a: self.app.screening.open_case(row.id, {}, parties), self._saved,
                        title=_("Opening the case…"), parent=self)

    def resolve(self) -> None:
        row = self.selected()
        if row is None:
            return
        result, ok = QInputDialog.getText(self, _("Mark resolved"), _("Result (resolved today):"))
        if ok:
            self.runner.run(lambda *_a: self.app.screening.resolve(row.id, date.today(), result.strip() or None),
                            self._saved, title=_("Saving…"), parent=self)
