"""人民调解: the case list with its flags and the case view with the whole file; acceptance, sessions, closing,
follow-ups and the checklist through forms; printing the agreement. Closing is offered only to roles that may."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station_app.core.codes import (
    AgreementForm,
    CaseSource,
    CaseStage,
    DisputeType,
    Gender,
    MediationOutcome,
    PartyRole,
)
from station_app.core.i18n import _, pgettext, tr
from station_app.ui.dialogs.form_dialog import FormDialog
from station_app.ui.models.paged import Column
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import area_model, code_combo, code_label, selected_row, table_view, year_combo
from station_app.ui.widgets.dates import zh_date
from station_app.ui.widgets.form import Field, FormWidget, code_choices


def _flag(row: Any) -> str:
    flags = []
    if row.overdue:
        flags.append(_("over 30 days"))
    due = row.judicial_confirmation_due_on
    if due is not None and 0 <= (due - date.today()).days <= 7:
        flags.append(_("confirmation due soon"))
    return "、".join(flags) if flags else ""


def columns() -> list[Column]:
    return [
        Column("case_no", lambda: _("Case no."), width=8, sort="case_no"),
        Column("accepted_on", lambda: pgettext("station_app.ui.pages.mediation", "Accepted"), width=7, sort="accepted_on"),
        Column("dispute_type", lambda: _("Dispute"), width=5, fmt=lambda v: code_label(DisputeType, v)),
        Column("parties", lambda: _("Parties"), width=6),
        Column("mediator", lambda: _("Mediator"), width=4),
        Column("stage", lambda: _("Stage"), fmt=lambda v: code_label(CaseStage, v), width=3),
        Column("outcome", lambda: _("Outcome"), width=4, sort="outcome",
               fmt=lambda v: code_label(MediationOutcome, v)),
        Column("days_open", lambda: _("Days open"), width=4),
        Column("flags", lambda: _("Flags")),
    ]


class _FlagRows:
    """Adds the flags column to the case rows the application gives."""

    def __init__(self, area: Any):
        self.area = area

    def list(self, query):
        return [_Flagged(r) for r in self.area.list(query)]

    def count(self, query):
        return self.area.count(query)


class _Flagged:
    def __init__(self, row: Any):
        self._row = row
        self.flags = _flag(row)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def party_fields() -> list[Field]:
    return [Field("role", "choice", code_choices(PartyRole), required=True),
            Field("name", "text", required=True),
            Field("gender", "choice", code_choices(Gender), optional_choice=True),
            Field("id_number", "text"), Field("phone", "text"), Field("address", "text")]


class MediationPage(Page):
    key = "mediation"
    tables = frozenset({"mediation_cases", "mediation_parties", "mediation_sessions", "mediation_followups",
                        "mediation_documents"})

    @classmethod
    def title(cls) -> str:
        return _("Mediation")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return app.may("mediation.read")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        bar = QHBoxLayout()
        self.year = year_combo()
        self.outcome = code_combo(MediationOutcome, _("All outcomes"))
        self.overdue = QCheckBox(_("Only open > 30 days"))
        self.add_button = QPushButton(_("Accept a case (Ctrl+N)"))
        self.add_button.setObjectName("newCase")
        self.add_button.setEnabled(app.may("mediation.write"))
        for w in (self.year, self.outcome, self.overdue):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        self.layout_.addLayout(bar)
        split = QSplitter()
        self.model = area_model(_FlagRows(app.mediation), columns(), default_sort="accepted_on")
        self.view = table_view(self.model, stretch=3)
        self.view.setObjectName("caseTable")
        split.addWidget(self.view)
        self.case_view = CaseView(self)
        split.addWidget(self.case_view)
        split.setSizes([620, 520])
        self.layout_.addWidget(split, 1)
        self.year.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.outcome.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.overdue.toggled.connect(lambda _b: self.apply_filters())
        self.add_button.clicked.connect(self.new_record)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.show_case(cur.row()))
        if self.model.rowCount():
            self.view.selectRow(0)

    def apply_filters(self) -> None:
        self.model.set_filters(year=self.year.currentData(), outcome=self.outcome.currentData(),
                               overdue=True if self.overdue.isChecked() else None)

    def show_case(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.case_view.load(self.model.row(row).id)

    def refresh(self) -> None:
        current = self.case_view.case_id
        self.model.reload()
        if current:
            self.case_view.load(current)

    def new_record(self) -> None:
        if not self.app.may("mediation.write"):
            return
        parties = QWidget()
        col = QVBoxLayout(parties)
        col.setContentsMargins(0, 0, 0, 0)
        labels = {k: s.label for k, s in self.app.mediation.party_specs.items()}
        self.party_forms = []
        for n, role in enumerate((PartyRole.APPLICANT.value, PartyRole.RESPONDENT.value), start=1):
            box = QGroupBox(_("Party {n}", n=n))
            inner = QVBoxLayout(box)
            form = FormWidget(party_fields(), labels)
            form.set_values({"role": role})
            form.setObjectName(f"party{n}")
            inner.addWidget(form)
            col.addWidget(box)
            self.party_forms.append(form)

        def submit(values: dict[str, Any]):
            ps = [{k: v for k, v in f.values().items() if v is not None} for f in self.party_forms]
            return self.app.mediation.open(values, [p for p in ps if p.get("name")])

        fields = [Field("accepted_on", "date", required=True),
                  Field("source", "choice", code_choices(CaseSource), required=True),
                  Field("dispute_type", "choice", code_choices(DisputeType), required=True),
                  Field("summary", "multiline", required=True),
                  Field("mediator", "text", default=self.app.user.name),
                  Field("amount_fen", "text")]
        labels_case = {k: s.label for k, s in self.app.mediation.case_specs.items()}
        self.form_dialog = FormDialog(_("Accept a mediation case"), fields, labels_case, submit,
                                      self.runner, draft_root=self.app.paths.root,
                                      draft_key=f"case-{self.app.login}", extra=parties,
                                      on_saved=lambda cs: self._opened(cs), parent=self)
        self.form_dialog.setObjectName("caseForm")
        self.form_dialog.resize(620, 760)
        self.form_dialog.open()

    def _opened(self, changes: Any) -> None:
        self.notify(set(self.tables))
        try:
            self.case_view.load(changes.first("mediation_cases"))
        except (AttributeError, IndexError):
            pass


class CaseView(QWidget):
    """The whole case file and its actions."""

    def __init__(self, page: MediationPage):
        super().__init__()
        self.page = page
        self.app = page.app
        self.case_id: str | None = None
        self.details: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = QTextBrowser()
        self.text.setObjectName("caseFile")
        layout.addWidget(self.text, 1)
        row1 = QHBoxLayout()
        row2 = QHBoxLayout()
        self.session_button = QPushButton(_("Add a session"))
        self.session_button.setObjectName("addSession")
        self.close_button = QPushButton(_("Close the case"))
        self.close_button.setObjectName("closeCase")
        self.followup_button = QPushButton(_("Follow-up"))
        self.followup_button.setObjectName("addFollowup")
        self.docs_button = QPushButton(_("File checklist"))
        self.docs_button.setObjectName("checklist")
        self.print_button = QPushButton(_("Print a document"))
        self.print_button.setObjectName("printDocument")
        self.print_menu = QMenu(self.print_button)
        self.print_actions: dict[str, Any] = {}
        from station_app.documents.kinds import KINDS

        for kind, (_title, name) in KINDS.items():
            action = self.print_menu.addAction(tr(name).capitalize())
            action.setObjectName(f"print-{kind}")
            action.triggered.connect(lambda _c=False, k=kind: self.print_document(k))
            self.print_actions[kind] = action
        self.print_button.setMenu(self.print_menu)
        self.reveal_button = QPushButton(_("Show full details"))
        self.reveal_button.setObjectName("revealCase")
        for b in (self.session_button, self.followup_button, self.close_button):
            row1.addWidget(b)
        for b in (self.docs_button, self.print_button, self.reveal_button):
            row2.addWidget(b)
        layout.addLayout(row1)
        layout.addLayout(row2)
        self.session_button.clicked.connect(self.add_session)
        self.close_button.clicked.connect(self.close_case)
        self.followup_button.clicked.connect(self.add_followup)
        self.docs_button.clicked.connect(self.edit_checklist)
        self.reveal_button.clicked.connect(lambda: self.load(self.case_id, reveal=True))
        self._enable()

    def _enable(self) -> None:
        d = self.details
        open_ = bool(d) and d.get("outcome") == MediationOutcome.IN_PROGRESS.value
        write = self.app.may("mediation.write")
        self.session_button.setEnabled(open_ and write)
        self.close_button.setEnabled(open_ and self.app.may("mediation.close"))
        if not self.app.may("mediation.close"):
            self.close_button.setToolTip(_("Only a mediator or an administrator closes a case"))
        self.followup_button.setEnabled(bool(d) and not open_ and write)
        self.docs_button.setEnabled(bool(d) and write)
        self.print_button.setEnabled(bool(d) and self.app.may("mediation.reveal"))
        if not self.app.may("mediation.reveal"):
            self.print_button.setToolTip(_("Printed documents carry full personal data: a mediator or an administrator prints them"))
        if d:
            agreed = d.get("outcome") == MediationOutcome.SUCCESS.value and bool(d.get("agreement_terms"))
            self.print_actions["agreement"].setEnabled(agreed)
        self.reveal_button.setEnabled(bool(d) and self.app.may("mediation.reveal"))

    def load(self, case_id: str | None, *, reveal: bool = False) -> None:
        self.case_id = case_id
        self.details = self.app.mediation.get(case_id, reveal=reveal).values if case_id else {}
        self.text.setHtml(case_html(self.details) if self.details else "")
        self._enable()

    def _form(self, title: str, fields: list[Field], specs: dict, submit, name: str) -> None:
        labels = {k: s.label for k, s in specs.items()}
        dialog = FormDialog(title, fields, labels, submit, self.page.runner, draft_root=self.app.paths.root,
                            draft_key=f"{name}-{self.case_id}", parent=self,
                            on_saved=lambda _cs: (self.page.notify(set(self.page.tables)), self.load(self.case_id)))
        dialog.setObjectName(name)
        self.form_dialog = dialog
        dialog.open()

    def add_session(self) -> None:
        cid = self.case_id
        self._form(_("Add a session"),
                   [Field("kind", "choice", [("调解", _("mediation")), ("调查", _("investigation"))]),
                    Field("held_at", "datetime", required=True), Field("place", "text"),
                    Field("mediator", "text", default=self.app.user.name), Field("record", "multiline", required=True)],
                   self.app.mediation.session_specs, lambda v: self.app.mediation.add_session(cid, v), "sessionForm")

    def close_case(self) -> None:
        cid = self.case_id
        self._form(_("Close the case"),
                   [Field("outcome", "choice", [(m.value, m.label) for m in MediationOutcome
                                                if m is not MediationOutcome.IN_PROGRESS], required=True),
                    Field("closed_on", "date", required=True),
                    Field("agreement_form", "choice", code_choices(AgreementForm), optional_choice=True),
                    Field("agreement_terms", "multiline"), Field("performance_method", "text"),
                    Field("performance_due_on", "optdate"), Field("signed_on", "optdate"),
                    Field("failure_reason", "multiline")],
                   self.app.mediation.close_specs, lambda v: self.app.mediation.close(cid, v), "closeForm")

    def add_followup(self) -> None:
        cid = self.case_id
        self._form(_("Follow-up"),
                   [Field("visited_on", "date", required=True),
                    Field("visitor", "text", required=True, default=self.app.user.name),
                    Field("performance", "multiline"), Field("satisfaction", "text"), Field("sued", "bool"),
                    Field("escalation_risk", "text"), Field("measures", "multiline")],
                   self.app.mediation.followup_specs, lambda v: self.app.mediation.add_followup(cid, v),
                   "followupForm")

    def edit_checklist(self) -> None:
        self.checklist_dialog = ChecklistDialog(self, self.details.get("checklist", []))
        self.checklist_dialog.open()

    def default_pdf(self, kind: str) -> Path:
        from station_app.documents.kinds import KINDS

        case_no = str(self.details.get("case_no") or "case").replace("/", "-")
        return self.app.paths.exports / f"{KINDS[kind][0]}-{case_no}.pdf"

    def print_document(self, kind: str, out: Path | str | None = None) -> Path | None:
        """One statutory document of the case as an A4 PDF, to a file the user chooses (the exports folder is
        offered); written by the op runner, each print logged by the service. Opened for printing afterwards."""
        from PySide6.QtWidgets import QFileDialog

        if not self.case_id:
            return None
        if out is None:
            suggested = self.default_pdf(kind)
            suggested.parent.mkdir(parents=True, exist_ok=True)
            chosen, _filter = QFileDialog.getSaveFileName(self, _("Save the document as PDF"), str(suggested),
                                                          _("PDF files (*.pdf)"))
            if not chosen:
                return None
            out = chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf"
        path = Path(out)
        cid = self.case_id
        done: list[Path] = []

        def printed(result: dict[str, Any]) -> None:
            self.last_printed = Path(result["out"])
            done.append(self.last_printed)
            if not getattr(self.page.runner, "synchronous", False):
                QDesktopServices.openUrl(QUrl.fromLocalFile(result["out"]))

        self.page.runner.run(lambda *_a: self.app.mediation.print(cid, kind, path), printed,
                             title=_("Printing…"), parent=self)
        return done[0] if done else None

    def print_agreement(self) -> Path | None:
        """The 人民调解协议书 into the installation's exports folder."""
        out = self.default_pdf("agreement")
        out.parent.mkdir(parents=True, exist_ok=True)
        return self.print_document("agreement", out)


