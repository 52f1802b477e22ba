"""Record commands: consult (this file shows the pattern), adviser, duty, posting, outreach."""

from __future__ import annotations

import argparse

from station_app.cli.common import emit_changed as _changed, Context, add_json, collect, emit, record_text, table
from station_app.core.i18n import _, pgettext
from station_app.core.query import Query
from station_app.services import consultations as cs


def register(sub: argparse._SubParsersAction) -> None:
    _register_consult(sub)


CONSULT_FIELDS = list(cs.SPECS)


def _register_consult(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("consult", help=_("legal consultations"))
    cs_ = c.add_subparsers(dest="action", metavar="ACTION", required=True)

    a = cs_.add_parser("add", help=_("record a consultation"))
    a.add_argument("--at", dest="occurred_at", required=True, help=pgettext("station_app.cli.records", "time, e.g. 2021-03-05 09:30"))
    a.add_argument("--channel", required=True, help="来访/电话/微信/网络/上门/信函/普法活动现场")
    a.add_argument("--anonymous", action="store_const", const=True, help=_("the consultant declines to give identity"))
    a.add_argument("--name", dest="consultant_name")
    a.add_argument("--gender")
    a.add_argument("--age-band", dest="age_band")
    a.add_argument("--phone")
    a.add_argument("--address")
    a.add_argument("--special-groups", dest="special_groups", help="老年人,妇女 ...")
    a.add_argument("--category", required=True)
    a.add_argument("--summary", required=True, help=_("the question"))
    a.add_argument("--answer")
    a.add_argument("--answered-by", dest="answered_by")
    a.add_argument("--adviser", dest="adviser_id", help=_("adviser name or id (a unique prefix is enough)"))
    a.add_argument("--shift", dest="duty_shift_id", help=_("duty shift id (a unique prefix is enough)"))
    a.add_argument("--referral")
    a.add_argument("--follow-up", dest="follow_up_on", help=_("date of a deferred answer"))
    a.add_argument("--persons", help=_("persons in the visit (default 1)"))
    a.add_argument("--referral-to", dest="referral_to", help=_("body the matter was referred to"))
    a.add_argument("--referral-result", dest="referral_result", help=_("result of the referral"))
    a.add_argument("--answered-on", dest="answered_on", help=_("date the deferred answer was given"))
    add_json(a)
    a.set_defaults(handler=_consult_add)

    ls = cs_.add_parser("list", help=_("list consultations (personal data masked)"))
    ls.add_argument("--year", type=int)
    ls.add_argument("--search", help=_("find by name, phone or content"))
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--offset", type=int, default=0)
    add_json(ls)
    ls.set_defaults(handler=_consult_list)

    sh = cs_.add_parser("show", help=_("show one consultation"))
    sh.add_argument("id")
    sh.add_argument("--reveal", action="store_true",
                    help=_("show full name and phone (logged)"))
    add_json(sh)
    sh.set_defaults(handler=_consult_show)

    up = cs_.add_parser("update", help=_("correct a consultation"))
    up.add_argument("id")
    for action in a._actions:
        if action.dest in CONSULT_FIELDS:
            up.add_argument(*action.option_strings, dest=action.dest, help=action.help,
                            **({"action": "store_const", "const": True} if action.nargs == 0 else {}))
    add_json(up)
    up.set_defaults(handler=_consult_update)

    from station_app.cli.records_cmds import register_consult_extras

    register_consult_extras(cs_)

    rm = cs_.add_parser("delete", help=_("delete (a tombstone is kept)"))
    rm.add_argument("id")
    add_json(rm)
    rm.set_defaults(handler=_consult_delete)




def _consult_add(args, ctx: Context) -> int:
    result = ctx.app().consultations.record(collect(args, CONSULT_FIELDS))
    return _changed(ctx, result, _("recorded consultation"))


def _consult_update(args, ctx: Context) -> int:
    result = ctx.app().consultations.update(args.id, collect(args, CONSULT_FIELDS))
    return _changed(ctx, result, _("updated consultation"))


def _consult_delete(args, ctx: Context) -> int:
    result = ctx.app().consultations.delete(args.id)
    return _changed(ctx, result, _("deleted consultation"))


def _consult_list(args, ctx: Context) -> int:
    query = Query(filters={"year": args.year, "search": args.search}, limit=args.limit, offset=args.offset)
    rows = ctx.app().consultations.list(query)
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.id[:8], r.occurred_at.strftime("%Y-%m-%d %H:%M"), r.channel, r.consultant, r.phone, r.category, r.summary]
         for r in rows],
        [_("id"), _("time"), _("channel"), _("consultant"),
         _("phone"), _("category"), _("question")]))
    return 0


def _consult_show(args, ctx: Context) -> int:
    det = ctx.app().consultations.get(args.id, reveal=args.reveal)  # a reveal is access-logged by the service
    d = det.values
    emit(ctx, d, record_text(_("consultation {value}", value=det.id[:8]), d, cs.SPECS))
    return 0
