"""Setting up an installation: its station record, its counter, its first user."""

from __future__ import annotations

from sqlalchemy import select, text

from station_app.config import Paths
from station_app.core import validators as v
from station_app.core.codes import Role, StationKind
from station_app.core.errors import Problems, StateError
from station_app.core.i18n import _
from station_app.services.base import StationDB, Writer
from station_app.services.users import hash_password
from station_app.store.models import LocalState, Station, User, new_id


def init_installation(paths: Paths, *, kind: StationKind, code: str, name: str, actor: str = "setup",
                      admin_login: str = "admin", admin_password: str | None = None,
                      station_id: str | None = None) -> StationDB:
    """Create the database and this installation's station record. Refuses to run twice."""
    problems = Problems()
    code = problems.check(_("station code"), v.station_code, code)
    name = problems.check(_("station name"), v.required_text, name, 100)
    problems.raise_if_any()
    db = StationDB.open(paths, create=True)
    if db.initialised:
        existing = db.station()
        db.close()
        raise StateError(_("{root} is already set up (station {code} {name}); it cannot be set up twice", root=paths.root, code=existing.code, name=existing.name))
    sid = station_id or new_id()
    with db.raw_write() as s:
        # The station row and the counter row point at each other: check foreign keys at commit.
        s.execute(text("PRAGMA defer_foreign_keys=ON"))
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
    return db
