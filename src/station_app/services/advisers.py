"""村法律顾问: the lawyers of contracted law firms who serve the village stations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.errors import ValidationError
from station_app.core.i18n import _, N_, NP_
from station_app.core.masking import mask_phone
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.core.codes import AdviserKind
from station_app.services.fields import Spec, boolean, clean, code_of, text as text_of
from station_app.store.models import Adviser


def licence_no(value: Any) -> str:
    """A lawyer's 执业证号: 17 digits (spaces people type in between are dropped)."""
    s = re.sub(r"\s", "", str(value))
    if not re.fullmatch(r"\d{17}", s):
        raise v._fail(_("a lawyer's licence number has 17 digits: {value}", value=value))
    return s


def worker_licence_no(value: Any) -> str:
    """A 基层法律服务工作者's 执业证号: issued by the provincial justice department in its own numbering, so only
    its shape is checked: 6 to 20 digits or Latin letters."""
    s = re.sub(r"\s", "", str(value))
    if not re.fullmatch(r"[0-9A-Za-z]{6,20}", s):
        raise v._fail(_("a grassroots legal service worker's licence number has 6 to 20 digits or letters: {value}", value=value))
    return s


def other_licence_no(value: Any) -> str:
    """Someone who is neither (a retired judge, a notary...): whatever credential number they have, as text."""
    return v.required_text(str(value), 32)


#: Each kind of adviser has its own licence check.
LICENCE_CHECKS = {AdviserKind.LAWYER.value: licence_no, AdviserKind.LEGAL_WORKER.value: worker_licence_no,
                  AdviserKind.OTHER.value: other_licence_no}


def _check_licence(values: dict[str, Any], raw_licence: Any) -> None:
    """Check the raw licence number by the adviser's kind (the kind is known only once every field is read)."""
    if raw_licence is None or (isinstance(raw_licence, str) and not raw_licence.strip()):
        return
    check = LICENCE_CHECKS.get(values.get("kind") or AdviserKind.LAWYER.value, licence_no)
    try:
        values["licence_no"] = check(raw_licence)
    except ValidationError as e:
        raise ValidationError.single(SPECS["licence_no"].label, e.problems[0].message) from None


SPECS: dict[str, Spec] = {
    "name": Spec(NP_("station_app.services.advisers.SPECS", "name"), text_of(64), required=True),
    "law_firm": Spec(N_("law firm"), lambda r: v.optional_text(r, 128)),
    "phone": Spec(NP_("station_app.services.advisers.SPECS", "phone"), v.phone),
    # Checked by kind in _check_licence: a lawyer's 17 digits, a legal worker's own numbering.
    "licence_no": Spec(N_("licence number"), lambda r: v.required_text(str(r), 32)),
    "active": Spec(N_("active"), boolean, default=True),
    "kind": Spec(NP_("station_app.services.advisers.SPECS", "kind"), code_of(AdviserKind), default=AdviserKind.LAWYER.value),
}


def validate_adviser(data: dict[str, Any]) -> dict[str, Any]:
    """Clean raw input into record values; raises ValidationError listing every bad field."""
    try:
        values = clean(SPECS, data)
    except ValidationError as e:
        # Report a bad licence number with the other problems, checked by the kind when that one is readable.
        try:
            kind = {"kind": AdviserKind.parse(str(data.get("kind") or AdviserKind.LAWYER.value)).value}
            _check_licence(kind, data.get("licence_no"))
        except ValueError:
            pass
        except ValidationError as licence_error:
            raise ValidationError(e.problems + licence_error.problems) from None
        raise
    _check_licence(values, data.get("licence_no"))
    return values


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
        adviser = db.get(w.session, Adviser, adviser_id)
        if "licence_no" in values or "kind" in values:
            merged = {"kind": values.get("kind", adviser.kind)}
            _check_licence(merged, data.get("licence_no", adviser.licence_no))
            if merged.get("licence_no") is not None:
                values["licence_no"] = merged["licence_no"]
        w.update(adviser, **values)
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
        _("adviser"),
        _("{n} advisers are called '{strip}'; give the id", n=n, strip=name.strip()))


def resolve_adviser(session: Session, ref: str, *, field: str | None = None) -> Adviser:
    """An adviser given by id, unique id prefix or name; raises ValidationError naming `field` otherwise.

    Names match active advisers first; an inactive one (contract ended) is still found by name so older
    ledgers import.
    """
    label = field or _("adviser")
    ref = (ref or "").strip()
    obj = session.get(Adviser, ref) if ref else None
    if obj is not None:
        if obj.deleted:
            raise ValidationError.single(label, _("that adviser was deleted: {ref}", ref=ref))
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
    raise ValidationError.single(label, _("no such adviser: {ref}", ref=ref))


@dataclass(frozen=True)
class AdviserRow:
    """One line of the adviser list; the phone is masked (the full number is in the record)."""

    id: str
    name: str
    law_firm: str | None
    phone: str
    licence_no: str | None
    active: bool
    kind: str = AdviserKind.LAWYER.value

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "law_firm": self.law_firm, "phone": self.phone,
                "licence_no": self.licence_no, "active": self.active, "kind": self.kind}


def list_advisers(db: StationDB, *, include_inactive: bool = False) -> list[AdviserRow]:
    stmt = select(Adviser).where(Adviser.deleted.is_(False))
    if not include_inactive:
        stmt = stmt.where(Adviser.active.is_(True))
    stmt = stmt.order_by(Adviser.name, Adviser.id)
    with db.read() as s:
        return [AdviserRow(a.id, a.name, a.law_firm, mask_phone(a.phone), a.licence_no, a.active, a.kind)
                for a in s.execute(stmt).scalars()]
