"""Text from outside (a bundle, a ledger file, a record typed elsewhere) made safe to show on a terminal or a GUI.

A record id, a summary or a station name can carry bytes a terminal obeys: ESC sequences (CSI colours and cursor
moves, OSC window titles and hyperlinks, DCS), 8-bit C1 controls (U+0080-U+009F, e.g. U+009B = CSI), carriage
returns and backspaces that overwrite what was printed, and Unicode bidi controls that make text read in another
order than it is stored ("Trojan Source"). None of them is ever printed as is: each such character is shown as a
visible escape (`\\x1b`, `\\u202e`), so the text stays readable and nothing is hidden. Newlines (and tabs) are kept
only where the caller prints several lines of its own.

`terminal_safe` is for human-readable output; `json_safe` for JSON text (json.dumps already escapes C0 controls;
it leaves C1, bidi controls and U+2028/U+2029 as they are).
"""

from __future__ import annotations

import re

# C0 controls except \t and \n, DEL, C1 controls; bidi embeddings/overrides/isolates and marks; line and paragraph
# separators; lone surrogates (not encodable, and a sign of a crafted string).
_UNSAFE_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                               "\u2028\u2029\ud800-\udfff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                          "\u2028\u2029\ud800-\udfff]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def terminal_safe(text: object, *, multiline: bool = False) -> str:
    """`text` with every control a terminal would obey shown as a visible escape. With multiline, newlines and
    tabs are kept (for the program's own layout); otherwise they are escaped too (one value, one line)."""
    s = text if isinstance(text, str) else str(text)
    return (_UNSAFE_MULTILINE if multiline else _UNSAFE_LINE).sub(_escape, s)


def json_safe(json_text: str) -> str:
    """JSON text with C1 controls, bidi controls and line separators written as \\uXXXX escapes (still the same
    JSON value)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


__all__ = ["terminal_safe", "json_safe"]
