"""The rest of the mediation case file (一案一卷): the rights notice, agents, investigations, performance of each
obligation, extensions agreed by the parties, judicial confirmation, and the file's own data (卷宗).

Each function validates, opens one write, ticks the checklist item the record puts into the file, and returns the
ChangeSet; `*_in` variants work inside an open write.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.codes import AgentKind, AgreementForm, CaseDocument, CaseStage, MediationOutcome
from station_app.core.errors import FieldProblem, StateError, ValidationError
from station_app.core.i18n import _, N_, NP_, pgettext
from station_app.services import mediation as md
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.services.fields import Spec, boolean, clean, code_of, money_fen, text as text_of
from station_app.store.models import (
    MediationAgent,
    MediationCase,
    MediationExtension,
    MediationInvestigation,
    MediationObligation,
    MediationParty,
    MediationPerformance,
)

NOTICE_SPECS: dict[str, Spec] = {
    "rights_notice_on": Spec(N_("notice given on"), v.parse_date, required=True),
    "rights_notice_to": Spec(N_("given to"), lambda r: v.optional_text(r, 255)),
}

AGENT_SPECS: dict[str, Spec] = {
    "party": Spec(N_("party represented"), text_of(64), required=True),
    "name": Spec(N_("agent's name"), text_of(64), required=True),
    "kind": Spec(N_("kind of agent"), code_of(AgentKind), default=AgentKind.ENTRUSTED.value),
    "authority": Spec(NP_("station_app.services.mediation_file.AGENT_SPECS", "scope of authority"), lambda r: v.optional_text(r, 255)),
    "phone": Spec(NP_("station_app.services.mediation_file.AGENT_SPECS", "phone"), v.phone),
    "id_number": Spec(N_("ID number"), v.resident_id),
    "address": Spec(N_("address"), lambda r: v.optional_text(r, 128)),
}

INVESTIGATION_SPECS: dict[str, Spec] = {
    "held_at": Spec(NP_("station_app.services.mediation_file.INVESTIGATION_SPECS", "time"), v.parse_datetime, required=True),
    "place": Spec(NP_("station_app.services.mediation_file.INVESTIGATION_SPECS", "place"), lambda r: v.optional_text(r, 128)),
    "investigators": Spec(N_("investigators"), md.names_list(), required=True),
    "recorder": Spec(N_("recorder"), lambda r: v.optional_text(r, 64)),
    "subject": Spec(N_("person questioned"), text_of(64), required=True),
    "subject_details": Spec(N_("details of the person questioned"), lambda r: v.optional_text(r, 255)),
    "present": Spec(N_("others present"), lambda r: v.optional_text(r, 255)),
    "content": Spec(N_("questions and answers"), text_of(20000), required=True),
}

PERFORMANCE_SPECS: dict[str, Spec] = {
    "obligation": Spec(N_("obligation number"), v.non_negative_int, required=True),
    "performed_on": Spec(N_("performed on"), v.parse_date, required=True),
    "amount_fen": Spec(NP_("station_app.services.mediation_file.PERFORMANCE_SPECS", "amount (yuan)"), money_fen),
    "complete": Spec(NP_("station_app.services.mediation_file.PERFORMANCE_SPECS", "fully performed"), boolean, default=False),
    "note": Spec(N_("what was done, proof"), lambda r: v.optional_text(r, 255)),
}

EXTENSION_SPECS: dict[str, Spec] = {
    "agreed_on": Spec(N_("agreed on"), v.parse_date, required=True),
    "until": Spec(N_("extended until"), v.parse_date, required=True),
    "reason": Spec(NP_("station_app.services.mediation_file.EXTENSION_SPECS", "reason"), lambda r: v.optional_text(r, 255)),
    "consent": Spec(NP_("station_app.services.mediation_file.EXTENSION_SPECS", "parties' consent"), text_of(255), required=True),
}

CONFIRMATION_SPECS: dict[str, Spec] = {
    "confirmation_applied_on": Spec(N_("applied on"), v.parse_date),
    "confirmed_on": Spec(NP_("station_app.services.mediation_file.CONFIRMATION_SPECS", "confirmed on"), v.parse_date),
    "confirmation_court": Spec(NP_("station_app.services.mediation_file.CONFIRMATION_SPECS", "court"), lambda r: v.optional_text(r, 100)),
}

ARCHIVE_SPECS: dict[str, Spec] = {
    "retention_period": Spec(NP_("station_app.services.mediation_file.ARCHIVE_SPECS", "retention period"), lambda r: v.optional_text(r, 16)),
    "filed_by": Spec(N_("filed by"), lambda r: v.optional_text(r, 64)),
    "checked_by": Spec(N_("checked by"), lambda r: v.optional_text(r, 64)),
    "file_note": Spec(N_("file note"), v.optional_text),
}


def _write(db: StationDB, actor: str, case_ref: str, fn) -> ChangeSet:
    with db.write(actor) as w:
        case = md.find_case(db, w.session, case_ref)
        md._open_for_change(case)
        fn(w, case)
    return w.result


def give_rights_notice(db: StationDB, actor: str, case_ref: str, data: dict[str, Any]) -> ChangeSet:
    """当事人权利义务告知书 given (date, to whom): the notice goes into the file."""
    values = clean(NOTICE_SPECS, data)

    def run(w: Writer, case: MediationCase) -> None:
        if values["rights_notice_on"] < case.accepted_on:
            raise ValidationError.single(NOTICE_SPECS["rights_notice_on"].label, md._before_accepted(case))
        w.update(case, **values)
        md._set_document_in(w, case, CaseDocument.RIGHTS_NOTICE)
    return _write(db, actor, case_ref, run)


def _party_by_name(session: Session, case: MediationCase, name: str) -> MediationParty:
    parties = [p for p in md._children(session, MediationParty, case.id) if p.name == name]
    if len(parties) != 1:
        names = "、".join(p.name for p in md._children(session, MediationParty, case.id))
        raise ValidationError.single(AGENT_SPECS["party"].label, _("case {case_no} has no party named '{name}' (parties: {names})", case_no=case.case_no, name=name, names=names))
    return parties[0]


def add_agent(db: StationDB, actor: str, case_ref: str, data: dict[str, Any]) -> ChangeSet:
    """A party's agent; an entrusted agent's 授权委托书 goes into the file."""
    values = clean(AGENT_SPECS, data)

    def run(w: Writer, case: MediationCase) -> None:
        party = _party_by_name(w.session, case, values.pop("party"))
        w.add(MediationAgent(case_id=case.id, party_id=party.id, **values))
        if values["kind"] == AgentKind.ENTRUSTED.value:
            md._set_document_in(w, case, CaseDocument.POWER_OF_ATTORNEY)
    return _write(db, actor, case_ref, run)


def add_investigation(db: StationDB, actor: str, case_ref: str, data: dict[str, Any]) -> ChangeSet:
    """调查记录: an investigation of an open case, recorded on its own."""
    values = clean(INVESTIGATION_SPECS, data)

    def run(w: Writer, case: MediationCase) -> None:
        md._require_open(case)
        if values["held_at"].date() < case.accepted_on:
            raise ValidationError.single(INVESTIGATION_SPECS["held_at"].label, md._before_accepted(case))
        w.add(MediationInvestigation(case_id=case.id, **values))
        w.update(case, stage=md.forward_stage(case.stage, CaseStage.INVESTIGATING.value))
        md._set_document_in(w, case, CaseDocument.INVESTIGATION)
    return _write(db, actor, case_ref, run)


def obligations_of(session: Session, case_id: str) -> list[MediationObligation]:
    return sorted(md._children(session, MediationObligation, case_id), key=lambda o: o.seq)


def performances_of(session: Session, case_id: str) -> list[MediationPerformance]:
    return sorted(md._children(session, MediationPerformance, case_id), key=lambda p: (p.performed_on, p.id))


def all_performed(session: Session, case_id: str) -> bool:
    """Every obligation has a record saying it is fully performed (False when there are no obligations)."""
    obligations = obligations_of(session, case_id)
    done = {p.obligation_id for p in performances_of(session, case_id) if p.complete}
    return bool(obligations) and all(o.id in done for o in obligations)


def record_performance(db: StationDB, actor: str, case_ref: str, data: dict[str, Any]) -> ChangeSet:
    """§31: the committee supervises performance; one record per payment or act, against one obligation."""
    data = dict(data)
    if "amount" in data:
        data.setdefault("amount_fen", data.pop("amount"))
    values = clean(PERFORMANCE_SPECS, data)

    def run(w: Writer, case: MediationCase) -> None:
        if case.outcome != MediationOutcome.SUCCESS.value:
            raise StateError(_("case {case_no} has no agreement to perform", case_no=case.case_no))
        obligations = {o.seq: o for o in obligations_of(w.session, case.id)}
        seq = values.pop("obligation")
        if seq not in obligations:
            have = "、".join(str(n) for n in obligations) or _("none")
            raise ValidationError.single(PERFORMANCE_SPECS["obligation"].label, _("there is no obligation {seq} (there are: {have})", seq=seq, have=have))
        if case.signed_on and values["performed_on"] < case.signed_on:
            raise ValidationError.single(PERFORMANCE_SPECS["performed_on"].label,
                                         _("cannot be before the agreement took effect"))
        w.add(MediationPerformance(case_id=case.id, obligation_id=obligations[seq].id, **values))
        md._set_document_in(w, case, CaseDocument.PERFORMANCE_PROOF)
        if all_performed(w.session, case.id):
            w.update(case, performance_status=pgettext("station_app.services.mediation_file", "fully performed"))
    return _write(db, actor, case_ref, run)


def extend(db: StationDB, actor: str, case_ref: str, data: dict[str, Any]) -> ChangeSet:
    """Extend the ~30-day norm, only with the parties' consent (recorded)."""
    values = clean(EXTENSION_SPECS, data)

    def run(w: Writer, case: MediationCase) -> None:
        md._require_open(case)
        problems = []
        if values["agreed_on"] < case.accepted_on:
            problems.append(FieldProblem(EXTENSION_SPECS["agreed_on"].label, md._before_accepted(case)))
        current = due_on(w.session, case)
        if values["until"] <= current:
            problems.append(FieldProblem(EXTENSION_SPECS["until"].label, _("must be after the current due date {isoformat}", isoformat=current.isoformat())))
        if problems:
            raise ValidationError(problems)
        w.add(MediationExtension(case_id=case.id, **values))
    return _write(db, actor, case_ref, run)


