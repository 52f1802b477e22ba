"""值班 and 工作日志: an adviser's on-site duty shifts, each with its work log (一次一记，一事一记)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from station_app.core import validators as v
from station_app.core.errors import FieldProblem, Problems, StateError, ValidationError
from station_app.core.i18n import _, N_, NP_
from station_app.core.masking import mask_name
from station_app.services.advisers import resolve_adviser
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.core.codes import ServiceMode, ServiceType
from station_app.services.fields import Spec, clean, code_of, text as text_of
from station_app.store.locks import lock_counter
from station_app.store.models import Adviser, DutyLogEntry, DutyShift, Station

SPECS: dict[str, Spec] = {
    "adviser_id": Spec(N_("adviser"), lambda r: v.required_text(str(r), 64), required=True),
    # None means "here": add_shift fills in this installation's station.
    "place_station_id": Spec(NP_("station_app.services.duty.SPECS", "place"), lambda r: v.required_text(str(r), 36)),
    "start_at": Spec(NP_("station_app.services.duty.SPECS", "start"), v.parse_datetime, required=True),
    "end_at": Spec(NP_("station_app.services.duty.SPECS", "end"), v.parse_datetime, required=True),
    "people_served": Spec(N_("people served"), v.non_negative_int, default=0),
    "summary": Spec(NP_("station_app.services.duty.SPECS", "summary"), v.optional_text),
}

LOG_SPECS: dict[str, Spec] = {
    "served": Spec(N_("served"), lambda r: v.optional_text(r, 128)),
    "content": Spec(NP_("station_app.services.duty.LOG_SPECS", "content"), text_of(), required=True),
    "result": Spec(NP_("station_app.services.duty.LOG_SPECS", "result"), v.optional_text),
    "service_type": Spec(N_("service type"), code_of(ServiceType), default=ServiceType.OTHER.value),
    "mode": Spec(N_("mode"), code_of(ServiceMode), default=ServiceMode.ON_SITE.value),
}


def _check_span(values: Mapping[str, Any]) -> None:
    problems = Problems()
    problems.check(SPECS["end_at"].label, v.shift_span, values["start_at"], values["end_at"])
    problems.raise_if_any()


def validate_shift(data: dict[str, Any]) -> dict[str, Any]:
    """Clean raw input; the end must come after the start and within 24 hours; people served ≥ 0."""
    try:
        values = clean(SPECS, data)
    except ValidationError as e:
        # Report a backwards or over-long shift together with the other problems when both times are readable.
        try:
            span = {"start_at": v.parse_datetime(data["start_at"]), "end_at": v.parse_datetime(data["end_at"])}
        except (ValidationError, KeyError, TypeError, AttributeError):
            raise e from None
        try:
            _check_span(span)
        except ValidationError as span_error:
            raise ValidationError(e.problems + span_error.problems) from None
        raise
    _check_span(values)
    check_plausible(data, values)
    return values


#: A village duty shift is a morning, an afternoon or a day; more is a typo in a time.
MAX_SHIFT_HOURS = 12


def check_plausible(raw: Mapping[str, Any], values: Mapping[str, Any], *, today: datetime | None = None) -> None:
    """Refuse what is valid but almost surely mistyped: a bare date (it would start at midnight), a shift longer
    than MAX_SHIFT_HOURS, a year far from now (2031 for 2021)."""
    problems = Problems()
    now = today or datetime.now()
    for key in ("start_at", "end_at"):
        text = raw.get(key)
        if isinstance(text, str) and len(text.strip().replace("T", " ").split()) == 1:
            problems.add(SPECS[key].label, _("give the time of day too, e.g. {strip} 09:00 (a date alone would mean midnight)", strip=text.strip()))
    start, end = values.get("start_at"), values.get("end_at")
    if isinstance(start, datetime) and isinstance(end, datetime) and end > start:
        hours = (end - start).total_seconds() / 3600
        if hours > MAX_SHIFT_HOURS:
            problems.add(SPECS["end_at"].label, _("a {hours:g}-hour shift is longer than {max_shift_hours} hours: check the start and end", hours=hours, max_shift_hours=MAX_SHIFT_HOURS))
    if isinstance(start, datetime) and not (now.year - 10 <= start.year and start <= now.replace(year=now.year + 1)):
        problems.add(SPECS["start_at"].label, _("is the year {year} right? (this is {year2})", year=start.year, year2=now.year))
    problems.raise_if_any()


def validate_log_entry(entry: Mapping[str, Any], position: int | None = None) -> dict[str, Any]:
    """Clean one work-log entry; problems are named "工作日志第N条 / 字段" when the position is known."""
    try:
        return clean(LOG_SPECS, dict(entry))
    except ValidationError as e:
        if position is None:
            raise
        prefix = _("work log entry {position}", position=position)
        raise ValidationError([FieldProblem(f"{prefix} / {p.field}", p.message) for p in e.problems]) from None


def validate_log(log: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Clean every entry, reporting all bad ones at once."""
    out, problems = [], []
    for n, entry in enumerate(log, start=1):
        try:
            out.append(validate_log_entry(entry, n))
        except ValidationError as e:
            problems.extend(e.problems)
    if problems:
        raise ValidationError(problems)
    return out


