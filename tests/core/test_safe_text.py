"""Issue 7 item 6: nothing a terminal obeys is printed from outside text."""

from __future__ import annotations

import json

import pytest

from station_app.core.safe_text import json_safe, terminal_safe

HOSTILE = [
    "\x1b[2J\x1b[31mred",              # CSI: clear screen, colour
    "\x1b]0;pwned\x07title",           # OSC window title (BEL-terminated)
    "\x1b]8;;http://evil/\x1b\\link",  # OSC 8 hyperlink (ST-terminated)
    "\x1bP+q\x1b\\dcs",                # DCS
    "\x9b31mc1-csi", "\x9d0;t\x9c",    # 8-bit C1 CSI / OSC / ST
    "abc\rxyz", "ab\bc", "\x7fdel", "\x00nul",
    "\u202egnp.exe", "\u2066iso\u2069", "\u200fmark", "\u061calm",
    "line\u2028sep",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_control_survives(text):
    out = terminal_safe(text)
    assert all(ch.isprintable() for ch in out), repr(out)
    assert not any(ch in out for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
    assert "\\x" in out or "\\u" in out  # shown, not hidden


def test_readable_text_is_unchanged():
    assert terminal_safe("小苏庄村 S01：遗产怎么分？ (ok) 100%") == "小苏庄村 S01：遗产怎么分？ (ok) 100%"
    assert terminal_safe("a\nb\tc", multiline=True) == "a\nb\tc"
    assert terminal_safe("a\nb") == "a\\x0ab"


def test_lone_surrogates_are_escaped():
    out = terminal_safe("x\ud800y")
    out.encode("utf-8")
    assert out == "x\\ud800y"


def test_json_safe_is_the_same_value():
    data = {"s": "\x9b31m\u202eabc\u2028\x1b"}
    text = json_safe(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert all(ch.isprintable() for ch in text)
