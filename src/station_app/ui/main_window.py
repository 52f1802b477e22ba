"""The main window: a navigation list on the left, the pages in a stack, a status bar saying where we are.

Pages are built when first shown (start-up paints the first page only). Roles: a page a role may not use is not
listed; inside a page, actions the role may not take are disabled (and the services refuse them anyway).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from station_app.core.i18n import _
from station_app.ui.ops import OpRunner
from station_app.ui.pages.base import Page
from station_app.ui.widgets.deferred import after_first_paint

log = logging.getLogger(__name__)


def page_classes() -> list[type[Page]]:
    from station_app.ui.pages.consultations import ConsultationsPage
    from station_app.ui.pages.duty import DutyPage
    from station_app.ui.pages.ledger import LedgerPage
    from station_app.ui.pages.mediation import MediationPage
    from station_app.ui.pages.outreach import OutreachPage
    from station_app.ui.pages.postings import PostingsPage
    from station_app.ui.pages.screening import ScreeningPage
    from station_app.ui.pages.settings import SettingsPage
    from station_app.ui.pages.sync import SyncPage
    from station_app.ui.pages.today import TodayPage

    return [TodayPage, DutyPage, ConsultationsPage, MediationPage, PostingsPage, OutreachPage, ScreeningPage, LedgerPage,
            SyncPage, SettingsPage]


class IdleWatcher(QObject):
    """Locks the window after `minutes` without keyboard or mouse input (0: never).

    Input is seen through an application-wide event filter, which every event of the application passes through
    (a call into Python each): it is installed only while the lock is on, and (`armed=False`, the main window) only
    from the window's first paint on, when there can first be input."""

    idle = Signal()

    def __init__(self, minutes: float, parent=None, *, armed: bool = True):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle.emit)
        self._armed = armed
        self._filtering = False
        self.set_minutes(minutes)

    def arm(self) -> None:
        self._armed = True
        self._watch()

    def set_minutes(self, minutes: float) -> None:
        self.timer.stop()
        self.interval_ms = int(minutes * 60_000)
        if self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        self._watch()

    def _watch(self) -> None:
        app = QApplication.instance()
        want = self._armed and self.interval_ms > 0
        if app is None or want == self._filtering:
            return
        if want:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._filtering = want

    _INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in self._INPUT and self.interval_ms > 0:
            self.timer.start(self.interval_ms)
        return False


