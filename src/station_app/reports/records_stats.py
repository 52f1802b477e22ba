"""Figures of issue 10, computed as of a date: 三务 period statuses, advisers' standards, consultation persons and
referrals, outreach organisers, the 矛盾纠纷排查 register.

Every function counts what existed on `as_of`: a record whose own date (posted, found, held, happened) is after it
is left out, and a state reached after it (an answer given, a case settled) is not yet reached.
`reports/stats.py` hooks these into the `stats --json` dict; the keys it already had keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from station_app.core.codes import (
    DEFAULT_POSTING_SCHEDULE,
    POSTING_BASIS,
    PeriodUnit,
    PostingCategory,
    PostingStatus,
    StationKind,
)
from station_app.core.errors import ValidationError
from station_app.core.i18n import tr
from station_app.core.periods import Period, parse_period, periods_of_year
from station_app.store.models import Posting, Station


def rate(part: int, whole: int) -> float | None:
    """A share rounded the way people round (half up), 4 places; None when there is nothing to divide."""
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def day_after(d: date) -> datetime:
    """The first moment after the day `d` (for date-time columns: < day_after(as_of))."""
    return datetime.combine(d + timedelta(days=1), datetime.min.time())


# -- 三务公开 -----------------------------------------------------------------------------------------------------
def schedule_of(station_schedule: dict | None) -> dict[str, PeriodUnit | None]:
    """A station's posting schedule: the default, overridden per category by Station.posting_schedule
    (a category mapped to null is not required there; an unreadable override keeps the default)."""
    out: dict[str, PeriodUnit | None] = {k: PeriodUnit(v) for k, v in DEFAULT_POSTING_SCHEDULE.items()}
    for category, unit in (station_schedule or {}).items():
        if category in out:
            try:
                out[category] = PeriodUnit(unit) if unit else None
            except ValueError:
                pass
    return out


def schedule_with_basis(station_schedule: dict | None) -> list[dict[str, Any]]:
    """Each category's frequency with the rule it comes from (§30 covers 村务 and 财务; 党务 has its own rules)."""
    out = []
    for category, unit in schedule_of(station_schedule).items():
        out.append({"category": category, "unit": unit.value if unit else None, "basis": tr(POSTING_BASIS[category])})
    return out


def due_on(period: Period, grace_days: int) -> date:
    """Last day on which the period's posting is on time."""
    return period.end + timedelta(days=grace_days)


@dataclass(frozen=True)
class PeriodStatus:
    station: str
    category: str
    period: str
    due_on: date
    status: str  # PostingStatus
    posted_on: date | None

    def as_dict(self) -> dict[str, Any]:
        return {"station": self.station, "category": self.category, "period": self.period,
                "due_on": self.due_on.isoformat(), "status": self.status,
                "posted_on": self.posted_on.isoformat() if self.posted_on else None}


def posting_statuses(s: Session, year: int, as_of: date, grace_days: int,
                     station_id: str | None = None) -> list[PeriodStatus]:
    """Every required period of `year` that has begun by `as_of`, per village and category, with its status.

    A period counts as posted by the earliest scheduled posting of it (or of a shorter period inside it) that
    went up on or before `as_of`; 随时公开 items never fill a period. On time = posted by period end + grace days.
    """
    stmt = select(Station.id, Station.code, Station.posting_schedule).where(
        Station.kind == StationKind.VILLAGE.value, Station.deleted.is_(False))
    if station_id is not None:
        stmt = stmt.where(Station.id == station_id)
    villages = s.execute(stmt).all()
    posted: dict[tuple[str, str], list[tuple[Period, date]]] = {}
    for sid, category, period, first in s.execute(
        select(Posting.station_id, Posting.category, Posting.period, func.min(Posting.posted_on))
        .where(Posting.deleted.is_(False), Posting.immediate.is_(False), Posting.posted_on <= as_of,
               (Posting.period == f"{year:04d}") | Posting.period.like(f"{year:04d}-%"))
        .group_by(Posting.station_id, Posting.category, Posting.period)
    ).all():
        try:
            posted.setdefault((sid, category), []).append((parse_period(period), first))
        except ValidationError:
            continue
    out: list[PeriodStatus] = []
    for sid, code, schedule in villages:
        for category, unit in schedule_of(schedule).items():
            if unit is None:
                continue
            have = posted.get((sid, category), [])
            for required in periods_of_year(year, unit):
                if required.start > as_of:
                    continue
                due = due_on(required, grace_days)
                dates = [d for p, d in have if required.covers(p)]
                first = min(dates) if dates else None
                if first is not None:
                    status = PostingStatus.ON_TIME if first <= due else PostingStatus.LATE
                else:
                    status = PostingStatus.OVERDUE if as_of > due else PostingStatus.NOT_YET_DUE
                out.append(PeriodStatus(code, category, str(required), due, status.value, first))
    out.sort(key=lambda x: (x.station, x.category, x.period))
    return out


