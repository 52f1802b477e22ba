"""What a bundle carries: rows of the synced tables and the posting photos they reference.

`collect_changes` reads this installation's own rows over a range of its change counter; `validate_payload` is the
strict gate every decrypted bundle passes before anything of it is used. Nothing from a USB stick is trusted: only
known tables and columns, right types, naive dates, bounded sizes, UUID ids, and for a station's bundle every row
must belong to the station whose key signed it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text, inspect, select

from station_app.core.i18n import pick
from station_app.store.models import SYNCED_MODELS, MODEL_BY_TABLE, PostingPhoto
from station_app.store.rowdata import column_names, json_value
from station_app.sync.results import BundleRefused

log = logging.getLogger(__name__)

KINDS = ("changes", "reference", "restore")
#: At most this many rows in one bundle (a full export of a busy station is a few hundred thousand).
MAX_ROWS = 2_000_000
#: Text columns without a declared length (summaries, answers, mediation records) are capped at this many characters.
MAX_TEXT = 100_000
#: A JSON column (history changes, posting schedule) may hold at most this many entries at its top level; its
#: total size is bounded by the transport's cap on the decompressed archive.
MAX_JSON_ITEMS = 1_000
#: Same limit as services.postings.MAX_PHOTO_BYTES (a bundle never carries a photo the app would not accept).
MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_FILES = 20_000
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass
class Payload:
    tables: dict[str, list[dict]]  # table name (models.SYNCED_MODELS order) -> rows as rowdata.record_values()
    files: dict[str, bytes] = field(default_factory=dict)  # sha256 hex -> content (posting photos)
    meta: dict = field(default_factory=dict)  # kind-specific extras (receipts, restore info); JSON-able
    #: Rows parsed into Python values by validate_payload (merge uses them; not part of the wire format).
    parsed: dict[str, list[dict]] | None = field(default=None, repr=False, compare=False)

    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    def counts(self) -> dict[str, int]:
        return {t: len(rows) for t, rows in self.tables.items() if rows}


# -- reading -----------------------------------------------------------------------------------------------------
def photo_file(paths, sha256: str, file_name: str) -> Path:
    """Where a posting photo lives (store.photos.photo_path: photos/ab/ab12…ef.jpg)."""
    from station_app.store.photos import photo_path

    return photo_path(paths, sha256, file_name)


def rows_of(session, model, *where) -> list[dict]:
    """Rows of `model` as JSON-ready dicts (Core select: a bundle of 100k rows must not build 100k ORM objects)."""
    table = model.__table__
    names = column_names(model)
    cols = [table.c[n] for n in names]
    out = []
    for r in session.execute(select(*cols).where(*where).order_by(table.c.counter, table.c.id)):
        out.append({n: json_value(v) for n, v in zip(names, r)})
    return out


def read_photo_files(paths, photo_rows: list[dict]) -> dict[str, bytes]:
    """The files of these posting_photos rows that exist here and match their hash (a missing file is logged and
    left out: a lost photo must not block every later export)."""
    files: dict[str, bytes] = {}
    for row in photo_rows:
        sha = row["sha256"]
        if sha in files or row.get("deleted"):
            continue
        try:
            data = photo_file(paths, sha, row["file_name"]).read_bytes()
        except (OSError, ValueError) as e:
            log.warning("photo %s of posting_photos %s not exported: %s", sha, row["id"], e)
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            log.warning("photo %s of posting_photos %s is damaged on disk; not exported", sha, row["id"])
            continue
        files[sha] = data
    return files


def collect_changes(db, after: int, upto: int) -> Payload:
    """This installation's own rows with after < counter <= upto (tombstones and record_history included) and the
    posting photos those rows reference."""
    sid = db.station_id
    tables: dict[str, list[dict]] = {}
    with db.read() as s:
        for model in SYNCED_MODELS:
            t = model.__table__
            tables[model.__tablename__] = rows_of(s, model, t.c.station_id == sid, t.c.counter > after,
                                                  t.c.counter <= upto)
    files = read_photo_files(db.paths, tables[PostingPhoto.__tablename__])
    return Payload(tables=tables, files=files, meta={})


# -- validating --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Col:
    key: str
    kind: str  # bool, int, datetime, date, json, str
    nullable: bool
    length: int | None
    uuid: bool  # a record id or a reference to one
    plain: bool  # text that is not an id: the common fast path


@lru_cache(maxsize=None)
def _columns(table: str) -> tuple[_Col, ...]:
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
        out.append(_Col(name, kind, bool(c.nullable), length, is_uuid, kind == "str" and not is_uuid))
    return tuple(out)


def _refuse(table: str, row_id: Any, fld: str | None, zh: str, en: str) -> BundleRefused:
    rid = row_id if isinstance(row_id, str) and len(row_id) <= 64 else "?"
    where_zh = f"表 {table} 记录 {rid}" + (f" 字段 {fld}" if fld else "")
    where_en = f"table {table}, record {rid}" + (f", field {fld}" if fld else "")
    return BundleRefused(pick(f"同步包内容无效：{where_zh}：{zh}", f"invalid bundle content: {where_en}: {en}"))


def _parse_value(table: str, rid: Any, col: _Col, value: Any) -> Any:
    # Fast path (most values of a 100k-row bundle): a short plain string, an int, a bool.
    t = type(value)
    if t is str and col.kind == "str" and not col.uuid and len(value) <= col.length and "\x00" not in value:
        return value
    if t is int and col.kind == "int" and -(2**63) <= value < 2**63:
        return value
    if t is bool and col.kind == "bool":
        return value
    if value is None:
        if col.nullable:
            return None
        raise _refuse(table, rid, col.key, "不能为空", "may not be empty")
    k = col.kind
    if k == "str":
        if not isinstance(value, str):
            raise _refuse(table, rid, col.key, "应为文本", "must be text")
        if col.length is not None and len(value) > col.length:
            raise _refuse(table, rid, col.key, f"超过 {col.length} 个字符", f"longer than {col.length} characters")
        if "\x00" in value:
            raise _refuse(table, rid, col.key, "含有空字符", "contains a NUL character")
        if col.uuid and not UUID_RE.match(value):
            raise _refuse(table, rid, col.key, "不是有效的记录编号（UUID）", "is not a record id (UUID)")
        return value
    if k == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(table, rid, col.key, "应为整数", "must be an integer")
        if not -(2**63) <= value < 2**63:
            raise _refuse(table, rid, col.key, "数值超出范围", "is out of range")
        return value
    if k == "bool":
        if not isinstance(value, bool):
            raise _refuse(table, rid, col.key, "应为 true 或 false", "must be true or false")
        return value
    if k == "datetime":
        if not isinstance(value, str) or len(value) > 32:
            raise _refuse(table, rid, col.key, "应为日期时间文本", "must be a date-time string")
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            raise _refuse(table, rid, col.key, f"日期时间无效：{value}", f"bad date-time {value!r}") from None
        if dt.tzinfo is not None:  # metadata is naive UTC, domain times naive local: an offset means a foreign writer
            raise _refuse(table, rid, col.key, "日期时间不应带时区", "date-time must not carry a time zone")
        return dt
    if k == "date":
        if not isinstance(value, str) or len(value) != 10:
            raise _refuse(table, rid, col.key, f"日期无效：{value}", f"bad date {value!r}")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _refuse(table, rid, col.key, f"日期无效：{value}", f"bad date {value!r}") from None
    # json
    if not isinstance(value, (dict, list)):
        raise _refuse(table, rid, col.key, "应为对象或列表", "must be an object or a list")
    if len(value) > MAX_JSON_ITEMS:
        raise _refuse(table, rid, col.key, "内容过大", "is too large")
    if table == "record_history" and col.key == "changes":
        _check_changes(rid, value)
    return value


def _check_changes(rid: Any, value: Any) -> None:
    """History changes are {field: [old, new]}: a field name and a pair, nothing else."""
    if not isinstance(value, dict):
        raise _refuse("record_history", rid, "changes", "应为 {字段: [旧值, 新值]}", "must be {field: [old, new]}")
    for k, pair in value.items():
        if len(k) > 64 or not isinstance(pair, list) or len(pair) != 2:
            raise _refuse("record_history", rid, "changes", "应为 {字段: [旧值, 新值]}", "must be {field: [old, new]}")


def _allowed_owners(kind: str, signer_station_id: str, meta: dict) -> frozenset[str]:
    if kind == "restore":
        # The township's copy of one station's rows, plus the township's own reference rows.
        return frozenset({signer_station_id, meta.get("station_id")})
    return frozenset({signer_station_id})


def validate_payload(raw_tables: dict, files: dict[str, bytes], meta: dict, *, kind: str,
                     signer_station_id: str) -> Payload:
    """Check everything decrypted from a bundle; return the Payload (with `parsed` rows) or raise BundleRefused
    naming table, row id and field."""
    if kind not in KINDS:
        raise BundleRefused(pick(f"未知的同步包类型：{kind}", f"unknown bundle kind: {kind!r}"))
    if not isinstance(raw_tables, dict):
        raise BundleRefused(pick("同步包内容无效：表数据应为对象", "invalid bundle content: tables must be an object"))
    if not isinstance(meta, dict):
        raise BundleRefused(pick("同步包内容无效：meta 应为对象", "invalid bundle content: meta must be an object"))
    if not isinstance(files, dict) or len(files) > MAX_FILES:
        raise BundleRefused(pick("同步包内容无效：照片文件过多", "invalid bundle content: too many photo files"))
    if not isinstance(signer_station_id, str) or not UUID_RE.match(signer_station_id):
        raise BundleRefused(pick("同步包签名方的站点编号无效", "the signer's station id is not valid"))
    if kind == "restore":
        sid = meta.get("station_id")
        if not isinstance(sid, str) or not UUID_RE.match(sid):
            raise BundleRefused(pick("恢复包缺少有效的 meta.station_id", "restore bundle: meta.station_id is missing or invalid"))
    validate_meta(kind, meta)
    owners = _allowed_owners(kind, signer_station_id, meta)
    unknown = [t for t in raw_tables if t not in MODEL_BY_TABLE]
    if unknown:
        t = str(unknown[0])[:40]
        raise BundleRefused(pick(f"同步包内容无效：未知的表 {t}", f"invalid bundle content: unknown table {t!r}"))
    total = 0
    for rows in raw_tables.values():
        if not isinstance(rows, list):
            raise BundleRefused(pick("同步包内容无效：表数据应为列表", "invalid bundle content: a table must be a list"))
        total += len(rows)
    if total > MAX_ROWS:
        raise BundleRefused(pick(f"同步包记录过多（{total} 条，上限 {MAX_ROWS}）",
                                 f"too many rows in the bundle ({total}, the limit is {MAX_ROWS})"))

    tables: dict[str, list[dict]] = {}
    parsed: dict[str, list[dict]] = {}
    for model in SYNCED_MODELS:  # keep foreign-key order whatever order the file had
        name = model.__tablename__
        rows = raw_tables.get(name) or []
        cols = _columns(name)
        keys = {c.key for c in cols}
        seen: set[str] = set()
        out = []
        for row in rows:
            if not isinstance(row, dict):
                raise _refuse(name, None, None, "记录应为对象", "a row must be an object")
            rid = row.get("id")
            if row.keys() != keys:
                extra = sorted(set(row) - keys)
                missing = sorted(keys - set(row))
                if extra:
                    f = str(extra[0])[:40]
                    raise _refuse(name, rid, f, "未知字段", "unknown field")
                raise _refuse(name, rid, missing[0], "缺少字段", "field is missing")
            values = {}
            for c in cols:
                v = row[c.key]
                # Inline fast path for short plain text (most values); everything else goes through _parse_value.
                if type(v) is str and c.plain and len(v) <= c.length and "\x00" not in v:
                    values[c.key] = v
                else:
                    values[c.key] = _parse_value(name, rid, c, v)
            if rid in seen:
                raise _refuse(name, rid, "id", "同一记录在包内出现两次", "the same record appears twice")
            seen.add(rid)
            if values["station_id"] not in owners:
                raise _refuse(name, rid, "station_id",
                              "记录不属于签名的站点（每条记录只能由创建它的站点发送）",
                              "the record does not belong to the station that signed the bundle")
            if values["counter"] < 0:
                raise _refuse(name, rid, "counter", "计数不能为负", "may not be negative")
            if name == "stations" and values["id"] != values["station_id"]:
                raise _refuse(name, rid, "id", "站点记录只能属于该站点自身", "a station row may only belong to that station itself")
            if name == "record_history" and values["table_name"] not in MODEL_BY_TABLE:
                raise _refuse(name, rid, "table_name", "未知的表名", "unknown table name")
            if name == "posting_photos":
                _check_photo_row(rid, values)
            out.append(values)
        tables[name] = list(rows)
        parsed[name] = out

    referenced = {r["sha256"]: r for r in parsed["posting_photos"]}
    checked: dict[str, bytes] = {}
    for sha, data in files.items():
        if not isinstance(sha, str) or not SHA_RE.match(sha):
            raise BundleRefused(pick(f"同步包内容无效：照片文件名不是 sha256：{str(sha)[:70]}",
                                     f"invalid bundle content: photo name is not a sha256: {str(sha)[:70]!r}"))
        row = referenced.get(sha)
        if row is None:
            raise BundleRefused(pick(f"同步包内容无效：照片 {sha} 没有对应的记录",
                                     f"invalid bundle content: photo {sha} is not referenced by any row"))
        if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_PHOTO_BYTES:
            raise _refuse("posting_photos", row["id"], "sha256", "照片文件过大", "photo file is too large")
        if hashlib.sha256(data).hexdigest() != sha:
            raise _refuse("posting_photos", row["id"], "sha256", "照片内容与 sha256 不符",
                          "the photo's content does not match its sha256")
        if len(data) != row["size"]:
            raise _refuse("posting_photos", row["id"], "size", "照片大小与记录不符",
                          "the photo's size does not match the row")
        checked[sha] = bytes(data)
    return Payload(tables=tables, files=checked, meta=meta, parsed=parsed)


def _meta_refuse(fld: str, zh: str, en: str) -> BundleRefused:
    return BundleRefused(pick(f"同步包内容无效：meta 字段 {fld}：{zh}", f"invalid bundle content: meta field {fld}: {en}"))


def _int(fld: str, value: Any, *, lo: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value < 2**63:
        raise _meta_refuse(fld, f"应为不小于 {lo} 的整数", f"must be an integer of at least {lo}")
    return value


def _str(fld: str, value: Any, length: int, *, pattern: re.Pattern | None = None, nullable: bool = False) -> Any:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or len(value) > length or (pattern is not None and not pattern.match(value)):
        raise _meta_refuse(fld, "格式不对", "is not in the expected form")
    return value


RECEIPT_KEYS = {"station_id", "station_code", "numbers", "last_number", "last_sha256", "contiguous_number",
                "contiguous_counter", "high_counter", "epoch"}
MAX_RECEIPTS = 1000
MAX_RANGES = 100_000


def _check_receipts(value: Any) -> None:
    if not isinstance(value, list) or len(value) > MAX_RECEIPTS:
        raise _meta_refuse("receipts", "应为回执列表", "must be a list of receipts")
    for i, r in enumerate(value):
        where = f"receipts[{i}]"
        if not isinstance(r, dict) or set(r) != RECEIPT_KEYS:
            raise _meta_refuse(where, "字段不对", "has the wrong fields")
        _str(f"{where}.station_id", r["station_id"], 36, pattern=UUID_RE)
        _str(f"{where}.station_code", r["station_code"], 10)
        _str(f"{where}.last_sha256", r["last_sha256"], 64, pattern=SHA_RE, nullable=True)
        for k in ("last_number", "contiguous_number", "contiguous_counter", "high_counter", "epoch"):
            _int(f"{where}.{k}", r[k])
        ranges = r["numbers"]
        if not isinstance(ranges, list) or len(ranges) > MAX_RANGES:
            raise _meta_refuse(f"{where}.numbers", "应为编号区间列表", "must be a list of number ranges")
        for pair in ranges:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise _meta_refuse(f"{where}.numbers", "应为 [起, 止] 区间", "must hold [first, last] ranges")
            a, b = _int(f"{where}.numbers", pair[0], lo=1), _int(f"{where}.numbers", pair[1], lo=1)
            if b < a:
                raise _meta_refuse(f"{where}.numbers", "区间倒置", "a range ends before it starts")


def validate_meta(kind: str, meta: dict) -> None:
    """Kind-specific extras: changes carry none; reference carries receipts and the code-table version; restore
    carries the restored station's identity and chain position as well."""
    allowed = {"changes": set(), "reference": {"receipts", "code_tables", "issued_at"},
               "restore": {"receipts", "code_tables", "issued_at", "station_id", "station_code", "station_name",
                           "last_number", "last_sha256", "last_counter", "epoch"}}[kind]
    extra = sorted(set(meta) - allowed)
    if extra:
        raise _meta_refuse(str(extra[0])[:40], "未知字段", "unknown field")
    if kind == "changes":
        return
    missing = sorted(allowed - set(meta))
    if missing:
        raise _meta_refuse(missing[0], "缺少字段", "field is missing")
    _check_receipts(meta["receipts"])
    ct = meta["code_tables"]
    if not isinstance(ct, dict) or set(ct) != {"version"}:
        raise _meta_refuse("code_tables", "格式不对", "is not in the expected form")
    _str("code_tables.version", ct["version"], 64)
    _str("issued_at", meta["issued_at"], 40)
    if kind == "restore":
        _str("station_id", meta["station_id"], 36, pattern=UUID_RE)
        _str("station_code", meta["station_code"], 10)
        _str("station_name", meta["station_name"], 100)
        _int("last_number", meta["last_number"])
        _str("last_sha256", meta["last_sha256"], 64, pattern=SHA_RE, nullable=True)
        _int("last_counter", meta["last_counter"])
        _int("epoch", meta["epoch"], lo=1)


def _check_photo_row(rid: str, values: dict) -> None:
    if not SHA_RE.match(values["sha256"]):
        raise _refuse("posting_photos", rid, "sha256", "不是有效的 sha256", "is not a sha256")
    ext = Path(values["file_name"]).suffix.lower()
    if ext not in PHOTO_TYPES or "/" in values["file_name"] or "\\" in values["file_name"]:
        raise _refuse("posting_photos", rid, "file_name", "不是 jpg/png 照片文件名", "is not a jpg/png file name")
    if values["media_type"] != PHOTO_TYPES[ext]:
        raise _refuse("posting_photos", rid, "media_type", "与文件类型不符", "does not match the file type")
    if not 0 <= values["size"] <= MAX_PHOTO_BYTES:
        raise _refuse("posting_photos", rid, "size", "照片大小无效", "is not a valid photo size")


def parsed_rows(payload: Payload, *, kind: str, signer_station_id: str) -> dict[str, list[dict]]:
    """The payload's rows as Python values (validating them now if the payload was built in memory)."""
    if payload.parsed is None:
        payload.parsed = validate_payload(payload.tables, payload.files, payload.meta, kind=kind,
                                          signer_station_id=signer_station_id).parsed
    return payload.parsed  # type: ignore[return-value]
