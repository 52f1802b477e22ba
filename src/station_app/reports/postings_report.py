"""`report postings --as-of DATE`: every late and overdue 三务 period, and a 督办通知 for each village that is behind.

The lists are `stats --json`'s `postings.late` and `postings.overdue` for the same year and date (the due dates come
from `posting_statuses`, the function those lists are made from).
"""

from __future__ import annotations

from datetime import date

from station_app.core.codes import PostingCategory, PostingStatus
from station_app.core.i18n import _
from station_app.reports.annual import label, station_names
from station_app.reports.model import Report, ReportTable, Section
from station_app.services.base import StationDB


def build_postings(db: StationDB, as_of: date, year: int | None = None) -> Report:
    from station_app.reports.records_stats import posting_statuses
    from station_app.reports.stats import township_stats
    from station_app.services.settings import read_setting

    year = year or as_of.year
    st = township_stats(db, year, today=as_of)
    p = st["postings"]
    with db.read() as s:
        grace = read_setting(s, "posting_grace_days")
        statuses = {(x.station, x.category, x.period): x for x in posting_statuses(s, year, as_of, grace)}
    body, names = station_names(db)
    basis = _("the required periods of {year}; due = {grace} days after the period ends; late = posted after that; overdue = not posted by {isoformat} and past due", year=year, grace=grace, isoformat=as_of.isoformat())
    header = [_("Village"), _("Name"), _("Category"), _("Period"),
              _("Due"), _("Status"), _("Posted on")]

    def row(x: dict, status: str) -> list:
        due = statuses[(x["station"], x["category"], x["period"])].due_on.isoformat()
        return [x["station"], names.get(x["station"], ""), label(PostingCategory, x["category"]), x["period"], due,
                label(PostingStatus, status), x.get("posted_on", "")]

    overdue = [row(x, PostingStatus.OVERDUE.value) for x in p["overdue"]]
    late = [row(x, PostingStatus.LATE.value) for x in p.get("late", [])]
    widths = [0.8, 1.5, 0.8, 1, 1.3, 1.2, 1.3]
    summary = Section(_("Late and overdue postings"), paragraphs=[_(
        "As of {as_of}, of the periods of {year} required in {villages} villages, {overdue} are overdue and {late} "
        "went up late; {behind} villages are behind (grace {grace} days).", as_of=as_of.isoformat(),
        villages=p.get("villages", 0), year=year, overdue=len(overdue), late=len(late),
        behind=len({r[0] for r in overdue}), grace=grace)], tables=[
        ReportTable("postings_overdue", _("Overdue"), header, overdue, basis, widths),
        ReportTable("postings_late", _("Posted late"), header, late, basis, widths)])
    report = Report(_("三务 postings behind schedule ({year})", year=year), body, as_of,
                    _("{year}-01-01 to {isoformat}", year=year, isoformat=min(as_of, date(year, 12, 31)).isoformat()), [summary], figures=p)
    by_village: dict[str, list[list]] = {}
    for r in overdue:
        by_village.setdefault(r[0], []).append(r)
    for n, (code, rows) in enumerate(sorted(by_village.items()), start=1):
        village = names.get(code, code)
        table = ReportTable(f"notice_{code}", _("Overdue items of {village}", village=village),
                            [_("Category"), _("Period"), _("Due")],
                            [[r[2], r[3], r[4]] for r in rows], basis, [1, 1, 1])
        report.sections.append(Section(_("Notice ({village})", village=village), page_break_before=True,
                                       letter={
            "body": body, "title": _("Notice: overdue public postings"),
            "number": _("No. {year}-{n}", year=year, n=n),
            "to": _("To the villagers' committee of {village}:", village=village),
            "paragraphs": [_("As of {isoformat}, the postings below are past their due date ({grace} days after the period ends) and have not been made. Under articles 30 and 31 of the Organic Law of Villagers' Committees and the rules on Party affairs, please post them within five working days of receiving this notice and report it (with photos of the notice board) to {body}.", isoformat=as_of.isoformat(), grace=grace, body=body),
                _("{len} items:", len=len(rows))],
            "table": table}))
    return report
