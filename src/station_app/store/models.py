"""Typed ORM models of what a station records.

Every record a station creates is a `Synced` record: a UUID, its origin station (the single writer of that record),
the station's change counter at its last change, UTC created/updated times, who created and changed it, and a
tombstone flag instead of deletion. Earlier versions live in `record_history`. Domain date-times typed by clerks
(a shift's start, a consultation's time) are naive local wall-clock times: that is what they mean to the people
who recorded them. Metadata times (created_at, updated_at, changed_at) are naive UTC.
"""

# No `from __future__ import annotations` here: SQLAlchemy would then evaluate every `Mapped[...]` string at
# start-up (a fifth of the time mapping these classes takes); a class named before it is defined is quoted.

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
    kind: Mapped[str] = mapped_column(String(16), default="律师")  # AdviserKind


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
    service_type: Mapped[str] = mapped_column(String(16), default="其他")  # ServiceType
    mode: Mapped[str] = mapped_column(String(8), default="现场")  # ServiceMode

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
    #: People in the visit (人次): the report counts persons, a group visit is one record.
    persons: Mapped[int] = mapped_column(Integer, default=1)
    referral_to: Mapped[str | None] = mapped_column(String(128))  # the receiving body of a referral
    referral_result: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)  # when a deferred answer (约期答复) was given


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
    # -- the case file as the law sees it (migration 0008; empty on records made before it) --
    #: Every mediator of the case (`mediator` keeps the first, for lists and ledgers).
    mediators: Mapped[list | None] = mapped_column(JSON, default=None)
    transferring_body: Mapped[str | None] = mapped_column(String(100))  # e.g. 某某县人民法院 (诉前委派)
    consent_on: Mapped[date | None] = mapped_column(Date)  # parties agreed to mediation
    consent_note: Mapped[str | None] = mapped_column(String(255))
    registered_by: Mapped[str | None] = mapped_column(String(64))  # 登记人
    accepted_by: Mapped[str | None] = mapped_column(String(64))  # 受理人
    rights_notice_on: Mapped[date | None] = mapped_column(Date)  # 权利义务告知
    rights_notice_to: Mapped[str | None] = mapped_column(String(255))
    termination_reason: Mapped[str | None] = mapped_column(String(16))  # TerminationReason (调解不成)
    agreement_no: Mapped[str | None] = mapped_column(String(64))  # 〔2021〕小王庄调字第7号
    facts: Mapped[str | None] = mapped_column(Text)  # 主要事实
    matters: Mapped[str | None] = mapped_column(Text)  # 争议事项
    responsibility: Mapped[str | None] = mapped_column(Text)  # 各方责任
    agreement_copies: Mapped[int | None] = mapped_column(Integer)  # 一式×份
    confirmation_applied_on: Mapped[date | None] = mapped_column(Date)  # 司法确认: applied
    confirmed_on: Mapped[date | None] = mapped_column(Date)  # 司法确认: confirmed by the court
    confirmation_court: Mapped[str | None] = mapped_column(String(100))
    retention_period: Mapped[str | None] = mapped_column(String(16))  # 卷宗保管期限
    filed_by: Mapped[str | None] = mapped_column(String(64))  # 立卷人
    checked_by: Mapped[str | None] = mapped_column(String(64))  # 检查人
    file_note: Mapped[str | None] = mapped_column(Text)  # 备考表


class MediationParty(Synced, Base):
    __tablename__ = "mediation_parties"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # PartyRole
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(8))
    id_number: Mapped[str | None] = mapped_column(String(18))  # only where the file needs identity proof
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str | None] = mapped_column(String(8))  # PartyKind; None on older records means 自然人
    ethnicity: Mapped[str | None] = mapped_column(String(16))  # 民族
    birth_date: Mapped[date | None] = mapped_column(Date)
    occupation: Mapped[str | None] = mapped_column(String(128))  # 职业或工作单位
    legal_rep: Mapped[str | None] = mapped_column(String(64))  # organisation: 法定代表人/负责人


