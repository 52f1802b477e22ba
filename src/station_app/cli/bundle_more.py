"""`bundle reference export` and `bundle restore-export`: the township's bundles for stations.

Registered by cli/sync_cmds.py under `bundle` (see docs/dev/sync-interfaces.md).
"""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, emit, progress_bar
from station_app.core.i18n import pick


def register(sub: argparse._SubParsersAction) -> None:
    ref = sub.add_parser("reference", help=pick("镇中心参考数据包（顾问名册、值班安排、回执）",
                                                "the township's reference bundle (advisers, duty schedule, receipts)"))
    rsub = ref.add_subparsers(dest="ref_action", metavar="ACTION", required=True)
    p = rsub.add_parser("export", help=pick("导出参考数据包，加密给所有已登记站点",
                                            "write the reference bundle, encrypted to every enrolled station"))
    p.add_argument("--out", required=True, metavar="DIR")
    add_json(p)
    p.set_defaults(handler=_reference_export)

    p = sub.add_parser("restore-export", help=pick("为更换电脑的站点导出恢复包（并登记新名片、吊销旧密钥）",
                                                   "export a restore bundle for a station's new PC (enrolls the new "
                                                   "card, revokes the old key)"))
    p.add_argument("--station", required=True, metavar="CODE", help=pick("站点编号", "station code"))
    p.add_argument("--card", required=True, metavar="NEWCARD", help=pick("新电脑的公钥名片文件", "the new PC's public card"))
    p.add_argument("--out", required=True, metavar="DIR")
    add_json(p)
    p.set_defaults(handler=_restore_export)


def _reference_export(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().bundles.export_reference(args.out, progress=progress_bar(ctx))
    emit(ctx, data, data["path"])
    return 0


def _restore_export(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().bundles.export_restore(args.station, args.card, args.out)
    key, code, rows = data["new_key"], data["station_code"], sum(data["counts"].values())
    emit(ctx, data, [data["path"], pick(
        f"已登记新电脑的密钥 {key} 为站点 {code} 的密钥，旧密钥已吊销；恢复包含 {rows} 条记录",
        f"enrolled {key} as station {code}'s key and revoked the old key; the restore bundle holds {rows} rows")])
    return 0