def due_on(session: Session, case: MediationCase) -> date:
    """When the case should be settled: 30 days after acceptance, or the latest agreed extension."""
    base = md.due_date(case)
    ext = [e.until for e in md._children(session, MediationExtension, case.id)]
    return max([base, *ext])


def record_confirmation(db: StationDB, actor: str, case_ref: str, data: dict[str, Any]) -> ChangeSet:
    """司法确认 (§33): applied for and/or confirmed; only a written agreement can be confirmed."""
    values = clean(CONFIRMATION_SPECS, data, partial=True)
    if not any(values.values()):
        raise ValidationError.single(CONFIRMATION_SPECS["confirmation_applied_on"].label,
                                     _("give the date applied or confirmed"))

    def run(w: Writer, case: MediationCase) -> None:
        if case.outcome != MediationOutcome.SUCCESS.value or case.agreement_form != AgreementForm.WRITTEN.value:
            raise StateError(_("case {case_no} has no written agreement, so it cannot be confirmed (put an oral agreement in writing first)", case_no=case.case_no))
        applied = values.get("confirmation_applied_on") or case.confirmation_applied_on
        confirmed = values.get("confirmed_on")
        if applied and case.signed_on and applied < case.signed_on:
            raise ValidationError.single(CONFIRMATION_SPECS["confirmation_applied_on"].label,
                                         _("cannot be before the agreement took effect"))
        if confirmed and applied and confirmed < applied:
            raise ValidationError.single(CONFIRMATION_SPECS["confirmed_on"].label,
                                         _("cannot be before the application"))
        w.update(case, **values)
        md._set_document_in(w, case, CaseDocument.JUDICIAL_CONFIRMATION)
    return _write(db, actor, case_ref, run)


def set_file_data(w: Writer, case: MediationCase, data: dict[str, Any]) -> None:
    """The 卷宗's own data (retention, 立卷人, 检查人, 备考), set when the file is archived."""
    values = clean(ARCHIVE_SPECS, data, partial=True)
    values = {k: val for k, val in values.items() if val is not None}
    if values:
        w.update(case, **values)
