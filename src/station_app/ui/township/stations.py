"""站点: the enrolled stations with their sync progress (last bundle, days since, missing numbers, key fingerprint,
revoked keys, forks awaiting review), the fork review, and the key work of the township: enrol a station's card,
revoke a key, export the reference bundle and a restore bundle for a station's new PC.

Every action is the application's (the same calls as `station-app stations|enroll|revoke|fork|bundle
export-reference|export-restore`). Key work is the administrator's (keys.manage), deciding a fork is for those who
import (bundle.import): the buttons are disabled for other roles, and the application refuses anyway.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.core.i18n import _, pgettext
from station_app.core.safe_text import terminal_safe
from station_app.ui.models.paged import Column
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import selected_row, table_view
from station_app.ui.township.results import SafeListModel as ListModel
from station_app.ui.township.results import ranges_text
from station_app.ui.widgets.dates import zh_date


def _local_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        from datetime import timezone

        # Stored as naive UTC: the day the township's staff saw it is the local one.
        return value.replace(tzinfo=timezone.utc).astimezone().date()
    return value


def days_since(value: Any, today: date | None = None) -> int | None:
    d = _local_date(value)
    return None if d is None else ((today or date.today()) - d).days


def station_rows(overview: dict[str, Any], today: date | None = None) -> list[dict[str, Any]]:
    """One flat row per station for the table (all text from outside made terminal-safe)."""
    revoked_by_code: dict[str, int] = {}
    for r in overview.get("revoked", []):
        revoked_by_code[r["code"]] = revoked_by_code.get(r["code"], 0) + 1
    out = []
    for e in overview.get("stations", []):
        open_forks = [f for f in e.get("forks", []) if not f.get("resolved")]
        out.append({
            "id": e["station_id"], "code": terminal_safe(e.get("code") or ""), "name": terminal_safe(e.get("name") or ""),
            "last_number": e.get("last_number"), "last_imported": _local_date(e.get("last_imported_at")),
            "days": days_since(e.get("last_imported_at"), today),
            "missing": ranges_text(e.get("missing") or []), "fingerprint": e.get("fingerprint") or _("(no valid key)"),
            "revoked": revoked_by_code.get(e.get("code") or "", 0) or None,
            "forks": len(open_forks) or None,
        })
    return out


#: A station that has not brought a bundle for this many days is shown as behind.
BEHIND_DAYS = 30


def station_behind(row: dict[str, Any]) -> bool:
    """Missing numbers, a fork to review, no bundle yet or none for BEHIND_DAYS: the row is shown in colour."""
    return bool(row["missing"] or row["forks"] or row["last_number"] is None
                or (row["days"] is not None and row["days"] > BEHIND_DAYS))


def station_columns() -> list[Column]:
    right = Qt.AlignmentFlag.AlignRight
    return [Column("code", lambda: _("Code"), width=3),
            Column("name", lambda: _("Name"), width=7),
            Column("last_number", lambda: _("Last bundle"), width=4, align=right),
            Column("last_imported", lambda: _("Imported on"), width=7),
            Column("days", lambda: _("Days since"), width=4, align=right),
            Column("missing", lambda: _("Missing numbers"), width=5),
            Column("forks", lambda: _("Open forks"), width=3, align=right),
            Column("revoked", lambda: pgettext("station_app.ui.township", "Revoked"), width=3, align=right),
            Column("fingerprint", lambda: _("Key fingerprint"), width=16)]


_FORK_REASONS = {"same_number": lambda: _("same number, other content"), "chain": lambda: _("broken chain"),
                 "rollback": lambda: _("counter went back"), "rewritten": lambda: _("records rewritten")}


def fork_reason(value: str) -> str:
    return _FORK_REASONS[value]() if value in _FORK_REASONS else terminal_safe(value or "")


def fork_columns() -> list[Column]:
    return [Column("id", lambda: _("No."), width=2),
            Column("code", lambda: _("Station"), width=3, fmt=lambda v: terminal_safe(v or "")),
            Column("number", lambda: _("Bundle"), width=3),
            Column("reason", lambda: _("Fork kind"), width=11, fmt=fork_reason),
            Column("detected_at", lambda: _("Seen"), width=7, fmt=lambda v: zh_date(_local_date(v)) if v else ""),
            Column("detail", lambda: _("Details"), fmt=lambda v: terminal_safe(v or ""))]


def revoked_columns() -> list[Column]:
    return [Column("code", lambda: _("Station"), width=3, fmt=lambda v: terminal_safe(v or "")),
            Column("key_id", lambda: _("Key"), width=9),
            Column("revoked_at", lambda: _("Revoked on"), width=7, fmt=lambda v: zh_date(_local_date(v)) if v else ""),
            Column("revoked_by", lambda: _("By"), width=4),
            Column("reason", lambda: _("Reason"), fmt=lambda v: terminal_safe(v or ""))]


def fit_columns(view) -> None:
    """Widen columns to what they hold (dates and fingerprints at the larger font too); the last one stretches."""
    header = view.horizontalHeader()
    last = view.model().columnCount() - 1
    for i in range(last):
        wanted = max(view.sizeHintForColumn(i), header.sectionSizeHint(i)) + 6
        if wanted > header.sectionSize(i):
            header.resizeSection(i, min(wanted, 420))


class StationsPage(Page):
    key = "stations"
    tables = frozenset({"sync", "stations", "keys"})

    @classmethod
    def title(cls) -> str:
        return _("Stations")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return app.station().is_township and app.may("stations.read")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        self.may_keys = app.may("keys.manage")
        self.may_forks = app.may("bundle.import")
        self.may_export = app.may("bundle.export")
        self.overview: dict[str, Any] = {"stations": [], "revoked": []}
        self.station_list: list[dict[str, Any]] = []
        self.fork_list: list[dict[str, Any]] = []
        self.last_result: Any = None
        self.fork_dialog = None
        actions = QHBoxLayout()
        self.enrol_button = QPushButton(_("Enrol a station (card)…"))
        self.enrol_button.setObjectName("enrolStation")
        self.revoke_button = QPushButton(_("Revoke the selected station's key…"))
        self.revoke_button.setObjectName("revokeKey")
        self.reference_button = QPushButton(_("Export the reference bundle…"))
        self.reference_button.setObjectName("exportReference")
        self.restore_button = QPushButton(_("Restore bundle for a new PC…"))
        self.restore_button.setObjectName("exportRestore")
        for b, allowed in ((self.enrol_button, self.may_keys), (self.revoke_button, self.may_keys),
                           (self.reference_button, self.may_export), (self.restore_button, self.may_keys)):
            b.setEnabled(allowed)
            actions.addWidget(b)
        actions.addStretch(1)
        self.layout_.addLayout(actions)
        self.result_label = QLabel()
        self.result_label.setObjectName("stationsResult")
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setWordWrap(True)
        self.layout_.addWidget(self.result_label)
        self.summary = QLabel()
        self.summary.setObjectName("stationsSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = ListModel(station_columns(), lambda: self.station_list, highlight=station_behind)
        self.view = table_view(self.model, stretch=8)
        self.view.horizontalHeader().setMinimumSectionSize(40)
        self.view.setSortingEnabled(False)
        self.view.setObjectName("stationTable")
        split.addWidget(self.view)
        lower = QTabWidget()
        lower.setObjectName("stationTabs")
        self.tabs = lower
        fbox = QWidget()
        fcol = QVBoxLayout(fbox)
        fcol.setContentsMargins(4, 4, 4, 4)
        self.fork_model = ListModel(fork_columns(), lambda: self.fork_list)
        self.fork_view = table_view(self.fork_model, stretch=5)
        self.fork_view.setSortingEnabled(False)
        self.fork_view.setObjectName("forkTable")
        self.fork_view.doubleClicked.connect(lambda _i: self.review_selected())
        fcol.addWidget(self.fork_view)
        self.review_button = QPushButton(_("Review the selected fork…"))
        self.review_button.setObjectName("reviewFork")
        self.review_button.clicked.connect(self.review_selected)
        fcol.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignLeft)
        rbox = QWidget()
        rcol = QVBoxLayout(rbox)
        rcol.setContentsMargins(4, 4, 4, 4)
        self.revoked_model = ListModel(revoked_columns(), lambda: self.overview.get("revoked", []))
        self.revoked_view = table_view(self.revoked_model, stretch=4)
        self.revoked_view.setSortingEnabled(False)
        self.revoked_view.setObjectName("revokedTable")
        rcol.addWidget(self.revoked_view)
        lower.addTab(fbox, _("Forks awaiting review"))
        lower.addTab(rbox, _("Revoked keys"))
        split.addWidget(lower)
        split.setSizes([420, 220])
        self.layout_.addWidget(split, 1)
        self.enrol_button.clicked.connect(lambda: self.enrol())
        self.revoke_button.clicked.connect(lambda: self.revoke())
        self.reference_button.clicked.connect(lambda: self.export_reference())
        self.restore_button.clicked.connect(lambda: self.export_restore())
        self.refresh()

    # -- reading -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        def work(_p, _c):
            return self.app.stations.overview(), self.app.forks.list()

        self.runner.run(work, self._show, key="stations-page", quiet=True, parent=self)

    def _show(self, result: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
        self.overview, self.fork_list = result
        self.station_list = station_rows(self.overview)
        self.model.reload()
        self.fork_model.reload()
        self.revoked_model.reload()
        behind = [r for r in self.station_list if r["missing"] or r["last_number"] is None]
        self.summary.setText(_("Stations enrolled: {n}; with missing or no bundles: {behind}; forks awaiting "
                               "review: {forks}; keys revoked: {revoked}.", n=len(self.station_list),
                               behind=len(behind), forks=len(self.fork_list),
                               revoked=len(self.overview.get("revoked", []))))
        self.review_button.setEnabled(bool(self.fork_list))
        for view in (self.view, self.fork_view, self.revoked_view):
            fit_columns(view)
        self.tabs.setTabText(0, _("Forks awaiting review ({n})", n=len(self.fork_list)))
        self.tabs.setTabText(1, _("Revoked keys ({n})", n=len(self.overview.get("revoked", []))))

    def prepare_screenshot(self) -> None:
        behind = next((i for i, r in enumerate(self.station_list) if r["missing"] or r["forks"]), 0)
        if self.station_list:
            self.view.selectRow(behind)

    def selected_station(self) -> dict[str, Any] | None:
        return selected_row(self.view)

    # -- forks ---------------------------------------------------------------------------------------------
    def review_selected(self) -> None:
        fork = selected_row(self.fork_view) or (self.fork_list[0] if len(self.fork_list) == 1 else None)
        if fork is None:
            self.result_label.setText(_("Select a fork in the list first."))
            return
        self.review_fork(fork["id"])

    def review_fork(self, fork_id: int) -> None:
        from station_app.ui.township.fork_review import ForkReviewDialog

        def shown(data: dict[str, Any]) -> None:
            dialog = ForkReviewDialog(data, may_decide=self.may_forks, parent=self)
            dialog.decided.connect(lambda keep, reason: self.resolve_fork(fork_id, keep, reason))
            self.fork_dialog = dialog
            dialog.show()

        self.runner.run(lambda _p, _c: self.app.forks.show(fork_id), shown, title=_("Opening the fork…"),
                        parent=self)

    def resolve_fork(self, fork_id: int, keep: str, reason: str) -> None:
        def done(data: dict[str, Any]) -> None:
            self.last_result = data
            if data["resolution"] == "kept_held":
                text = _("Fork #{id}: the version held stays; the refused bundle is set aside (the reason is in the "
                         "sync log).", id=data["id"])
            else:
                text = _("Fork #{id}: the refused version is kept and merged ({rows} rows); the other PC's next "
                         "bundle will be a fork: restore that PC from the township.", id=data["id"],
                         rows=sum(data.get("counts", {}).values()))
            self.result_label.setText(text)
            if self.fork_dialog is not None:
                self.fork_dialog.accept()
            self.notify({"sync", "stations", "consultations", "duty_shifts", "mediation_cases", "postings",
                         "outreach_events"})

        def failed(error: BaseException) -> bool | None:
            if self.fork_dialog is not None and self.fork_dialog.isVisible():
                from station_app.ui.ops import error_sentence

                self.fork_dialog.show_problem(error_sentence(error))
                return True
            return None

        self.runner.run(lambda _p, _c: self.app.forks.resolve(fork_id, keep, reason), done,
                        title=_("Deciding the fork…"), parent=self, on_error=failed)

    def _refused(self, error: BaseException) -> bool:
        """A refusal (a bad card, a missing reason, a role) is shown on the page as plain text: card names and
        file contents may be quoted in it, and a message box would render what looks like HTML."""
        from station_app.ui.ops import error_sentence

        self.last_result = error
        self.result_label.setText(error_sentence(error))
        return True

    # -- keys ----------------------------------------------------------------------------------------------
    def enrol(self, card: str | None = None) -> None:
        if card is None:
            card, _unused = QFileDialog.getOpenFileName(self, _("Choose the station's card"), "",
                                                        _("Station cards (*.json);;All files (*)"))
            if not card:
                return

        def done(info: dict[str, Any]) -> None:
            self.last_result = info
            who = terminal_safe(f"{info.get('code', '')} {info.get('name', '')}")
            text = {"enrolled": _("Enrolled station {who}; fingerprint {fingerprint}. Read it back to the station "
                                  "by phone.", who=who, fingerprint=info.get("fingerprint")),
                    "rotated": _("Accepted the new key {key_id} of {who}; fingerprint {fingerprint}.", who=who,
                                 key_id=info.get("key_id"), fingerprint=info.get("fingerprint")),
                    "already": _("This key of {who} is already known; nothing changed.", who=who),
                    }.get(info.get("status"), _("Done: {who}", who=who))
            self.result_label.setText(text)
            self.notify({"stations", "keys"})

        self.runner.run(lambda _p, _c: self.app.keys.enroll(card), done, title=_("Enrolling the card…"),
                        parent=self, on_error=self._refused)

    def revoke(self, target: str | None = None, reason: str | None = None) -> None:
        if target is None:
            row = self.selected_station()
            if row is None:
                self.result_label.setText(_("Select a station in the list first."))
                return
            target = row["code"]
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, _("Revoke the key"),
                _("Bundles signed with {code}'s key will be refused from now on. Why?", code=target),
                QLineEdit.EchoMode.Normal, "")
            if not ok:
                return

        def done(out: list[dict[str, Any]]) -> None:
            self.last_result = out
            self.result_label.setText("；".join(
                (_("revoked key {key_id} of {code}", key_id=r["key_id"], code=terminal_safe(r["code"]))
                 if r.get("status") == "revoked" else
                 _("key {key_id} of {code} was already revoked", key_id=r["key_id"], code=terminal_safe(r["code"])))
                for r in out))
            self.notify({"stations", "keys"})

        self.runner.run(lambda _p, _c: self.app.keys.revoke(target, reason=reason), done,
                        title=_("Revoking…"), parent=self, on_error=self._refused)

    # -- bundles for the stations --------------------------------------------------------------------------
    def export_reference(self, folder: str | None = None) -> None:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, _("Where to save the reference bundle (USB drive)"))
            if not folder:
                return

        def done(result: dict[str, Any]) -> None:
            self.last_result = result
            self.result_label.setText(_("Reference bundle written: {path} (for {recipients} stations; receipts of "
                                        "{receipts} stations).", path=result["path"],
                                        recipients=result["recipients"], receipts=result["receipts"]))
            self.notify({"sync"})

        self.runner.run(lambda p, c: self.app.bundles.export_reference(Path(folder), progress=p, cancelled=c),
                        done, title=_("Exporting the reference bundle…"), cancellable=True, parent=self, on_error=self._refused)

    def export_restore(self, code: str | None = None, card: str | None = None, folder: str | None = None) -> None:
        if code is None:
            row = self.selected_station()
            if row is None:
                self.result_label.setText(_("Select the station whose PC was replaced first."))
                return
            code = row["code"]
        if card is None:
            card, _unused = QFileDialog.getOpenFileName(self, _("Choose the new PC's card"), "",
                                                        _("Station cards (*.json);;All files (*)"))
            if not card:
                return
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, _("Where to save the restore bundle (USB drive)"))
            if not folder:
                return

        def done(result: dict[str, Any]) -> None:
            self.last_result = result
            self.result_label.setText(_("Restore bundle for {code} written: {path} ({rows} rows). The old key is "
                                        "revoked; the new PC's key {key} is enrolled.", code=result["station_code"],
                                        path=result["path"], rows=sum(result["counts"].values()),
                                        key=result["new_key"]))
            self.notify({"stations", "keys", "sync"})

        self.runner.run(lambda _p, _c: self.app.bundles.export_restore(code, card, folder), done,
                        title=_("Writing the restore bundle…"), parent=self, on_error=self._refused)
