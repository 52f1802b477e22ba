"""设置 / 用户: users and roles (administrators), this station and its 三务公开 schedule, the larger-font and idle
lock settings, backups (make one now; restore with a clear warning)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station_app.core.codes import PeriodUnit, PostingCategory, Role
from station_app.core.i18n import _, pgettext
from station_app.core.query import Query
from station_app.ui.dialogs.form_dialog import FormDialog
from station_app.ui.models.paged import Column, ListModel
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import code_label, selected_row, table_view
from station_app.ui.widgets.form import Field, code_choices


def user_columns() -> list[Column]:
    return [Column("login", lambda: _("Login")), Column("name", lambda: pgettext("station_app.ui.pages.settings", "Name")),
            Column("role", lambda: _("Role"), fmt=lambda v: code_label(Role, v)),
            Column("active", lambda: _("Active"))]


def backup_kind(value: str | None) -> str:
    return {"daily": _("daily"), "weekly": _("weekly"), "manual": _("manual"),
            "pre-migrate": _("before upgrade"), "pre-restore": _("before restore")}.get(value or "", value or "")


def backup_columns() -> list[Column]:
    return [Column("path", lambda: _("Backup"), fmt=lambda v: getattr(v, "name", str(v or ""))),
            Column("modified", lambda: _("Made")),
            Column("kind", lambda: pgettext("station_app.ui.pages.settings", "Kind"), fmt=backup_kind),
            Column("size", lambda: _("Size (KB)"), fmt=lambda v: f"{(v or 0) // 1024}")]


class SettingsPage(Page):
    key = "settings"
    tables = frozenset({"users", "stations", "backups"})

    @classmethod
    def title(cls) -> str:
        return _("Settings")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        from station_app.ui.app import large_font_enabled, settings

        top = QHBoxLayout()
        # -- this PC ---------------------------------------------------------------------------------------------
        pc = QGroupBox(_("This PC"))
        form = QFormLayout(pc)
        st = app.station()
        form.addRow(_("Station"), QLabel(f"{st.code} {st.name}"))
        form.addRow(_("Data folder"), QLabel(str(app.paths.root)))
        self.large_font = QCheckBox(_("Larger text (fully applied on restart)"))
        self.large_font.setObjectName("largeFont")
        self.large_font.setChecked(large_font_enabled())
        form.addRow(self.large_font)
        self.idle = QSpinBox()
        self.idle.setObjectName("idleMinutes")
        self.idle.setRange(0, 240)
        self.idle.setSuffix(_(" min"))
        self.idle.setSpecialValueText(_("never"))
        self.idle.setValue(int(settings().value("ui/idle_minutes", 10)))
        form.addRow(_("Lock when idle for"), self.idle)
        self.standard = QDoubleSpinBox()
        self.standard.setRange(0, 200)
        self.standard.setSuffix(_(" h/month"))
        self.standard.setValue(float(settings().value("duty/standard_hours", 8)))
        form.addRow(_("Duty standard"), self.standard)
        top.addWidget(pc, 1)
        # -- schedule --------------------------------------------------------------------------------------------
        sched = QGroupBox(_("三务 posting schedule"))
        sform = QFormLayout(sched)
        self.schedule: dict[str, QComboBox] = {}
        current = app.stations.schedule() if not st.is_township else {}
        for cat in PostingCategory:
            box = QComboBox()
            for unit in PeriodUnit:
                box.addItem(unit.label, unit.value)
            box.addItem(_("not required"), "none")
            i = box.findData(current.get(cat.value) or "none")
            box.setCurrentIndex(max(0, i))
            box.setEnabled(app.may("station.settings"))
            box.currentIndexChanged.connect(lambda _i, c=cat.value, b=box: self._set_schedule(c, b.currentData()))
            self.schedule[cat.value] = box
            sform.addRow(cat.label, box)
        sched.setVisible(not st.is_township)
        top.addWidget(sched, 1)
        self.layout_.addLayout(top)
        self.large_font.toggled.connect(self._large_font)
        self.idle.valueChanged.connect(self._idle)
        self.standard.valueChanged.connect(lambda v: settings().setValue("duty/standard_hours", v))
        # -- users -----------------------------------------------------------------------------------------------
        users = QGroupBox(_("Users and roles"))
        ucol = QVBoxLayout(users)
        self.user_rows: list[Any] = []
        self.user_model = ListModel(user_columns(), lambda: self.user_rows)
        self.user_view = table_view(self.user_model, stretch=1)
        self.user_view.setSortingEnabled(False)
        self.user_view.setObjectName("userTable")
        ucol.addWidget(self.user_view)
        ub = QHBoxLayout()
        self.add_user = QPushButton(_("Add a user"))
        self.add_user.setObjectName("addUser")
        self.toggle_user = QPushButton(_("Deactivate/activate"))
        ub.addWidget(self.add_user)
        ub.addWidget(self.toggle_user)
        ub.addStretch(1)
        ucol.addLayout(ub)
        manage = app.may("user.manage")
        users.setVisible(manage)
        self.add_user.clicked.connect(self.new_user)
        self.toggle_user.clicked.connect(self._toggle_user)
        # -- backups ---------------------------------------------------------------------------------------------
        backups = QGroupBox(_("Backups"))
        bcol = QVBoxLayout(backups)
        self.backup_rows: list[Any] = []
        self.backup_model = ListModel(backup_columns(), lambda: self.backup_rows)
        self.backup_view = table_view(self.backup_model, stretch=3)  # the file names fit; the size takes the rest
        self.backup_view.setSortingEnabled(False)
        self.backup_view.setObjectName("backupTable")
        bcol.addWidget(self.backup_view)
        bb = QHBoxLayout()
        self.backup_now = QPushButton(_("Back up now"))
        self.backup_now.setObjectName("backupNow")
        self.restore = QPushButton(_("Restore the selected backup…"))
        self.restore.setObjectName("restoreBackup")
        self.restore.setEnabled(app.may("backup.restore"))
        bb.addWidget(self.backup_now)
        bb.addWidget(self.restore)
        bb.addStretch(1)
        bcol.addLayout(bb)
        self.backup_result = QLabel()
        self.backup_result.setWordWrap(True)
        bcol.addWidget(self.backup_result)
        self.backup_now.clicked.connect(self.make_backup)
        self.restore.clicked.connect(self.restore_backup)
        low = QHBoxLayout()
        low.addWidget(users, 1)
        low.addWidget(backups, 1)
        holder = QWidget()
        holder.setLayout(low)
        self.layout_.addWidget(holder, 1)
        self.refresh()

    def refresh(self) -> None:
        if self.app.may("user.manage"):
            self.user_rows = self.app.users.list(Query(limit=None))
            self.user_model.reload()
        self.backup_rows = self.app.backups.list(Query(limit=None))
        self.backup_model.reload()

    def _large_font(self, on: bool) -> None:
        from PySide6.QtWidgets import QApplication

        from station_app.ui.app import apply_font, settings

        settings().setValue("ui/large_font", "true" if on else "false")
        apply_font(QApplication.instance(), large=on)

    def _idle(self, minutes: int) -> None:
        from station_app.ui.app import settings

        settings().setValue("ui/idle_minutes", minutes)
        window = self.window()
        if hasattr(window, "idle"):
            window.idle.set_minutes(minutes)

    def _set_schedule(self, category: str, unit: str) -> None:
        self.runner.run(lambda _p, _c: self.app.stations.set_schedule(category, unit),
                        lambda _r: self.notify({"stations"}), parent=self)

    def new_user(self) -> None:
        labels = {"login": _("Login"), "name": pgettext("station_app.ui.pages.settings", "Name"), "role": _("Role"),
                  "password": _("Initial password (8+ characters)")}
        fields = [Field("login", "text", required=True), Field("name", "text", required=True),
                  Field("role", "choice", code_choices(Role), required=True),
                  Field("password", "text", required=True)]
        dialog = FormDialog(_("Add a user"), fields, labels,
                            lambda v: self.app.users.add(login=v["login"] or "", name=v["name"] or "",
                                                         role=v["role"], password=v["password"] or ""),
                            self.runner, on_saved=lambda _u: self.notify({"users"}), parent=self)
        dialog.setObjectName("userForm")
        from PySide6.QtWidgets import QLineEdit

        dialog.form.widgets["password"].setEchoMode(QLineEdit.EchoMode.Password)
        self.form_dialog = dialog
        dialog.open()

    def _toggle_user(self) -> None:
        row = selected_row(self.user_view)
        if row is None:
            return
        self.runner.run(lambda _p, _c: self.app.users.set_active(row.login, not row.active),
                        lambda _r: self.notify({"users"}), parent=self)

    def make_backup(self) -> None:
        def done(path: Any) -> None:
            self.backup_result.setText(_("Backed up: {path}", path=path))
            self.notify({"backups"})

        self.runner.run(lambda p, _c: self.app.backups.now(progress=p), done, title=_("Backing up…"),
                        parent=self)

    def restore_backup(self) -> None:
        row = selected_row(self.backup_view)
        if row is None:
            return
        answer = QMessageBox.warning(
            self, _("Restore a backup"),
            _("The database will be replaced by the backup {name}. Records entered after that backup will be lost (the current database is kept aside first). The program closes afterwards. Restore?", name=row.path.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        window = self.window()

        def done(_r: Any) -> None:
            QMessageBox.information(window, _("Restored"),
                                    _("Restored. Please start the program again."))
            window.close()

        self.runner.run(lambda _p, _c: self.app.backups.restore(row.path), done, parent=self)
