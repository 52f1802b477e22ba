"""`report annual|monthly|adviser-hours|postings`: the township's printed reports (PDF, A4) with the tables as XLSX.

Every figure comes from the same functions as `stats --json`, for the same year and as-of date.
"""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, emit
from station_app.core.i18n import _, pgettext


def _files(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="FILE.pdf", help=_("the PDF file to write (A4)"))
    p.add_argument("--xlsx", metavar="FILE.xlsx", help=_("also write every table to this Excel file (optional)"))
    add_json(p)


def _as_of(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument("--as-of", dest="as_of", metavar="DATE", required=required,
                   help=_("cut-off date: count what existed on this day and judge what is overdue then") if required
                   else _("cut-off date: count what existed on this day and judge what is overdue then (default: today, "
                          "as stats does)"))


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("report", help=_("printed reports (PDF, optional Excel): annual, monthly, adviser hours, postings"))
    rs = r.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    a = rs.add_parser("annual", help=_("the annual statistics and a paragraph to paste"))
    a.add_argument("--year", required=True, help=_("the year, e.g. 2021"))
    _as_of(a)
    _files(a)
    a.set_defaults(handler=_annual)
    m = rs.add_parser("monthly", help=_("one station's month"))
    m.add_argument("--station", required=True, metavar="CODE", help=_("station code, e.g. S01"))
    m.add_argument("--month", required=True, metavar="YYYY-MM", help=_("the month, e.g. 2021-03"))
    _files(m)
    m.set_defaults(handler=_monthly)
    h = rs.add_parser("adviser-hours", help=_("advisers' hours per village and month against the standard"))
    h.add_argument("--year", required=True, help=pgettext("station_app.cli.report_print_cmds", "the year, e.g. 2021"))
    _as_of(h)
    _files(h)
    h.set_defaults(handler=_hours)
    p = rs.add_parser("postings", help=_("late and overdue postings, a notice per village"))
    _as_of(p, required=True)
    p.add_argument("--year", help=_("the year (default: the year of the cut-off date)"))
    _files(p)
    p.set_defaults(handler=_postings)


def _date(raw: str | None, option: str = "--as-of"):
    from station_app.core import validators as v
    from station_app.core.errors import ValidationError

    if not raw:
        return None
    try:
        return v.parse_date(raw)
    except ValidationError as e:
        raise ValidationError.single(option, e.problems[0].message) from None


def _done(ctx: Context, r: dict, lines: list[str]) -> int:
    r = {k: v for k, v in r.items() if k != "report_obj"}
    files = [_("written: {out}", out=r['out'])]
    if r["xlsx"]:
        files.append(_("written: {xlsx}", xlsx=r['xlsx']))
    emit(ctx, r, files + lines)
    return 0


def _annual(args, ctx: Context) -> int:
    from station_app.cli.report_cmds import parse_year
    from station_app.reports.annual import paragraph

    r = ctx.app().reports.print_report("annual", args.out, xlsx=args.xlsx, year=parse_year(args.year),
                                       as_of=_date(args.as_of))
    return _done(ctx, r, paragraph(r["figures"], r["report_obj"].body))


def _monthly(args, ctx: Context) -> int:
    r = ctx.app().reports.print_report("monthly", args.out, xlsx=args.xlsx, station=args.station, month=args.month)
    return _done(ctx, r, r["report_obj"].sections[0].paragraphs)


def _hours(args, ctx: Context) -> int:
    from station_app.cli.report_cmds import parse_year

    r = ctx.app().reports.print_report("adviser-hours", args.out, xlsx=args.xlsx, year=parse_year(args.year),
                                       as_of=_date(args.as_of))
    return _done(ctx, r, r["report_obj"].sections[0].paragraphs)


def _postings(args, ctx: Context) -> int:
    from station_app.cli.report_cmds import parse_year

    r = ctx.app().reports.print_report("postings", args.out, xlsx=args.xlsx, as_of=_date(args.as_of),
                                       year=parse_year(args.year) if args.year else None)
    return _done(ctx, r, r["report_obj"].sections[0].paragraphs)
