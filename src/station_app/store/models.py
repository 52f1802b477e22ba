"""Typed ORM models of what a station records.

Every record a station creates is a `Synced` record: a UUID, its origin station (the single writer of that record),
the station's change counter at its last change, UTC created/updated times, who created and changed it, and a
tombstone flag instead of deletion. Earlier versions live in `record_history`. Domain date-times typed by clerks
(a shift's start, a consultation's time) are naive local wall-clock times: that is what they mean to the people
who recorded them. Metadata times (created_at, updated_at, changed_at) are naive UTC.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Synced:
    """Columns every station-created record carries so it can travel in bundles and keep its history."""

    #: Columns that never leave the installation (local surrogate keys).
    local_columns: frozenset[str] = frozenset()

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    counter: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    @declared_attr
    def station_id(cls) -> Mapped[str]:
        return mapped_column(String(36), ForeignKey("stations.id"))

    @declared_attr.directive
    def __table_args__(cls):
        return (Index(f"ix_{cls.__tablename__}_origin_counter", "station_id", "counter"),)


class Station(Synced, Base):
    """A village station or the township centre. Its own record belongs to itself (station_id == id)."""

    __tablename__ = "stations"

    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # StationKind
    #: {"财务": "month", "村务": "quarter", "党务": "quarter"}; None means the default schedule.
    posting_schedule: Mapped[dict | None] = mapped_column(JSON, default=None)


class LocalState(Base):
    """This installation: which station it is and its change counter. One row; never synced."""

    __tablename__ = "local_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[str] = mapped_column(String(36), ForeignKey("stations.id"))
    counter: Mapped[int] = mapped_column(Integer, default=0)
    #: Raised when a station is restored from the township's copy, so no counter value is ever reused.
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    """A person who signs in at this installation. Local: password hashes never travel."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # Role
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AccessLog(Base):
    """Who saw or exported personal data, and when (个人信息保护法 audit). Local."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))  # reveal, export, import
    table_name: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str | None] = mapped_column(Text)
    os_account: Mapped[str | None] = mapped_column(String(64))  # the OS account when the CLI acted as admin


class RecordHistory(Synced, Base):
    """One change to one record: who, when, and each changed field as [old, new]. Append-only; travels in bundles."""

    __tablename__ = "record_history"

    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(10))  # create, update, delete
    changes: Mapped[dict] = mapped_column(JSON)
    #: Where the change came from when not typed in: e.g. "ledger:consultations-2020.xlsx".
    source: Mapped[str | None] = mapped_column(String(255))


class Adviser(Synced, Base):
    """A village legal adviser (a lawyer of a contracted law firm)."""

    __tablename__ = "advisers"

    name: Mapped[str] = mapped_column(String(64))
    law_firm: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    licence_no: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DutyShift(Synced, Base):
    """One on-site duty visit (值班) of an adviser, with its work log (一次一记)."""

    __tablename__ = "duty_shifts"

    adviser_id: Mapped[str] = mapped_column(String(36), ForeignKey("advisers.id"))
    #: Where the shift took place: a village station or the township centre.
    place_station_id: Mapped[str] = mapped_column(String(36), ForeignKey("stations.id"))
    start_at: Mapped[datetime] = mapped_column(DateTime)
    end_at: Mapped[datetime] = mapped_column(DateTime)
    people_served: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str | None] = mapped_column(Text)

    log_entries: Mapped[list["DutyLogEntry"]] = relationship(
        back_populates="shift", order_by="DutyLogEntry.position",
        primaryjoin="and_(DutyShift.id == DutyLogEntry.shift_id, DutyLogEntry.deleted == False)",  # noqa: E712
        viewonly=True,
    )


class DutyLogEntry(Synced, Base):
    """一事一记: one matter handled during a shift."""

    __tablename__ = "duty_log_entries"

    shift_id: Mapped[str] = mapped_column(String(36), ForeignKey("duty_shifts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    served: Mapped[str | None] = mapped_column(String(128))  # who was served
    content: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)

    shift: Mapped[DutyShift] = relationship(back_populates="log_entries", viewonly=True)


class Consultation(Synced, Base):
    """法律咨询登记. The consultant may decline to give their identity (anonymous)."""

    __tablename__ = "consultations"

    occurred_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    channel: Mapped[str] = mapped_column(String(16))  # Channel
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    consultant_name: Mapped[str | None] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(8))  # Gender
    age_band: Mapped[str | None] = mapped_column(String(16))  # AgeBand
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(128))  # village / group level
    special_groups: Mapped[str | None] = mapped_column(String(64))  # SpecialGroup values joined by ","
    category: Mapped[str] = mapped_column(String(16))  # ConsultationCategory
    summary: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    adviser_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("advisers.id"))
    duty_shift_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("duty_shifts.id"))
    referral: Mapped[str] = mapped_column(String(16), default="无")  # Referral
    follow_up_on: Mapped[date | None] = mapped_column(Date)  # 约期答复


class MediationCase(Synced, Base):
    """人民调解 case, one file per case (一案一卷)."""

    __tablename__ = "mediation_cases"
    __table_args__ = (
        Index("ix_mediation_cases_origin_counter", "station_id", "counter"),
        UniqueConstraint("station_id", "case_no"),
    )

    case_no: Mapped[str] = mapped_column(String(32))
    accepted_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(16))  # CaseSource
    dispute_type: Mapped[str] = mapped_column(String(16))  # DisputeType
    summary: Mapped[str] = mapped_column(Text)
    mediator: Mapped[str | None] = mapped_column(String(64))
    amount_fen: Mapped[int | None] = mapped_column(Integer)  # amount involved, in fen (0.01 yuan)
    stage: Mapped[str] = mapped_column(String(8), default="受理")  # CaseStage
    outcome: Mapped[str] = mapped_column(String(8), default="调解中")  # MediationOutcome
    closed_on: Mapped[date | None] = mapped_column(Date)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    agreement_form: Mapped[str | None] = mapped_column(String(4))  # AgreementForm
    agreement_terms: Mapped[str | None] = mapped_column(Text)
    performance_method: Mapped[str | None] = mapped_column(Text)
    performance_due_on: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    #: signed_on + 30 days: last day to apply jointly for 司法确认.
    judicial_confirmation_due_on: Mapped[date | None] = mapped_column(Date)
    performance_status: Mapped[str | None] = mapped_column(String(64))
    #: 防止民间纠纷转化为刑事案件: cases and persons.
    prevented_criminal: Mapped[bool] = mapped_column(Boolean, default=False)
    prevented_criminal_persons: Mapped[int] = mapped_column(Integer, default=0)
    archived_on: Mapped[date | None] = mapped_column(Date)


class MediationParty(Synced, Base):
    __tablename__ = "mediation_parties"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # PartyRole
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(8))
    id_number: Mapped[str | None] = mapped_column(String(18))  # only where the file needs identity proof
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(128))


class MediationSession(Synced, Base):
    """One mediation session and its record (调解记录)."""

    __tablename__ = "mediation_sessions"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str | None] = mapped_column(String(128))
    mediator: Mapped[str | None] = mapped_column(String(64))
    record: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8), default="调解")  # 调查 or 调解


class MediationFollowUp(Synced, Base):
    """回访: how the agreement is performed and whether the dispute is at rest."""

    __tablename__ = "mediation_followups"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visitor: Mapped[str] = mapped_column(String(64))
    performance: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    sued: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_risk: Mapped[str | None] = mapped_column(String(64))
    measures: Mapped[str | None] = mapped_column(Text)


class MediationDocument(Synced, Base):
    """One item of the case-file checklist (一案一卷): present or not."""

    __tablename__ = "mediation_documents"
    __table_args__ = (
        Index("ix_mediation_documents_origin_counter", "station_id", "counter"),
        UniqueConstraint("case_id", "item"),
    )

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    item: Mapped[str] = mapped_column(String(16))  # CaseDocument
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(255))


class Posting(Synced, Base):
    """三务公开: one posting on the village bulletin board (or broadcast, WeChat group, leaflet)."""

    __tablename__ = "postings"

    category: Mapped[str] = mapped_column(String(4))  # PostingCategory
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str] = mapped_column(String(8), index=True)  # YYYY-MM, YYYY-Qn or YYYY
    posted_on: Mapped[date] = mapped_column(Date)
    taken_down_on: Mapped[date | None] = mapped_column(Date)
    medium: Mapped[str] = mapped_column(String(8), default="公开栏")  # PostingMedium
    reviewer: Mapped[str | None] = mapped_column(String(64))  # 民主理财小组 / 村务监督委员会 member


class PostingPhoto(Synced, Base):
    """Photo evidence of a posting; the file lives under photos/ named by its sha256."""

    __tablename__ = "posting_photos"

    posting_id: Mapped[str] = mapped_column(String(36), ForeignKey("postings.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))  # original name, for display
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(32))


class OutreachEvent(Synced, Base):
    """法治讲座 / 普法宣传 / 法律咨询日."""

    __tablename__ = "outreach_events"

    kind: Mapped[str] = mapped_column(String(8))  # OutreachKind
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    speaker: Mapped[str | None] = mapped_column(String(64))
    adviser_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("advisers.id"))
    place: Mapped[str | None] = mapped_column(String(128))
    attendees: Mapped[int] = mapped_column(Integer, default=0)
    materials: Mapped[int] = mapped_column(Integer, default=0)


#: Synced tables in an order where every foreign key points to an earlier table (bundles and merges use it).
SYNCED_MODELS: tuple[type[Synced], ...] = (
    Station,
    Adviser,
    DutyShift,
    DutyLogEntry,
    Consultation,
    MediationCase,
    MediationParty,
    MediationSession,
    MediationFollowUp,
    MediationDocument,
    Posting,
    PostingPhoto,
    OutreachEvent,
    RecordHistory,
)

MODEL_BY_TABLE: dict[str, type[Synced]] = {m.__tablename__: m for m in SYNCED_MODELS}  # type: ignore[attr-defined]

# Tables owned by the sync and ledger layers register on the same metadata.
from station_app.store import keys_models as _keys_models  # noqa: E402,F401
from station_app.store import sync_models as _sync_models  # noqa: E402,F401
from station_app.store import ledger_models as _ledger_models  # noqa: E402,F401
