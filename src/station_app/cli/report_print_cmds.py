"""`report annual|monthly|adviser-hours|postings`: the township's printed reports (PDF, A4) with the tables as XLSX.

Every figure comes from the same functions as `stats --json`, for the same year and as-of date.
"""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, emit
from station_app.core.i18n import pick


def _files(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="FILE.pdf", help=pick("输出的 PDF 文件（A4）", "the PDF file to write (A4)"))
    p.add_argument("--xlsx", metavar="FILE.xlsx", help=pick("同时把各表写入此 Excel 文件（可选）",
                                                          "also write every table to this Excel file (optional)"))
    add_json(p)


def _as_of(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument("--as-of", dest="as_of", metavar="DATE", required=required,
                   help=pick("截止日期：只计此日已有的记录，并按此日判断逾期" + ("" if required else "（默认今天，与 stats 相同）"),
                             "cut-off date: count what existed on this day and judge what is overdue then"
                             + ("" if required else " (default: today, as stats does)")))


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("report", help=pick("打印报表（PDF，可另存 Excel）：年度、月度、顾问时长、三务公开",
                                           "printed reports (PDF, optional Excel): annual, monthly, adviser hours, postings"))
    rs = r.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    a = rs.add_parser("annual", help=pick("年度统计表及可粘贴入年度报告的综述", "the annual statistics and a paragraph to paste"))
    a.add_argument("--year", required=True, help=pick("统计年度，如 2021", "the year, e.g. 2021"))
    _as_of(a)
    _files(a)
    a.set_defaults(handler=_annual)
    m = rs.add_parser("monthly", help=pick("一个站点一个月的工作情况", "one station's month"))
    m.add_argument("--station", required=True, metavar="CODE", help=pick("站点代码，如 S01", "station code, e.g. S01"))
    m.add_argument("--month", required=True, metavar="YYYY-MM", help=pick("月份，如 2021-03", "the month, e.g. 2021-03"))
    _files(m)
    m.set_defaults(handler=_monthly)
    h = rs.add_parser("adviser-hours", help=pick("法律顾问各村各月服务时长与标准对照（含村确认）",
                                                 "advisers' hours per village and month against the standard"))
    h.add_argument("--year", required=True, help=pick("年度，如 2021", "the year, e.g. 2021"))
    _as_of(h)
    _files(h)
    h.set_defaults(handler=_hours)
    p = rs.add_parser("postings", help=pick("三务公开逾期清单及各村督办通知", "late and overdue postings, a notice per village"))
    _as_of(p, required=True)
    p.add_argument("--year", help=pick("年度（默认截止日期所在年度）", "the year (default: the year of the cut-off date)"))
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
    files = [pick(f"已写入 {r['out']}", f"written: {r['out']}")]
    if r["xlsx"]:
        files.append(pick(f"已写入 {r['xlsx']}", f"written: {r['xlsx']}"))
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
