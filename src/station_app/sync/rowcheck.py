"""One gate for every row that arrives in a bundle, whichever form it came in.

Rows come as objects (payload format 1, release 0.1.0, and payloads built in memory) or as arrays decoded by a typed
msgspec decoder (format 2). Either way a `RowChecker` turns each row into
- the stored form (the exact values SQLAlchemy's SQLite types would store: date-times as
  "YYYY-MM-DD HH:MM:SS.ffffff", dates as "YYYY-MM-DD", JSON as text), in the table's column order, ready to stage;
- after checking types, bounds, ids, ownership, counter range, duplicates, JSON shape and depth, and the domain
  rules of sync.row_rules.
Any problem raises BundleRefused naming table, record id and field.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any, Optional

import msgspec
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text, inspect

from station_app.store.compat import fill_added_columns
from station_app.core.i18n import _
from station_app.store.models import MODEL_BY_TABLE
from station_app.store.rowdata import column_names
from station_app.sync.results import BundleRefused
from station_app.sync.row_rules import RuleBroken, rules_for

#: Text columns without a declared length (summaries, answers, mediation records) are capped at this many characters.
MAX_TEXT = 100_000
#: A JSON column (history changes) may hold at most this many entries at any level, nested at most this deep.
MAX_JSON_ITEMS = 1_000
MAX_JSON_DEPTH = 16
#: Same limit as services.postings.MAX_PHOTO_BYTES (a bundle never carries a photo the app would not accept).
MAX_PHOTO_BYTES = 20 * 1024 * 1024
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
UUID_RE = re.compile(UUID_PATTERN)
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
_STORED_DT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")


@dataclass(frozen=True)
class Col:
    key: str
    kind: str  # bool, int, datetime, date, json, str
    nullable: bool
    length: int | None
    uuid: bool  # a record id or a reference to one


@lru_cache(maxsize=None)
def columns(table: str) -> tuple[Col, ...]:
    model = MODEL_BY_TABLE[table]
    cols = {c.key: c for c in inspect(model).columns}
    out = []
    for name in column_names(model):
        c = cols[name]
        t = c.type
        if isinstance(t, Boolean):
            kind = "bool"
        elif isinstance(t, Integer):
            kind = "int"
        elif isinstance(t, DateTime):
            kind = "datetime"
        elif isinstance(t, Date):
            kind = "date"
        elif isinstance(t, JSON):
            kind = "json"
        elif isinstance(t, (String, Text)):
            kind = "str"
        else:  # a new column type must be taught here before it can travel
            raise TypeError(f"{table}.{name}: unsupported column type {t!r}")
        length = getattr(t, "length", None) or (None if kind != "str" else MAX_TEXT)
        is_uuid = bool(c.primary_key or c.foreign_keys or (table == "record_history" and name == "record_id"))
        out.append(Col(name, kind, bool(c.nullable), length, is_uuid))
    return tuple(out)


def refuse(table: str, row_id: Any, fld: str | None, problem: str) -> BundleRefused:
    rid = row_id if isinstance(row_id, str) and len(row_id) <= 64 and UUID_RE.match(row_id) else "?"
    if fld:
        return BundleRefused(_("invalid bundle content: table {table}, record {rid}, field {fld}: {problem}",
                               table=table, rid=rid, fld=fld, problem=problem))
    return BundleRefused(_("invalid bundle content: table {table}, record {rid}: {problem}",
                           table=table, rid=rid, problem=problem))


# -- typed decoding of format-2 rows (arrays) --------------------------------------------------------------------
def _wire_type(c: Col) -> Any:
    if c.kind == "str":
        # NUL is looked for once per chunk of lines (rowstream), not per value.
        meta = msgspec.Meta(pattern=UUID_PATTERN) if c.uuid else msgspec.Meta(max_length=c.length)
        t: Any = Annotated[str, meta]
    elif c.kind == "int":
        t = Annotated[int, msgspec.Meta(ge=INT_MIN, le=INT_MAX)]
    elif c.kind == "bool":
        t = bool
    elif c.kind in ("datetime", "date"):
        t = Annotated[str, msgspec.Meta(max_length=32)]
    else:  # json: decoded with the row (msgspec refuses NaN/Infinity and lone surrogates); checked below
        return Any
    return Optional[t] if c.nullable else t


@lru_cache(maxsize=None)
def row_decoder(table: str) -> msgspec.json.Decoder:
    """A decoder for a JSON array of rows, each an array of the table's columns in column order."""
    return msgspec.json.Decoder(list[tuple[tuple(_wire_type(c) for c in columns(table))]])  # type: ignore[misc]


