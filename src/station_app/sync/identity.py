"""Who an installation is, cryptographically: its keys, its public card, and whom it trusts.

Every installation (village station and township) makes at `init`:
- a minisign (Ed25519) signing key (py-minisign), and
- an age X25519 identity (pyrage) that others encrypt to.
Both live as files under `paths.keys` with owner-only permissions, optionally protected by a passphrase
(STATION_APP_PASSPHRASE, or a prompt): the minisign secret key uses minisign's own scrypt encryption, the age
identity is wrapped in a passphrase-encrypted age file (which the `age` tool reads with `-i` too).

The public card (JSON) carries the public halves and a fingerprint people read to each other over the phone before
trusting a card. A station trusts one township card; the township enrolls station cards. A key is rotated with a
statement signed by the old and the new key, which the other side accepts with `enroll` of that statement file.
The township revokes a lost PC's key; every bundle signed with it is refused from then on.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import minisign
import pyrage
from sqlalchemy import select

from station_app.core import validators
from station_app.core.codes import StationKind
from station_app.core.errors import StateError, StationError, ValidationError
from station_app.core.i18n import _, pgettext
from station_app.store.atomic import write_atomic
from station_app.store.private import private_dir
from station_app.store.regular import read_regular
from station_app.store.keys_models import KeyRevocation, KeyRotation, OwnKey, TrustedKey
from station_app.store.models import utcnow
from station_app.store.stationdb import StationDB

log = logging.getLogger(__name__)

ENV_PASSPHRASE = "STATION_APP_PASSPHRASE"
CARD_FORMAT = "station-app-card/1"
ROTATION_FORMAT = "station-app-rotation/1"
CARD_MAX_BYTES = 64 * 1024
ROLE_TOWNSHIP = "township"
ROLE_STATION = "station"

SIGNING_KEY = "minisign.key"
SIGNING_PUB = "minisign.pub"
AGE_KEY = "age.key"
CARD_FILE = "card.json"
RETIRED = "retired"
_AGE_ENCRYPTED_MAGIC = b"age-encryption.org/v1"

_KEY_ID_RE = re.compile(r"^[0-9A-F]{16}$")
_AGE_RECIPIENT_RE = re.compile(r"^age1[02-9ac-hj-np-z]{58}$")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_FINGERPRINT_RE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$")
_CARD_KEYS = ("format", "station_id", "code", "name", "kind", "minisign_public_key", "key_id", "age_recipient",
              "escrow_recipient", "fingerprint", "created_at")
#: Optional card fields (absent from cards of release 0.1.0 and from cards without an escrow kit).
_CARD_OPTIONAL = ("escrow_signing_key",)


from station_app.sync.keyring import IdentityError, keyring_for  # noqa: E402  (IdentityError is defined there)


# -- small helpers -----------------------------------------------------------------------------------------------

def key_id_of(public_key: minisign.PublicKey) -> str:
    """The key id as the `minisign` tool prints it (little-endian 64-bit number in hex), so people can compare."""
    return public_key._keynum_pk.key_id[::-1].hex().upper()


def signature_key_id(sig: minisign.Signature) -> str:
    return sig._key_id[::-1].hex().upper()


def public_key_b64(public_key: minisign.PublicKey) -> str:
    return public_key.to_base64().decode("ascii")


def public_key_file_text(public_key: minisign.PublicKey) -> str:
    """What `minisign -G` writes as the .pub file (so `minisign -V -p FILE` reads it)."""
    return f"untrusted comment: minisign public key {key_id_of(public_key)}\n{public_key_b64(public_key)}\n"


def fingerprint(station_id: str, code: str, minisign_public: str, age_recipient: str,
                escrow_recipient: str | None = None, escrow_signing_key: str | None = None) -> str:
    """20 base32 characters in groups of 4 over sha256 of who the card names and every key in it (100 bits).

    The escrow recipient is covered too: a card altered on the way could otherwise make stations encrypt to a
    stranger."""
    parts = ["station-app card fingerprint v1", station_id, code, minisign_public, age_recipient,
             escrow_recipient or ""]
    if escrow_signing_key:  # the escrow kit's signing key (sync/escrow.py); absent: the 0.1.0 fingerprint
        parts.append(escrow_signing_key)
    h = hashlib.sha256("\n".join(parts).encode("ascii")).digest()
    b32 = base64.b32encode(h).decode("ascii")[:20]
    return "-".join(b32[i:i + 4] for i in range(0, 20, 4))


def _chmod_private(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
    except OSError:  # Windows: the user profile's ACL already restricts it
        pass


def get_passphrase(*, purpose: str, confirm: bool = False, required: bool = True) -> str | None:
    """The key passphrase from STATION_APP_PASSPHRASE, else a prompt when a person is at the keyboard.
    (Kept for scripts; the app asks through the key ring's passphrase provider, see sync/keyring.py.)"""
    from station_app.sync.keyring import from_environment, terminal_prompt

    env = from_environment(purpose)
    if env or not required:
        return env  # a scripted value needs no confirmation
    value = terminal_prompt(purpose)
    if confirm and value and getpass.getpass(_("Repeat passphrase: ")) != value:
        raise IdentityError(_("the two passphrases differ"))
    return value


# -- own keys ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyFiles:
    signing_key: Path
    signing_pub: Path
    age_key: Path

    @classmethod
    def current(cls, keys_dir: Path) -> "KeyFiles":
        return cls(keys_dir / SIGNING_KEY, keys_dir / SIGNING_PUB, keys_dir / AGE_KEY)

    @classmethod
    def retired(cls, keys_dir: Path, key_id: str) -> "KeyFiles":
        d = keys_dir / RETIRED
        return cls(d / f"{key_id}-{SIGNING_KEY}", d / f"{key_id}-{SIGNING_PUB}", d / f"{key_id}-{AGE_KEY}")


def _make_key_material(passphrase: str | None) -> tuple[minisign.KeyPair, bytes, bytes, pyrage.x25519.Identity]:
    """A fresh minisign key pair and age identity; returns (pair, secret key file bytes, age file bytes, identity)."""
    pair = minisign.KeyPair.generate()
    identity = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    age_text = (f"# created: {utcnow().isoformat(timespec='seconds')}Z\n# public key: {recipient}\n"
                f"{identity}\n").encode("ascii")
    sk = minisign.SecretKey.from_bytes(bytes(pair.secret_key))  # a copy we may encrypt
    if passphrase:
        sk.encrypt(passphrase)
        sk.untrusted_comment = None  # so the file says "minisign encrypted secret key"
        age_bytes = pyrage.passphrase.encrypt(age_text, passphrase, armored=True)
    else:
        age_bytes = age_text
    sk_bytes = bytes(sk) + b"\n"
    sk.wipe()
    return pair, sk_bytes, age_bytes, identity


def _write_key_files(files: KeyFiles, pair: minisign.KeyPair, sk_bytes: bytes, age_bytes: bytes) -> None:
    private_dir(files.signing_key.parent)
    write_atomic(files.signing_key, sk_bytes, mode=0o600)
    write_atomic(files.age_key, age_bytes, mode=0o600)
    write_atomic(files.signing_pub, public_key_file_text(pair.public_key).encode("ascii"), mode=0o600)


def generate_keys(db: StationDB, *, passphrase: str | None = None) -> OwnKey:
    """Make this installation's first keys (at init). Refuses when keys exist already: they are never replaced
    silently (use `rotate`)."""
    keys_dir = db.paths.keys
    files = KeyFiles.current(keys_dir)
    with db.read() as s:
        existing = s.execute(select(OwnKey).where(OwnKey.retired_at.is_(None))).scalar_one_or_none()
    if existing is not None or files.signing_key.exists():
        raise StateError(_("this installation already has keys; use identity rotate to replace them"))
    pair, sk_bytes, age_bytes, identity = _make_key_material(passphrase)
    station = db.station()
    row = OwnKey(key_id=key_id_of(pair.public_key), minisign_public=public_key_b64(pair.public_key),
                 age_recipient=str(identity.to_public()),
                 fingerprint=fingerprint(station.id, station.code, public_key_b64(pair.public_key),
                                         str(identity.to_public())),
                 created_at=utcnow())
    _write_key_files(files, pair, sk_bytes, age_bytes)
    with db.raw_write() as s:
        s.add(row)
    write_card_file(db)
    log.info("generated keys %s for %s", row.key_id, station.code)
    return row


def own_key(db: StationDB) -> OwnKey:
    with db.read() as s:
        row = s.execute(select(OwnKey).where(OwnKey.retired_at.is_(None))).scalar_one_or_none()
    if row is None:
        raise StateError(_("this installation has no keys yet (was init completed?)"))
    return row


def _read_key_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise IdentityError(_("key file missing: {path}", path=path)) from None


def _decrypted_signing_key(data: bytes, passphrase: str) -> minisign.SecretKey:
    sk = minisign.SecretKey.from_bytes(data)
    sk.decrypt(passphrase)
    return sk


def load_signing_key(db: StationDB, *, files: KeyFiles | None = None) -> minisign.SecretKey:
    """The (decrypted) minisign secret key; asks the key ring's passphrase provider when the file is protected."""
    files = files or KeyFiles.current(db.paths.keys)
    data = _read_key_file(files.signing_key)
    sk = minisign.SecretKey.from_bytes(data)
    if sk.is_encrypted():
        return keyring_for(db).try_passphrases(_("using the signing key"),
                                                lambda pw: _decrypted_signing_key(data, pw), minisign.Error)
    return sk


def _is_age_encrypted(data: bytes) -> bool:
    return data.lstrip().startswith(b"-----BEGIN AGE ENCRYPTED FILE-----") or data.startswith(_AGE_ENCRYPTED_MAGIC)


def _load_age_identity(db: StationDB, path: Path) -> pyrage.x25519.Identity:
    ring = keyring_for(db)
    cache_key = (str(path), path.stat().st_mtime)
    cached = ring.identity(cache_key)
    if cached is not None:
        return cached
    data = _read_key_file(path)
    if _is_age_encrypted(data):
        data = ring.try_passphrases(_("decrypting bundles"),
                                    lambda pw: pyrage.passphrase.decrypt(data, pw), pyrage.DecryptError)
    lines = [ln.strip() for ln in data.decode("ascii", "replace").splitlines()
             if ln.strip() and not ln.startswith("#")]
    if len(lines) != 1:
        raise IdentityError(_("the age key file is malformed: {path}", path=path))
    identity = pyrage.x25519.Identity.from_str(lines[0])
    ring.keep_identity(cache_key, identity)
    return identity


def age_identities(db: StationDB) -> list[pyrage.x25519.Identity]:
    """Every age identity this installation holds: the current one and those rotated out (bundles in flight)."""
    out = [_load_age_identity(db, KeyFiles.current(db.paths.keys).age_key)]
    retired = db.paths.keys / RETIRED
    if retired.is_dir():
        for p in sorted(retired.glob(f"*-{AGE_KEY}")):
            out.append(_load_age_identity(db, p))
    return out


# -- cards -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Card:
    format: str
    station_id: str
    code: str
    name: str
    kind: str
    minisign_public_key: str
    key_id: str
    age_recipient: str
    escrow_recipient: str | None
    fingerprint: str
    created_at: str
    #: The township's escrow kit signing key (minisign public key): it alone may replace a stolen township key.
    escrow_signing_key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["escrow_signing_key"] is None:
            del d["escrow_signing_key"]  # so a card without a kit reads as before (release 0.1.0)
        return d

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    @property
    def public_key(self) -> minisign.PublicKey:
        return minisign.PublicKey.from_base64(self.minisign_public_key)


def build_card(db: StationDB) -> Card:
    key = own_key(db)
    station = db.station()
    return Card(format=CARD_FORMAT, station_id=station.id, code=station.code, name=station.name, kind=station.kind,
                minisign_public_key=key.minisign_public, key_id=key.key_id, age_recipient=key.age_recipient,
                escrow_recipient=key.escrow_recipient, fingerprint=key.fingerprint,
                escrow_signing_key=key.escrow_minisign_public,
                created_at=key.created_at.isoformat(timespec="seconds") + "Z")


def write_card_file(db: StationDB) -> Path:
    """Keep an up-to-date copy of this installation's card under keys/ (what `identity export` hands out)."""
    path = db.paths.keys / CARD_FILE
    write_atomic(path, build_card(db).to_json().encode("utf-8"), mode=0o600)
    return path


def export_card(db: StationDB, out: Path) -> Path:
    out = Path(out)
    if out.is_dir():
        out = out / f"{db.station().code}-card.json"
    write_atomic(out, build_card(db).to_json().encode("utf-8"))
    return out


def _card_problem(source: str, field: str, problem: str) -> IdentityError:
    return IdentityError(_("card {source}, {field}: {problem}", source=source, field=field, problem=problem))


def parse_card(data: bytes | str | dict, source: str = "card") -> Card:
    """Strictly check a card: exact fields, types, formats, and that the fingerprint matches its keys."""
    if isinstance(data, dict):
        obj: Any = data
    else:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > CARD_MAX_BYTES:
            raise IdentityError(_("card {source} is too large (not a card?)", source=source))
        try:
            obj = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
        except (UnicodeDecodeError, ValueError) as e:
            raise IdentityError(_("card {source} is not valid JSON: {e}", source=source, e=e)) from None
    if not isinstance(obj, dict):
        raise IdentityError(_("card {source} is not a JSON object", source=source))
    if obj.get("format") != CARD_FORMAT:
        raise _card_problem(source, "format", _("not a station-app card (expected {card_format})", card_format=CARD_FORMAT))
    missing = [k for k in _CARD_KEYS if k not in obj]
    extra = [k for k in obj if k not in _CARD_KEYS and k not in _CARD_OPTIONAL]
    if missing:
        raise _card_problem(source, ", ".join(missing), pgettext("station_app.sync.identity", "missing"))
    if extra:
        raise _card_problem(source, ", ".join(extra), _("unknown field"))
    for k in _CARD_KEYS:
        v = obj[k]
        if k == "escrow_recipient" and v is None:
            continue
        if not isinstance(v, str):
            raise _card_problem(source, k, _("must be a string"))
    if not _UUID_RE.match(obj["station_id"]):
        raise _card_problem(source, "station_id", _("not a valid station id"))
    try:
        code = validators.station_code(obj["code"])
    except ValidationError as e:
        raise _card_problem(source, "code", str(e)) from None
    if code != obj["code"]:
        raise _card_problem(source, "code", _("must be upper case"))
    if not obj["name"].strip() or len(obj["name"]) > 100:
        raise _card_problem(source, "name", _("empty or too long"))
    if obj["kind"] not in StationKind.values():
        raise _card_problem(source, "kind", _("must be one of {join}", join='/'.join(StationKind.values())))
    try:
        pk = minisign.PublicKey.from_base64(obj["minisign_public_key"])
    except minisign.Error:
        raise _card_problem(source, "minisign_public_key", _("not a minisign public key")) from None
    if not _KEY_ID_RE.match(obj["key_id"]) or key_id_of(pk) != obj["key_id"]:
        raise _card_problem(source, "key_id", _("does not match the public key"))
    esk = obj.get("escrow_signing_key")
    if esk is not None:
        try:
            if not isinstance(esk, str):
                raise ValueError
            minisign.PublicKey.from_base64(esk)
        except (ValueError, minisign.Error):
            raise _card_problem(source, "escrow_signing_key", _("not a minisign public key")) from None
    for k in ("age_recipient", "escrow_recipient"):
        v = obj[k]
        if v is None:
            continue
        if not _AGE_RECIPIENT_RE.match(v):
            raise _card_problem(source, k, _("not an age recipient"))
        try:
            pyrage.x25519.Recipient.from_str(v)
        except pyrage.RecipientError:
            raise _card_problem(source, k, _("not an age recipient")) from None
    try:
        datetime.fromisoformat(obj["created_at"].removesuffix("Z"))
    except ValueError:
        raise _card_problem(source, "created_at", _("bad date-time")) from None
    expected = fingerprint(obj["station_id"], obj["code"], obj["minisign_public_key"], obj["age_recipient"],
                           obj["escrow_recipient"], esk)
    if obj["fingerprint"] != expected:
        raise _card_problem(source, "fingerprint", _("does not match the card's keys (was the card altered?)"))
    return Card(**{k: obj[k] for k in _CARD_KEYS}, escrow_signing_key=esk)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def load_card(path: Path | str) -> Card:
    path = Path(path)
    return parse_card(_read_outside_file(path, CARD_MAX_BYTES, _("card file")), path.name)


def _read_outside_file(path: Path, cap: int, what: str) -> bytes:
    """A small file from outside: a regular file only (never a device or pipe), at most `cap` bytes."""
    try:
        data = read_regular(path, cap)
    except FileNotFoundError:
        raise IdentityError(_("no such {what}: {path}", what=what, path=path)) from None
    except OSError as e:
        raise IdentityError(_("cannot read {path}: {strerror}", path=path, strerror=e.strerror)) from None
    if data is None:
        raise IdentityError(_("{path} is not a regular file (a device, pipe or folder)", path=path))
    if len(data) > cap:
        raise IdentityError(_("{name} is too large (not a card or statement?)", name=path.name))
    return data


# -- trust -------------------------------------------------------------------------------------------------------

def _trusted_from_card(card: Card, role: str, *, station_id: str | None = None) -> TrustedKey:
    return TrustedKey(role=role, station_id=station_id or card.station_id, station_code=card.code,
                      station_name=card.name, key_id=card.key_id, minisign_public=card.minisign_public_key,
                      age_recipient=card.age_recipient, escrow_recipient=card.escrow_recipient,
                      escrow_minisign_public=card.escrow_signing_key,
                      fingerprint=card.fingerprint, card=card.to_json(), enrolled_at=utcnow())


def _is_township(db: StationDB) -> bool:
    return db.station().kind == StationKind.CENTRE.value


def _check_not_revoked(s, key_id: str) -> None:
    rev = s.execute(select(KeyRevocation).where(KeyRevocation.key_id == key_id)).scalar_one_or_none()
    if rev is not None:
        raise IdentityError(_("key {key_id} was revoked on {revoked_at:%Y-%m-%d} ({reason}); it cannot be used", key_id=key_id, revoked_at=rev.revoked_at, reason=rev.reason))


def trust_township(db: StationDB, card: Card | Path | str) -> dict[str, Any]:
    """At a village station: trust this township card (bundles are encrypted to it; its bundles are verified
    with it). The same card again is a no-op; a different township key only comes through rotation."""
    if not isinstance(card, Card):
        card = load_card(card)
    if _is_township(db):
        raise IdentityError(_("the township does not trust a township card"))
    if card.kind != StationKind.CENTRE.value:
        raise IdentityError(_("card {code} is a village station's, not the township's", code=card.code))
    with db.raw_write() as s:
        _check_not_revoked(s, card.key_id)
        current = s.execute(select(TrustedKey).where(TrustedKey.role == ROLE_TOWNSHIP,
                                                     TrustedKey.superseded_at.is_(None))
                            .order_by(TrustedKey.id.desc()).limit(1)).scalar_one_or_none()
        if current is not None:
            if current.key_id == card.key_id and current.station_id == card.station_id \
                    and current.fingerprint == card.fingerprint:
                return _trust_info(current, "already")
            raise IdentityError(_("this station already trusts township {station_code} (fingerprint {fingerprint}); a new township key is only accepted through a rotation statement", station_code=current.station_code, fingerprint=current.fingerprint))
        row = _trusted_from_card(card, ROLE_TOWNSHIP)
        s.add(row)
    log.info("trusting township %s key %s", card.code, card.key_id)
    return _trust_info(row, "trusted")


def _trust_info(row: TrustedKey, status: str) -> dict[str, Any]:
    return {"status": status, "role": row.role, "station_id": row.station_id, "code": row.station_code,
            "name": row.station_name, "key_id": row.key_id, "fingerprint": row.fingerprint}


def township_key(db) -> TrustedKey | None:
    """The township key in force: not rotated out, not revoked (the newest, should a damaged log hold two)."""
    with db.read() as s:
        revoked = select(KeyRevocation.key_id)
        return s.execute(select(TrustedKey).where(TrustedKey.role == ROLE_TOWNSHIP,
                                                  TrustedKey.superseded_at.is_(None),
                                                  TrustedKey.key_id.not_in(revoked))
                         .order_by(TrustedKey.enrolled_at.desc(), TrustedKey.id.desc()).limit(1)).scalar_one_or_none()


def enroll(db: StationDB, card_path: Path | str) -> dict[str, Any]:
    """Accept a file from another installation: at the township a station card (enroll), at a station the township
    card (trust); at either a rotation statement of a key already trusted. Returns what happened (JSON-able)."""
    path = Path(card_path)
    data = _read_outside_file(path, CARD_MAX_BYTES * 4, _("file"))
    try:
        head = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        head = None
    if isinstance(head, dict) and head.get("format") == ROTATION_FORMAT:
        return accept_rotation(db, data, path.name)
    from station_app.sync import escrow

    if isinstance(head, dict) and head.get("format") == escrow.REPLACEMENT_FORMAT:
        return escrow.accept_replacement(db, data, path.name)
    card = parse_card(data, path.name)
    if not _is_township(db):
        return trust_township(db, card)
    return enroll_station(db, card)


def enroll_station(db: StationDB, card: Card) -> dict[str, Any]:
    """At the township: trust a village station's card. The same card twice is a no-op; a station (id or code)
    already enrolled with another key is refused (a new key comes by rotation, or by restore)."""
    if card.kind != StationKind.VILLAGE.value:
        raise IdentityError(_("card {code} is not a village station's card", code=card.code))
    if card.station_id == db.station_id:
        raise IdentityError(_("this is this installation's own card"))
    if card.code == db.station().code:
        raise IdentityError(_("the card's code {code} is the township's own code; it cannot be a village station", code=card.code))
    with db.raw_write() as s:
        _check_not_revoked(s, card.key_id)
        same_key = s.execute(select(TrustedKey).where(TrustedKey.key_id == card.key_id)).scalar_one_or_none()
        if same_key is not None:
            if (same_key.station_id, same_key.station_code) == (card.station_id, card.code) \
                    and same_key.minisign_public == card.minisign_public_key \
                    and same_key.age_recipient == card.age_recipient:
                return _trust_info(same_key, "already")
            raise IdentityError(_("key {key_id} is already enrolled for {station_code}; the card does not match", key_id=card.key_id, station_code=same_key.station_code))
        clash = s.execute(select(TrustedKey).where(
            TrustedKey.role == ROLE_STATION,
            (TrustedKey.station_id == card.station_id) | (TrustedKey.station_code == card.code))).scalars().first()
        if clash is not None:
            raise IdentityError(_("station {station_code} is already enrolled with another key ({key_id}, fingerprint {fingerprint}); a new key needs the station's rotation statement, or revocation and restore", station_code=clash.station_code, key_id=clash.key_id, fingerprint=clash.fingerprint))
        row = _trusted_from_card(card, ROLE_STATION)
        s.add(row)
    log.info("enrolled station %s key %s", card.code, card.key_id)
    return _trust_info(row, "enrolled")


def check_replacement_card(db, card: Card, station_code: str) -> TrustedKey:
    """Refuse, with the reason, any card that is not a new installation's card for that enrolled station: the
    township's own card, a card of another code or kind, a card whose key is already enrolled (the station's old
    card) or revoked. Returns the station's enrolled key row. Nothing is written."""
    code = validators.station_code(station_code)
    with db.read() as s:
        own = s.execute(select(OwnKey.key_id).where(OwnKey.key_id == card.key_id)).first()
        if card.station_id == db.station_id or own is not None:
            raise IdentityError(_("card {code} is the township's own card, not the card of station {code2}'s new PC", code=card.code, code2=code))
        if card.kind != StationKind.VILLAGE.value:
            raise IdentityError(_("card {code} is not a village station's card", code=card.code))
        if card.code != code:
            raise IdentityError(_("the card is for station {code}, not {code2} (initialise the new PC with code {code2})", code=card.code, code2=code))
        _check_not_revoked(s, card.key_id)
        known = find_trusted(s, card.key_id)
        if known is not None:
            raise IdentityError(_("the card's key {key_id} is already enrolled ({station_code}): this is the old PC's card; a restore needs the new PC's card (run station-app identity export on the new PC)", key_id=card.key_id, station_code=known.station_code))
        old = s.execute(select(TrustedKey).where(TrustedKey.role == ROLE_STATION,
                                                 TrustedKey.station_code == code)
                        .order_by(TrustedKey.id)).scalars().first()
    if old is None:
        raise IdentityError(_("station {code} is not enrolled", code=code))
    return old


def enroll_replacement(db, card: Card | Path | str, station_code: str, *, reason: str, actor: str) -> dict[str, Any]:
    """At the township, for a restore: enroll the new installation's card for an enrolled station whose PC was
    replaced, under the station's existing id (the restore hands that id to the new installation), and revoke every
    other key of that station (the old PC may be in anyone's hands). The result's "revoked" lists the key ids
    newly revoked. Call it only once the restore bundle is written (nothing is revoked for a failed export)."""
    if not isinstance(card, Card):
        card = load_card(card)
    old = check_replacement_card(db, card, station_code)
    info = enroll_card(db, card.as_dict(), replace_station=old.station_id)
    info["revoked"] = revoke_station_keys(db, old.station_id, except_key_id=card.key_id, reason=reason, actor=actor)
    return info


def read_card(path: Path | str) -> dict[str, Any]:
    """A validated public card as a dict (for the restore export)."""
    return load_card(path).as_dict()


def enroll_card(db: StationDB, card: dict[str, Any] | Card, *, replace_station: str | None = None) -> dict[str, Any]:
    """Enroll a card at the township. With replace_station (an enrolled station id), the card's keys become that
    station's current keys whatever id and code the new installation's card names (a restore); the station's other
    keys are marked superseded (revoke them with revoke_station_keys)."""
    if not isinstance(card, Card):
        card = parse_card(card)
    if replace_station is None:
        return enroll_station(db, card)
    with db.raw_write() as s:
        _check_not_revoked(s, card.key_id)
        old = s.execute(select(TrustedKey).where(TrustedKey.role == ROLE_STATION,
                                                 TrustedKey.station_id == replace_station)).scalars().all()
        if not old:
            raise IdentityError(_("station {replace_station} is not enrolled", replace_station=replace_station))
        existing = find_trusted(s, card.key_id)
        if existing is not None:
            if existing.station_id == replace_station:
                return _trust_info(existing, "already")
            raise IdentityError(_("key {key_id} is already enrolled for {station_code}", key_id=card.key_id, station_code=existing.station_code))
        now = utcnow()
        for k in old:
            if k.superseded_at is None:
                k.superseded_at = now
                k.superseded_by = card.key_id
        row = _trusted_from_card(card, ROLE_STATION, station_id=replace_station)
        row.station_code = old[0].station_code
        row.station_name = old[0].station_name
        s.add(row)
    log.info("enrolled %s as the new key of station %s", card.key_id, row.station_code)
    return _trust_info(row, "enrolled")


def revoke_station_keys(db: StationDB, station_id: str, *, except_key_id: str | None = None, reason: str = "",
                        actor: str = "restore") -> list[str]:
    """Revoke every enrolled key of a station but one; returns the key ids newly revoked."""
    reason = reason or _("station PC replaced (restore)")
    out = []
    with db.raw_write() as s:
        keys = s.execute(select(TrustedKey).where(TrustedKey.role == ROLE_STATION,
                                                  TrustedKey.station_id == station_id)).scalars().all()
        for k in keys:
            if k.key_id == except_key_id or find_revocation(s, k.key_id) is not None:
                continue
            s.add(KeyRevocation(key_id=k.key_id, station_id=k.station_id, station_code=k.station_code,
                                reason=reason, revoked_at=utcnow(), revoked_by=actor))
            out.append(k.key_id)
    return out


def enrolled_stations(db: StationDB) -> list[TrustedKey]:
    with db.read() as s:
        return list(s.execute(select(TrustedKey).where(TrustedKey.role == ROLE_STATION)
                              .order_by(TrustedKey.station_code, TrustedKey.enrolled_at)).scalars())


def revocations(db: StationDB) -> list[KeyRevocation]:
    with db.read() as s:
        return list(s.execute(select(KeyRevocation).order_by(KeyRevocation.revoked_at)).scalars())


def find_trusted(s, key_id: str) -> TrustedKey | None:
    return s.execute(select(TrustedKey).where(TrustedKey.key_id == key_id)).scalar_one_or_none()


def find_revocation(s, key_id: str) -> KeyRevocation | None:
    return s.execute(select(KeyRevocation).where(KeyRevocation.key_id == key_id)).scalar_one_or_none()


def revoke(db: StationDB, target: str, *, reason: str, actor: str) -> list[dict[str, Any]]:
    """At the township: refuse from now on every bundle signed with a station's key (by station code: all its
    active keys; or by key id). Revoking twice is a no-op."""
    if not _is_township(db):
        raise StateError(_("only the township revokes station keys"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError.single(_("reason"), _("give a reason for the revocation"))
    t = target.strip().upper()
    with db.raw_write() as s:
        if _KEY_ID_RE.match(t):
            keys = s.execute(select(TrustedKey).where(TrustedKey.key_id == t,
                                                      TrustedKey.role == ROLE_STATION)).scalars().all()
        else:
            keys = s.execute(select(TrustedKey).where(TrustedKey.station_code == t,
                                                      TrustedKey.role == ROLE_STATION)).scalars().all()
        if not keys:
            raise IdentityError(_("no enrolled station or key: {target}", target=target))
        out = []
        for k in keys:
            rev = find_revocation(s, k.key_id)
            if rev is None:
                rev = KeyRevocation(key_id=k.key_id, station_id=k.station_id, station_code=k.station_code,
                                    reason=reason, revoked_at=utcnow(), revoked_by=actor)
                s.add(rev)
                status = "revoked"
            else:
                status = "already"
            out.append({"status": status, "code": k.station_code, "key_id": k.key_id, "reason": rev.reason})
    log.info("revoked %s: %s", target, reason)
    return out


def _protection_of(db: StationDB, files: KeyFiles) -> str | None:
    """The passphrase protecting the current keys (None when they are unprotected), proven by unlocking them."""
    encrypted = minisign.SecretKey.from_bytes(_read_key_file(files.signing_key)).is_encrypted()
    if not encrypted and not _is_age_encrypted(_read_key_file(files.age_key)):
        return None
    ring = keyring_for(db)
    if encrypted:
        load_signing_key(db, files=files).wipe()
    else:
        _load_age_identity(db, files.age_key)
    passphrase = ring.remembered_passphrase()
    if not passphrase:
        raise IdentityError(_("could not confirm the keys' passphrase; keys not replaced"))
    return passphrase


# -- rotation ----------------------------------------------------------------------------------------------------

def rotate(db: StationDB, out_dir: Path | None = None) -> dict[str, Any]:
    """Replace this installation's keys. Writes a rotation statement (the new card, signed by the old and the new
    key) that the other side accepts with `enroll`. Old keys move to keys/retired/ (bundles in flight still open)."""
    old = own_key(db)
    keys_dir = db.paths.keys
    cur = KeyFiles.current(keys_dir)
    old_sk = load_signing_key(db)
    # The new keys get the old keys' protection: the passphrase that just unlocked them (never silently none).
    passphrase = _protection_of(db, cur)
    pair, sk_bytes, age_bytes, identity = _make_key_material(passphrase)
    station = db.station()
    new_pub = public_key_b64(pair.public_key)
    new_card = Card(format=CARD_FORMAT, station_id=station.id, code=station.code, name=station.name,
                    kind=station.kind, minisign_public_key=new_pub, key_id=key_id_of(pair.public_key),
                    age_recipient=str(identity.to_public()), escrow_recipient=old.escrow_recipient,
                    fingerprint=fingerprint(station.id, station.code, new_pub, str(identity.to_public()),
                                            old.escrow_recipient, old.escrow_minisign_public),
                    escrow_signing_key=old.escrow_minisign_public,
                    created_at=utcnow().isoformat(timespec="seconds") + "Z")
    statement = json.dumps({"format": ROTATION_FORMAT, "station_id": station.id, "code": station.code,
                            "old_key_id": old.key_id, "new_card": new_card.as_dict(),
                            "created_at": new_card.created_at}, ensure_ascii=False, sort_keys=True)
    comment = f"station-app rotation station={station.code} old={old.key_id} new={new_card.key_id}"
    old_sig = old_sk.sign(statement.encode("utf-8"), trusted_comment=comment)
    new_sig = pair.secret_key.sign(statement.encode("utf-8"), trusted_comment=comment)
    old_sk.wipe()
    doc = {"format": ROTATION_FORMAT, "statement": statement, "old_signature": bytes(old_sig).decode("ascii"),
           "new_signature": bytes(new_sig).decode("ascii")}
    install_new_keys(db, old, pair, sk_bytes, age_bytes, new_card)
    out_dir = Path(out_dir) if out_dir else db.paths.exports
    stmt_path = out_dir / f"{station.code}-rotation-{new_card.key_id}.json"
    write_atomic(stmt_path, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    card_path = export_card(db, out_dir / f"{station.code}-card.json")
    log.info("rotated key %s -> %s; statement %s", old.key_id, new_card.key_id, stmt_path)
    return {"old_key_id": old.key_id, "key_id": new_card.key_id, "fingerprint": new_card.fingerprint,
            "statement": str(stmt_path), "card": str(card_path)}


def install_new_keys(db: StationDB, old: OwnKey, pair: minisign.KeyPair, sk_bytes: bytes, age_bytes: bytes,
                     new_card: Card) -> None:
    """Make `new_card`'s keys this installation's own: the current key files move to keys/retired/ (bundles in
    flight to the old age key still open), the new ones take their place, the key log follows."""
    keys_dir = db.paths.keys
    cur = KeyFiles.current(keys_dir)
    # Move the old keys aside first: if we stop half-way, both sets exist and nothing is lost.
    retired = KeyFiles.retired(keys_dir, old.key_id)
    private_dir(retired.signing_key.parent)
    for src, dst in ((cur.signing_key, retired.signing_key), (cur.signing_pub, retired.signing_pub),
                     (cur.age_key, retired.age_key)):
        if src.exists():  # (an escrow replacement may run where the stolen key files are gone)
            write_atomic(dst, src.read_bytes(), mode=0o600)
    _write_key_files(cur, pair, sk_bytes, age_bytes)
    now = utcnow()
    with db.raw_write() as s:
        row = s.get(OwnKey, old.id)
        row.retired_at = now
        s.add(OwnKey(key_id=new_card.key_id, minisign_public=new_card.minisign_public_key,
                     age_recipient=new_card.age_recipient, escrow_recipient=new_card.escrow_recipient,
                     escrow_minisign_public=new_card.escrow_signing_key, fingerprint=new_card.fingerprint,
                     created_at=now))
    write_card_file(db)


def accept_rotation(db: StationDB, data: bytes, source: str = "rotation") -> dict[str, Any]:
    """Accept a rotation statement: both signatures must verify, the old key must be one we trust and not revoked,
    and the new card must name the same station. The old key stays valid for bundles (it was not compromised)."""
    def bad(problem: str) -> IdentityError:
        return IdentityError(_("rotation statement {source}: {problem}", source=source, problem=problem))

    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
        if set(doc) != {"format", "statement", "old_signature", "new_signature"} or not all(
                isinstance(doc[k], str) for k in doc):
            raise ValueError("fields")
        stmt = json.loads(doc["statement"], object_pairs_hook=_no_duplicates)
        if set(stmt) != {"format", "station_id", "code", "old_key_id", "new_card", "created_at"}:
            raise ValueError("statement fields")
        old_sig = minisign.Signature.from_bytes(doc["old_signature"].encode("ascii"))
        new_sig = minisign.Signature.from_bytes(doc["new_signature"].encode("ascii"))
    except (UnicodeError, ValueError, minisign.Error):
        raise bad(_("malformed")) from None
    if stmt.get("format") != ROTATION_FORMAT:
        raise bad(_("malformed"))
    new_card = parse_card(stmt["new_card"], source)
    with db.read() as s:
        old = find_trusted(s, stmt["old_key_id"])
        if old is None:
            raise bad(_("the old key {old_key_id} is not one this installation trusts", old_key_id=stmt['old_key_id']))
        _check_not_revoked(s, old.key_id)
        if old.superseded_at is not None and old.superseded_by != new_card.key_id:
            # Only the current key rotates: whoever still holds a rotated-out key (a thief, an old disk image)
            # must not hand the station to a key of their own.
            raise bad(_("the old key {key_id} was rotated out on {superseded_at:%Y-%m-%d} (replaced by {superseded_by}); a key rotated out rotates nothing", key_id=old.key_id, superseded_at=old.superseded_at, superseded_by=old.superseded_by))
    if signature_key_id(old_sig) != old.key_id or signature_key_id(new_sig) != new_card.key_id:
        raise bad(_("the signatures are not by the keys it names"))
    body = doc["statement"].encode("utf-8")
    try:
        minisign.PublicKey.from_base64(old.minisign_public).verify(body, old_sig)
        new_card.public_key.verify(body, new_sig)
    except minisign.Error:
        raise bad(_("a signature does not verify (altered or incomplete)")) from None
    if (stmt["station_id"], stmt["code"]) != (old.station_id, old.station_code) \
            or (new_card.station_id, new_card.code) != (old.station_id, old.station_code):
        raise bad(_("the old and new keys belong to different stations"))
    if old.escrow_minisign_public and (new_card.escrow_signing_key, new_card.escrow_recipient) \
            != (old.escrow_minisign_public, old.escrow_recipient):
        # The escrow kit is what replaces a stolen key: a rotation (perhaps by the thief) may not swap it.
        raise bad(_("a rotation may not change the escrow keys (only the escrow kit replaces a key)"))
    with db.raw_write() as s:
        _check_not_revoked(s, new_card.key_id)
        existing = find_trusted(s, new_card.key_id)
        if existing is not None:
            return _trust_info(existing, "already")
        old_row = find_trusted(s, old.key_id)
        if old_row.superseded_at is not None:  # rotated meanwhile (checked above outside this transaction)
            raise bad(_("the old key {key_id} was rotated out", key_id=old.key_id))
        now = utcnow()
        if old_row.superseded_at is None:
            old_row.superseded_at = now
            old_row.superseded_by = new_card.key_id
        s.add(KeyRotation(station_id=old.station_id, old_key_id=old.key_id, new_key_id=new_card.key_id,
                          statement=doc["statement"], accepted_at=now))
        row = _trusted_from_card(new_card, old.role)
        s.add(row)
    log.info("accepted rotation of %s: %s -> %s", old.station_code, old.key_id, new_card.key_id)
    return _trust_info(row, "rotated")


def set_escrow_recipient(db: StationDB, recipient: str | None) -> Card:
    """At the township: an offline escrow age recipient that stations also encrypt their bundles to. Stations learn
    it from the township card (re-trusted by rotation) – so set it before handing out the card."""
    if recipient is not None:
        if not _AGE_RECIPIENT_RE.match(recipient):
            raise ValidationError.single("escrow_recipient", _("not an age recipient"))
        pyrage.x25519.Recipient.from_str(recipient)
    key = own_key(db)
    station = db.station()
    with db.raw_write() as s:
        row = s.get(OwnKey, key.id)
        row.escrow_recipient = recipient
        row.fingerprint = fingerprint(station.id, station.code, row.minisign_public, row.age_recipient, recipient,
                                      row.escrow_minisign_public)
    write_card_file(db)
    return build_card(db)
