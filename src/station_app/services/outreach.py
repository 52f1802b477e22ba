"""普法活动: 法治讲座, 普法宣传 and 法律咨询日, counted in 场次, 参加人次 and 发放资料份数."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from station_app.core import validators as v
from station_app.core.codes import OutreachKind
from station_app.services.advisers import resolve_adviser
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.services.fields import Spec, clean, code_of, text as text_of
from station_app.store.models import Adviser, OutreachEvent

SPECS: dict[str, Spec] = {
    "kind": Spec("活动类型", "kind", code_of(OutreachKind), required=True),
    "held_on": Spec("活动日期", "date", v.parse_date, required=True),
    "topic": Spec("主题", "topic", text_of(200), required=True),
    "speaker": Spec("主讲人", "speaker", lambda r: v.optional_text(r, 64)),
    # An id, a unique id prefix or an active adviser's name; add_event turns it into the id.
    "adviser_id": Spec("法律顾问", "adviser", lambda r: v.optional_text(str(r), 64)),
    "place": Spec("活动地点", "place", lambda r: v.optional_text(r, 128)),
    "attendees": Spec("参加人次", "attendees", v.non_negative_int, default=0),
    "materials": Spec("发放资料份数", "materials handed out", v.non_negative_int, default=0),
}


def validate_event(data: dict[str, Any]) -> dict[str, Any]:
    """Clean raw input into record values; raises ValidationError listing every bad field."""
    return clean(SPECS, data)


def _resolve(w: Writer, values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if out.get("adviser_id"):
        out["adviser_id"] = resolve_adviser(w.session, out["adviser_id"], field=SPECS["adviser_id"].label).id
    return out


def add_event(w: Writer, values: dict[str, Any]) -> OutreachEvent:
    """Insert validated values inside an open write."""
    return w.add(OutreachEvent(**_resolve(w, values)))


def record_event(db: StationDB, actor: str, data: dict[str, Any], *, source: str | None = None) -> ChangeSet:
    values = validate_event(data)
    with db.write(actor, source=source) as w:
        add_event(w, values)
    return w.result


def update_event(db: StationDB, actor: str, event_id: str, data: dict[str, Any]) -> ChangeSet:
    values = clean(SPECS, data, partial=True)
    with db.write(actor) as w:
        obj = db.get(w.session, OutreachEvent, event_id)
        w.update(obj, **_resolve(w, values))
    return w.result


def delete_event(db: StationDB, actor: str, event_id: str) -> ChangeSet:
    return db.tombstone(actor, OutreachEvent, event_id)


def get_event(db: StationDB, event_id: str) -> OutreachEvent:
    return db.fetch(OutreachEvent, event_id)


@dataclass(frozen=True)
class EventRow:
    id: str
    kind: str
    held_on: date
    topic: str
    speaker: str | None
    adviser_id: str | None
    adviser: str | None
    place: str | None
    attendees: int
    materials: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "held_on": self.held_on.isoformat(), "topic": self.topic,
                "speaker": self.speaker, "adviser_id": self.adviser_id, "adviser": self.adviser,
                "place": self.place, "attendees": self.attendees, "materials": self.materials}


def list_events(db: StationDB, *, year: int | None = None, kind: str | None = None) -> list[EventRow]:
    """Events, newest first."""
    stmt = (select(OutreachEvent, Adviser.name).outerjoin(Adviser, Adviser.id == OutreachEvent.adviser_id)
            .where(OutreachEvent.deleted.is_(False)))
    if year is not None:
        stmt = stmt.where(OutreachEvent.held_on >= date(year, 1, 1), OutreachEvent.held_on < date(year + 1, 1, 1))
    if kind is not None:
        stmt = stmt.where(OutreachEvent.kind == clean(SPECS, {"kind": kind}, partial=True)["kind"])
    stmt = stmt.order_by(OutreachEvent.held_on.desc(), OutreachEvent.id)
    with db.read() as s:
        return [EventRow(e.id, e.kind, e.held_on, e.topic, e.speaker, e.adviser_id, name, e.place, e.attendees,
                         e.materials) for e, name in s.execute(stmt)]