class MediationSession(Synced, Base):
    """One mediation session and its record (调解记录)."""

    __tablename__ = "mediation_sessions"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str | None] = mapped_column(String(128))
    mediator: Mapped[str | None] = mapped_column(String(64))
    record: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8), default="调解")  # 调查 or 调解
    mediators: Mapped[list | None] = mapped_column(JSON, default=None)
    parties_present: Mapped[list | None] = mapped_column(JSON, default=None)
    invited: Mapped[list | None] = mapped_column(JSON, default=None)  # §20: invited participants
    recorder: Mapped[str | None] = mapped_column(String(64))  # 记录人
    statements: Mapped[str | None] = mapped_column(Text)  # 当事人陈述
    process: Mapped[str | None] = mapped_column(Text)  # 调解过程
    result: Mapped[str | None] = mapped_column(Text)  # 调解结果 (an oral agreement in full, §28)


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
    method: Mapped[str | None] = mapped_column(String(8))  # 上门 / 电话
    person_visited: Mapped[str | None] = mapped_column(String(64))


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


class MediationCommittee(Synced, Base):
    """The station's 人民调解委员会: formal names for document headers, the mediator roster, the agreement number
    prefix and the rest days that move a deadline. One per station."""

    __tablename__ = "mediation_committees"
    __table_args__ = (
        Index("ix_mediation_committees_origin_counter", "station_id", "counter"),
        UniqueConstraint("station_id"),
    )

    name: Mapped[str] = mapped_column(String(100))  # ××村人民调解委员会
    village_committee: Mapped[str | None] = mapped_column(String(100))  # ××村民委员会
    number_prefix: Mapped[str | None] = mapped_column(String(32))  # 小王庄调字
    #: [{"name": "王调解", "title": "主任"}, ...]
    mediators: Mapped[list | None] = mapped_column(JSON, default=None)
    #: Rest days besides weekends (ISO dates) and weekend days that are working days (调休).
    holidays: Mapped[list | None] = mapped_column(JSON, default=None)
    workdays: Mapped[list | None] = mapped_column(JSON, default=None)


class MediationAgent(Synced, Base):
    """A party's agent (委托代理人 / 法定代理人) with the scope of authority."""

    __tablename__ = "mediation_agents"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    party_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_parties.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # AgentKind
    authority: Mapped[str | None] = mapped_column(String(255))  # 代理权限
    phone: Mapped[str | None] = mapped_column(String(32))
    id_number: Mapped[str | None] = mapped_column(String(18))
    address: Mapped[str | None] = mapped_column(String(128))


class MediationInvestigation(Synced, Base):
    """调查记录: one investigation, recorded on its own (人民调解法 §27)."""

    __tablename__ = "mediation_investigations"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str | None] = mapped_column(String(128))
    investigators: Mapped[list | None] = mapped_column(JSON, default=None)
    recorder: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))  # 被调查人
    subject_details: Mapped[str | None] = mapped_column(String(255))  # 性别、年龄、住址、与当事人关系
    present: Mapped[str | None] = mapped_column(String(255))  # 在场人
    content: Mapped[str] = mapped_column(Text)  # 问答内容


class MediationObligation(Synced, Base):
    """One agreed term: who owes whom what, how and by when (§29)."""

    __tablename__ = "mediation_obligations"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    obligor: Mapped[str] = mapped_column(String(128))
    obligee: Mapped[str | None] = mapped_column(String(128))
    content: Mapped[str] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(128))
    due_on: Mapped[date | None] = mapped_column(Date)
    amount_fen: Mapped[int | None] = mapped_column(Integer)


class MediationPerformance(Synced, Base):
    """A record of performance of one obligation (§31 supervision): what was done, when, the proof."""

    __tablename__ = "mediation_performances"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    obligation_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_obligations.id"), index=True)
    performed_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)  # the obligation is fully performed
    note: Mapped[str | None] = mapped_column(String(255))  # proof: 收条、转账凭证…


