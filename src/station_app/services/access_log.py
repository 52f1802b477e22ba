"""Reading the access log of personal data (个人信息保护法): the query behind `station-app access-log`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select

from station_app.services.base import StationDB
from station_app.store.models import AccessLog


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    actor: str
    action: str
    table_name: str | None
    record_id: str | None
    detail: str | None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["at"] = self.at.isoformat(timespec="seconds")
        return d


def _filtered(query, actor: str | None, action: str | None, since: datetime | None):
    if actor:
        query = query.where(AccessLog.actor == actor)
    if action:
        query = query.where(AccessLog.action == action)
    if since is not None:
        query = query.where(AccessLog.at >= since)
    return query


def list_access(db: StationDB, *, actor: str | None = None, action: str | None = None,
                since: datetime | None = None, limit: int = 50, offset: int = 0) -> list[AccessEntry]:
    """Newest first."""
    q = _filtered(select(AccessLog), actor, action, since).order_by(AccessLog.at.desc(), AccessLog.id.desc())
    with db.read() as s:
        rows = s.execute(q.limit(limit).offset(offset)).scalars().all()
        return [AccessEntry(r.at, r.actor, r.action, r.table_name, r.record_id, r.detail) for r in rows]


def count_access(db: StationDB, *, actor: str | None = None, action: str | None = None,
                 since: datetime | None = None) -> int:
    with db.read() as s:
        return s.execute(_filtered(select(func.count(AccessLog.id)), actor, action, since)).scalar_one()