_PATH = re.compile(r"at `\$\[(\d+)\](?:\[(\d+)\])?")


def locate(e: Exception) -> tuple[int | None, int | None]:
    """(row, column) indexes from a msgspec error's path ("... - at `$[12][3]`")."""
    m = _PATH.search(str(e))
    if not m:
        return None, None
    return int(m[1]), (int(m[2]) if m[2] is not None else None)


# -- JSON values ---------------------------------------------------------------------------------------------------
_SCALARS = (str, int, float, bool, type(None))
_encode = msgspec.json.Encoder().encode


def check_json(value: Any, *, decoded: bool = False) -> str | None:
    """What is wrong with a JSON column value (None if nothing): size, depth, numbers, text.

    `decoded`: the value came from msgspec, which already refuses NaN/Infinity, out-of-range numbers and lone
    surrogates; only size and depth are left, and an object of scalars or of [old, new] pairs of scalars (every
    history row) is settled without a walk."""
    if decoded and type(value) is dict and len(value) <= MAX_JSON_ITEMS:
        for x in value.values():
            t = type(x)
            if t is list:
                if len(x) == 2 and type(x[0]) in _SCALARS and type(x[1]) in _SCALARS:
                    continue
                if len(x) <= MAX_JSON_ITEMS and all(type(y) in _SCALARS for y in x):
                    continue
                break
            if t not in _SCALARS:
                break
        else:
            return None
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        t = type(v)
        if t is dict or t is list:
            if depth > MAX_JSON_DEPTH:
                return _("is nested deeper than {max_json_depth} levels", max_json_depth=MAX_JSON_DEPTH)
            if len(v) > MAX_JSON_ITEMS:
                return _("is too large")
            if t is dict:
                for k, x in v.items():
                    if _bad_text(k):
                        return _("contains invalid characters")
                    stack.append((x, depth + 1))
            else:
                stack.extend((x, depth + 1) for x in v)
        elif t is float:
            if not math.isfinite(v):
                return _("contains a non-finite number (NaN/Infinity)")
        elif t is str:
            if _bad_text(v) or len(v) > MAX_TEXT:
                return _("contains invalid characters or over-long text")
        elif t is int:
            if not INT_MIN <= v <= INT_MAX:
                return _("holds a number out of range")
        elif v is not None and t is not bool:
            return _("holds an unsupported value")
    return None


def _bad_text(s: str) -> bool:
    """NUL or a lone surrogate (which no UTF-8 database text can hold)."""
    if "\x00" in s:
        return True
    if s.isascii():
        return False
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _decode_depth_safe(raw: bytes) -> Any:
    try:
        return msgspec.json.decode(raw)
    except RecursionError:
        raise ValueError(_("is nested deeper than {max_json_depth} levels", max_json_depth=MAX_JSON_DEPTH)) from None
    except msgspec.MsgspecError as e:
        raise ValueError(_("is not valid JSON: {value}", value=str(e)[:80])) from None


