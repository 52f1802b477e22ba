"""Validators for the values people type: ID numbers, phone numbers, dates, times, duty shifts.

Each returns the normalised value or raises ValidationError whose message says what is wrong, in the user's
language. The field name is added by the caller (Problems.check) so one validator serves every field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from station_app.core.errors import ValidationError
from station_app.core.i18n import _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _fail(message: str) -> ValidationError:
    return ValidationError.single("", message)


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def resident_id(value: str) -> str:
    """An 18-character resident identity number: 17 digits, a check character, a real birth date."""
    v = value.strip().upper()
    if len(v) != 18:
        raise _fail(_("an ID number has 18 characters, this one has {len}", len=len(v)))
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        raise _fail(_("the first 17 characters must be digits, the last a digit or X"))
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise _fail(_("the birth date {value} in the ID number does not exist", value=v[6:14]))
    if born.year < 1850 or born > date.today():
        raise _fail(_("the birth date {value} in the ID number is implausible", value=v[6:14]))
    expected = id_check_digit(v[:17])
    if v[17] != expected:
        raise _fail(_("the check character is wrong (expected {expected})", expected=expected))
    return v


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$")


def phone(value: str) -> str:
    """A mainland mobile (11 digits starting 13-19) or landline (area code + 7-8 digits, optional extension)."""
    v = re.sub(r"[\s()（）]", "", value.strip())
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    if _MOBILE.match(v):
        return v
    if _LANDLINE.match(v):
        return v
    if v.isdigit() and v.startswith("1"):
        raise _fail(_("a mobile number has 11 digits starting 13-19: {value}", value=value))
    raise _fail(_("not a valid mobile or landline number: {value}", value=value))


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: str | date | datetime) -> date:
    """Dates as clerks type them: 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    v = value.strip()
    for pat in _DATE_PATTERNS:
        m = pat.match(v)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise _fail(_("no such date: {v}", v=v))
    raise _fail(_("unrecognised date: {v} (e.g. 2021-03-05)", v=v))


_TIME_PATTERNS = (
    re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$"),
    re.compile(r"^(\d{1,2})点(?:(\d{1,2})分?|半)?$"),
    re.compile(r"^(\d{1,2})时(?:(\d{1,2})分?)?$"),
)


def parse_time(value: str | time) -> time:
    """Times as clerks type them: 9:00, 09:00, 9点, 9点30, 9点半, 14时."""
    if isinstance(value, time):
        return value
    v = value.strip()
    for pat in _TIME_PATTERNS:
        m = pat.match(v)
        if m:
            hour = int(m[1])
            minute = 30 if v.endswith("半") else int(m[2] or 0)
            try:
                return time(hour, minute)
            except ValueError:
                raise _fail(_("no such time: {v}", v=v))
    raise _fail(_("unrecognised time: {v} (e.g. 9:00)", v=v))


def parse_datetime(value: str | datetime) -> datetime:
    """A date and time: '2021-03-05 09:30', '2021-03-05T09:30', or a date alone (midnight)."""
    if isinstance(value, datetime):
        return value
    v = value.strip().replace("T", " ")
    parts = v.split()
    d = parse_date(parts[0])
    if len(parts) == 1:
        return datetime.combine(d, time())
    if len(parts) == 2:
        return datetime.combine(d, parse_time(parts[1]))
    raise _fail(_("unrecognised date and time: {value} (e.g. 2021-03-05 09:30)", value=value))


def shift_span(start: datetime, end: datetime) -> float:
    """A duty shift ends after it starts and lasts at most a day; returns its length in hours."""
    if end <= start:
        raise _fail(_("the end must be after the start"))
    if end - start > timedelta(hours=24):
        raise _fail(_("a duty shift cannot last more than 24 hours"))
    return (end - start).total_seconds() / 3600


def non_negative_int(value: int | str) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        raise _fail(_("must be a whole number: {value}", value=value))
    if n < 0:
        raise _fail(_("cannot be negative: {value}", value=value))
    return n


def required_text(value: str | None, max_len: int = 2000) -> str:
    v = (value or "").strip()
    if not v:
        raise _fail(_("is required"))
    if len(v) > max_len:
        raise _fail(_("cannot be longer than {max_len} characters", max_len=max_len))
    return v


def optional_text(value: str | None, max_len: int = 2000) -> str | None:
    v = (value or "").strip()
    if not v:
        return None
    if len(v) > max_len:
        raise _fail(_("cannot be longer than {max_len} characters", max_len=max_len))
    return v


def code(table, value: str):
    """A value from a code table (Chinese value or English label)."""
    try:
        return table.parse(value)
    except ValueError:
        raise _fail(_("'{value}' is not one of: {allowed}", value=value, allowed=_(", ").join(table.values())))


def station_code(value: str) -> str:
    v = value.strip().upper()
    if not re.match(r"^[A-Z][A-Z0-9]{1,9}$", v):
        raise _fail(_("a station code is 2-10 letters and digits starting with a letter, e.g. S01: {value}", value=value))
    return v