class MediationExtension(Synced, Base):
    """The ~30-day norm extended with the parties' consent."""

    __tablename__ = "mediation_extensions"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("mediation_cases.id"), index=True)
    agreed_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(255))
    consent: Mapped[str] = mapped_column(String(255))  # who consented, how (双方当事人签字同意)


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
    #: 随时公开: a matter of major interest posted at once, outside the schedule (never counts for a period).
    immediate: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_on: Mapped[date | None] = mapped_column(Date)  # 财务: the review before posting
    review_opinion: Mapped[str | None] = mapped_column(Text)
    audited_by: Mapped[str | None] = mapped_column(String(64))  # 党务: 审核 (incl. secrecy review)
    audited_on: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[str | None] = mapped_column(String(64))  # 党务: 审批
    approved_on: Mapped[date | None] = mapped_column(Date)


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
    organiser: Mapped[str] = mapped_column(String(8), default="其他")  # Organiser
    theme: Mapped[str | None] = mapped_column(String(64))  # 主题宣讲 campaign, e.g. 习近平法治思想
    occasion: Mapped[str | None] = mapped_column(String(8))  # Occasion
    audience: Mapped[str | None] = mapped_column(String(4))  # Audience (法律六进)
    #: Station ids of the villages the event covered.
    villages: Mapped[list | None] = mapped_column(JSON, default=None)


class OutreachPhoto(Synced, Base):
    """Photo evidence of an outreach event; stored like posting photos (photos/, by sha256)."""

    __tablename__ = "outreach_photos"

    event_id: Mapped[str] = mapped_column(String(36), ForeignKey("outreach_events.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(32))


class AdviserAssignment(Synced, Base):
    """An adviser serving one village under a contract (服务合同) with dates."""

    __tablename__ = "adviser_assignments"

    adviser_id: Mapped[str] = mapped_column(String(36), ForeignKey("advisers.id"), index=True)
    village_station_id: Mapped[str] = mapped_column(String(36), ForeignKey("stations.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    contract_no: Mapped[str | None] = mapped_column(String(64))


class DutyConfirmation(Synced, Base):
    """The village's confirmation (签字/盖章) of an adviser's work log for one month at that village."""

    __tablename__ = "duty_confirmations"

    adviser_id: Mapped[str] = mapped_column(String(36), ForeignKey("advisers.id"), index=True)
    place_station_id: Mapped[str] = mapped_column(String(36), ForeignKey("stations.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    confirmed_on: Mapped[date] = mapped_column(Date)
    confirmed_by: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8), default="签字")  # ConfirmationMethod


class ScreeningItem(Synced, Base):
    """矛盾纠纷排查: one dispute found in screening and what was done with it."""

    __tablename__ = "screening_items"

    found_on: Mapped[date] = mapped_column(Date, index=True)
    village_station_id: Mapped[str] = mapped_column(String(36), ForeignKey("stations.id"))
    found_by: Mapped[str] = mapped_column(String(64))
    parties: Mapped[str | None] = mapped_column(String(255))
    dispute_type: Mapped[str] = mapped_column(String(16))  # DisputeType
    description: Mapped[str] = mapped_column(Text)
    risk_level: Mapped[str] = mapped_column(String(4), default="低")  # RiskLevel
    action: Mapped[str] = mapped_column(String(8), default="待处置")  # ScreeningAction
    handed_to: Mapped[str | None] = mapped_column(String(128))
    #: The mediation case it became (转人民调解); resolved when that case settles.
    mediation_case_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("mediation_cases.id"))
    resolved_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)


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
    MediationCommittee,
    MediationAgent,
    MediationInvestigation,
    MediationObligation,
    MediationPerformance,
    MediationExtension,
    Posting,
    PostingPhoto,
    OutreachEvent,
    OutreachPhoto,
    AdviserAssignment,
    DutyConfirmation,
    ScreeningItem,
    RecordHistory,
)

MODEL_BY_TABLE: dict[str, type[Synced]] = {m.__tablename__: m for m in SYNCED_MODELS}  # type: ignore[attr-defined]

class AppSetting(Base):
    """A setting of this installation (the township's standards and grace period). Local: never synced."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


# Tables owned by the sync and ledger layers register on the same metadata.
from station_app.store import keys_models as _keys_models  # noqa: E402,F401
from station_app.store import sync_models as _sync_models  # noqa: E402,F401
from station_app.store import ledger_models as _ledger_models  # noqa: E402,F401
from station_app.store import recovery_models as _recovery_models  # noqa: E402,F401
