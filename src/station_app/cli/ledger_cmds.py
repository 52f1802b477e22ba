"""`ledger import` and `ledger export`: the stations' Excel/CSV 台账 in and out.

Exit codes: 0 imported (or a dry run found every row fine), 2 bad rows (nothing imported; the full row report is
printed) or a file that cannot be read as the ledger.
"""

from __future__ import annotations

import argparse
import sys

from station_app.cli.common import Context, add_json, emit, progress_bar
from station_app.core.i18n import pick

KINDS = ["consultation", "duty", "mediation", "posting", "outreach"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ledger", help=pick("台账（Excel/CSV）导入与导出", "import and export Excel/CSV ledgers (台账)"))
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    imp = acts.add_parser("import", help=pick("导入台账文件（.xlsx 或 .csv）", "import a ledger file (.xlsx or .csv)"))
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--kind", required=True, choices=KINDS,
                     help=pick("台账类型：consultation 法律咨询 / duty 值班 / mediation 人民调解 / posting 三务公开 / "
                               "outreach 普法活动",
                               "ledger kind"))
    imp.add_argument("--dry-run", action="store_true",
                     help=pick("只检查、不写入：列出问题行和将导入的行数", "check only: report problems and counts, write nothing"))
    add_json(imp)
    imp.set_defaults(handler=_import)

    exp = acts.add_parser("export", help=pick("按台账格式导出一年的记录", "export a year of records in the ledger layout"))
    exp.add_argument("--kind", required=True, choices=KINDS)
    exp.add_argument("--year", required=True, type=int)
    exp.add_argument("--out", required=True, metavar="FILE", help=pick("输出文件（.xlsx 或 .csv）", "output file (.xlsx or .csv)"))
    exp.add_argument("--station", metavar="CODE",
                     help=pick("镇中心导出某村的台账时填站点编号（默认本站）", "at the township: whose records (default: this station)"))
    add_json(exp)
    exp.set_defaults(handler=_export)


def _import(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.app().ledgers.import_file(args.file, args.kind, dry_run=args.dry_run, progress=progress_bar(ctx))
    emit(ctx, report.as_dict(), report.lines())
    if not report.ok:
        if not ctx.json:
            print(pick(f"错误：{report.file_name} 有 {report.bad_rows} 行不合格，未导入任何记录",
                       f"error: {report.file_name} has {report.bad_rows} bad rows; nothing was imported"),
                  file=sys.stderr)
        return 2
    return 0


def _export(args: argparse.Namespace, ctx: Context) -> int:
    res = ctx.app().ledgers.export_file(args.kind, args.year, args.out, station=args.station,
                                        progress=progress_bar(ctx))
    emit(ctx, res.as_dict(), pick(f"已导出 {res.rows} 行（{res.station}，{res.year}年）到 {res.path}",
                                  f"exported {res.rows} rows ({res.station}, {res.year}) to {res.path}"))
    return 0
