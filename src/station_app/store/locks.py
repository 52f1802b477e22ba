"""Serialising writers where the database does not (issue 14).

On SQLite every write transaction starts with BEGIN IMMEDIATE: writers already run one at a time. PostgreSQL runs
them at once under READ COMMITTED, so a "read the highest number, write the next" step (case numbers) must hold a
lock for the rest of its transaction. `serialise(session, "case_no", station_id, year)` takes a transaction-scoped
advisory lock on that key: a second writer with the same key waits until the first commits or rolls back, and its
next statement then sees what the first committed (READ COMMITTED reads a fresh snapshot per statement).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_key(*parts: object) -> int:
    """A stable signed 64-bit key for the parts (the same in every process and on every machine)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def serialise(session: Session, *parts: object) -> None:
    """Hold a lock on `parts` until this transaction ends (a no-op on SQLite, whose writers are serial)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(*parts)})
