"""Dates in Chinese form for the UI (2021年3月5日), ISO in files; English gets an unambiguous day-month-year."""

from __future__ import annotations

from datetime import date, datetime

from station_app.core.i18n import language

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def zh_date(d: date | None) -> str:
    if d is None:
        return ""
    if language() == "en":
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


def zh_datetime(d: datetime | None) -> str:
    if d is None:
        return ""
    return f"{zh_date(d.date())} {d:%H:%M}"


def zh_month(year: int, month: int) -> str:
    if language() == "en":
        return f"{_MONTHS[month - 1]} {year}"
    return f"{year}年{month}月"
