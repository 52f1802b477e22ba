"""Setting up an installation: inputs first, then the station record, its administrator and its keys."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station_app.config import Paths
from station_app.core.codes import StationKind
from station_app.core.i18n import _

if TYPE_CHECKING:
    from station_app.app import Application
    from station_app.sync.keyring import PassphraseProvider


def init_installation_with_keys(app_class: type["Application"], paths: Paths, *, kind: StationKind, code: str,
                                name: str, township_card: str | Path | None, admin_password: str | None,
                                os_account: str | None, passphrase: "PassphraseProvider | None",
                                db_url: str | None = None) -> tuple["Application", dict[str, Any]]:
    from station_app.app import admin_of
    from station_app.app import os_account as current_os_account
    from station_app.services.setup import init_installation
    from station_app.sync import identity
    from station_app.sync.keyring import KeyRing
    from station_app.sync.setup import after_init

    card = None
    if township_card is not None:
        # Read and check the card before anything is made: a wrong card must leave no half-set-up installation.
        if kind != StationKind.VILLAGE:
            raise identity.IdentityError(_("the township does not trust a township card"))
        card = identity.load_card(township_card)
        if card.kind != StationKind.CENTRE.value:
            raise identity.IdentityError(_("card {code} is a village station's, not the township's", code=card.code))
    db = init_installation(paths, kind=kind, code=code, name=name, actor="setup", admin_password=admin_password,
                           db_url=db_url)
    try:
        admin = replace(admin_of(db), os_account=os_account or current_os_account())
        app = app_class(db, admin, KeyRing(passphrase))
        db.strict_users = True
        info = after_init(db, township_card=card)
    except BaseException:
        db.close()
        raise
    station = app.station()
    extra = {}
    if db_url is not None:
        from station_app.store.dburl import mask

        extra["database"] = mask(paths.database_url)
    return app, {**station.as_dict(), "data_dir": str(paths.root), "admin": admin.login, **extra, **info}
