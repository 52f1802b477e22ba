"""Build a report, lay it out as PDF (and XLSX), write the files atomically: what `report …` and the demo call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station_app.core.errors import ValidationError
from station_app.core.i18n import _
from station_app.reports.model import Report
from station_app.services.base import StationDB


def build(db: StationDB, kind: str, **params: Any) -> Report:
    if kind == "annual":
        from station_app.reports.annual import build_annual

        return build_annual(db, params["year"], params.get("as_of"))
    if kind == "monthly":
        from station_app.reports.monthly import build_monthly

        return build_monthly(db, params["station"], params["month"])
    if kind == "adviser-hours":
        from station_app.reports.adviser_hours import build_adviser_hours

        return build_adviser_hours(db, params["year"], params.get("as_of"))
    if kind == "postings":
        from station_app.reports.postings_report import build_postings

        return build_postings(db, params["as_of"], params.get("year"))
    raise ValidationError.single(_("report"), _("no such report: {kind}", kind=kind))


def _checked_out(path: str | Path, suffix: str, option: str) -> Path:
    p = Path(path)
    if p.suffix.lower() != suffix:
        raise ValidationError.single(option, _("the file name must end in {suffix}: {p}", suffix=suffix, p=p))
    if p.exists() and not p.is_file():
        raise ValidationError.single(option, _("not a regular file: {p}", p=p))
    return p


def print_report(db: StationDB, kind: str, out: str | Path, *, xlsx: str | Path | None = None,
                 **params: Any) -> dict[str, Any]:
    """Write the PDF (and XLSX); both are laid out in memory first, so a failure leaves neither half written."""
    from station_app.reports.render import render_report
    from station_app.reports.xlsx import render_xlsx
    from station_app.store.atomic import write_atomic

    pdf_path = _checked_out(out, ".pdf", "--out")
    xlsx_path = _checked_out(xlsx, ".xlsx", "--xlsx") if xlsx else None
    report = build(db, kind, **params)
    pdf_bytes = render_report(report)
    xlsx_bytes = render_xlsx(report) if xlsx_path else None
    write_atomic(pdf_path, pdf_bytes)
    if xlsx_path is not None and xlsx_bytes is not None:
        write_atomic(xlsx_path, xlsx_bytes)
    return {"report": kind, "out": str(pdf_path), "xlsx": str(xlsx_path) if xlsx_path else None,
            "as_of": report.as_of.isoformat(), "tables": [t.key for t in report.tables()],
            "figures": report.figures, "report_obj": report}
