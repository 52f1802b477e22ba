"""普法活动: 法治讲座, 普法宣传 and 法律咨询日, counted in 场次, 参加人次 and 发放资料份数."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from station_app.core import validators as v
import re
from collections.abc import Iterable

from station_app.core.codes import Audience, Occasion, Organiser, OutreachKind, StationKind
from station_app.core.errors import FieldProblem, ValidationError
from station_app.core.i18n import _, N_, NP_
from station_app.services.advisers import resolve_adviser
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.services.fields import Spec, clean, code_of, text as text_of
from station_app.store.models import Adviser, OutreachEvent, OutreachPhoto

SPECS: dict[str, Spec] = {
    "kind": Spec(NP_("station_app.services.outreach.SPECS", "kind"), code_of(OutreachKind), required=True),
    "held_on": Spec(NP_("station_app.services.outreach.SPECS", "date"), v.parse_date, required=True),
    "topic": Spec(N_("topic"), text_of(200), required=True),
    "speaker": Spec(N_("speaker"), lambda r: v.optional_text(r, 64)),
    # An id, a unique id prefix or an active adviser's name; add_event turns it into the id.
    "adviser_id": Spec(N_("adviser"), lambda r: v.optional_text(str(r), 64)),
    "place": Spec(NP_("station_app.services.outreach.SPECS", "place"), lambda r: v.optional_text(r, 128)),
    "attendees": Spec(N_("attendees"), v.non_negative_int, default=0),
    "materials": Spec(N_("materials handed out"), v.non_negative_int, default=0),
    # Who organised it: "村法律顾问开展法治讲座13场次" counts the advisers' own, apart from the township's.
    "organiser": Spec(N_("organiser"), code_of(Organiser), required=True),
    "theme": Spec(N_("theme"), lambda r: v.optional_text(r, 64)),
    "occasion": Spec(N_("occasion"), code_of(Occasion)),
    "audience": Spec(N_("audience"), code_of(Audience)),
    # Station codes, ids or names of the villages covered; add_event turns them into ids.
    "villages": Spec(N_("villages covered"), lambda r: _village_refs(r)),
}


def _village_refs(raw: Any) -> list[str]:
    items = raw if isinstance(raw, (list, tuple)) else re.split(r"[、,，;；\s]+", str(raw))
    refs = [str(i).strip() for i in items if str(i).strip()]
    for r in refs:
        v.required_text(r, 100)
    return refs


def validate_event(data: dict[str, Any]) -> dict[str, Any]:
    """Clean raw input into record values; raises ValidationError listing every bad field.
    Without an organiser, an event given by an adviser is 村法律顾问's, any other 其他."""
    data = dict(data)
    if not data.get("organiser"):
        data["organiser"] = Organiser.ADVISER.value if data.get("adviser_id") else Organiser.OTHER.value
    values = clean(SPECS, data)
    if values["organiser"] == Organiser.ADVISER.value and not values.get("adviser_id"):
        raise ValidationError.single(SPECS["adviser_id"].label, _("an event organised by a village adviser names the adviser"))
    return values


def _resolve(w: Writer, values: dict[str, Any]) -> dict[str, Any]:
    from station_app.services.duty import resolve_station

    out = dict(values)
    problems: list = []
    if out.get("adviser_id"):
        try:
            out["adviser_id"] = resolve_adviser(w.session, out["adviser_id"], field=SPECS["adviser_id"].label).id
        except ValidationError as e:
            problems.extend(e.problems)
    if out.get("villages"):
        ids: list[str] = []
        for ref in out["villages"]:
            try:
                station = resolve_station(w.session, ref, field=SPECS["villages"].label)
            except ValidationError as e:
                problems.extend(e.problems)
                continue
            if station.kind != StationKind.VILLAGE.value:
                problems.append(FieldProblem(SPECS["villages"].label, _("{code} is not a village", code=station.code)))
            elif station.id not in ids:
                ids.append(station.id)
        out["villages"] = ids
    if problems:
        raise ValidationError(problems)
    return out


def add_event(w: Writer, values: dict[str, Any], photos: Iterable[Any] = (), *, paths=None) -> OutreachEvent:
    """Insert validated values (and photo evidence, stored like posting photos) inside an open write."""
    from station_app.store.photos import paths_of_writer as _paths_of, read_photos, store_photo

    files = read_photos(photos)
    event = w.add(OutreachEvent(**_resolve(w, values)))
    for photo in files:
        store_photo(paths or _paths_of(w), photo)
        w.add(OutreachPhoto(event_id=event.id, file_name=photo.file_name, sha256=photo.sha256, size=photo.size,
                            media_type=photo.media_type))
    return event


def record_event(db: StationDB, actor: str, data: dict[str, Any], *, photos: Iterable[Any] = (),
                 source: str | None = None) -> ChangeSet:
    from station_app.services.postings import read_photos

    values = validate_event(data)
    files = read_photos(photos)
    with db.write(actor, source=source) as w:
        add_event(w, values, files, paths=db.paths)
    return w.result


def update_event(db: StationDB, actor: str, event_id: str, data: dict[str, Any]) -> ChangeSet:
    values = clean(SPECS, data, partial=True)
    with db.write(actor) as w:
        obj = db.get(w.session, OutreachEvent, event_id)
        organiser = values.get("organiser", obj.organiser)
        if organiser == Organiser.ADVISER.value and not values.get("adviser_id", obj.adviser_id):
            raise ValidationError.single(SPECS["adviser_id"].label, _("an event organised by a village adviser names the adviser"))
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
    organiser: str = Organiser.OTHER.value
    theme: str | None = None
    occasion: str | None = None
    audience: str | None = None
    villages: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "held_on": self.held_on.isoformat(), "topic": self.topic,
                "speaker": self.speaker, "adviser_id": self.adviser_id, "adviser": self.adviser,
                "place": self.place, "attendees": self.attendees, "materials": self.materials,
                "organiser": self.organiser, "theme": self.theme, "occasion": self.occasion,
                "audience": self.audience, "villages": self.villages}


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
                         e.materials, e.organiser, e.theme, e.occasion, e.audience, len(e.villages or []))
                for e, name in s.execute(stmt)]
