"""The open installation and its unit of work.

`StationDB.write(actor)` is the one way records change: inside it, every added, updated or deleted record is stamped
with the station's next change counter (taken in the same transaction, so it only grows and survives restarts
exactly as far as the data does), gets its metadata, and leaves a row in `record_history`. On leaving the block the
transaction commits; on any exception nothing is written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, Row, event, select, text, update
from sqlalchemy.orm import Session

from station_app.config import Paths
from station_app.core.errors import NotFoundError, StateError
from station_app.core.i18n import _
from station_app.store.db import DatabaseError, defer_foreign_keys, open_database, session_factory
from station_app.store.integrity import BackgroundCheck, damaged_message
from station_app.core.roles import FIELD_PERMISSIONS, PermissionDenied, allowed, table_permission
from station_app.store.models import LocalState, RecordHistory, Station, Synced, User, new_id, utcnow
from station_app.store.rowdata import json_value, record_values

log = logging.getLogger(__name__)
T = TypeVar("T", bound=Synced)


@dataclass(frozen=True)
class Change:
    table: str
    id: str
    action: str  # create, update, delete


@dataclass
class ChangeSet:
    """What a write changed: the counter it was stamped with and each touched record."""

    counter: int | None = None
    changes: list[Change] = field(default_factory=list)

    def ids(self, table: str) -> list[str]:
        return [c.id for c in self.changes if c.table == table]

    def first(self, table: str) -> str:
        return self.ids(table)[0]


class Writer:
    """One write transaction at this installation."""

    def __init__(self, session: Session, station_id: str, actor: str, source: str | None,
                 authorize: Callable[[str], None] | None = None):
        self.session = session
        self.station_id = station_id
        self.actor = actor
        self.source = source
        self.result = ChangeSet()
        self._authorize = authorize
        self._granted: set[str] = set()

    def require(self, permission: str) -> None:
        """Refuse (PermissionDenied, the transaction rolls back) unless the actor's role holds `permission`;
        services call it for actions finer than a table (closing a case). Checked once per transaction."""
        if self._authorize is not None and permission not in self._granted:
            self._authorize(permission)
            self._granted.add(permission)

    def _allow(self, table: str, fields: Any = ()) -> None:
        """The actor's role must allow writing this table, and setting these fields (core/roles.py)."""
        permission = table_permission(table)
        if permission:
            self.require(permission)
        special = FIELD_PERMISSIONS.get(table)
        if special:
            for name in fields:
                if name in special:
                    self.require(special[name])

    def _allow_new(self, obj: Synced) -> None:
        """On add: fields with a special permission count when set to something other than their default."""
        special = FIELD_PERMISSIONS.get(obj.__tablename__, {})  # type: ignore[attr-defined]
        cols = obj.__table__.columns  # type: ignore[attr-defined]
        self._allow(obj.__tablename__, [  # type: ignore[attr-defined]
            k for k in special if getattr(obj, k, None) is not None
            and not (cols[k].default is not None and cols[k].default.is_scalar and cols[k].default.arg == getattr(obj, k))])

    @property
    def counter(self) -> int:
        """The change counter of this transaction, taken on first use: one value per committed change set."""
        if self.result.counter is None:
            value = self.session.execute(
                update(LocalState).where(LocalState.id == 1).values(counter=LocalState.counter + 1)
                .returning(LocalState.counter)
            ).scalar_one()
            self.result.counter = value
        return self.result.counter

    def _stamp(self, obj: Synced, *, creating: bool) -> None:
        now = utcnow()
        obj.counter = self.counter
        obj.updated_at = now
        obj.updated_by = self.actor
        if creating:
            obj.id = obj.id or new_id()
            obj.station_id = obj.station_id or self.station_id
            obj.created_at = now
            obj.created_by = self.actor
            if obj.deleted is None:
                obj.deleted = False

    def _history(self, obj: Synced, action: str, changes: dict[str, Any]) -> None:
        h = RecordHistory(
            id=new_id(), station_id=self.station_id, table_name=obj.__tablename__, record_id=obj.id,  # type: ignore[attr-defined]
            action=action, changes=changes, source=self.source,
        )
        self._stamp(h, creating=True)
        self.session.add(h)

    def _check_owner(self, obj: Synced) -> None:
        if obj.station_id != self.station_id:
            raise StateError(_("this record belongs to another station; only the station that created it may change it"))

    def add(self, obj: T) -> T:
        self._allow_new(obj)
        self._stamp(obj, creating=True)
        _apply_defaults(obj)
        # No flush here: the session batches inserts (autoflush before a query, flush at commit), which keeps bulk
        # writes such as ledger imports fast. Foreign keys are checked at commit (see StationDB.write), since
        # the unit of work does not order inserts by foreign keys that have no relationship().
        self.session.add(obj)
        values = record_values(obj)
        self._history(obj, "create", {k: [None, v] for k, v in values.items() if k not in _META and v is not None})
        self.result.changes.append(Change(obj.__tablename__, obj.id, "create"))  # type: ignore[attr-defined]
        return obj

    def update(self, obj: T, **values: Any) -> dict[str, list[Any]]:
        """Apply `values`; record only real changes. Returns {field: [old, new]} (empty when nothing changed)."""
        self._allow(obj.__tablename__, [k for k, new in values.items() if getattr(obj, k) != new])  # type: ignore[attr-defined]
        self._check_owner(obj)
        if obj.deleted:
            raise StateError(_("the record has been deleted and cannot be changed"))
        changes: dict[str, list[Any]] = {}
        for key, new in values.items():
            old = getattr(obj, key)
            if old != new:
                changes[key] = [json_value(old), json_value(new)]
                setattr(obj, key, new)
        if changes:
            self._stamp(obj, creating=False)
            self._history(obj, "update", changes)
            self.result.changes.append(Change(obj.__tablename__, obj.id, "update"))  # type: ignore[attr-defined]
        return changes

    def delete(self, obj: Synced) -> None:
        """Tombstone: the record stays (so the deletion travels) but is no longer shown or counted."""
        self._allow(obj.__tablename__)  # type: ignore[attr-defined]
        self._check_owner(obj)
        if obj.deleted:
            return
        obj.deleted = True
        self._stamp(obj, creating=False)
        self._history(obj, "delete", {"deleted": [False, True]})
        self.result.changes.append(Change(obj.__tablename__, obj.id, "delete"))  # type: ignore[attr-defined]


