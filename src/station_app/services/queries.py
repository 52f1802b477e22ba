"""Uniform lists: every list takes a `core.query.Query` (filters, sort key and direction, page) and has a count
with the very same filters. Rows are the services' plain row dataclasses (personal data masked).

One `Listing` per list names its filters and sort keys; `rows(db, actor, listing, query)` and
`count(db, actor, listing, query)` do the rest, after checking that the actor may read it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from station_app.core import validators as v
from station_app.core.codes import MediationOutcome
from station_app.core.errors import FieldProblem, ValidationError
from station_app.core.i18n import _
from station_app.core.masking import mask_name, mask_phone
from station_app.core.query import Query
from station_app.services import consultations as cs
from station_app.services import mediation as md
from station_app.services import outreach as ou
from station_app.services import postings as po
from station_app.services.advisers import AdviserRow, resolve_adviser
from station_app.services.base import StationDB
from station_app.services.duty import ShiftRow, hours
from station_app.services.outreach import EventRow
from station_app.store.models import (Adviser, Consultation, DutyShift, MediationCase, MediationParty, OutreachEvent,
                                      Posting, Station, User)

Filter = Callable[[Select, Any, Any], Select]  # (statement, value, session) -> statement


@dataclass(frozen=True)
class Listing:
    name: str
    permission: str
    base: Callable[[], Select]  # the selected columns, live rows only
    filters: Mapping[str, Filter]
    sorts: Mapping[str, Any]  # key -> column
    default_order: Callable[[], list[Any]]  # natural order (and the tie-break after a chosen sort)
    build: Callable[[Any, Any], Any]  # (result row, session) -> row dataclass
    after: Callable[[list[Any], Any], list[Any]] | None = None  # post-process a page (e.g. fetch party names)


def _year_dt(column):
    def f(stmt, value, _s):
        y = _year(value)
        return stmt.where(column >= datetime(y, 1, 1), column < datetime(y + 1, 1, 1))
    return f


def _year_d(column):
    def f(stmt, value, _s):
        y = _year(value)
        return stmt.where(column >= date(y, 1, 1), column < date(y + 1, 1, 1))
    return f


def _year(value: Any) -> int:
    try:
        y = int(value)
    except (TypeError, ValueError):
        raise ValidationError.single(_("year"), _("must be a year: {value}", value=value),
                                     key="year") from None
    if not 1949 <= y <= 2200:
        raise ValidationError.single(_("year"), _("implausible year: {y}", y=y), key="year")
    return y


def _equals(column, parse: Callable[[Any], Any] = lambda x: x):
    return lambda stmt, value, _s: stmt.where(column == parse(value))


def _station(column):
    """A station given by code (S01), short id or UUID."""
    def f(stmt, value, s):
        from station_app.services.duty import resolve_station

        return stmt.where(column == resolve_station(s, str(value), field="station").id)
    return f


def _code(table, key: str):
    def parse(value: Any) -> str:
        try:
            return v.code(table, str(value)).value
        except ValidationError as e:
            raise ValidationError([FieldProblem(key, p.message, key=key) for p in e.problems]) from None
    return parse


# -- the lists ---------------------------------------------------------------------------------------------------
CONSULTATIONS = Listing(
    name="consultations", permission="consultation.read",
    base=lambda: select(Consultation).where(Consultation.deleted.is_(False)),
    filters={
        "year": _year_dt(Consultation.occurred_at),
        "search": lambda stmt, value, s: stmt.where(cs.search_ids_clause(str(value), s.get_bind().dialect.name))
        if str(value).strip() else stmt,
        "station": _station(Consultation.station_id),
        "category": _equals(Consultation.category),
        "channel": _equals(Consultation.channel),
        "referral": _equals(Consultation.referral),
        # 约期答复: consultations promised an answer on a day in this range (the GUI's 今日 page)
        "follow_up_from": lambda stmt, value, _s: stmt.where(Consultation.follow_up_on >= v.parse_date(value)),
        "follow_up_to": lambda stmt, value, _s: stmt.where(Consultation.follow_up_on <= v.parse_date(value)),
    },
    sorts={"occurred_at": Consultation.occurred_at, "category": Consultation.category,
           "channel": Consultation.channel, "created_at": Consultation.created_at,
           "follow_up_on": Consultation.follow_up_on},
    default_order=lambda: [Consultation.occurred_at.desc(), Consultation.id],
    build=lambda row, _s: cs._row(row[0]),
)

ADVISERS = Listing(
    name="advisers", permission="report.read",
    base=lambda: select(Adviser).where(Adviser.deleted.is_(False)),
    filters={
        "active": lambda stmt, value, _s: stmt.where(Adviser.active.is_(bool(value))),
        "name": lambda stmt, value, _s: stmt.where(Adviser.name.like(f"%{value}%")),
    },
    sorts={"name": Adviser.name, "law_firm": Adviser.law_firm, "created_at": Adviser.created_at},
    default_order=lambda: [Adviser.name, Adviser.id],
    build=lambda row, _s: AdviserRow(row[0].id, row[0].name, row[0].law_firm, mask_phone(row[0].phone),
                                     row[0].licence_no, row[0].active, row[0].kind),
)


def _adviser_filter(stmt, value, s):
    return stmt.where(DutyShift.adviser_id == resolve_adviser(s, str(value), field="adviser").id)


SHIFTS = Listing(
    name="duty", permission="report.read",
    base=lambda: (select(DutyShift, Adviser.name, Station.code)
                  .join(Adviser, Adviser.id == DutyShift.adviser_id)
                  .join(Station, Station.id == DutyShift.place_station_id)
                  .where(DutyShift.deleted.is_(False))),
    filters={"year": _year_dt(DutyShift.start_at), "adviser": _adviser_filter,
             "station": _station(DutyShift.place_station_id)},
    sorts={"start_at": DutyShift.start_at, "adviser": Adviser.name, "place": Station.code,
           "people_served": DutyShift.people_served},
    default_order=lambda: [DutyShift.start_at.desc(), DutyShift.id],
    build=lambda row, _s: ShiftRow(row[0].id, row[0].adviser_id, row[1], row[2], row[0].start_at, row[0].end_at,
                                   hours(row[0].start_at, row[0].end_at), row[0].people_served, row[0].summary),
)


def _overdue(stmt, value, _s):
    if not value:
        return stmt
    from datetime import timedelta

    return stmt.where(MediationCase.outcome == MediationOutcome.IN_PROGRESS.value,
                      MediationCase.accepted_on < date.today() - timedelta(days=md.MEDIATION_DUE_DAYS))


def _case_rows(cases: list[Any], s: Any) -> list[Any]:
    today = date.today()
    names: dict[str, list[str]] = {c.id: [] for c in cases}
    if cases:
        for p in s.execute(select(MediationParty).where(MediationParty.case_id.in_(list(names)),
                                                        MediationParty.deleted.is_(False))
                           .order_by(MediationParty.created_at, MediationParty.id)).scalars():
            names[p.case_id].append(mask_name(p.name))
    return [md.CaseRow(c.id, c.case_no, c.accepted_on, c.source, c.dispute_type, "、".join(names[c.id]),
                       c.mediator or "", c.stage, c.outcome, md.days_open(c, today), md.is_overdue(c, today),
                       c.judicial_confirmation_due_on if c.outcome == MediationOutcome.SUCCESS.value else None)
            for c in cases]


CASES = Listing(
    name="mediation", permission="mediation.read",
    base=lambda: select(MediationCase).where(MediationCase.deleted.is_(False)),
    filters={"year": _year_d(MediationCase.accepted_on),
             "outcome": _equals(MediationCase.outcome, _code(MediationOutcome, "outcome")),
             "overdue": _overdue, "station": _station(MediationCase.station_id),
             "stage": _equals(MediationCase.stage)},
    sorts={"accepted_on": MediationCase.accepted_on, "case_no": MediationCase.case_no,
           "outcome": MediationCase.outcome, "closed_on": MediationCase.closed_on},
    default_order=lambda: [MediationCase.accepted_on.desc(), MediationCase.case_no.desc()],
    build=lambda row, _s: row[0],
    after=_case_rows,
)


def _photo_count_base() -> Select:
    counts = po._photo_counts()
    return (select(Posting, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.posting_id == Posting.id)
            .where(Posting.deleted.is_(False)))


POSTINGS = Listing(
    name="postings", permission="report.read",
    base=_photo_count_base,
    filters={"year": lambda stmt, value, _s: stmt.where(Posting.period.like(f"{_year(value):04d}%")),
             "category": lambda stmt, value, _s: stmt.where(
                 Posting.category == po.clean(po.SPECS, {"category": value}, partial=True)["category"]),
             "current": lambda stmt, value, _s: stmt.where(Posting.taken_down_on.is_(None)) if value else stmt},
    sorts={"posted_on": Posting.posted_on, "period": Posting.period, "category": Posting.category,
           "title": Posting.title},
    default_order=lambda: [Posting.posted_on.desc(), Posting.id],
    build=lambda row, _s: po._row(row[0], row[1]),
)

OUTREACH = Listing(
    name="outreach", permission="report.read",
    base=lambda: (select(OutreachEvent, Adviser.name).outerjoin(Adviser, Adviser.id == OutreachEvent.adviser_id)
                  .where(OutreachEvent.deleted.is_(False))),
    filters={"year": _year_d(OutreachEvent.held_on),
             "kind": _equals(OutreachEvent.kind, lambda value: ou.clean(ou.SPECS, {"kind": value}, partial=True)["kind"])},
    sorts={"held_on": OutreachEvent.held_on, "attendees": OutreachEvent.attendees, "topic": OutreachEvent.topic},
    default_order=lambda: [OutreachEvent.held_on.desc(), OutreachEvent.id],
    build=lambda row, _s: EventRow(row[0].id, row[0].kind, row[0].held_on, row[0].topic, row[0].speaker,
                                   row[0].adviser_id, row[1], row[0].place, row[0].attendees, row[0].materials),
)


@dataclass(frozen=True)
class UserRow:
    login: str
    name: str
    role: str
    active: bool

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.login, "name": self.name, "role": self.role, "active": self.active}


USERS = Listing(
    name="users", permission="report.read",
    base=lambda: select(User),
    filters={"role": _equals(User.role), "active": lambda stmt, value, _s: stmt.where(User.active.is_(bool(value)))},
    sorts={"login": User.login, "role": User.role, "created_at": User.created_at},
    default_order=lambda: [User.login],
    build=lambda row, _s: UserRow(row[0].login, row[0].display_name, row[0].role, row[0].active),
)


# -- running them ------------------------------------------------------------------------------------------------
def _filtered(listing: Listing, stmt: Select, q: Query, session: Any) -> Select:
    for key, value in q.filters.items():
        if value is None or value == "":
            continue
        stmt = listing.filters[key](stmt, value, session)
    return stmt


def rows(db: StationDB, actor: str, listing: Listing, q: Query | None = None) -> list[Any]:
    q = q or Query()
    db.authorize(actor, listing.permission)
    q.check(frozenset(listing.filters), listing.sorts)
    with db.read() as s:
        stmt = _filtered(listing, listing.base(), q, s)
        order = listing.default_order()
        if q.sort is not None and q.keyset:
            stmt, order = _keyset(stmt, listing.sorts[q.sort], q)
        elif q.sort is not None:
            col = listing.sorts[q.sort]
            order = [col.desc() if q.descending else col.asc()] + order
        stmt = stmt.order_by(*order).offset(q.offset)
        if q.limit is not None:
            stmt = stmt.limit(q.limit)
        out = [listing.build(r, s) for r in s.execute(stmt)]
        if listing.after is not None:
            out = listing.after(out, s)
        return out


def _keyset(stmt: Select, col: Any, q: Query) -> tuple[Select, list[Any]]:
    """Order by (sort column, id) and, given the last row's (value, id), seek past it."""
    ident = stmt.column_descriptions[0]["entity"].id
    order = [col.desc() if q.descending else col.asc(), ident.asc()]
    if q.after is not None and q.after[0] is not None:
        value, last_id = q.after
        beyond = col < value if q.descending else col > value
        stmt = stmt.where(or_(beyond, and_(col == value, ident > last_id)))
    return stmt, order


def count(db: StationDB, actor: str, listing: Listing, q: Query | None = None) -> int:
    q = q or Query()
    db.authorize(actor, listing.permission)
    q.check(frozenset(listing.filters), listing.sorts)
    with db.read() as s:
        stmt = _filtered(listing, listing.base(), q, s)
        return s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
