"""Draw the app icon (resources/icons/station-app.png and .ico) with Qt and the bundled font.

Run once when the design changes: `python installer/make_icon.py`. The PNG and ICO are committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    fid = QFontDatabase.addApplicationFont(str(ROOT / "resources" / "fonts" / "DroidSansFallbackFull.ttf"))
    family = QFontDatabase.applicationFontFamilies(fid)[0]
    out = ROOT / "resources" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in (256, 48):
        img = QImage(size, size, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor("#b71c1c"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(QRectF(size * 0.04, size * 0.04, size * 0.92, size * 0.92), size * 0.18, size * 0.18)
        p.setPen(QColor("#fff8e1"))
        font = QFont(family)
        font.setPixelSize(int(size * 0.62))
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(0, 0, size, size * 0.97), Qt.AlignmentFlag.AlignCenter, "法")
        p.end()
        if size == 256:
            img.save(str(out / "station-app.png"))
        else:
            img.save(str(out / "station-app.ico"))  # Windows shortcuts and the installer
    app.quit()
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