def resolve_station(session: Session, ref: str, *, field: str | None = None) -> Station:
    """A station given by id, code (S01, T00) or name; raises ValidationError naming `field`."""
    label = field or SPECS["place_station_id"].label
    ref = (ref or "").strip()
    obj = session.get(Station, ref) if ref else None
    if obj is None and ref:
        obj = session.execute(select(Station).where(Station.code == ref.upper())).scalar_one_or_none()
    if obj is None and ref:  # by name too (小苏庄村), as ledger export --station takes it
        named = session.execute(select(Station).where(Station.name == ref).limit(2)).scalars().all()
        obj = named[0] if len(named) == 1 else None
    if obj is None or obj.deleted:
        raise ValidationError.single(label, _("no such station: {ref}", ref=ref))
    return obj


def _resolve_refs(w: Writer, values: dict[str, Any]) -> dict[str, Any]:
    """Turn adviser and place references (id, name, station code) into ids; name the field when one is unknown."""
    out = dict(values)
    problems: list[FieldProblem] = []
    if "adviser_id" in out:
        try:
            out["adviser_id"] = resolve_adviser(w.session, out["adviser_id"], field=SPECS["adviser_id"].label).id
        except ValidationError as e:
            problems.extend(e.problems)
    if out.get("place_station_id"):
        try:
            out["place_station_id"] = resolve_station(w.session, out["place_station_id"]).id
        except ValidationError as e:
            problems.extend(e.problems)
    if problems:
        raise ValidationError(problems)
    return out


def add_shift(w: Writer, values: dict[str, Any], log: Iterable[Mapping[str, Any]] = ()) -> DutyShift:
    """Insert a validated shift and its work log inside an open write (a ledger puts many in one transaction)."""
    entries = validate_log(log)
    values = _resolve_refs(w, values)
    if not values.get("place_station_id"):
        values["place_station_id"] = w.station_id
    _check_not_confirmed(w.session, values["adviser_id"], values["place_station_id"], values["start_at"])
    shift = w.add(DutyShift(**values))
    for position, entry in enumerate(entries, start=1):
        w.add(DutyLogEntry(shift_id=shift.id, position=position, **entry))
    return shift


def record_shift(db: StationDB, actor: str, data: dict[str, Any], *, log: Iterable[Mapping[str, Any]] = (),
                 source: str | None = None) -> ChangeSet:
    problems: list[FieldProblem] = []
    values: dict[str, Any] = {}
    try:
        values = validate_shift(data)
    except ValidationError as e:
        problems.extend(e.problems)
    try:
        entries = validate_log(log)
    except ValidationError as e:
        problems.extend(e.problems)
    if problems:
        raise ValidationError(problems)
    with db.write(actor, source=source) as w:
        add_shift(w, values, entries)
    return w.result


def update_shift(db: StationDB, actor: str, shift_id: str, data: dict[str, Any]) -> ChangeSet:
    values = clean(SPECS, data, partial=True)
    with db.write(actor) as w:
        shift = db.get(w.session, DutyShift, shift_id)
        if values.get("place_station_id") is None:
            values.pop("place_station_id", None)  # a blank place keeps the current one
        values = _resolve_refs(w, values)
        _check_not_confirmed(w.session, shift.adviser_id, shift.place_station_id, shift.start_at)
        _check_not_confirmed(w.session, values.get("adviser_id", shift.adviser_id),
                             values.get("place_station_id", shift.place_station_id),
                             values.get("start_at", shift.start_at))
        if "start_at" in values or "end_at" in values:
            span = {"start_at": values.get("start_at", shift.start_at), "end_at": values.get("end_at", shift.end_at)}
            _check_span(span)
            check_plausible(data, span)
        w.update(shift, **values)
    return w.result


def delete_shift(db: StationDB, actor: str, shift_id: str) -> ChangeSet:
    """Tombstone the shift and its work-log entries together, so none of them is counted or shown."""
    with db.write(actor) as w:
        shift = db.get(w.session, DutyShift, shift_id)
        _check_not_confirmed(w.session, shift.adviser_id, shift.place_station_id, shift.start_at)
        entries = w.session.execute(select(DutyLogEntry).where(DutyLogEntry.shift_id == shift.id,
                                                               DutyLogEntry.deleted.is_(False))).scalars().all()
        for entry in entries:
            w.delete(entry)
        w.delete(shift)
    return w.result


