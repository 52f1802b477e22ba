"""What a bundle may say about stations (issue 7, item 1).

The `stations` table is the township's list of who is who: codes are unique, and exactly one row is the centre. A
signer may only carry its own station row, with the code its key was enrolled (or trusted) under and the kind it has
(village for a station, centre for the township); the name may change. History rows about stations may only be
about the signer's own row. Anything else would let one station rename itself into another's code (whose genuine
bundles are then refused), or make itself a second centre.

Payload validation already makes a station row belong to itself (id == station_id == owner); this adds the rules
that need the signer's enrolled identity, and is called from the merge paths before anything is written.
"""

from __future__ import annotations

from station_app.core.codes import StationKind
from station_app.core.i18n import _
from station_app.sync.results import BundleRefused


def _refuse(rid: object, fld: str, problem: str) -> BundleRefused:
    return BundleRefused(_("invalid bundle content: table {table}, record {rid}, field {fld}: {problem}",
                           table="stations", rid=rid, fld=fld, problem=problem))


def check_station_rows(rows: dict[str, list[dict]], *, station_id: str, code: str, kind: str) -> None:
    """Refuse unless every station row is `station_id`'s own, with `code` and `kind`, and every history row of
    the stations table is about that row."""
    for r in rows.get("stations") or []:
        if r["id"] != station_id:
            raise _refuse(r["id"], "id", _("a bundle may only carry the signing station's own station row"))
        if r["code"] != code:
            raise _refuse(r["id"], "code", _("station code {code!r} differs from the enrolled code {code2}", code=r['code'], code2=code))
        if r["kind"] != kind:
            raise _refuse(r["id"], "kind", _("station kind {kind!r} differs from the enrolled kind {kind2}", kind=r['kind'], kind2=kind))
    for r in rows.get("record_history") or []:
        if r["table_name"] == "stations" and r["record_id"] != station_id:
            raise BundleRefused(_("invalid bundle content: table record_history, record {id}, field record_id: history may only be about the signing station's own station row", id=r['id']))


def check_changes(rows: dict[str, list[dict]], header) -> None:
    """A village station's changes bundle (at the township): its own row, enrolled code, village."""
    check_station_rows(rows, station_id=header.station_id, code=header.station_code,
                       kind=StationKind.VILLAGE.value)


def check_changes_chunk(table: str, names: list[str], chunk: list[tuple], header) -> None:
    """check_changes over one streamed chunk of (stored, Python values) rows: only the tables it concerns, and of
    the history only the rows about a station (the others are never turned into dicts)."""
    if table == "stations":
        rows = [py if isinstance(py, dict) else dict(zip(names, py)) for _st, py in chunk]
    elif table == "record_history":
        i = names.index("table_name")
        rows = [py if isinstance(py, dict) else dict(zip(names, py)) for _st, py in chunk
                if (py["table_name"] if isinstance(py, dict) else py[i]) == "stations"]
    else:
        return
    check_changes({table: rows}, header)


def check_reference(rows: dict[str, list[dict]], header) -> None:
    """The township's reference bundle (at a station): only the centre's own row."""
    check_station_rows(rows, station_id=header.station_id, code=header.station_code,
                       kind=StationKind.CENTRE.value)


def check_restore(rows: dict[str, list[dict]], header, meta: dict) -> None:
    """The township's restore bundle (at a new station PC): the centre's own row and the restored station's row
    (village, the code the restore names), nothing else."""
    own = {header.station_id: (header.station_code, StationKind.CENTRE.value),
           meta["station_id"]: (meta["station_code"], StationKind.VILLAGE.value)}
    for r in rows.get("stations") or []:
        sid = r["id"] if r["id"] in own else header.station_id
        check_station_rows({"stations": [r]}, station_id=sid, code=own[sid][0], kind=own[sid][1])
    for r in rows.get("record_history") or []:
        if r["table_name"] == "stations" and r["record_id"] not in own:
            check_station_rows({"record_history": [r]}, station_id=header.station_id, code="", kind="")
