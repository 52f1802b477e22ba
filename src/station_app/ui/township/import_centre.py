"""导入中心: the stations' bundles in, from files, folders or a USB drive's root (dropped, chosen or picked from the
removable drives). One row per bundle with its result, shown as each import finishes.

The import is the application's (`app.bundles.import_paths`, the code behind `station-app bundle import`): each
bundle all or nothing, one bad bundle never stops the others. The page asks the application which bundle files the
dropped paths hold (`app.bundles.find`, the CLI's folder rule) and imports them one at a time on the op runner, so
rows appear as they come, the progress dialog (after ~0.5 s) counts bundles and cancel stops between two bundles.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from station_app.core.i18n import _
from station_app.ui.pages.base import Page
from station_app.ui.pages.sync import removable_drives
from station_app.ui.township.results import ALREADY, GAP, IMPORTED, REFUSED, ResultRow, ResultsModel

#: What a bundle import may change at the township: every page showing one of these refreshes after an import.
IMPORT_TABLES = frozenset({"sync", "stations", "consultations", "duty_shifts", "advisers", "mediation_cases",
                           "postings", "outreach_events", "screening_items"})


class _Arrivals(QObject):
    """Carries each result from the worker thread to the GUI thread (queued), so rows show as imports finish."""

    result = Signal(object)


class DropZone(QFrame):
    """The big target: drop bundle files, folders or a drive here."""

    dropped = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(90)
        self.setStyleSheet("#dropZone { border: 2px dashed #8a8a8a; border-radius: 8px; }"
                           "#dropZone[hover=\"true\"] { border-color: #1565c0; background: #e3f2fd; }")
        col = QVBoxLayout(self)
        self.label = QLabel(_("Drop bundle files, folders or a USB drive here"))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self.label.font()
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.label.setFont(f)
        col.addWidget(self.label)

    @staticmethod
    def local_paths(mime) -> list[str]:
        if mime is None or not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]

    def _hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.local_paths(event.mimeData()):
            event.acceptProposedAction()
            self._hover(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if self.local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802
        self._hover(False)

    def dropEvent(self, event) -> None:  # noqa: N802
        self._hover(False)
        paths = self.local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.dropped.emit(paths)


class ImportCentrePage(Page):
    key = "import"
    tables = frozenset({"sync"})

    @classmethod
    def title(cls) -> str:
        return _("Import centre")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return app.station().is_township

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        self.may_import = app.may("bundle.import")
        self.last_results: list[ResultRow] = []
        self.running = False
        intro = QLabel(_("Bring the stations' bundles (*.stbundle) on a USB drive. Each bundle is imported whole or "
                         "not at all; a bad one never stops the others."))
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        self.drop_zone = DropZone()
        self.drop_zone.dropped.connect(self.import_paths)
        self.drop_zone.setEnabled(self.may_import)
        self.layout_.addWidget(self.drop_zone)
        row = QHBoxLayout()
        self.files_button = QPushButton(_("Choose files…"))
        self.files_button.setObjectName("chooseFiles")
        self.folder_button = QPushButton(_("Choose folder…"))
        self.folder_button.setObjectName("chooseFolder")
        self.drive = QComboBox()
        self.drive.setObjectName("driveChooser")
        self.drive.setMinimumWidth(280)
        self.refresh_drives = QPushButton(_("Refresh drives"))
        self.drive_button = QPushButton(_("Import from this drive"))
        self.drive_button.setObjectName("importDrive")
        for w in (self.files_button, self.folder_button):
            row.addWidget(w)
        row.addSpacing(16)
        row.addWidget(QLabel(_("USB drive")))
        row.addWidget(self.drive, 1)
        row.addWidget(self.refresh_drives)
        row.addWidget(self.drive_button)
        self.layout_.addLayout(row)
        for w in (self.files_button, self.folder_button, self.drive_button):
            w.setEnabled(self.may_import)
        if not self.may_import:
            note = QLabel(_("Your role may not import bundles; ask the township's staff or administrator."))
            note.setObjectName("roleNote")
            self.layout_.addWidget(note)
        self.summary = QLabel(_("No bundle imported yet in this session."))
        self.summary.setObjectName("importSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        self.model = ResultsModel(self)
        self.view = QTableView()
        self.view.setObjectName("importResults")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        em = self.view.fontMetrics().horizontalAdvance("国")
        for i, chars in enumerate((16, 4, 3, 8, 4, 6)):
            header.resizeSection(i, max(em * chars + 20, self.view.fontMetrics().horizontalAdvance(
                self.model.headerData(i, Qt.Orientation.Horizontal)) + 24))
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.layout_.addWidget(self.view, 1)
        self._arrivals = _Arrivals(self)
        self._arrivals.result.connect(self._show_result)
        self.files_button.clicked.connect(self.choose_files)
        self.folder_button.clicked.connect(self.choose_folder)
        self.refresh_drives.clicked.connect(self.load_drives)
        self.drive_button.clicked.connect(self.import_drive)
        self.load_drives()

    def refresh(self) -> None:
        """Shown again: a drive may have been plugged in meanwhile."""
        if not self.running:
            self.load_drives()

    def prepare_screenshot(self) -> None:
        """The screenshot mode: the demo's second round of bundles (NEW_STICK beside the installation) imported."""
        from station_app.ui.township.demo import NEW_STICK

        stick = self.app.paths.root.parent / NEW_STICK
        if stick.is_dir() and not self.last_results:
            self.import_paths([str(stick)])

    # -- sources -------------------------------------------------------------------------------------------
    def load_drives(self) -> None:
        current = self.drive.currentData()
        self.drive.clear()
        for label, root in removable_drives():
            self.drive.addItem(label, root)
        if self.drive.count() == 0:
            self.drive.addItem(_("(no USB drive found: plug one in, or choose a folder)"), None)
        i = self.drive.findData(current) if current else -1
        if i >= 0:
            self.drive.setCurrentIndex(i)
        self.drive_button.setEnabled(self.may_import and self.drive.currentData() is not None)

    def choose_files(self) -> None:
        chosen, _unused = QFileDialog.getOpenFileNames(self, _("Choose bundles"), self.drive.currentData() or "",
                                                       _("Bundles (*.stbundle);;All files (*)"))
        if chosen:
            self.import_paths(chosen)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the folder with the bundles"),
                                                  self.drive.currentData() or "")
        if folder:
            self.import_paths([folder])

    def import_drive(self) -> None:
        root = self.drive.currentData()
        if root:
            self.import_paths([root])

    # -- importing -----------------------------------------------------------------------------------------
    def import_paths(self, paths: list[str]) -> None:
        """Import every bundle the paths hold (files as given; folders and drive roots: their *.stbundle files)."""
        if not self.may_import or not paths:
            return
        if self.running:
            self.summary.setText(_("An import is still running; bring the next bundles when it has finished."))
            return
        self.running = True
        self.model.clear()
        self.last_results = []
        self.summary.setText(_("Looking for bundles…"))
        app, arrivals = self.app, self._arrivals

        def work(progress, cancelled) -> dict[str, Any]:
            files: list[Path] = []
            empty: list[str] = []
            for p in paths:
                try:
                    found = app.bundles.find([p])
                except OSError as e:  # an unplugged drive, a folder we may not read: that source only
                    arrivals.result.emit(ResultRow.unreadable(p, _("cannot read this folder or drive: {error}",
                                                                   error=e.strerror or type(e).__name__)))
                    continue
                if not found:
                    empty.append(p)
                files.extend(found)
            total, done = len(files), 0
            for n, f in enumerate(files):
                if cancelled():
                    break
                progress(n, total, _("Importing bundle {n} of {total}: {name}", n=n + 1, total=total, name=f.name))
                for r in app.bundles.import_paths([f]):
                    arrivals.result.emit(ResultRow.of(r))
                done = n + 1
            progress(done, total, "")
            return {"found": total, "done": done, "empty": empty}

        def finished(outcome: dict[str, Any]) -> None:
            self.running = False
            self._summarise(outcome)
            self.notify(set(IMPORT_TABLES))

        def failed(error: BaseException) -> bool | None:
            self.running = False
            self._summarise({"found": len(self.last_results), "done": len(self.last_results), "empty": []})
            return None  # the runner shows the sentence

        self.runner.run(work, finished, title=_("Importing bundles…"), cancellable=True, parent=self,
                        on_error=failed)

    def _show_result(self, row: ResultRow) -> None:
        self.last_results.append(row)
        self.model.append(row)
        if len(self.last_results) == 1:
            self.view.scrollToTop()

    def _fit_columns(self) -> None:
        """Widen the short columns to what they hold (a long refusal stays in the stretched last column)."""
        header = self.view.horizontalHeader()
        for i in range(6):
            wanted = max(self.view.sizeHintForColumn(i), header.sectionSizeHint(i)) + 8
            if wanted > header.sectionSize(i):
                header.resizeSection(i, min(wanted, 360))

    def _summarise(self, outcome: dict[str, Any]) -> None:
        self._fit_columns()
        by = Counter(r.status for r in self.last_results)
        parts = []
        if by[IMPORTED]:
            parts.append(_("{n} imported", n=by[IMPORTED]))
        if by[GAP]:
            parts.append(_("{n} imported with numbers still missing", n=by[GAP]))
        if by[ALREADY]:
            parts.append(_("{n} already imported", n=by[ALREADY]))
        if by[REFUSED]:
            parts.append(_("{n} refused", n=by[REFUSED]))
        rows = sum(r.rows for r in self.last_results)
        text = (_("Bundles: {total} — ", total=len(self.last_results)) + _(", ").join(parts)
                + _("; rows merged: {rows}.", rows=rows)) if self.last_results else _("No bundle found.")
        if outcome.get("done", 0) < outcome.get("found", 0):
            text += " " + _("Stopped; bundles not imported: {left} (import again to continue).",
                            left=outcome["found"] - outcome["done"])
        if outcome.get("empty"):
            text += " " + _("No bundle in: {places}", places=_(", ").join(Path(p).name or p for p in outcome["empty"]))
        if by[REFUSED] or by[GAP]:
            text += " " + _("See the Stations page for missing numbers and forks.")
        self.summary.setText(text)
