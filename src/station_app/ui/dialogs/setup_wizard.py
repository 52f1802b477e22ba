"""First run: station or township centre, code and names, the township's card, the administrator's password, keys
with an optional passphrase, and the new key's fingerprint shown large to read to the township by phone."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from station_app.config import Paths
from station_app.core.codes import StationKind
from station_app.core.errors import StationError
from station_app.core.i18n import _


class SetupWizard(QWizard):
    """`init(kind, code, name, card, admin_password, passphrase) -> (app, info)` does the work (the application's
    Application.init); the wizard only collects and shows."""

    def __init__(self, paths: Paths, init, parent=None):
        super().__init__(parent)
        self.paths, self.init = paths, init
        self.app: Any = None
        self.info: dict[str, Any] = {}
        self.setObjectName("setupWizard")
        self.setWindowTitle(_("First run: set up this PC"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))
        self.kind_page = _KindPage()
        self.station_page = _StationPage()
        self.admin_page = _AdminPage(self)
        self.done_page = _DonePage()
        for p in (self.kind_page, self.station_page, self.admin_page, self.done_page):
            self.addPage(p)
        self.resize(640, 480)


class _KindPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(_("Where is this PC?"))
        layout = QVBoxLayout(self)
        self.village = QRadioButton(_("A village public legal service station"))
        self.village.setObjectName("kindVillage")
        self.centre = QRadioButton(_("The township public legal service centre"))
        self.centre.setObjectName("kindCentre")
        self.village.setChecked(True)
        layout.addWidget(self.village)
        layout.addWidget(self.centre)
        hint = QLabel(_("Stations send their records to the township centre, which merges them and sends receipts."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)


class _StationPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(_("Code, name and the township's card"))
        form = QFormLayout(self)
        self.code = QLineEdit()
        self.code.setObjectName("stationCode")
        self.code.setPlaceholderText(_("e.g. S01 (township: T00)"))
        self.name = QLineEdit()
        self.name.setObjectName("stationName")
        self.name.setPlaceholderText(_("e.g. 小苏庄村"))
        self.card = QLineEdit()
        self.card.setObjectName("townshipCard")
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.card, 1)
        h.addWidget(browse)
        form.addRow(_("Station code *"), self.code)
        form.addRow(_("Station name *"), self.name)
        self.card_label = QLabel(_("Township card file"))
        form.addRow(self.card_label, row)
        self.card_row = row
        note = QLabel(_("The township gives you its card (on a USB stick); bundles are encrypted to it. It can also be enrolled later."))
        note.setWordWrap(True)
        form.addRow(note)
        self.registerField("code*", self.code)
        self.registerField("name*", self.name)

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        village = self.wizard().kind_page.village.isChecked()
        self.card_label.setVisible(village)
        self.card_row.setVisible(village)

    def _browse(self) -> None:
        path, _unused = QFileDialog.getOpenFileName(self, _("Choose the township card"), "",
                                              _("Cards (*.json);;All files (*)"))
        if path:
            self.card.setText(path)


class _AdminPage(QWizardPage):
    def __init__(self, wizard: SetupWizard):
        super().__init__()
        self.w = wizard
        self.setTitle(_("Administrator password and key passphrase"))
        form = QFormLayout(self)
        form.addRow(_("Administrator login"), QLabel("admin"))
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("adminPassword2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Administrator password * (8+ characters)"), self.password)
        form.addRow(_("Again *"), self.password2)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("keyPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase2 = QLineEdit()
        self.passphrase2.setObjectName("keyPassphrase2")
        self.passphrase2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Key passphrase (optional)"), self.passphrase)
        form.addRow(_("Again"), self.passphrase2)
        hint = QLabel(_("Next creates the database and this PC's signing and encryption keys."))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.message = QLabel()
        self.message.setObjectName("setupMessage")
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        form.addRow(self.message)

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        if self.password.text() != self.password2.text():
            self.message.setText(_("The two administrator passwords differ"))
            return False
        if self.passphrase.text() != self.passphrase2.text():
            self.message.setText(_("The two key passphrases differ"))
            return False
        k = self.w.kind_page
        s = self.w.station_page
        kind = StationKind.VILLAGE if k.village.isChecked() else StationKind.CENTRE
        card = s.card.text().strip() or None if kind is StationKind.VILLAGE else None
        try:
            self.w.app, self.w.info = self.w.init(kind, s.code.text().strip(), s.name.text().strip(), card,
                                                  self.password.text(), self.passphrase.text() or None)
        except StationError as e:
            self.message.setText(str(e))
            return False
        return True


class _DonePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(_("Done: read this key fingerprint to the township"))
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setWordWrap(True)
        f = self.fingerprint.font()
        f.setPointSizeF(f.pointSizeF() * 2.2)
        f.setBold(True)
        self.fingerprint.setFont(f)
        layout.addWidget(self.fingerprint, 1)
        self.card = QLabel()
        self.card.setWordWrap(True)
        layout.addWidget(self.card)

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        info = self.wizard().info
        self.summary.setText(_("Set up {get} {get2}; administrator login: admin.", get=info.get('code', ''), get2=info.get('name', '')))
        self.fingerprint.setText(_grouped(str(info.get("fingerprint", ""))))
        self.card.setText(_("This PC's card: {get} (give it to the township to enrol)", get=info.get('card', '')))


def _grouped(fingerprint: str) -> str:
    """Read aloud in groups of four."""
    if "-" in fingerprint:  # already grouped by the key code
        return fingerprint.replace("-", " - ")
    clean = fingerprint.replace(":", "").replace(" ", "")
    return " ".join(clean[i:i + 4] for i in range(0, len(clean), 4))
