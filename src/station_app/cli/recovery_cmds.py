"""Recovery commands: `bundle export --resend` output, gap hints, and fork review (`fork list|show|resolve`).

`bundle export` itself is registered by cli/sync_cmds.py; this module holds what its recovery paths print.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from station_app.cli.common import Context, add_json, emit, table
from station_app.core.i18n import pick
from station_app.sync.gaps import resend_command


def register(sub: argparse._SubParsersAction) -> None:
    f = sub.add_parser("fork", help=pick("分叉核查（镇中心）：查看两个版本，保留其一并写明理由",
                                         "fork review (township): see both versions, keep one with a reason"))
    fsub = f.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = fsub.add_parser("list", help=pick("待核查的分叉", "forks waiting for review"))
    p.add_argument("--all", action="store_true", help=pick("也列出已处理的", "include decided ones"))
    add_json(p)
    p.set_defaults(handler=_fork_list)
    p = fsub.add_parser("show", help=pick("并排显示已导入的版本和被拒绝的版本", "show the held and the refused version"))
    p.add_argument("id", type=int, metavar="ID")
    add_json(p)
    p.set_defaults(handler=_fork_show)
    p = fsub.add_parser("resolve", help=pick("保留一个版本并写明理由（记入同步日志）",
                                             "keep one version, with a reason (written to the sync log)"))
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--keep", required=True, choices=["held", "offered"],
                   help=pick("held：保留已导入的；offered：改为保留被拒绝的", "held: keep the bundle held; "
                             "offered: keep the refused bundle instead"))
    p.add_argument("--reason", help=pick("理由（必填，记入同步日志）", "why (required; written to the sync log)"))
    add_json(p)
    p.set_defaults(handler=_fork_resolve)


_REASONS = {"same_number": ("同号不同内容", "same number, other content"), "chain": ("链接不上", "broken chain"),
            "rollback": ("计数倒退", "counter rollback"), "rewritten": ("记录被改写", "rewritten records")}
_STATUS = {"open": ("待核查", "open"), "kept_held": ("保留已导入的", "kept held"),
           "kept_offered": ("改为保留被拒绝的", "kept refused"), "superseded": ("已被恢复取代", "superseded"),
           "resolved": ("已处理", "resolved")}


def _fork_list(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.core.timefmt import local_text
    from station_app.sync import forks

    rows = forks.list_forks(ctx.db(), all_=args.all)
    text = table([[f["id"], f["code"], f["number"], pick(*_REASONS.get(f["reason"], (f["reason"], f["reason"]))),
                   local_text(f["detected_at"]), pick(*_STATUS.get(f["status"], (f["status"], f["status"])))]
                  for f in rows],
                 [pick("编号", "id"), pick("站点", "station"), pick("包号", "bundle"), pick("类型", "kind"),
                  pick("发现时间", "seen"), pick("状态", "status")]) if rows else pick(
        "没有待核查的分叉", "no fork waiting for review")
    if rows and not args.all:
        text += "\n" + pick("查看：station-app fork show ID；处理：station-app fork resolve ID --keep held|offered --reason 理由",
                             "see: station-app fork show ID; decide: station-app fork resolve ID --keep held|offered "
                             "--reason TEXT")
    emit(ctx, rows, text)
    return 0


def _version_lines(label: str, v: dict | None) -> list[str]:
    if v is None:
        return [label + pick("：（无对应的已导入包：冲突在单条记录上）", ": (no single bundle: the clash is per record)")]
    lo = v["counter_from"] + 1 if isinstance(v.get("counter_from"), int) else "?"
    lines = [label + pick(
        f"：第 {v.get('number')} 号，纪元 {v.get('epoch')}，变更计数 {lo}–{v.get('counter_to')}，"
        f"密钥 {v.get('key_id')}，写于 {v.get('created_at')}",
        f": bundle {v.get('number')}, epoch {v.get('epoch')}, change counter {lo}-{v.get('counter_to')}, "
        f"key {v.get('key_id')}, written {v.get('created_at')}")]
    counts = v.get("counts") or {}
    if counts:
        lines.append("  " + pick("记录：", "rows: ") + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))
    if "new_records" in v:
        lines.append("  " + pick("其中本处没有的记录：", "records not held here: ")
                     + (", ".join(f"{t} {n}" for t, n in sorted(v["new_records"].items())) or "0"))
        lines.append("  " + pick(f"同一计数内容不同的记录：{v['clash_count']}", f"records clashing at one counter: "
                                 f"{v['clash_count']}"))
        for c in v["clashes"][:10]:
            lines.append(f"    {c['table']} {c['id']} @{c['counter']}: {', '.join(c['fields'])}")
    if v.get("readable") is False:
        lines.append("  " + pick("无法打开：", "cannot be opened: ") + str(v.get("unreadable_reason")))
    return lines


def _fork_show(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.sync import forks

    data = forks.show(ctx.db(), args.id)
    f = data["fork"]
    lines = [pick(f"分叉 #{f['id']}：站点 {f['code']} 第 {f['number']} 号包 —— {f['detail']}",
                  f"fork #{f['id']}: station {f['code']} bundle {f['number']} - {f['detail']}"),
             pick("状态：", "status: ") + pick(*_STATUS.get(f["status"], (f["status"], f["status"])))
             + (f"（{f['resolution_note']}）" if f["resolution_note"] else "")]
    lines += _version_lines(pick("已导入的版本（held）", "held version"), data["held"])
    lines += _version_lines(pick("被拒绝的版本（offered）", "refused version (offered)"), data["offered"])
    if f["status"] == "open":
        lines.append(pick(f"处理：station-app fork resolve {f['id']} --keep held|offered --reason 理由",
                          f"decide: station-app fork resolve {f['id']} --keep held|offered --reason TEXT"))
    emit(ctx, data, lines)
    return 0


def _fork_resolve(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.sync import forks

    data = forks.resolve(ctx.db(), args.id, args.keep, args.reason, ctx.user)
    text = {"kept_held": pick(f"分叉 #{data['id']}：保留已导入的版本；被拒绝的包不再使用（理由已记入同步日志）",
                              f"fork #{data['id']}: the held version stays; the refused bundle is set aside (the "
                              f"reason is in the sync log)"),
            "kept_offered": pick(f"分叉 #{data['id']}：已改为保留被拒绝的版本并导入（{sum(data['counts'].values())} 条记录）；"
                                 "另一台电脑的下一个包将被视为分叉，请让它从镇中心恢复",
                                 f"fork #{data['id']}: the refused version is kept and merged "
                                 f"({sum(data['counts'].values())} rows); the other PC's next bundle will be a fork: "
                                 f"restore it from the township")}[data["resolution"]]
    emit(ctx, data, text)
    return 0


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
    """One line per station with missing bundles or open forks, naming the command that fixes it."""
    from station_app.sync.merge import _ranges_text

    out = []
    for e in stations:
        if e.get("missing"):
            out.append(pick(f"{e['code']} 缺少第 {_ranges_text(e['missing'])} 号包：请该站运行 "
                            f"{resend_command(e['missing'])}，把这些包原样重新送来",
                            f"{e['code']} is missing bundles {_ranges_text(e['missing'])}: the station runs "
                            f"{resend_command(e['missing'])} and brings them again"))
        open_forks = sum(1 for f in e.get("forks", []) if not f.get("resolved"))
        if open_forks:
            out.append(pick(f"{e['code']} 有 {open_forks} 个分叉待核查：station-app fork list",
                            f"{e['code']} has {open_forks} fork(s) waiting for review: station-app fork list"))
    return out