class MainWindow(QMainWindow):
    def __init__(self, app: Any, runner: OpRunner, *, idle_minutes: float = 10, parent=None):
        super().__init__(parent)
        self.app = app
        self.runner = runner
        self.setWindowTitle(_("Village Legal Service Station"))
        self.resize(1200, 760)
        self.township = app.station().is_township
        if self.township:  # the township centre has its own pages (ui/township)
            from station_app.ui import township

            self.setWindowTitle(_("Township Public Legal Service Centre"))
        self.classes = [c for c in (township.page_classes() if self.township else page_classes())
                        if c.visible_for(app)]
        self.pages: dict[str, Page] = {}
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        for cls in self.classes:
            item = QListWidgetItem(cls.title())
            item.setData(Qt.ItemDataRole.UserRole, cls.key)
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._placeholders: dict[str, QWidget] = {}
        for cls in self.classes:
            holder = QWidget()
            self._placeholders[cls.key] = holder
            self.stack.addWidget(holder)
        self.nav.currentRowChanged.connect(self._show_row)
        self._status()
        self._menus()
        self.idle = IdleWatcher(idle_minutes, self, armed=False)
        self.idle.idle.connect(self.lock)
        after_first_paint(self, self.idle.arm)
        self.nav.setCurrentRow(0)

    # -- pages ---------------------------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        if key not in self.pages:
            cls = next(c for c in self.classes if c.key == key)
            page = cls(self.app, self.runner)
            page.window_ = self  # type: ignore[attr-defined]
            self.pages[key] = page
            holder = self._placeholders[key]
            index = self.stack.indexOf(holder)
            self.stack.removeWidget(holder)
            holder.deleteLater()
            self.stack.insertWidget(index, page)
        return self.pages[key]

    def show_page(self, key: str) -> Page:
        row = next(i for i, c in enumerate(self.classes) if c.key == key)
        self.nav.setCurrentRow(row)
        return self.pages[key]

    def current_page(self) -> Page:
        return self.page(self.classes[self.nav.currentRow()].key)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.classes[row].key
        fresh = key not in self.pages  # a page loads its data when it is built
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        if not fresh:
            page.refresh()

    def changed(self, tables: set[str]) -> None:
        """After a write: refresh the pages that show what changed, and the status bar."""
        for page in self.pages.values():
            page.changed(tables)
        self.update_status()

    # -- status bar and menus ------------------------------------------------------------------------------
    def _status(self) -> None:
        bar = self.statusBar()
        self.station_label = QLabel()
        self.user_label = QLabel()
        self.sent_label = QLabel()
        self.received_label = QLabel()
        for w in (self.station_label, self.user_label, self.sent_label, self.received_label):
            bar.addPermanentWidget(w)
        # Paint the window first; the bundle figures (a few queries) follow at once.
        after_first_paint(self, self.update_status)

    def update_status(self) -> None:
        station = self.app.station()
        user = self.app.user
        if station.is_township:
            self._township_status(station, user)
            return
        self.station_label.setText(_("Station: {code} {name}", code=station.code, name=station.name))
        self.user_label.setText(_("User: {name} ({role_label})", name=user.name, role_label=user.role_label))
        try:
            status = self.app.bundles.status()
        except Exception:  # keys or receipts unreadable: the status bar must not stop the window
            log.warning("bundle status unavailable", exc_info=True)
            status = {"exported": [], "confirmed": {}}
        sent = max((b["number"] for b in status.get("exported", [])), default=0)
        self.sent_label.setText(_("Last bundle sent: No. {sent}", sent=sent) if sent
                                else _("No bundle sent yet"))
        got = (status.get("confirmed") or {}).get("contiguous_number") or 0
        self.received_label.setText(_("Township has received No. {got}", got=got) if got
                                    else _("Not yet confirmed by the township"))
        self.received_label.setVisible(not station.is_township)

    def _township_status(self, station, user) -> None:
        """The township's status bar: who and where, how many stations, and what waits (behind, forks)."""
        self.station_label.setText(_("Township centre: {code} {name}", code=station.code, name=station.name))
        self.user_label.setText(_("User: {name} ({role_label})", name=user.name, role_label=user.role_label))
        try:
            stations = self.app.stations.overview()["stations"]
        except Exception:  # the status bar must not stop the window
            log.warning("stations overview unavailable", exc_info=True)
            stations = []
        behind = sum(1 for s in stations if s.get("missing") or s.get("last_number") is None)
        forks = sum(1 for s in stations for f in s.get("forks", []) if not f.get("resolved"))
        self.sent_label.setText(_("Stations: {n}, {behind} behind", n=len(stations), behind=behind))
        self.received_label.setText(_("Forks to review: {forks}", forks=forks))
        self.received_label.setVisible(forks > 0)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        new = QAction(_("New record"), self)
        new.setShortcut(QKeySequence.StandardKey.New)
        new.triggered.connect(lambda: self.current_page().new_record())
        find = QAction(_("Find"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: self.current_page().focus_search())
        lock = QAction(_("Lock"), self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock)
        quit_ = QAction(_("Quit"), self)
        quit_.setShortcut(QKeySequence("Ctrl+Q"))
        quit_.triggered.connect(self.close)
        for a in (new, find, lock, quit_):
            file_menu.addAction(a)
        go = self.menuBar().addMenu(_("&Go"))
        for n, cls in enumerate(self.classes[:9], start=1):
            a = QAction(cls.title(), self)
            a.setShortcut(QKeySequence(f"Ctrl+{n}"))
            a.triggered.connect(lambda _=False, k=cls.key: self.show_page(k))
            go.addAction(a)
        help_menu = self.menuBar().addMenu(_("&Help"))
        open_log = QAction(_("Open log"), self)
        open_log.triggered.connect(self.open_log)
        help_menu.addAction(open_log)

    def open_log(self) -> None:
        from station_app.ui.app import log_file

        path = log_file(self.app.paths.root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # -- lock and close ------------------------------------------------------------------------------------
    def lock(self) -> None:
        """Hide the data behind the sign-in dialog until the same user (or an admin) signs in again."""
        from station_app.ui.dialogs.signin import SignInDialog

        if getattr(self, "_locked", False):
            return
        self._locked = True
        self.centralWidget().setVisible(False)
        self.app.lock()  # unlocked keys are forgotten too: the next export asks for the passphrase again
        try:
            dialog = SignInDialog(self.app, parent=self, locked_user=self.app.user.login)
            self.lock_dialog = dialog
            dialog.exec()
            if dialog.signed_in is not None:
                self.centralWidget().setVisible(True)
            else:
                self.close()
        finally:
            self._locked = False
            self.lock_dialog = None

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        unsaved = [p for p in self.pages.values() if p.has_unsaved()]
        if unsaved:
            answer = QMessageBox.question(
                self, _("Not saved"),
                _("A form is not saved (its draft is kept). Quit anyway?"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.runner.wait(30000)
        event.accept()
