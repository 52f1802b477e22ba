"""People's mediation (人民调解): case files. Confidential (人民调解法 §15): reading needs a role that may, and
closing needs a mediator or an administrator (checked by the services)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from station_app.services import details
from station_app.services import mediation as md
from station_app.services import queries as qs
from station_app.services.base import ChangeSet
from station_app.usecases.base import Listed


class Mediation(Listed):
    listing = qs.CASES
    specs = md.CASE_SPECS
    case_specs = md.CASE_SPECS
    party_specs = md.PARTY_SPECS
    session_specs = md.SESSION_SPECS
    close_specs = md.CLOSE_SPECS
    followup_specs = md.FOLLOWUP_SPECS

    @staticmethod
    def parse_party(text: str) -> dict[str, Any]:
        """A party written as the command line takes it ("name=…,role=…,…")."""
        return md.parse_party_spec(text)

    def open(self, data: dict[str, Any], parties: list[dict[str, Any]]) -> ChangeSet:
        return md.open_case(self.db, self.actor, data, parties)

    def add_session(self, case_id: str, data: dict[str, Any]) -> ChangeSet:
        return md.add_session(self.db, self.actor, case_id, data)

    def close(self, case_id: str, data: dict[str, Any]) -> ChangeSet:
        self.app.require("mediation.close")  # the role first: a dispatcher learns that, not the case's gaps
        return md.close_case(self.db, self.actor, case_id, data)

    def print(self, case_id: str, kind: str, out: str | Path, *, printed_on: date | None = None) -> dict[str, Any]:
        """One statutory document of the case (documents.kinds.KINDS) as an A4 PDF written atomically to `out`.
        It holds the parties' full personal data: the role must be one that may see it, and the service writes
        each print to the access log."""
        from station_app.documents.mediation import print_document

        self.app.require("mediation.reveal")
        return print_document(self.db, self.actor, case_id, kind, out, printed_on=printed_on)

    def closing_notice(self, case_id: str) -> tuple[str, date | None]:
        """What the parties are told on closing (judicial confirmation within 30 days) and the due date."""
        c = md.get_case(self.db, case_id)
        return (md.closing_notice(c.outcome, c.judicial_confirmation_due_on, c.agreement_form),
                c.judicial_confirmation_due_on)

    def add_followup(self, case_id: str, data: dict[str, Any]) -> ChangeSet:
        return md.add_followup(self.db, self.actor, case_id, data)

    def set_document(self, case_id: str, item: str, *, present: bool = True, note: str | None = None) -> ChangeSet:
        return md.set_document(self.db, self.actor, case_id, item, present=present, note=note)

    def archive(self, case_id: str, on: date | str | None = None, data: dict[str, Any] | None = None) -> ChangeSet:
        """File the case (卷宗: retention period, 立卷人, 检查人 in `data`)."""
        return md.archive_case(self.db, self.actor, case_id, on, data or {})

    def summary(self, case_id: str) -> dict[str, Any]:
        """Case number, stage and outcome (what a command prints after a change)."""
        self.app.require("mediation.read")
        c = md.get_case(self.db, case_id)
        return {"case_id": c.id, "case_no": c.case_no, "stage": c.stage, "outcome": c.outcome}



    def get(self, case_id: str, *, reveal: bool = False) -> details.Details:
        """The case file; `reveal` shows ID numbers and phones in full (mediator/admin; access-logged)."""
        return details.case(self.db, self.actor, case_id, reveal=reveal)
