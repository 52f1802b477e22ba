"""People's mediation figures beyond the `stats --json` contract's first keys (issue 9): cases by source, cases
carried over from earlier years (上年结转), written vs oral agreements, judicial confirmations, the performance rate,
不予受理 and termination reasons, persons involved, and the success rate's definition (口径).

Basis, as for the contract's keys: cases are counted in the year they were accepted; 不予受理 is not an accepted
case. A case accepted earlier and still open on 1 January is carried over and counted apart.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, or_, select

from station_app.core.codes import AgreementForm, CaseSource, MediationOutcome, PartyKind, TerminationReason
from station_app.core.i18n import _
from station_app.store.models import (
    MediationCase,
    MediationFollowUp,
    MediationObligation,
    MediationParty,
    MediationPerformance,
)

SUCCESS, FAILURE, OPEN, REFUSED = (MediationOutcome.SUCCESS.value, MediationOutcome.FAILURE.value,
                                   MediationOutcome.IN_PROGRESS.value, MediationOutcome.REFUSED.value)


def success_rate_definition() -> str:
    return _("success rate = settled ÷ (settled + not settled), cases counted in the year they were accepted; cases not accepted (不予受理) are not counted, open cases are left out of the denominator, cases carried over from earlier years are counted apart")


def _rate(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _ids_with(s, model, ids: list[str], *where) -> set[str]:
    out: set[str] = set()
    for i in range(0, len(ids), 500):
        out.update(s.execute(select(model.case_id).where(model.case_id.in_(ids[i:i + 500]),
                                                         model.deleted.is_(False), *where)).scalars())
    return out


def _performed(s, settled: list[MediationCase]) -> int:
    """Settled cases whose file records performance: a status, a follow-up saying how it was performed, or every
    obligation with a complete performance record."""
    ids = [c.id for c in settled]
    if not ids:
        return 0
    visited = _ids_with(s, MediationFollowUp, ids, MediationFollowUp.performance.is_not(None),
                        MediationFollowUp.performance != "")
    owed: dict[str, set[str]] = {}
    for i in range(0, len(ids), 500):
        for cid, oid in s.execute(select(MediationObligation.case_id, MediationObligation.id).where(
                MediationObligation.case_id.in_(ids[i:i + 500]), MediationObligation.deleted.is_(False))):
            owed.setdefault(cid, set()).add(oid)
    done: dict[str, set[str]] = {}
    for i in range(0, len(ids), 500):
        for cid, oid in s.execute(select(MediationPerformance.case_id, MediationPerformance.obligation_id).where(
                MediationPerformance.case_id.in_(ids[i:i + 500]), MediationPerformance.deleted.is_(False),
                MediationPerformance.complete.is_(True))):
            done.setdefault(cid, set()).add(oid)
    return sum(1 for c in settled if c.performance_status or c.id in visited
               or (owed.get(c.id) and owed[c.id] <= done.get(c.id, set())))


def mediation_figures(s, year: int, today: date) -> dict[str, Any]:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    live = MediationCase.deleted.is_(False)
    in_year = list(s.execute(select(MediationCase).where(
        live, MediationCase.accepted_on >= start, MediationCase.accepted_on < end)).scalars())
    accepted = [c for c in in_year if c.outcome != REFUSED]
    refused = [c for c in in_year if c.outcome == REFUSED]
    carried = list(s.execute(select(MediationCase).where(
        live, MediationCase.accepted_on < start, MediationCase.outcome != REFUSED,
        or_(MediationCase.outcome == OPEN, and_(MediationCase.closed_on.is_not(None),
                                                MediationCase.closed_on >= start)))).scalars())

    by_source = {k: 0 for k in CaseSource.values()}
    for c in accepted:
        by_source[c.source] = by_source.get(c.source, 0) + 1
    settled = [c for c in accepted if c.outcome == SUCCESS]
    forms = Counter(c.agreement_form or AgreementForm.WRITTEN.value for c in settled)
    written = [c for c in settled if (c.agreement_form or AgreementForm.WRITTEN.value) == AgreementForm.WRITTEN.value]
    reasons = {k: 0 for k in TerminationReason.values()}
    for c in accepted:
        if c.outcome == FAILURE:
            # Migration 0008's rule for records made before reasons were coded.
            key = c.termination_reason or TerminationReason.NO_AGREEMENT.value
            reasons[key] = reasons.get(key, 0) + 1
    refusal_reasons = Counter((c.failure_reason or "").strip() or _("not given") for c in refused)

    persons = organisations = 0
    ids = [c.id for c in accepted]
    for i in range(0, len(ids), 500):
        for kind, in s.execute(select(MediationParty.kind).where(
                MediationParty.case_id.in_(ids[i:i + 500]), MediationParty.deleted.is_(False))):
            if kind == PartyKind.ORGANISATION.value:
                organisations += 1
            else:
                persons += 1

    def closed_in_year(c: MediationCase, outcome: str) -> bool:
        return c.outcome == outcome and c.closed_on is not None and start <= c.closed_on < end

    performed = _performed(s, settled)
    return {
        "by_source": by_source,
        "refused": {"cases": len(refused), "reasons": dict(refusal_reasons.most_common(10))},
        "termination_reasons": reasons,
        "carried_over": {
            "cases": len(carried),
            "settled": sum(closed_in_year(c, SUCCESS) for c in carried),
            "not_settled": sum(closed_in_year(c, FAILURE) for c in carried),
            "still_open": sum(c.outcome == OPEN or (c.closed_on is not None and c.closed_on >= end) for c in carried),
        },
        "cases_incl_carried_over": len(accepted) + len(carried),
        "agreements": {"written": forms.get(AgreementForm.WRITTEN.value, 0), "oral": forms.get(AgreementForm.ORAL.value, 0)},
        "judicial_confirmation": {
            "applied": sum(1 for c in written if c.confirmation_applied_on or c.confirmed_on),
            "confirmed": sum(1 for c in written if c.confirmed_on),
        },
        "performance": {"settled": len(settled), "performed": performed, "rate": _rate(performed, len(settled))},
        "persons_involved": {"persons": persons, "organisations": organisations},
        "success_rate_definition": success_rate_definition(),
    }
