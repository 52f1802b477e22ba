"""Figures the township's 总览 shows beside the report's: consultations per month and the open mediation cases past 30
days, one by one. They are `stats --json` keys like every other (added, never renamed), so the GUI, the CLI and the
reports read one computation.

- `consultations.by_month`: {"YYYY-MM": count} for the 12 months of the year, zero included, with the same records
  and cut-off as `consultations.total` (so the months add up to it).
- `mediations.overdue_open_cases`: the cases `mediations.overdue_open` counts (same condition, one list), oldest
  first: station code, case number, acceptance date, dispute type, days open on the as-of date. No party names.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, extract, func, select

from station_app.core.codes import MEDIATION_DUE_DAYS, MediationOutcome
from station_app.store.models import Consultation, MediationCase, Station


def overdue_open_clause(year: int, today: date):
    """Open cases accepted before the year's end and more than MEDIATION_DUE_DAYS before `today` (carried-over cases
    included): what `mediations.overdue_open` counts."""
    return and_(MediationCase.deleted.is_(False), MediationCase.outcome == MediationOutcome.IN_PROGRESS.value,
                MediationCase.accepted_on < date(year + 1, 1, 1),
                MediationCase.accepted_on < today - timedelta(days=MEDIATION_DUE_DAYS))


def _month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def consultations_by_month(s, year: int, today: date) -> dict[str, int]:
    # Same window as stats' _consultations: the year, cut at the as-of date.
    end = min(datetime(year + 1, 1, 1), datetime.combine(today + timedelta(days=1), datetime.min.time()))
    month = extract("month", Consultation.occurred_at)  # portable: strftime on SQLite, EXTRACT elsewhere
    out = {_month_key(year, m): 0 for m in range(1, 13)}
    for m, n in s.execute(select(month, func.count()).where(
            Consultation.deleted.is_(False), Consultation.occurred_at >= datetime(year, 1, 1),
            Consultation.occurred_at < end).group_by(month)):
        out[_month_key(year, int(m))] += int(n)
    return out


def overdue_open_cases(s, year: int, today: date) -> list[dict[str, Any]]:
    rows = s.execute(
        select(Station.code, MediationCase.case_no, MediationCase.accepted_on, MediationCase.dispute_type)
        .join(Station, Station.id == MediationCase.station_id, isouter=True)
        .where(overdue_open_clause(year, today))
        .order_by(MediationCase.accepted_on, Station.code, MediationCase.case_no)).all()
    return [{"station": code, "case_no": no, "accepted_on": accepted.isoformat(), "dispute_type": kind,
             "days_open": (today - accepted).days} for code, no, accepted, kind in rows]


def extend_overview(s, stats: dict[str, Any], year: int, today: date) -> dict[str, Any]:
    stats["consultations"]["by_month"] = consultations_by_month(s, year, today)
    stats["mediations"]["overdue_open_cases"] = overdue_open_cases(s, year, today)
    return stats
