"""Sync commands: identity, enroll, stations, revoke, bundle export / import."""

from __future__ import annotations

import argparse
from pathlib import Path

from station_app.cli.common import Context, add_json, emit, progress_bar, table
from station_app.core.i18n import pick
from station_app.core.timefmt import local_text


def register(sub: argparse._SubParsersAction) -> None:
    ident = sub.add_parser("identity", help=pick("本机密钥与公钥名片", "this installation's keys and public card"))
    isub = ident.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = isub.add_parser("export", help=pick("导出本机公钥名片", "write this installation's public card"))
    p.add_argument("--out", required=True, metavar="FILE")
    add_json(p)
    p.set_defaults(handler=_identity_export)
    p = isub.add_parser("show", help=pick("显示本机密钥指纹", "show this installation's key and fingerprint"))
    add_json(p)
    p.set_defaults(handler=_identity_show)
    p = isub.add_parser("rotate", help=pick("更换本机密钥（生成轮换声明）", "replace this installation's keys (writes a rotation statement)"))
    p.add_argument("--out", metavar="DIR", help=pick("轮换声明和新名片的保存目录", "where to write the statement and the new card"))
    add_json(p)
    p.set_defaults(handler=_identity_rotate)
    p = isub.add_parser("escrow", help=pick("设置离线托管公钥（镇中心）", "set the offline escrow recipient (township)"))
    p.add_argument("recipient", metavar="AGE-RECIPIENT", help=pick("age1… 公钥，或 none", "age1… recipient, or none"))
    add_json(p)
    p.set_defaults(handler=_identity_escrow)

    p = sub.add_parser("enroll", help=pick("登记站点名片 / 信任镇中心名片 / 接受密钥轮换声明",
                                           "enroll a station card / trust the township card / accept a rotation statement"))
    p.add_argument("file", metavar="FILE")
    add_json(p)
    p.set_defaults(handler=_enroll)

    p = sub.add_parser("stations", help=pick("已登记的站点、同步进度与吊销的密钥", "enrolled stations, sync progress, revoked keys"))
    add_json(p)
    p.set_defaults(handler=_stations)

    p = sub.add_parser("revoke", help=pick("吊销站点密钥（电脑丢失等）", "revoke a station key (a lost PC)"))
    p.add_argument("target", metavar="CODE|KEYID")
    p.add_argument("--reason", required=True)
    add_json(p)
    p.set_defaults(handler=_revoke)

    b = sub.add_parser("bundle", help=pick("同步包", "sync bundles"))
    bsub = b.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = bsub.add_parser("export", help=pick("导出本站变更的同步包", "export this station's changes as a bundle"))
    p.add_argument("--out", required=True, metavar="DIR")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--full", action="store_true", help=pick("导出全部记录", "export everything"))
    g.add_argument("--from", dest="from_counter", type=int, metavar="N",
                   help=pick("导出计数 ≥ N 的变更", "export changes with counter >= N"))
    add_json(p)
    p.set_defaults(handler=_bundle_export)
    p = bsub.add_parser("import", help=pick("导入同步包（文件或文件夹）", "import bundles (files or folders)"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_json(p)
    p.set_defaults(handler=_bundle_import)
    p = bsub.add_parser("status", help=pick("本站导出过的同步包，以及镇中心已确认收到哪些",
                                            "bundles this station exported, and which the township has confirmed"))
    add_json(p)
    p.set_defaults(handler=_bundle_status)
    from station_app.cli import bundle_more

    bundle_more.register(bsub)


def _identity_export(args: argparse.Namespace, ctx: Context) -> int:
    path, card = ctx.app().keys.export_card(args.out)
    emit(ctx, {"path": str(path), **card.as_dict()},
         pick(f"已写出公钥名片 {path}\n指纹：{card.fingerprint}（请通过电话向对方核对）",
              f"wrote the public card {path}\nfingerprint: {card.fingerprint} (read it to the other side by phone)"))
    return 0


def _identity_show(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().keys.show()
    lines = [f"{data['code']} {data['name']}", pick(f"密钥 ID：{data['key_id']}", f"key id: {data['key_id']}"),
             pick(f"指纹：{data['fingerprint']}", f"fingerprint: {data['fingerprint']}"),
             pick(f"age 公钥：{data['age_recipient']}", f"age recipient: {data['age_recipient']}")]
    township = data["township"]
    if township is not None:
        lines.append(pick(f"信任的镇中心：{township['code']} {township['name']}（指纹 {township['fingerprint']}）",
                          f"trusted township: {township['code']} {township['name']} (fingerprint {township['fingerprint']})"))
    emit(ctx, data, lines)
    return 0


def _identity_rotate(args: argparse.Namespace, ctx: Context) -> int:
    info = ctx.app().keys.rotate(args.out)
    emit(ctx, info, pick(
        f"已更换密钥 {info['old_key_id']} → {info['key_id']}（新指纹 {info['fingerprint']}）\n"
        f"请把轮换声明 {info['statement']} 交给对方，对方运行 station-app enroll 该文件",
        f"replaced key {info['old_key_id']} -> {info['key_id']} (new fingerprint {info['fingerprint']})\n"
        f"give the rotation statement {info['statement']} to the other side; they run station-app enroll FILE"))
    return 0


def _identity_escrow(args: argparse.Namespace, ctx: Context) -> int:
    recipient = None if args.recipient.lower() == "none" else args.recipient
    card = ctx.app().keys.set_escrow(recipient)
    emit(ctx, card.as_dict(), pick(f"托管公钥已设置；新指纹 {card.fingerprint}。请重新分发名片",
                                   f"escrow recipient set; new fingerprint {card.fingerprint}. Hand out the card again"))
    return 0


def _enroll(args: argparse.Namespace, ctx: Context) -> int:
    info = ctx.app().keys.enroll(args.file)
    who = f"{info['code']} {info['name']}"
    text = {
        "enrolled": pick(f"已登记站点 {who}，指纹 {info['fingerprint']}", f"enrolled station {who}, fingerprint {info['fingerprint']}"),
        "trusted": pick(f"已信任镇中心 {who}，指纹 {info['fingerprint']}", f"now trusting township {who}, fingerprint {info['fingerprint']}"),
        "rotated": pick(f"已接受 {who} 的新密钥 {info['key_id']}，指纹 {info['fingerprint']}",
                        f"accepted the new key {info['key_id']} of {who}, fingerprint {info['fingerprint']}"),
        "already": pick(f"{who} 的这把密钥早已登记，未做改动", f"this key of {who} is already known; nothing changed"),
    }[info["status"]]
    emit(ctx, info, text)
    return 0


def _stations(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().stations.overview()
    rows = []
    for e in data["stations"]:
        last = e["last_imported_at"]
        rows.append([e["code"], e["name"], e["fingerprint"] or pick("（无有效密钥）", "(no valid key)"),
                     e["last_number"] or "-", local_text(last) if last else "-",
                     ",".join(map(str, e["missing"])) or "-", len(e["forks"]) or "-"])
    text = table(rows, [pick("编号", "code"), pick("名称", "name"), pick("指纹", "fingerprint"),
                        pick("最后包号", "last bundle"), pick("最后导入", "last import"),
                        pick("缺少的包", "missing"), pick("分叉", "forks")])
    if data["revoked"]:
        text += "\n\n" + pick("已吊销的密钥：", "revoked keys:") + "\n" + table(
            [[r["code"], r["key_id"], r["revoked_at"][:10], r["reason"]] for r in data["revoked"]],
            [pick("编号", "code"), pick("密钥 ID", "key id"), pick("日期", "date"), pick("原因", "reason")])
    emit(ctx, data, text)
    return 0


def _bundle_status(args: argparse.Namespace, ctx: Context) -> int:
    status = ctx.app().bundles.status()
    exported, confirmed = status["exported"], status["confirmed"]
    rows = [[e["number"], f"{e['counter_from']}–{e['counter_to']}", local_text(e["created_at"]),
             pick("未确认", "not confirmed") if e["number"] in confirmed["unconfirmed"] else pick("已确认", "confirmed")]
            for e in exported]
    text = table(rows, [pick("包号", "number"), pick("计数范围", "counter range"), pick("导出时间", "exported"),
                        pick("镇中心", "township")]) if rows else pick("本站还没有导出过同步包", "no bundle exported yet")
    emit(ctx, {"exported": exported, "confirmed": confirmed}, text + "\n" + confirmed["text"])
    return 0


def _revoke(args: argparse.Namespace, ctx: Context) -> int:
    out = ctx.app().keys.revoke(args.target, reason=args.reason)
    lines = [pick(f"{'已吊销' if r['status'] == 'revoked' else '早已吊销'} {r['code']} 的密钥 {r['key_id']}（{r['reason']}）",
                  f"{'revoked' if r['status'] == 'revoked' else 'already revoked'}: key {r['key_id']} of {r['code']} ({r['reason']})")
             for r in out]
    emit(ctx, out, lines)
    return 0


def _bundle_export(args: argparse.Namespace, ctx: Context) -> int:
    path = ctx.app().bundles.export(args.out, full=args.full, from_counter=args.from_counter,
                                    progress=progress_bar(ctx))
    if path is None:
        emit(ctx, {"path": None}, pick("没有新的变更，未写出同步包", "nothing new since the last export; no bundle written"))
        return 0
    emit(ctx, {"path": str(path)}, str(path))
    return 0


def _bundle_import(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.sync.results import REFUSED

    results = ctx.app().bundles.import_paths(args.paths, progress=progress_bar(ctx))
    if not results:
        emit(ctx, [], pick("没有找到同步包（*.stbundle）", "no bundles (*.stbundle) found"))
        return 1
    labels = {"imported": pick("已导入", "imported"), "already": pick("已导入过", "already imported"),
              "gap": pick("缺包", "gap"), "refused": pick("拒绝", "refused")}
    fork = pick("拒绝（分叉，待核查）", "refused (fork, for review)")
    lines = [f"{Path(r.path).name}: {fork if r.fork else labels.get(r.status, r.status)} — {r.message}"
             for r in results]
    emit(ctx, [r.as_dict() for r in results], lines)
    return 1 if any(r.status == REFUSED for r in results) else 0
