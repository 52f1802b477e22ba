"""矛盾纠纷排查: the register of disputes found in screening ("双百" 行动) and what was done with each.

An item is resolved on the spot (就地化解, with the day), handed on to another body (移交其他部门, resolved when
that body reports back), or opened as a people's mediation case (转人民调解): then it is linked by the case's id
and counts as resolved when the case settles (调解成功), on the day it closed. It counts once either way.
Mediation code is not changed: the link is the item's `mediation_case_id` to `mediation_cases.id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.codes import (
    CaseSource,
    DisputeType,
    MediationOutcome,
    RiskLevel,
    ScreeningAction,
    StationKind,
)
from station_app.core.errors import Problems, StateError, ValidationError
from station_app.core.i18n import _, N_, NP_
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.services.fields import Spec, clean, code_of, text as text_of
from station_app.store.models import MediationCase, ScreeningItem, Station

SPECS: dict[str, Spec] = {
    "found_on": Spec(N_("found on"), v.parse_date, required=True),
    # A station code or name; empty means this station (a village screens itself).
    "village_station_id": Spec(NP_("station_app.services.screening.SPECS", "village"), lambda r: v.required_text(str(r), 100)),
    "found_by": Spec(N_("found by"), text_of(64), required=True),
    "parties": Spec(N_("parties"), lambda r: v.optional_text(r, 255)),
    "dispute_type": Spec(N_("dispute type"), code_of(DisputeType), required=True),
    "description": Spec(NP_("station_app.services.screening.SPECS", "description"), text_of(), required=True),
    "risk_level": Spec(N_("risk level"), code_of(RiskLevel), default=RiskLevel.LOW.value),
    "action": Spec(NP_("station_app.services.screening.SPECS", "action"), code_of(ScreeningAction), default=ScreeningAction.PENDING.value),
    "handed_to": Spec(N_("handed to"), lambda r: v.optional_text(r, 128)),
    # An id, id prefix or case number of a mediation case; add_item turns it into the id.
    "mediation_case_id": Spec(N_("mediation case"), lambda r: v.required_text(str(r), 64)),
    "resolved_on": Spec(N_("resolved on"), v.parse_date),
    "result": Spec(NP_("station_app.services.screening.SPECS", "result"), lambda r: v.optional_text(r, 2000)),
}


def check_item(values: dict[str, Any]) -> None:
    """What each action needs: on the spot → the day resolved; handed on → to whom; a mediation case → the case
    (and no resolved day of its own: the case's settlement is it). Nothing is resolved before it was found."""
    problems = Problems()
    action = values.get("action") or ScreeningAction.PENDING.value
    if action == ScreeningAction.ON_THE_SPOT.value and not values.get("resolved_on"):
        problems.add(SPECS["resolved_on"].label, _("is required for a dispute resolved on the spot"))
    if action == ScreeningAction.HANDED_ON.value and not values.get("handed_to"):
        problems.add(SPECS["handed_to"].label, _("say which body it was handed to"))
    if action == ScreeningAction.MEDIATION.value:
        if not values.get("mediation_case_id"):
            problems.add(SPECS["mediation_case_id"].label, _("link the mediation case it became"))
        if values.get("resolved_on"):
            problems.add(SPECS["resolved_on"].label, _("a dispute turned into a mediation case is resolved when the case settles"))
    elif values.get("mediation_case_id"):
        problems.add(SPECS["mediation_case_id"].label, _("only a dispute opened as a mediation case links one"))
    if values.get("resolved_on") and values.get("found_on") and values["resolved_on"] < values["found_on"]:
        problems.add(SPECS["resolved_on"].label, _("is before the day it was found"))
    problems.raise_if_any()


def validate_item(data: dict[str, Any]) -> dict[str, Any]:
    values = clean(SPECS, data)
    check_item(values)
    return values


def _village(w: Writer, ref: str | None) -> str:
    from station_app.services.duty import resolve_station

    if not ref:
        station = w.session.get(Station, w.station_id)
    else:
        station = resolve_station(w.session, ref, field=SPECS["village_station_id"].label)
    if station is None or station.kind != StationKind.VILLAGE.value:
        raise ValidationError.single(SPECS["village_station_id"].label, _("give the village where it was found (station code or name)"))
    return station.id


def _case(db_or_none, session: Session, ref: str, found_on: date | None) -> MediationCase:
    from station_app.services.mediation import find_case

    from station_app.core.errors import NotFoundError

    try:
        case = find_case(db_or_none, session, ref)
    except NotFoundError as e:
        raise ValidationError.single(SPECS["mediation_case_id"].label, str(e)) from None
    if found_on is not None and case.accepted_on < found_on:
        raise ValidationError.single(SPECS["mediation_case_id"].label, _("the case was accepted on {accepted_on}, before the dispute was found ({found_on})", accepted_on=case.accepted_on, found_on=found_on))
    return case


class _Here:
    """What mediation.find_case needs of a StationDB inside an open write: which station is asking."""

    def __init__(self, station_id: str):
        self.station_id = station_id


def add_item(w: Writer, values: dict[str, Any]) -> ScreeningItem:
    values = dict(values)
    values["village_station_id"] = _village(w, values.get("village_station_id"))
    if values.get("mediation_case_id"):
        values["mediation_case_id"] = _case(_Here(w.station_id), w.session, values["mediation_case_id"],
                                            values["found_on"]).id
    return w.add(ScreeningItem(**values))


def find_item(db: StationDB, ref: str) -> ScreeningItem:
    """One register entry by id or a unique id prefix (NotFoundError otherwise)."""
    return db.fetch(ScreeningItem, ref)


def item_values(db: StationDB, ref: str) -> dict[str, Any]:
    """An entry's stored values as a form shows them: the village by its station code, the case by its number."""
    with db.read() as s:
        item = db.get(s, ScreeningItem, ref)
        values: dict[str, Any] = {k: getattr(item, k) for k in SPECS}
        village = s.get(Station, item.village_station_id) if item.village_station_id else None
        values["village_station_id"] = village.code if village is not None else None
        case = s.get(MediationCase, item.mediation_case_id) if item.mediation_case_id else None
        values["mediation_case_id"] = case.case_no if case is not None else None
        values["id"] = item.id
    return values


def record_item(db: StationDB, actor: str, data: dict[str, Any], *, source: str | None = None) -> ChangeSet:
    values = validate_item(data)
    with db.write(actor, source=source) as w:
        add_item(w, values)
    return w.result


def update_item(db: StationDB, actor: str, item_id: str, data: dict[str, Any]) -> ChangeSet:
    values = clean(SPECS, data, partial=True)
    with db.write(actor) as w:
        item = db.get(w.session, ScreeningItem, item_id)
        merged = {k: getattr(item, k) for k in SPECS} | values
        check_item(merged)
        if "village_station_id" in values:
            values["village_station_id"] = _village(w, values["village_station_id"])
        if values.get("mediation_case_id"):
            values["mediation_case_id"] = _case(db, w.session, values["mediation_case_id"], merged["found_on"]).id
        w.update(item, **values)
    return w.result


def link_case(db: StationDB, actor: str, item_id: str, case_ref: str) -> ChangeSet:
    """The item was opened as (or became) this mediation case."""
    return update_item(db, actor, item_id, {"action": ScreeningAction.MEDIATION.value, "mediation_case_id": case_ref,
                                            "resolved_on": None})


def open_case(db: StationDB, actor: str, item_id: str, case_data: dict[str, Any],
              parties: list[dict[str, Any]]) -> ChangeSet:
    """Open a people's mediation case from the item (source 调委会主动调解: cases found in 排查) and link it, in one
    write. The parties' consent is still needed, as for any case (人民调解法)."""
    from station_app.services import mediation as m

    with db.read() as s:
        item = db.get(s, ScreeningItem, item_id)
        if item.mediation_case_id:
            raise StateError(_("this dispute is already linked to a mediation case"))
        defaults = {"accepted_on": item.found_on, "source": CaseSource.OWN_INITIATIVE.value,
                    "dispute_type": item.dispute_type, "summary": item.description}
    values = m.validate_case({**defaults, **case_data})
    checked = m.validate_parties(parties)
    if values["accepted_on"] < item.found_on:
        raise ValidationError.single(_("accepted on"), _("is before the day it was found"))
    with db.write(actor) as w:
        item = db.get(w.session, ScreeningItem, item_id)
        case = m.open_case_in(w, values, checked)
        w.update(item, action=ScreeningAction.MEDIATION.value, mediation_case_id=case.id, resolved_on=None)
    return w.result


def delete_item(db: StationDB, actor: str, item_id: str) -> ChangeSet:
    return db.tombstone(actor, ScreeningItem, item_id)


@dataclass(frozen=True)
class ItemRow:
    id: str
    found_on: date
    village: str
    found_by: str
    dispute_type: str
    description: str
    risk_level: str
    action: str
    handed_to: str | None
    case_no: str | None
    resolved_on: date | None  # the item's own day, or the day its mediation case settled

    @property
    def resolved(self) -> bool:
        return self.resolved_on is not None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "found_on": self.found_on.isoformat(), "village": self.village,
                "found_by": self.found_by, "dispute_type": self.dispute_type, "description": self.description,
                "risk_level": self.risk_level, "action": self.action, "handed_to": self.handed_to,
                "case_no": self.case_no, "resolved": self.resolved,
                "resolved_on": self.resolved_on.isoformat() if self.resolved_on else None}


def list_items(db: StationDB, *, year: int | None = None, unresolved: bool = False) -> list[ItemRow]:
    stmt = (select(ScreeningItem, Station.code, MediationCase.case_no, MediationCase.outcome, MediationCase.closed_on)
            .join(Station, Station.id == ScreeningItem.village_station_id)
            .outerjoin(MediationCase, (MediationCase.id == ScreeningItem.mediation_case_id)
                       & MediationCase.deleted.is_(False))
            .where(ScreeningItem.deleted.is_(False)))
    if year is not None:
        stmt = stmt.where(ScreeningItem.found_on >= date(year, 1, 1), ScreeningItem.found_on < date(year + 1, 1, 1))
    stmt = stmt.order_by(ScreeningItem.found_on.desc(), ScreeningItem.id)
    rows = []
    with db.read() as s:
        for item, code, case_no, outcome, closed_on in s.execute(stmt):
            resolved = item.resolved_on or (closed_on if outcome == MediationOutcome.SUCCESS.value else None)
            rows.append(ItemRow(item.id, item.found_on, code, item.found_by, item.dispute_type, item.description,
                                item.risk_level, item.action, item.handed_to, case_no, resolved))
    return [r for r in rows if not (unresolved and r.resolved)]
