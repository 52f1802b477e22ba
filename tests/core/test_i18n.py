"""The gettext catalogues: every message translated, placeholders by name, a new language is a new file."""

from __future__ import annotations

import gettext
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from station_app.core import i18n
from station_app.core.catalog import mo_bytes, read_po, write_po

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_script"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_chinese_translation():
    problems = load_script().check(ROOT / "src" / "station_app")
    assert problems == []


def test_named_placeholders_and_languages():
    i18n.set_language("zh_CN")
    assert i18n._("error: {message}", message="坏了") == "错误：坏了"
    assert i18n._("usage: ") == "用法："
    i18n.set_language("en")
    assert i18n._("error: {message}", message="broken") == "error: broken"
    assert i18n.ngettext("{n} row", "{n} rows", 2) == "2 rows"
    assert i18n.ngettext("{n} row", "{n} rows", 1) == "1 row"
    i18n.set_language(None)  # back to STATION_APP_LANG (zh_CN in tests)
    assert i18n.language() == "zh_CN"


def test_compiled_catalogue_reads_back_like_the_po(tmp_path):
    po = ROOT / "src" / "station_app" / "locale" / "zh_CN" / "LC_MESSAGES" / "station_app.po"
    cat = read_po(po)
    mo = tmp_path / "station_app.mo"
    mo.write_bytes(mo_bytes(cat))
    with mo.open("rb") as f:
        t = gettext.GNUTranslations(f)
    for e in cat.entries:
        if e.plural is None:
            got = t.pgettext(e.context, e.msgid) if e.context else t.gettext(e.msgid)
            assert got == e.msgstr
    # and the .po survives a write/read round trip unchanged
    copy = tmp_path / "copy.po"
    write_po(cat, copy)
    assert read_po(copy).entries == cat.entries


def test_adding_a_language_is_adding_a_file(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "src" / "station_app" / "locale", locale)
    folder = locale / "ug" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "station_app.po").write_text('msgid ""\nmsgstr "Language: ug\\n"\n\nmsgid "usage: "\nmsgstr "ئىشلىتىش: "\n',
                                           encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.reload_catalogues()
    try:
        assert "ug" in i18n.available_languages()
        i18n.set_language("ug")
        assert i18n._("usage: ") == "ئىشلىتىش: "
        assert i18n._("error: {message}", message="x") == "error: x"  # untranslated falls back to English
    finally:
        i18n.set_language(None)
        i18n.reload_catalogues()
