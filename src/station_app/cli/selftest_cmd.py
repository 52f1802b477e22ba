"""`selftest`: township IT checks an installed station PC, one line per check; exit 1 when any check fails."""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, emit
from station_app.core.i18n import _, pgettext


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("selftest", help=_("self-test: database, keys, Chinese font, PDF, bundles, GUI"))
    p.add_argument("--no-gui", dest="gui", action="store_false",
                   help=_("skip the GUI and font checks (headless servers)"))
    add_json(p)
    p.set_defaults(handler=_selftest)


def _selftest(args: argparse.Namespace, ctx: Context) -> int:
    from station_app import selftest

    def line(r: selftest.CheckResult) -> None:
        if not ctx.json:
            mark = pgettext("station_app.cli.selftest_cmd", "ok") if r.ok else _("FAIL")
            print(f"[{mark}] {r.name}：{r.detail}", flush=True)

    if not ctx.json:
        print(selftest.version_line(), flush=True)
    results = selftest.run(ctx.paths, gui=args.gui, report=line)
    failed = [r for r in results if not r.ok]
    summary = (_("all {len} checks passed", len=len(results)) if not failed else
               _("{len} of {len2} checks failed", len=len(failed), len2=len(results)))
    emit(ctx, {"version": selftest.version_line(), "ok": not failed, "checks": [r.as_dict() for r in results]},
         summary)
    return 1 if failed else 0