def _apply_defaults(obj: Synced) -> None:
    """Fill unset columns with their scalar defaults now, so history records what the row will hold."""
    for col in obj.__table__.columns:  # type: ignore[attr-defined]
        default = col.default
        if default is not None and default.is_scalar and getattr(obj, col.key) is None:
            setattr(obj, col.key, default.arg)


_META = frozenset({"id", "station_id", "counter", "created_at", "updated_at", "created_by", "updated_by", "deleted"})


class StationDB:
    """An opened installation: its paths, engine and which station it is.

    `strict_users`: when set (the application sets it on sign-in), every actor must be an active user of this
    installation; otherwise an actor that is no user here (a script, a test) writes without a role check. An actor
    that *is* a user is always held to its role (core/roles.py)."""

    def __init__(self, paths: Paths, engine: Engine, check: BackgroundCheck | None = None):
        self.paths = paths
        self.engine = engine
        self._reader, self._writer = session_factory(engine)
        # The writer's session knows the data directory: photos live there even when the database is on a server.
        self._writer.configure(info={"paths": paths})
        self._station_id: str | None = None
        self.strict_users = False
        self.os_account: str | None = None  # written to the access log beside the acting login
        self._check = check
        self._sound = check is None
        if check is not None:
            # Every write transaction (sessions, merges) begins with BEGIN IMMEDIATE: wait for the verdict first.
            event.listen(engine, "begin", self._before_begin, insert=True)

    @classmethod
    def open(cls, paths: Paths, *, create: bool = False, migrate: Callable[[str | None, str], None] | None = None,
             url: str | None = None, background_check: bool = False) -> "StationDB":
        """Open the installation at `paths`: its SQLite file, or the PostgreSQL database its setting names (or
        `url`, when init sets a township up on a server). `background_check`: the SQLite file's quick_check does
        not hold up opening; it runs on a thread from `start_check()` on (store/integrity.py), and writes, backups
        and migrations wait for a sound verdict (starting the check themselves when nobody has). A server database
        is checked by its server."""
        url = url or database_url(paths)
        if not create:
            # Check before making any folder: a mistyped --data-dir must leave nothing behind.
            open_database(paths.database, paths.backups, create=False, check_only=True, url=url)
        paths.ensure()
        check = (BackgroundCheck(paths.database, start=False)
                 if background_check and not create and url is None else None)
        try:
            engine = open_database(paths.database, paths.backups, create=create, on_migrate=migrate, url=url,
                                   check=check)
        except DatabaseError:
            if check is not None:
                check.cancel()
            raise
        except Exception:
            # A file too damaged to read its schema version: the check's verdict is the message to give.
            if check is not None and (problems := check.wait()):
                raise DatabaseError(damaged_message(paths.database, problems)) from None
            raise
        assert engine is not None
        if url is not None and not create:
            _refuse_station_on_server(engine, url)
        from station_app.store.private import harden

        harden(paths.root)  # owner-only modes, also for an installation made by an older release
        return cls(paths, engine, check)

    def start_check(self) -> None:
        """Start the deferred opening check now (the GUI: right after its first paint)."""
        if self._check is not None:
            self._check.start()

    def require_sound(self) -> None:
        """Wait for the background quick_check (if one runs); refuse (DatabaseError) a damaged file."""
        if self._sound:
            return
        assert self._check is not None
        problems = self._check.wait()
        if problems:
            raise DatabaseError(damaged_message(self.paths.database, problems))
        self._sound = True

    def _before_begin(self, conn) -> None:
        if not self._sound and conn.get_execution_options().get("sqlite_immediate"):
            self.require_sound()

    @property
    def on_server(self) -> bool:
        """Whether the database is on a PostgreSQL server (a township hub) rather than the SQLite file."""
        return self.engine.dialect.name != "sqlite"

    def close(self) -> None:
        if self._check is not None and not self._check.done:
            self._check.cancel()  # stops a running check; one never started never starts
        self.engine.dispose()

    def __enter__(self) -> "StationDB":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- identity -------------------------------------------------------------------------------------------
    @property
    def initialised(self) -> bool:
        with self._reader() as s:
            return s.get(LocalState, 1) is not None

    @property
    def station_id(self) -> str:
        if self._station_id is None:
            t = LocalState.__table__
            with self._reader() as s:
                station_id = s.execute(select(t.c.station_id).where(t.c.id == 1)).scalar_one_or_none()
                if station_id is None:
                    raise StateError(_("this installation is not set up yet; run station-app init"))
                self._station_id = station_id
        return self._station_id

    def reload_identity(self) -> None:
        """Forget the cached station id: after a restore re-homes this installation onto another station."""
        self._station_id = None

    def station(self, session: Session | None = None) -> Station:
        if session is not None:
            return session.get(Station, self.station_id)  # type: ignore[return-value]
        with self._reader() as s:
            return s.get(Station, self.station_id)  # type: ignore[return-value]

    def station_card(self) -> Row:
        """This installation's station: id, code, name and kind. Read as plain columns (SQLAlchemy Core), as are
        `user_card` and `station_id`: what the window needs before its first paint then does not wait for the ORM's
        one-off mapper configuration, which runs later, with the first page's data."""
        t = Station.__table__
        with self._reader() as s:
            return s.execute(select(t.c.id, t.c.code, t.c.name, t.c.kind).where(t.c.id == self.station_id)).one()

    def counter(self) -> int:
        with self._reader() as s:
            return s.execute(select(LocalState.counter).where(LocalState.id == 1)).scalar_one()

    # -- users and roles ------------------------------------------------------------------------------------
    def user(self, login: str) -> User | None:
        """The user with this login (active or not), or None."""
        with self._reader() as s:
            return s.execute(select(User).where(User.login == login)).scalar_one_or_none()

    def user_card(self, login: str) -> Row | None:
        """The user's login, display_name, role, active and password_hash, or None (see `station_card`)."""
        t = User.__table__
        with self._reader() as s:
            return s.execute(select(t.c.login, t.c.display_name, t.c.role, t.c.active, t.c.password_hash)
                             .where(t.c.login == login)).one_or_none()

    def role_of(self, actor: str) -> str | None:
        """The role of an active user; None when `actor` is no active user here."""
        u = self.user_card(actor)
        return u.role if u is not None and u.active else None

    def authorize(self, actor: str, permission: str) -> str | None:
        """Refuse (PermissionDenied) unless `actor` may do `permission`; returns the actor's role."""
        u = self.user_card(actor)
        if u is None:
            if self.strict_users:
                raise PermissionDenied(actor, "", permission)
            return None
        if not u.active:
            raise PermissionDenied(actor, u.role, permission)
        if not allowed(u.role, permission):
            raise PermissionDenied(actor, u.role, permission)
        return u.role

    def may(self, actor: str, permission: str) -> bool:
        try:
            self.authorize(actor, permission)
            return True
        except PermissionDenied:
            return False

    # -- sessions -------------------------------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as s:
            yield s

    @contextmanager
    def write(self, actor: str, *, source: str | None = None) -> Iterator[Writer]:
        """A write transaction (BEGIN IMMEDIATE); commits on success, rolls back on any exception."""
        with self._writer() as s:
            with s.begin():
                defer_foreign_keys(s)  # until commit: see Writer.add
                w = Writer(s, self.station_id, actor, source, authorize=lambda permission: self.authorize(actor, permission))
                yield w

    @contextmanager
    def raw_write(self) -> Iterator[Session]:
        """A write transaction without stamping: for setup, merges and restores that bring their own metadata."""
        with self._writer() as s:
            with s.begin():
                yield s

    def fetch(self, model: type[T], record_id: str) -> T:
        """One live record by id (or unique id prefix), read in its own session."""
        with self._reader() as s:
            return self.get(s, model, record_id)

    def tombstone(self, actor: str, model: type[T], record_id: str) -> ChangeSet:
        """Delete one record that has no children (a tombstone and a history row)."""
        with self.write(actor) as w:
            w.delete(self.get(w.session, model, record_id))
        return w.result

    def get(self, session: Session, model: type[T], record_id: str, *, allow_deleted: bool = False) -> T:
        obj = session.get(model, record_id)
        if obj is None or (obj.deleted and not allow_deleted):
            # Accept a unique id prefix too: people copy the first characters from a list.
            if obj is None and len(record_id) >= 4:
                matches = session.execute(
                    select(model).where(model.id.like(record_id + "%"), model.deleted.is_(False)).limit(2)
                ).scalars().all()
                if len(matches) == 1:
                    return matches[0]
            raise NotFoundError(_("no such record: {tablename} {record_id}", tablename=model.__tablename__, record_id=record_id))  # type: ignore[attr-defined]
        return obj


