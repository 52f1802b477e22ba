"""Sync: the stations overview, this installation's keys and the cards it trusts, bundles.

Managing keys (enrol, rotate, revoke, escrow, restore bundles) is the administrator's; exporting and importing
bundles is for dispatchers, township staff and administrators (docs/roles.md).
"""

from __future__ import annotations

from collections.abc import Callable

from pathlib import Path
from typing import Any

from station_app.core.errors import StateError
from station_app.core.i18n import _
from station_app.core.progress import CancelFn, ProgressFn, task_of
from station_app.usecases.base import Area


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


class Stations(Area):
    def overview(self) -> dict[str, Any]:
        """Every enrolled station with its keys, sync progress (last bundle, gaps, forks) and the revoked keys."""
        self.app.require("stations.read")
        from station_app.sync import identity
        from station_app.sync.merge import station_status

        db = self.db
        keys = identity.enrolled_stations(db)
        revoked = {r.key_id: r for r in identity.revocations(db)}
        seen: dict[str, dict[str, Any]] = {}
        for k in keys:
            seen.setdefault(k.station_id, {"station_id": k.station_id, "code": k.station_code, "name": k.station_name})
        status_by_id = {st["station_id"]: st for st in station_status(db, enrolled=list(seen.values()))}
        stations: dict[str, dict[str, Any]] = {}
        for k in keys:
            entry = stations.setdefault(k.station_id, {"station_id": k.station_id, "code": k.station_code,
                                                       "name": k.station_name, "keys": []})
            entry["keys"].append({"key_id": k.key_id, "fingerprint": k.fingerprint,
                                  "enrolled_at": _iso(k.enrolled_at), "superseded_at": _iso(k.superseded_at),
                                  "revoked": k.key_id in revoked})
        for sid, entry in stations.items():
            st = status_by_id.get(sid, {})
            entry["last_number"] = st.get("last_number")
            entry["last_imported_at"] = st.get("last_imported_at")
            entry["missing"] = st.get("missing", [])
            entry["missing_ranges"] = st.get("missing_ranges", [])
            entry["closed"] = st.get("closed", [])
            entry["forks"] = st.get("forks", [])
            active = [k for k in entry["keys"] if not k["superseded_at"] and not k["revoked"]]
            entry["fingerprint"] = active[0]["fingerprint"] if active else None
        return {"stations": list(stations.values()),
                "revoked": [{"key_id": r.key_id, "code": r.station_code, "reason": r.reason,
                             "revoked_at": _iso(r.revoked_at), "revoked_by": r.revoked_by} for r in revoked.values()]}

    def schedule(self) -> dict[str, Any]:
        """This village's 三务公开 schedule: category -> month/quarter/year or None (not required)."""
        self.app.require("report.read")
        from station_app.services.stations import posting_schedule

        return posting_schedule(self.db.station())

    def set_schedule(self, category: str, unit: str) -> dict[str, Any]:
        from station_app.services.stations import set_posting_schedule

        set_posting_schedule(self.db, self.actor, category, unit)
        return self.schedule()


class Keys(Area):
    def card(self) -> Any:
        from station_app.sync import identity

        return identity.build_card(self.db)

    def show(self) -> dict[str, Any]:
        """This installation's card and the township it trusts."""
        from station_app.sync import identity

        data = self.card().as_dict()
        township = identity.township_key(self.db)
        data["township"] = None if township is None else {
            "code": township.station_code, "name": township.station_name, "key_id": township.key_id,
            "fingerprint": township.fingerprint}
        return data

    def export_card(self, out: str | Path) -> tuple[Path, Any]:
        from station_app.sync import identity

        path = identity.export_card(self.db, Path(out))
        return path, self.card()

    def rotate(self, out_dir: str | Path | None = None) -> dict[str, Any]:
        """New keys with the old keys' protection; writes the rotation statement for the other side."""
        self.app.require("keys.manage")
        from station_app.sync import identity

        return identity.rotate(self.db, Path(out_dir) if out_dir else None)

    def set_escrow(self, recipient: str | None) -> Any:
        self.app.require("keys.manage")
        from station_app.sync import identity

        return identity.set_escrow_recipient(self.db, recipient)

    def enroll(self, file: str | Path) -> dict[str, Any]:
        """Enrol a station card, trust the township card, or accept a rotation statement."""
        self.app.require("keys.manage")
        from station_app.sync import identity

        return identity.enroll(self.db, Path(file))

    def revoke(self, target: str, *, reason: str) -> list[dict[str, Any]]:
        self.app.require("keys.manage")
        from station_app.sync import identity

        return identity.revoke(self.db, target, reason=reason, actor=self.actor)


