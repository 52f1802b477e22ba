"""The application: one object per opened installation, bound to the signed-in user.

Every front end (the CLI today, the PySide6 GUI next) reaches every use case through it, the way Anki's
`Collection` or Electrum's `Wallet` are reached. Opening checks, backs up and migrates the database (progress is
reported), makes the rolling backup and signs the user in:

    app = Application.open(paths, login="li", password="...")      # the GUI: sign in with a password
    app = Application.open(paths, login="li")                       # the CLI: --user li (must exist)
    app = Application.open(paths, os_account="zhang")               # the CLI without --user: the admin acts
    app.consultations.page(Query(filters={"year": 2021}))
    app.mediation.close(case_id, {...})                              # refused unless mediator or admin
    app.close()                                                      # also locks the key ring

The areas (`app.consultations`, `app.mediation`, `app.bundles`, ...) live in `station_app.usecases`; they call the
services with this application's database and login, so the services' role checks apply to every front end.
The front ends never touch the store or SQLAlchemy (a test enforces it for cli/).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from station_app.config import Paths
from station_app.core.codes import Role, StationKind
from station_app.core.errors import StationError
from station_app.core.i18n import _, pgettext
from station_app.core.progress import CancelFn, ProgressFn, task_of
from station_app.core.roles import PermissionDenied, allowed, role_label
from station_app.store.stationdb import StationDB
from station_app.sync.keyring import KeyRing, PassphraseProvider


class SignInError(StationError):
    """Sign-in refused: unknown user, inactive user or wrong password. Nothing was opened."""


@dataclass(frozen=True)
class Principal:
    """Who acts: a user of this installation. `os_account` is the operating-system account at the keyboard when
    the command line acts as the installation's administrator without --user (it goes to the access log)."""

    login: str
    name: str
    role: str
    os_account: str | None = None

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    def may(self, permission: str) -> bool:
        return allowed(self.role, permission)

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.login, "name": self.name, "role": self.role, "os_account": self.os_account}


@dataclass(frozen=True)
class StationInfo:
    id: str
    code: str
    name: str
    kind: str

    @property
    def is_township(self) -> bool:
        return self.kind == StationKind.CENTRE.value

    def as_dict(self) -> dict[str, Any]:
        return {"station_id": self.id, "code": self.code, "name": self.name, "kind": self.kind}


def os_account() -> str:
    """The operating-system account at the keyboard (STATION_APP_USER overrides it, e.g. on a shared service)."""
    value = os.environ.get("STATION_APP_USER")
    if value:
        return value
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return "unknown"


_current_os_account = os_account  # `sign_in` has a parameter of that name


