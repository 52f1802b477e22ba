"""Users of this installation. Passwords are kept as scrypt hashes (memory-hard), never in clear."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from sqlalchemy import select

from station_app.core import validators as v
from station_app.core.codes import Role
from station_app.core.errors import Problems, ValidationError
from station_app.core.i18n import _, pgettext
from station_app.services.base import StationDB
from station_app.store.models import User

_N, _R, _P = 2**14, 8, 1  # 16 MiB per hash: slow to brute-force, quick enough for a login


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024, dklen=32)
    return "scrypt${}${}${}${}${}".format(_N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                            maxmem=64 * 1024 * 1024, dklen=32)
    return hmac.compare_digest(actual, base64.b64decode(digest))


def add_user(db: StationDB, *, login: str, display_name: str, role: str, password: str,
             actor: str | None = None) -> User:
    """Add a user; only an administrator may (`actor`, when given, is checked; the application always gives it)."""
    if actor is not None or db.strict_users:
        db.authorize(actor or "", "user.manage")
    problems = Problems()
    login = problems.check_key("login", _("login"), v.required_text, login, 64)
    display_name = problems.check_key("name", pgettext("station_app.services.users", "name"), v.required_text, display_name, 64)
    role_value = problems.check_key("role", _("role"), v.code, Role, role)
    if len(password) < 8:
        problems.add(_("password"), _("at least 8 characters"), key="password")
    problems.raise_if_any()
    with db.raw_write() as s:
        if s.execute(select(User).where(User.login == login)).scalar_one_or_none():
            raise ValidationError.single(_("login"), _("already exists: {login}", login=login),
                                         key="login")
        user = User(login=login, display_name=display_name, role=role_value.value, password_hash=hash_password(password))
        s.add(user)
    return user


def authenticate(db: StationDB, login: str, password: str):
    """The active user's `user_card` (login, display_name, role) when the password is theirs, else None."""
    user = db.user_card(login)
    if user is None or not user.active or not verify_password(password, user.password_hash):
        return None
    return user


def list_users(db: StationDB) -> list[User]:
    with db.read() as s:
        return list(s.execute(select(User).order_by(User.login)).scalars())


def _user_for_change(s, login: str) -> User:
    user = s.execute(select(User).where(User.login == login)).scalar_one_or_none()
    if user is None:
        raise ValidationError.single(_("login"), _("no such user: {login}", login=login),
                                     key="login")
    return user


def set_password(db: StationDB, actor: str, login: str, password: str) -> None:
    """A new password: an administrator for anyone, every user for themself."""
    if actor != login:
        db.authorize(actor, "user.manage")
    if len(password) < 8:
        raise ValidationError.single(_("password"), _("at least 8 characters"), key="password")
    with db.raw_write() as s:
        _user_for_change(s, login).password_hash = hash_password(password)


def set_active(db: StationDB, actor: str, login: str, active: bool) -> None:
    """Deactivate (or reactivate) a user; the last active administrator cannot be deactivated."""
    db.authorize(actor, "user.manage")
    with db.raw_write() as s:
        user = _user_for_change(s, login)
        if not active and user.role == Role.ADMIN.value:
            others = s.execute(select(User).where(User.role == Role.ADMIN.value, User.active.is_(True),
                                                  User.login != login)).first()
            if others is None:
                raise ValidationError.single(_("login"), _("the last administrator cannot be deactivated"), key="login")
        user.active = active
