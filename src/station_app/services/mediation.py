"""人民调解: register a case, hold sessions, close it (settled or not), follow up, keep the case file, archive.

Workflow (glossary): 受理 → 调查 (optional) → 调解 (one or more sessions) → 调解成功 / 调解不成 → 履行 → 回访 →
结案 / 立卷归档. A case is *open* while its outcome is 调解中 and *closed* once it has an outcome; an archived case is
sealed and no longer changes.

Functions ending in `_in` work inside an open write (`db.write(...)`) so a ledger import can put a whole file in one
transaction; the others validate, open one write, and return its ChangeSet. Every function that takes a case
accepts its UUID, a unique prefix of it, or its case number (案号).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.codes import (
    JUDICIAL_CONFIRMATION_DAYS,
    MEDIATION_DUE_DAYS,
    AgreementForm,
    CaseDocument,
    CaseSource,
    CaseStage,
    DisputeType,
    FollowUpMethod,
    Gender,
    MediationOutcome,
    PartyKind,
    PartyRole,
    TerminationReason,
)
from station_app.core.errors import FieldProblem, NotFoundError, StateError, ValidationError
from station_app.core.i18n import _, N_, NP_, pgettext
from station_app.core.masking import mask_id_number, mask_name, mask_phone
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.services.fields import Spec, boolean, clean, code_of, money_fen, text as text_of
from station_app.services import mediation_committee as committee
from station_app.store.locks import lock_counter
from station_app.store.models import (
    MediationAgent,
    MediationCase,
    MediationExtension,
    MediationInvestigation,
    MediationObligation,
    MediationPerformance,
    MediationDocument,
    MediationFollowUp,
    MediationParty,
    MediationSession,
    Station,
)
from station_app.store.rowdata import json_value, record_values

CASE_NO_MAX = 32


def _case_no(raw: Any) -> str:
    value = v.required_text(str(raw), CASE_NO_MAX)
    if any(ch.isspace() for ch in value):
        raise ValidationError.single("", _("a case number cannot contain spaces"))
    return value


def names_list(max_len: int = 64):
    """Several names: a list, or one text separated by 、 ， , ; (as people type them)."""
    def parse(raw: Any) -> list[str] | None:
        items = raw if isinstance(raw, (list, tuple)) else re.split(r"[、,，;；\n]", str(raw))
        names = [v.required_text(str(x).strip(), max_len) for x in items if str(x).strip()]
        if len(names) > 20:
            raise v._fail(_("at most 20 entries"))
        return names or None
    return parse


def _copies(raw: Any) -> int:
    n = v.non_negative_int(raw)
    if not 1 <= n <= 20:
        raise v._fail(_("the number of copies is 1 to 20"))
    return n


CASE_SPECS: dict[str, Spec] = {
    "case_no": Spec(N_("case number"), _case_no),
    "accepted_on": Spec(N_("accepted on"), v.parse_date, required=True),
    "source": Spec(N_("case source"), code_of(CaseSource), required=True),
    "dispute_type": Spec(N_("dispute type"), code_of(DisputeType), required=True),
    "summary": Spec(N_("summary of the dispute"), text_of(), required=True),
    "mediator": Spec(N_("mediator"), lambda r: v.optional_text(r, 64)),
    # Typed in yuan (as ledgers and people write it), stored in fen so sums are exact.
    "amount_fen": Spec(N_("amount involved (yuan)"), money_fen),
    "mediators": Spec(N_("mediators"), names_list()),
    "transferring_body": Spec(N_("transferring body"), lambda r: v.optional_text(r, 100)),
    "consent_on": Spec(N_("parties consented on"), v.parse_date),
    "consent_note": Spec(NP_("station_app.services.mediation.CASE_SPECS", "parties' consent"), lambda r: v.optional_text(r, 255)),
    "registered_by": Spec(N_("registered by"), lambda r: v.optional_text(r, 64)),
    "accepted_by": Spec(N_("accepted by"), lambda r: v.optional_text(r, 64)),
}

#: Sources where another body hands the case over: its name is recorded (glossary).
TRANSFERRED_SOURCES = (CaseSource.POLICE.value, CaseSource.COURT.value, CaseSource.GOVERNMENT.value)

PARTY_SPECS: dict[str, Spec] = {
    "role": Spec(N_("party role"), code_of(PartyRole), required=True),
    "name": Spec(NP_("station_app.services.mediation.PARTY_SPECS", "name"), text_of(64), required=True),
    "gender": Spec(N_("gender"), code_of(Gender)),
    "id_number": Spec(N_("ID number"), v.resident_id),
    "phone": Spec(NP_("station_app.services.mediation.PARTY_SPECS", "phone"), v.phone),
    "address": Spec(N_("address"), lambda r: v.optional_text(r, 128)),
    "ethnicity": Spec(N_("ethnicity"), lambda r: v.optional_text(r, 16)),
    "birth_date": Spec(N_("date of birth"), v.parse_date),
    "occupation": Spec(N_("occupation or employer"), lambda r: v.optional_text(r, 128)),
    "kind": Spec(N_("kind of party"), code_of(PartyKind)),
    "legal_rep": Spec(N_("legal representative"), lambda r: v.optional_text(r, 64)),
}

#: What `--party` takes on the command line, in order (an organisation uses `--org`).
PARTY_CLI_FIELDS = ("role", "name", "gender", "id_number", "phone", "address", "ethnicity", "birth_date", "occupation")
ORG_CLI_FIELDS = ("role", "name", "address", "legal_rep", "phone")


class SessionKind:
    """A session either investigates (调查) or mediates (调解); each leaves its own record in the file."""

    INVESTIGATION = CaseStage.INVESTIGATING.value  # 调查
    MEDIATION = CaseStage.MEDIATING.value  # 调解
    _EN = {"investigation": "调查", "mediation": "调解"}

    @classmethod
    def parse(cls, raw: Any) -> str:
        t = str(raw).strip()
        t = cls._EN.get(t.lower(), t)
        if t in (cls.INVESTIGATION, cls.MEDIATION):
            return t
        raise v._fail(_("'{raw}' is not one of: 调查, 调解", raw=raw))


SESSION_SPECS: dict[str, Spec] = {
    "kind": Spec(NP_("station_app.services.mediation.SESSION_SPECS", "kind"), SessionKind.parse, default=SessionKind.MEDIATION),
    "held_at": Spec(NP_("station_app.services.mediation.SESSION_SPECS", "time"), v.parse_datetime, required=True),
    "place": Spec(NP_("station_app.services.mediation.SESSION_SPECS", "place"), lambda r: v.optional_text(r, 128)),
    "mediator": Spec(N_("mediator"), lambda r: v.optional_text(r, 64)),
    "record": Spec(NP_("station_app.services.mediation.SESSION_SPECS", "record"), text_of(20000), required=True),
    "mediators": Spec(N_("mediators"), names_list()),
    "parties_present": Spec(N_("parties present"), names_list(128)),
    "invited": Spec(N_("invited participants"), names_list(128)),
    "recorder": Spec(N_("recorder"), lambda r: v.optional_text(r, 64)),
    "statements": Spec(N_("statements"), text_of(20000)),
    "process": Spec(N_("process"), text_of(20000)),
    "result": Spec(NP_("station_app.services.mediation.SESSION_SPECS", "result"), text_of(20000)),
}

CLOSE_SPECS: dict[str, Spec] = {
    "outcome": Spec(NP_("station_app.services.mediation.CLOSE_SPECS", "outcome"), code_of(MediationOutcome), required=True),
    "closed_on": Spec(N_("closed on"), v.parse_date, required=True),
    "agreement_form": Spec(N_("agreement form"), code_of(AgreementForm)),
    "agreement_terms": Spec(N_("agreement terms"), text_of(20000)),
    "performance_method": Spec(N_("how it is performed"), v.optional_text),
    "performance_due_on": Spec(N_("performed by"), v.parse_date),
    "signed_on": Spec(N_("agreement signed on"), v.parse_date),
    "failure_reason": Spec(NP_("station_app.services.mediation.CLOSE_SPECS", "why it was not settled"), text_of()),
    "termination_reason": Spec(N_("reason code for ending mediation"), code_of(TerminationReason)),
    "agreement_no": Spec(N_("agreement number"), lambda r: v.optional_text(r, 64)),
    "facts": Spec(NP_("station_app.services.mediation.CLOSE_SPECS", "main facts"), text_of(20000)),
    "matters": Spec(N_("matters in dispute"), text_of(20000)),
    "responsibility": Spec(N_("each side's responsibility"), text_of(20000)),
    "agreement_copies": Spec(N_("copies of the agreement"), _copies),
}

FOLLOWUP_SPECS: dict[str, Spec] = {
    "visited_on": Spec(N_("visited on"), v.parse_date, required=True),
    "visitor": Spec(N_("visitor"), text_of(64), required=True),
    "performance": Spec(NP_("station_app.services.mediation.FOLLOWUP_SPECS", "performance"), v.optional_text),
    "satisfaction": Spec(N_("satisfaction"), lambda r: v.optional_text(r, 16)),
    "sued": Spec(N_("sued"), boolean, default=False),
    "escalation_risk": Spec(N_("risk of escalation"), lambda r: v.optional_text(r, 64)),
    "measures": Spec(N_("measures taken"), v.optional_text),
    "method": Spec(NP_("station_app.services.mediation.FOLLOWUP_SPECS", "how"), code_of(FollowUpMethod)),
    "person_visited": Spec(N_("person visited"), lambda r: v.optional_text(r, 64)),
}

OBLIGATION_SPECS: dict[str, Spec] = {
    "obligor": Spec(N_("who owes"), text_of(128), required=True),
    "obligee": Spec(N_("to whom"), lambda r: v.optional_text(r, 128)),
    "content": Spec(N_("what"), text_of(2000), required=True),
    "method": Spec(NP_("station_app.services.mediation.OBLIGATION_SPECS", "how"), lambda r: v.optional_text(r, 128)),
    "due_on": Spec(N_("by when"), v.parse_date),
    "amount_fen": Spec(NP_("station_app.services.mediation.OBLIGATION_SPECS", "amount (yuan)"), money_fen),
}
OBLIGATION_CLI_FIELDS = ("obligor", "obligee", "content", "method", "due_on", "amount_fen")


def parse_obligation_spec(text: str) -> dict[str, Any]:
    """`义务人|权利人|履行内容|履行方式|履行期限|金额` as typed on the command line."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) > len(OBLIGATION_CLI_FIELDS):
        raise ValidationError.single(_("obligation"), _("at most 6 parts (obligor|obligee|content|method|due|amount), got {len}: {text}", len=len(parts), text=text))
    return {k: p for k, p in zip(OBLIGATION_CLI_FIELDS, parts) if p}


