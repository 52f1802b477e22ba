"""A station PC died: the township hands its copy of that station's records to a new installation.

Epochs: a restored station starts epoch E+1 and its change counter jumps to (E+1) * EPOCH_SPAN, so no counter
value the old PC ever used (including changes it made after its last bundle reached the township) is used again.
Bundle numbers continue after the last number the township holds, chained to that bundle's sha256
(`chain_base`), so the township accepts the new PC's bundles as the same station's chain. If a lost bundle of the
old PC turns up later with a number the new PC has also used, the township refuses it as a fork for review.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update

from station_app.core.errors import NotFoundError, StateError
from station_app.core.i18n import _
from station_app.store.models import SYNCED_MODELS, LocalState, RecordHistory, Station, utcnow
from station_app.store.sync_models import ChainBase, ReceivedBundle, StationMark
from station_app.sync import merge, station_rows
from station_app.sync.limits import EPOCH_SPAN  # counter values per epoch (re-exported for callers)
from station_app.sync.merge import Fork, merge_session
from station_app.sync.payload import Payload, photo_rows, read_photo_files, rows_of, parsed_rows
from station_app.sync.reference import code_tables_version, reference_tables, require_township, store_receipts
from station_app.sync.results import IMPORTED, BundleRefused, ImportResult
from station_app.store.stationdb import StationDB



def find_station(db: StationDB, station_code: str) -> tuple[str, str, str]:
    """(station id, code, name) of a station the township knows, by code."""
    code = (station_code or "").strip().upper()
    with db.read() as s:
        row = s.execute(select(Station.id, Station.code, Station.name)
                        .where(Station.code == code, Station.id != db.station_id)).first()
        if row is not None:
            return row[0], row[1], row[2]
        mark = s.execute(select(StationMark).where(StationMark.station_code == code,
                                                   StationMark.kind == "changes")).scalar_one_or_none()
    if mark is not None:
        return mark.station_id, code, code
    raise NotFoundError(_("the township holds no data of station {code}; there is nothing to restore", code=code))


def build_restore(db: StationDB, station_code: str) -> Payload:
    """Every row the township holds of that station (latest versions, tombstones, history, photos) plus the
    township's reference rows, and in `meta` where the station's chain and counter continue."""
    require_township(db)
    sid, code, name = find_station(db, station_code)
    tables: dict[str, list[dict]] = {}
    with db.read() as s:
        for model in SYNCED_MODELS:
            t = model.__table__
            tables[model.__tablename__] = rows_of(s, model, t.c.station_id == sid)
        if not tables["stations"]:
            raise StateError(_("the township has not received bundle 1 of station {code} (it holds the station's own record); cannot restore", code=code))
        mark = s.get(StationMark, (sid, "changes"))
        last = None
        if mark is not None and mark.last_number:
            last = s.execute(select(ReceivedBundle).where(ReceivedBundle.station_id == sid,
                                                          ReceivedBundle.kind == "changes",
                                                          ReceivedBundle.number == mark.last_number)).scalar_one()
    photos = read_photo_files(db.paths, photo_rows(tables))
    for name_, rows in reference_tables(db).items():
        tables[name_] = tables.get(name_, []) + rows
    max_row = max((r["counter"] for rows in tables.values() for r in rows if r["station_id"] == sid), default=0)
    last_counter = max(max_row, mark.high_counter if mark else 0)
    old_epoch = max(mark.epoch if mark else 0, last_counter // EPOCH_SPAN)
    meta = {
        "station_id": sid, "station_code": code, "station_name": tables["stations"][0]["name"] if tables["stations"]
        else name, "last_number": last.number if last else 0, "last_sha256": last.sha256 if last else None,
        "last_counter": last_counter, "epoch": old_epoch + 1,
        "receipts": [r for r in merge.receipts(db) if r["station_id"] == sid],
        "code_tables": {"version": code_tables_version()},
        "issued_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return Payload(tables=tables, files=photos, meta=meta)


def _fresh(s, station_id: str) -> bool:
    """Nothing recorded here yet but the station's own row made by init (and its history)."""
    for model in SYNCED_MODELS:
        t = model.__table__
        q = select(func.count()).select_from(t).where(t.c.station_id == station_id)
        if model is Station:
            q = q.where(t.c.id != station_id)
        elif model is RecordHistory:
            q = q.where(~((t.c.table_name == "stations") & (t.c.record_id == station_id)))
        if s.execute(q).scalar():
            return False
    return s.execute(select(func.count()).select_from(ChainBase)).scalar() == 0


