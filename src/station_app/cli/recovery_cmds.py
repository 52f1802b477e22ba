"""Recovery commands: `bundle export --resend` output, gap hints, and fork review (`fork list|show|resolve`).

`bundle export` itself is registered by cli/sync_cmds.py; this module holds what its recovery paths print.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from station_app.cli.common import Context, emit
from station_app.core.i18n import pick
from station_app.sync.gaps import resend_command


def register(sub: argparse._SubParsersAction) -> None:
    pass


def resend(args: argparse.Namespace, ctx: Context, db) -> int:
    from station_app.sync import outbox

    done = outbox.resend(db, args.resend, Path(args.out))
    lines = [pick(f"已原样重新写出第 {d['number']} 号同步包（计数 {d['counter_from'] + 1}–{d['counter_to']}，"
                  f"与当初导出的完全相同）：{d['path']}",
                  f"wrote bundle {d['number']} again exactly as first exported (counter "
                  f"{d['counter_from'] + 1}-{d['counter_to']}): {d['path']}") for d in done]
    emit(ctx, {"path": done[0]["path"], "paths": [d["path"] for d in done], "resent": done}, lines)
    return 0


def export_summary(db, path: Path) -> tuple[dict[str, Any], list[str]]:
    """What a new bundle is, in bundle numbers: its number, counter range and the earlier bundles it covers."""
    from station_app.sync.exporter import exported_bundles
    from station_app.sync.merge import _ranges_text
    from station_app.sync.outbox import covered_numbers

    exported = exported_bundles(db, "changes")
    entry = next((e for e in reversed(exported) if e["path"] == str(Path(path).resolve())), exported[-1])
    n = entry["number"]
    covers = covered_numbers(db, n)
    data = {"number": n, "counter_from": entry["counter_from"], "counter_to": entry["counter_to"],
            "covers": covers}
    text = [pick(f"第 {n} 号同步包（变更计数 {entry['counter_from'] + 1}–{entry['counter_to']}）",
                 f"bundle {n} (change counter {entry['counter_from'] + 1}-{entry['counter_to']})")]
    if covers:
        text.append(pick(f"它也包含第 {_ranges_text(covers)} 号包的全部变更：镇中心若缺这些包，导入本包后缺口即补齐。"
                         f"（要原样重发某号包，请用 --resend N）",
                         f"it also carries every change of bundles {_ranges_text(covers)}: if the township is "
                         f"missing any of them, importing this bundle closes the gap. (To send bundle N again as it "
                         f"was, use --resend N)"))
    return data, text


def gap_lines(stations: list[dict]) -> list[str]:
    """One line per station with missing bundles, naming the command that fixes it."""
    from station_app.sync.merge import _ranges_text

    out = []
    for e in stations:
        if e.get("missing"):
            out.append(pick(f"{e['code']} 缺少第 {_ranges_text(e['missing'])} 号包：请该站运行 "
                            f"{resend_command(e['missing'])}，把这些包原样重新送来",
                            f"{e['code']} is missing bundles {_ranges_text(e['missing'])}: the station runs "
                            f"{resend_command(e['missing'])} and brings them again"))
    return out
