"""Tables of the sync layer's merge: received bundles, high-water marks, forks, receipts.

Station ids here carry no foreign key to `stations`: a station's bundles may arrive before its own station row
(bundle 1 lost, bundle 2 first), and the log must still say what arrived.
"""

# No `from __future__ import annotations` here: SQLAlchemy would then evaluate every `Mapped[...]` string at
# start-up (a fifth of the time mapping these classes takes); a class named before it is defined is quoted.

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from station_app.store.models import Base, utcnow


class ReceivedBundle(Base):
    """One bundle merged here (township: station changes; station: the township's reference or restore)."""

    __tablename__ = "sync_received_bundles"
    __table_args__ = (UniqueConstraint("station_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(36))  # the signer
    station_code: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))  # changes, reference, restore
    number: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    counter_from: Mapped[int] = mapped_column(Integer)  # exclusive
    counter_to: Mapped[int] = mapped_column(Integer)  # inclusive
    #: The bundle id (sync/bundle.py bundle_id: what is signed); for rows of release 0.1.0, the file's sha256.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prev_sha256: Mapped[str | None] = mapped_column(String(64))
    #: sha256 of the file as received (a 0.1.0 station's next bundle names it as `prev`).
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[str | None] = mapped_column(String(40))  # the header's text: display only
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    counts: Mapped[dict] = mapped_column(JSON)  # rows merged per table
    file_name: Mapped[str | None] = mapped_column(String(255))


class StationMark(Base):
    """Per signer and kind: how far this installation holds its bundles (the high-water mark)."""

    __tablename__ = "sync_station_marks"

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    station_code: Mapped[str] = mapped_column(String(10))
    last_number: Mapped[int] = mapped_column(Integer, default=0)  # highest number held
    #: Every bundle 1..contiguous_number is held, so every change up to contiguous_counter is here.
    contiguous_number: Mapped[int] = mapped_column(Integer, default=0)
    contiguous_counter: Mapped[int] = mapped_column(Integer, default=0)
    high_counter: Mapped[int] = mapped_column(Integer, default=0)  # highest counter_to held
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    last_imported_at: Mapped[datetime | None] = mapped_column(DateTime)


class SyncFork(Base):
    """A sign of two writers for one station (a cloned PC, a restore from an old backup): never merged, reviewed."""

    __tablename__ = "sync_forks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_id: Mapped[str] = mapped_column(String(36), index=True)
    station_code: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)
    known_sha256: Mapped[str | None] = mapped_column(String(64))  # the bundle already held, if one conflicts
    offered_sha256: Mapped[str] = mapped_column(String(64))  # the refused bundle
    reason: Mapped[str] = mapped_column(String(16))  # same_number, chain, rollback, rewritten
    detail: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255))
    detected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Review (migration 0007): the key that signed the refused bundle, its header (JSON), and the decision:
    #: resolution = kept_held | kept_offered | superseded, with the reviewer's reason and login.
    offered_key_id: Mapped[str | None] = mapped_column(String(32))
    offered_header: Mapped[dict | None] = mapped_column(JSON)
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(64))


class SyncReceipt(Base):
    """At a station: what the township confirmed it holds of a station's bundles (from a reference bundle)."""

    __tablename__ = "sync_receipts"

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the station the receipt is about
    township_id: Mapped[str] = mapped_column(String(36))
    reference_number: Mapped[int] = mapped_column(Integer)  # the reference bundle that brought it
    numbers: Mapped[list] = mapped_column(JSON)  # bundle numbers held, as [first, last] ranges
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    last_sha256: Mapped[str | None] = mapped_column(String(64))
    contiguous_number: Mapped[int] = mapped_column(Integer, default=0)
    contiguous_counter: Mapped[int] = mapped_column(Integer, default=0)
    issued_at: Mapped[str | None] = mapped_column(String(40))  # the township's clock: display only
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ChainBase(Base):
    """At a restored station: where its bundle chain continues (the township's last bundle of the old PC)."""

    __tablename__ = "sync_chain_base"

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    counter_to: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[int] = mapped_column(Integer)
    restored_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


Index("ix_sync_received_bundles_station_kind", ReceivedBundle.station_id, ReceivedBundle.kind)
