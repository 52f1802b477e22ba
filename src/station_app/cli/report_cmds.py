"""`stats` (the township-style yearly figures) and `demo` (a realistic township year built from scratch)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from station_app.cli.common import Context, add_json, emit
from station_app.core import validators as v
from station_app.core.errors import ValidationError
from station_app.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help=_("yearly figures, as in the township report"))
    p.add_argument("--year", required=True, help=_("the year, e.g. 2021"))
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help=_("count only what existed on this date and judge what is overdue then (default: today)"))
    add_json(p)
    p.set_defaults(handler=_stats)

    d = sub.add_parser("demo", help=_("build a demo township year (a centre and 21 villages) and print its figures"))
    d.add_argument("--out", default="demo-out", metavar="DIR",
                   help=_("output folder (default ./demo-out; only a previous demo folder is replaced)"))
    d.add_argument("--seed", default="2021", help=_("random seed (same seed, same data)"))
    d.add_argument("--year", default="2021", help=_("the demo year (default 2021)"))
    add_json(d)
    d.set_defaults(handler=_demo)


def parse_year(raw: str) -> int:
    text = str(raw).strip()
    if not text.isdigit() or not 1949 <= int(text) <= 2200:
        raise ValidationError.single(_("year"), _("must be a four-digit year (e.g. 2021): {raw}", raw=raw))
    return int(text)


def _int(raw: str, label: str) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValidationError.single(label, _("must be a whole number: {raw}", raw=raw)) from None


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
    seed = _int(args.seed, _("seed"))
    result = demo.run_demo(Path(args.out), year=year, seed=seed, progress=None if ctx.json else print)
    if ctx.json:
        print(json.dumps(result.stats, ensure_ascii=False))
    else:
        print()
        print(result.text)
        print()
        print(_("figures written to {stats_file}; the installations are in {out}", stats_file=result.stats_file, out=result.out))
        if result.report_pdf is not None:
            h = result.headline or {}
            rate = "—" if h.get("success_rate") is None else f"{h['success_rate'] * 100:.1f}%"
            print(_("annual report: {report_pdf}; tables: {report_xlsx}", report_pdf=result.report_pdf, report_xlsx=result.report_xlsx))
            print(_("  village shifts {get}, centre shifts {get2}, {get3} people answered, {get4} mediations (success {rate}), {get5} lectures, {get6} disputes screened, {get7} postings overdue", get=h.get('village_shifts'), get2=h.get('centre_shifts'), get3=h.get('consultation_persons'), get4=h.get('mediations'), rate=rate, get5=h.get('lectures'), get6=h.get('screening_found'), get7=h.get('postings_overdue')))
    return 0

