"""The self-test's Qt checks: the bundled Chinese font loads and draws, and the GUI starts offscreen."""

from __future__ import annotations

import os
from pathlib import Path

from station_app.core.i18n import _

SAMPLE = "人民调解协议书"


def _qapp():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _ink(font, text: str) -> int:
    """How many dark pixels `text` leaves on a white 48x48 image."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    img = QImage(48, 48, QImage.Format.Format_RGB32)
    img.fill(Qt.GlobalColor.white)
    p = QPainter(img)
    p.setFont(font)
    p.setPen(Qt.GlobalColor.black)
    p.drawText(4, 38, text)
    p.end()
    return sum(1 for x in range(48) for y in range(48) if img.pixelColor(x, y).lightness() < 128)


def check_font_renders() -> str:
    from PySide6.QtGui import QFont, QFontDatabase

    from station_app.resources import cjk_font_path

    _qapp()
    font_id = QFontDatabase.addApplicationFont(str(cjk_font_path()))
    if font_id < 0:
        raise RuntimeError(_("Qt cannot load the font {cjk_font_path}", cjk_font_path=cjk_font_path()))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    # Draw each character with this font alone (no fallback to system fonts) and look for ink: QFontMetrics.inFont
    # answers False for glyphs this font does have, so only the pixels tell.
    font = QFont(family, 24)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    blank = [ch for ch in SAMPLE if _ink(font, ch) < 20]
    if blank:
        raise RuntimeError(_("these characters did not draw: {join}", join=''.join(blank)))
    return _("loaded '{family}' and drew Chinese text", family=family)


def check_gui_starts(scratch: Path) -> str:
    """Open the real main window offscreen on a throw-away installation (made like the setup wizard makes one),
    signed in as its administrator, and paint it once."""
    from station_app import config
    from station_app.app import Application
    from station_app.core.codes import StationKind
    from station_app.ui.app import make_qapp
    from station_app.ui.main_window import MainWindow
    from station_app.ui.ops import OpRunner

    qapp = make_qapp()  # reuses the QApplication of the font check
    paths = config.resolve(scratch / "gui")
    app, _info = Application.init(paths, kind=StationKind.VILLAGE, code="S96", name="自检村",
                                  admin_password="selftest-password-1")
    try:
        window = MainWindow(app, OpRunner(synchronous=True), idle_minutes=0)
        window.resize(1100, 720)
        window.show()
        qapp.processEvents()
        pixmap = window.grab()
        window.close()
    finally:
        app.close()
    if pixmap.isNull() or pixmap.width() < 200:
        raise RuntimeError(_("the main window did not paint"))
    if not _chart_paints(qapp):
        raise RuntimeError(_("Qt Charts (the township overview's charts) did not paint"))
    return _("the main window opened offscreen and painted ({width}×{height})", width=pixmap.width(), height=pixmap.height())



def _chart_paints(qapp) -> bool:
    """A bar chart with Chinese labels, drawn offscreen: the installed build carries Qt Charts (PySide6-Addons) and
    what it links (Qt OpenGL), which the township overview needs; the installer leaves most of the Addons out."""
    from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView
    from PySide6.QtCore import Qt

    bars = QBarSet("调解")
    bars.append([3, 5, 2])
    series = QBarSeries()
    series.append(bars)
    chart = QChart()
    chart.addSeries(series)
    axis = QBarCategoryAxis()
    axis.append(["一月", "二月", "三月"])
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    view = QChartView(chart)
    view.resize(320, 240)
    view.show()
    qapp.processEvents()
    pixmap = view.grab()
    view.close()
    return not pixmap.isNull() and pixmap.width() >= 320
