"""`report adviser-hours --year Y`: hours on site per adviser × village × month against the standard (what the
township pays subsidies on), with the village's monthly confirmation.

Rows come from `services.standards.month_hours`, the query `stats --json` takes `duty.below_standard` from.
"""

from __future__ import annotations

from datetime import date

from station_app.core.i18n import _, pgettext
from station_app.reports.annual import station_names
from station_app.reports.model import Report, ReportTable, Section
from station_app.services.base import StationDB


def build_adviser_hours(db: StationDB, year: int, as_of: date | None = None) -> Report:
    from station_app.reports.stats import township_stats
    from station_app.services.settings import read_setting
    from station_app.services.standards import month_hours

    as_of = as_of or date.today()
    st = township_stats(db, year, today=as_of)
    with db.read() as s:
        standard = read_setting(s, "adviser_hours_per_month")
        rows = month_hours(s, year, as_of, standard)
    body, names = station_names(db)
    grid: dict[tuple[str, str], dict[int, object]] = {}
    for r in rows:
        grid.setdefault((r.adviser, r.station), {})[int(r.month[5:])] = r
    months = list(range(1, 13))
    hours_rows, confirm_rows = [], []
    for (adviser, station), cells in sorted(grid.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        total = round(sum(c.hours for c in cells.values()), 2)
        below = sum(1 for c in cells.values() if c.below)
        hours_rows.append([adviser, station, *[cells[m].hours if m in cells else "" for m in months], total, below])
        done = [m for m in months if m in cells and cells[m].confirmed]
        owed = [m for m in months if m in cells and cells[m].complete and not cells[m].confirmed]
        confirm_rows.append([adviser, f"{station} {names.get(station, '')}", "、".join(f"{m}月" for m in done) or "—",
                             "、".join(f"{m}月" for m in owed) or "—"])
    basis = _("hours on site per adviser, village and month (leaving minus arrival); standard {standard:g} h per "
              "village per month; only finished months are judged; contract months without shifts count 0; as of "
              "{as_of}", standard=standard, as_of=as_of.isoformat())
    hours = ReportTable("adviser_hours", _("Advisers' hours"),
                        [_("Adviser"), _("Village"), *[str(m) for m in months],
                         _("Total"), _("Months below")], hours_rows, basis,
                        widths=[1.6, 1, *[0.85] * 12, 1.1, 1.1])
    below = [[r.adviser, r.station, names.get(r.station, ""), r.month, r.hours, r.standard,
              pgettext("station_app.reports.adviser_hours", "yes") if r.confirmed else pgettext("station_app.reports.adviser_hours", "no")] for r in rows if r.below]
    below_t = ReportTable("adviser_below_standard", _("Months below the standard"),
                          [_("Adviser"), _("Village"), _("Name"), _("Month"),
                           _("Hours"), _("Standard"), _("Confirmed")], below, basis,
                          widths=[1.2, 0.8, 1.5, 1, 0.9, 0.9, 1])
    confirm = ReportTable("adviser_confirmations", _("Village confirmations"),
                          [_("Adviser"), _("Village"), pgettext("station_app.reports.adviser_hours", "Confirmed"),
                           _("Finished, not confirmed")], confirm_rows,
                          _("the village's signed or stamped confirmation of the month's work log by the cut-off date; confirmed months are locked"), widths=[1, 1.4, 2.2, 2.2])
    text = _("{len} adviser-village pairs in {year}; standard {standard:g} h per village per month; {len2} finished months below it; as of {isoformat}.", year=year, len=len(hours_rows), standard=standard, len2=len(below), isoformat=as_of.isoformat())
    return Report(_("Village legal advisers' hours {year}", year=year), body, as_of,
                  _("{year}-01-01 to {isoformat}", year=year, isoformat=min(as_of, date(year, 12, 31)).isoformat()),
                  [Section(pgettext("station_app.reports.adviser_hours", "Hours"), paragraphs=[text], tables=[hours, below_t, confirm])],
                  figures={"below_standard": st["duty"]["below_standard"], "hours_standard": standard,
                           "months": [r.as_dict() for r in rows]})
