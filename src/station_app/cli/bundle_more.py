"""`bundle reference export` and `bundle restore-export`: the township's bundles for stations.

Registered by cli/sync_cmds.py under `bundle` (see docs/dev/sync-interfaces.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import select

from station_app.cli.common import Context, add_json, emit
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


def station_recipients(db) -> list[str]:
    """age recipients of every enrolled station's current key (revoked and superseded keys left out), plus this
    township's own escrow recipient if one is set."""
    from station_app.store.keys_models import TrustedKey
    from station_app.sync import identity

    revoked = {r.key_id for r in identity.revocations(db)}
    with db.read() as s:
        keys = s.execute(select(TrustedKey).where(TrustedKey.role == identity.ROLE_STATION,
                                                  TrustedKey.superseded_at.is_(None))).scalars().all()
    out = sorted({k.age_recipient for k in keys if k.key_id not in revoked})
    escrow = identity.own_key(db).escrow_recipient
    if out and escrow:
        out.append(escrow)
    return out


def _reference_export(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.sync.exporter import export_payload
    from station_app.sync.reference import build_reference, require_township

    db = ctx.db()
    require_township(db)
    recipients = station_recipients(db)
    if not recipients:
        from station_app.core.errors import StateError

        raise StateError(pick("还没有登记任何站点名片，参考数据包没有收件人",
                              "no station card is enrolled yet: the reference bundle would have no recipient"))
    payload = build_reference(db)
    path, entry = export_payload(db, "reference", payload, Path(args.out), recipients=recipients,
                                 counter_from=0, counter_to=db.counter())
    emit(ctx, {"path": str(path), "counts": payload.counts(), "receipts": len(payload.meta["receipts"]),
               "recipients": len(recipients)}, str(path))
    return 0


def _restore_export(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.sync import identity
    from station_app.sync.exporter import export_payload
    from station_app.sync.reference import require_township
    from station_app.sync.restore import build_restore

    db = ctx.db()
    require_township(db)
    card = identity.load_card(args.card)
    # Every check before anything is written: the card (with the reason it is wrong), then what we hold of the
    # station; keys are enrolled and revoked only once the restore bundle is on disk.
    old = identity.check_replacement_card(db, card, args.station)
    payload = build_restore(db, args.station)
    code = payload.meta["station_code"]
    if payload.meta["station_id"] != old.station_id:
        from station_app.core.errors import StateError

        raise StateError(pick(f"镇中心记录的站点 {code} 与登记的密钥不是同一个站点，未做任何改动",
                              f"the township's records of station {code} and its enrolled key disagree; nothing done"))
    path, entry = export_payload(db, "restore", payload, Path(args.out), recipients=[card.age_recipient],
                                 counter_from=0, counter_to=db.counter())
    enrolled = identity.enroll_replacement(
        db, card, code, actor=ctx.user,
        reason=pick(f"站点电脑更换，恢复到新电脑（{card.key_id}）", f"station PC replaced; restored to {card.key_id}"))
    revoked = enrolled["revoked"]
    data = {"path": str(path), "station_code": code, "counts": payload.counts(), "new_key": card.key_id,
            "enrolled": enrolled, "revoked": revoked, "last_number": payload.meta["last_number"],
            "epoch": payload.meta["epoch"]}
    rows = sum(payload.counts().values())
    said = (pick(f"旧密钥 {'、'.join(revoked)} 已吊销", f"revoked the old key {', '.join(revoked)}") if revoked
            else pick("没有需要吊销的旧密钥", "no old key needed revoking"))
    emit(ctx, data, [str(path), pick(
        f"已登记新电脑的密钥 {card.key_id} 为站点 {code} 的密钥，{said}；恢复包含 {rows} 条记录",
        f"enrolled {card.key_id} as station {code}'s key; {said}; the restore bundle holds {rows} rows")])
    return 0
