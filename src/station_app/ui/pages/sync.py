"""同步: export a bundle to a chosen folder (removable drives listed), with progress and a clear result; the bundles
sent and what the township has confirmed (镇里已收到第 N 号及以前); import the township's reference bundle. At the
township centre: import the stations' bundles and send the reference bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStorageInfo
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from station_app.core.i18n import _
from station_app.ui.models.paged import Column, ListModel
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import table_view


def removable_drives() -> list[tuple[str, str]]:
    """(label, root path) of mounted drives that look like USB sticks (not the system disk), first."""
    out = []
    for v in QStorageInfo.mountedVolumes():
        if not v.isValid() or not v.isReady() or v.isReadOnly():
            continue
        root = v.rootPath()
        if root in ("/", "/boot", "/home") or root.startswith(("/sys", "/proc", "/run/user", "/snap", "/boot", "/dev")):
            continue
        removable = root.startswith(("/media", "/run/media", "/mnt")) or (len(root) <= 3 and root[1:2] == ":"
                                                                         and not root.upper().startswith("C:"))
        if not removable:
            continue
        free_mb = v.bytesAvailable() // (1024 * 1024)
        out.append((f"{v.displayName() or root}（{root}，{_('free')} {free_mb} MB）", root))
    return out


def status_label(value: str | None) -> str:
    return {"written": _("written"), "pending": _("unfinished")}.get(value or "", value or "")


def bundle_columns() -> list[Column]:
    return [Column("number", lambda: _("No."), width=3),
            Column("created_at", lambda: _("Exported"), width=9, fmt=lambda v: (v or "").replace("T", " ")[:16]),
            Column("counter_to", lambda: _("Up to counter"), width=4),
            Column("status", lambda: _("Status"), width=4, fmt=status_label),
            Column("confirmed", lambda: _("Received"), width=4),
            Column("path", lambda: _("File"))]


class SyncPage(Page):
    key = "sync"
    tables = frozenset({"sync"})

    @classmethod
    def title(cls) -> str:
        return _("Sync")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        self.township = app.station().is_township
        self.last_result: Any = None
        box = QGroupBox(_("Export a bundle (for the township)") if not self.township
                        else _("Send the reference bundle (receipts, roster)"))
        col = QVBoxLayout(box)
        row = QHBoxLayout()
        self.drive = QComboBox()
        self.drive.setObjectName("driveChooser")
        self.drive.setMinimumWidth(320)
        refresh = QPushButton(_("Refresh drives"))
        refresh.clicked.connect(self._load_drives)
        other = QPushButton(_("Other folder…"))
        other.clicked.connect(self._choose_folder)
        self.export_button = QPushButton(_("Export"))
        self.export_button.setObjectName("exportBundle")
        self.export_button.setEnabled(app.may("bundle.export"))
        row.addWidget(QLabel(_("Save to")))
        row.addWidget(self.drive, 1)
        row.addWidget(refresh)
        row.addWidget(other)
        row.addWidget(self.export_button)
        col.addLayout(row)
        self.export_result = QLabel()
        self.export_result.setObjectName("exportResult")
        self.export_result.setWordWrap(True)
        col.addWidget(self.export_result)
        self.layout_.addWidget(box)
        ibox = QGroupBox(_("Import the township's reference bundle") if not self.township
                         else _("Import the stations' bundles"))
        irow = QHBoxLayout(ibox)
        self.import_button = QPushButton(_("Choose and import…"))
        self.import_button.setObjectName("importBundle")
        self.import_button.setEnabled(app.may("bundle.import"))
        self.import_result = QLabel()
        self.import_result.setObjectName("importResult")
        self.import_result.setWordWrap(True)
        irow.addWidget(self.import_button)
        irow.addWidget(self.import_result, 1)
        self.layout_.addWidget(ibox)
        self.confirmed = QLabel()
        self.confirmed.setObjectName("confirmedText")
        self.confirmed.setWordWrap(True)
        self.layout_.addWidget(self.confirmed)
        self.rows: list[dict[str, Any]] = []
        self.model = ListModel(bundle_columns(), lambda: self.rows)
        self.view = table_view(self.model, stretch=5)
        self.view.setSortingEnabled(False)
        self.view.setObjectName("bundleTable")
        self.layout_.addWidget(self.view, 1)
        self.export_button.clicked.connect(lambda: self.export())
        self.import_button.clicked.connect(lambda: self.import_bundles())
        self._load_drives()
        self.refresh()

    def _load_drives(self) -> None:
        current = self.drive.currentData()
        self.drive.clear()
        for label, root in removable_drives():
            self.drive.addItem(label, root)
        if self.drive.count() == 0:
            self.drive.addItem(_("(no USB drive found: plug one in or choose another folder)"), None)
        if current:
            i = self.drive.findData(current)
            if i >= 0:
                self.drive.setCurrentIndex(i)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the folder"))
        if folder:
            self.drive.insertItem(0, folder, folder)
            self.drive.setCurrentIndex(0)

    def refresh(self) -> None:
        try:
            status = self.app.bundles.status()
        except Exception:
            status = {"exported": [], "confirmed": {}}
        confirmed = status.get("confirmed") or {}
        held = set()
        for a, b in confirmed.get("numbers") or []:
            held.update(range(a, b + 1))
        self.rows = [dict(b, confirmed=_("yes") if b["number"] in held else "")
                     for b in reversed(status.get("exported", []))]
        self.model.reload()
        if not self.township:
            n = confirmed.get("contiguous_number") or 0
            head = (_("The township has received No. {n} and before. ", n=n) if n
                    else "")
            self.confirmed.setText(head + (confirmed.get("text") or ""))
        else:
            self.confirmed.setText(_("See the stations overview under Settings."))

    def export(self, folder: str | None = None) -> None:
        folder = folder or self.drive.currentData()
        if not folder:
            self.export_result.setText(_("Plug in a USB drive or choose a folder first."))
            return
        target = Path(folder)

        def work(progress, cancelled):
            if self.township:
                return self.app.bundles.export_reference(target, progress=progress, cancelled=cancelled)
            return self.app.bundles.export(target, progress=progress, cancelled=cancelled)

        def done(result: Any) -> None:
            self.last_result = result
            if result is None:
                self.export_result.setText(_("Nothing new to export since the last bundle."))
            elif isinstance(result, dict):
                self.export_result.setText(_("Reference bundle written: {path} ({recipients} stations)", path=result['path'], recipients=result['recipients']))
            else:
                self.export_result.setText(_("Exported: {result}. Take the drive to the township.", result=result))
            self.notify({"sync"})

        self.runner.run(work, done, title=_("Exporting the bundle…"), cancellable=True,
                        parent=self)

    def import_bundles(self, paths: list[str] | None = None) -> None:
        if paths is None:
            chosen, _unused = QFileDialog.getOpenFileNames(self, _("Choose bundles"),
                                                     self.drive.currentData() or "",
                                                     _("Bundles (*.stbundle);;All files (*)"))
            if not chosen:
                return
            paths = chosen

        def done(results: list[Any]) -> None:
            self.last_result = results
            lines = [f"{Path(str(getattr(r, 'path', ''))).name}: {getattr(r, 'status', '')} {getattr(r, 'message', '')}"
                     for r in results]
            self.import_result.setText("\n".join(lines) or _("No bundle found."))
            self.notify({"sync", "consultations", "duty_shifts", "advisers", "mediation_cases", "postings",
                         "outreach_events"})

        self.runner.run(lambda p, c: self.app.bundles.import_paths(paths, progress=p, cancelled=c), done,
                        title=_("Importing bundles…"), cancellable=True, parent=self)
