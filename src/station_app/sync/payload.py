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
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station_app.core.i18n import _, N_
from station_app.store.models import SYNCED_MODELS, MODEL_BY_TABLE
from station_app.store.rowdata import column_names, json_value
from station_app.sync import rowcheck
from station_app.sync.results import BundleRefused
from station_app.sync.rowcheck import (MAX_JSON_ITEMS, MAX_PHOTO_BYTES, MAX_TEXT, PHOTO_TYPES, SHA_RE,  # noqa: F401
                                       UUID_RE, refuse as _refuse)

log = logging.getLogger(__name__)

KINDS = ("changes", "reference", "restore")
#: At most this many rows in one bundle (a full export of a busy station is a few hundred thousand).
MAX_ROWS = 2_000_000
MAX_FILES = 20_000
#: Tables whose rows reference a photo file carried in the bundle by its sha256 (same layout under photos/).
PHOTO_TABLES = ("posting_photos", "outreach_photos")


def photo_rows(tables: dict[str, list[dict]]) -> list[dict]:
    """Every row of the photo tables, whichever record they belong to."""
    return [r for t in PHOTO_TABLES for r in tables.get(t) or []]


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


def collect_changes_lean(db, after: int, upto: int) -> Payload:
    """collect_changes for writing a bundle: rows straight from SQLite in their stored form (bundle.LeanRows), the
    JSON columns passed through as their stored text (never decoded and re-encoded)."""
    if db.engine.dialect.name != "sqlite":  # stations export, and stations keep SQLite; any other: the ORM way
        return collect_changes(db, after, upto)
    import msgspec

    from station_app.sync.bundle import LeanRows

    sid = db.station_id
    tables: dict[str, Any] = {}
    photos: list[dict] = []
    with db.read() as s:
        raw = s.connection().connection.dbapi_connection
        for model in SYNCED_MODELS:
            table = model.__tablename__
            cols = rowcheck.columns(table)
            names = [c.key for c in cols]
            bools = [i for i, c in enumerate(cols) if c.kind == "bool"]
            jsons = [i for i, c in enumerate(cols) if c.kind == "json"]
            cur = raw.execute(f"SELECT {', '.join(names)} FROM {table} WHERE station_id = ? AND counter > ? "
                              f"AND counter <= ? ORDER BY counter, id", (sid, after, upto))
            rows = []
            for r in cur:
                r = list(r)
                for i in bools:
                    if r[i] is not None:
                        r[i] = bool(r[i])
                for i in jsons:
                    if r[i] is not None:
                        r[i] = msgspec.Raw(r[i].encode("utf-8") if isinstance(r[i], str) else r[i])
                rows.append(r)
            tables[table] = LeanRows(rows)
            if table in PHOTO_TABLES:
                photos += [dict(zip(names, r)) for r in rows]
    files = read_photo_files(db.paths, photos)
    return Payload(tables=tables, files=files, meta={})


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
    files = read_photo_files(db.paths, photo_rows(tables))
    return Payload(tables=tables, files=files, meta={})


# -- validating --------------------------------------------------------------------------------------------------
def _columns(table: str):
    return rowcheck.columns(table)


def _allowed_owners(kind: str, signer_station_id: str, meta: dict) -> frozenset[str]:
    if kind == "restore":
        # The township's copy of one station's rows, plus the township's own reference rows.
        return frozenset({signer_station_id, meta.get("station_id")})
    return frozenset({signer_station_id})


def check_envelope(kind: str, meta: Any, signer_station_id: str) -> frozenset[str]:
    """Kind, meta and signer checks that come before any row; returns the station ids rows may belong to."""
    if kind not in KINDS:
        raise BundleRefused(_("unknown bundle kind: {kind!r}", kind=kind))
    if not isinstance(meta, dict):
        raise BundleRefused(_("invalid bundle content: meta must be an object"))
    if not isinstance(signer_station_id, str) or not UUID_RE.match(signer_station_id):
        raise BundleRefused(_("the signer's station id is not valid"))
    if kind == "restore":
        sid = meta.get("station_id")
        if not isinstance(sid, str) or not UUID_RE.match(sid):
            raise BundleRefused(_("restore bundle: meta.station_id is missing or invalid"))
    validate_meta(kind, meta)
    return _allowed_owners(kind, signer_station_id, meta)


