"""The fork review: the version of a bundle number the township holds and the one it refused, side by side, what
each carries (tables, records new here, records clashing at one counter: field names only, the values are personal
data), then keep one with a reason. `app.forks.resolve` writes the decision and the reason to the sync log, as
`station-app fork resolve` does."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from station_app.core.i18n import _
from station_app.core.safe_text import terminal_safe
from station_app.ui.township.results import table_label


def _plain(text: Any) -> QLabel:
    label = QLabel(terminal_safe("" if text is None else text, multiline=True))
    label.setTextFormat(Qt.TextFormat.PlainText)  # everything here came in a file from outside
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _when(value: Any) -> str:
    """An ISO time from the bundle or the log (UTC) as the local time, in the UI's date form."""
    from datetime import datetime, timezone

    from station_app.ui.widgets.dates import zh_datetime

    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return terminal_safe(str(value or ""))
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return zh_datetime(t.astimezone().replace(tzinfo=None))


def _counts(counts: dict[str, int] | None) -> str:
    return _(", ").join(f"{table_label(t)} {n}" for t, n in sorted((counts or {}).items())) or "—"


def version_box(title: str, v: dict[str, Any] | None) -> QGroupBox:
    box = QGroupBox(title)
    form = QFormLayout(box)
    if v is None:
        form.addRow(_plain(_("No single bundle: the clash is per record.")))
        return box
    lo = v["counter_from"] + 1 if isinstance(v.get("counter_from"), int) else "?"
    form.addRow(_("Bundle number"), _plain(v.get("number")))
    form.addRow(_("Epoch"), _plain(v.get("epoch")))
    form.addRow(_("Change counter"), _plain(f"{lo}–{v.get('counter_to', '?')}"))
    form.addRow(_("Signed with key"), _plain(v.get("key_id")))
    form.addRow(_("Written at"), _plain(_when(v.get("created_at"))))
    if v.get("imported_at"):
        form.addRow(_("Imported at"), _plain(_when(v.get("imported_at"))))
    form.addRow(_("Rows"), _plain(_counts(v.get("counts"))))
    if "new_records" in v:
        form.addRow(_("Records not held here"), _plain(_counts(v.get("new_records"))))
        form.addRow(_("Newer versions"), _plain(_counts(v.get("newer_versions"))))
        clashes = v.get("clashes") or []
        comma = _(", ")
        lines = [f"{table_label(c['table'])} {c['id'][:8]}…: {comma.join(c['fields'])}" for c in clashes[:8]]
        form.addRow(_("Clashing at one counter"),
                    _plain("\n".join([str(v.get("clash_count", 0))] + lines)))
    if v.get("readable") is False:
        form.addRow(_("Cannot be opened"), _plain(v.get("unreadable_reason")))
    return box


class ForkReviewDialog(QDialog):
    #: keep ("held" | "offered"), reason
    decided = Signal(str, str)

    def __init__(self, data: dict[str, Any], *, may_decide: bool, parent=None):
        super().__init__(parent)
        self.data = data
        f = data["fork"]
        self.setWindowTitle(_("Fork #{id}: station {code}, bundle {number}", id=f["id"],
                              code=terminal_safe(f["code"] or ""), number=f["number"]))
        self.resize(900, 560)
        col = QVBoxLayout(self)
        col.addWidget(_plain(_("Two PCs of station {code} wrote bundle number {number} differently: {detail}",
                               code=f["code"] or "", number=f["number"], detail=f["detail"] or "")))
        side = QHBoxLayout()
        self.held_box = version_box(_("Held (imported)"), data.get("held"))
        self.offered_box = version_box(_("Refused (offered)"), data.get("offered"))
        side.addWidget(self.held_box, 1)
        side.addWidget(self.offered_box, 1)
        col.addLayout(side, 1)
        choice = QGroupBox(_("Keep"))
        crow = QVBoxLayout(choice)
        self.keep_held = QRadioButton(_("the held version (the refused bundle is set aside)"))
        self.keep_held.setObjectName("keepHeld")
        self.keep_offered = QRadioButton(_("the refused version (it is merged; the other PC must then be restored "
                                           "from the township)"))
        self.keep_offered.setObjectName("keepOffered")
        self.keep_offered.setEnabled((data.get("offered") or {}).get("readable") is not False)
        self.keep_held.setChecked(True)
        self.group = QButtonGroup(self)
        self.group.addButton(self.keep_held)
        self.group.addButton(self.keep_offered)
        crow.addWidget(self.keep_held)
        crow.addWidget(self.keep_offered)
        col.addWidget(choice)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setObjectName("forkReason")
        self.reason.setPlaceholderText(_("e.g. the second PC was a copy nobody uses"))
        form.addRow(_("Reason (written to the sync log)") + " *", self.reason)
        col.addLayout(form)
        self.problem = QLabel()
        self.problem.setObjectName("forkProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("color: #b71c1c")
        self.problem.setWordWrap(True)
        col.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Decide"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
        self.buttons.accepted.connect(self._decide)
        self.buttons.rejected.connect(self.reject)
        col.addWidget(self.buttons)
        decidable = may_decide and f["status"] == "open"
        for w in (self.keep_held, self.keep_offered, self.reason, self.buttons.button(QDialogButtonBox.StandardButton.Ok)):
            w.setEnabled(w.isEnabled() and decidable)
        if not may_decide:
            self.problem.setText(_("Your role may see forks but not decide them."))

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def _decide(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.show_problem(_("Say why this version is kept: the reason is written to the sync log."))
            self.reason.setFocus()
            return
        self.problem.setText("")
        self.decided.emit("offered" if self.keep_offered.isChecked() else "held", reason)
