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
from station_app.core.i18n import pick


class SetupWizard(QWizard):
    """`init(kind, code, name, card, admin_password, passphrase) -> (app, info)` does the work (the application's
    Application.init); the wizard only collects and shows."""

    def __init__(self, paths: Paths, init, parent=None):
        super().__init__(parent)
        self.paths, self.init = paths, init
        self.app: Any = None
        self.info: dict[str, Any] = {}
        self.setObjectName("setupWizard")
        self.setWindowTitle(pick("首次使用：设置本机", "First run: set up this PC"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, pick("下一步", "Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, pick("上一步", "Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, pick("完成", "Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, pick("取消", "Cancel"))
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
        self.setTitle(pick("这台电脑是哪里的？", "Where is this PC?"))
        layout = QVBoxLayout(self)
        self.village = QRadioButton(pick("村公共法律服务工作室", "A village public legal service station"))
        self.village.setObjectName("kindVillage")
        self.centre = QRadioButton(pick("镇公共法律服务中心", "The township public legal service centre"))
        self.centre.setObjectName("kindCentre")
        self.village.setChecked(True)
        layout.addWidget(self.village)
        layout.addWidget(self.centre)
        hint = QLabel(pick("村工作室把记录打包交给镇中心；镇中心汇总全镇并发回回执。",
                           "Stations send their records to the township centre, which merges them and sends receipts."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)


class _StationPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(pick("编号、名称和镇中心名片", "Code, name and the township's card"))
        form = QFormLayout(self)
        self.code = QLineEdit()
        self.code.setObjectName("stationCode")
        self.code.setPlaceholderText(pick("例如 S01（镇中心 T00）", "e.g. S01 (township: T00)"))
        self.name = QLineEdit()
        self.name.setObjectName("stationName")
        self.name.setPlaceholderText(pick("例如 小苏庄村", "e.g. 小苏庄村"))
        self.card = QLineEdit()
        self.card.setObjectName("townshipCard")
        browse = QPushButton(pick("选择…", "Choose…"))
        browse.clicked.connect(self._browse)
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.card, 1)
        h.addWidget(browse)
        form.addRow(pick("站点编号 *", "Station code *"), self.code)
        form.addRow(pick("站点名称 *", "Station name *"), self.name)
        self.card_label = QLabel(pick("镇中心名片文件", "Township card file"))
        form.addRow(self.card_label, row)
        self.card_row = row
        note = QLabel(pick("名片由镇中心提供（U盘拷贝），同步包将加密给镇中心。也可以以后再登记。",
                           "The township gives you its card (on a USB stick); bundles are encrypted to it. "
                           "It can also be enrolled later."))
        note.setWordWrap(True)
        form.addRow(note)
        self.registerField("code*", self.code)
        self.registerField("name*", self.name)

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        village = self.wizard().kind_page.village.isChecked()
        self.card_label.setVisible(village)
        self.card_row.setVisible(village)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, pick("选择镇中心名片", "Choose the township card"), "",
                                              pick("名片 (*.json);;所有文件 (*)", "Cards (*.json);;All files (*)"))
        if path:
            self.card.setText(path)


class _AdminPage(QWizardPage):
    def __init__(self, wizard: SetupWizard):
        super().__init__()
        self.w = wizard
        self.setTitle(pick("管理员密码和密钥口令", "Administrator password and key passphrase"))
        form = QFormLayout(self)
        form.addRow(pick("管理员登录名", "Administrator login"), QLabel("admin"))
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("adminPassword2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(pick("管理员密码 *（至少8位）", "Administrator password * (8+ characters)"), self.password)
        form.addRow(pick("再输入一次 *", "Again *"), self.password2)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("keyPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase2 = QLineEdit()
        self.passphrase2.setObjectName("keyPassphrase2")
        self.passphrase2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(pick("密钥口令（可不填）", "Key passphrase (optional)"), self.passphrase)
        form.addRow(pick("再输入一次", "Again"), self.passphrase2)
        hint = QLabel(pick("点“下一步”将建立数据库并生成本机的签名和加密密钥。",
                           "Next creates the database and this PC's signing and encryption keys."))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.message = QLabel()
        self.message.setObjectName("setupMessage")
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        form.addRow(self.message)

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        if self.password.text() != self.password2.text():
            self.message.setText(pick("两次输入的管理员密码不一致", "The two administrator passwords differ"))
            return False
        if self.passphrase.text() != self.passphrase2.text():
            self.message.setText(pick("两次输入的密钥口令不一致", "The two key passphrases differ"))
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
        self.setTitle(pick("设置完成：请把下面的密钥指纹念给镇中心核对", "Done: read this key fingerprint to the township"))
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
        self.summary.setText(pick(f"已建立 {info.get('code', '')} {info.get('name', '')}，管理员登录名 admin。",
                                  f"Set up {info.get('code', '')} {info.get('name', '')}; administrator login: admin."))
        self.fingerprint.setText(_grouped(str(info.get("fingerprint", ""))))
        self.card.setText(pick(f"本机名片：{info.get('card', '')}（交给镇中心登记）",
                               f"This PC's card: {info.get('card', '')} (give it to the township to enrol)"))


def _grouped(fingerprint: str) -> str:
    """Read aloud in groups of four."""
    if "-" in fingerprint:  # already grouped by the key code
        return fingerprint.replace("-", " - ")
    clean = fingerprint.replace(":", "").replace(" ", "")
    return " ".join(clean[i:i + 4] for i in range(0, len(clean), 4))