class Application:
    """An opened installation and its signed-in user. Use `open` or `init`; close when done."""

    def __init__(self, db: StationDB, user: Principal, keyring: KeyRing):
        self._db = db
        self.user = user
        self.keyring = keyring
        keyring.attach(db)
        db.os_account = user.os_account  # the access log names the OS account beside the login
        from station_app import usecases as uc

        self.consultations = uc.records.Consultations(self)
        self.advisers = uc.records.Advisers(self)
        self.duty = uc.records.Duty(self)
        self.postings = uc.records.Postings(self)
        self.outreach = uc.records.Outreach(self)
        self.screening = uc.records.Screening(self)
        self.mediation = uc.mediation.Mediation(self)
        self.users = uc.admin.Users(self)
        self.access_log = uc.admin.AccessLogArea(self)
        self.backups = uc.admin.Backups(self)
        self.reports = uc.admin.Reports(self)
        self.ledgers = uc.admin.Ledgers(self)
        self.stations = uc.sync.Stations(self)
        self.keys = uc.sync.Keys(self)
        self.bundles = uc.sync.Bundles(self)
        self.forks = uc.forks.Forks(self)

    @cached_property
    def browse(self) -> Any:
        """Every station's records, read only (the township). Made on first use: its module builds its queries when
        imported, and that configures the ORM, which a window waits for only after its first paint."""
        from station_app.usecases.browse import Browse

        return Browse(self)

    # -- opening -----------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, paths: Paths, *, login: str | None = None, password: str | None = None,
             os_account: str | None = None, passphrase: PassphraseProvider | None = None,
             backup: bool = True, progress: ProgressFn | None = None,
             check_in_background: bool = False) -> "Application":
        """Open the installation at `paths` and sign in.

        - `login` and `password`: the GUI's sign-in; a wrong password or unknown login is refused.
        - `login` alone: the command line's `--user NAME`; the user must exist and be active.
        - neither: the installation's administrator acts; `os_account` is written to the access log.
        A missing database is refused before any folder is made.
        `check_in_background` (the GUI): the database's quick_check does not hold up opening; it runs on a thread
        from `verify()` (the GUI calls it right after its first paint) or the first write, backup or migration,
        whichever comes first, and each of them waits for it: a damaged file is refused then."""
        task = task_of(progress)
        task.step(0, 3, _("checking the database"))
        db = StationDB.open(paths, migrate=lambda cur, head: task.step(
            1, 3, _("upgrading the database {cur} -> {head} (backed up first)",
                    cur=cur or pgettext("schema version", "none"), head=head)),
            background_check=check_in_background)
        try:
            _unused = db.station_id  # a clear message when init has not run
            user = _signed_in_while_loading(db, login=login, password=password, os_account=os_account)
            if backup:
                task.step(2, 3, _("daily backup"))
                from station_app.store.backups import rolling_backup

                db.require_sound()  # never copy a damaged file over the backups
                rolling_backup(db)
            db.strict_users = True
            task.step(3, 3, _("opened"))
            return cls(db, user, KeyRing(passphrase))
        except BaseException:
            db.close()
            raise

    @classmethod
    def init(cls, paths: Paths, *, kind: StationKind, code: str, name: str, township_card: str | Path | None = None,
             admin_password: str | None = None, os_account: str | None = None,
             passphrase: PassphraseProvider | None = None, db_url: str | None = None
             ) -> tuple["Application", dict[str, Any]]:
        """Set up a new installation: the station record, its administrator, its keys and (at a station) trust in
        the township's card. The card is read and checked first, so a bad card leaves nothing behind. `db_url`: a
        township's database on a PostgreSQL server (store/pgdb.py); the URL is kept in the data directory."""
        from station_app.usecases.setup import init_installation_with_keys

        return init_installation_with_keys(cls, paths, kind=kind, code=code, name=name, township_card=township_card,
                                           admin_password=admin_password, os_account=os_account,
                                           passphrase=passphrase, db_url=db_url)

    # -- life cycle --------------------------------------------------------------------------------------------
    @property
    def paths(self) -> Paths:
        return self._db.paths

    @property
    def db(self) -> StationDB:
        """The store object, for the use-case areas and tests. Front ends do not use it."""
        return self._db

    @property
    def login(self) -> str:
        return self.user.login

    def station(self) -> StationInfo:
        s = self._db.station_card()
        return StationInfo(s.id, s.code, s.name, s.kind)

    def require(self, permission: str) -> None:
        """Refuse early (before any input is read) what the signed-in role may not do; services check again."""
        self._db.authorize(self.login, permission)

    def may(self, permission: str) -> bool:
        return self._db.may(self.login, permission)

    def unlock(self, login: str, password: str) -> Principal:
        """The GUI's lock screen: the signed-in user proves it is still them with the password; anyone else is
        refused (they sign in through a new window instead)."""
        if login != self.user.login:
            raise SignInError(_("the screen was locked by {login}; only they can unlock it", login=self.user.login))
        return sign_in(self._db, login=login, password=password, os_account=self.user.os_account)

    def verify(self) -> None:
        """The opening check's verdict (instant when it ran before opening; else it runs now, on its own thread,
        and this waits for it); DatabaseError when the file is damaged. Writes wait for it anyway; the GUI calls it
        right after the first paint so a damaged file is reported at once."""
        self._db.require_sound()

    def daily_backup(self) -> list[Path]:
        """Today's rolling backup when it is not made yet (what `open(backup=True)` does), after a sound verdict."""
        from station_app.store.backups import rolling_backup

        self._db.require_sound()
        return rolling_backup(self._db)

    def lock(self) -> None:
        """Forget unlocked keys and the remembered passphrase (the GUI's "lock" and idle timeout)."""
        self.keyring.lock()

    def close(self) -> None:
        self.keyring.wipe()
        self._db.close()

    def __enter__(self) -> "Application":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def switch_user(self, login: str, password: str) -> Principal:
        """Sign another user in on the open installation (the GUI's lock screen); the keys are locked first so the
        next user unlocks them again. A wrong password changes nothing."""
        user = sign_in(self._db, login=login, password=password, os_account=None)
        self.keyring.lock()
        self.user = user
        self._db.os_account = None
        return user

    @staticmethod
    def backup_files(paths: Paths, query: Any = None) -> list[Any]:
        """The backups of an installation, newest first; works without opening it (a damaged database too)."""
        from station_app.usecases.admin import list_backup_files

        return list_backup_files(paths, query)

    @staticmethod
    def restore_backup(paths: Paths, source: str | Path, *, login: str | None = None) -> Any:
        """Put a backup in place of the database. When the database still opens, the acting user (the admin
        without `login`) must be allowed to restore; a damaged or missing database can always be restored (that
        is what backups are for). Nothing of this process may hold the database meanwhile."""
        from station_app.store import backups
        from station_app.store.db import DatabaseError

        _refuse_server_restore(paths)
        try:
            app = Application.open(paths, login=login, backup=False)
        except DatabaseError:
            app = None
        if app is not None:
            try:
                app.require("backup.restore")
            finally:
                app.close()
        return backups.restore(paths.database, paths.backups, Path(source))

    @staticmethod
    def assess_restore(paths: Paths, source: str | Path) -> tuple[dict[str, Any], list[str]]:
        """What putting `source` in place of the database would lose (sync/rollback.py): (plan, warning lines).
        Reads both files only; refuses a file that is not a sound backup of an installation."""
        from station_app.store import backups
        from station_app.sync import rollback

        _refuse_server_restore(paths)
        backups.check_backup_file(Path(source).resolve())
        plan = rollback.assess(paths.database, Path(source))
        info = backups._station_info(paths.database) if paths.database.is_file() else None
        return plan, rollback.describe(plan, info[3] if info else None)

    @staticmethod
    def continue_after_restore(paths: Paths, plan: dict[str, Any], aside: Path | None, *,
                               login: str | None = None) -> dict[str, Any] | None:
        """After a restore that went back behind exported bundles: a new epoch and the bundle log carried over, so
        the township accepts the station's next bundles."""
        from station_app.sync import rollback

        app = Application.open(paths, login=login, backup=False)
        try:
            return rollback.continue_after_restore(app._db, plan, aside)
        finally:
            app.close()

    @staticmethod
    def check(paths: Paths) -> list[Any]:
        """`station-app check`: storage, foreign keys, schema, search index, counter; without opening or
        migrating (works on a damaged file too)."""
        from station_app.store.db import health_check
        from station_app.store.stationdb import database_url

        url = database_url(paths)
        if url is not None:
            from station_app.store.pgcheck import health_check_pg

            return health_check_pg(url)
        return health_check(paths.database)

    @staticmethod
    def database_label(paths: Paths) -> str:
        """Where the installation's database is, for people: the SQLite file, or the server URL without its
        password (issue 14)."""
        if paths.database_setting.is_file():
            from station_app.store.db import DatabaseError
            from station_app.store.dburl import mask
            from station_app.store.stationdb import database_url

            try:
                return mask(database_url(paths))
            except DatabaseError:
                return str(paths.database_setting)
        return str(paths.database)


