"""Records: consultations, advisers, duty shifts, 三务公开 postings, outreach events, the 矛盾纠纷排查 register."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from station_app.services import advisers as ad
from station_app.services import consultations as cs
from station_app.services import details
from station_app.services import duty as du
from station_app.services import outreach as ou
from station_app.services import postings as po
from station_app.services import queries as qs
from station_app.services import screening as sc
from station_app.services.base import ChangeSet
from station_app.usecases.base import Area, Listed


class Consultations(Listed):
    listing = qs.CONSULTATIONS
    specs = cs.SPECS

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        """Check a form without writing (ValidationError lists every bad field by key)."""
        return cs.validate_consultation(data)

    def record(self, data: dict[str, Any], **options: Any) -> ChangeSet:
        return cs.record_consultation(self.db, self.actor, data, **options)

    def update(self, record_id: str, data: dict[str, Any]) -> ChangeSet:
        return cs.update_consultation(self.db, self.actor, record_id, data)

    def delete(self, record_id: str) -> ChangeSet:
        return cs.delete_consultation(self.db, self.actor, record_id)



    def get(self, record_id: str, *, reveal: bool = False) -> details.Details:
        """The consultation; `reveal` shows name and phone in full (role permitting; written to the access log)."""
        return details.consultation(self.db, self.actor, record_id, reveal=reveal)


class Advisers(Listed):
    listing = qs.ADVISERS
    specs = ad.SPECS

    def record(self, data: dict[str, Any], **options: Any) -> ChangeSet:
        return ad.record_adviser(self.db, self.actor, data, **options)

    def update(self, adviser_id: str, data: dict[str, Any]) -> ChangeSet:
        return ad.update_adviser(self.db, self.actor, adviser_id, data)

    def delete(self, adviser_id: str) -> ChangeSet:
        return ad.delete_adviser(self.db, self.actor, adviser_id)




class Duty(Listed):
    listing = qs.SHIFTS
    specs = du.SPECS

    def record(self, data: dict[str, Any], log: Iterable[Mapping[str, Any]] = ()) -> ChangeSet:
        return du.record_shift(self.db, self.actor, data, log=log)

    def update(self, shift_id: str, data: dict[str, Any]) -> ChangeSet:
        return du.update_shift(self.db, self.actor, shift_id, data)

    def add_log_entry(self, shift_id: str, entry: Mapping[str, Any]) -> ChangeSet:
        return du.add_log_entry(self.db, self.actor, shift_id, entry)

    def delete(self, shift_id: str) -> ChangeSet:
        return du.delete_shift(self.db, self.actor, shift_id)



    def get(self, shift_id: str, *, reveal: bool = False) -> details.Details:
        return details.shift(self.db, self.actor, shift_id, reveal=reveal)


class Postings(Listed):
    listing = qs.POSTINGS
    specs = po.SPECS

    def record(self, data: dict[str, Any], photos: Iterable[str | Path] = ()) -> ChangeSet:
        return po.record_posting(self.db, self.actor, data, photos=photos)

    def add_photos(self, posting_id: str, photos: Iterable[str | Path]) -> ChangeSet:
        return po.add_posting_photos(self.db, self.actor, posting_id, photos)

    def take_down(self, posting_id: str, on: date | str | None = None) -> ChangeSet:
        return po.take_down(self.db, self.actor, posting_id, on or date.today())

    def delete(self, posting_id: str) -> ChangeSet:
        return po.delete_posting(self.db, self.actor, posting_id)

    def due_for_takedown(self, today: date | None = None, days: int = po.DEFAULT_DISPLAY_DAYS) -> list[po.PostingRow]:
        self.app.require("report.read")
        return po.postings_due_for_takedown(self.db, today or date.today(), days=days)




class Outreach(Listed):
    listing = qs.OUTREACH
    specs = ou.SPECS

    def record(self, data: dict[str, Any], **options: Any) -> ChangeSet:
        """Options are the service's (e.g. `source`; photos where the service takes them)."""
        return ou.record_event(self.db, self.actor, data, **options)

    def delete(self, event_id: str) -> ChangeSet:
        return ou.delete_event(self.db, self.actor, event_id)




class Screening(Area):
    """矛盾纠纷排查: every call needs records.write (the register holds parties' names)."""

    specs = sc.SPECS

    def list(self, query=None, *, year: int | None = None, unresolved: bool = False) -> list[sc.ItemRow]:
        self.app.require("records.write")
        if query is not None:
            year = query.filters.get("year", year)
            unresolved = bool(query.filters.get("unresolved", unresolved))
        return sc.list_items(self.db, year=year, unresolved=unresolved)

    def count(self, query=None) -> int:
        return len(self.list(query))

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        return sc.validate_item(data)

    def record(self, data: dict[str, Any], **options: Any) -> ChangeSet:
        self.app.require("records.write")
        return sc.record_item(self.db, self.actor, data, **options)

    def link_case(self, item_id: str, case_ref: str) -> ChangeSet:
        self.app.require("records.write")
        return sc.link_case(self.db, self.actor, item_id, case_ref)

    def open_case(self, item_id: str, case_data: dict[str, Any], parties: list[dict[str, Any]]) -> ChangeSet:
        self.app.require("records.write")
        self.app.require("mediation.write")
        return sc.open_case(self.db, self.actor, item_id, case_data, parties)

    def resolve(self, item_id: str, on: date | str, result: str | None = None) -> ChangeSet:
        """On the spot (a pending item becomes 就地化解) or the body it was handed to reported back."""
        from station_app.core.codes import ScreeningAction

        self.app.require("records.write")
        item = sc.find_item(self.db, item_id)
        data: dict[str, Any] = {"resolved_on": on, **({"result": result} if result else {})}
        if item.action == ScreeningAction.PENDING.value:
            data["action"] = ScreeningAction.ON_THE_SPOT.value
        return sc.update_item(self.db, self.actor, item.id, data)

    def values(self, item_id: str) -> dict[str, Any]:
        """An entry's stored values, as the edit form shows them."""
        self.app.require("records.write")
        return sc.item_values(self.db, item_id)

    def update(self, item_id: str, data: dict[str, Any]) -> ChangeSet:
        self.app.require("records.write")
        return sc.update_item(self.db, self.actor, item_id, data)

    def delete(self, item_id: str) -> ChangeSet:
        self.app.require("records.write")
        return sc.delete_item(self.db, self.actor, item_id)
