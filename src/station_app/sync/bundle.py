"""The bundle file: one file per bundle, checkable with nothing but the standard `minisign` and `age` tools.

Layout (docs/bundle-format.md has the full specification):

    line 1-4   a minisign signature (untrusted comment, signature, trusted comment, global signature), each
               line ending in "\\n": the signature of everything after line 4. The trusted comment is the
               BundleHeader (printable ASCII).
    the rest   an age (X25519) ciphertext, binary format, of a gzip-compressed ustar archive:
                   manifest.json, meta.json, tables/<table>.json ..., files/<sha256> ...

So `head -n 4 F > b.age.minisig; tail -n +5 F > b.age; minisign -Vm b.age -P KEY; age -d -i KEY b.age` opens it.
The reader checks the signature against an enrolled (or trusted) key before anything else of the file is parsed,
then the header, then decrypts in memory, then checks the archive strictly, then hands the tables to
payload.validate_payload.
"""

from __future__ import annotations

from collections.abc import Callable

import gzip
import hashlib
import io
import json
import logging
import os
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import minisign
import msgspec
import pyrage
from sqlalchemy import select

from station_app.core.codes import StationKind
from station_app.core.i18n import _, pgettext
from station_app.store.atomic import write_atomic
from station_app.store.keys_models import OwnKey
from station_app.store.regular import open_regular
from station_app.store.models import utcnow
from station_app.sync import archive, identity, limits
from station_app.sync.archive import MEMBER_MANIFEST, MEMBER_META, PAYLOAD_FORMAT
from station_app.sync.results import BundleRefused
from station_app.store.stationdb import StationDB

log = logging.getLogger(__name__)

__all__ = ["BundleHeader", "OpenedBundle", "BundleRefused", "Limits", "LIMITS", "write_bundle", "open_bundle",
           "bundle_file_name", "SUFFIX", "KINDS"]

FORMAT = 1
SUFFIX = ".stbundle"
KINDS = ("changes", "reference", "restore")
HEADER_MAGIC = "station-app-bundle"
UNTRUSTED_PREFIX = "untrusted comment: "
SIG_LINES_MAX = 16 * 1024  # four signature lines; the trusted comment is at most ~8 KiB by minisign's rules
_TABLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _env_mib(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "")) * 1024 * 1024 if os.environ.get(name) else default
    except ValueError:
        return default


@dataclass
class Limits:
    """Caps on what a bundle may be; anything larger is refused before it is decrypted or unpacked."""

    # The file as received (STATION_APP_BUNDLE_MAX_MB). Reading holds the file and its decrypted archive (about
    # twice this) and then only chunks: 384 MiB keeps an import under 1 GB; a 100k-record bundle is 13 MB.
    bundle_bytes: int = 384 * 1024 * 1024
    plaintext_bytes: int = 2048 * 1024 * 1024    # the decompressed archive (decompression-bomb guard)
    member_bytes: int = 1024 * 1024 * 1024       # any one member of the archive (tables are read in chunks)
    members: int = 25_000
    file_bytes: int = 20 * 1024 * 1024           # one carried photo (services.postings.MAX_PHOTO_BYTES)


LIMITS = Limits(bundle_bytes=_env_mib("STATION_APP_BUNDLE_MAX_MB", 384 * 1024 * 1024))


