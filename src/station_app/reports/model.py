"""What a printed report is made of, independent of PDF or Excel: sections with paragraphs, tables and charts.

Every table carries its definition (口径) and the report its cut-off date, so the PDF and the XLSX print the same
figures with the same explanation. Builders (annual.py, monthly.py, adviser_hours.py, postings_report.py) fill these
from the `stats --json` functions; render.py and xlsx.py only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class ReportTable:
    key: str  # stable, used as the XLSX sheet name's base and in tests
    title: str
    header: list[str]
    rows: list[list[Any]]
    definition: str  # 口径
    widths: list[float] | None = None  # relative column widths in the PDF
    total: list[Any] | None = None  # a 合计 row printed bold after the rows

    def column(self, name: str) -> list[Any]:
        i = self.header.index(name)
        return [r[i] for r in self.rows]

    def lookup(self, first: Any, name: str) -> Any:
        """The cell in column `name` of the row whose first cell is `first`."""
        i = self.header.index(name)
        for r in self.rows:
            if r[0] == first:
                return r[i]
        raise KeyError(first)


@dataclass
class Chart:
    kind: str  # "bar" (vertical) or "hbar" (horizontal)
    title: str
    labels: list[str]
    values: list[float]


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    page_break_before: bool = False
    #: a formal letter (督办通知): title, addressee, body paragraphs, signer — printed as its own page
    letter: dict[str, Any] | None = None


@dataclass
class Report:
    title: str
    body: str  # issuing body's formal name
    as_of: date  # records up to this day are counted; statuses are judged on it
    period: str  # what the report covers, e.g. "2021年度"
    sections: list[Section]
    figures: dict[str, Any] = field(default_factory=dict)  # the stats dict (or part) the report was built from
    number: str = ""

    def tables(self) -> list[ReportTable]:
        out = []
        for s in self.sections:
            out += s.tables
            if s.letter and s.letter.get("table") is not None:
                out.append(s.letter["table"])
        return out

    def table(self, key: str) -> ReportTable:
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(key)
