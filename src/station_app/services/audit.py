"""Access log of personal data (个人信息保护法): who revealed or exported what, and when."""

from __future__ import annotations

from station_app.services.base import StationDB
from station_app.store.models import AccessLog


def log_access(db: StationDB, actor: str, action: str, table_name: str | None = None, record_id: str | None = None,
               detail: str | None = None) -> None:
    with db.raw_write() as s:
        s.add(AccessLog(actor=actor, action=action, table_name=table_name, record_id=record_id, detail=detail))