#: Tables and fields this version does not know usually come from a station or township on a newer version.
NEWER = N_("the bundle may come from a newer version of the app: update this app first, then import it again")


def unknown_table(name: Any) -> BundleRefused:
    t = str(name)[:40]
    return BundleRefused(_("invalid bundle content: unknown table {t!r} ({newer})", t=t, newer=_(NEWER)))


def too_many_rows(total: int, cap: int = MAX_ROWS) -> BundleRefused:
    return BundleRefused(_("too many rows in the bundle (more than {cap})", cap=cap))


class PhotoCheck:
    """Posting photos carried as files: each must be referenced by a row of the bundle and match its hash and size."""

    def __init__(self):
        self.referenced: dict[str, dict] = {}
        self.count = 0

    def add_row(self, values: dict) -> None:
        self.referenced[values["sha256"]] = values

    def check(self, sha: Any, data: Any) -> dict:
        self.count += 1
        if self.count > MAX_FILES:
            raise BundleRefused(_("invalid bundle content: too many photo files"))
        if not isinstance(sha, str) or not SHA_RE.match(sha):
            raise BundleRefused(_("invalid bundle content: photo name is not a sha256: {value!r}", value=str(sha)[:70]))
        row = self.referenced.get(sha)
        if row is None:
            raise BundleRefused(_("invalid bundle content: photo {sha} is not referenced by any row", sha=sha))
        if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_PHOTO_BYTES:
            raise _refuse("posting_photos", row["id"], "sha256", _("photo file is too large"))
        if hashlib.sha256(data).hexdigest() != sha:
            raise _refuse("posting_photos", row["id"], "sha256", _("the photo's content does not match its sha256"))
        if len(data) != row["size"]:
            raise _refuse("posting_photos", row["id"], "size", _("the photo's size does not match the row"))
        return row


def validate_payload(raw_tables: dict, files: dict[str, bytes], meta: dict, *, kind: str,
                     signer_station_id: str) -> Payload:
    """Check a payload of row objects (built in memory, or read whole); return the Payload (with `parsed` rows) or
    raise BundleRefused naming table, row id and field."""
    if not isinstance(raw_tables, dict):
        raise BundleRefused(_("invalid bundle content: tables must be an object"))
    if not isinstance(files, dict) or len(files) > MAX_FILES:
        raise BundleRefused(_("invalid bundle content: too many photo files"))
    owners = check_envelope(kind, meta, signer_station_id)
    unknown = [t for t in raw_tables if t not in MODEL_BY_TABLE]
    if unknown:
        raise unknown_table(unknown[0])
    total = 0
    for rows in raw_tables.values():
        if not isinstance(rows, list):
            raise BundleRefused(_("invalid bundle content: a table must be a list"))
        total += len(rows)
    if total > MAX_ROWS:
        raise too_many_rows(total)
    tables: dict[str, list[dict]] = {}
    parsed: dict[str, list[dict]] = {}
    photos = PhotoCheck()
    for model in SYNCED_MODELS:  # keep foreign-key order whatever order the file had
        name = model.__tablename__
        rows = raw_tables.get(name) or []
        checker = rowcheck.RowChecker(name, owners)
        out = []
        for row in rows:
            _stored, values = checker.from_object(row)
            if name in PHOTO_TABLES:
                photos.add_row(values)
            out.append(values)
        tables[name] = list(rows)
        parsed[name] = out
    checked: dict[str, bytes] = {}
    for sha, data in files.items():
        photos.check(sha, data)
        checked[sha] = bytes(data)
    return Payload(tables=tables, files=checked, meta=meta, parsed=parsed)


