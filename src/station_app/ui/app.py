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

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from station_app.core.i18n import language, pick, set_language
from station_app.resources import cjk_font_path

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
    app.setApplicationName(pick("村公共法律服务工作室", "Village Legal Service Station"))
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
