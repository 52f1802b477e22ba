"""One translation catalogue: the older inline pick(zh, en) is gone, and every catalogue entry is translated."""

from __future__ import annotations

import ast
from pathlib import Path

from station_app.core import i18n
from station_app.core.catalog import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "station_app"


def _pick_calls(tree: ast.AST) -> list[int]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            if (isinstance(fn, ast.Name) and fn.id == "pick") or (isinstance(fn, ast.Attribute) and fn.attr == "pick"
                                                                    and isinstance(fn.value, ast.Name)
                                                                    and fn.value.id == "i18n"):
                out.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "station_app.core.i18n":
            out += [node.lineno for a in node.names if a.name == "pick"]
    return out


def test_no_module_calls_pick():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        lines = _pick_calls(ast.parse(path.read_text(encoding="utf-8")))
        found += [f"{path.relative_to(SRC.parent)}:{n}" for n in lines]
    assert found == []
    assert not hasattr(i18n, "pick")


def test_the_checker_sees_a_pick_call():
    assert _pick_calls(ast.parse('from station_app.core.i18n import _, pick\nx = pick("是", "yes")\n')) == [1, 2]


def test_every_zh_cn_entry_has_a_translation():
    """Not only the messages in the source (scripts/i18n.py check): every msgid in the catalogue has its msgstr."""
    po = SRC / "locale" / "zh_CN" / "LC_MESSAGES" / "station_app.po"
    untranslated = [e.key for e in read_po(po).entries if e.msgid and not e.translated]
    assert untranslated == []


def test_tr_translates_table_markers():
    previous = i18n.current_override()
    try:
        i18n.set_language("zh_CN")
        assert i18n.tr(i18n.NP_("month", "Mar")) == "3月"
        assert i18n.tr(i18n.N_("consultation ledger")) == "法律咨询登记台账"
        assert i18n.tr(i18n.NP_("month", "Mar"), lang="en") == "Mar"
        assert i18n.msgid(i18n.NP_("month", "Mar")) == "Mar"
        i18n.set_language("en")
        assert i18n.tr(i18n.NP_("month", "Mar")) == "Mar"
    finally:
        i18n.set_language(previous)