@dataclass(frozen=True)
class BundleHeader:
    """The signed trusted comment; ASCII only."""

    format: int
    kind: str
    station_id: str
    station_code: str
    number: int
    epoch: int
    counter_from: int  # exclusive
    counter_to: int  # inclusive
    prev_sha256: str | None
    created_at: str  # UTC ISO, display only
    key_id: str

    _FIELDS = ("format", "kind", "station", "code", "number", "epoch", "from", "to", "prev", "created", "key")

    def to_comment(self) -> str:
        values = [str(self.format), self.kind, self.station_id, self.station_code, str(self.number), str(self.epoch),
                  str(self.counter_from), str(self.counter_to), self.prev_sha256 or "-", self.created_at, self.key_id]
        return HEADER_MAGIC + " " + " ".join(f"{k}={v}" for k, v in zip(self._FIELDS, values))

    @classmethod
    def from_comment(cls, text: str) -> "BundleHeader":
        """Parse strictly: the exact fields in the exact order, each in its exact form."""
        bad = BundleRefused(_("the bundle's signed header is malformed (not a station-app bundle?)"))
        parts = text.split(" ")
        if len(parts) != len(cls._FIELDS) + 1 or parts[0] != HEADER_MAGIC:
            raise bad
        values: dict[str, str] = {}
        for key, part in zip(cls._FIELDS, parts[1:]):
            k, sep, v = part.partition("=")
            if k != key or not sep:
                raise bad
            values[k] = v

        def number(v: str) -> int:
            if not re.fullmatch(r"0|[1-9][0-9]{0,17}", v):
                raise bad
            return int(v)

        if values["format"] != str(FORMAT):
            raise BundleRefused(_("bundle format {format} is not supported; update the app", format=values['format']))
        if values["kind"] not in KINDS or not _UUID_RE.match(values["station"]) \
                or not _CODE_RE.match(values["code"]) or not _TIME_RE.match(values["created"]) \
                or not re.fullmatch(r"[0-9A-F]{16}", values["key"]) \
                or not (values["prev"] == "-" or _SHA_RE.match(values["prev"])):
            raise bad
        h = cls(format=FORMAT, kind=values["kind"], station_id=values["station"], station_code=values["code"],
                number=number(values["number"]), epoch=number(values["epoch"]),
                counter_from=number(values["from"]), counter_to=number(values["to"]),
                prev_sha256=None if values["prev"] == "-" else values["prev"], created_at=values["created"],
                key_id=values["key"])
        # Bundle 1 has no predecessor; every later one names it (a restored station continues the chain too).
        if h.number < 1 or h.counter_to < h.counter_from or (h.number == 1) != (h.prev_sha256 is None):
            raise bad
        problem = limits.header_problem(h.number, h.epoch, h.counter_from, h.counter_to)
        if problem:
            raise BundleRefused(problem)
        return h


@dataclass
class OpenedBundle:
    path: Path
    sha256: str  # the bundle's identity (bundle_id): what is signed, never the file's bytes
    header: BundleHeader  # verified
    payload: Any  # payload.Payload, decrypted and validated
    file_sha256: str | None = None  # of the whole file as received (display, and chains of release 0.1.0)


BUNDLE_ID_TAG = b"station-app-bundle-id/1\n"


def bundle_id(trusted_comment: str, body: bytes) -> str:
    """A bundle's identity: sha256 over the tag line, the trusted comment (the header) and the sha256 of the
    signed body, one per line. Exactly what the signature covers, so a re-encoded signature or an edited
    untrusted comment is the same bundle; `prev`, the received-bundle log, forks and receipts all use it.
    With standard tools (docs/bundle-format.md):
    { echo station-app-bundle-id/1; sed -n 3p F | cut -c18-; tail -n +5 F | sha256sum | cut -c1-64; } | sha256sum
    """
    return hashlib.sha256(BUNDLE_ID_TAG + trusted_comment.encode("utf-8") + b"\n"
                          + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n").hexdigest()


def file_identity(data: bytes) -> tuple[str, str] | None:
    """(bundle id, file sha256) of a bundle file's bytes without verifying anything, or None if it has no
    readable signature (the importer's "already imported" look-up; a refusal comes from the full check)."""
    try:
        sig, body = _split(data)
    except BundleRefused:
        return None
    return bundle_id(sig.trusted_comment, body), hashlib.sha256(data).hexdigest()


def bundle_file_name(code: str, kind: str, number: int) -> str:
    return f"{code}-{kind}-{number:06d}{SUFFIX}"


# -- writing -----------------------------------------------------------------------------------------------------

def _json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _table_member(table: str, rows: Any, payload_format: int) -> tuple[str, bytes]:
    """One table as its archive member: format 2 = JSON Lines (a line of column names, then one array per row);
    format 1 = one JSON array of row objects (what release 0.1.0 wrote; kept for tests and old readers)."""
    if payload_format == 1:
        return f"tables/{table}.json", _json_bytes(rows)
    from station_app.sync.rowcheck import columns

    names = [c.key for c in columns(table)]
    enc = msgspec.json.Encoder()
    if isinstance(rows, LeanRows):  # already arrays in column order (JSON columns as msgspec.Raw)
        arrays = rows.rows
    else:
        arrays = [[r[n] for n in names] for r in rows]
    lines = [enc.encode(names)]
    lines.extend(enc.encode(a) for a in arrays)
    return f"tables/{table}.jsonl", b"\n".join(lines) + b"\n"


@dataclass
class LeanRows:
    """A table's rows as read from the database for export: tuples in column order, values in their stored form
    (date-times as stored text, JSON columns as msgspec.Raw of the stored text: never decoded and re-encoded)."""

    rows: list

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __iter__(self):
        return iter(self.rows)


def build_archive(tables: dict[str, Any], files: dict[str, bytes], meta: dict, *,
                  payload_format: int = PAYLOAD_FORMAT) -> bytes:
    """The payload as a gzip-compressed ustar archive with a fixed member order and neutral metadata."""
    names = list(tables)
    shas = sorted(files)
    members: list[tuple[str, bytes]] = [(MEMBER_META, _json_bytes(meta))]
    members += [_table_member(t, tables[t], payload_format) for t in names]
    members += [(f"files/{h}", files[h]) for h in shas]
    manifest = {"format": payload_format, "tables": names, "files": shas,
                "members": [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                            for n, d in members]}
    members.insert(0, (MEMBER_MANIFEST, _json_bytes(manifest)))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            info.type = tarfile.REGTYPE
            tf.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), compresslevel=6, mtime=0)


