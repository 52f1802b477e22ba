"""`screening`: the 矛盾纠纷排查 register (add, list, link a mediation case, open one, resolve, delete)."""

from __future__ import annotations

import argparse

from station_app.cli.common import emit_changed as _changed, Context, add_json, collect, emit, table
from station_app.core.codes import DisputeType, RiskLevel, ScreeningAction
from station_app.core.i18n import _, pgettext
from station_app.services import screening as sc

FIELDS = list(sc.SPECS)


def _cmd(parent, name: str, help_text: str, handler) -> argparse.ArgumentParser:
    p = parent.add_parser(name, help=help_text)
    add_json(p)
    p.set_defaults(handler=handler)
    return p


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screening", help=_("dispute screening register (矛盾纠纷排查)"))
    s = p.add_subparsers(dest="action_", metavar="ACTION", required=True)
    a = _cmd(s, "add", _("record a dispute found in screening"), _add)
    a.add_argument("--date", dest="found_on", required=True, help=_("date found"))
    a.add_argument("--village", dest="village_station_id", help=_("village code (default: this station)"))
    a.add_argument("--found-by", dest="found_by", required=True, help=_("who found it"))
    a.add_argument("--parties", help=_("parties (optional)"))
    a.add_argument("--type", dest="dispute_type", required=True, help="/".join(DisputeType.values()))
    a.add_argument("--description", required=True, help=_("what the dispute is"))
    a.add_argument("--risk", dest="risk_level", help="/".join(RiskLevel.values()))
    a.add_argument("--action", dest="action", help="/".join(ScreeningAction.values()))
    a.add_argument("--handed-to", dest="handed_to", help=_("body it was handed to"))
    a.add_argument("--case", dest="mediation_case_id", help=_("mediation case number or id"))
    a.add_argument("--resolved-on", dest="resolved_on", help=_("date resolved"))
    a.add_argument("--result", help=pgettext("station_app.cli.screening_cmds", "result"))

    ls = _cmd(s, "list", _("list the register"), _list)
    ls.add_argument("--year", type=int)
    ls.add_argument("--unresolved", action="store_true", help=_("only those not resolved"))

    lk = _cmd(s, "link", pgettext("station_app.cli.screening_cmds", "link the mediation case it became"), _link)
    lk.add_argument("id")
    lk.add_argument("--case", required=True, help=pgettext("station_app.cli.screening_cmds", "mediation case number or id"))

    oc = _cmd(s, "open-case", _("open a mediation case from it (committee's own initiative) and link it"), _open_case)
    oc.add_argument("id")
    oc.add_argument("--accepted-on", dest="accepted_on", help=_("accepted on (default: date found)"))
    oc.add_argument("--party", action="append", default=[], metavar="ROLE|NAME[|...]",
                    help=_("a party: role|name (repeatable, two at least)"))
    oc.add_argument("--mediator", help=_("mediator"))

    rs = _cmd(s, "resolve", _("record that it was resolved"), _resolve)
    rs.add_argument("id")
    rs.add_argument("--on", required=True, help=_("date resolved"))
    rs.add_argument("--result", help=pgettext("station_app.cli.screening_cmds", "result"))

    rm = _cmd(s, "delete", _("delete a mistaken entry (a tombstone is kept)"), _delete)
    rm.add_argument("id")




def _item_id(ctx: Context, ref: str) -> str:
    return sc.find_item(ctx.db(), ref).id


def _add(args, ctx: Context) -> int:
    return _changed(ctx, sc.record_item(ctx.db(), ctx.user, collect(args, FIELDS)), _("recorded"))


def _list(args, ctx: Context) -> int:
    rows = sc.list_items(ctx.db(), year=args.year, unresolved=args.unresolved)
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.id[:8], r.found_on, r.village, r.dispute_type, r.risk_level, r.action, r.handed_to or r.case_no or "",
          r.resolved_on or _("open"), r.description[:30]] for r in rows],
        [_("id"), _("found"), _("village"), _("type"),
         _("risk"), pgettext("station_app.cli.screening_cmds", "action"), _("to / case"), _("resolved"),
         _("description")]))
    return 0


def _link(args, ctx: Context) -> int:
    return _changed(ctx, sc.link_case(ctx.db(), ctx.user, _item_id(ctx, args.id), args.case),
                    _("linked the mediation case"))


def _open_case(args, ctx: Context) -> int:
    from station_app.services.mediation import parse_party_spec

    data = collect(args, ["accepted_on", "mediator"])
    parties = [parse_party_spec(t) for t in args.party]
    return _changed(ctx, sc.open_case(ctx.db(), ctx.user, _item_id(ctx, args.id), data, parties),
                    _("opened and linked a mediation case"))


def _resolve(args, ctx: Context) -> int:
    item = sc.find_item(ctx.db(), args.id)
    data = {"resolved_on": args.on, **({"result": args.result} if args.result else {})}
    if item.action == ScreeningAction.PENDING.value:
        data["action"] = ScreeningAction.ON_THE_SPOT.value  # resolved by whoever found it
    return _changed(ctx, sc.update_item(ctx.db(), ctx.user, item.id, data), pgettext("station_app.cli.screening_cmds", "resolved"))


def _delete(args, ctx: Context) -> int:
    return _changed(ctx, sc.delete_item(ctx.db(), ctx.user, _item_id(ctx, args.id)), _("deleted"))
