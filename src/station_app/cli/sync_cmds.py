"""Sync commands: identity, enroll, stations, revoke, bundle export / import."""

from __future__ import annotations

import argparse
from pathlib import Path

from station_app.cli.common import Context, add_json, emit, progress_bar, table
from station_app.core.i18n import _, pgettext
from station_app.core.timefmt import local_text


def register(sub: argparse._SubParsersAction) -> None:
    ident = sub.add_parser("identity", help=_("this installation's keys and public card"))
    isub = ident.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = isub.add_parser("export", help=_("write this installation's public card"))
    p.add_argument("--out", required=True, metavar="FILE")
    add_json(p)
    p.set_defaults(handler=_identity_export)
    p = isub.add_parser("show", help=_("show this installation's key and fingerprint"))
    add_json(p)
    p.set_defaults(handler=_identity_show)
    p = isub.add_parser("rotate", help=_("replace this installation's keys (writes a rotation statement)"))
    p.add_argument("--out", metavar="DIR", help=_("where to write the statement and the new card"))
    add_json(p)
    p.set_defaults(handler=_identity_rotate)
    p = isub.add_parser("escrow", help=_("the offline escrow kit (township): make it; replace a stolen key with it"))
    p.add_argument("recipient", metavar="AGE-RECIPIENT", nargs="?",
                   help=_("set only an escrow age recipient: age1…, or none"))
    p.add_argument("--new-kit", metavar="DIR", help=_("make the escrow kit (signing and age keys) in DIR; keep it offline"))
    p.add_argument("--replace-key", action="store_true",
                   help=_("the township key was stolen: new keys and a replacement statement signed by the kit"))
    p.add_argument("--kit", metavar="DIR", help=_("the escrow kit's folder"))
    p.add_argument("--out", metavar="DIR", help=pgettext("station_app.cli.sync_cmds", "where to write the statement and the new card"))
    add_json(p)
    p.set_defaults(handler=_identity_escrow)

    p = sub.add_parser("enroll", help=_("enroll a station card / trust the township card / accept a rotation statement"))
    p.add_argument("file", metavar="FILE")
    add_json(p)
    p.set_defaults(handler=_enroll)

    p = sub.add_parser("stations", help=_("enrolled stations, sync progress, revoked keys"))
    add_json(p)
    p.set_defaults(handler=_stations)

    p = sub.add_parser("revoke", help=_("revoke a station key (a lost PC)"))
    p.add_argument("target", metavar="CODE|KEYID")
    p.add_argument("--reason", required=True)
    add_json(p)
    p.set_defaults(handler=_revoke)

    b = sub.add_parser("bundle", help=_("sync bundles"))
    bsub = b.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = bsub.add_parser("export", help=_("export this station's changes as a bundle"))
    p.add_argument("--out", required=True, metavar="DIR")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--full", action="store_true", help=_("export everything"))
    g.add_argument("--from", dest="from_counter", type=int, metavar="N",
                   help=_("export changes with change counter >= N (a new bundle; to send bundle N again as it was, use --resend)"))
    g.add_argument("--resend", metavar="N|N-M", help=_("write exported bundle N (or N-M) again exactly as it was (when the township reports it missing)"))
    add_json(p)
    p.set_defaults(handler=_bundle_export)
    p = bsub.add_parser("import", help=_("import bundles (files or folders)"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_json(p)
    p.set_defaults(handler=_bundle_import)
    p = bsub.add_parser("status", help=_("bundles this station exported, and which the township has confirmed"))
    add_json(p)
    p.set_defaults(handler=_bundle_status)
    from station_app.cli import bundle_more

    bundle_more.register(bsub)


def _identity_export(args: argparse.Namespace, ctx: Context) -> int:
    path, card = ctx.app().keys.export_card(args.out)
    emit(ctx, {"path": str(path), **card.as_dict()},
         _("wrote the public card {path}\nfingerprint: {fingerprint} (read it to the other side by phone)", path=path, fingerprint=card.fingerprint))
    return 0


def _identity_show(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().keys.show()
    lines = [f"{data['code']} {data['name']}", _("key id: {key_id}", key_id=data['key_id']),
             _("fingerprint: {fingerprint}", fingerprint=data['fingerprint']),
             _("age recipient: {age_recipient}", age_recipient=data['age_recipient'])]
    township = data["township"]
    if township is not None:
        lines.append(_("trusted township: {code} {name} (fingerprint {fingerprint})", code=township['code'], name=township['name'], fingerprint=township['fingerprint']))
    emit(ctx, data, lines)
    return 0


def _identity_rotate(args: argparse.Namespace, ctx: Context) -> int:
    info = ctx.app().keys.rotate(args.out)
    emit(ctx, info, _("replaced key {old_key_id} -> {key_id} (new fingerprint {fingerprint})\ngive the rotation statement {statement} to the other side; they run station-app enroll FILE", old_key_id=info['old_key_id'], key_id=info['key_id'], fingerprint=info['fingerprint'], statement=info['statement']))
    return 0


def _identity_escrow(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.sync import escrow

    ctx.app().require("keys.manage")

    if args.new_kit:
        info = escrow.make_kit(ctx.db(), Path(args.new_kit))
        emit(ctx, info, _("escrow kit written to {kit}: keep it offline, the passphrase apart. New fingerprint {fingerprint}; hand out the card (stations that trust the old card learn it at the next rotation)", kit=info['kit'], fingerprint=info['fingerprint']))
        return 0
    if args.replace_key:
        if not args.kit:
            from station_app.core.errors import ValidationError

            raise ValidationError.single("--kit", _("give the escrow kit's folder"))
        info = escrow.replace_key(ctx.db(), Path(args.kit), Path(args.out) if args.out else None)
        emit(ctx, info, _(
            "replaced key(s) {old} -> {key_id} from escrow (new fingerprint {fingerprint})\ngive the replacement "
            "statement {statement} to every station; each runs station-app enroll FILE",
            old=_(", ").join(info["replaced_key_ids"]), key_id=info["key_id"], fingerprint=info["fingerprint"],
            statement=info["statement"]))
        return 0
    if not args.recipient:
        from station_app.core.errors import ValidationError

        raise ValidationError.single("recipient", _("give an age recipient, none, --new-kit or --replace-key"))
    recipient = None if args.recipient.lower() == "none" else args.recipient
    card = ctx.app().keys.set_escrow(recipient)
    emit(ctx, card.as_dict(), _("escrow recipient set; new fingerprint {fingerprint}. Hand out the card again", fingerprint=card.fingerprint))
    return 0


def _enroll(args: argparse.Namespace, ctx: Context) -> int:
    info = ctx.app().keys.enroll(args.file)
    who = f"{info['code']} {info['name']}"
    text = {
        "enrolled": _("enrolled station {who}, fingerprint {fingerprint}", who=who, fingerprint=info['fingerprint']),
        "trusted": _("now trusting township {who}, fingerprint {fingerprint}", who=who, fingerprint=info['fingerprint']),
        "rotated": _("accepted the new key {key_id} of {who}, fingerprint {fingerprint}", who=who, key_id=info['key_id'], fingerprint=info['fingerprint']),
        "already": _("this key of {who} is already known; nothing changed", who=who),
        "replaced": _("replaced township {who}'s key from escrow: new key {key_id}, fingerprint {fingerprint}; revoked {revoked}",
                      who=who, key_id=info["key_id"], fingerprint=info["fingerprint"],
                      revoked=_(", ").join(info.get("revoked", [])) or "-"),
    }[info["status"]]
    emit(ctx, info, text)
    return 0


def _stations(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().stations.overview()
    rows = []
    for e in data["stations"]:
        last = e["last_imported_at"]
        rows.append([e["code"], e["name"], e["fingerprint"] or _("(no valid key)"),
                     e["last_number"] or "-", local_text(last) if last else "-",
                     ",".join(str(a) if a == b else f"{a}-{b}" for a, b in e["missing_ranges"]) or "-",
                     sum(1 for f in e["forks"] if not f["resolved"]) or "-"])
    text = table(rows, [_("code"), _("name"), _("fingerprint"),
                        _("last bundle"), _("last import"),
                        _("missing"), _("forks")])
    from station_app.cli.recovery_cmds import gap_lines

    text += "".join("\n" + line for line in gap_lines(data["stations"]))
    if data["revoked"]:
        text += "\n\n" + _("revoked keys:") + "\n" + table(
            [[r["code"], r["key_id"], r["revoked_at"][:10], r["reason"]] for r in data["revoked"]],
            [_("code"), _("key id"), _("date"), _("reason")])
    emit(ctx, data, text)
    return 0


def _bundle_status(args: argparse.Namespace, ctx: Context) -> int:
    status = ctx.app().bundles.status()
    exported, confirmed = status["exported"], status["confirmed"]
    rows = [[e["number"], f"{e['counter_from']}–{e['counter_to']}", local_text(e["created_at"]),
             _("not confirmed") if e["number"] in confirmed["unconfirmed"] else pgettext("station_app.cli.sync_cmds", "confirmed")]
            for e in exported]
    text = table(rows, [_("number"), _("counter range"), _("exported"),
                        _("township")]) if rows else _("no bundle exported yet")
    emit(ctx, {"exported": exported, "confirmed": confirmed}, text + "\n" + confirmed["text"])
    return 0


def _revoke(args: argparse.Namespace, ctx: Context) -> int:
    out = ctx.app().keys.revoke(args.target, reason=args.reason)
    lines = [_("revoked: key {key_id} of {code} ({reason})", key_id=r["key_id"], code=r["code"], reason=r["reason"])
             if r["status"] == "revoked" else
             _("already revoked: key {key_id} of {code} ({reason})", key_id=r["key_id"], code=r["code"], reason=r["reason"])
             for r in out]
    emit(ctx, out, lines)
    return 0


def _bundle_export(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.cli import recovery_cmds

    if args.resend:
        ctx.app().require("bundle.export")
        return recovery_cmds.resend(args, ctx, ctx.db())
    path = ctx.app().bundles.export(args.out, full=args.full, from_counter=args.from_counter,
                                    progress=progress_bar(ctx))
    if path is None:
        emit(ctx, {"path": None}, _("nothing new since the last export; no bundle written"))
        return 0
    data, text = recovery_cmds.export_summary(ctx.db(), path)
    entry = next((e for e in reversed(ctx.app().bundles.status()["exported"]) if e["path"] == str(path)), None)
    size = (entry or {}).get("size") or 0
    data["size"] = size
    head = _("bundle number {number}: change counter {counter_from}-{counter_to}, {value} KB, encrypted to the township", number=data['number'], counter_from=data['counter_from'], counter_to=data['counter_to'], value=size // 1024)
    # A re-send by counter also says which earlier bundles it covers; the path stays the last line (scripts take
    # it from there).
    extra = text[1:] if args.full or args.from_counter else []
    emit(ctx, {"path": str(path), **data}, [head] + extra + [str(path)])
    return 0


def _bundle_import(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.sync.results import REFUSED

    import sys

    from station_app.cli.file_kinds import refuse_misdirected

    if (refused := refuse_misdirected(ctx, args.paths)) is not None:  # a card, a 台账, a change bundle at a village
        return refused
    results = ctx.app().bundles.import_paths(args.paths, progress=progress_bar(ctx),
                                             on_wait=lambda msg: print(msg, file=sys.stderr))
    if not results:
        emit(ctx, [], _("no bundles (*.stbundle) found"))
        return 1
    labels = {"imported": _("imported"), "already": _("already imported"),
              "gap": _("gap"), "refused": _("refused")}
    fork = _("refused (fork, for review)")
    lines = [f"{Path(r.path).name}: {fork if r.fork else labels.get(r.status, r.status)} — {r.message}"
             for r in results]
    emit(ctx, [r.as_dict() for r in results], lines)
    return 1 if any(r.status == REFUSED for r in results) else 0
