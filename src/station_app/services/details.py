"""One record in full, as a plain data object, with personal data masked unless revealed.

Revealing is a service decision: the actor's role must allow it (core/roles.py) and every reveal is written to
the access log here, whichever front end asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from station_app.services import audit
from station_app.services import consultations as cs
from station_app.services import duty as du
from station_app.services import mediation as md
from station_app.services.base import StationDB


@dataclass(frozen=True)
class Details:
    """A record's fields by key (masked unless `revealed`), plus nested lists such as a case file's parties."""

    table: str
    id: str
    values: dict[str, Any] = field(default_factory=dict)
    revealed: bool = False

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)


def consultation(db: StationDB, actor: str, record_id: str, *, reveal: bool = False) -> Details:
    db.authorize(actor, "consultation.read")
    c = cs.get_consultation(db, record_id)
    if reveal:
        audit.reveal(db, actor, "consultation.reveal", "consultations", c.id)
    return Details("consultations", c.id, cs.consultation_details(c, reveal=reveal), reveal)


def shift(db: StationDB, actor: str, shift_id: str, *, reveal: bool = False) -> Details:
    db.authorize(actor, "report.read")
    s = du.get_shift(db, shift_id)
    if reveal:
        audit.reveal(db, actor, "duty.reveal", "duty_shifts", s.id)
    return Details("duty_shifts", s.id, du.shift_details(db, s, reveal=reveal), reveal)


def case(db: StationDB, actor: str, case_id: str, *, reveal: bool = False) -> Details:
    db.authorize(actor, "mediation.read")
    c = md.get_case(db, case_id)
    if reveal:
        audit.reveal(db, actor, "mediation.reveal", "mediation_cases", c.id)
    return Details("mediation_cases", c.id, md.case_details(db, c.id, reveal=reveal), reveal)
