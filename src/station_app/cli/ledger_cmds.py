"""`ledger import` and `ledger export`: the stations' Excel/CSV 台账 in and out.

Exit codes: 0 imported (or a dry run found every row fine), 2 bad rows (nothing imported; the full row report is
printed) or a file that cannot be read as the ledger.
"""

from __future__ import annotations

import argparse
import sys

from station_app.cli.common import Context, add_json, emit, progress_bar
from station_app.core.i18n import _

KINDS = ["consultation", "duty", "mediation", "posting", "outreach", "screening"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ledger", help=_("import and export Excel/CSV ledgers (台账)"))
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    imp = acts.add_parser("import", help=_("import a ledger file (.xlsx or .csv)"))
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--kind", required=True, choices=KINDS,
                     help=_("ledger kind"))
    imp.add_argument("--dry-run", action="store_true",
                     help=_("check only: report problems and counts, write nothing"))
    add_json(imp)
    imp.set_defaults(handler=_import)

    exp = acts.add_parser("export", help=_("export a year of records in the ledger layout"))
    exp.add_argument("--kind", required=True, choices=KINDS)
    exp.add_argument("--year", required=True, type=int)
    exp.add_argument("--out", required=True, metavar="FILE", help=_("output file (.xlsx or .csv)"))
    exp.add_argument("--station", metavar="CODE",
                     help=_("at the township: whose records (default: this station)"))
    add_json(exp)
    exp.set_defaults(handler=_export)


def _import(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.app().ledgers.import_file(args.file, args.kind, dry_run=args.dry_run, progress=progress_bar(ctx))
    emit(ctx, report.as_dict(), report.lines())
    if not report.ok:
        if not ctx.json:
            from station_app.core.safe_text import terminal_safe

            name = terminal_safe(report.file_name)  # a file name from a USB stick may carry terminal controls
            print(_("error: {name} has {bad_rows} bad rows; nothing was imported", name=name, bad_rows=report.bad_rows),
                  file=sys.stderr)
        return 2
    return 0


def _export(args: argparse.Namespace, ctx: Context) -> int:
    res = ctx.app().ledgers.export_file(args.kind, args.year, args.out, station=args.station,
                                        progress=progress_bar(ctx))
    emit(ctx, res.as_dict(), _("exported {rows} rows ({station}, {year}) to {path}", rows=res.rows, station=res.station, year=res.year, path=res.path))
    if res.rows == 0 and not args.station and not ctx.json:
        from station_app.core.codes import StationKind

        if ctx.db().station().kind == StationKind.CENTRE.value:  # the township's own records are rarely wanted
            print(_("note: these are the township centre's own records; for a village's ledger add --station CODE (e.g. --station S01)"), file=sys.stderr)
    return 0
