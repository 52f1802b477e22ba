"""Recovery commands: `bundle export --resend` output, gap hints, and fork review (`fork list|show|resolve`).

`bundle export` itself is registered by cli/sync_cmds.py; this module holds what its recovery paths print.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from station_app.cli.common import Context, add_json, emit, table
from station_app.core.i18n import _, N_, NP_, tr
from station_app.sync.gaps import resend_command


def register(sub: argparse._SubParsersAction) -> None:
    f = sub.add_parser("fork", help=_("fork review (township): see both versions, keep one with a reason"))
    fsub = f.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = fsub.add_parser("list", help=_("forks waiting for review"))
    p.add_argument("--all", action="store_true", help=_("include decided ones"))
    add_json(p)
    p.set_defaults(handler=_fork_list)
    p = fsub.add_parser("show", help=_("show the held and the refused version"))
    p.add_argument("id", type=int, metavar="ID")
    add_json(p)
    p.set_defaults(handler=_fork_show)
    p = fsub.add_parser("resolve", help=_("keep one version, with a reason (written to the sync log)"))
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--keep", required=True, choices=["held", "offered"],
                   help=_("held: keep the bundle held; offered: keep the refused bundle instead"))
    p.add_argument("--reason", help=_("why (required; written to the sync log)"))
    add_json(p)
    p.set_defaults(handler=_fork_resolve)


_REASONS = {"same_number": N_("same number, other content"), "chain": N_("broken chain"),
            "rollback": N_("counter rollback"), "rewritten": N_("rewritten records")}
_STATUS = {"open": NP_("fork status", "open"), "kept_held": N_("kept held"),
           "kept_offered": N_("kept refused"), "superseded": N_("superseded"),
           "resolved": NP_("fork status", "resolved")}


def _shown(labels: dict, value: str) -> str:
    return tr(labels[value]) if value in labels else value


def _fork_list(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.core.timefmt import local_text

    rows = ctx.app().forks.list(all_=args.all)
    text = table([[f["id"], f["code"], f["number"], _shown(_REASONS, f["reason"]),
                   local_text(f["detected_at"]), _shown(_STATUS, f["status"])]
                  for f in rows],
                 [_("id"), _("station"), _("bundle"), _("kind"),
                  _("seen"), _("status")]) if rows else _("no fork waiting for review")
    if rows and not args.all:
        text += "\n" + _("see: station-app fork show ID; decide: station-app fork resolve ID --keep held|offered --reason TEXT")
    emit(ctx, rows, text)
    return 0


def _version_lines(label: str, v: dict | None) -> list[str]:
    if v is None:
        return [label + _(": (no single bundle: the clash is per record)")]
    lo = v["counter_from"] + 1 if isinstance(v.get("counter_from"), int) else "?"
    lines = [label + _(": bundle {get}, epoch {get2}, change counter {lo}-{get3}, key {get4}, written {get5}", get=v.get('number'), get2=v.get('epoch'), lo=lo, get3=v.get('counter_to'), get4=v.get('key_id'), get5=v.get('created_at'))]
    counts = v.get("counts") or {}
    if counts:
        lines.append("  " + _("rows: ") + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))
    if "new_records" in v:
        lines.append("  " + _("records not held here: ")
                     + (", ".join(f"{t} {n}" for t, n in sorted(v["new_records"].items())) or "0"))
        lines.append("  " + _("records clashing at one counter: {clash_count}", clash_count=v['clash_count']))
        for c in v["clashes"][:10]:
            lines.append(f"    {c['table']} {c['id']} @{c['counter']}: {', '.join(c['fields'])}")
    if v.get("readable") is False:
        lines.append("  " + _("cannot be opened: ") + str(v.get("unreadable_reason")))
    return lines


def _fork_show(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().forks.show(args.id)
    f = data["fork"]
    lines = [_("fork #{id}: station {code} bundle {number} - {detail}", id=f['id'], code=f['code'], number=f['number'], detail=f['detail']),
             _("status: ") + _shown(_STATUS, f["status"])
             + (f"（{f['resolution_note']}）" if f["resolution_note"] else "")]
    lines += _version_lines(_("held version"), data["held"])
    lines += _version_lines(_("refused version (offered)"), data["offered"])
    if f["status"] == "open":
        lines.append(_("decide: station-app fork resolve {id} --keep held|offered --reason TEXT", id=f['id']))
    emit(ctx, data, lines)
    return 0


def _fork_resolve(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().forks.resolve(args.id, args.keep, args.reason)
    text = {"kept_held": _("fork #{id}: the held version stays; the refused bundle is set aside (the reason is in the sync log)", id=data['id']),
            "kept_offered": _("fork #{id}: the refused version is kept and merged ({sum} rows); the other PC's next bundle will be a fork: restore it from the township", id=data['id'], sum=sum(data['counts'].values()))}[data["resolution"]]
    emit(ctx, data, text)
    return 0


def resend(args: argparse.Namespace, ctx: Context, db) -> int:
    from station_app.sync import outbox

    done = outbox.resend(db, args.resend, Path(args.out))
    lines = [_("wrote bundle {number} again exactly as first exported (counter {value}-{counter_to}): {path}", number=d['number'], value=d['counter_from'] + 1, counter_to=d['counter_to'], path=d['path']) for d in done]
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
    text = [_("bundle {n} (change counter {value}-{counter_to})", n=n, value=entry['counter_from'] + 1, counter_to=entry['counter_to'])]
    if covers:
        text.append(_("it also carries every change of bundles {ranges_text}: if the township is missing any of them, importing this bundle closes the gap. (To send bundle N again as it was, use --resend N)", ranges_text=_ranges_text(covers)))
    return data, text


def gap_lines(stations: list[dict]) -> list[str]:
    """One line per station with missing bundles or open forks, naming the command that fixes it."""
    from station_app.sync.merge import _ranges_text

    out = []
    for e in stations:
        if e.get("missing"):
            out.append(_("{code} is missing bundles {ranges_text}: the station runs {resend_command} and brings them again", code=e['code'], ranges_text=_ranges_text(e['missing']), resend_command=resend_command(e['missing'])))
        open_forks = sum(1 for f in e.get("forks", []) if not f.get("resolved"))
        if open_forks:
            out.append(_("{code} has {open_forks} fork(s) waiting for review: station-app fork list", code=e['code'], open_forks=open_forks))
    return out
