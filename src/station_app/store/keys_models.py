"""Tables of the sync layer's identities: keys, cards, enrolled stations, revocations, exported bundles.

Private keys never enter the database: they live as files under `paths.keys` (owner-only). These tables hold the
public halves and what this installation decided about other installations' keys.
"""

# No `from __future__ import annotations` here: SQLAlchemy would then evaluate every `Mapped[...]` string at
# start-up (a fifth of the time mapping these classes takes); a class named before it is defined is quoted.

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from station_app.store.models import Base, utcnow


class OwnKey(Base):
    """This installation's key pairs over time; the one with retired_at NULL signs (older ones were rotated out)."""

    __tablename__ = "own_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: minisign key id as the minisign tool prints it (16 upper-case hex digits).
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    minisign_public: Mapped[str] = mapped_column(String(64))
    age_recipient: Mapped[str] = mapped_column(String(100))
    #: An offline escrow age recipient others should also encrypt to (township only; optional).
    escrow_recipient: Mapped[str | None] = mapped_column(String(100))
    #: The escrow kit's minisign public key (township only; sync/escrow.py): it alone replaces a stolen key.
    escrow_minisign_public: Mapped[str | None] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)


class TrustedKey(Base):
    """A key of another installation: the township trusted at a station, or a station enrolled at the township."""

    __tablename__ = "trusted_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    role: Mapped[str] = mapped_column(String(10))  # "township" | "station"
    station_id: Mapped[str] = mapped_column(String(36), index=True)
    station_code: Mapped[str] = mapped_column(String(10), index=True)
    station_name: Mapped[str] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    minisign_public: Mapped[str] = mapped_column(String(64))
    age_recipient: Mapped[str] = mapped_column(String(100))
    escrow_recipient: Mapped[str | None] = mapped_column(String(100))
    #: The township's escrow kit signing key, from its card (a station accepts a key replacement signed by it).
    escrow_minisign_public: Mapped[str | None] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(32))
    #: The card as received (JSON text), kept for the record.
    card: Mapped[str] = mapped_column(Text)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: Set when a rotation replaced this key; it still verifies bundles (it was not compromised) unless revoked.
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    superseded_by: Mapped[str | None] = mapped_column(String(16))


class KeyRevocation(Base):
    """A key the township no longer accepts (a lost or stolen PC): every bundle signed with it is refused."""

    __tablename__ = "key_revocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    station_id: Mapped[str] = mapped_column(String(36))
    station_code: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_by: Mapped[str] = mapped_column(String(64))


class KeyRotation(Base):
    """An accepted key rotation: the statement signed by the old and the new key, kept as evidence."""

    __tablename__ = "key_rotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(36))
    old_key_id: Mapped[str] = mapped_column(String(16))
    new_key_id: Mapped[str] = mapped_column(String(16), unique=True)
    statement: Mapped[str] = mapped_column(Text)
    accepted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ExportedBundle(Base):
    """The bundles this installation wrote, per kind, numbered gap-free and chained by sha256.

    status: "pending" (number reserved, file not yet confirmed on disk), "written", or "anchor" (no file here: the
    chain position handed over by a restore, so a restored station continues the township's chain).
    """

    __tablename__ = "exported_bundles"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[int] = mapped_column(Integer)
    counter_from: Mapped[int] = mapped_column(Integer)
    counter_to: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str | None] = mapped_column(String(64))
    prev_sha256: Mapped[str | None] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))
    path: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
