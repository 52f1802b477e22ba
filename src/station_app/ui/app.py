"""QApplication setup: the bundled Chinese font, language, high-DPI, a larger-font setting.

The bundled TrueType font is registered before the first window so text renders on a PC that has no Chinese fonts
(a fresh 统信UOS or an English Windows). It becomes the application font family with the system's fonts as
fallback, so Latin text still uses the platform's UI font where it has one.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from station_app.core.i18n import _, language, set_language
from station_app.resources import cjk_font_path
from station_app.ui.start import resume_collector

log = logging.getLogger(__name__)

ORG = "station_app"
BASE_POINT_SIZE = 10
LARGE_POINT_SIZE = 13

_font_family: str | None = None


def register_cjk_font() -> str:
    """Register the bundled font once; return its family name."""
    global _font_family
    if _font_family is None:
        font_id = QFontDatabase.addApplicationFont(str(cjk_font_path()))
        if font_id < 0:
            raise RuntimeError(f"cannot load the bundled font {cjk_font_path()}")
        _font_family = QFontDatabase.applicationFontFamilies(font_id)[0]
    return _font_family


def settings() -> QSettings:
    """Per-user settings (font size, idle lock, last folders); tests point them at an ini file in tmp."""
    path = os.environ.get("STATION_APP_GUI_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, "gui")


def large_font_enabled() -> bool:
    return str(settings().value("ui/large_font", "false")).lower() in ("1", "true")


def apply_font(app: QApplication, *, large: bool | None = None) -> QFont:
    family = register_cjk_font()
    large = large_font_enabled() if large is None else large
    font = QFont(app.font())
    # The bundled family first; the platform's families after it serve whatever the bundled font lacks.
    font.setFamilies([family] + [f for f in font.families() if f != family])
    font.setPointSize(LARGE_POINT_SIZE if large else BASE_POINT_SIZE)
    app.setFont(font)
    return font


def make_qapp(argv: list[str] | None = None, *, lang: str | None = None, large_font: bool | None = None) -> QApplication:
    """The one QApplication, set up; reused when it already exists (tests)."""
    if lang:
        set_language(lang)
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    from PySide6.QtCore import QLocale

    # Calendars, date pickers and number formats follow the UI language.
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom) if language() == "en"
                       else QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    app.setApplicationName(_("Village Legal Service Station"))
    app.setOrganizationName(ORG)
    apply_font(app, large=large_font)
    return app  # type: ignore[return-value]


def log_file(data_root: Path) -> Path:
    return data_root / "logs" / "gui.log"


def setup_logging(data_root: Path) -> Path:
    """Details of every error go to the log file (the help menu opens it); the user sees one sentence."""
    path = log_file(data_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def current_language() -> str:
    return language()


# -- start-up ----------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """`station-app-gui`, as releases before 0.4 named it (the entry is now `ui.start:main`)."""
    from station_app.ui.start import main as start_main

    return start_main(argv)


#: Set by benchmarks: paint the signed-in main window once, then exit.
ENV_EXIT_AFTER_PAINT = "STATION_APP_EXIT_AFTER_FIRST_PAINT"


def run(*, data_dir: str | None = None, demo: bool = False, screenshot_dir: str | None = None,
        lang: str | None = None, large_font: bool | None = None, township: bool = False) -> int:
    try:
        return _run(data_dir=data_dir, demo=demo, screenshot_dir=screenshot_dir, lang=lang, large_font=large_font,
                    township=township)
    finally:
        resume_collector()  # whichever way the window ended (a test may run it in-process)


def _run(*, data_dir: str | None, demo: bool, screenshot_dir: str | None, lang: str | None,
         large_font: bool | None, township: bool) -> int:
    from station_app import config
    from station_app.ui.ops import OpRunner

    if lang:
        set_language(lang)
    if screenshot_dir:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qapp = make_qapp(lang=lang, large_font=large_font)
    credentials: tuple[str, str] | None = None
    if demo:
        resume_collector()  # building the demo the first time is long work, not start-up
    if demo and township:
        from station_app.ui.township.demo import ensure_demo as ensure_township_demo

        paths, credentials = ensure_township_demo(data_dir)
    elif demo:
        from station_app.ui.demo_station import ensure_demo

        paths, credentials = ensure_demo(data_dir)
    else:
        paths = config.resolve(data_dir)
    setup_logging(paths.root)
    from station_app.ui.dialogs.passphrase import PassphraseProvider

    provider = PassphraseProvider()
    runner = OpRunner(synchronous=bool(screenshot_dir))
    app = open_installation(paths, provider, credentials=credentials, screenshot=bool(screenshot_dir))
    if app is None:
        return 1
    from station_app.ui.main_window import MainWindow

    idle = float(settings().value("ui/idle_minutes", 10) or 0)
    window = MainWindow(app, runner, idle_minutes=0 if screenshot_dir else idle)
    from station_app.ui.widgets.deferred import after_first_paint

    after_first_paint(window, lambda: after_open(app, runner, window))
    window.show()
    if os.environ.get(ENV_EXIT_AFTER_PAINT):
        # bench/bench_install.py: start-up to the first painted main window, frozen build against source.
        window.repaint()
        qapp.processEvents()
        app.close()
        return 0
    if screenshot_dir:
        from station_app.ui.screenshots import take_all

        settle()
        take_all(window, Path(screenshot_dir), language())
        window.close()
        app.close()
        return 0
    after_first_paint(window, settle)
    code = qapp.exec()
    runner.wait()
    app.close()
    return code


def settle() -> None:
    """Once the window is up: what start-up made (modules, classes, the ORM's mappers, Qt's wrappers: some 95,000
    objects, all living as long as the process) is taken out of the cycle collector's way (`gc.freeze`), so a later
    full collection does not walk it: that walk was a pause of a tenth of a second and more in the middle of
    scrolling a long list. Frozen objects are still freed by reference counting; a collection first, so no
    start-up garbage is kept."""
    import gc

    gc.collect()
    gc.freeze()
    gc.enable()  # paused since start-up (ui/start.py)


def open_signed_in(paths, login: str, password: str, provider):
    """Open and sign in the way the window wants it: the database's quick_check and the daily backup follow the
    first paint (`after_open`); writes, backups and migrations wait for the check's verdict."""
    from station_app.app import Application

    return Application.open(paths, login=login, password=password, passphrase=provider, backup=False,
                            check_in_background=True)


