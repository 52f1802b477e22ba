"""Access log of personal data (个人信息保护法): who revealed or exported what, and when.

Services write it (not front ends), so every way of seeing personal data leaves its line. When the command line
acts as the installation's administrator without --user, the operating-system account at the keyboard is
recorded beside the login (`StationDB.os_account`, set by the application on opening).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from station_app.core.query import Query
from station_app.services.base import StationDB
from station_app.store.models import AccessLog


def log_access(db: StationDB, actor: str, action: str, table_name: str | None = None, record_id: str | None = None,
               detail: str | None = None) -> None:
    with db.raw_write() as s:
        s.add(AccessLog(actor=actor, action=action, table_name=table_name, record_id=record_id, detail=detail,
                        os_account=db.os_account))


def reveal(db: StationDB, actor: str, permission: str, table_name: str, record_id: str) -> None:
    """Allow `actor` to see one record's personal data in full, and log it; refused without the permission."""
    db.authorize(actor, permission)
    log_access(db, actor, "reveal", table_name, record_id)


@dataclass(frozen=True)
class AccessEntry:
    id: int
    at: datetime
    actor: str
    os_account: str | None
    action: str
    table_name: str | None
    record_id: str | None
    detail: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(timespec="seconds"), "actor": self.actor,
                "os_account": self.os_account, "action": self.action, "table": self.table_name,
                "record_id": self.record_id, "detail": self.detail}


FILTERS = frozenset({"actor", "action", "table", "record_id", "since", "until"})
SORTS = {"at": AccessLog.at, "actor": AccessLog.actor, "action": AccessLog.action}


def _where(stmt, q: Query):
    if q.filter("actor"):
        stmt = stmt.where(AccessLog.actor == q.filter("actor"))
    if q.filter("action"):
        stmt = stmt.where(AccessLog.action == q.filter("action"))
    if q.filter("table"):
        stmt = stmt.where(AccessLog.table_name == q.filter("table"))
    if q.filter("record_id"):
        stmt = stmt.where(AccessLog.record_id.like(q.filter("record_id") + "%"))
    if q.filter("since"):
        stmt = stmt.where(AccessLog.at >= q.filter("since"))
    if q.filter("until"):
        stmt = stmt.where(AccessLog.at < q.filter("until"))
    return stmt


def list_access(db: StationDB, actor: str, q: Query) -> list[AccessEntry]:
    """The access log, newest first by default; only an administrator reads it."""
    db.authorize(actor, "accesslog.read")
    q.check(FILTERS, SORTS)
    col = SORTS[q.sort or "at"]
    order = col.asc() if (q.sort and not q.descending) else col.desc()
    stmt = _where(select(AccessLog), q).order_by(order, AccessLog.id.desc()).offset(q.offset)
    if q.limit is not None:
        stmt = stmt.limit(q.limit)
    with db.read() as s:
        return [AccessEntry(a.id, a.at, a.actor, a.os_account, a.action, a.table_name, a.record_id, a.detail)
                for a in s.execute(stmt).scalars()]


def count_access(db: StationDB, actor: str, q: Query) -> int:
    db.authorize(actor, "accesslog.read")
    q.check(FILTERS, SORTS)
    with db.read() as s:
        return s.execute(_where(select(func.count()).select_from(AccessLog), q)).scalar_one()
