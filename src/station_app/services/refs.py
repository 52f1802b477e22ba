"""One way to name a person or a record on every front end: the full id, a unique id prefix, or a human key.

People copy the first characters of an id from a list, or type a name: `consult add --adviser 王律师`,
`duty add --adviser 6eb6`, `mediation close S01-2021-001`. Each kind resolves the same way wherever it is asked for.

| kind       | accepted                                          |
| ---------- | ------------------------------------------------- |
| adviser    | id, unique id prefix, name (active first)         |
| station    | id, code (S01, T00), name (小苏庄村)              |
| case       | id, unique id prefix, case number (S01-2021-001)  |
| user       | login                                             |
| any record | id, unique id prefix (at least 4 characters)      |
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.core.errors import ValidationError
from station_app.core.i18n import _


def resolve_record(session: Session, model: Any, ref: str, *, field: str) -> Any:
    """A live record of `model` by id or unique id prefix; ValidationError naming `field` otherwise."""
    ref = (ref or "").strip()
    obj = session.get(model, ref) if ref else None
    if obj is not None and not obj.deleted:
        return obj
    if obj is None and len(ref) >= 4:
        matches = session.execute(select(model).where(model.id.like(ref + "%"), model.deleted.is_(False))
                                  .limit(2)).scalars().all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError.single(field, _("more than one record starts with '{ref}'; type more characters", ref=ref))
    raise ValidationError.single(field, _("not found: {ref}", ref=ref))


def resolve(session: Session, kind: str, ref: str, *, field: str, db: Any = None) -> Any:
    """Dispatch by kind (see the module's table); `db` is needed for cases (a township prefers its own)."""
    if kind == "adviser":
        from station_app.services.advisers import resolve_adviser

        return resolve_adviser(session, ref, field=field)
    if kind == "station":
        from station_app.services.duty import resolve_station

        return resolve_station(session, ref, field=field)
    if kind == "case":
        from station_app.services.mediation import find_case

        return find_case(db, session, ref)
    if kind == "user":
        from station_app.store.models import User

        user = session.get(User, (ref or "").strip())
        if user is None:
            raise ValidationError.single(field, _("no such user: {ref}", ref=ref))
        return user
    raise ValueError(kind)
