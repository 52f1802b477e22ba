"""Reading and writing gettext catalogues (.po text, .mo binary) without a third-party library.

The app reads a compiled .mo with the standard library's `gettext`; when the .mo is missing or older than its .po (a
fresh checkout, an edited catalogue) it reads the .po directly, so a source tree works before `scripts/i18n.py
compile` has run. Only the parts of the PO format the project uses are supported: comments, msgctxt, msgid,
msgid_plural, msgstr, msgstr[n], multi-line strings.
"""

from __future__ import annotations

import struct
from pathlib import Path

#: gettext separates a context from its msgid with EOT in the compiled catalogue.
CONTEXT_SEP = "\x04"


class Entry:
    """One message. (Plain classes, not dataclasses: the app reads .po files at start-up, and every import counts.)"""

    __slots__ = ("msgid", "msgstr", "context", "plural", "plural_strs", "comments")

    def __init__(self, msgid: str, msgstr: str = "", context: str | None = None, plural: str | None = None,
                 plural_strs: list[str] | None = None, comments: list[str] | None = None):
        self.msgid, self.msgstr, self.context, self.plural = msgid, msgstr, context, plural
        self.plural_strs = list(plural_strs or [])
        self.comments = list(comments or [])  # "#: file:line", "#, flags", "# translator"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entry) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    def __repr__(self) -> str:
        return f"Entry({self.context!r}, {self.msgid!r} -> {self.msgstr!r})"

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        if self.plural is not None:
            return bool(self.plural_strs) and all(self.plural_strs)
        return bool(self.msgstr)


class Catalogue:
    def __init__(self, header: str, entries: list[Entry]):
        self.header, self.entries = header, entries

    def find(self, msgid: str, context: str | None = None) -> Entry | None:
        for e in self.entries:
            if e.msgid == msgid and e.context == context:
                return e
        return None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"{where}: expected a quoted string, got {token[:40]!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise ValueError(f"{where}: unknown escape \\{nxt}")
            out.append(_ESCAPES[nxt])
            i += 2
        elif ch == '"':
            raise ValueError(f"{where}: an unescaped quote inside a string")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def read_po(path: Path) -> Catalogue:
    """Parse a .po file. Raises ValueError naming the file and line on anything it does not understand."""
    header = ""
    entries: list[Entry] = []
    cur: dict = {}
    comments: list[str] = []
    last: str | None = None

    def flush() -> None:
        nonlocal header, cur, comments
        if "msgid" in cur:
            if cur["msgid"] == "" and cur.get("msgctxt") is None:
                header = cur.get("msgstr", "")
            else:
                plural_strs = [cur[k] for k in sorted(k for k in cur if isinstance(k, int))]
                entries.append(Entry(cur["msgid"], cur.get("msgstr", ""), cur.get("msgctxt"),
                                     cur.get("msgid_plural"), plural_strs, comments))
        cur, comments = {}, []

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path}:{n}"
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#~"):
                continue  # obsolete entries are kept for translators, never used
            if "msgid" in cur:
                flush()
            comments.append(line)
            continue
        if line.startswith('"'):
            if last is None:
                raise ValueError(f"{where}: a continuation line with nothing to continue")
            cur[last] += _unquote(line, where)
            continue
        keyword, _, rest = line.partition(" ")
        if (keyword == "msgctxt" and cur) or (keyword == "msgid" and "msgid" in cur):
            flush()
        if keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            cur[keyword] = _unquote(rest, where)
            last = keyword
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            cur[index] = _unquote(rest, where)
            last = index  # type: ignore[assignment]
        else:
            raise ValueError(f"{where}: unknown keyword {keyword!r}")
    flush()
    return Catalogue(header, entries)


def _quote(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    if "\n" not in out or out == "\n":
        return '"' + out.replace("\n", "\\n") + '"'
    parts = out.split("\n")
    lines = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in lines)


def write_po(cat: Catalogue, path: Path) -> None:
    chunks = [f"msgid \"\"\nmsgstr {_quote(cat.header)}\n"]
    for e in sorted(cat.entries, key=lambda e: (e.context or "", e.msgid)):
        lines = list(e.comments)
        if e.context is not None:
            lines.append(f"msgctxt {_quote(e.context)}")
        lines.append(f"msgid {_quote(e.msgid)}")
        if e.plural is not None:
            lines.append(f"msgid_plural {_quote(e.plural)}")
            for i, s in enumerate(e.plural_strs or [""]):
                lines.append(f"msgstr[{i}] {_quote(s)}")
        else:
            lines.append(f"msgstr {_quote(e.msgstr)}")
        chunks.append("\n".join(lines) + "\n")
    path.write_text("\n".join(chunks), encoding="utf-8", newline="\n")


def mo_bytes(cat: Catalogue) -> bytes:
    """The GNU .mo image of a catalogue (untranslated entries left out, as msgfmt does)."""
    pairs: dict[str, str] = {"": cat.header}
    for e in cat.entries:
        if not e.translated:
            continue
        key = e.msgid if e.context is None else e.context + CONTEXT_SEP + e.msgid
        if e.plural is not None:
            pairs[key + "\0" + e.plural] = "\0".join(e.plural_strs)
        else:
            pairs[key] = e.msgstr
    keys = sorted(pairs)
    ids = b""
    strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode("utf-8"), pairs[k].encode("utf-8")
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    count = len(keys)
    key_table = 7 * 4
    value_table = key_table + count * 8
    ids_start = value_table + count * 8
    strs_start = ids_start + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + ids_start]
        voffsets += [l2, o2 + strs_start]
    out = struct.pack("Iiiiiii", 0x950412DE, 0, count, key_table, value_table, 0, 0)
    out += struct.pack(f"{len(koffsets)}i", *koffsets) + struct.pack(f"{len(voffsets)}i", *voffsets)
    return out + ids + strs


def po_messages(cat: Catalogue) -> dict[str, str | list[str]]:
    """The lookup table the runtime uses when it reads a .po directly (same keys as the .mo)."""
    out: dict[str, str | list[str]] = {}
    for e in cat.entries:
        if not e.translated:
            continue
        key = e.msgid if e.context is None else e.context + CONTEXT_SEP + e.msgid
        out[key] = list(e.plural_strs) if e.plural is not None else e.msgstr
    return out
