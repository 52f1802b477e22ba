"""Language choice for messages produced outside the GUI.

The GUI translates its own strings through Qt; the core, services and CLI need messages too (validation errors
name a field and say what is wrong), and they may not import Qt. Chinese is the default; English is chosen with
STATION_APP_LANG=en or set_language("en").
"""

from __future__ import annotations

import os

_SUPPORTED = ("zh_CN", "en")
_language: str | None = None


def set_language(lang: str) -> None:
    global _language
    _language = _normalise(lang)


def language() -> str:
    if _language is not None:
        return _language
    return _normalise(os.environ.get("STATION_APP_LANG", "zh_CN"))


def _normalise(lang: str) -> str:
    return "en" if lang.lower().startswith("en") else "zh_CN"


def pick(zh: str, en: str) -> str:
    """Return the text for the current language."""
    return en if language() == "en" else zh
