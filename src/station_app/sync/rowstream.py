"""Parsing a table member chunk by chunk: JSON Lines of arrays (payload format 2) or one JSON array of objects
(format 1, release 0.1.0). Never more than one chunk of rows (and one over-long line at most) in memory."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator

import msgspec

from station_app.core.i18n import _
from station_app.sync.results import BundleRefused
from station_app.sync.rowcheck import RowChecker, locate, refuse, row_decoder

#: Rows decoded and checked together (one msgspec call, one executemany into the staging table).
CHUNK_ROWS = 2_000
#: A single row (one line of format 2, one object of format 1) may not be longer than this.
MAX_ROW_BYTES = 16 * 1024 * 1024
_READ = 1 << 20


def _member_refuse(member: str, problem: str) -> BundleRefused:
    return BundleRefused(_("{member} in the bundle {problem}", member=member, problem=problem))


def _lines(reader, member: str) -> Iterator[bytes]:
    buf = b""
    while True:
        chunk = reader.read(_READ)
        if not chunk:
            break
        buf += chunk
        if b"\n" not in chunk:
            if len(buf) > MAX_ROW_BYTES:
                raise _member_refuse(member, _("has a line over {value} MiB", value=MAX_ROW_BYTES // 2 ** 20))
            continue
        parts = buf.split(b"\n")
        buf = parts.pop()
        yield from parts
        if len(buf) > MAX_ROW_BYTES:
            raise _member_refuse(member, _("has a line over {value} MiB", value=MAX_ROW_BYTES // 2 ** 20))
    if buf:
        yield buf


def jsonl_chunks(reader, checker: RowChecker, member: str) -> Iterator[list[tuple[tuple, list]]]:
    """Format 2: the first line names the columns, each further line is one row as an array."""
    lines = _lines(reader, member)
    first = next(lines, None)
    if first is None:
        raise _member_refuse(member, _("has no column line"))
    try:
        header = msgspec.json.decode(first, type=list[str])
    except (msgspec.MsgspecError, RecursionError):
        raise _member_refuse(member, _("has an invalid column line")) from None
    if header != checker.names:
        extra = [c for c in header if c not in checker.keys]
        missing = [c for c in checker.names if c not in header]
        if extra:
            raise refuse(checker.table, None, extra[0][:40], _("unknown field"))
        if missing:
            raise refuse(checker.table, None, missing[0], _("field is missing"))
        raise _member_refuse(member, _("has its columns out of order"))
    decoder = row_decoder(checker.table)
    batch: list[bytes] = []
    line_no = 1
    for line in lines:
        batch.append(line)
        if len(batch) >= CHUNK_ROWS:
            yield _decode(batch, decoder, checker, member, line_no)
            line_no += len(batch)
            batch = []
    if batch:
        yield _decode(batch, decoder, checker, member, line_no)


def _decode(batch: list[bytes], decoder, checker: RowChecker, member: str, line_no: int):
    body = b"[" + b",".join(batch) + b"]"
    try:
        rows = decoder.decode(body)
    except (msgspec.MsgspecError, RecursionError) as e:
        raise _row_error(e, batch, checker, member, line_no) from None
    if b"\\u0000" in body:  # JSON escapes a NUL this way only (it may also be an escaped backslash: look closer)
        for r in rows:
            checker.check_nul(r)
    return [checker.from_array(r) for r in rows]


def _row_error(e: Exception, batch: list[bytes], checker: RowChecker, member: str, line_no: int) -> BundleRefused:
    """Name the row (and the field, when msgspec says which) of a chunk that did not decode."""
    row_i, col_i = locate(e) if isinstance(e, msgspec.ValidationError) else (None, None)
    if row_i is None:  # malformed JSON somewhere in the chunk: find the line
        for i, line in enumerate(batch):
            try:
                msgspec.json.decode(line)
            except (msgspec.MsgspecError, RecursionError) as err:
                why = "nested too deeply" if isinstance(err, RecursionError) else str(err)[:100]
                named = _name_bad_line(line, checker, why)
                if named is not None:
                    return named
                return _member_refuse(member, _("line {value} is not valid JSON: {why}", value=line_no + i + 1, why=why))
            if not line.strip():
                return _member_refuse(member, _("line {value} is empty", value=line_no + i + 1))
        return _member_refuse(member, _("is not valid JSON: {value}", value=str(e)[:100]))
    rid = None
    try:
        raw = msgspec.json.decode(batch[row_i])
        rid = raw[checker.index["id"]] if isinstance(raw, list) else None
    except (msgspec.MsgspecError, RecursionError, IndexError):
        pass
    fld = checker.names[col_i] if col_i is not None and col_i < len(checker.names) else None
    why = str(e).split(" - at `")[0][:120]
    return refuse(checker.table, rid, fld, why)


def _name_bad_line(line: bytes, checker: RowChecker, why: str) -> BundleRefused | None:
    """A line msgspec will not read (a lone surrogate, say) may still be read by json: name its row and field."""
    from station_app.sync.rowcheck import _bad_text

    try:
        row = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(row, list) or len(row) != len(checker.names):
        return None
    rid = row[checker.index["id"]]
    for name, value in zip(checker.names, row):
        if isinstance(value, str) and _bad_text(value):
            return refuse(checker.table, rid, name, _("contains a NUL or a lone surrogate"))
    return refuse(checker.table, rid, None, _("is not valid JSON: {why}", why=why))


def _no_dupes(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_dupes, parse_constant=_no_constants)
_WS = " \t\n\r"


def array_chunks(reader, checker: RowChecker, member: str) -> Iterator[list[tuple[tuple, dict]]]:
    """Format 1: one JSON array of row objects, parsed element by element (json's raw_decode on a sliding buffer)."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    buf = ""
    pos = 0
    done = False

    def more() -> bool:
        nonlocal buf, pos, done
        if done:
            return False
        chunk = reader.read(_READ)
        try:
            text = utf8.decode(chunk, final=not chunk)
        except UnicodeDecodeError as e:
            raise _member_refuse(member, _("is not valid JSON: {value}", value=str(e)[:100])) from None
        if not chunk:
            done = True
        if pos > _READ:
            buf, pos = buf[pos:], 0
        buf += text
        return bool(chunk)

    def skip_ws() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            if pos < len(buf):
                return buf[pos]
            if not more():
                return ""

    def invalid(msg: str) -> BundleRefused:
        return _member_refuse(member, _("is not valid JSON: {msg}", msg=msg))

    if skip_ws() != "[":
        raise _member_refuse(member, _("must be a list of rows"))
    pos += 1
    out: list = []
    first = True
    while True:
        c = skip_ws()
        if c == "]":
            pos += 1
            break
        if not first:
            if c != ",":
                raise invalid("expected ',' or ']'" if c else "unexpected end")
            pos += 1
            skip_ws()
        first = False
        while True:
            try:
                obj, end = _DECODER.raw_decode(buf, pos)
                break
            except RecursionError:
                raise refuse(checker.table, None, None, _("is nested too deeply")) from None
            except ValueError as e:
                if len(buf) - pos > MAX_ROW_BYTES:
                    raise _member_refuse(member, _("has a row over {value} MiB", value=MAX_ROW_BYTES // 2 ** 20)) from None
                if not more():
                    raise invalid(str(e)[:100]) from None
        pos = end
        out.append(checker.from_object(obj))
        if len(out) >= CHUNK_ROWS:
            yield out
            out = []
    if skip_ws() != "":
        raise invalid("data after the list")
    if out:
        yield out
