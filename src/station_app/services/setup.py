"""Setting up an installation: its station record, its counter, its first user."""

from __future__ import annotations

from sqlalchemy import select

from station_app.config import Paths
from station_app.core import validators as v
from station_app.core.codes import Role, StationKind
from station_app.core.errors import Problems, StateError, ValidationError
from station_app.core.i18n import _
from station_app.services.base import StationDB, Writer
from station_app.store.db import defer_foreign_keys
from station_app.services.users import hash_password
from station_app.store.models import LocalState, Station, User, new_id


def init_installation(paths: Paths, *, kind: StationKind, code: str, name: str, actor: str = "setup",
                      admin_login: str = "admin", admin_password: str | None = None,
                      station_id: str | None = None, db_url: str | None = None) -> StationDB:
    """Create the database and this installation's station record. Refuses to run twice.

    db_url: a township keeps its database on that PostgreSQL server (issue 14); the URL is stored in the data
    directory once the database is set up. A village station always keeps its SQLite file."""
    problems = Problems()
    code = problems.check(_("station code"), v.station_code, code)
    name = problems.check(_("station name"), v.required_text, name, 100)
    problems.raise_if_any()
    if db_url is not None:
        from station_app.store.dburl import mask, normalise

        if kind != StationKind.CENTRE:
            raise ValidationError.single("--db-url", _("a village station keeps its database in its data folder "
                                                       "(SQLite); only a township's database can be on a server"))
        db_url = normalise(db_url)
        if paths.installed:
            raise StateError(_("{root} already holds an installation; set the server database up in a new data "
                               "folder", root=paths.root))
    db = StationDB.open(paths, create=True, url=db_url)
    if db.initialised:
        existing = db.station()
        db.close()
        if db_url is not None:
            raise StateError(_("the database {url} is already set up (station {code} {name}); it cannot be set up "
                               "twice", url=mask(db_url), code=existing.code, name=existing.name))
        raise StateError(_("{root} is already set up (station {code} {name}); it cannot be set up twice", root=paths.root, code=existing.code, name=existing.name))
    sid = station_id or new_id()
    with db.raw_write() as s:
        # The station row and the counter row point at each other: check foreign keys at commit.
        defer_foreign_keys(s)
        s.add(LocalState(id=1, station_id=sid, counter=0, epoch=0))
        s.flush()
        w = Writer(s, sid, actor, source="init")
        w.add(Station(id=sid, station_id=sid, code=code, name=name, kind=kind.value))
        if admin_password is not None:
            # Migration 0010 gives every installation an administrator account; init may set its password.
            admin = s.execute(select(User).where(User.login == admin_login)).scalar_one_or_none()
            if admin is None:
                s.add(User(login=admin_login, display_name=admin_login, role=Role.ADMIN.value,
                           password_hash=hash_password(admin_password)))
            else:
                admin.password_hash = hash_password(admin_password)
    if db_url is not None:
        # Only now: a failed set-up leaves no setting pointing at a half-made database.
        from station_app.store.dburl import save_setting

        save_setting(paths.database_setting, db_url)
    return db
