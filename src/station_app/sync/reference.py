"""Township -> stations: adviser roster, duty schedule, code-table version, and receipts.

The township's rows belong to the township (single writer): a station merges them by counter like any other
partition and can never change them (Writer.update/delete refuse records of another station). The receipts tell a
station which of its bundles the township holds, so it knows what has been confirmed and what to send again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from station_app.core import codes
from station_app.core.codes import StationKind
from station_app.core.errors import StateError
from station_app.core.i18n import _
from station_app.core.timefmt import local_text
from station_app.store.models import Adviser, DutyLogEntry, DutyShift, RecordHistory, Station, utcnow
from station_app.store.sync_models import SyncReceipt
from station_app.sync import merge, station_rows
from station_app.sync.merge import Fork, merge_session
from station_app.sync.payload import Payload, parsed_rows, photo_rows, read_photo_files, rows_of
from station_app.sync.results import ALREADY, IMPORTED, BundleRefused, ImportResult
from station_app.store.stationdb import StationDB

#: The township's own tables a station needs: the roster, the planned duty schedule, and the centre itself (duty
#: shifts and advisers point at it).
REFERENCE_MODELS = (Station, Adviser, DutyShift, DutyLogEntry)


def code_tables_version() -> str:
    """A short hash of every code table's values: stations and township must speak the same codes."""
    tables = {name: [m.value for m in obj] for name, obj in sorted(vars(codes).items())
              if isinstance(obj, type) and issubclass(obj, codes.CodeTable) and obj is not codes.CodeTable}
    return hashlib.sha256(json.dumps(tables, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def require_township(db: StationDB) -> None:
    if db.station().kind != StationKind.CENTRE.value:
        raise StateError(_("only the township centre exports reference data and restore bundles"))


def reference_tables(db: StationDB) -> dict[str, list[dict]]:
    """The township's own rows of the reference tables (all versions' latest, tombstones included) and their
    history."""
    sid = db.station_id
    tables: dict[str, list[dict]] = {}
    with db.read() as s:
        for model in REFERENCE_MODELS:
            t = model.__table__
            tables[model.__tablename__] = rows_of(s, model, t.c.station_id == sid)
        h = RecordHistory.__table__
        names = [m.__tablename__ for m in REFERENCE_MODELS]
        tables["record_history"] = rows_of(s, RecordHistory, h.c.station_id == sid, h.c.table_name.in_(names))
    return tables


def build_reference(db: StationDB) -> Payload:
    """The reference payload (township side). The header's counter range is (0, db.counter()]."""
    require_township(db)
    tables = reference_tables(db)
    meta = {"receipts": merge.receipts(db), "code_tables": {"version": code_tables_version()},
            "issued_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")}
    return Payload(tables=tables, files=read_photo_files(db.paths, photo_rows(tables)), meta=meta)


def store_receipts(s, township_id: str, reference_number: int, receipts: list[dict], issued_at: str) -> None:
    """Keep, per station, the receipt of the newest reference bundle (an older one arriving late changes nothing)."""
    for r in receipts:
        row = s.get(SyncReceipt, r["station_id"])
        if row is not None and row.reference_number > reference_number:
            continue
        if row is None:
            row = SyncReceipt(station_id=r["station_id"])
            s.add(row)
        row.township_id = township_id
        row.reference_number = reference_number
        row.numbers = r["numbers"]
        row.last_number = r["last_number"]
        row.last_sha256 = r["last_sha256"]
        row.contiguous_number = r["contiguous_number"]
        row.contiguous_counter = r["contiguous_counter"]
        row.issued_at = issued_at
        row.received_at = utcnow()


def apply_reference(db: StationDB, bundle) -> ImportResult:
    """Merge the township's reference bundle at a station and record its receipts (one transaction)."""
    h = bundle.header
    try:
        if h.kind != "reference":
            raise BundleRefused(_("a reference bundle was expected"))
        own_id = db.station_id
        if h.station_id == own_id:
            raise BundleRefused(_("this bundle was exported by this installation itself"))
        done = merge.already_imported(db, bundle.sha256, bundle.path, getattr(bundle, "file_sha256", None))
        if done is not None:
            return done
        rows = parsed_rows(bundle.payload, kind="reference", signer_station_id=h.station_id)
        station_rows.check_reference(rows, h)
        meta = bundle.payload.meta
        with merge_session(db, h.station_id) as s:
            known = merge._known(s, h.station_id, "reference")
            merge.check_chain(h, bundle.sha256, known, getattr(bundle, "file_sha256", None))
            plans = merge.plan_rows(s, rows, frozenset({h.station_id}))
            counts = merge.write_rows(s, plans)
            merge.store_files(db, rows, bundle.payload.files)
            store_receipts(s, h.station_id, h.number, meta["receipts"], meta["issued_at"])
            from station_app.sync.rollback import catch_up

            caught_up = catch_up(s, own_id, meta["receipts"])
            merge.log_bundle(s, bundle, counts)
            s.flush()
            merge.update_mark(s, h.station_id, "reference", h.station_code)
    except (Fork, BundleRefused) as e:
        return merge.refusal(db, bundle, e)
    status = confirmed_status(db)
    parts = [_("township reference bundle {number} imported ({sum} rows)", number=h.number, sum=sum(counts.values())),
             status["text"]]
    if caught_up:
        parts.append(_("the township holds bundles of this station up to {number}, more than this installation remembers (an old backup restored?): numbering continues at {value}, epoch {epoch}", number=caught_up['number'], value=caught_up['number'] + 1, epoch=caught_up['epoch']))
    if meta["code_tables"]["version"] != code_tables_version():
        parts.append(_("note: the township's code tables differ from this installation's; update the app"))
    return merge._result(bundle, IMPORTED, _("; ").join(parts),
                         counts=counts)


def confirmed_status(db: StationDB) -> dict[str, Any]:
    """What the township has confirmed of this station's bundles, for a CLI line and the GUI.

    Keys: confirmed (bool: a receipt exists), reference_number, issued_at, numbers ([first, last] ranges held by
    the township), last_number, contiguous_number, contiguous_counter, exported_last (this station's last exported
    bundle number, if the transport's log is there), unconfirmed (exported numbers the township does not hold yet),
    text (one plain-language line)."""
    sid = db.station_id
    with db.read() as s:
        r = s.get(SyncReceipt, sid)
        exported = _exported_numbers(s)
    held = [(a, b) for a, b in (r.numbers if r is not None else [])]  # ranges: never expanded (limits.py)
    unconfirmed = sorted(n for n in exported if not any(a <= n <= b for a, b in held))
    out: dict[str, Any] = {
        "confirmed": r is not None,
        "reference_number": r.reference_number if r else None,
        "issued_at": r.issued_at if r else None,
        "numbers": r.numbers if r else [],
        "last_number": r.last_number if r else 0,
        "contiguous_number": r.contiguous_number if r else 0,
        "contiguous_counter": r.contiguous_counter if r else 0,
        "exported_last": max(exported, default=0),
        "unconfirmed": unconfirmed,
    }
    if r is None:
        out["text"] = _("the township has not confirmed any bundle of this station yet")
    elif r.contiguous_number == 0 and not held:
        out["text"] = _("as of {local_text} the township holds no bundle of this station", local_text=local_text(r.issued_at))
    else:
        values = {"when": local_text(r.issued_at), "number": r.contiguous_number, "counter": r.contiguous_counter}
        out["text"] = _(
            "township confirmed ({when}): bundles 1-{number} of this station complete (up to counter {counter}); "
            "not yet confirmed: {ranges}", ranges=merge._ranges_text(unconfirmed), **values) if unconfirmed else _(
            "township confirmed ({when}): bundles 1-{number} of this station complete (up to counter {counter})",
            **values)
        missing = [n for n in unconfirmed if n < r.last_number]  # the township holds later ones: these are lost
        if missing:
            from station_app.sync.gaps import resend_command

            out["text"] += _(". The township is missing bundles {ranges_text}: run {resend_command} to send them again as they were", ranges_text=merge._ranges_text(missing), resend_command=resend_command(missing))
    return out


def _exported_numbers(s) -> list[int]:
    try:
        from station_app.store.keys_models import ExportedBundle
    except ImportError:  # transport's log not there
        return []
    return list(s.execute(select(ExportedBundle.number).where(ExportedBundle.kind == "changes",
                                                              ExportedBundle.status == "written")).scalars())


__all__ = ["build_reference", "apply_reference", "confirmed_status", "code_tables_version", "ALREADY"]
