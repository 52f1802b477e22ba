"""Posting periods: a month (2021-03), a quarter (2021-Q1) or a year (2021)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from station_app.core.codes import PeriodUnit
from station_app.core.errors import ValidationError
from station_app.core.i18n import _

_CN_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    unit: PeriodUnit
    index: int  # month 1-12, quarter 1-4, or 1 for a year

    def __str__(self) -> str:
        if self.unit is PeriodUnit.MONTH:
            return f"{self.year:04d}-{self.index:02d}"
        if self.unit is PeriodUnit.QUARTER:
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def start(self) -> date:
        if self.unit is PeriodUnit.MONTH:
            return date(self.year, self.index, 1)
        if self.unit is PeriodUnit.QUARTER:
            return date(self.year, 3 * self.index - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """Last day of the period."""
        from datetime import timedelta

        if self.unit is PeriodUnit.MONTH:
            nxt = date(self.year + (self.index == 12), self.index % 12 + 1, 1)
        elif self.unit is PeriodUnit.QUARTER:
            nxt = date(self.year + (self.index == 4), (3 * self.index) % 12 + 1, 1)
        else:
            nxt = date(self.year + 1, 1, 1)
        return nxt - timedelta(days=1)

    def covers(self, other: "Period") -> bool:
        """True when this period contains `other` (a year covers its quarters and months)."""
        return self.start <= other.start and other.end <= self.end


def parse_period(value: str) -> Period:
    """2021-03, 2021年3月, 2021-Q1, 2021Q1, 2021年第一季度, 2021, 2021年."""
    v = value.strip().replace(" ", "")
    m = re.match(r"^(\d{4})[-./](\d{1,2})$", v) or re.match(r"^(\d{4})年(\d{1,2})月(份)?$", v)
    if m:
        month = int(m[2])
        if 1 <= month <= 12:
            return Period(int(m[1]), PeriodUnit.MONTH, month)
    m = re.match(r"^(\d{4})-?[Qq]([1-4])$", v) or re.match(r"^(\d{4})年?第?([一二三四1-4])季度?$", v)
    if m:
        return Period(int(m[1]), PeriodUnit.QUARTER, _CN_QUARTERS[m[2]])
    m = re.match(r"^(\d{4})年?(度)?$", v)
    if m:
        return Period(int(m[1]), PeriodUnit.YEAR, 1)
    raise ValidationError.single(
        "", _("unrecognised period: {value} (e.g. 2021-03, 2021-Q1, 2021)", value=value))


def periods_of_year(year: int, unit: PeriodUnit) -> list[Period]:
    count = {PeriodUnit.MONTH: 12, PeriodUnit.QUARTER: 4, PeriodUnit.YEAR: 1}[unit]
    return [Period(year, unit, i) for i in range(1, count + 1)]


def period_containing(d: date, unit: PeriodUnit) -> Period:
    if unit is PeriodUnit.MONTH:
        return Period(d.year, unit, d.month)
    if unit is PeriodUnit.QUARTER:
        return Period(d.year, unit, (d.month - 1) // 3 + 1)
    return Period(d.year, unit, 1)