def postings_figures(s: Session, year: int, as_of: date, grace_days: int) -> dict[str, Any]:
    """The `postings` block of `stats`: postings of the year's periods put up by `as_of`; statuses of periods."""
    live = and_(Posting.deleted.is_(False), Posting.posted_on <= as_of,
                (Posting.period == f"{year:04d}") | Posting.period.like(f"{year:04d}-%"))
    by_category = {k: 0 for k in PostingCategory.values()}
    for category, n in s.execute(select(Posting.category, func.count()).where(live).group_by(Posting.category)):
        by_category[category] = by_category.get(category, 0) + n
    # "期" counts periods: one period posted in two parts (or re-posted) is one 期.
    periods = {k: 0 for k in PostingCategory.values()}
    for category, n in s.execute(
            select(Posting.category, func.count(func.distinct(Posting.station_id + "|" + Posting.period)))
            .where(live, Posting.immediate.is_(False)).group_by(Posting.category)):
        periods[category] = periods.get(category, 0) + n
    immediate = s.execute(select(func.count()).where(live, Posting.immediate.is_(True))).scalar_one()
    villages = s.execute(select(func.count()).select_from(Station).where(
        Station.kind == StationKind.VILLAGE.value, Station.deleted.is_(False))).scalar_one()
    statuses = posting_statuses(s, year, as_of, grace_days)

    def listed(status: PostingStatus, *, with_date: bool) -> list[dict[str, str]]:
        return [{"station": x.station, "category": x.category, "period": x.period}
                | ({"posted_on": x.posted_on.isoformat()} if with_date and x.posted_on else {})
                for x in statuses if x.status == status.value]

    return {
        "total": sum(by_category.values()),
        "by_category": by_category,
        "overdue": listed(PostingStatus.OVERDUE, with_date=False),
        "villages": villages,
        "late": listed(PostingStatus.LATE, with_date=True),
        "periods": periods,
        "immediate": int(immediate),
        "grace_days": grace_days,
        "by_status": {st.value: sum(1 for x in statuses if x.status == st.value) for st in PostingStatus},
    }


# -- the other blocks: new keys beside the existing ones -----------------------------------------------------------
def extend_stats(s: Session, stats: dict[str, Any], year: int, as_of: date) -> dict[str, Any]:
    """Add issue 10's keys to the blocks of `township_stats` (existing keys are never touched) and the
    `screening` block."""
    from station_app.services.settings import read_setting
    from station_app.services.standards import month_hours

    hours_std = read_setting(s, "adviser_hours_per_month")
    stats["duty"]["below_standard"] = [
        {"adviser": r.adviser, "station": r.station, "month": r.month, "hours": r.hours}
        for r in month_hours(s, year, as_of, hours_std) if r.below]
    stats["duty"]["hours_standard"] = hours_std
    stats["consultations"].update(consultation_figures(s, year, as_of))
    stats["outreach"].update(outreach_figures(s, year, as_of))
    stats["screening"] = screening_figures(s, year, as_of)
    return stats