class ChecklistDialog(QDialog):
    def __init__(self, view: CaseView, checklist: list[dict[str, Any]]):
        super().__init__(view)
        self.view = view
        self.setObjectName("checklistDialog")
        self.setWindowTitle(_("Case file checklist"))
        layout = QVBoxLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        inner = QWidget()
        col = QVBoxLayout(inner)
        for item in checklist:
            text = item["label"] + (_(" (required)") if item["required"] else "")
            box = QCheckBox(text)
            box.setChecked(item["present"])
            self.boxes[item["item"]] = box
            col.addWidget(box)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll)
        self.initial = {k: b.isChecked() for k, b in self.boxes.items()}
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 520)

    def save(self) -> None:
        changes = {k: b.isChecked() for k, b in self.boxes.items() if b.isChecked() != self.initial[k]}
        cid = self.view.case_id
        app = self.view.app

        def work(_p, _c):
            for item, present in changes.items():
                app.mediation.set_document(cid, item, present=present)

        def done(_r):
            self.view.page.notify(set(self.view.page.tables))
            self.view.load(cid)
            self.accept()

        self.view.page.runner.run(work, done, title=_("Saving…"), parent=self)


def _esc(v: Any) -> str:
    from html import escape

    return escape("" if v is None else str(v))


def _d(v: Any) -> str:
    if isinstance(v, str) and len(v) >= 10:
        try:
            return zh_date(date.fromisoformat(v[:10])) + (v[10:16].replace("T", " ") if len(v) > 10 else "")
        except ValueError:
            return v
    return zh_date(v) if isinstance(v, date) else _esc(v)


