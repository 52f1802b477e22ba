"""Township statistics: the yearly figures of the township report, over everything in one database.

`township_stats(db, year)` answers `stats --json` (issue 2, point 8). The township's merged database answers the
same call over every station's records, so everything here is computed from the records themselves (where a shift
took place, when a case was accepted) and never from which installation is asking.

The keys of the contract are public: scripts at the township read them. Extra keys may be added, none renamed.

Which records belong to a year:
- duty shifts by their start (local time), consultations by when they happened, outreach events by their day;
- mediation cases by their acceptance date (受理日期), whatever happened later;
- postings by the period they cover (a 2021-12 finance posting put up in January 2022 is 2021's posting).
Tombstoned records are never counted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, select

from station_app.core.codes import (
    DEFAULT_POSTING_SCHEDULE,
    Channel,
    ConsultationCategory,
    DisputeType,
    MediationOutcome,
    OutreachKind,
    PeriodUnit,
    StationKind,
)
from station_app.core.errors import ValidationError
from station_app.core.i18n import _
from station_app.reports.mediation_stats import mediation_figures
from station_app.services.base import StationDB
from station_app.store.models import (
    Consultation,
    DutyShift,
    MediationCase,
    OutreachEvent,
    Station,
)
from station_app.store.sqlfuncs import epoch_seconds

#: Contract order of the outcome keys.
OUTCOME_KEYS = (MediationOutcome.SUCCESS.value, MediationOutcome.FAILURE.value, MediationOutcome.IN_PROGRESS.value)


def _check_year(year: int) -> int:
    if not isinstance(year, int) or not 1949 <= year <= 2200:
        raise ValidationError.single(_("year"), _("not a year: {year}", year=year))
    return year


def _in_datetime_year(column, year: int, until: date | None = None):
    # `until` (the as-of date) cuts the year: a record dated after it did not exist yet (issue 10).
    end = datetime(year + 1, 1, 1)
    if until is not None:
        end = min(end, datetime.combine(until + timedelta(days=1), datetime.min.time()))
    return and_(column >= datetime(year, 1, 1), column < end)


def _in_date_year(column, year: int, until: date | None = None):
    end = date(year + 1, 1, 1) if until is None else min(date(year + 1, 1, 1), until + timedelta(days=1))
    return and_(column >= date(year, 1, 1), column < end)


def _counts(keys: list[str], rows) -> dict[str, int]:
    """Every code value present (zero included) in code-table order; values outside the table are kept after them."""
    out = {k: 0 for k in keys}
    for key, n in rows:
        out[key] = out.get(key, 0) + int(n)
    return out


def township_stats(db: StationDB, year: int, *, today: date | None = None) -> dict[str, Any]:
    """The figures of `year` as the `stats --json` contract shapes them (plus a few extra keys)."""
    _check_year(year)
    today = today or date.today()
    with db.read() as s:
        codes = dict(s.execute(select(Station.id, Station.code)).all())
        stats = {
            "year": year,
            "duty": _duty(s, year, codes, today),
            "consultations": _consultations(s, year, codes, today),
            "mediations": {**_mediations(s, year, today, codes), **mediation_figures(s, year, today)},
            "outreach": _outreach(s, year, today),
            "postings": _postings(s, year, today),
        }
        from station_app.reports.records_stats import extend_stats  # issue 10's keys, as of `today`

        from station_app.reports.overview_stats import extend_overview  # consultations by month, overdue cases

        return extend_overview(s, extend_stats(s, stats, year, today), year, today)


# -- duty -------------------------------------------------------------------------------------------------------
def _half_up(value: Decimal, places: int) -> float:
    # Township figures are rounded the way people round (2.25 h -> 2.3 h), not to even.
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _hours(seconds: int | None) -> float:
    return _half_up(Decimal(int(seconds or 0)) / 3600, 1)


def _seconds(column):
    return epoch_seconds(column)  # strftime('%s') on SQLite, extract(epoch) on PostgreSQL (store/sqlfuncs.py)


def _duty(s, year: int, codes: dict[str, str], until: date | None = None) -> dict[str, Any]:
    live = and_(DutyShift.deleted.is_(False), _in_datetime_year(DutyShift.start_at, year, until))
    seconds = func.sum(_seconds(DutyShift.end_at) - _seconds(DutyShift.start_at))
    per_place = s.execute(
        select(DutyShift.place_station_id, Station.kind, func.count(), seconds, func.sum(DutyShift.people_served))
        .join(Station, Station.id == DutyShift.place_station_id, isouter=True)
        .where(live).group_by(DutyShift.place_station_id, Station.kind)
    ).all()
    shifts = {StationKind.VILLAGE.value: 0, StationKind.CENTRE.value: 0}
    total_seconds = people = 0
    by_station: dict[str, dict[str, Any]] = {}
    for place_id, kind, n, secs, served in per_place:
        if kind in shifts:
            shifts[kind] += n
        total_seconds += secs or 0
        people += served or 0
        by_station[codes.get(place_id, place_id)] = {"shifts": n, "hours": _hours(secs),
                                                     "people_served": int(served or 0)}
    return {
        "shifts": shifts,
        "hours": _hours(total_seconds),
        "people_served": int(people),
        "by_station": dict(sorted(by_station.items())),
    }


# -- consultations ----------------------------------------------------------------------------------------------
def _consultations(s, year: int, codes: dict[str, str], until: date | None = None) -> dict[str, Any]:
    live = and_(Consultation.deleted.is_(False), _in_datetime_year(Consultation.occurred_at, year, until))

    def grouped(column):
        return s.execute(select(column, func.count()).where(live).group_by(column)).all()

    by_station = {codes.get(sid, sid): n for sid, n in grouped(Consultation.station_id)}
    by_channel = _counts(Channel.values(), grouped(Consultation.channel))
    return {
        "total": sum(by_channel.values()),
        "by_channel": by_channel,
        "by_category": _counts(ConsultationCategory.values(), grouped(Consultation.category)),
        "by_station": dict(sorted(by_station.items())),
    }


# -- mediations -------------------------------------------------------------------------------------------------
def _mediations(s, year: int, today: date, codes: dict[str, str]) -> dict[str, Any]:
    # 不予受理 is not an accepted case (glossary): it is counted in mediation_stats, not here.
    live = and_(MediationCase.deleted.is_(False), _in_date_year(MediationCase.accepted_on, year, today),
                MediationCase.outcome != MediationOutcome.REFUSED.value)
    by_outcome = _counts(list(OUTCOME_KEYS), s.execute(
        select(MediationCase.outcome, func.count()).where(live).group_by(MediationCase.outcome)).all())
    by_type = _counts(DisputeType.values(), s.execute(
        select(MediationCase.dispute_type, func.count()).where(live).group_by(MediationCase.dispute_type)).all())
    amount, prevented_cases, prevented_persons = s.execute(
        select(
            func.coalesce(func.sum(MediationCase.amount_fen), 0),
            func.coalesce(func.sum(case((MediationCase.prevented_criminal.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((MediationCase.prevented_criminal.is_(True),
                                         MediationCase.prevented_criminal_persons), else_=0)), 0),
        ).where(live)
    ).one()
    # Practice: a case should settle within 30 days of acceptance; still open after that is flagged, including
    # cases carried over from earlier years (still open, so overdue), unless accepted after the year.
    from station_app.reports.overview_stats import overdue_open_clause  # the 总览 lists these cases one by one

    overdue_open = s.execute(select(func.count()).select_from(MediationCase).where(
        overdue_open_clause(year, today))).scalar_one()
    by_station = {codes.get(sid, sid): n for sid, n in s.execute(
        select(MediationCase.station_id, func.count()).where(live).group_by(MediationCase.station_id)).all()}
    settled, failed = by_outcome[MediationOutcome.SUCCESS.value], by_outcome[MediationOutcome.FAILURE.value]
    return {
        "accepted": sum(by_outcome.values()),
        "by_outcome": by_outcome,
        "success_rate": _half_up(Decimal(settled) / (settled + failed), 4) if settled + failed else None,
        "by_type": by_type,
        "amount_fen": int(amount),
        "prevented_criminal": {"cases": int(prevented_cases), "persons": int(prevented_persons)},
        "overdue_open": int(overdue_open),
        "by_station": dict(sorted(by_station.items())),
    }


# -- outreach ---------------------------------------------------------------------------------------------------
def _outreach(s, year: int, until: date | None = None) -> dict[str, Any]:
    live = and_(OutreachEvent.deleted.is_(False), _in_date_year(OutreachEvent.held_on, year, until))
    per_kind = {kind: (n, att or 0, mat or 0) for kind, n, att, mat in s.execute(
        select(OutreachEvent.kind, func.count(), func.sum(OutreachEvent.attendees), func.sum(OutreachEvent.materials))
        .where(live).group_by(OutreachEvent.kind)).all()}
    return {
        "lectures": per_kind.get(OutreachKind.LECTURE.value, (0, 0, 0))[0],
        "campaigns": per_kind.get(OutreachKind.CAMPAIGN.value, (0, 0, 0))[0],
        "attendees": int(sum(v[1] for v in per_kind.values())),
        "materials": int(sum(v[2] for v in per_kind.values())),
        "consultation_days": per_kind.get(OutreachKind.CONSULTATION_DAY.value, (0, 0, 0))[0],
    }


# -- postings ---------------------------------------------------------------------------------------------------
def schedule_of(station_schedule: dict | None) -> dict[str, PeriodUnit | None]:
    """A station's posting schedule: the default, overridden per category by Station.posting_schedule.

    An override maps a category to "month", "quarter" or "year"; null means that category is not required there.
    """
    out: dict[str, PeriodUnit | None] = {k: PeriodUnit(v) for k, v in DEFAULT_POSTING_SCHEDULE.items()}
    for category, unit in (station_schedule or {}).items():
        if category in out:
            try:
                out[category] = PeriodUnit(unit) if unit else None
            except ValueError:
                pass  # an unreadable override keeps the default rather than hiding overdue periods
    return out


def _postings(s, year: int, today: date) -> dict[str, Any]:
    # Statuses with the grace period (issue 10) live in records_stats; the keys here are unchanged.
    from station_app.reports.records_stats import postings_figures
    from station_app.services.settings import read_setting

    return postings_figures(s, year, today, read_setting(s, "posting_grace_days"))


def format_stats(stats: dict[str, Any]) -> str:
    """A readable summary in the township report's style, in the current language (reports/summary_text.py)."""
    from station_app.reports.summary_text import format_stats as summary

    return summary(stats)
