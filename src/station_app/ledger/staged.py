"""Staged writing for ledger imports: the records a 台账 row becomes, written as Writer.add would write them (same
stamps, defaults and history row), but without ORM objects: their stored rows go to TEMP tables and move with one
INSERT … SELECT per table when the import is complete (sync.staging explains why one statement per table matters
for the search-index triggers).

Only records that nothing in the same import reads back are staged (a consultation is never looked up while a
ledger is imported; advisers created on the fly are, so they stay ordinary ORM records).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from station_app.services.base import Change, Writer
from station_app.store.models import RecordHistory, new_id, utcnow
from station_app.store.rowdata import json_value
from station_app.sync.rowcheck import columns
from station_app.sync.staging import Stage

_META = frozenset({"id", "station_id", "counter", "created_at", "updated_at", "created_by", "updated_by", "deleted"})


@dataclass(frozen=True)
class StagedRecord:
    id: str


def _stored(kind: str, v: Any) -> Any:
    if v is None:
        return None
    if kind == "datetime":
        return v.isoformat(" ", "microseconds")
    if kind == "date":
        return v.isoformat()
    if kind == "json":
        return json.dumps(v)
    return v


class StagedAdds:
    """Collects created records and ledger fingerprints of one import; `write()` puts them in the database."""

    def __init__(self, w: Writer):
        self.w = w
        self.now = utcnow()
        self.rows: dict[str, list[tuple]] = {}
        self.ledger_rows: list[tuple] = []
        self._defaults: dict[str, dict[str, Any]] = {}
        self._conv: dict[str, list[tuple[str, str | None]]] = {}
        self._hist: dict[str, list[str]] = {}
        self.now_s = self.now.isoformat(" ", "microseconds")

    def _scalar_defaults(self, model) -> dict[str, Any]:
        table = model.__tablename__
        got = self._defaults.get(table)
        if got is None:
            got = {c.key: c.default.arg for c in model.__table__.columns
                   if c.default is not None and c.default.is_scalar}
            self._defaults[table] = got
        return got

    def _put(self, model, values: dict[str, Any]) -> None:
        table = model.__tablename__
        conv = self._conv.get(table)
        if conv is None:
            conv = self._conv[table] = [(c.key, c.kind if c.kind in ("datetime", "date", "json") else None)
                                        for c in columns(table)]
        get = values.get
        now, now_s = self.now, self.now_s
        self.rows.setdefault(table, []).append(
            tuple(get(k) if kind is None else (now_s if get(k) is now else _stored(kind, get(k)))
                  for k, kind in conv))

    def add(self, model, values: dict[str, Any]) -> StagedRecord:
        """What Writer.add does for `model(**values)`: stamp, scalar defaults, a create history row."""
        w = self.w
        row = dict(values)
        for k, v in self._scalar_defaults(model).items():
            if row.get(k) is None:
                row[k] = v
        row.update(id=row.get("id") or new_id(), station_id=row.get("station_id") or w.station_id,
                   counter=w.counter, created_at=self.now, updated_at=self.now, created_by=w.actor,
                   updated_by=w.actor, deleted=bool(row.get("deleted") or False))
        self._put(model, row)
        changes = {k: [None, json_value(v)] for k in self._history_keys(model.__tablename__)
                   if (v := row.get(k)) is not None}
        self._put(RecordHistory, {
            "id": new_id(), "station_id": w.station_id, "counter": w.counter, "created_at": self.now,
            "updated_at": self.now, "created_by": w.actor, "updated_by": w.actor, "deleted": False,
            "table_name": model.__tablename__, "record_id": row["id"], "action": "create", "changes": changes,
            "source": w.source})
        w.result.changes.append(Change(model.__tablename__, row["id"], "create"))
        return StagedRecord(row["id"])

    def _history_keys(self, table: str) -> list[str]:
        keys = self._hist.get(table)
        if keys is None:
            keys = self._hist[table] = [c.key for c in columns(table) if c.key not in _META]
        return keys

    def ledger_row(self, *, kind: str, fingerprint: str, record_table: str, record_id: str, file_name: str,
                   sheet: str | None, row_number: int) -> None:
        self.ledger_rows.append((kind, fingerprint, record_table, record_id, file_name, sheet, row_number,
                                 self.now_s))

    def write(self) -> None:
        s = self.w.session
        s.flush()  # ORM records of this import (advisers created on the fly) first, as the Writer would
        stage = Stage(s)
        for table, rows in self.rows.items():
            stage.add(table, rows)
        stage.plan(frozenset({self.w.station_id}))
        stage.write()
        if self.ledger_rows:
            stage.raw.executemany(
                "INSERT INTO ledger_rows (kind, fingerprint, record_table, record_id, file_name, sheet, row_number, "
                "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self.ledger_rows)
