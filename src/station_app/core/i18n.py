"""One translation system for every user-facing string: gettext catalogues, English message ids.

    from station_app.core.i18n import _, ngettext, pgettext
    _("set up {code} in {folder}", code=station.code, folder=paths.root)
    ngettext("{n} row", "{n} rows", n)            # n is also passed as the {n} placeholder

Placeholders are named (`{code}`), so a translation may reorder them. The catalogue of language L is
`station_app/locale/L/LC_MESSAGES/station_app.po` (compiled to `.mo` by `scripts/i18n.py compile`); English needs
none, its text is the message id. zh_CN is the default language; STATION_APP_LANG=en or set_language("en") switch.
Adding a language is adding a catalogue file. A table of messages marks each with N_("...") (or NP_(context, "...")
when the English means something else elsewhere) and translates it with tr() where it is shown. Nothing here imports
Qt; the GUI installs the same catalogues.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DOMAIN = "station_app"
DEFAULT = "zh_CN"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_language: str | None = None
_catalogues: dict[str, Any] = {}


def set_language(lang: str | None) -> None:
    """Choose the language of messages for this process; None returns to STATION_APP_LANG (or zh_CN)."""
    global _language
    _language = None if lang is None else _normalise(lang)


def current_override() -> str | None:
    """The language set by set_language (None when the environment decides); lets callers restore it."""
    return _language


def language() -> str:
    if _language is not None:
        return _language
    return _normalise(os.environ.get("STATION_APP_LANG", DEFAULT))


def available_languages() -> list[str]:
    """English plus every language that has a catalogue."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()) \
        if LOCALE_DIR.is_dir() else []
    return [DEFAULT] + [lang for lang in found if lang != DEFAULT] + ["en"]


def _normalise(lang: str) -> str:
    text = lang.strip().replace("-", "_")
    if text.lower().startswith("en"):
        return "en"
    if text.lower() in ("zh", "zh_cn", "zh_hans", "zh_hans_cn"):
        return "zh_CN"
    if (LOCALE_DIR / text / "LC_MESSAGES" / f"{DOMAIN}.po").is_file():
        return text
    return DEFAULT


class _Identity:
    """English: the message ids are the text. (gettext itself is imported only when a catalogue is read.)"""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        return message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return msgid1 if n == 1 else msgid2


class _PoTranslations(_Identity):
    """A catalogue read straight from its .po (a source tree before `scripts/i18n.py compile`)."""

    def __init__(self, messages: dict[str, Any]):
        self._messages = messages

    def gettext(self, message: str) -> str:
        found = self._messages.get(message)
        return found if isinstance(found, str) else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._messages.get(msgid1)
        if isinstance(found, list) and found:
            return found[0]  # the languages shipped so far have one plural form (Chinese)
        return super().ngettext(msgid1, msgid2, n)

    def pgettext(self, context: str, message: str) -> str:
        found = self._messages.get(context + "\x04" + message)
        return found if isinstance(found, str) else message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        found = self._messages.get(context + "\x04" + msgid1)
        if isinstance(found, list) and found:
            return found[0]
        return super().ngettext(msgid1, msgid2, n)


_IDENTITY = _Identity()


def translations(lang: str | None = None) -> Any:
    """The catalogue of `lang` (default: the current language); English is the identity."""
    lang = lang or language()
    if lang == "en":
        return _IDENTITY
    cached = _catalogues.get(lang)
    if cached is None:
        cached = _catalogues[lang] = _load(lang)
    return cached


def _load(lang: str) -> Any:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    try:
        if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
            import gettext

            with mo.open("rb") as f:
                return gettext.GNUTranslations(f)
        if po.is_file():
            from station_app.core.catalog import po_messages, read_po

            return _PoTranslations(po_messages(read_po(po)))
    except (OSError, ValueError):
        pass  # a damaged catalogue must not stop the app: English text is still complete
    return _IDENTITY


def reload_catalogues() -> None:
    """Forget loaded catalogues (after `scripts/i18n.py` rewrote them)."""
    _catalogues.clear()


def _fill(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text


def _(message: str, /, **values: Any) -> str:
    """The message in the current language, with its named placeholders filled."""
    return _fill(translations().gettext(message), values)


def gettext(message: str, /, **values: Any) -> str:
    return _(message, **values)


def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """Singular or plural by `n` (also available as the placeholder {n})."""
    values.setdefault("n", n)
    return _fill(translations().ngettext(singular, plural, n), values)


def pgettext(context: str, message: str, /, **values: Any) -> str:
    """A message whose English text means different things in different places (context disambiguates)."""
    return _fill(translations().pgettext(context, message), values)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined (a table); translate it with _() where it is shown."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """N_() with a context: marks (context, message) for extraction; translate it with tr() where it is shown."""
    return (context, message)


def tr(marked: str | tuple[str, str], /, lang: str | None = None, **values: Any) -> str:
    """Translate a message marked with N_() or NP_() (in `lang`, default the current language)."""
    cat = translations(lang)
    text = cat.pgettext(*marked) if isinstance(marked, tuple) else cat.gettext(marked)
    return _fill(text, values)


def msgid(marked: str | tuple[str, str]) -> str:
    """The English text of a message marked with N_() or NP_()."""
    return marked[1] if isinstance(marked, tuple) else marked
