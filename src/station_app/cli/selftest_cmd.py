"""`selftest`: township IT checks an installed station PC, one line per check; exit 1 when any check fails."""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, emit
from station_app.core.i18n import pick


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("selftest", help=pick("自检：数据库、密钥、中文字体、PDF、同步包、图形界面",
                                             "self-test: database, keys, Chinese font, PDF, bundles, GUI"))
    p.add_argument("--no-gui", dest="gui", action="store_false",
                   help=pick("不检查图形界面和字体显示（无显示的服务器）", "skip the GUI and font checks (headless servers)"))
    add_json(p)
    p.set_defaults(handler=_selftest)


def _selftest(args: argparse.Namespace, ctx: Context) -> int:
    from station_app import selftest

    def line(r: selftest.CheckResult) -> None:
        if not ctx.json:
            mark = pick("通过", "ok") if r.ok else pick("失败", "FAIL")
            print(f"[{mark}] {r.name}：{r.detail}", flush=True)

    if not ctx.json:
        print(selftest.version_line(), flush=True)
    results = selftest.run(ctx.paths, gui=args.gui, report=line)
    failed = [r for r in results if not r.ok]
    summary = (pick(f"全部 {len(results)} 项通过", f"all {len(results)} checks passed") if not failed else
               pick(f"{len(failed)} 项失败（共 {len(results)} 项）", f"{len(failed)} of {len(results)} checks failed"))
    emit(ctx, {"version": selftest.version_line(), "ok": not failed, "checks": [r.as_dict() for r in results]},
         summary)
    return 1 if failed else 0
