"""This station's own settings that travel with its station record (e.g. its 三务公开 schedule)."""

from __future__ import annotations

from station_app.core import validators as v
from station_app.core.codes import DEFAULT_POSTING_SCHEDULE, PeriodUnit, PostingCategory
from station_app.core.errors import Problems
from station_app.core.i18n import _, pgettext
from station_app.services.base import ChangeSet, StationDB
from station_app.store.models import Station


def posting_schedule(station: Station) -> dict[str, str | None]:
    """Effective schedule: category -> "month" | "quarter" | "year" | None (not required here)."""
    out: dict[str, str | None] = dict(DEFAULT_POSTING_SCHEDULE)
    out.update({k: v_ for k, v_ in (station.posting_schedule or {}).items() if k in out})
    return out


def set_posting_schedule(db: StationDB, actor: str, category: str, unit: str | None) -> ChangeSet:
    """How often this village must publish one 三务 category; unit None means it is not required here.

    Stored on the station record, so the township's overdue report uses the same schedule.
    """
    problems = Problems()
    cat = problems.check(pgettext("station_app.services.stations", "category"), v.code, PostingCategory, category)
    unit_value = None
    if unit not in (None, "", "none", "无"):
        parsed = problems.check(_("frequency"), v.code, PeriodUnit, unit)
        unit_value = parsed.value if parsed else None
    problems.raise_if_any()
    with db.write(actor) as w:
        station = db.station(w.session)
        schedule = dict(station.posting_schedule or {})
        schedule[cat.value] = unit_value
        if schedule == {k: val for k, val in DEFAULT_POSTING_SCHEDULE.items() if k in schedule}:
            schedule = None  # back to the default: store nothing rather than a copy of it
        w.update(station, posting_schedule=schedule)
    return w.result
