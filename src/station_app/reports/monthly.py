"""`report monthly --station CODE --month YYYY-MM`: one station's month.

The month's figures are `stats --json` as of the month's last day minus `stats --json` as of the day before it
began (the station's entries in `by_station`), so a month adds up to the year exactly as stats counts it.
"""

from __future__ import annotations

from datetime import date, timedelta

from station_app.core.codes import PeriodUnit, PostingCategory, PostingStatus
from station_app.core.errors import ValidationError
from station_app.core.i18n import _, pgettext
from station_app.core.periods import parse_period
from station_app.reports.annual import label, station_names
from station_app.reports.model import Report, ReportTable, Section
from station_app.services.base import StationDB


def month_of(raw: str):
    try:
        p = parse_period(str(raw).strip())
    except ValidationError:
        p = None
    if p is None or p.unit is not PeriodUnit.MONTH:
        raise ValidationError.single("--month", _("must be a month, e.g. 2021-03: {raw}", raw=raw))
    return p


def month_figures(before: dict, end: dict, code: str) -> dict:
    """The station's figures of the month: the difference of two stats dicts of the same year."""
    def station(st: dict, block: str) -> dict | int:
        return st[block]["by_station"].get(code, {} if block == "duty" else 0)

    d1, d0 = station(end, "duty"), station(before, "duty")
    return {
        "duty": {k: round(d1.get(k, 0) - d0.get(k, 0), 1) if k == "hours" else d1.get(k, 0) - d0.get(k, 0)
                 for k in ("shifts", "hours", "people_served")},
        "consultations": station(end, "consultations") - station(before, "consultations"),
        "mediations": station(end, "mediations") - station(before, "mediations"),
    }


def build_monthly(db: StationDB, code: str, month: str) -> Report:
    from station_app.reports.records_stats import posting_statuses
    from station_app.reports.stats import township_stats
    from station_app.services.settings import read_setting
    from station_app.services.standards import month_hours

    p = month_of(month)
    body, names = station_names(db)
    code = str(code).strip().upper()
    if code not in names:
        raise ValidationError.single("--station", _("no such station: {code}", code=code))
    end, before = p.end, p.start - timedelta(days=1)
    st_end = township_stats(db, p.year, today=end)
    st_before = township_stats(db, p.year, today=before)
    f = month_figures(st_before, st_end, code)
    with db.read() as s:
        standard = read_setting(s, "adviser_hours_per_month")
        hours = [r for r in month_hours(s, p.year, end, standard) if r.station == code and r.month == str(p)]
        grace = read_setting(s, "posting_grace_days")
        postings = [x for x in posting_statuses(s, p.year, end, grace) if x.station == code
                    and (p.start <= x.due_on <= end or x.status == PostingStatus.OVERDUE.value)]
    basis = _("the month = the year to {isoformat} minus the year to {isoformat2} (as stats counts: shifts by start, consultations by when they happened, mediations by acceptance, per station)", isoformat=end.isoformat(), isoformat2=before.isoformat())
    summary = ReportTable("monthly", _("The month"), [_("Item"), pgettext("station_app.reports.monthly", "Month"),
                                                                         _("Year to date")], [
        [_("Duty shifts"), f["duty"]["shifts"], st_end["duty"]["by_station"].get(code, {}).get("shifts", 0)],
        [pgettext("duty hours", "Hours"), f["duty"]["hours"], st_end["duty"]["by_station"].get(code, {}).get("hours", 0)],
        [_("People served"), f["duty"]["people_served"],
         st_end["duty"]["by_station"].get(code, {}).get("people_served", 0)],
        [pgettext("station_app.reports.monthly", "Consultations"), f["consultations"], st_end["consultations"]["by_station"].get(code, 0)],
        [_("Mediations accepted"), f["mediations"], st_end["mediations"]["by_station"].get(code, 0)],
    ], basis, widths=[3, 1, 1])
    adv = ReportTable("monthly_adviser_hours", _("Advisers' hours this month"),
                      [_("Adviser"), pgettext("station_app.reports.monthly", "Hours"), _("Standard"),
                       _("Met"), _("Confirmed")],
                      [[r.adviser, r.hours, r.standard, _("yes") if r.hours >= r.standard else _("no"),
                        pgettext("station_app.reports.monthly", "yes") if r.confirmed else pgettext("station_app.reports.monthly", "no")] for r in hours],
                      _("standard {standard:g} h per village per month", standard=standard),
                      widths=[2, 1, 1, 1, 1])
    post = ReportTable("monthly_postings", _("Postings due this month or overdue"),
                       [_("Category"), _("Period"), _("Due"), _("Status"),
                        _("Posted on")],
                       [[label(PostingCategory, x.category), x.period, x.due_on.isoformat(), label(PostingStatus, x.status),
                         x.posted_on.isoformat() if x.posted_on else ""] for x in postings],
                       _("due = {grace} days after the period ends; status on {isoformat}", grace=grace, isoformat=end.isoformat()), widths=[1, 1, 1.2, 1.2, 1.2])
    name = names.get(code, code)
    text = _("{name}, {year:04d}-{month:02d}: {shifts} duty shifts, {hours:g} hours, {people} people served; "
             "{consultations} consultations; {mediations} mediation cases accepted.",
             name=name, year=p.year, month=p.index, shifts=f["duty"]["shifts"], hours=f["duty"]["hours"],
             people=f["duty"]["people_served"], consultations=f["consultations"], mediations=f["mediations"])
    return Report(pgettext("monthly report title", "{name}: {year:04d}-{month:02d}", name=name, year=p.year,
                           month=p.index), body, end,
                  f"{p.start.isoformat()} – {end.isoformat()}",
                  [Section(pgettext("station_app.reports.monthly", "The month"), paragraphs=[text], tables=[summary, adv])]
                  + [Section(pgettext("station_app.reports.monthly", "Postings"), tables=[post])],
                  figures={"station": code, "month": str(p), **f})
