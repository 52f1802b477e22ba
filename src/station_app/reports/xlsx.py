"""Every table of a Report as an XLSX workbook (openpyxl): one sheet per table, then its definition and cut-off.

Numbers stay numbers (staff sum and chart them in Excel); the first sheet holds the report's paragraph.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from station_app.core.i18n import _, pgettext
from station_app.reports.model import Report

_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, used: set[str]) -> str:
    base = _BAD.sub("-", title)[:28] or "sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}-{n}", n + 1
    used.add(name)
    return name


def render_xlsx(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.active
    used: set[str] = set()
    ws.title = sheet_name(_("About"), used)
    ws.append([report.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([report.body])
    ws.append([pgettext("station_app.reports.xlsx", "Period"), report.period])
    ws.append([_("Cut-off date"), report.as_of.isoformat()])
    for sec in report.sections:
        for text in sec.paragraphs:
            ws.append([text])
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 100
    head = PatternFill("solid", fgColor="E6EBF2")
    for t in report.tables():
        sh = wb.create_sheet(sheet_name(t.title, used))
        sh.append([t.title])
        sh["A1"].font = Font(bold=True, size=12)
        sh.append(t.header)
        for cell in sh[2]:
            cell.font = Font(bold=True)
            cell.fill = head
        for row in t.rows:
            sh.append(list(row))
        if t.total is not None:
            sh.append(list(t.total))
            for cell in sh[sh.max_row]:
                cell.font = Font(bold=True)
        sh.append([])
        sh.append([_("Definition"), t.definition])
        sh.append([_("Cut-off date"), report.as_of.isoformat()])
        for i, _h in enumerate(t.header):
            sh.column_dimensions[get_column_letter(i + 1)].width = 28 if i == 0 else 14
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
