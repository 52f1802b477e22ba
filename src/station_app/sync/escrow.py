"""The township's escrow kit: the way back when the township key is stolen (issue 7, item 10).

A station accepts a new township key through a rotation statement signed by the current key, so a thief who has
the township key could rotate first, and the township could never take its key back. The escrow kit closes that:

1. `identity escrow --new-kit DIR` (township, once): makes an offline kit, a minisign signing key and an age
   identity, both protected by the passphrase, for a safe or a locked drawer (never left on the township PC). Its
   public halves go on the township card (`escrow_signing_key`, `escrow_recipient`, covered by the fingerprint),
   so stations learn them when they trust the card (or through the next rotation statement). Stations also
   encrypt to the escrow recipient, so the kit can open their bundles if the township PC is lost.
2. The township key is stolen: `identity escrow --replace-key --kit DIR --out DIR` makes new township keys and a
   replacement statement, the new card signed by the kit and by the new key, naming the station (township) id.
3. Each station runs `station-app enroll STATEMENT`: the kit's signature is checked against the escrow key from
   the township card it trusts; every township key it held (the stolen one, and anything the thief rotated it
   to) is revoked; the new key is trusted. From then on the station refuses whatever the old key signs
   (reference and restore bundles, rotation statements) and encrypts only to the new key.

A rotation can never swap the escrow keys (identity.accept_rotation), so a thief's rotation cannot take the kit's
place. Losing the kit itself is the one thing this cannot repair: keep it offline, with its passphrase apart.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import minisign
from sqlalchemy import select

from station_app.core.codes import StationKind
from station_app.core.errors import StateError
from station_app.core.i18n import _
from station_app.store.atomic import write_atomic
from station_app.store.keys_models import KeyRevocation, KeyRotation, OwnKey, TrustedKey
from station_app.store.models import utcnow
from station_app.store.private import private_dir
from station_app.sync import identity
from station_app.sync.identity import (CARD_FORMAT, ROLE_TOWNSHIP, Card, IdentityError, _make_key_material,
                                       _no_duplicates, _trust_info, _trusted_from_card, find_trusted, fingerprint,
                                       get_passphrase, key_id_of, parse_card, public_key_b64, signature_key_id)

log = logging.getLogger(__name__)

REPLACEMENT_FORMAT = "station-app-escrow-replacement/1"
KIT_SIGNING_KEY = "escrow-minisign.key"
KIT_SIGNING_PUB = "escrow-minisign.pub"
KIT_AGE_KEY = "escrow-age.key"
KIT_README = "README.txt"


def _require_township(db) -> None:
    if db.station().kind != StationKind.CENTRE.value:
        raise StateError(_("only the township has an escrow kit"))


def make_kit(db, kit_dir: Path) -> dict[str, Any]:
    """Create the escrow kit in `kit_dir` (must be new or empty) and put its public halves on the township card."""
    _require_township(db)
    kit_dir = Path(kit_dir)
    if kit_dir.exists() and any(kit_dir.iterdir()):
        raise IdentityError(_("{kit_dir} is not empty; no kit written", kit_dir=kit_dir))
    passphrase = get_passphrase(purpose=_("the escrow kit"), confirm=True)
    if not passphrase:
        raise IdentityError(_("the escrow kit needs a passphrase"))
    pair, sk_bytes, age_bytes, age_identity = _make_key_material(passphrase)
    private_dir(kit_dir)
    pub = public_key_b64(pair.public_key)
    write_atomic(kit_dir / KIT_SIGNING_KEY, sk_bytes, mode=0o600)
    write_atomic(kit_dir / KIT_SIGNING_PUB, identity.public_key_file_text(pair.public_key).encode("ascii"),
                 mode=0o600)
    write_atomic(kit_dir / KIT_AGE_KEY, age_bytes, mode=0o600)
    write_atomic(kit_dir / KIT_README, _("The township's escrow kit. Keep it offline (a safe); keep the passphrase apart.\nIf the township key is stolen: station-app identity escrow --replace-key --kit THIS-FOLDER --out DIR\n")
        .encode("utf-8"), mode=0o600)
    recipient = str(age_identity.to_public())
    key = identity.own_key(db)
    station = db.station()
    with db.raw_write() as s:
        row = s.get(OwnKey, key.id)
        row.escrow_recipient = recipient
        row.escrow_minisign_public = pub
        row.fingerprint = fingerprint(station.id, station.code, row.minisign_public, row.age_recipient, recipient,
                                      pub)
    identity.write_card_file(db)
    card = identity.build_card(db)
    log.info("escrow kit %s written to %s", key_id_of(pair.public_key), kit_dir)
    return {"kit": str(kit_dir), "escrow_key_id": key_id_of(pair.public_key), "escrow_recipient": recipient,
            "fingerprint": card.fingerprint, "card": card.as_dict()}


def _load_kit_key(kit_dir: Path) -> minisign.SecretKey:
    path = Path(kit_dir) / KIT_SIGNING_KEY
    try:
        sk = minisign.SecretKey.from_bytes(path.read_bytes())
    except FileNotFoundError:
        raise IdentityError(_("no escrow kit key at {path}", path=path)) from None
    except (minisign.Error, ValueError):
        raise IdentityError(_("the escrow kit key is damaged: {path}", path=path)) from None
    if sk.is_encrypted():
        try:
            sk.decrypt(get_passphrase(purpose=_("the escrow kit")) or "")
        except minisign.Error:
            raise IdentityError(_("wrong passphrase for the escrow kit")) from None
    return sk


def replace_key(db, kit_dir: Path, out_dir: Path | None = None) -> dict[str, Any]:
    """At the township whose key was stolen: new keys, and a replacement statement signed by the escrow kit and
    the new key for every station to `enroll`. The stolen key is not used (it may be in anyone's hands)."""
    _require_township(db)
    old = identity.own_key(db)
    if not old.escrow_minisign_public:
        raise IdentityError(_("this installation has no escrow kit (identity escrow --new-kit); cannot replace the key from escrow"))
    kit_sk = _load_kit_key(kit_dir)
    kit_pub_file = Path(kit_dir) / KIT_SIGNING_PUB
    kit_pub = kit_pub_file.read_text("ascii").splitlines()[-1].strip() if kit_pub_file.exists() else ""
    if kit_pub != old.escrow_minisign_public:
        kit_sk.wipe()
        raise IdentityError(_("this escrow kit is not the one on the township card"))
    with db.read() as s:
        replaced = [k for (k,) in s.execute(select(OwnKey.key_id))]
    passphrase = get_passphrase(purpose="", required=False)
    pair, sk_bytes, age_bytes, age_identity = _make_key_material(passphrase)
    station = db.station()
    new_pub = public_key_b64(pair.public_key)
    recipient = str(age_identity.to_public())
    new_card = Card(format=CARD_FORMAT, station_id=station.id, code=station.code, name=station.name,
                    kind=station.kind, minisign_public_key=new_pub, key_id=key_id_of(pair.public_key),
                    age_recipient=recipient, escrow_recipient=old.escrow_recipient,
                    fingerprint=fingerprint(station.id, station.code, new_pub, recipient, old.escrow_recipient,
                                            old.escrow_minisign_public),
                    created_at=utcnow().isoformat(timespec="seconds") + "Z",
                    escrow_signing_key=old.escrow_minisign_public)
    statement = json.dumps({"format": REPLACEMENT_FORMAT, "station_id": station.id, "code": station.code,
                            "replaced_key_ids": replaced, "new_card": new_card.as_dict(),
                            "created_at": new_card.created_at}, ensure_ascii=False, sort_keys=True)
    comment = f"station-app escrow replacement station={station.code} new={new_card.key_id}"
    body = statement.encode("utf-8")
    doc = {"format": REPLACEMENT_FORMAT, "statement": statement,
           "escrow_signature": bytes(kit_sk.sign(body, trusted_comment=comment)).decode("ascii"),
           "new_signature": bytes(pair.secret_key.sign(body, trusted_comment=comment)).decode("ascii")}
    kit_sk.wipe()
    identity.install_new_keys(db, old, pair, sk_bytes, age_bytes, new_card)
    out_dir = Path(out_dir) if out_dir else db.paths.exports
    stmt_path = out_dir / f"{station.code}-escrow-replacement-{new_card.key_id}.json"
    write_atomic(stmt_path, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    card_path = identity.export_card(db, out_dir / f"{station.code}-card.json")
    log.warning("replaced township key(s) %s from escrow with %s", ", ".join(replaced), new_card.key_id)
    return {"replaced_key_ids": replaced, "key_id": new_card.key_id, "fingerprint": new_card.fingerprint,
            "statement": str(stmt_path), "card": str(card_path)}


def accept_replacement(db, data: bytes, source: str = "replacement") -> dict[str, Any]:
    """At a station: accept the township's key replacement if the escrow kit named on the trusted township card
    signed it; revoke every township key held for that township; trust the new one."""
    def bad(problem: str) -> IdentityError:
        return IdentityError(_("escrow replacement {source}: {problem}", source=source, problem=problem))

    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
        if set(doc) != {"format", "statement", "escrow_signature", "new_signature"} or not all(
                isinstance(doc[k], str) for k in doc):
            raise ValueError("fields")
        stmt = json.loads(doc["statement"], object_pairs_hook=_no_duplicates)
        if set(stmt) != {"format", "station_id", "code", "replaced_key_ids", "new_card", "created_at"} \
                or stmt["format"] != REPLACEMENT_FORMAT or not isinstance(stmt["replaced_key_ids"], list):
            raise ValueError("statement fields")
        esc_sig = minisign.Signature.from_bytes(doc["escrow_signature"].encode("ascii"))
        new_sig = minisign.Signature.from_bytes(doc["new_signature"].encode("ascii"))
    except (UnicodeError, ValueError, minisign.Error):
        raise bad(_("malformed")) from None
    if db.station().kind == StationKind.CENTRE.value:
        raise bad(_("the township does not take a township key replacement"))
    new_card = parse_card(stmt["new_card"], source)
    with db.read() as s:
        held = s.execute(select(TrustedKey).where(TrustedKey.role == ROLE_TOWNSHIP,
                                                  TrustedKey.station_id == stmt["station_id"])).scalars().all()
    escrow_keys = {k.escrow_minisign_public for k in held if k.escrow_minisign_public}
    if not held:
        raise bad(_("this station does not trust that township"))
    if not escrow_keys:
        raise bad(_("the township card this station trusts has no escrow key"))
    body = doc["statement"].encode("utf-8")
    verified = False
    for pub in escrow_keys:
        pk = minisign.PublicKey.from_base64(pub)
        if identity.key_id_of(pk) != signature_key_id(esc_sig):
            continue
        try:
            pk.verify(body, esc_sig)
            verified = True
        except minisign.Error:
            pass
    if not verified:
        raise bad(_("the escrow signature does not verify (not the escrow key on the township card, or altered)"))
    if signature_key_id(new_sig) != new_card.key_id:
        raise bad(_("the new signature is not by the new card's key"))
    try:
        new_card.public_key.verify(body, new_sig)
    except minisign.Error:
        raise bad(_("the new key's signature does not verify")) from None
    if (new_card.station_id, new_card.code, new_card.kind) != (stmt["station_id"], stmt["code"],
                                                                StationKind.CENTRE.value) \
            or new_card.code != held[0].station_code:
        raise bad(_("the new card is not this township's"))
    if new_card.escrow_signing_key not in escrow_keys:
        raise bad(_("the new card's escrow key differs from the one trusted"))
    reason = _("township key stolen; replaced from escrow")
    with db.raw_write() as s:
        existing = find_trusted(s, new_card.key_id)
        if existing is not None:
            return _trust_info(existing, "already")
        now = utcnow()
        revoked = []
        for k in s.execute(select(TrustedKey).where(TrustedKey.role == ROLE_TOWNSHIP,
                                                    TrustedKey.station_id == stmt["station_id"])).scalars():
            if k.superseded_at is None:
                k.superseded_at, k.superseded_by = now, new_card.key_id
            if identity.find_revocation(s, k.key_id) is None:
                s.add(KeyRevocation(key_id=k.key_id, station_id=k.station_id, station_code=k.station_code,
                                    reason=reason, revoked_at=now, revoked_by="escrow"))
                revoked.append(k.key_id)
        s.add(KeyRotation(station_id=stmt["station_id"], old_key_id=held[0].key_id, new_key_id=new_card.key_id,
                          statement=doc["statement"], accepted_at=now))
        row = _trusted_from_card(new_card, ROLE_TOWNSHIP)
        s.add(row)
    log.warning("township key replaced from escrow: revoked %s, now trusting %s", revoked, new_card.key_id)
    info = _trust_info(row, "replaced")
    info["revoked"] = revoked
    return info


__all__ = ["make_kit", "replace_key", "accept_replacement", "REPLACEMENT_FORMAT"]