def consultation_figures(s: Session, year: int, as_of: date) -> dict[str, Any]:
    from station_app.core.codes import Referral
    from station_app.store.models import Consultation

    live = and_(Consultation.deleted.is_(False), Consultation.occurred_at >= datetime(year, 1, 1),
                Consultation.occurred_at < day_after(min(as_of, date(year, 12, 31))))
    persons = s.execute(select(func.coalesce(func.sum(Consultation.persons), 0)).where(live)).scalar_one()
    by_referral = {k: 0 for k in Referral.values()}
    for referral, n in s.execute(select(Consultation.referral, func.count()).where(live)
                                 .group_by(Consultation.referral)):
        by_referral[referral] = by_referral.get(referral, 0) + n
    # 约期答复 still owed on as_of: a follow-up date was set and no answer had been given by then.
    pending = s.execute(select(func.count()).where(
        live, Consultation.follow_up_on.is_not(None),
        or_(Consultation.answered_on.is_(None), Consultation.answered_on > as_of))).scalar_one()
    return {"persons": int(persons), "by_referral": by_referral, "pending_answers": int(pending)}


def outreach_figures(s: Session, year: int, as_of: date) -> dict[str, Any]:
    from station_app.core.codes import Organiser, OutreachKind
    from station_app.store.models import OutreachEvent

    live = and_(OutreachEvent.deleted.is_(False), OutreachEvent.held_on >= date(year, 1, 1),
                OutreachEvent.held_on <= min(as_of, date(year, 12, 31)))
    by_organiser = {k: 0 for k in Organiser.values()}
    for organiser, n in s.execute(select(OutreachEvent.organiser, func.count()).where(live)
                                  .group_by(OutreachEvent.organiser)):
        by_organiser[organiser] = by_organiser.get(organiser, 0) + n
    adviser_lectures = s.execute(select(func.count()).where(
        live, OutreachEvent.kind == OutreachKind.LECTURE.value,
        OutreachEvent.organiser == Organiser.ADVISER.value)).scalar_one()
    villages: set[str] = set()
    themes: dict[str, int] = {}
    for covered, theme in s.execute(select(OutreachEvent.villages, OutreachEvent.theme).where(live)):
        villages.update(v for v in (covered or []) if isinstance(v, str))
        if theme:
            themes[theme] = themes.get(theme, 0) + 1
    known = set(s.execute(select(Station.id).where(Station.kind == StationKind.VILLAGE.value,
                                                   Station.deleted.is_(False))).scalars())
    return {"by_organiser": by_organiser, "adviser_lectures": int(adviser_lectures),
            "villages_covered": len(villages & known), "by_theme": dict(sorted(themes.items()))}


def screening_figures(s: Session, year: int, as_of: date) -> dict[str, Any]:
    """Found (by the day found), resolved (on the spot or handed on with a resolved date by as_of, or the linked
    mediation case settled by as_of), the resolution rate. An item counts once, however it was resolved."""
    from station_app.core.codes import MediationOutcome
    from station_app.store.models import MediationCase, ScreeningItem

    upto = min(as_of, date(year, 12, 31))
    rows = s.execute(
        select(ScreeningItem.resolved_on, MediationCase.outcome, MediationCase.closed_on, ScreeningItem.action)
        .outerjoin(MediationCase, and_(MediationCase.id == ScreeningItem.mediation_case_id,
                                       MediationCase.deleted.is_(False)))
        .where(ScreeningItem.deleted.is_(False), ScreeningItem.found_on >= date(year, 1, 1),
               ScreeningItem.found_on <= upto)).all()
    resolved = 0
    by_action: dict[str, int] = {}
    for resolved_on, outcome, closed_on, action in rows:
        by_action[action] = by_action.get(action, 0) + 1
        if resolved_on is not None and resolved_on <= as_of:
            resolved += 1
        elif outcome == MediationOutcome.SUCCESS.value and closed_on is not None and closed_on <= as_of:
            resolved += 1
    return {"found": len(rows), "resolved": resolved, "resolution_rate": rate(resolved, len(rows)),
            "by_action": by_action}
