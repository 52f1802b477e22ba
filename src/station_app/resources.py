"""Where the files that ship with the app live (fonts; later icons and catalogues).

The project keeps them in `resources/` at the top of the repository. A source checkout or editable install finds them
there; a wheel installs them under `<prefix>/share/station_app/`; a frozen (PyInstaller) build carries them in its
bundle folder. STATION_APP_RESOURCES overrides all three.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_RESOURCES = "STATION_APP_RESOURCES"
CJK_FONT_FILE = "DroidSansFallbackFull.ttf"


def _candidates() -> list[Path]:
    out: list[Path] = []
    env = os.environ.get(ENV_RESOURCES)
    if env:
        out.append(Path(env))
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        out.append(Path(frozen) / "resources")
    out.append(Path(__file__).resolve().parents[2] / "resources")
    out.append(Path(sys.prefix) / "share" / "station_app")
    return out


def resources_dir() -> Path:
    for c in _candidates():
        if (c / "fonts" / CJK_FONT_FILE).is_file():
            return c
    raise FileNotFoundError("station_app resources not found (looked in: "
                            + ", ".join(str(c) for c in _candidates()) + ")")


def cjk_font_path() -> Path:
    """The bundled TrueType Chinese font (embeddable in PDFs, registered in the GUI)."""
    return resources_dir() / "fonts" / CJK_FONT_FILE
