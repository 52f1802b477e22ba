"""Advisers' contracts and standards: which villages an adviser serves (with contract dates), the village's monthly
confirmation of the work log, and the township's check of hours and lectures against its standards.

The standards are settings (services/settings.py): hours on site per village per month (default 4) and law lectures
per village per quarter (default 1). Township staff pay advisers' subsidies on the hours, so the query answers per
adviser × village × month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.codes import ConfirmationMethod, OutreachKind, PeriodUnit, StationKind
from station_app.core.errors import Problems, StateError, ValidationError
from station_app.core.i18n import _, N_, NP_, pgettext
from station_app.core.periods import Period, period_containing, periods_of_year
from station_app.services.advisers import resolve_adviser
from station_app.services.base import ChangeSet, StationDB
from station_app.services.duty import resolve_station
from station_app.services.fields import Spec, clean, code_of, text as text_of
from station_app.store.models import Adviser, AdviserAssignment, DutyConfirmation, DutyShift, OutreachEvent, Station
from station_app.store.sqlfuncs import epoch_seconds, year_month

ASSIGNMENT_SPECS: dict[str, Spec] = {
    "adviser_id": Spec(N_("adviser"), lambda r: v.required_text(str(r), 64), required=True),
    "village_station_id": Spec(NP_("station_app.services.standards.ASSIGNMENT_SPECS", "village"), lambda r: v.required_text(str(r), 36), required=True),
    "starts_on": Spec(N_("contract start"), v.parse_date, required=True),
    "ends_on": Spec(N_("contract end"), v.parse_date),
    "contract_no": Spec(N_("contract no."), lambda r: v.optional_text(r, 64)),
}

CONFIRM_SPECS: dict[str, Spec] = {
    "adviser_id": Spec(N_("adviser"), lambda r: v.required_text(str(r), 64), required=True),
    "place_station_id": Spec(NP_("station_app.services.standards.CONFIRM_SPECS", "village"), lambda r: v.required_text(str(r), 36)),
    "month": Spec(N_("month"), lambda r: _month(r), required=True),
    "confirmed_on": Spec(NP_("station_app.services.standards.CONFIRM_SPECS", "confirmed on"), v.parse_date, required=True),
    "confirmed_by": Spec(N_("confirmed by"), text_of(64), required=True),
    "method": Spec(N_("method"), code_of(ConfirmationMethod), default=ConfirmationMethod.SIGNED.value),
}


def _month(raw: Any) -> str:
    from station_app.core.periods import parse_period

    p = parse_period(str(raw))
    if p.unit is not PeriodUnit.MONTH:
        raise v._fail(_("must be a month, e.g. 2021-03: {raw}", raw=raw))
    return str(p)


def _village(session: Session, ref: str, label: str) -> Station:
    station = resolve_station(session, ref, field=label)
    if station.kind != StationKind.VILLAGE.value:
        raise ValidationError.single(label, _("{code} is not a village station", code=station.code))
    return station


# -- assignments ------------------------------------------------------------------------------------------------
def assign(db: StationDB, actor: str, data: dict[str, Any]) -> ChangeSet:
    """An adviser serves a village from `starts_on` to `ends_on` (open-ended when empty) under a contract.
    Two contracts of one adviser for one village may not overlap."""
    values = clean(ASSIGNMENT_SPECS, data)
    problems = Problems()
    if values.get("ends_on") and values["ends_on"] < values["starts_on"]:
        problems.add(ASSIGNMENT_SPECS["ends_on"].label, _("is before the contract starts"))
    problems.raise_if_any()
    with db.write(actor) as w:
        adviser = resolve_adviser(w.session, values["adviser_id"], field=ASSIGNMENT_SPECS["adviser_id"].label)
        village = _village(w.session, values["village_station_id"], ASSIGNMENT_SPECS["village_station_id"].label)
        end = values.get("ends_on") or date.max
        for other in w.session.execute(select(AdviserAssignment).where(
                AdviserAssignment.adviser_id == adviser.id, AdviserAssignment.village_station_id == village.id,
                AdviserAssignment.deleted.is_(False))).scalars():
            if other.starts_on <= end and values["starts_on"] <= (other.ends_on or date.max):
                raise StateError(_("{name} already serves {code} from {start} to {end}: the dates overlap",
                                   name=adviser.name, code=village.code, start=other.starts_on,
                                   end=other.ends_on or pgettext("open-ended contract", "now")))
        w.add(AdviserAssignment(adviser_id=adviser.id, village_station_id=village.id, starts_on=values["starts_on"],
                                ends_on=values.get("ends_on"), contract_no=values.get("contract_no")))
    return w.result


def end_assignment(db: StationDB, actor: str, assignment_id: str, ends_on: date | str) -> ChangeSet:
    day = v.parse_date(ends_on)
    with db.write(actor) as w:
        a = db.get(w.session, AdviserAssignment, assignment_id)
        if day < a.starts_on:
            raise ValidationError.single(ASSIGNMENT_SPECS["ends_on"].label,
                                         _("is before the contract starts"))
        w.update(a, ends_on=day)
    return w.result


def list_assignments(db: StationDB, *, on: date | None = None) -> list[dict[str, Any]]:
    stmt = (select(AdviserAssignment, Adviser.name, Station.code)
            .join(Adviser, Adviser.id == AdviserAssignment.adviser_id)
            .join(Station, Station.id == AdviserAssignment.village_station_id)
            .where(AdviserAssignment.deleted.is_(False)))
    if on is not None:
        stmt = stmt.where(AdviserAssignment.starts_on <= on,
                          or_(AdviserAssignment.ends_on.is_(None), AdviserAssignment.ends_on >= on))
    with db.read() as s:
        return [{"id": a.id, "adviser_id": a.adviser_id, "adviser": name, "village": code,
                 "starts_on": a.starts_on.isoformat(), "ends_on": a.ends_on.isoformat() if a.ends_on else None,
                 "contract_no": a.contract_no}
                for a, name, code in s.execute(stmt.order_by(Station.code, Adviser.name, AdviserAssignment.starts_on))]


# -- the village's confirmation of a month ------------------------------------------------------------------------
def confirm_month(db: StationDB, actor: str, data: dict[str, Any]) -> ChangeSet:
    """The village confirms (签字/盖章) an adviser's work log of one month there; the month's shifts then lock.
    Only a month that has begun can be confirmed, on or after its first day, once."""
    values = clean(CONFIRM_SPECS, data)
    month = Period(int(values["month"][:4]), PeriodUnit.MONTH, int(values["month"][5:]))
    if values["confirmed_on"] < month.start:
        raise ValidationError.single(CONFIRM_SPECS["confirmed_on"].label, _("{confirmed_on} is before {month}", confirmed_on=values['confirmed_on'], month=values['month']))
    with db.write(actor) as w:
        adviser = resolve_adviser(w.session, values["adviser_id"], field=CONFIRM_SPECS["adviser_id"].label)
        place = (_village(w.session, values["place_station_id"], CONFIRM_SPECS["place_station_id"].label)
                 if values.get("place_station_id") else db.station(w.session))
        done = w.session.execute(select(DutyConfirmation).where(
            DutyConfirmation.adviser_id == adviser.id, DutyConfirmation.place_station_id == place.id,
            DutyConfirmation.month == values["month"], DutyConfirmation.deleted.is_(False))).scalar_one_or_none()
        if done is not None:
            raise StateError(_("{month} was confirmed on {confirmed_on}", month=values['month'], confirmed_on=done.confirmed_on))
        w.add(DutyConfirmation(adviser_id=adviser.id, place_station_id=place.id, month=values["month"],
                               confirmed_on=values["confirmed_on"], confirmed_by=values["confirmed_by"],
                               method=values["method"]))
    return w.result


def withdraw_confirmation(db: StationDB, actor: str, confirmation_id: str) -> ChangeSet:
    """Undo a confirmation entered by mistake (a tombstone keeps the trace); the month can be corrected again."""
    return db.tombstone(actor, DutyConfirmation, confirmation_id)


# -- standards ----------------------------------------------------------------------------------------------------
def _seconds(column):
    return epoch_seconds(column)  # strftime('%s') on SQLite, extract(epoch) on PostgreSQL (store/sqlfuncs.py)


@dataclass(frozen=True)
class MonthHours:
    adviser_id: str
    adviser: str
    station: str
    month: str
    hours: float
    standard: float
    complete: bool  # the month is over as of the query date
    confirmed: bool

    @property
    def below(self) -> bool:
        return self.complete and self.hours < self.standard

    def as_dict(self) -> dict[str, Any]:
        return {"adviser_id": self.adviser_id, "adviser": self.adviser, "station": self.station, "month": self.month,
                "hours": self.hours, "standard": self.standard, "complete": self.complete,
                "confirmed": self.confirmed, "below_standard": self.below}


def _active_months(starts: date, ends: date | None, year: int) -> set[str]:
    out = set()
    for p in periods_of_year(year, PeriodUnit.MONTH):
        if starts <= p.end and (ends is None or ends >= p.start):
            out.add(str(p))
    return out


def month_hours(s: Session, year: int, as_of: date, standard: float) -> list[MonthHours]:
    """Hours on site per adviser × village × month of `year` up to `as_of`: every month of an adviser's contract
    with a village, and every month an adviser served a village without one. Shifts after `as_of` are left out."""
    from station_app.reports.records_stats import day_after

    secs = func.sum(_seconds(DutyShift.end_at) - _seconds(DutyShift.start_at))
    month = year_month(DutyShift.start_at)
    served: dict[tuple[str, str, str], int] = {}
    for adviser_id, place_id, m, total in s.execute(
        select(DutyShift.adviser_id, DutyShift.place_station_id, month, secs)
        .join(Station, Station.id == DutyShift.place_station_id)
        .where(DutyShift.deleted.is_(False), Station.kind == StationKind.VILLAGE.value,
               DutyShift.start_at >= datetime(year, 1, 1), DutyShift.start_at < day_after(min(as_of, date(year, 12, 31))))
        .group_by(DutyShift.adviser_id, DutyShift.place_station_id, month)
    ):
        served[(adviser_id, place_id, m)] = int(total or 0)
    keys = set(served)
    for a in s.execute(select(AdviserAssignment).where(AdviserAssignment.deleted.is_(False))).scalars():
        for m in _active_months(a.starts_on, a.ends_on, year):
            keys.add((a.adviser_id, a.village_station_id, m))
    confirmed = {(c.adviser_id, c.place_station_id, c.month) for c in s.execute(
        select(DutyConfirmation).where(DutyConfirmation.deleted.is_(False), DutyConfirmation.confirmed_on <= as_of,
                                       DutyConfirmation.month.like(f"{year:04d}-%"))).scalars()}
    names = dict(s.execute(select(Adviser.id, Adviser.name)).all())
    codes = dict(s.execute(select(Station.id, Station.code)).all())
    out = []
    for adviser_id, place_id, m in keys:
        p = Period(int(m[:4]), PeriodUnit.MONTH, int(m[5:]))
        if p.start > as_of:
            continue
        hours = round(served.get((adviser_id, place_id, m), 0) / 3600, 2)
        out.append(MonthHours(adviser_id, names.get(adviser_id, adviser_id), codes.get(place_id, place_id), m,
                              hours, float(standard), p.end < as_of, (adviser_id, place_id, m) in confirmed))
    out.sort(key=lambda r: (r.station, r.adviser, r.month))
    return out


@dataclass(frozen=True)
class QuarterLectures:
    adviser: str
    station: str
    quarter: str
    lectures: int
    standard: int
    complete: bool

    def as_dict(self) -> dict[str, Any]:
        return {"adviser": self.adviser, "station": self.station, "quarter": self.quarter, "lectures": self.lectures,
                "standard": self.standard, "complete": self.complete,
                "below_standard": self.complete and self.lectures < self.standard}


def quarter_lectures(s: Session, year: int, as_of: date, standard: int) -> list[QuarterLectures]:
    """Law lectures an adviser gave per village and quarter (the village where it was recorded or a village it
    covered), for every quarter of the adviser's contract with the village up to `as_of`."""
    from station_app.core.codes import Organiser

    names = dict(s.execute(select(Adviser.id, Adviser.name)).all())
    codes = dict(s.execute(select(Station.id, Station.code)).all())
    counts: dict[tuple[str, str, str], int] = {}
    for e in s.execute(select(OutreachEvent).where(
            OutreachEvent.deleted.is_(False), OutreachEvent.kind == OutreachKind.LECTURE.value,
            OutreachEvent.adviser_id.is_not(None), OutreachEvent.organiser == Organiser.ADVISER.value,
            OutreachEvent.held_on >= date(year, 1, 1), OutreachEvent.held_on <= min(as_of, date(year, 12, 31)))).scalars():
        q = str(period_containing(e.held_on, PeriodUnit.QUARTER))
        for village in set(e.villages or []) | {e.station_id}:
            counts[(e.adviser_id, village, q)] = counts.get((e.adviser_id, village, q), 0) + 1
    keys = {k for k in counts if codes.get(k[1])}
    for a in s.execute(select(AdviserAssignment).where(AdviserAssignment.deleted.is_(False))).scalars():
        for p in periods_of_year(year, PeriodUnit.QUARTER):
            if a.starts_on <= p.end and (a.ends_on is None or a.ends_on >= p.start):
                keys.add((a.adviser_id, a.village_station_id, str(p)))
    kinds = dict(s.execute(select(Station.id, Station.kind)).all())
    out = []
    for adviser_id, village, q in keys:
        if kinds.get(village) != StationKind.VILLAGE.value:
            continue
        p = Period(int(q[:4]), PeriodUnit.QUARTER, int(q[-1]))
        if p.start > as_of:
            continue
        out.append(QuarterLectures(names.get(adviser_id, adviser_id), codes[village], q,
                                   counts.get((adviser_id, village, q), 0), standard, p.end < as_of))
    out.sort(key=lambda r: (r.station, r.adviser, r.quarter))
    return out


def standards_report(db: StationDB, year: int, as_of: date | None = None) -> dict[str, Any]:
    """Hours per adviser × village × month and lectures per quarter against the township's standards."""
    from station_app.services.settings import read_setting

    as_of = as_of or date.today()
    with db.read() as s:
        hours_std = read_setting(s, "adviser_hours_per_month")
        lectures_std = read_setting(s, "adviser_lectures_per_quarter")
        return {"year": year, "as_of": as_of.isoformat(), "hours_per_month": hours_std,
                "lectures_per_quarter": lectures_std,
                "months": [r.as_dict() for r in month_hours(s, year, as_of, hours_std)],
                "quarters": [r.as_dict() for r in quarter_lectures(s, year, as_of, lectures_std)]}