# -- the checker ---------------------------------------------------------------------------------------------------
class RowChecker:
    """Check and convert the rows of one table of one bundle (it remembers the ids seen, to refuse duplicates)."""

    def __init__(self, table: str, owners: frozenset[str], counter_range: tuple[int, int] | None = None):
        self.table = table
        self.cols = columns(table)
        self.names = [c.key for c in self.cols]
        self.keys = frozenset(self.names)
        self.owners = owners
        self.counter_range = counter_range
        self.rules = rules_for(table)
        self.seen: set[str] = set()
        self.index = {c.key: i for i, c in enumerate(self.cols)}
        self._dt = [i for i, c in enumerate(self.cols) if c.kind == "datetime"]
        self._date = [i for i, c in enumerate(self.cols) if c.kind == "date"]
        self._json = [i for i, c in enumerate(self.cols) if c.kind == "json"]
        self._text = [i for i, c in enumerate(self.cols) if c.kind == "str" and not c.uuid]
        self._converted = bool(self._dt or self._date or self._json)
        self._id = self.index["id"]
        self._station = self.index["station_id"]
        self._counter = self.index["counter"]
        self._dt_memo: dict[str, tuple[str, datetime]] = {}
        self.count = 0

    # format 2: arrays decoded by row_decoder(table) -----------------------------------------------------------
    def check_nul(self, r: tuple) -> None:
        """Refuse a decoded row holding a NUL in a text value (called only for chunks whose text has one)."""
        for c, v in zip(self.cols, r):
            if type(v) is str and "\x00" in v:
                raise refuse(self.table, r[self._id], c.key, _("contains a NUL character"))
            if c.kind == "json" and v is not None and "\\u0000" in _encode(v).decode("utf-8"):
                raise refuse(self.table, r[self._id], c.key, _("contains a NUL character"))

    def from_array(self, r: tuple) -> tuple[tuple, list]:
        """(stored tuple, Python values in column order) of one decoded row."""
        row = list(r)
        rid = row[self._id]
        cols = self.cols
        py = row.copy() if self._converted else row
        for i in self._dt:
            v = row[i]
            if v is not None:
                row[i], py[i] = self._datetime(rid, cols[i], v)
        for i in self._date:
            v = row[i]
            if v is not None:
                row[i], py[i] = self._date_value(rid, cols[i], v)
        for i in self._json:
            value = row[i]
            c = cols[i]
            if value is None:
                if not c.nullable:
                    raise refuse(self.table, rid, c.key, _("may not be empty"))
                continue
            self._json_value(rid, c, value, decoded=True)
            row[i] = _encode(value).decode("utf-8")
        self._common(rid, row, py)
        return tuple(row), py

    # format 1 and in-memory payloads: objects of JSON values --------------------------------------------------------
    def from_object(self, obj: Any) -> tuple[tuple, dict]:
        """(stored tuple, Python values) of one row object."""
        table = self.table
        if not isinstance(obj, dict):
            raise refuse(table, None, None, _("a row must be an object"))
        rid = obj.get("id")
        if obj.keys() != self.keys:
            fill_added_columns(table, obj, self.keys)  # a row from a station still on an older version
        if obj.keys() != self.keys:
            extra = sorted(str(k) for k in set(obj) - self.keys)
            if extra:
                from station_app.sync.payload import NEWER

                raise refuse(table, rid, extra[0][:40], _("unknown field ({newer})", newer=_(NEWER)))
            raise refuse(table, rid, sorted(self.keys - set(obj))[0], _("field is missing"))
        stored: list = []
        py: list = []
        for c in self.cols:
            v = obj[c.key]
            s, p = self._value(rid, c, v)
            stored.append(s)
            py.append(p)
        self._common(rid, stored, py)
        return tuple(stored), dict(zip(self.names, py))

    def _value(self, rid: Any, c: Col, v: Any) -> tuple[Any, Any]:
        table = self.table
        if v is None:
            if c.nullable:
                return None, None
            raise refuse(table, rid, c.key, _("may not be empty"))
        k = c.kind
        if k == "str":
            if type(v) is not str:
                raise refuse(table, rid, c.key, _("must be text"))
            if c.length is not None and len(v) > c.length:
                raise refuse(table, rid, c.key, _("longer than {length} characters", length=c.length))
            if _bad_text(v):
                raise refuse(table, rid, c.key, _("contains a NUL or a lone surrogate"))
            if c.uuid and not UUID_RE.match(v):
                raise refuse(table, rid, c.key, _("is not a record id (UUID)"))
            return v, v
        if k == "int":
            if type(v) is not int:
                raise refuse(table, rid, c.key, _("must be an integer"))
            if not INT_MIN <= v <= INT_MAX:
                raise refuse(table, rid, c.key, _("is out of range"))
            return v, v
        if k == "bool":
            if type(v) is not bool:
                raise refuse(table, rid, c.key, _("must be true or false"))
            return v, v
        if k == "datetime":
            return self._datetime(rid, c, v)
        if k == "date":
            return self._date_value(rid, c, v)
        if not isinstance(v, (dict, list)):
            raise refuse(table, rid, c.key, _("must be an object or a list"))
        self._json_value(rid, c, v)
        return json.dumps(v), v

    def _datetime(self, rid: Any, c: Col, v: Any) -> tuple[str, datetime]:
        got = self._dt_memo.get(v)
        if got is not None:
            return got
        got = self._datetime_new(rid, c, v)
        if len(self._dt_memo) < 50_000:
            self._dt_memo[v] = got
        return got

    def _datetime_new(self, rid: Any, c: Col, v: Any) -> tuple[str, datetime]:
        if type(v) is not str or len(v) > 32:
            raise refuse(self.table, rid, c.key, _("must be a date-time string"))
        try:
            dt = datetime.fromisoformat(v)
        except ValueError:
            raise refuse(self.table, rid, c.key, _("bad date-time {v!r}", v=v)) from None
        if dt.tzinfo is not None:  # metadata is naive UTC, domain times naive local: an offset means a foreign writer
            raise refuse(self.table, rid, c.key, _("date-time must not carry a time zone"))
        if _STORED_DT.match(v):
            return v, dt
        return dt.isoformat(" ", "microseconds"), dt

    def _date_value(self, rid: Any, c: Col, v: Any) -> tuple[str, date]:
        if type(v) is not str or len(v) != 10:
            raise refuse(self.table, rid, c.key, _("bad date {v!r}", v=v))
        try:
            return v, date.fromisoformat(v)
        except ValueError:
            raise refuse(self.table, rid, c.key, _("bad date {v!r}", v=v)) from None

    def _json_value(self, rid: Any, c: Col, v: Any, *, decoded: bool = False) -> None:
        if not isinstance(v, (dict, list)):
            raise refuse(self.table, rid, c.key, _("must be an object or a list"))
        if self.table == "record_history" and c.key == "changes":
            if type(v) is not dict or len(v) > MAX_JSON_ITEMS:
                raise refuse(self.table, rid, c.key, _("must be {{field: [old, new]}}").format())
            flat = True
            for k, p in v.items():
                if type(p) is not list or len(p) != 2 or len(k) > 64:
                    raise refuse(self.table, rid, c.key, _("must be {{field: [old, new]}}").format())
                if not (type(p[0]) in _SCALARS and type(p[1]) in _SCALARS):
                    flat = False
            if decoded and flat:  # msgspec already refused NaN/Infinity, big numbers and lone surrogates
                return
        problem = check_json(v, decoded=decoded)
        if problem:
            raise refuse(self.table, rid, c.key, problem)

    def _common(self, rid: Any, stored: list, py: list) -> None:
        """Ownership, counter, duplicates, per-table structure and the domain rules."""
        table, ix = self.table, self.index
        seen = self.seen
        n = len(seen)
        seen.add(rid)
        if len(seen) == n:
            raise refuse(table, rid, "id", _("the same record appears twice"))
        self.count += 1
        if py[self._station] not in self.owners:
            raise refuse(table, rid, "station_id", _("the record does not belong to the station that signed the bundle"))
        counter = py[self._counter]
        if counter < 0:
            raise refuse(table, rid, "counter", _("may not be negative"))
        if self.counter_range is not None:
            lo, hi = self.counter_range
            if not lo < counter <= hi:
                raise refuse(table, rid, "counter", _("{counter} is outside the bundle's counter range {lo}-{hi}", counter=counter, lo=lo, hi=hi))
        if table == "stations" and rid != py[ix["station_id"]]:
            raise refuse(table, rid, "id", _("a station row may only belong to that station itself"))
        if table == "record_history" and py[ix["table_name"]] not in MODEL_BY_TABLE:
            raise refuse(table, rid, "table_name", _("unknown table name"))
        if table in ("posting_photos", "outreach_photos"):
            _check_photo_row(rid, dict(zip(self.names, py)), table)
        if self.rules:
            try:
                self.rules.check(dict(zip(self.names, py)))
            except RuleBroken as e:
                raise refuse(table, rid, e.field, e.message) from None


def _check_photo_row(rid: str, values: dict, table: str = "posting_photos") -> None:
    from pathlib import PurePath

    if not SHA_RE.match(values["sha256"]):
        raise refuse(table, rid, "sha256", _("is not a sha256"))
    name = values["file_name"]
    ext = PurePath(name).suffix.lower()
    if ext not in PHOTO_TYPES or "/" in name or "\\" in name:
        raise refuse(table, rid, "file_name", _("is not a jpg/png file name"))
    if values["media_type"] != PHOTO_TYPES[ext]:
        raise refuse(table, rid, "media_type", _("does not match the file type"))
    if not 0 <= values["size"] <= MAX_PHOTO_BYTES:
        raise refuse(table, rid, "size", _("is not a valid photo size"))
