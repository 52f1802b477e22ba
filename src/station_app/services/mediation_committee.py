"""The station's 人民调解委员会: formal names for document headers, the mediator roster, the agreement number
prefix and the calendar of rest days (settings, one record per station, travelling with bundles).

Also the two things that need those settings: the 司法确认 deadline (30 days after the agreement takes effect,
moved to the next working day when it falls on a rest day) and the customary agreement number
(〔2021〕小王庄调字第7号).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.codes import JUDICIAL_CONFIRMATION_DAYS
from station_app.core.errors import FieldProblem, ValidationError
from station_app.core.i18n import _, N_, NP_
from station_app.services.base import ChangeSet, StationDB
from station_app.services.fields import Spec, clean
from station_app.store.models import MediationCase, MediationCommittee, Station


def _roster(raw: Any) -> list[dict[str, str]]:
    """Mediators as `姓名` or `姓名|职务` items (a list, or text separated by 、 ， ; or new lines)."""
    items = raw if isinstance(raw, (list, tuple)) else re.split(r"[、,，;；\n]", str(raw))
    out: list[dict[str, str]] = []
    for item in items:
        if isinstance(item, dict):
            name, title = str(item.get("name") or ""), str(item.get("title") or "")
        else:
            name, _unused, title = str(item).partition("|")
        name = name.strip()
        if not name:
            continue
        entry = {"name": v.required_text(name, 64)}
        if title.strip():
            entry["title"] = v.required_text(title.strip(), 16)
        out.append(entry)
    if len(out) > 60:
        raise v._fail(_("at most 60 mediators on the roster"))
    return out


def _dates(raw: Any) -> list[str]:
    items = raw if isinstance(raw, (list, tuple)) else re.split(r"[、,，;；\s]+", str(raw))
    days = sorted({v.parse_date(x).isoformat() for x in items if str(x).strip()})
    if len(days) > 1000:
        raise v._fail(_("at most 1000 dates"))
    return days


SPECS: dict[str, Spec] = {
    "name": Spec(N_("committee's formal name"), lambda r: v.required_text(r, 100), required=True),
    "village_committee": Spec(N_("village committee's formal name"), lambda r: v.optional_text(r, 100)),
    "number_prefix": Spec(NP_("station_app.services.mediation_committee.SPECS", "agreement number prefix"), lambda r: v.optional_text(r, 32)),
    "mediators": Spec(N_("mediator roster"), _roster),
    "holidays": Spec(N_("holidays (rest days)"), _dates),
    "workdays": Spec(N_("working weekend days"), _dates),
}


def get_committee(session: Session, station_id: str) -> MediationCommittee | None:
    return session.execute(select(MediationCommittee).where(
        MediationCommittee.station_id == station_id, MediationCommittee.deleted.is_(False))).scalar_one_or_none()


def set_committee(db: StationDB, actor: str, data: dict[str, Any]) -> ChangeSet:
    """Create or change this station's committee settings; only the given fields change."""
    with db.write(actor) as w:
        current = get_committee(w.session, w.station_id)
        values = clean(SPECS, data, partial=current is not None)
        if current is None:
            w.add(MediationCommittee(**values))
        else:
            w.update(current, **values)
    return w.result


def committee_name(session: Session, station_id: str) -> str:
    """The header of the station's mediation documents: the formal name, or one made from the station's name."""
    c = get_committee(session, station_id)
    if c is not None:
        return c.name
    station = session.get(Station, station_id)
    return f"{station.name}人民调解委员会" if station else _("People's Mediation Committee")


def roster_names(session: Session, station_id: str) -> list[str]:
    c = get_committee(session, station_id)
    return [m["name"] for m in (c.mediators or [])] if c else []


def check_mediators(session: Session, station_id: str, names: list[str] | None, label: str) -> None:
    """Mediators of a case must be on the committee's roster (when the station keeps one)."""
    roster = roster_names(session, station_id)
    if not roster or not names:
        return
    unknown = [n for n in names if n not in roster]
    if unknown:
        raise ValidationError([FieldProblem(label, _("not on the committee's roster: {unknown} (roster: {roster})",
                                                          unknown=_(", ").join(unknown), roster=_(", ").join(roster)))])


# -- calendar -----------------------------------------------------------------------------------------------------
def is_rest_day(day: date, holidays: set[str], workdays: set[str]) -> bool:
    iso = day.isoformat()
    if iso in workdays:
        return False
    return iso in holidays or day.weekday() >= 5


def next_working_day(day: date, holidays: set[str], workdays: set[str]) -> date:
    while is_rest_day(day, holidays, workdays):
        day += timedelta(days=1)
    return day


def confirmation_deadline(session: Session, station_id: str, effective_on: date) -> date:
    """Last day to apply jointly for 司法确认 (§33): 30 days after the agreement takes effect; a period ending on a
    rest day ends on the next working day (rest days: weekends and the committee's holiday list, minus 调休)."""
    c = get_committee(session, station_id)
    holidays = set(c.holidays or []) if c else set()
    workdays = set(c.workdays or []) if c else set()
    return next_working_day(effective_on + timedelta(days=JUDICIAL_CONFIRMATION_DAYS), holidays, workdays)


# -- agreement numbers ----------------------------------------------------------------------------------------------
def number_prefix(session: Session, station_id: str) -> str:
    c = get_committee(session, station_id)
    if c is not None and c.number_prefix:
        return c.number_prefix
    station = session.get(Station, station_id)
    base = re.sub(r"(村|社区|镇|乡|街道).*$", "", station.name) if station else ""
    return f"{base or (station.code if station else '')}调字"


def next_agreement_no(session: Session, station_id: str, year: int) -> str:
    """〔year〕prefix第N号, N one more than the highest number of that year and prefix at this station."""
    prefix = number_prefix(session, station_id)
    head = f"〔{year}〕{prefix}第"
    highest = 0
    for no in session.execute(select(MediationCase.agreement_no).where(
            MediationCase.station_id == station_id, MediationCase.agreement_no.like(head + "%"))).scalars():
        m = re.fullmatch(r"(\d+)号", no[len(head):])
        if m:
            highest = max(highest, int(m[1]))
    return f"{head}{highest + 1}号"
