"""Settings of this installation: the township's standards and the 三务 grace period (glossary: "Practice ... make
it configurable"). Local to the installation that judges (the township): they never travel in bundles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.codes import ADVISER_HOURS_PER_MONTH, ADVISER_LECTURES_PER_QUARTER, POSTING_GRACE_DAYS
from station_app.core.errors import ValidationError
from station_app.core.i18n import _, N_
from station_app.services.base import StationDB
from station_app.store.models import AppSetting, utcnow


def _days(raw: Any) -> int:
    n = v.non_negative_int(str(raw).strip())
    if n > 366:
        raise v._fail(_("grace days must be between 0 and 366: {raw}", raw=raw))
    return n


def _hours(raw: Any) -> float:
    try:
        x = float(str(raw).strip().removesuffix("小时").removesuffix("h"))
    except ValueError:
        raise v._fail(_("must be a number of hours: {raw}", raw=raw)) from None
    if not 0 <= x <= 744:
        raise v._fail(_("hours must be between 0 and 744: {raw}", raw=raw))
    return x


def _count(raw: Any) -> int:
    n = v.non_negative_int(str(raw).strip())
    if n > 100:
        raise v._fail(_("must be between 0 and 100: {raw}", raw=raw))
    return n


@dataclass(frozen=True)
class Setting:
    key: str
    message: str  # N_("English"), translated where it is shown
    parse: Callable[[Any], Any]
    default: Any

    @property
    def label(self) -> str:
        return _(self.message)


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("posting_grace_days", N_("三务 grace days after a period ends (default 10: by the 10th of the next month)"), _days, POSTING_GRACE_DAYS),
    Setting("adviser_hours_per_month", N_("standard on-site hours per adviser per village per month (default 4)"), _hours, ADVISER_HOURS_PER_MONTH),
    Setting("adviser_lectures_per_quarter", N_("standard law lectures per adviser per village per quarter (default 1)"), _count,
            ADVISER_LECTURES_PER_QUARTER),
)}


def _setting(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise ValidationError.single(_("setting"), _("no such setting: {key} ({keys})", key=key, keys=_(", ").join(SETTINGS))) from None


def read_setting(session: Session, key: str) -> Any:
    """The stored value, or the default; a stored value that no longer parses falls back to the default."""
    spec = _setting(key)
    row = session.get(AppSetting, key)
    if row is None:
        return spec.default
    try:
        return spec.parse(row.value)
    except ValidationError:
        return spec.default


def all_settings(db: StationDB) -> dict[str, Any]:
    with db.read() as s:
        return {k: read_setting(s, k) for k in SETTINGS}


def set_setting(db: StationDB, actor: str, key: str, raw: Any) -> Any:
    """Store a setting (None or "default" goes back to the default)."""
    spec = _setting(key)
    reset = raw is None or str(raw).strip().lower() in ("", "default", "默认")
    value = None
    if not reset:
        try:
            value = spec.parse(raw)
        except ValidationError as e:
            raise ValidationError.single(spec.label, e.problems[0].message) from None
    with db.raw_write() as s:
        row = s.get(AppSetting, key)
        if reset:
            if row is not None:
                s.delete(row)
            return spec.default
        if row is None:
            s.add(AppSetting(key=key, value=str(value), updated_by=actor, updated_at=utcnow()))
        else:
            row.value, row.updated_by, row.updated_at = str(value), actor, utcnow()
    return value
