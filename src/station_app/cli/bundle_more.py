"""`bundle reference export` and `bundle restore-export`: the township's bundles for stations.

Registered by cli/sync_cmds.py under `bundle` (see docs/dev/sync-interfaces.md).
"""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, emit, progress_bar
from station_app.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    ref = sub.add_parser("reference", help=_("the township's reference bundle (advisers, duty schedule, receipts)"))
    rsub = ref.add_subparsers(dest="ref_action", metavar="ACTION", required=True)
    p = rsub.add_parser("export", help=_("write the reference bundle, encrypted to every enrolled station"))
    p.add_argument("--out", required=True, metavar="DIR")
    add_json(p)
    p.set_defaults(handler=_reference_export)

    p = sub.add_parser("restore-export", help=_("export a restore bundle for a station's new PC (enrolls the new card, revokes the old key)"))
    p.add_argument("--station", required=True, metavar="CODE", help=_("station code"))
    p.add_argument("--card", required=True, metavar="NEWCARD", help=_("the new PC's public card"))
    p.add_argument("--out", required=True, metavar="DIR")
    add_json(p)
    p.set_defaults(handler=_restore_export)


def _reference_export(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().bundles.export_reference(args.out, progress=progress_bar(ctx))
    emit(ctx, data, data["path"])
    return 0


def _restore_export(args: argparse.Namespace, ctx: Context) -> int:
    data = ctx.app().bundles.export_restore(args.station, args.card, args.out)
    key, code, rows, revoked = data["new_key"], data["station_code"], sum(data["counts"].values()), data["revoked"]
    said = (_("revoked the old key {keys}", keys=_(", ").join(revoked)) if revoked
            else _("no old key needed revoking"))
    emit(ctx, data, [data["path"], _("enrolled {key} as station {code}'s key; {said}; the restore bundle holds {rows} rows", key=key, code=code, said=said, rows=rows)])
    return 0