def _meta_refuse(fld: str, problem: str) -> BundleRefused:
    return BundleRefused(_("invalid bundle content: meta field {fld}: {problem}", fld=fld, problem=problem))


def _int(fld: str, value: Any, *, lo: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value < 2**63:
        raise _meta_refuse(fld, _("must be an integer of at least {lo}", lo=lo))
    return value


def _str(fld: str, value: Any, length: int, *, pattern: re.Pattern | None = None, nullable: bool = False) -> Any:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or len(value) > length or (pattern is not None and not pattern.match(value)):
        raise _meta_refuse(fld, _("is not in the expected form"))
    return value


RECEIPT_KEYS = {"station_id", "station_code", "numbers", "last_number", "last_sha256", "contiguous_number",
                "contiguous_counter", "high_counter", "epoch"}
MAX_RECEIPTS = 1000
MAX_RANGES = 100_000


def _check_receipts(value: Any) -> None:
    if not isinstance(value, list) or len(value) > MAX_RECEIPTS:
        raise _meta_refuse("receipts", _("must be a list of receipts"))
    for i, r in enumerate(value):
        where = f"receipts[{i}]"
        if not isinstance(r, dict) or set(r) != RECEIPT_KEYS:
            raise _meta_refuse(where, _("has the wrong fields"))
        _str(f"{where}.station_id", r["station_id"], 36, pattern=UUID_RE)
        _str(f"{where}.station_code", r["station_code"], 10)
        _str(f"{where}.last_sha256", r["last_sha256"], 64, pattern=SHA_RE, nullable=True)
        for k in ("last_number", "contiguous_number", "contiguous_counter", "high_counter", "epoch"):
            _int(f"{where}.{k}", r[k])
        ranges = r["numbers"]
        if not isinstance(ranges, list) or len(ranges) > MAX_RANGES:
            raise _meta_refuse(f"{where}.numbers", _("must be a list of number ranges"))
        for pair in ranges:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise _meta_refuse(f"{where}.numbers", _("must hold [first, last] ranges"))
            a, b = _int(f"{where}.numbers", pair[0], lo=1), _int(f"{where}.numbers", pair[1], lo=1)
            if b < a:
                raise _meta_refuse(f"{where}.numbers", _("a range ends before it starts"))


def validate_meta(kind: str, meta: dict) -> None:
    """Kind-specific extras: changes carry none; reference carries receipts and the code-table version; restore
    carries the restored station's identity and chain position as well."""
    allowed = {"changes": set(), "reference": {"receipts", "code_tables", "issued_at"},
               "restore": {"receipts", "code_tables", "issued_at", "station_id", "station_code", "station_name",
                           "last_number", "last_sha256", "last_counter", "epoch"}}[kind]
    extra = sorted(set(meta) - allowed)
    if extra:
        raise _meta_refuse(str(extra[0])[:40], _("unknown field"))
    if kind == "changes":
        return
    missing = sorted(allowed - set(meta))
    if missing:
        raise _meta_refuse(missing[0], _("field is missing"))
    _check_receipts(meta["receipts"])
    ct = meta["code_tables"]
    if not isinstance(ct, dict) or set(ct) != {"version"}:
        raise _meta_refuse("code_tables", _("is not in the expected form"))
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


def parsed_rows(payload: Payload, *, kind: str, signer_station_id: str) -> dict[str, list[dict]]:
    """The payload's rows as Python values (validating them now if the payload was built in memory)."""
    if payload.parsed is None:
        payload.parsed = validate_payload(payload.tables, payload.files, payload.meta, kind=kind,
                                          signer_station_id=signer_station_id).parsed
    return payload.parsed  # type: ignore[return-value]


# -- reading a bundle's archive as a stream ----------------------------------------------------------------------
#: Reference and restore bundles are held in memory whole (their merges take rows as a list): at most this many.
MAX_ROWS_IN_MEMORY = 400_000


def read_archive_stream(data: bytes, limits, *, kind: str, signer_station_id: str,
                        counter_range: tuple[int, int] | None, on_rows, on_file, max_rows: int = MAX_ROWS) -> dict:
    """Walk a decrypted archive: check the manifest and meta, hand each checked chunk of rows to
    `on_rows(table, [(stored tuple, Python values)])` and each checked photo to `on_file(photo row, bytes)`.
    Returns meta. Raises BundleRefused for anything wrong, as soon as it is seen."""
    from station_app.sync import archive, rowstream

    events = archive.walk(data, limits)
    _unused, manifest, _unused = next(events)
    ev = next(events, None)
    if ev is None or ev[0] != "meta":
        raise BundleRefused(_("the bundle's archive is malformed: meta.json is missing"))
    meta = ev[1]
    owners = check_envelope(kind, meta, signer_station_id)
    for t in manifest.tables:
        if t not in MODEL_BY_TABLE:
            raise unknown_table(t)
    photos = PhotoCheck()
    total = 0
    for ev in events:
        if ev[0] == "table":
            table, reader = ev[1], ev[2]
            checker = rowcheck.RowChecker(table, owners, counter_range)
            chunks = (rowstream.jsonl_chunks if manifest.format >= 2 else rowstream.array_chunks)(
                reader, checker, reader.name)
            for chunk in chunks:
                total += len(chunk)
                if total > max_rows:
                    raise too_many_rows(total, max_rows)
                if table in PHOTO_TABLES:
                    for _stored, py in chunk:
                        photos.add_row(py if isinstance(py, dict) else dict(zip(checker.names, py)))
                on_rows(table, checker.names, chunk)
        else:
            _unused, sha, body = ev
            on_file(photos.check(sha, body), body)
    return meta


class StreamedPayload:
    """A decrypted, not yet parsed payload: the merge streams it into its staging tables; anything else that asks
    for the rows gets them read whole (and checked) on first use."""

    def __init__(self, data: bytes, limits, *, kind: str, signer_station_id: str,
                 counter_range: tuple[int, int] | None = None):
        self.data = data
        self.limits = limits
        self.kind = kind
        self.signer_station_id = signer_station_id
        self.counter_range = counter_range
        self._whole: Payload | None = None

    def stream(self, on_rows, on_file) -> dict:
        return read_archive_stream(self.data, self.limits, kind=self.kind, signer_station_id=self.signer_station_id,
                                   counter_range=self.counter_range, on_rows=on_rows, on_file=on_file)

    def whole(self) -> Payload:
        if self._whole is None:
            self._whole = materialise(self.data, self.limits, kind=self.kind,
                                      signer_station_id=self.signer_station_id, counter_range=self.counter_range)
        return self._whole

    tables = property(lambda self: self.whole().tables)
    files = property(lambda self: self.whole().files)
    meta = property(lambda self: self.whole().meta)
    parsed = property(lambda self: self.whole().parsed)

    def row_count(self) -> int:
        return self.whole().row_count()

    def counts(self) -> dict[str, int]:
        return self.whole().counts()


def materialise(data: bytes, limits, *, kind: str, signer_station_id: str,
                counter_range: tuple[int, int] | None = None) -> Payload:
    """Read a whole archive into a Payload (rows as JSON-ready dicts and as Python values), checked."""
    parsed: dict[str, list[dict]] = {m.__tablename__: [] for m in SYNCED_MODELS}
    files: dict[str, bytes] = {}

    def on_rows(table, names, chunk):
        out = parsed[table]
        for _stored, py in chunk:
            out.append(py if isinstance(py, dict) else dict(zip(names, py)))

    def on_file(row, body):
        files[row["sha256"]] = bytes(body)

    meta = read_archive_stream(data, limits, kind=kind, signer_station_id=signer_station_id,
                               counter_range=counter_range, on_rows=on_rows, on_file=on_file,
                               max_rows=MAX_ROWS_IN_MEMORY)
    tables = {t: [{k: json_value(v) for k, v in r.items()} for r in rows] for t, rows in parsed.items()}
    return Payload(tables=tables, files=files, meta=meta, parsed=parsed)