def case_html(d: dict[str, Any]) -> str:
    dl = d.get("deadlines", {})
    parts = [f"<h3>{_esc(d.get('case_no'))}　{_esc(code_label(DisputeType, d.get('dispute_type')))}</h3>",
             "<p>" + _("Accepted: ") + _d(d.get("accepted_on")) + "　" + _("Source: ")
             + _esc(code_label(CaseSource, d.get("source"))) + "　" + _("Stage: ") + _esc(code_label(CaseStage, d.get("stage")))
             + "　" + _("Outcome: ") + _esc(code_label(MediationOutcome, d.get("outcome"))) + "</p>",
             "<p>" + _("Due: ") + _d(dl.get("due_on")) + "　" + _("open ")
             + _esc(dl.get("days_open")) + _(" days")
             + ("　<b style='color:#b00020'>" + pgettext("station_app.ui.pages.mediation", "over 30 days") + "</b>" if dl.get("overdue") else "")
             + "</p>",
             "<p>" + _esc(d.get("summary")) + "</p>",
             "<h4>" + _("Parties") + "</h4><ul>"]
    for p in d.get("parties", []):
        parts.append(f"<li>{_esc(code_label(PartyRole, p.get('role')))}{_(': ')}{_esc(p.get('name'))}　"
                     f"{_esc(p.get('id_number') or '')}　{_esc(p.get('phone') or '')}</li>")
    parts.append("</ul><h4>" + _("Sessions") + "</h4><ul>")
    for s in d.get("sessions", []):
        parts.append(f"<li>{_d(s.get('held_at'))}　{_esc(code_label(CaseStage, s.get('kind')))}　{_esc(s.get('record'))}</li>")
    parts.append("</ul>")
    if d.get("outcome") != MediationOutcome.IN_PROGRESS.value:
        parts.append("<h4>" + _("Closing and agreement") + "</h4>")
        parts.append("<p>" + _("Closed on: ") + _d(d.get("closed_on")) + "</p>")
        if d.get("agreement_terms"):
            parts.append("<p>" + _("Terms: ") + _esc(d.get("agreement_terms")) + "</p>")
        if d.get("failure_reason"):
            parts.append("<p>" + _("Why not settled: ") + _esc(d.get("failure_reason")) + "</p>")
        if dl.get("judicial_confirmation_due_on"):
            parts.append("<p>" + _("Judicial confirmation by: ")
                         + _d(dl.get("judicial_confirmation_due_on")) + "</p>")
    parts.append("<h4>" + _("Follow-ups") + "</h4><ul>")
    for f in d.get("followups", []):
        parts.append(f"<li>{_d(f.get('visited_on'))}　{_esc(f.get('visitor'))}　{_esc(f.get('performance') or '')}</li>")
    parts.append("</ul><h4>" + _("File checklist") + "</h4><ul>")
    for item in d.get("checklist", []):
        if item["required"] or item["present"]:
            mark = "☑" if item["present"] else "☐"
            parts.append(f"<li>{mark} {_esc(item['label'])}</li>")
    parts.append("</ul>")
    return "".join(parts)

