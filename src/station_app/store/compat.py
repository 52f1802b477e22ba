"""Rows written by an older release: the columns added since, and the value such a row means.

A township on this version imports bundles from stations one version behind (0.1.0, schema 0005): their rows lack
the columns migrations 0008 (the mediation case file) and 0009 (records that match the work) added. The value filled in is the one the migration gives an existing row, so a row is
the same whether it arrived before or after the township upgraded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Default = Callable[[dict[str, Any]], Any]


def _const(value: Any) -> Default:
    return lambda row: value


#: table -> {column added in 0008 or 0009: value for a row that lacks it}
ADDED_COLUMNS: dict[str, dict[str, Default]] = {
    "advisers": {"kind": _const("律师")},
    "duty_log_entries": {"service_type": _const("其他"), "mode": _const("现场")},
    "consultations": {"persons": _const(1), "referral_to": _const(None), "referral_result": _const(None),
                      "answered_on": _const(None)},
    "postings": {"immediate": _const(False), "reviewed_on": _const(None), "review_opinion": _const(None),
                 "audited_by": _const(None), "audited_on": _const(None), "approved_by": _const(None),
                 "approved_on": _const(None)},
    "outreach_events": {"organiser": lambda row: "村法律顾问" if row.get("adviser_id") else "其他",
                        "theme": _const(None), "occasion": _const(None), "audience": _const(None),
                        "villages": _const(None)},
    "mediation_cases": {
        **{k: _const(None) for k in (
            "mediators", "transferring_body", "consent_on", "consent_note", "registered_by", "accepted_by",
            "rights_notice_on", "rights_notice_to", "agreement_no", "facts", "matters", "responsibility",
            "agreement_copies", "confirmation_applied_on", "confirmed_on", "confirmation_court", "retention_period",
            "filed_by", "checked_by", "file_note")},
        # Migration 0008's rule: an existing 调解不成 was one where no agreement could be reached.
        "termination_reason": lambda row: "未能达成协议" if row.get("outcome") == "调解不成" else None,
    },
    "mediation_parties": {k: _const(None) for k in ("kind", "ethnicity", "birth_date", "occupation", "legal_rep")},
    "mediation_sessions": {k: _const(None) for k in ("mediators", "parties_present", "invited", "recorder",
                                                      "statements", "process", "result")},
    "mediation_followups": {k: _const(None) for k in ("method", "person_visited")},
}


def fill_added_columns(table: str, row: dict[str, Any], expected: set[str]) -> None:
    """Give a row of an older release the columns added since (in place). Only columns of ADDED_COLUMNS are
    filled: any other missing or unknown field is still the caller's to refuse."""
    added = ADDED_COLUMNS.get(table)
    if not added:
        return
    for name in expected.difference(row):
        if name in added:
            row[name] = added[name](row)
