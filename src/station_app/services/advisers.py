"""村法律顾问: the lawyers of contracted law firms who serve the village stations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.errors import ValidationError
from station_app.core.i18n import pick
from station_app.core.masking import mask_phone
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.services.fields import Spec, boolean, clean, text as text_of
from station_app.store.models import Adviser


def licence_no(value: Any) -> str:
    """A lawyer's 执业证号: 17 digits (spaces people type in between are dropped)."""
    s = re.sub(r"\s", "", str(value))
    if not re.fullmatch(r"\d{17}", s):
        raise v._fail(f"律师执业证号应为17位数字：{value}", f"a lawyer's licence number has 17 digits: {value}")
    return s


SPECS: dict[str, Spec] = {
    "name": Spec("姓名", "name", text_of(64), required=True),
    "law_firm": Spec("律师事务所", "law firm", lambda r: v.optional_text(r, 128)),
    "phone": Spec("联系电话", "phone", v.phone),
    "licence_no": Spec("执业证号", "licence number", licence_no),
    "active": Spec("在岗", "active", boolean, default=True),
}


def validate_adviser(data: dict[str, Any]) -> dict[str, Any]:
    """Clean raw input into record values; raises ValidationError listing every bad field."""
    return clean(SPECS, data)


def add_adviser(w: Writer, values: dict[str, Any]) -> Adviser:
    """Insert already validated values inside an open write."""
    return w.add(Adviser(**values))


def record_adviser(db: StationDB, actor: str, data: dict[str, Any], *, source: str | None = None) -> ChangeSet:
    values = validate_adviser(data)
    with db.write(actor, source=source) as w:
        add_adviser(w, values)
    return w.result


def update_adviser(db: StationDB, actor: str, adviser_id: str, data: dict[str, Any]) -> ChangeSet:
    values = clean(SPECS, data, partial=True)
    with db.write(actor) as w:
        w.update(db.get(w.session, Adviser, adviser_id), **values)
    return w.result


def delete_adviser(db: StationDB, actor: str, adviser_id: str) -> ChangeSet:
    """Tombstone a mistaken entry. An adviser whose contract ended is set inactive instead (keeps the history)."""
    return db.tombstone(actor, Adviser, adviser_id)


def get_adviser(db: StationDB, adviser_id: str) -> Adviser:
    return db.fetch(Adviser, adviser_id)


def find_adviser_by_name(session: Session, name: str) -> Adviser | None:
    """The active, non-deleted adviser with exactly this name (after strip), or None.

    Two active advisers with one name cannot be told apart by name: that raises ValidationError rather than
    guessing (the caller should give the id).
    """
    found = _by_name(session, name, active_only=True)
    if len(found) > 1:
        raise _ambiguous(name, len(found))
    return found[0] if found else None


def _by_name(session: Session, name: str, *, active_only: bool) -> list[Adviser]:
    stmt = select(Adviser).where(Adviser.name == name.strip(), Adviser.deleted.is_(False))
    if active_only:
        stmt = stmt.where(Adviser.active.is_(True))
    return list(session.execute(stmt.limit(3)).scalars())


def _ambiguous(name: str, n: int) -> ValidationError:
    return ValidationError.single(
        pick("法律顾问", "adviser"),
        pick(f"有{n}位名为“{name.strip()}”的法律顾问，请改用编号", f"{n} advisers are called '{name.strip()}'; give the id"))


def resolve_adviser(session: Session, ref: str, *, field: str | None = None) -> Adviser:
    """An adviser given by id, unique id prefix or name; raises ValidationError naming `field` otherwise.

    Names match active advisers first; an inactive one (contract ended) is still found by name so older
    ledgers import.
    """
    label = field or pick("法律顾问", "adviser")
    ref = (ref or "").strip()
    obj = session.get(Adviser, ref) if ref else None
    if obj is not None:
        if obj.deleted:
            raise ValidationError.single(label, pick(f"该法律顾问已删除：{ref}", f"that adviser was deleted: {ref}"))
        return obj
    if len(ref) >= 4 and re.fullmatch(r"[0-9a-f-]+", ref):
        matches = list(session.execute(select(Adviser).where(Adviser.id.like(ref + "%"), Adviser.deleted.is_(False))
                                       .limit(2)).scalars())
        if len(matches) == 1:
            return matches[0]
    if ref:
        for active_only in (True, False):
            found = _by_name(session, ref, active_only=active_only)
            if len(found) > 1:
                e = _ambiguous(ref, len(found))
                raise ValidationError.single(label, e.problems[0].message)
            if found:
                return found[0]
    raise ValidationError.single(label, pick(f"找不到该法律顾问：{ref}", f"no such adviser: {ref}"))


@dataclass(frozen=True)
class AdviserRow:
    """One line of the adviser list; the phone is masked (the full number is in the record)."""

    id: str
    name: str
    law_firm: str | None
    phone: str
    licence_no: str | None
    active: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "law_firm": self.law_firm, "phone": self.phone,
                "licence_no": self.licence_no, "active": self.active}


def list_advisers(db: StationDB, *, include_inactive: bool = False) -> list[AdviserRow]:
    stmt = select(Adviser).where(Adviser.deleted.is_(False))
    if not include_inactive:
        stmt = stmt.where(Adviser.active.is_(True))
    stmt = stmt.order_by(Adviser.name, Adviser.id)
    with db.read() as s:
        return [AdviserRow(a.id, a.name, a.law_firm, mask_phone(a.phone), a.licence_no, a.active)
                for a in s.execute(stmt).scalars()]