def seal(archive: bytes, header: BundleHeader, *, secret_key: minisign.SecretKey, recipients: list[str]) -> bytes:
    """Encrypt `archive` to the recipients and put the signature with `header` in front: the bundle file's bytes.

    Exposed so tests can wrap arbitrary (even malicious) archive bytes with real keys."""
    try:
        rcpts = [pyrage.x25519.Recipient.from_str(r) for r in recipients]
    except pyrage.RecipientError as e:
        raise BundleRefused(_("an encryption recipient is invalid: {e}", e=e)) from None
    ciphertext = pyrage.encrypt(archive, rcpts)
    untrusted = f"station-app bundle {header.station_code} {header.kind} {header.number}"
    sig = secret_key.sign(ciphertext, untrusted_comment=untrusted, trusted_comment=header.to_comment())
    return bytes(sig) + b"\n" + ciphertext


def write_bundle(db: StationDB, *, kind: str, number: int, epoch: int, counter_from: int, counter_to: int,
                 prev_sha256: str | None, payload: Any, out_dir: Path, recipients: list[str]) -> Path:
    """Write one bundle atomically (temp file, fsync, rename), then read it back and verify its signature."""
    return write_bundle_file(db, kind=kind, number=number, epoch=epoch, counter_from=counter_from,
                             counter_to=counter_to, prev_sha256=prev_sha256, payload=payload, out_dir=out_dir,
                             recipients=recipients)[0]


