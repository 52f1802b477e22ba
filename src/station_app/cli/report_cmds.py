"""`stats` (the township-style yearly figures) and `demo` (a realistic township year built from scratch)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from station_app.cli.common import Context, add_json, emit
from station_app.core import validators as v
from station_app.core.errors import ValidationError
from station_app.core.i18n import pick


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help=pick("年度统计（镇年度报告口径）", "yearly figures, as in the township report"))
    p.add_argument("--year", required=True, help=pick("统计年度，如 2021", "the year, e.g. 2021"))
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help=pick("只统计截至此日已有的记录，并按此日判断逾期（默认今天）",
                             "count only what existed on this date and judge what is overdue then (default: today)"))
    add_json(p)
    p.set_defaults(handler=_stats)

    d = sub.add_parser("demo", help=pick("生成一个演示镇（1个镇中心、21个村工作室）的全年数据并统计",
                                         "build a demo township year (a centre and 21 villages) and print its figures"))
    d.add_argument("--out", default="demo-out", metavar="DIR",
                   help=pick("输出目录（默认 ./demo-out；只会覆盖以前的演示目录）",
                             "output folder (default ./demo-out; only a previous demo folder is replaced)"))
    d.add_argument("--seed", default="2021", help=pick("随机种子（相同种子得到相同数据）", "random seed (same seed, same data)"))
    d.add_argument("--year", default="2021", help=pick("演示年度（默认 2021）", "the demo year (default 2021)"))
    add_json(d)
    d.set_defaults(handler=_demo)


def parse_year(raw: str) -> int:
    text = str(raw).strip()
    if not text.isdigit() or not 1949 <= int(text) <= 2200:
        raise ValidationError.single(pick("年度", "year"), pick(f"应为四位年份（如 2021）：{raw}",
                                                              f"must be a four-digit year (e.g. 2021): {raw}"))
    return int(text)


def _int(raw: str, zh: str, en: str) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValidationError.single(pick(zh, en), pick(f"应为整数：{raw}", f"must be a whole number: {raw}")) from None


def _stats(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.reports.stats import format_stats

    year = parse_year(args.year)
    today = None
    if args.as_of:
        try:
            today = v.parse_date(args.as_of)
        except ValidationError as e:
            raise ValidationError.single("--as-of", e.problems[0].message) from None
    stats = ctx.app().reports.stats(year, today=today)
    emit(ctx, stats, format_stats(stats))
    return 0


def _demo(args: argparse.Namespace, ctx: Context) -> int:
    from station_app import demo

    year = parse_year(args.year)
    seed = _int(args.seed, "随机种子", "seed")
    result = demo.run_demo(Path(args.out), year=year, seed=seed, progress=None if ctx.json else print)
    if ctx.json:
        print(json.dumps(result.stats, ensure_ascii=False))
    else:
        print()
        print(result.text)
        print()
        print(pick(f"统计已写入 {result.stats_file}；各站点数据目录在 {result.out}",
                   f"figures written to {result.stats_file}; the installations are in {result.out}"))
        if result.report_pdf is not None:
            h = result.headline or {}
            rate = "—" if h.get("success_rate") is None else f"{h['success_rate'] * 100:.1f}%"
            print(pick(f"年度报告：{result.report_pdf}；表格：{result.report_xlsx}",
                       f"annual report: {result.report_pdf}; tables: {result.report_xlsx}"))
            print(pick(f"  各村值班{h.get('village_shifts')}次、镇中心值班{h.get('centre_shifts')}次，"
                       f"解答咨询{h.get('consultation_persons')}人次，受理调解{h.get('mediations')}件（成功率{rate}），"
                       f"法治讲座{h.get('lectures')}场次，排查纠纷{h.get('screening_found')}起，"
                       f"三务逾期未公开{h.get('postings_overdue')}期",
                       f"  village shifts {h.get('village_shifts')}, centre shifts {h.get('centre_shifts')}, "
                       f"{h.get('consultation_persons')} people answered, {h.get('mediations')} mediations "
                       f"(success {rate}), {h.get('lectures')} lectures, {h.get('screening_found')} disputes "
                       f"screened, {h.get('postings_overdue')} postings overdue"))
    return 0