def after_open(app, runner, parent=None) -> None:
    """Right after the first paint: the opening check's verdict (a damaged file is reported at once, in one
    sentence saying to restore a backup) and today's rolling backup, on the op runner."""

    def work(_progress, _cancelled):
        app.verify()
        app.daily_backup()

    runner.run(work, lambda _result: None, title=_("Checking the database…"), parent=parent, quiet=True)


def open_installation(paths, provider, *, credentials: tuple[str, str] | None = None, screenshot: bool = False):
    """The first-run wizard when there is no installation yet; then sign-in. Returns the application or None."""
    if not paths.installed:
        if screenshot:
            raise SystemExit(_("{root} has no installation to screenshot", root=paths.root))
        from station_app.ui.dialogs.setup_wizard import SetupWizard

        def init(kind, code, name, card, admin_password, passphrase):
            preload.wait()
            from station_app.app import Application

            return Application.init(paths, kind=kind, code=code, name=name, township_card=card,
                                    admin_password=admin_password, passphrase=lambda _purpose: passphrase)

        wizard = SetupWizard(paths, init)
        preload = Preload(wizard)
        if wizard.exec() != wizard.DialogCode.Accepted.value and wizard.app is None:
            return None
        if wizard.app is not None:
            wizard.app.keyring.provider = provider
            remember_sign_in(paths, wizard.app)
            return wizard.app
    if credentials is None and screenshot:
        login = os.environ.get("STATION_APP_GUI_LOGIN", "admin")
        password = os.environ.get("STATION_APP_PASSWORD")
        if not password:
            raise SystemExit(_("screenshot mode needs STATION_APP_PASSWORD (and optionally STATION_APP_GUI_LOGIN)"))
        credentials = (login, password)
    if credentials is not None:
        return open_signed_in(paths, credentials[0], credentials[1], provider)
    from station_app.ui.dialogs.signin import SignInDialog

    def opener(login: str, password: str):
        preload.wait()
        return open_signed_in(paths, login, password, provider)

    last = last_sign_in(paths)
    dialog = SignInDialog(opener=opener, station_text=last.get("station", ""), login=last.get("login", ""))
    preload = Preload(dialog)
    if dialog.exec() != dialog.DialogCode.Accepted.value:
        return None
    remember_sign_in(paths, dialog.signed_in)
    return dialog.signed_in


def _sign_in_key(paths) -> str:
    import hashlib

    return "signin/" + hashlib.sha256(str(Path(paths.root).resolve()).encode()).hexdigest()[:16]


def last_sign_in(paths) -> dict[str, str]:
    """The login last signed in at this installation and its station ("S01 小苏庄村"), from the GUI settings: the
    sign-in dialog offers them before the database is even opened. Logins and station names are not secrets."""
    s = settings()
    key = _sign_in_key(paths)
    return {k: str(s.value(f"{key}/{k}", "") or "") for k in ("login", "station")}


def remember_sign_in(paths, app) -> None:
    station = app.station()
    s = settings()
    key = _sign_in_key(paths)
    s.setValue(f"{key}/login", app.login)
    s.setValue(f"{key}/station", f"{station.code} {station.name}")
    s.sync()


class Preload:
    """Once a widget (the sign-in dialog, the first-run wizard) is painted, load what opening needs next (the data
    core, the use cases, the ORM's configuration: `station_app.app.warm_up`) on a thread. The dialog sits waiting
    for keys, so the thread has Python to itself, and by the time the password is typed, opening is the database,
    the password check and the window. Started from the first paint, so the dialog is not held up. Opening first
    `wait()`s for it, so the two never import at once; a person quicker than the thread waits for the rest of it."""

    def __init__(self, widget) -> None:
        from station_app.ui.widgets.deferred import after_first_paint

        self._thread: Any = None
        self._opening = False
        resume_collector()  # a person types now: no start-up to hurry
        after_first_paint(widget, self._start)

    def _start(self) -> None:
        import threading

        if self._opening:  # opening came first (before the paint): it loads everything itself
            return
        self._thread = threading.Thread(target=self._load, name="station-preload", daemon=True)
        self._thread.start()

    @staticmethod
    def _load() -> None:
        try:
            from station_app.app import warm_up

            warm_up()
        except Exception:  # only early work: opening does it again and reports what goes wrong
            log.warning("preloading for sign-in failed", exc_info=True)

    def wait(self) -> None:
        self._opening = True
        if self._thread is not None:
            self._thread.join()