class Bundles(Area):
    def export(self, out_dir: str | Path, *, full: bool = False, from_counter: int | None = None,
               progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> Path | None:
        """This station's changes as a bundle (None when there is nothing new). Cancelling before the file's final
        write leaves no file and no bundle number used."""
        self.app.require("bundle.export")
        from station_app.sync import exporter

        return exporter.export_bundle(self.db, Path(out_dir), full=full, from_counter=from_counter,
                                      task=task_of(progress, cancelled))

    def import_paths(self, paths: list[str | Path], *, progress: ProgressFn | None = None,
                     cancelled: CancelFn | None = None, on_wait: Callable[[str], None] | None = None) -> list[Any]:
        """Import bundles (files or folders); each is all or nothing; cancelling stops between bundles. One import
        per data dir at a time: a second one waits (telling `on_wait`)."""
        self.app.require("bundle.import")
        from station_app.sync.importer import import_paths

        return import_paths(self.db, [Path(p) for p in paths], task=task_of(progress, cancelled), on_wait=on_wait)

    def find(self, paths: list[str | Path]) -> list[Path]:
        """The bundle files `import_paths` would import from `paths` (folders give their *.stbundle files), in
        that order: the import centre imports them one by one to show each result as it comes."""
        from station_app.sync.importer import expand_paths

        return expand_paths([Path(p) for p in paths])

    def status(self) -> dict[str, Any]:
        """Bundles this station exported and which of them the township has confirmed."""
        self.app.require("stations.read")
        from station_app.sync.exporter import exported_bundles
        from station_app.sync.reference import confirmed_status

        return {"exported": exported_bundles(self.db, "changes"), "confirmed": confirmed_status(self.db)}

    def station_recipients(self) -> list[str]:
        """age recipients of every enrolled station's current key (revoked and superseded keys left out), plus this
        township's own escrow recipient if one is set."""
        from station_app.sync import identity

        revoked = {r.key_id for r in identity.revocations(self.db)}
        out = sorted({k.age_recipient for k in identity.enrolled_stations(self.db)
                      if k.superseded_at is None and k.key_id not in revoked})
        escrow = identity.own_key(self.db).escrow_recipient
        if out and escrow:
            out.append(escrow)
        return out

    def export_reference(self, out_dir: str | Path, *, progress: ProgressFn | None = None,
                         cancelled: CancelFn | None = None) -> dict[str, Any]:
        """The township's reference bundle (advisers, duty schedule, receipts), encrypted to every station."""
        self.app.require("bundle.export")
        from station_app.sync.exporter import export_payload
        from station_app.sync.reference import build_reference, require_township

        require_township(self.db)
        recipients = self.station_recipients()
        if not recipients:
            raise StateError(_("no station card is enrolled yet: the reference bundle would have no recipient"))
        payload = build_reference(self.db)
        path, _entry = export_payload(self.db, "reference", payload, Path(out_dir), recipients=recipients,
                                      counter_from=0, counter_to=self.db.counter(), task=task_of(progress, cancelled))
        return {"path": str(path), "counts": payload.counts(), "receipts": len(payload.meta["receipts"]),
                "recipients": len(recipients)}

    def export_restore(self, station_code: str, card_file: str | Path, out_dir: str | Path) -> dict[str, Any]:
        """For a station's new PC: enrol the new card as the station's key (revoking the old one) and write the
        restore bundle, encrypted to the new card. The data is gathered first: a station we hold nothing of
        changes nothing."""
        self.app.require("keys.manage")
        from station_app.sync import identity
        from station_app.sync.exporter import export_payload
        from station_app.sync.reference import require_township
        from station_app.sync.restore import build_restore

        db = self.db
        require_township(db)
        card = identity.load_card(card_file)
        # Every check before anything is written: the card (with the reason it is wrong), then what we hold of the
        # station; keys are enrolled and revoked only once the restore bundle is on disk.
        old = identity.check_replacement_card(db, card, station_code)
        payload = build_restore(db, station_code)
        code = payload.meta["station_code"]
        if payload.meta["station_id"] != old.station_id:
            from station_app.core.errors import StateError

            raise StateError(_("the township's records of station {code} and its enrolled key disagree; nothing done", code=code))
        path, _entry = export_payload(db, "restore", payload, Path(out_dir), recipients=[card.age_recipient],
                                      counter_from=0, counter_to=db.counter())
        enrolled = identity.enroll_replacement(
            db, card, code, actor=self.actor,
            reason=_("station PC replaced; restored to {key_id}", key_id=card.key_id))
        return {"path": str(path), "station_code": code, "counts": payload.counts(), "new_key": card.key_id,
                "enrolled": enrolled, "revoked": enrolled["revoked"], "last_number": payload.meta["last_number"],
                "epoch": payload.meta["epoch"]}
