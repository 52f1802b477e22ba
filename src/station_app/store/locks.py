"""Serialising writers where the database does not (issue 14).

On SQLite every write transaction starts with BEGIN IMMEDIATE: writers already run one at a time. PostgreSQL runs
them at once under READ COMMITTED, so a "read the highest number, write the next" step must hold a lock for the rest
of its transaction; a second writer then waits until the first commits or rolls back, and its next statement sees
what the first committed (READ COMMITTED reads a fresh snapshot per statement).

- `lock_counter(session)`: the row lock on `local_state`, which every stamped write takes anyway when it bumps the
  change counter (Writer.counter) and holds to commit. Steps inside a stamped write (case numbers, duty-log
  positions) take it early: that adds no waiting a stamped write would not have, and with one lock there is no lock
  order to get wrong (an advisory lock taken after the counter in one transaction and before it in another could
  deadlock).
- `serialise(session, *key)`: a transaction-scoped advisory lock on a key, for work that does not bump this
  installation's counter (e.g. one import per station at a time). Take it before any stamped write in the same
  transaction, for the reason above.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_key(*parts: object) -> int:
    """A stable signed 64-bit key for the parts (the same in every process and on every machine)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_counter(session: Session) -> None:
    """Hold the change counter's row lock until this transaction ends (a no-op on SQLite, whose writers are serial)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT counter FROM local_state WHERE id = 1 FOR UPDATE"))


def serialise(session: Session, *parts: object) -> None:
    """Hold a lock on `parts` until this transaction ends (a no-op on SQLite, whose writers are serial)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(*parts)})