def validate_obligations(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out, problems = [], []
    for i, data in enumerate(items, start=1):
        data = dict(data)
        if "amount" in data:
            data.setdefault("amount_fen", data.pop("amount"))
        try:
            out.append(clean(OBLIGATION_SPECS, data))
        except ValidationError as e:
            who = _("obligation {i}", i=i)
            problems.extend(FieldProblem(f"{who} {p.field}", p.message) for p in e.problems)
    if problems:
        raise ValidationError(problems)
    return out


REFUSE_SPECS: dict[str, Spec] = {
    "closed_on": Spec(N_("date refused"), v.parse_date, required=True),
    "reason": Spec(N_("why it is not accepted"), text_of(), required=True),
}

_AGREEMENT_FIELDS = ("agreement_form", "agreement_terms", "performance_method", "performance_due_on", "signed_on",
                     "agreement_no", "facts", "matters", "responsibility", "agreement_copies")


# -- validation ---------------------------------------------------------------------------------------------

def validate_case(data: dict[str, Any]) -> dict[str, Any]:
    """Clean the case's own fields (not its parties). `amount` is accepted as a synonym of `amount_fen` (yuan)."""
    data = dict(data)
    if "amount" in data:
        data.setdefault("amount_fen", data.pop("amount"))
    values = clean(CASE_SPECS, data)
    return _mediators_pair(values)


def _mediators_pair(values: dict[str, Any]) -> dict[str, Any]:
    """`mediators` lists every mediator; `mediator` (lists, ledgers, 0.1.0 records) keeps the first."""
    if values.get("mediators"):
        if values.get("mediator") and values["mediator"] not in values["mediators"]:
            values["mediators"] = [values["mediator"], *values["mediators"]]
        values["mediator"] = values["mediators"][0]
    elif values.get("mediator"):
        values["mediators"] = [values["mediator"]]
    return values


def validate_party(data: dict[str, Any]) -> dict[str, Any]:
    values = clean(PARTY_SPECS, data)
    if values.get("kind") == PartyKind.ORGANISATION.value:
        person_only = [k for k in ("gender", "id_number", "ethnicity", "birth_date") if values.get(k)]
        if person_only:
            raise ValidationError([FieldProblem(PARTY_SPECS[k].label, _("an organisation has no such field"))
                                   for k in person_only])
    elif values.get("legal_rep"):
        raise ValidationError.single(PARTY_SPECS["legal_rep"].label, _("only an organisation has one"))
    return values


def validate_session(data: dict[str, Any]) -> dict[str, Any]:
    return clean(SESSION_SPECS, data)


def validate_followup(data: dict[str, Any]) -> dict[str, Any]:
    return clean(FOLLOWUP_SPECS, data)


def validate_close(data: dict[str, Any]) -> dict[str, Any]:
    """Clean closing data and apply the rules that tie its fields together (not those that need the case)."""
    values = clean(CLOSE_SPECS, data)
    problems: list[FieldProblem] = []

    def bad(key: str, message: str) -> None:
        problems.append(FieldProblem(CLOSE_SPECS[key].label, message))

    given = {k for k, val in values.items() if val is not None}
    outcome = values["outcome"]
    if outcome == MediationOutcome.IN_PROGRESS.value:
        bad("outcome", _("to close a case the outcome must be 调解成功 (settled) or 调解不成 (not settled)"))
    elif outcome == MediationOutcome.REFUSED.value:
        bad("outcome", _("a case not accepted is recorded with 'mediation refuse' (before any session)"))
    elif outcome == MediationOutcome.SUCCESS.value:
        if not values.get("agreement_form"):
            # Most agreements are written (人民调解法 §28); an oral one must be said so.
            values["agreement_form"] = AgreementForm.WRITTEN.value
        if not values.get("agreement_terms"):
            bad("agreement_terms", _("is required when the case is settled"))
        for key in ("failure_reason", "termination_reason"):
            if key in given:
                bad(key, _("only a case that was not settled has one"))
        values["termination_reason"] = None
        values["signed_on"] = values.get("signed_on") or values["closed_on"]
        signed = values["signed_on"]
        if values.get("performance_due_on") and values["performance_due_on"] < signed:
            bad("performance_due_on", pgettext("station_app.services.mediation", "cannot be before the agreement was signed"))
        # §33: only a written agreement can be confirmed; an oral one must first be put in writing.
        written = values["agreement_form"] == AgreementForm.WRITTEN.value
        values["judicial_confirmation_due_on"] = (
            signed + timedelta(days=JUDICIAL_CONFIRMATION_DAYS) if written else None)
        values["failure_reason"] = None
    else:
        if not values.get("failure_reason"):
            bad("failure_reason", _("is required when the case is not settled"))
        if not values.get("termination_reason"):
            bad("termination_reason", _("is required when the case is not settled (one of: {values})",
                                        values=_(", ").join(TerminationReason.values())))
        for key in _AGREEMENT_FIELDS:
            if key in given:
                bad(key, _("a case that was not settled has no agreement"))
        for key in _AGREEMENT_FIELDS:
            values[key] = None
        values["judicial_confirmation_due_on"] = None
    if problems:
        raise ValidationError(problems)
    return values


def _party_problems(index: int, error: ValidationError) -> list[FieldProblem]:
    who = _("party {index}", index=index)
    return [FieldProblem(f"{who} {p.field}", p.message) for p in error.problems]


def validate_parties(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clean every party; one ValidationError names each bad field as "当事人2 身份证号码"."""
    out: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for i, data in enumerate(parties, start=1):
        try:
            out.append(validate_party(data))
        except ValidationError as e:
            problems.extend(_party_problems(i, e))
    if problems:
        raise ValidationError(problems)
    return out


def parse_party_spec(text: str, *, organisation: bool = False) -> dict[str, Any]:
    """`角色|姓名|性别|身份证号码|电话|住址|民族|出生日期|职业` (an organisation: `角色|名称|住所|法定代表人|电话`)
    as typed on the command line; trailing and empty parts may be left out."""
    fields = ORG_CLI_FIELDS if organisation else PARTY_CLI_FIELDS
    shape = (pgettext("party parts", "role|name|address|legal_rep|phone") if organisation else
             pgettext("party parts", "role|name|gender|id_number|phone|address|ethnicity|birth_date|occupation"))
    parts = [p.strip() for p in text.split("|")]
    if len(parts) > len(fields):
        raise ValidationError.single(_("party"), _("at most {max} parts ({shape}), got {got}: {text}",
                                                   max=len(fields), shape=shape, got=len(parts), text=text))
    out = {k: p for k, p in zip(fields, parts) if p}
    if organisation:
        out["kind"] = PartyKind.ORGANISATION.value
    return out


def _check_party_roles(source: str, parties: list[dict[str, Any]]) -> None:
    field = _("parties")
    if source == CaseSource.OWN_INITIATIVE.value:
        # The committee steps in on its own: nobody applied, but a dispute still has two sides.
        if len(parties) < 2:
            raise ValidationError.single(field, _("a case taken up on the committee's own initiative needs at least two parties"))
        return
    roles = {p["role"] for p in parties}
    if source in TRANSFERRED_SOURCES and PartyRole.PARTY.value in roles and len(parties) >= 2:
        return  # handed over by another body: the parties are 当事人, nobody is an applicant
    missing = [r for r in (PartyRole.APPLICANT, PartyRole.RESPONDENT) if r.value not in roles]
    if missing:
        names = "、".join(r.label for r in missing)
        raise ValidationError.single(field, _("at least one applicant and one respondent are needed (missing: {names})", names=names))


# -- finding a case -----------------------------------------------------------------------------------------

def find_case(db: StationDB, session: Session, ref: str, *, allow_deleted: bool = False) -> MediationCase:
    """A case by UUID, unique UUID prefix, or case number."""
    ref = (ref or "").strip()
    obj = session.get(MediationCase, ref)
    if obj is not None and (allow_deleted or not obj.deleted):
        return obj
    live = MediationCase.deleted.is_(False)
    by_no = session.execute(select(MediationCase).where(MediationCase.case_no == ref, live)).scalars().all()
    if len(by_no) == 1:
        return by_no[0]
    if len(by_no) > 1:
        # At the township several stations may use the same number; prefer this installation's own case.
        own = [c for c in by_no if c.station_id == db.station_id]
        if len(own) == 1:
            return own[0]
    elif len(ref) >= 4:
        by_prefix = session.execute(
            select(MediationCase).where(MediationCase.id.like(ref + "%"), live).limit(2)).scalars().all()
        if len(by_prefix) == 1:
            return by_prefix[0]
        if len(by_prefix) > 1:
            raise NotFoundError(_("more than one mediation case starts with '{ref}'; type more characters", ref=ref))
    if len(by_no) > 1:
        raise NotFoundError(_("case number '{ref}' exists at several stations; use the case id (UUID)", ref=ref))
    raise NotFoundError(_("no such mediation case: {ref}", ref=ref))


def _open_for_change(case: MediationCase) -> None:
    if case.archived_on is not None:
        raise StateError(_("case {case_no} is archived and cannot change", case_no=case.case_no))


def _require_open(case: MediationCase) -> None:
    _open_for_change(case)
    if case.outcome != MediationOutcome.IN_PROGRESS.value:
        raise StateError(_("case {case_no} is already closed ({outcome})", case_no=case.case_no, outcome=case.outcome))


#: The workflow's order (glossary): a case's stage only moves forward along it.
STAGE_ORDER = [CaseStage.ACCEPTED.value, CaseStage.INVESTIGATING.value, CaseStage.MEDIATING.value,
               CaseStage.PERFORMING.value, CaseStage.FOLLOWED_UP.value, CaseStage.CLOSED.value,
               CaseStage.ARCHIVED.value]


def _stage_rank(stage: str | None) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else 0


def forward_stage(current: str | None, wanted: str) -> str:
    """The later of the two stages: an investigation after a mediation session does not move a case back."""
    return wanted if _stage_rank(wanted) > _stage_rank(current) else (current or wanted)


def _require_closed(case: MediationCase, message: str) -> None:
    """`message` says what cannot be done to a case still in progress."""
    if case.outcome == MediationOutcome.IN_PROGRESS.value:
        raise StateError(message)


# -- case numbers -------------------------------------------------------------------------------------------

def next_case_no(session: Session, station_id: str, year: int) -> str:
    """"S01-2021-007": the station's code, the year of acceptance, and the next number in that year."""
    code = session.get(Station, station_id).code
    prefix = f"{code}-{year}-"
    # Two writers at once on a PostgreSQL hub would both read the same highest number: the second waits here until
    # the first has committed its case (store/locks.py; SQLite's writers are serial already).
    lock_counter(session)
    # Tombstoned cases keep their number (the unique key includes them), so they count too.
    existing = session.execute(select(MediationCase.case_no).where(
        MediationCase.station_id == station_id, MediationCase.case_no.like(prefix + "%"))).scalars()
    highest = 0
    for no in existing:
        m = re.fullmatch(r"(\d+)", no[len(prefix):])
        if m:
            highest = max(highest, int(m[1]))
    return f"{prefix}{highest + 1:03d}"


def _check_case_no_free(session: Session, station_id: str, case_no: str, except_id: str | None = None) -> None:
    stmt = select(MediationCase.id).where(MediationCase.station_id == station_id, MediationCase.case_no == case_no)
    if except_id:
        stmt = stmt.where(MediationCase.id != except_id)
    if session.execute(stmt.limit(1)).first() is not None:
        raise ValidationError.single(CASE_SPECS["case_no"].label,
                                     _("this station already has a case {case_no}", case_no=case_no))


# -- checklist ----------------------------------------------------------------------------------------------

def _documents(session: Session, case_id: str) -> dict[str, MediationDocument]:
    rows = session.execute(select(MediationDocument).where(
        MediationDocument.case_id == case_id, MediationDocument.deleted.is_(False))).scalars()
    return {d.item: d for d in rows}


def _set_document_in(w: Writer, case: MediationCase, item: CaseDocument, present: bool = True,
                     note: str | None = None, *, keep_note: bool = True) -> None:
    doc = _documents(w.session, case.id).get(item.value)
    if doc is None:
        # Cases that came without a full checklist (e.g. another installation's data) get the row on demand.
        w.add(MediationDocument(case_id=case.id, item=item.value, present=present, note=note))
        return
    values: dict[str, Any] = {"present": present}
    if note is not None or not keep_note:
        values["note"] = note
    w.update(doc, **values)


def required_documents(case: MediationCase) -> list[CaseDocument]:
    """The checklist items this case's file must hold before it is archived.

    调解协议书 is required of a settled case with a written agreement only: an oral agreement is written into the
    调解记录 (人民调解法 §30) and a case that was not settled has no agreement at all.
    """
    items = [d for d in CaseDocument if d.required]
    if case.outcome == MediationOutcome.REFUSED.value:
        # Never mediated: the file holds the application (or registration) and the refusal.
        return [CaseDocument.APPLICATION]
    written = case.outcome == MediationOutcome.SUCCESS.value and case.agreement_form == AgreementForm.WRITTEN.value
    if case.outcome != MediationOutcome.IN_PROGRESS.value and not written:
        items.remove(CaseDocument.AGREEMENT)
    return items


# -- writes -------------------------------------------------------------------------------------------------

def open_case_in(w: Writer, values: dict[str, Any], parties: list[dict[str, Any]]) -> MediationCase:
    """Register (受理) a case from `validate_case` values and `validate_party` values, inside an open write."""
    parties = validate_parties(parties)  # idempotent on cleaned values; guards callers that pass raw input
    _check_party_roles(values["source"], parties)
    values = _mediators_pair(dict(values))
    committee.check_mediators(w.session, w.station_id, values.get("mediators"), CASE_SPECS["mediators"].label)
    if values.get("case_no"):
        _check_case_no_free(w.session, w.station_id, values["case_no"])
    else:
        values["case_no"] = next_case_no(w.session, w.station_id, values["accepted_on"].year)
    values.setdefault("stage", CaseStage.ACCEPTED.value)
    values.setdefault("outcome", MediationOutcome.IN_PROGRESS.value)
    case = w.add(MediationCase(**values))
    for p in parties:
        w.add(MediationParty(case_id=case.id, **p))
    for item in CaseDocument:
        w.add(MediationDocument(case_id=case.id, item=item.value, present=item == CaseDocument.APPLICATION))
    return case


def open_case(db: StationDB, actor: str, data: dict[str, Any], parties: list[dict[str, Any]], *,
              source: str | None = None) -> ChangeSet:
    """Validate and register a case with its parties; every bad field (case or party) is reported at once."""
    problems: list[FieldProblem] = []
    values: dict[str, Any] = {}
    cleaned: list[dict[str, Any]] = []
    try:
        values = validate_case(data)
        if values["source"] in TRANSFERRED_SOURCES and not values.get("transferring_body"):
            # Glossary: a transferred case names the body that handed it over (court, police station, 信访部门).
            problems.append(FieldProblem(CASE_SPECS["transferring_body"].label, _("a case with source {source} names the body that handed it over", source=values['source'])))
    except ValidationError as e:
        problems.extend(e.problems)
    try:
        cleaned = validate_parties(parties)
    except ValidationError as e:
        problems.extend(e.problems)
    if problems:
        raise ValidationError(problems)
    with db.write(actor, source=source) as w:
        open_case_in(w, values, cleaned)
    return w.result


def _before_accepted(case: MediationCase) -> str:
    d = case.accepted_on.isoformat()
    return _("cannot be before the case was accepted ({d})", d=d)


def _before_closed(case: MediationCase) -> str:
    d = case.closed_on.isoformat() if case.closed_on else ""
    return _("cannot be before the case was closed ({d})", d=d)


def add_session_in(w: Writer, case: MediationCase, values: dict[str, Any]) -> MediationSession:
    values = validate_session(values)
    _require_open(case)
    if values["held_at"].date() < case.accepted_on:
        raise ValidationError.single(SESSION_SPECS["held_at"].label, _before_accepted(case))
    if values.get("mediators") and not values.get("mediator"):
        values["mediator"] = values["mediators"][0]
    if not values.get("mediator"):
        values["mediator"] = case.mediator
    if not values.get("mediators"):
        values["mediators"] = list(case.mediators or ([case.mediator] if case.mediator else [])) or None
    committee.check_mediators(w.session, case.station_id, values.get("mediators"), SESSION_SPECS["mediators"].label)
    session = w.add(MediationSession(case_id=case.id, **values))
    w.update(case, stage=forward_stage(case.stage, values["kind"]))
    item = CaseDocument.INVESTIGATION if values["kind"] == SessionKind.INVESTIGATION else CaseDocument.SESSION_RECORD
    _set_document_in(w, case, item)
    return session


def add_session(db: StationDB, actor: str, case_id: str, data: dict[str, Any], *,
                source: str | None = None) -> ChangeSet:
    """Record an investigation (调查) or mediation (调解) session of an open case."""
    values = validate_session(data)
    with db.write(actor, source=source) as w:
        add_session_in(w, find_case(db, w.session, case_id), values)
    return w.result


def _has_session_record(session: Session, case_id: str) -> bool:
    return session.execute(select(MediationSession.id).where(
        MediationSession.case_id == case_id, MediationSession.deleted.is_(False),
        MediationSession.kind == SessionKind.MEDIATION).limit(1)).first() is not None


def close_case_in(w: Writer, case: MediationCase, values: dict[str, Any], *,
                  records_on_paper: bool = False) -> MediationCase:
    """Close a case as 调解成功 or 调解不成 inside an open write; `values` raw or from `validate_close`.

    A case is settled only after at least one 调解记录 exists (人民调解法 §27-28; an oral agreement is recorded in
    it in full). `records_on_paper` is for a 台账 import: the session records are in the paper file, not here.
    """
    values = dict(values)
    obligations = validate_obligations(values.pop("obligations", None) or [])
    values = validate_close({k: val for k, val in values.items() if k != "judicial_confirmation_due_on"})
    _require_open(case)
    settled = values["outcome"] == MediationOutcome.SUCCESS.value
    if obligations and not settled:
        raise ValidationError.single(_("obligations"), _("a case that was not settled has no agreement"))
    if (values["outcome"] == MediationOutcome.SUCCESS.value and not records_on_paper
            and not _has_session_record(w.session, case.id)):
        raise StateError(_("case {case_no} has no mediation record yet, so it cannot be settled: record the session first with 'mediation session' (an oral agreement is written into that record in full)", case_no=case.case_no))
    problems: list[FieldProblem] = []
    if values["closed_on"] < case.accepted_on:
        problems.append(FieldProblem(CLOSE_SPECS["closed_on"].label, _before_accepted(case)))
    if values.get("signed_on") and values["signed_on"] < case.accepted_on:
        problems.append(FieldProblem(CLOSE_SPECS["signed_on"].label, _before_accepted(case)))
    for i, o in enumerate(obligations, start=1):
        if o.get("due_on") and values.get("signed_on") and o["due_on"] < values["signed_on"]:
            problems.append(FieldProblem(_("obligation {i} due", i=i),
                                         _("cannot be before the agreement was signed")))
    if problems:
        raise ValidationError(problems)
    written = settled and values["agreement_form"] == AgreementForm.WRITTEN.value
    if written:
        # §33: 30 days after it takes effect, moved past rest days (the committee's calendar).
        values["judicial_confirmation_due_on"] = committee.confirmation_deadline(
            w.session, case.station_id, values["signed_on"])
        # A 台账 import does not invent a number: the paper agreement has its own.
        if not values.get("agreement_no") and not records_on_paper:
            values["agreement_no"] = committee.next_agreement_no(w.session, case.station_id, values["signed_on"].year)
        if not values.get("agreement_copies") and not records_on_paper:
            # 一式×份: each party keeps one, the committee one.
            values["agreement_copies"] = len(_children(w.session, MediationParty, case.id)) + 1
    dues = [o["due_on"] for o in obligations if o.get("due_on")]
    if dues and not values.get("performance_due_on"):
        values["performance_due_on"] = max(dues)
    # A settled case is then performed (履行) and followed up; a failed one ends here.
    values["stage"] = CaseStage.PERFORMING.value if settled else CaseStage.CLOSED.value
    w.update(case, **values)
    for seq, o in enumerate(obligations, start=1):
        w.add(MediationObligation(case_id=case.id, seq=seq, **o))
    if written:
        _set_document_in(w, case, CaseDocument.AGREEMENT)
    return case


def closing_notice(outcome: str, judicial_confirmation_due_on: date | None = None,
                   agreement_form: str | None = None) -> str:
    """What to tell the parties when a case closes."""
    if outcome == MediationOutcome.SUCCESS.value and agreement_form == AgreementForm.ORAL.value:
        # §33 confirms a written agreement; an oral one has no confirmation deadline of its own.
        return _("The oral agreement is written into the mediation record. To apply for judicial confirmation, put it into a written agreement first.")
    if outcome == MediationOutcome.REFUSED.value:
        return _("Not accepted. Tell the parties they may pursue arbitration, administrative or court routes.")
    if outcome == MediationOutcome.SUCCESS.value:
        due = judicial_confirmation_due_on.isoformat() if judicial_confirmation_due_on else ""
        return _("The parties may jointly apply to the court for judicial confirmation by {due}.", due=due)
    # 人民调解法 §26: a failed mediation must tell the parties of their other routes.
    return _("Mediation failed and has ended. Tell the parties they may pursue arbitration, administrative or court routes to protect their rights.")


def close_case(db: StationDB, actor: str, case_id: str, data: dict[str, Any], *,
               source: str | None = None) -> ChangeSet:
    data = dict(data)
    obligations = data.pop("obligations", None) or []
    validate_obligations(obligations)  # report bad input before opening a write; close_case_in cleans it
    values = validate_close(data)
    values["obligations"] = obligations
    with db.write(actor, source=source) as w:
        close_case_in(w, find_case(db, w.session, case_id), values)
    return w.result


def add_followup_in(w: Writer, case: MediationCase, values: dict[str, Any]) -> MediationFollowUp:
    values = validate_followup(values)
    _open_for_change(case)
    _require_closed(case, _("case {case_no} is not closed yet: cannot follow it up", case_no=case.case_no))
    if case.closed_on and values["visited_on"] < case.closed_on:
        raise ValidationError.single(FOLLOWUP_SPECS["visited_on"].label, _before_closed(case))
    visit = w.add(MediationFollowUp(case_id=case.id, **values))
    status = (values.get("performance") or "")[:64] or case.performance_status
    due = case.performance_due_on
    # Performed (or past its date) and followed up: the case is 结案 and waits only for its file to be archived.
    done = bool(status) or due is None or values["visited_on"] > due
    stage = CaseStage.CLOSED.value if done else CaseStage.FOLLOWED_UP.value
    w.update(case, stage=forward_stage(case.stage, stage), performance_status=status)
    _set_document_in(w, case, CaseDocument.FOLLOWUP_RECORD)
    return visit


def add_followup(db: StationDB, actor: str, case_id: str, data: dict[str, Any], *,
                 source: str | None = None) -> ChangeSet:
    values = validate_followup(data)
    with db.write(actor, source=source) as w:
        add_followup_in(w, find_case(db, w.session, case_id), values)
    return w.result


def set_document(db: StationDB, actor: str, case_id: str, item: str, present: bool = True,
                 note: str | None = None) -> ChangeSet:
    """Tick (or untick) one item of the case file checklist."""
    problems = []
    doc = None
    try:
        doc = CaseDocument(v.code(CaseDocument, str(item)).value)
    except ValidationError as e:
        problems.extend(FieldProblem(_("case file item"), p.message) for p in e.problems)
    try:
        note = v.optional_text(note, 255)
    except ValidationError as e:
        problems.extend(FieldProblem(_("note"), p.message) for p in e.problems)
    if problems:
        raise ValidationError(problems)
    with db.write(actor) as w:
        case = find_case(db, w.session, case_id)
        _open_for_change(case)
        _set_document_in(w, case, doc, present, note)  # type: ignore[arg-type]
    return w.result


def missing_documents(session: Session, case: MediationCase) -> list[CaseDocument]:
    docs = _documents(session, case.id)
    return [d for d in required_documents(case) if not (docs.get(d.value) and docs[d.value].present)]


def archive_case(db: StationDB, actor: str, case_id: str, on: date | str | None = None,
                 file_data: dict[str, Any] | None = None) -> ChangeSet:
    """立卷归档: only a closed case whose file holds every required item; `file_data` sets the 卷宗's retention
    period, 立卷人, 检查人 and 备考."""
    try:
        day = v.parse_date(on) if on else date.today()
    except ValidationError as e:
        raise ValidationError([FieldProblem(_("archived on"), p.message) for p in e.problems]) from None
    with db.write(actor) as w:
        case = find_case(db, w.session, case_id)
        _open_for_change(case)
        _require_closed(case, _("case {case_no} is not closed yet: cannot archive it", case_no=case.case_no))
        missing = missing_documents(w.session, case)
        if missing:
            raise StateError(_("case {case_no} cannot be archived; its file lacks: {names}", case_no=case.case_no,
                               names=_(", ").join(d.label for d in missing)))
        if case.closed_on and day < case.closed_on:
            raise ValidationError.single(_("archived on"), _before_closed(case))
        reason = archive_blocker(w.session, case, day)
        if reason:
            raise StateError(reason)
        if file_data:
            from station_app.services.mediation_file import set_file_data

            set_file_data(w, case, file_data)
        w.update(case, stage=CaseStage.ARCHIVED.value, archived_on=day)
    return w.result


def performance_recorded(session: Session, case: MediationCase) -> bool:
    """Whether the file records that the agreement was performed (a follow-up saying so, or the status)."""
    if case.performance_status:
        return True
    visits = _children(session, MediationFollowUp, case.id)
    if any(f.performance for f in visits):
        return True
    from station_app.services.mediation_file import all_performed

    return all_performed(session, case.id)


def archive_blocker(session: Session, case: MediationCase, day: date) -> str | None:
    """Why a closed case cannot be archived on `day` yet, or None (§31: a settled case is monitored until it is
    performed and followed up)."""
    if case.outcome != MediationOutcome.SUCCESS.value:
        return None
    visits = _children(session, MediationFollowUp, case.id)
    due = case.performance_due_on
    if not visits:
        return _("case {case_no} was settled but not followed up yet, so it cannot be archived: record a follow-up first (mediation followup)", case_no=case.case_no)
    if due is not None and day <= due and not performance_recorded(session, case):
        return _("case {case_no} is due to be performed by {isoformat} and no performance is recorded yet, so it cannot be archived", case_no=case.case_no, isoformat=due.isoformat())
    return None


def refuse_case(db: StationDB, actor: str, case_id: str, data: dict[str, Any]) -> ChangeSet:
    """不予受理: the committee declines a registered case before mediating it (e.g. one party clearly refuses,
    人民调解法 §17; or the matter is for a court). It is not an accepted case in the statistics."""
    values = clean(REFUSE_SPECS, data)
    with db.write(actor) as w:
        case = find_case(db, w.session, case_id)
        _require_open(case)
        if _has_session_record(w.session, case.id):
            raise StateError(_("case {case_no} is already being mediated: close it as 调解不成 (mediation terminated) instead", case_no=case.case_no))
        if values["closed_on"] < case.accepted_on:
            raise ValidationError.single(REFUSE_SPECS["closed_on"].label, _before_accepted(case))
        w.update(case, outcome=MediationOutcome.REFUSED.value, stage=CaseStage.CLOSED.value,
                 closed_on=values["closed_on"], failure_reason=values["reason"])
    return w.result


def mark_prevented_criminal(db: StationDB, actor: str, case_id: str, persons: int | str) -> ChangeSet:
    """防止民间纠纷转化为刑事案件: the case counts once, with this many persons (0 clears the mark)."""
    try:
        n = v.non_negative_int(persons)
    except ValidationError as e:
        raise ValidationError([FieldProblem(_("persons kept from a criminal case"), p.message)
                               for p in e.problems]) from None
    with db.write(actor) as w:
        case = find_case(db, w.session, case_id)
        _open_for_change(case)
        w.update(case, prevented_criminal=n > 0, prevented_criminal_persons=n)
    return w.result


def update_case(db: StationDB, actor: str, case_id: str, data: dict[str, Any]) -> ChangeSet:
    """Correct a case's registration fields (not its outcome)."""
    data = dict(data)
    if "amount" in data:
        data.setdefault("amount_fen", data.pop("amount"))
    values = clean(CASE_SPECS, data, partial=True)
    if "case_no" in values and values["case_no"] is None:
        raise ValidationError.single(CASE_SPECS["case_no"].label, _("is required"))
    with db.write(actor) as w:
        case = find_case(db, w.session, case_id)
        _open_for_change(case)
        if values.get("case_no"):
            _check_case_no_free(w.session, case.station_id, values["case_no"], except_id=case.id)
        accepted = values.get("accepted_on") or case.accepted_on
        if case.closed_on and accepted > case.closed_on:
            raise ValidationError.single(CASE_SPECS["accepted_on"].label, _("cannot be after the case was closed ({isoformat})", isoformat=case.closed_on.isoformat()))
        if "source" in values:
            _check_party_roles(values["source"], [{"role": p.role} for p in _children(w.session, MediationParty, case.id)])
        if values.get("mediators"):
            values = _mediators_pair({**values, "mediator": None})
            committee.check_mediators(w.session, case.station_id, values["mediators"], CASE_SPECS["mediators"].label)
        elif values.get("mediator"):
            values["mediators"] = [values["mediator"]]
        source = values.get("source", case.source)
        body = values.get("transferring_body", case.transferring_body)
        if "source" in values and source in TRANSFERRED_SOURCES and not body:
            raise ValidationError.single(CASE_SPECS["transferring_body"].label, _("a case with source {source} names the body that handed it over", source=source))
        w.update(case, **values)
    return w.result


def _children(session: Session, model, case_id: str) -> list:
    return list(session.execute(select(model).where(model.case_id == case_id, model.deleted.is_(False))).scalars())


def delete_case(db: StationDB, actor: str, case_id: str) -> ChangeSet:
    """Tombstone the case and everything in its file, so the deletion travels with the next bundle."""
    with db.write(actor) as w:
        case = find_case(db, w.session, case_id)
        for model in (MediationPerformance, MediationObligation, MediationAgent, MediationInvestigation,
                      MediationExtension, MediationParty, MediationSession, MediationFollowUp, MediationDocument):
            for child in _children(w.session, model, case.id):
                w.delete(child)
        w.delete(case)
    return w.result


# -- queries ------------------------------------------------------------------------------------------------

def due_date(case: MediationCase) -> date:
    return case.accepted_on + timedelta(days=MEDIATION_DUE_DAYS)


def days_open(case: MediationCase, today: date) -> int:
    end = case.closed_on or today
    return (end - case.accepted_on).days


def is_overdue(case: MediationCase, today: date, due: date | None = None) -> bool:
    """Practice: settle within MEDIATION_DUE_DAYS of acceptance (or by an extension the parties agreed to, `due`);
    an open case past that is flagged."""
    return case.outcome == MediationOutcome.IN_PROGRESS.value and today > (due or due_date(case))


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list, with party names masked."""

    id: str
    case_no: str
    accepted_on: date
    source: str
    dispute_type: str
    parties: str
    mediator: str
    stage: str
    outcome: str
    days_open: int
    overdue: bool
    judicial_confirmation_due_on: date | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "case_no": self.case_no, "accepted_on": self.accepted_on.isoformat(),
                "source": self.source, "dispute_type": self.dispute_type, "parties": self.parties,
                "mediator": self.mediator, "stage": self.stage, "outcome": self.outcome,
                "days_open": self.days_open, "overdue": self.overdue,
                "judicial_confirmation_due_on": json_value(self.judicial_confirmation_due_on)}


def _filters(stmt, *, year: int | None, outcome: str | None, overdue_only: bool, today: date):
    stmt = stmt.where(MediationCase.deleted.is_(False))
    if year is not None:
        stmt = stmt.where(MediationCase.accepted_on >= date(year, 1, 1), MediationCase.accepted_on < date(year + 1, 1, 1))
    if outcome:
        try:
            value = v.code(MediationOutcome, outcome).value
        except ValidationError as e:
            raise ValidationError([FieldProblem(CLOSE_SPECS["outcome"].label, p.message) for p in e.problems]) from None
        stmt = stmt.where(MediationCase.outcome == value)
    if overdue_only:
        extended = select(MediationExtension.id).where(
            MediationExtension.case_id == MediationCase.id, MediationExtension.deleted.is_(False),
            MediationExtension.until >= today)
        stmt = stmt.where(MediationCase.outcome == MediationOutcome.IN_PROGRESS.value,
                          MediationCase.accepted_on < today - timedelta(days=MEDIATION_DUE_DAYS), ~extended.exists())
    return stmt


def list_cases(db: StationDB, *, year: int | None = None, outcome: str | None = None, overdue_only: bool = False,
               today: date | None = None, limit: int = 50, offset: int = 0) -> list[CaseRow]:
    """Newest accepted first, one page at a time; party names masked."""
    today = today or date.today()
    stmt = _filters(select(MediationCase), year=year, outcome=outcome, overdue_only=overdue_only, today=today)
    stmt = stmt.order_by(MediationCase.accepted_on.desc(), MediationCase.case_no.desc()).limit(limit).offset(offset)
    with db.read() as s:
        cases = list(s.execute(stmt).scalars())
        names: dict[str, list[str]] = {c.id: [] for c in cases}
        if cases:
            parties = s.execute(select(MediationParty).where(
                MediationParty.case_id.in_(list(names)), MediationParty.deleted.is_(False))
                .order_by(MediationParty.created_at, MediationParty.id)).scalars()
            for p in parties:
                names[p.case_id].append(mask_name(p.name))
        extended: dict[str, date] = {}
        if cases:
            for cid, until in s.execute(select(MediationExtension.case_id, MediationExtension.until).where(
                    MediationExtension.case_id.in_(list(names)), MediationExtension.deleted.is_(False))):
                extended[cid] = max(until, extended.get(cid, until))
        return [CaseRow(c.id, c.case_no, c.accepted_on, c.source, c.dispute_type, "、".join(names[c.id]),
                        c.mediator or "", c.stage, c.outcome, days_open(c, today),
                        is_overdue(c, today, max(due_date(c), extended.get(c.id, due_date(c)))),
                        c.judicial_confirmation_due_on if c.outcome == MediationOutcome.SUCCESS.value else None)
                for c in cases]


def count_cases(db: StationDB, *, year: int | None = None, outcome: str | None = None, overdue_only: bool = False,
                today: date | None = None) -> int:
    stmt = _filters(select(func.count()).select_from(MediationCase), year=year, outcome=outcome,
                    overdue_only=overdue_only, today=today or date.today())
    with db.read() as s:
        return s.execute(stmt).scalar_one()


def get_case(db: StationDB, case_id: str) -> MediationCase:
    with db.read() as s:
        return find_case(db, s, case_id)


def _plain(obj) -> dict[str, Any]:
    d = record_values(obj)
    for key in ("station_id", "counter", "created_at", "updated_at", "created_by", "updated_by", "deleted", "case_id"):
        d.pop(key, None)
    return d


def case_details(db: StationDB, case_id: str, *, reveal: bool = False, today: date | None = None) -> dict[str, Any]:
    """The whole case file: parties (ID numbers and phones masked unless `reveal`), sessions, follow-ups,
    the checklist with what is required and present, and the deadlines."""
    today = today or date.today()
    with db.read() as s:
        case = find_case(db, s, case_id)
        d = record_values(case)
        d["amount_yuan"] = None if case.amount_fen is None else case.amount_fen / 100
        parties = []
        for p in sorted(_children(s, MediationParty, case.id), key=lambda p: (p.created_at, p.id)):
            row = _plain(p)
            if not reveal:
                row["id_number"] = mask_id_number(p.id_number) or None
                row["phone"] = mask_phone(p.phone) or None
            parties.append(row)
        d["parties"] = parties
        d["sessions"] = [_plain(x) for x in sorted(_children(s, MediationSession, case.id), key=lambda x: (x.held_at, x.id))]
        d["followups"] = [_plain(x) for x in sorted(_children(s, MediationFollowUp, case.id),
                                                    key=lambda x: (x.visited_on, x.id))]
        docs = _documents(s, case.id)
        required = set(required_documents(case))
        d["checklist"] = [{"item": item.value, "label": item.label, "required": item in required,
                           "present": bool(docs.get(item.value) and docs[item.value].present),
                           "note": docs[item.value].note if item.value in docs else None}
                          for item in CaseDocument]
        d["missing"] = [x.value for x in missing_documents(s, case)]
        from station_app.services import mediation_file as mf

        due = mf.due_on(s, case)
        party_names = {p.id: p.name for p in _children(s, MediationParty, case.id)}
        agents = []
        for a in sorted(_children(s, MediationAgent, case.id), key=lambda a: (a.created_at, a.id)):
            row = _plain(a)
            row["party"] = party_names.get(a.party_id)
            if not reveal:
                row["id_number"] = mask_id_number(a.id_number) or None
                row["phone"] = mask_phone(a.phone) or None
            agents.append(row)
        d["agents"] = agents
        d["investigations"] = [_plain(x) for x in sorted(_children(s, MediationInvestigation, case.id),
                                                         key=lambda x: (x.held_at, x.id))]
        perf = mf.performances_of(s, case.id)
        d["obligations"] = [{**_plain(o), "amount_yuan": None if o.amount_fen is None else o.amount_fen / 100,
                             "performances": [_plain(p) for p in perf if p.obligation_id == o.id]}
                            for o in mf.obligations_of(s, case.id)]
        d["extensions"] = [_plain(x) for x in sorted(_children(s, MediationExtension, case.id),
                                                     key=lambda x: (x.agreed_on, x.id))]
        d["committee"] = committee.committee_name(s, case.station_id)
        d["deadlines"] = {
            "due_on": due.isoformat(),
            "days_open": days_open(case, today),
            "overdue": is_overdue(case, today, due),
            "performance_due_on": json_value(case.performance_due_on),
            "judicial_confirmation_due_on": json_value(case.judicial_confirmation_due_on),
        }
        return d