def write_bundle_file(db: StationDB, *, kind: str, number: int, epoch: int, counter_from: int, counter_to: int,
                      prev_sha256: str | None, payload: Any, out_dir: Path,
                      recipients: list[str], before_write: Callable[[], None] | None = None
                      ) -> tuple[Path, str, BundleHeader]:
    """write_bundle, returning (path, bundle id of the file on disk, header). `before_write` runs last before the
    file is written (a cancel check: raising there leaves no file)."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not recipients:
        raise BundleRefused(_("no recipient: trust the township card first"))
    station = db.station()
    key = identity.own_key(db)
    header = BundleHeader(format=FORMAT, kind=kind, station_id=station.id, station_code=station.code, number=number,
                          epoch=epoch, counter_from=counter_from, counter_to=counter_to, prev_sha256=prev_sha256,
                          created_at=utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), key_id=key.key_id)
    archive_bytes = build_archive(payload.tables, payload.files, payload.meta)
    sk = identity.load_signing_key(db)
    try:
        data = seal(archive_bytes, header, secret_key=sk, recipients=recipients)
    finally:
        sk.wipe()
    if len(data) > LIMITS.bundle_bytes:
        raise BundleRefused(_("the bundle is too large ({value} MiB, limit {value2} MiB): export smaller ranges (--from)", value=len(data) // 2 ** 20, value2=LIMITS.bundle_bytes // 2 ** 20))
    out = Path(out_dir) / bundle_file_name(station.code, kind, number)
    if before_write is not None:
        before_write()
    write_atomic(out, data)
    # Read back what is on disk and check its signature, as the township will.
    disk = out.read_bytes()
    sig, body = _split(disk)
    minisign.PublicKey.from_base64(key.minisign_public).verify(body, sig)
    return out, bundle_id(sig.trusted_comment, body), header


# -- reading -----------------------------------------------------------------------------------------------------

def _refuse(message: str, *, fork: bool = False) -> BundleRefused:
    return BundleRefused(message, fork=fork)


def _split(data: bytes) -> tuple[minisign.Signature, bytes]:
    """The signature (first four lines) and the signed body (the rest). Parses nothing else."""
    pos = 0
    for _unused in range(4):
        nl = data.find(b"\n", pos, SIG_LINES_MAX)
        if nl < 0:
            raise _refuse(_("the bundle has no signature or an incomplete one (truncated file, or not a bundle)"))
        pos = nl + 1
    if not data.startswith(UNTRUSTED_PREFIX.encode()):
        raise _refuse(_("the bundle has no signature (the file does not start with a minisign signature)"))
    try:
        sig = minisign.Signature.from_bytes(data[:pos])
    except (minisign.Error, ValueError):
        raise _refuse(_("the bundle's signature is damaged (cannot be read)")) from None
    return sig, data[pos:]


def _read_capped(path: Path) -> bytes:
    cap = LIMITS.bundle_bytes
    try:
        f = open_regular(path)
    except FileNotFoundError:
        raise _refuse(_("no such file: {path}", path=path)) from None
    except OSError as e:
        raise _refuse(pgettext("station_app.sync.bundle", "cannot read {path}: {strerror}", path=path, strerror=e.strerror)) from None
    if f is None:
        raise _refuse(_("{path} is not a regular file (a device, pipe or folder); not read", path=path))
    with f:
        size = os.fstat(f.fileno()).st_size
        if size > cap:
            raise _refuse(_("the bundle is too large ({value} MiB, limit {value2} MiB); not read", value=size // 2 ** 20, value2=cap // 2 ** 20))
        data = f.read(cap + 1)
    if len(data) > cap:  # grew while we looked
        raise _refuse(_("the bundle is too large (limit {value} MiB); not read", value=cap // 2 ** 20))
    return data


@dataclass(frozen=True)
class Signer:
    role: str  # "station" | "township" | "self"
    station_id: str
    station_code: str
    key_id: str


def verify_bundle_bytes(db: StationDB, data: bytes) -> tuple[BundleHeader, bytes, Signer]:
    """Signature first: find the key by the signature's key id among the keys this installation trusts, refuse
    unknown and revoked keys, verify, and only then parse the (now authenticated) header."""
    sig, body = _split(data)
    kid = identity.signature_key_id(sig)
    with db.read() as s:
        rev = identity.find_revocation(s, kid)
        trusted = identity.find_trusted(s, kid)
        own = s.execute(select(OwnKey).where(OwnKey.key_id == kid)).scalar_one_or_none()
    if rev is not None:
        raise _refuse(_("the bundle is signed with key {kid} ({station_code}), revoked on {revoked_at:%Y-%m-%d} ({reason}); refused", kid=kid, station_code=rev.station_code, revoked_at=rev.revoked_at, reason=rev.reason))
    if trusted is None:
        if own is not None:
            raise _refuse(_("this bundle was exported by this installation itself"))
        raise _refuse(_("the bundle is signed with an unknown key {kid} (an unknown station, or its card is not enrolled)", kid=kid))
    if trusted.superseded_at is not None:
        # A key rotated out signs nothing: its holder may be a thief or an old disk image (issue 7, item 7).
        raise _refuse(_("the bundle is signed with key {kid} ({station_code}), rotated out on {superseded_at:%Y-%m-%d} (replaced by {superseded_by}); a key rotated out signs nothing: have it exported again with the new key", kid=kid, station_code=trusted.station_code, superseded_at=trusted.superseded_at, superseded_by=trusted.superseded_by))
    try:
        minisign.PublicKey.from_base64(trusted.minisign_public).verify(body, sig)
    except minisign.Error:
        raise _refuse(_("the bundle's signature does not verify: the file was altered or damaged (copy it again)")) from None
    header = BundleHeader.from_comment(sig.trusted_comment)
    if header.key_id != kid or header.station_id != trusted.station_id or header.station_code != trusted.station_code:
        raise _refuse(_("the bundle claims station {station_code} but its key is enrolled for {station_code2}", station_code=header.station_code, station_code2=trusted.station_code))
    return header, body, Signer(trusted.role, trusted.station_id, trusted.station_code, kid)


def _check_kind(db: StationDB, header: BundleHeader, signer: Signer) -> None:
    here_township = db.station().kind == StationKind.CENTRE.value
    if signer.role == identity.ROLE_STATION:
        ok = here_township and header.kind == "changes"
    else:
        ok = (not here_township) and header.kind in ("reference", "restore")
    if not ok:
        raise _refuse(_("this installation does not take this kind of bundle ({kind} from {station_code})", kind=header.kind, station_code=header.station_code))


def decrypt(db: StationDB, body: bytes) -> bytes:
    identities = identity.age_identities(db)
    try:
        return pyrage.decrypt(body, identities)
    except pyrage.DecryptError as e:
        text = str(e).lower()
        if "no matching keys" in text or "no identity matched" in text:
            raise _refuse(_("the bundle is not encrypted to this installation (meant for another township?)")) from None
        raise _refuse(_("the bundle's ciphertext is damaged or truncated")) from None


gunzip_capped = archive.gunzip_capped
_loads = archive.loads


def open_bundle(db: StationDB, path: Path) -> OpenedBundle:
    """Check and open one bundle file; raise BundleRefused with a plain-language reason for any bad input.

    Order: size cap; signature against the enrolled/trusted key (nothing else parsed before); revoked keys
    refused; header consistent with the key; decrypt in memory. The archive is then read as a stream
    (sync.archive, sync.payload.read_archive_stream): a changes bundle by the merge, chunk by chunk into its
    staging tables; a reference or restore bundle here, whole (they are small), checked before it is returned.
    Memory: the file and its ciphertext (twice the file size at most), then only chunks of the plaintext."""
    from station_app.sync.payload import StreamedPayload

    path = Path(path)
    data = _read_capped(path)
    file_sha = hashlib.sha256(data).hexdigest()
    header, body, signer = verify_bundle_bytes(db, data)
    del data
    _check_kind(db, header, signer)
    ident = bundle_id(header.to_comment(), body)
    compressed = decrypt(db, body)
    del body
    counter_range = (header.counter_from, header.counter_to) if header.kind == "changes" else None
    payload: Any = StreamedPayload(compressed, LIMITS, kind=header.kind, signer_station_id=header.station_id,
                                   counter_range=counter_range)
    if header.kind != "changes":
        payload = payload.whole()
    return OpenedBundle(path=path, sha256=ident, header=header, payload=payload, file_sha256=file_sha)


def check_signature(db: StationDB, path: Path) -> tuple[str, BundleHeader]:
    """Only the cheap part of open_bundle: size cap, signature, header. Returns (bundle id, header)."""
    data = _read_capped(Path(path))
    header, body, signer = verify_bundle_bytes(db, data)
    _check_kind(db, header, signer)
    return bundle_id(header.to_comment(), body), header


def check_own_file(db: StationDB, path: Path, *, kind: str, number: int) -> str | None:
    """The bundle id of `path` if it is a complete bundle this installation signed with that kind and number, else
    None (used to settle an export that was interrupted)."""
    try:
        data = _read_capped(Path(path))
        sig, body = _split(data)
    except BundleRefused:
        return None
    kid = identity.signature_key_id(sig)
    with db.read() as s:
        own = s.execute(select(OwnKey).where(OwnKey.key_id == kid)).scalar_one_or_none()
    if own is None:
        return None
    try:
        minisign.PublicKey.from_base64(own.minisign_public).verify(body, sig)
        header = BundleHeader.from_comment(sig.trusted_comment)
    except (minisign.Error, BundleRefused):
        return None
    if header.kind != kind or header.number != number or header.station_id != db.station_id:
        return None
    return bundle_id(sig.trusted_comment, body)
