"""Every station's records in one list, as the township sees them: the uniform listings of `queries` with the station
each record belongs to (its origin, `station_id`), a station filter and sort, and a search box for every kind.

The rows are the station lists' own rows (personal data masked the same way) wrapped with the station's code and
name, so a front end shows the station pages' columns plus one. Reading only: the records belong to the stations, and
the writers refuse to change another station's record anyway (`Writer.update/delete`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from station_app.core.codes import MediationOutcome
from station_app.core.errors import FieldProblem, ValidationError
from station_app.services import queries as qs
from station_app.services import screening as sc
from station_app.services.base import StationDB
from station_app.store.models import (Adviser, Consultation, DutyShift, MediationCase, MediationParty, OutreachEvent,
                                      Posting, ScreeningItem, Station)


@dataclass(frozen=True)
class StationRecord:
    """A row of a station list with the station it belongs to; other attributes are the row's own."""

    station: str  # code, e.g. S01
    station_name: str
    row: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)

    def as_dict(self) -> dict[str, Any]:
        return {**self.row.as_dict(), "station": self.station, "station_name": self.station_name}


def _contains(*columns):
    """Substring search over plain columns (LIKE with the wildcards escaped: `50%` finds 50%)."""
    def f(stmt, value, _s):
        text = str(value).strip()
        if not text:
            return stmt
        return stmt.where(or_(*(c.contains(text, autoescape=True) for c in columns)))
    return f


def _case_search(stmt, value, _s):
    text = str(value).strip()
    if not text:
        return stmt
    named = exists().where(MediationParty.case_id == MediationCase.id, MediationParty.deleted.is_(False),
                           MediationParty.name.contains(text, autoescape=True))
    return stmt.where(or_(MediationCase.case_no.contains(text, autoescape=True),
                          MediationCase.mediator.contains(text, autoescape=True),
                          MediationCase.summary.contains(text, autoescape=True), named))


def _with_station(listing: qs.Listing, entity: Any, search: qs.Filter, name: str) -> qs.Listing:
    """`listing` with the origin station joined (an alias: a list may join Station already, e.g. a shift's place)."""
    origin = aliased(Station, name=f"origin_{listing.name}")

    def base():
        return listing.base().add_columns(origin.code, origin.name).join(origin, origin.id == entity.station_id)

    def station(stmt, value, s):
        from station_app.services.duty import resolve_station

        try:
            found = resolve_station(s, str(value), field="station")
        except ValidationError as e:  # keyed, so a front end marks its station filter
            raise ValidationError([FieldProblem(p.field, p.message, key="station") for p in e.problems]) from None
        return stmt.where(entity.station_id == found.id)

    if listing.after is None:
        def build(row, s):
            return StationRecord(row[-2], row[-1], listing.build(row, s))
        after = None
    else:  # the inner rows are finished per page (e.g. party names): carry the station beside them
        def build(row, s):
            return (row[-2], row[-1], listing.build(row, s))

        def after(items, s):
            inner = listing.after([item for _c, _n, item in items], s)
            return [StationRecord(c, n, r) for (c, n, _i), r in zip(items, inner)]

    return replace(listing, name=name, base=base,
                   filters={**listing.filters, "station": station, "search": search},
                   sorts={**listing.sorts, "station": origin.code},
                   build=build, after=after)


def _screening_base():
    return (select(ScreeningItem, Station.code, MediationCase.case_no, MediationCase.outcome, MediationCase.closed_on)
            .join(Station, Station.id == ScreeningItem.village_station_id)
            .outerjoin(MediationCase, (MediationCase.id == ScreeningItem.mediation_case_id)
                       & MediationCase.deleted.is_(False))
            .where(ScreeningItem.deleted.is_(False)))


def _settled_case():
    return and_(MediationCase.outcome == MediationOutcome.SUCCESS.value, MediationCase.closed_on.is_not(None))


def _unresolved(stmt, value, _s):
    # As services.screening.list_items: resolved on its own day, or its mediation case settled.
    if not value:
        return stmt
    return stmt.where(ScreeningItem.resolved_on.is_(None), or_(MediationCase.outcome.is_(None), ~_settled_case()))


def _screening_row(row, _s):
    item, code, case_no, outcome, closed_on = row[:5]
    resolved = item.resolved_on or (closed_on if outcome == MediationOutcome.SUCCESS.value else None)
    return sc.ItemRow(item.id, item.found_on, code, item.found_by, item.dispute_type, item.description,
                      item.risk_level, item.action, item.handed_to, case_no, resolved)


#: 矛盾纠纷排查 as a uniform listing (the station page lists it whole); the register names parties, so reading it
#: needs what the station page needs: records.write.
SCREENING_LIST = qs.Listing(
    name="screening", permission="records.write", base=_screening_base,
    filters={"year": qs._year_d(ScreeningItem.found_on), "unresolved": _unresolved},
    sorts={"found_on": ScreeningItem.found_on},
    default_order=lambda: [ScreeningItem.found_on.desc(), ScreeningItem.id],
    build=_screening_row,
)

CONSULTATIONS = _with_station(qs.CONSULTATIONS, Consultation, qs.CONSULTATIONS.filters["search"],
                              "all_consultations")
CASES = _with_station(qs.CASES, MediationCase, _case_search, "all_mediation")
POSTINGS = _with_station(qs.POSTINGS, Posting, _contains(Posting.title), "all_postings")
OUTREACH = _with_station(qs.OUTREACH, OutreachEvent,
                         _contains(OutreachEvent.topic, OutreachEvent.place, OutreachEvent.speaker), "all_outreach")
SHIFTS = _with_station(qs.SHIFTS, DutyShift, _contains(Adviser.name, DutyShift.summary), "all_duty")
SCREENING = _with_station(SCREENING_LIST, ScreeningItem,
                          _contains(ScreeningItem.description, ScreeningItem.found_by, ScreeningItem.handed_to),
                          "all_screening")

#: kind -> listing, in the order a front end offers them
LISTINGS: dict[str, qs.Listing] = {"consultations": CONSULTATIONS, "mediation": CASES, "postings": POSTINGS,
                                   "outreach": OUTREACH, "duty": SHIFTS, "screening": SCREENING}


def stations(db: StationDB) -> list[tuple[str, str, str]]:
    """(code, name, kind) of every station this installation knows, by code: the station filter's choices."""
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(Station.code, Station.name, Station.kind)
                                            .where(Station.deleted.is_(False)).order_by(Station.code))]
