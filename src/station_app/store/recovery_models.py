"""Tables of sync recovery: the station's outbox (every bundle it exported, byte for byte).

A lost USB stick is the usual reason a township misses a bundle; `bundle export --resend N` writes exactly bundle N
again from here, so the township closes the gap with the very bundle it missed (same number, same sha256).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from station_app.store.models import Base, utcnow


class OutboxBundle(Base):
    """One exported bundle file as written (signed and encrypted: nothing here is readable without the keys)."""

    __tablename__ = "sync_outbox"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
