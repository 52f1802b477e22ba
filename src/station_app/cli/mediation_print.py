"""`mediation print CASE --doc KIND --out FILE.pdf`: the statutory documents of a case as PDF (A4)."""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, emit
from station_app.core.i18n import _, tr


def register(ms: argparse._SubParsersAction) -> None:
    from station_app.documents.kinds import KINDS  # not documents.mediation: that loads ReportLab and the fonts

    kinds = ", ".join(f"{k} ({v[0]})" for k, v in KINDS.items())
    p = ms.add_parser("print", help=_("print a mediation document (PDF, A4; full personal data, logged)"))
    p.add_argument("case", help=_("case: case number, id, or the first characters of the id"))
    p.add_argument("--doc", required=True, metavar="KIND", help=_("document: ") + kinds)
    p.add_argument("--out", required=True, metavar="FILE.pdf", help=_("the PDF file to write"))
    add_json(p)
    p.set_defaults(handler=_print)


def _print(args, ctx: Context) -> int:
    from station_app.documents.kinds import KINDS

    r = ctx.app().mediation.print(args.case, args.doc, args.out)  # full personal data: mediator or admin
    emit(ctx, r, _("printed the {document} ({pages} pages): {out}", document=tr(KINDS[args.doc][1]), pages=r["pages"],
                      out=r["out"]))
    return 0
