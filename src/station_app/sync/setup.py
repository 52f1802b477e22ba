"""What `init` does for sync: make this installation's keys and, at a station, trust the township's card."""

from __future__ import annotations

from typing import Any

from station_app.core.i18n import _
from station_app.sync import identity
from station_app.store.stationdb import StationDB


def after_init(db: StationDB, *, township_card: str | None = None) -> dict[str, Any]:
    """Called by `init` once the station record exists. The passphrase (optional) comes from
    STATION_APP_PASSPHRASE; init never prompts, so scripted set-ups do not hang."""
    from station_app.sync.keyring import keyring_for

    passphrase = keyring_for(db).passphrase_for_new_keys()
    # Keys first: the station record exists already, so an installation must never be left without keys.
    key = identity.generate_keys(db, passphrase=passphrase)
    info: dict[str, Any] = {"key_id": key.key_id, "fingerprint": key.fingerprint,
                            "card": str(db.paths.keys / identity.CARD_FILE),
                            "passphrase_protected": bool(passphrase)}
    if township_card:
        try:
            trusted = identity.trust_township(db, township_card)
        except identity.IdentityError as e:
            raise identity.IdentityError(_("this installation is set up with its keys, but the township card cannot be used: {e}. Get the right card and run station-app enroll CARDFILE", e=e)) from None
        info["township"] = {k: trusted[k] for k in ("code", "name", "key_id", "fingerprint")}
    return info