def apply_restore(db: StationDB, bundle) -> ImportResult:
    """Re-home a freshly initialised installation onto the restored station and load its rows (one transaction)."""
    h = bundle.header
    try:
        if h.kind != "restore":
            raise BundleRefused(_("a restore bundle was expected"))
        done = merge.already_imported(db, bundle.sha256, bundle.path, getattr(bundle, "file_sha256", None))
        if done is not None:
            return done
        rows = parsed_rows(bundle.payload, kind="restore", signer_station_id=h.station_id)
        meta = bundle.payload.meta
        sid = meta["station_id"]
        station_rows.check_restore(rows, h, meta)
        with merge_session(db) as s:
            state = s.get(LocalState, 1)
            temp = state.station_id
            if temp == sid or not _fresh(s, temp):
                raise BundleRefused(_("a restore bundle can only be imported into a freshly initialised installation with no records"))
            if not any(r["id"] == sid for r in rows.get("stations", [])):
                raise BundleRefused(_("the restore bundle lacks the station's own record"))
            # The temporary station row of `init` gives way to the restored one (same code, so it must go first).
            s.execute(delete(RecordHistory).where(RecordHistory.station_id == temp))
            s.execute(delete(Station).where(Station.id == temp))
            merge.check_chain(h, bundle.sha256, merge._known(s, h.station_id, "restore"))
            plans = merge.plan_rows(s, rows, frozenset({h.station_id, sid}))
            counts = merge.write_rows(s, plans)
            merge.store_files(db, rows, bundle.payload.files)
            epoch = meta["epoch"]
            highest = max([meta["last_counter"]] + [r["counter"] for t in rows.values() for r in t
                                                    if r["station_id"] == sid])
            counter = epoch * EPOCH_SPAN
            while counter <= highest:  # never reuse a value, whatever the township knew
                epoch += 1
                counter = epoch * EPOCH_SPAN
            s.execute(update(LocalState).where(LocalState.id == 1)
                      .values(station_id=sid, counter=counter, epoch=epoch))
            s.add(ChainBase(station_id=sid, number=meta["last_number"], sha256=meta["last_sha256"],
                            counter_to=meta["last_counter"], epoch=epoch, restored_at=utcnow()))
            store_receipts(s, h.station_id, h.number, meta["receipts"], meta["issued_at"])
            merge.log_bundle(s, bundle, counts)
            s.flush()
            merge.update_mark(s, h.station_id, "restore", h.station_code)
    except (Fork, BundleRefused) as e:
        return merge.refusal(db, bundle, e)
    db.reload_identity()  # the installation is now the restored station
    total = sum(counts.values())
    return merge._result(bundle, IMPORTED, _("restored station {station_code} ({station_name}): {total} rows; new epoch {epoch}, bundle numbers continue at {value}", station_code=meta['station_code'], station_name=meta['station_name'], total=total, epoch=epoch, value=meta['last_number'] + 1), counts=counts)


def chain_base(db: StationDB) -> dict[str, Any] | None:
    """Where this (restored) station's bundle chain continues: {number, sha256, counter_to, epoch}, or None."""
    with db.read() as s:
        row = s.execute(select(ChainBase).where(ChainBase.station_id == db.station_id)).scalar_one_or_none()
    if row is None:
        return None
    return {"number": row.number, "sha256": row.sha256, "counter_to": row.counter_to, "epoch": row.epoch}