def _refuse_server_restore(paths: Paths) -> None:
    """The SQLite restore swaps the database file: a server database is restored with pg_restore instead."""
    from station_app.store.stationdb import database_url

    url = database_url(paths)
    if url is not None:
        from station_app.store.pgcheck import restore_refused

        raise restore_refused(url)


def warm_up() -> None:
    """Load what opening an installation needs next (the use cases) and configure the ORM's mappers, ahead of
    `Application.open`: the window calls it on a thread while a person types their password."""
    from sqlalchemy.orm import configure_mappers

    from station_app import usecases  # noqa: F401
    from station_app.usecases import browse  # noqa: F401  (the township's; it builds queries when imported)

    configure_mappers()


def admin_of(db: StationDB) -> Principal:
    """The installation's administrator account: the first active admin (made at init, or by migration 0010)."""
    from sqlalchemy import select

    from station_app.store.models import User

    with db.read() as s:
        u = s.execute(select(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
                      .order_by(User.created_at, User.login).limit(1)).scalar_one_or_none()
    if u is None:
        raise SignInError(_("this installation has no active administrator; add one with station-app user add"))
    return Principal(u.login, u.display_name, u.role)


def _signed_in_while_loading(db: StationDB, *, login: str | None, password: str | None,
                             os_account: str | None) -> Principal:
    """`sign_in`, with the deliberately slow password hash (scrypt, which runs without Python's lock) on a thread
    while this one loads the use-case modules the application needs next: start-up waits for the longer of the
    two, not their sum. The hash's parameters are untouched."""
    if password is None:
        return sign_in(db, login=login, password=password, os_account=os_account)
    import threading

    outcome: dict[str, Any] = {}

    def check() -> None:
        try:
            outcome["user"] = sign_in(db, login=login, password=password, os_account=os_account)
        except BaseException as e:  # handed back to the opening thread
            outcome["error"] = e

    worker = threading.Thread(target=check, name="station-sign-in")
    worker.start()
    try:
        from station_app import usecases  # noqa: F401  (Application.__init__ needs them)
    finally:
        worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["user"]


def sign_in(db: StationDB, *, login: str | None, password: str | None, os_account: str | None) -> Principal:
    if login is None:
        admin = admin_of(db)
        return Principal(admin.login, admin.name, admin.role, os_account=os_account or _current_os_account())
    if password is not None:
        from station_app.services.users import authenticate

        u = authenticate(db, login, password)
        if u is None:
            raise SignInError(_("wrong login or password"))
        return Principal(u.login, u.display_name, u.role, os_account=os_account)
    u = db.user_card(login)
    if u is None or not u.active:
        raise SignInError(_("no active user {login} here (station-app user list shows the users)", login=login))
    return Principal(u.login, u.display_name, u.role, os_account=os_account)


__all__ = ["Application", "CancelFn", "PermissionDenied", "Principal", "ProgressFn", "SignInError", "StationInfo",
           "admin_of", "os_account", "sign_in", "warm_up"]