def _refuse_station_on_server(engine: Engine, url: str) -> None:
    """Stations stay on SQLite (their database travels in bundles, backups and restores as one file)."""
    from station_app.core.codes import StationKind
    from station_app.store.dburl import mask

    with engine.connect() as c:
        kind = c.execute(select(Station.kind).join(LocalState, LocalState.station_id == Station.id)
                         .where(LocalState.id == 1)).scalar_one_or_none()
    if kind is not None and kind != StationKind.CENTRE.value:
        engine.dispose()
        from station_app.store.db import DatabaseError

        raise DatabaseError(_("{url} holds a village station's database: a village station keeps its database "
                              "in its data folder (SQLite); only a township's can be on a server", url=mask(url)))


def database_url(paths: Paths) -> str | None:
    """The server URL of an installation on PostgreSQL; None for a SQLite installation. A damaged setting is an
    error naming the file (never a silent fall back to an empty SQLite database)."""
    url = paths.database_url
    if url is not None and url.startswith("invalid:"):
        from station_app.store.db import DatabaseError

        raise DatabaseError(_("{path} is damaged: it should hold the database server's URL as {{\"url\": \"postgresql://…\"}}",
                              path=paths.database_setting))
    return url


def checkpoint(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return  # the server manages its write-ahead log
    with engine.connect() as c:
        c.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
