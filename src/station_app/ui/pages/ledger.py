"""台账: the import wizard (choose the file and its kind, preview the rows, check every row, then import all or
nothing) and the export of a year's ledger to a chosen file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station_app.core.i18n import _, pgettext
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import year_combo


class LedgerPage(Page):
    key = "ledger"
    tables = frozenset()

    @classmethod
    def title(cls) -> str:
        return _("Ledgers")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return app.may("ledger.import") or app.may("ledger.export")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        self.report: Any = None
        # -- import --------------------------------------------------------------------------------------------
        box = QGroupBox(_("Import a ledger (.xlsx or .csv)"))
        col = QVBoxLayout(box)
        row = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("ledgerKind")
        for kind, label in app.ledgers.kinds():
            self.kind.addItem(label, kind)
        self.file = QLineEdit()
        self.file.setObjectName("ledgerFile")
        self.file.setPlaceholderText(_("Choose the ledger file"))
        browse = QPushButton(pgettext("station_app.ui.pages.ledger", "Choose…"))
        browse.clicked.connect(self._browse)
        self.check_button = QPushButton(_("Preview and check"))
        self.check_button.setObjectName("ledgerCheck")
        self.import_button = QPushButton(_("Import"))
        self.import_button.setObjectName("ledgerImport")
        self.import_button.setEnabled(False)
        row.addWidget(QLabel(_("Kind")))
        row.addWidget(self.kind)
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        row.addWidget(self.check_button)
        row.addWidget(self.import_button)
        col.addLayout(row)
        self.preview = QTableWidget()
        self.preview.setObjectName("ledgerPreview")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setDefaultSectionSize(110)
        col.addWidget(self.preview, 2)
        self.result = QLabel(_("Step 1: choose the file and its kind, then Preview and check. Checking writes nothing; a file with errors is not imported at all."))
        self.result.setObjectName("ledgerResult")
        self.result.setWordWrap(True)
        col.addWidget(self.result)
        self.problems = QTableWidget(0, 3)
        self.problems.setObjectName("ledgerProblems")
        self.problems.setHorizontalHeaderLabels([_("Row"), _("Column"), _("Problem")])
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems.verticalHeader().setVisible(False)
        col.addWidget(self.problems, 1)
        box.setEnabled(app.may("ledger.import"))
        self.layout_.addWidget(box, 1)
        # -- export --------------------------------------------------------------------------------------------
        ebox = QGroupBox(_("Export a ledger"))
        form = QFormLayout(ebox)
        self.export_kind = QComboBox()
        for kind, label in app.ledgers.kinds():
            self.export_kind.addItem(label, kind)
        self.export_year = year_combo(include_all=False)
        self.export_button = QPushButton(_("Export to a file…"))
        self.export_button.setObjectName("ledgerExport")
        self.export_result = QLabel()
        self.export_result.setWordWrap(True)
        form.addRow(_("Kind"), self.export_kind)
        form.addRow(_("Year"), self.export_year)
        form.addRow(self.export_button)
        form.addRow(self.export_result)
        ebox.setEnabled(app.may("ledger.export"))
        self.layout_.addWidget(ebox)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.do_import)
        self.export_button.clicked.connect(self.export)
        self.file.textChanged.connect(lambda _t: self.import_button.setEnabled(False))
        self.kind.currentIndexChanged.connect(lambda _i: self.import_button.setEnabled(False))

    def _browse(self) -> None:
        path, _unused = QFileDialog.getOpenFileName(self, _("Choose the ledger"), "",
                                              _("Ledgers (*.xlsx *.csv)"))
        if path:
            self.file.setText(path)

    def check(self) -> None:
        path, kind = self.file.text().strip(), self.kind.currentData()
        if not path:
            return

        def work(progress, cancelled):
            headers, rows = self.app.ledgers.preview(path, kind)
            report = self.app.ledgers.import_file(path, kind, dry_run=True, progress=progress, cancelled=cancelled)
            return headers, rows, report

        def failed(error: BaseException) -> bool:
            from station_app.core.errors import StationError

            if isinstance(error, StationError):  # the file itself is wrong: say so here, where the user looks
                self.report = None
                self.import_button.setEnabled(False)
                self.problems.setRowCount(0)
                self.preview.setRowCount(0)
                self.result.setText(str(error))
                return True
            return False

        self.runner.run(work, self._checked, title=_("Checking the ledger…"), cancellable=True,
                        parent=self, on_error=failed)

    def _checked(self, result: tuple[list[str], list[tuple[int, list[Any]]], Any]) -> None:
        headers, rows, report = result
        self.report = report
        bad = {(p.row, p.column) for p in report.problems}
        bad_rows = {p.row for p in report.problems}
        self.preview.clear()
        self.preview.setColumnCount(len(headers))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(headers)
        self.preview.setVerticalHeaderLabels([str(n) for n, _ in rows])
        for r, (number, cells) in enumerate(rows):
            for c, value in enumerate(cells):
                item = QTableWidgetItem("" if value is None else str(value))
                if (number, headers[c]) in bad:
                    item.setBackground(QBrush(QColor("#ffcdd2")))
                elif number in bad_rows:
                    item.setBackground(QBrush(QColor("#fff3c4")))
                self.preview.setItem(r, c, item)
        self.problems.setRowCount(len(report.problems))
        for r, p in enumerate(report.problems):
            for c, text in enumerate((str(p.row), p.column or "", p.message)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.problems.setItem(r, c, item)
        self.result.setText("\n".join(report.lines()))
        self.import_button.setEnabled(report.ok and report.new > 0)

    def do_import(self) -> None:
        path, kind = self.file.text().strip(), self.kind.currentData()

        def done(report: Any) -> None:
            self.report = report
            self.result.setText("\n".join(report.lines()))
            self.import_button.setEnabled(False)
            self.notify({"consultations", "duty_shifts", "mediation_cases", "postings", "outreach_events", "advisers"})

        self.runner.run(lambda p, c: self.app.ledgers.import_file(path, kind, progress=p, cancelled=c), done,
                        title=_("Importing…"), parent=self)

    def export(self, _checked: bool = False, *, to: str | None = None) -> None:
        kind, year = self.export_kind.currentData(), self.export_year.currentData()
        if to is None:
            suggested = str(Path.home() / f"{self.export_kind.currentText()}-{year}.xlsx")
            to, _unused = QFileDialog.getSaveFileName(self, _("Export to"), suggested,
                                                _("Excel (*.xlsx);;CSV (*.csv)"))
            if not to:
                return

        def done(result: Any) -> None:
            self.export_result.setText(_("Exported {rows} rows to {path}", rows=result.rows, path=result.path))

        self.runner.run(lambda p, c: self.app.ledgers.export_file(kind, year, to, progress=p, cancelled=c), done,
                        title=_("Exporting…"), cancellable=True, parent=self)
