"""Exporting a year of records back into the 台账 layout township staff know, as .xlsx or .csv.

.xlsx: a bold header row, real date and time cells, column widths that fit Chinese text, the header frozen.
.csv: UTF-8 with a BOM, so Chinese Excel and WPS open it without garbling. Both are written atomically.
Exporting a ledger with personal data (consultations, mediation parties) is written to the access log.

The exported rows' fingerprints are remembered like imported ones, so importing the exported file back into this
same station recognises every row instead of duplicating it; into another (empty) station it reproduces them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station_app.core.errors import ValidationError
from station_app.core.i18n import _
from station_app.core.progress import NO_TASK, Task
from station_app.ledger.importer import fingerprints, known_fingerprints
from station_app.ledger.layouts import Layout, RowError, layout
from station_app.ledger.read import display_width
from station_app.services.base import StationDB
from station_app.store.atomic import write_atomic
from station_app.store.ledger_models import LedgerRow
from station_app.store.models import Station


@dataclass
class ExportResult:
    path: Path
    kind: str
    year: int
    station: str
    rows: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "kind": self.kind, "year": self.year, "station": self.station,
                "rows": self.rows, "sha256": self.sha256}


def export_ledger(db: StationDB, kind: str, year: int, out_path: str | Path, *, actor: str = "station",
                  station: str | None = None, task: Task = NO_TASK) -> ExportResult:
    """Write this station's (or, at the township, `station`'s) records of `year` as a `kind` ledger."""
    lay = layout(kind)
    out = Path(out_path)
    fmt = out.suffix.lower()
    if fmt not in (".xlsx", ".csv"):
        raise ValidationError.single(_("output file"), _("the file name must end in .xlsx or .csv: {name}", name=out.name))
    if not 1900 <= year <= 2100:
        raise ValidationError.single(_("year"), _("not a valid year: {year}", year=year))
    with db.read() as s:
        st = _station(s, db, station)
        rows = list(lay.export_rows(s, st.id, year))
    cells = [values for _, values in rows]
    task.step(0, 2, _("building the file"))
    data = _xlsx(lay, year, cells) if fmt == ".xlsx" else _csv(lay, cells)
    task.step(1, 2, _("writing the file"))  # cancelling here leaves no file
    digest = write_atomic(out, data)
    task.report(2, 2, out.name)
    _remember(db, lay, out.name, rows)
    if lay.personal_data:
        from station_app.services.audit import log_access

        log_access(db, actor, "export", lay.table, detail=f"ledger:{out.name} station={st.code} year={year} rows={len(rows)}")
    return ExportResult(out, lay.kind, year, st.code, len(rows), digest)


def _station(session, db: StationDB, ref: str | None) -> Station:
    if not ref:
        return db.station(session)
    key = ref.strip()
    st = session.execute(select(Station).where(Station.code == key.upper())).scalar_one_or_none()
    st = st or session.execute(select(Station).where(Station.name == key)).scalar_one_or_none()
    if st is None:
        raise ValidationError.single(_("station"), _("no such station: {key}", key=key))
    return st


def _remember(db: StationDB, lay: Layout, file_name: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Record the exported rows' fingerprints (those an import of this file would compute)."""
    readable: list[tuple[int, str, dict[str, Any]]] = []
    for number, (record_id, values) in enumerate(rows, start=2):
        try:
            readable.append((number, record_id, lay.parse_cells({h: (None if c in (None, "") else c)
                                                                 for h, c in values.items()})))
        except RowError:
            continue  # a record that no longer fits the layout's cell rules is simply not remembered
    fps = fingerprints(lay, (c for _, _, c in readable))
    with db.raw_write() as s:
        known = known_fingerprints(s, fps)
        for (number, record_id, _unused), fp in zip(readable, fps):
            if fp not in known:
                s.add(LedgerRow(kind=lay.kind, fingerprint=fp, record_table=lay.table, record_id=record_id,
                                file_name=f"export:{file_name}"[:255], sheet=None, row_number=number))


# -- xlsx -------------------------------------------------------------------------------------------------------

_FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd", time: "hh:mm"}


def _xlsx(lay: Layout, year: int, rows: list[dict[str, Any]]) -> bytes:
    # A normal (not write-only) workbook: it stores the sheet size and shared strings as Excel does, which
    # readers (ours included) need to read big sheets quickly.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年{lay.zh}"[:31]
    bold, centred = Font(bold=True), Alignment(horizontal="center")
    for col, h in enumerate(lay.headers, start=1):
        c = ws.cell(row=1, column=col, value=h)
        c.font = bold
        c.alignment = centred
    for r, values in enumerate(rows, start=2):
        for col, h in enumerate(lay.headers, start=1):
            value = values.get(h)
            if value is None or value == "":
                continue
            c = ws.cell(row=r, column=col, value=value)
            if isinstance(value, str):
                c.data_type = "s"  # text that starts with "=" stays text, never a formula
            for typ, fmt in _FORMATS.items():
                if isinstance(value, typ):
                    c.number_format = fmt
                    break
    for i, w in enumerate(_widths(lay, rows), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _widths(lay: Layout, rows: list[dict[str, Any]]) -> list[float]:
    out = []
    sample = rows[:2000]  # enough to size a column; keeps a 20,000-row export quick
    for col in lay.columns:
        longest = max([display_width(col.header)] + [display_width(_text(r.get(col.header))) for r in sample])
        out.append(min(max(longest, col.width) + 2, 60))
    return out


# -- csv --------------------------------------------------------------------------------------------------------

_FORMULA_START = re.compile(r"^[=+\-@]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _csv(lay: Layout, rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(lay.headers)
    for values in rows:
        line = []
        for h in lay.headers:
            t = _text(values.get(h))
            # Excel would run a cell starting with = + - @ as a formula; an apostrophe keeps it text (the
            # importer takes it off again).
            line.append("'" + t if isinstance(values.get(h), str) and _FORMULA_START.match(t) else t)
        w.writerow(line)
    return buf.getvalue().encode("utf-8-sig")