def _check_not_confirmed(session: Session, adviser_id: str, place_id: str, start: datetime) -> None:
    """A month the village has confirmed (签字/盖章) is closed: its log is what was signed."""
    from station_app.store.models import DutyConfirmation

    month = f"{start.year:04d}-{start.month:02d}"
    found = session.execute(select(DutyConfirmation).where(
        DutyConfirmation.adviser_id == adviser_id, DutyConfirmation.place_station_id == place_id,
        DutyConfirmation.month == month, DutyConfirmation.deleted.is_(False)).limit(1)).scalar_one_or_none()
    if found is not None:
        raise StateError(_("the work log of {month} was confirmed by the village on {confirmed_on} ({confirmed_by}) and cannot change; withdraw that confirmation first", month=month, confirmed_on=found.confirmed_on, confirmed_by=found.confirmed_by))


def add_log_entry(db: StationDB, actor: str, shift_id: str, entry: Mapping[str, Any]) -> ChangeSet:
    """Append one matter (一事一记) to a shift's work log."""
    values = validate_log_entry(entry)
    with db.write(actor) as w:
        shift = db.get(w.session, DutyShift, shift_id)
        w._check_owner(shift)  # the log belongs with its shift: only the shift's station writes it
        _check_not_confirmed(w.session, shift.adviser_id, shift.place_station_id, shift.start_at)
        lock_counter(w.session)  # two staff on a PostgreSQL hub would take the same position (store/locks.py)
        last = w.session.execute(select(func.max(DutyLogEntry.position))
                                 .where(DutyLogEntry.shift_id == shift.id)).scalar_one()
        w.add(DutyLogEntry(shift_id=shift.id, position=(last or 0) + 1, **values))
    return w.result


def hours(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)


@dataclass(frozen=True)
class ShiftRow:
    """One line of the duty list. Advisers are named in full: they serve the public in that role."""

    id: str
    adviser_id: str
    adviser: str
    place: str
    start_at: datetime
    end_at: datetime
    hours: float
    people_served: int
    summary: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "adviser_id": self.adviser_id, "adviser": self.adviser, "place": self.place,
                "start_at": self.start_at.isoformat(timespec="minutes"),
                "end_at": self.end_at.isoformat(timespec="minutes"), "hours": self.hours,
                "people_served": self.people_served, "summary": self.summary}


def list_shifts(db: StationDB, *, year: int | None = None, adviser_id: str | None = None, limit: int = 50,
                offset: int = 0) -> list[ShiftRow]:
    """Newest first, one page at a time, with the adviser's name and the place's station code."""
    stmt = (select(DutyShift, Adviser.name, Station.code)
            .join(Adviser, Adviser.id == DutyShift.adviser_id)
            .join(Station, Station.id == DutyShift.place_station_id)
            .where(DutyShift.deleted.is_(False)))
    if year is not None:
        stmt = stmt.where(DutyShift.start_at >= datetime(year, 1, 1), DutyShift.start_at < datetime(year + 1, 1, 1))
    if adviser_id is not None:
        stmt = stmt.where(DutyShift.adviser_id == adviser_id)
    stmt = stmt.order_by(DutyShift.start_at.desc(), DutyShift.id).limit(limit).offset(offset)
    with db.read() as s:
        return [ShiftRow(d.id, d.adviser_id, name, code, d.start_at, d.end_at, hours(d.start_at, d.end_at),
                         d.people_served, d.summary)
                for d, name, code in s.execute(stmt)]


def get_shift(db: StationDB, shift_id: str) -> DutyShift:
    """A shift with its (non-deleted) work log loaded, usable after the session closes."""
    with db.read() as s:
        shift = db.get(s, DutyShift, shift_id)
        s.execute(select(DutyShift).where(DutyShift.id == shift.id)
                  .options(selectinload(DutyShift.log_entries))).scalar_one()
        return shift


def shift_details(db: StationDB, shift: DutyShift, *, reveal: bool = False) -> dict[str, Any]:
    """A shift with adviser name, place code, hours and its log; who was served is masked unless `reveal`."""
    with db.read() as s:
        adviser = s.get(Adviser, shift.adviser_id)
        place = s.get(Station, shift.place_station_id)
    return {
        "id": shift.id,
        "adviser_id": shift.adviser_id,
        "adviser": adviser.name if adviser else None,
        "place": place.code if place else None,
        "start_at": shift.start_at.isoformat(timespec="minutes"),
        "end_at": shift.end_at.isoformat(timespec="minutes"),
        "hours": hours(shift.start_at, shift.end_at),
        "people_served": shift.people_served,
        "summary": shift.summary,
        "log": [{"id": e.id, "position": e.position,
                 "served": e.served if reveal else (mask_name(e.served) or None),
                 "content": e.content, "result": e.result, "service_type": e.service_type, "mode": e.mode}
                for e in shift.log_entries],
    }
