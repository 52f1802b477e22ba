"""`mediation committee|notice|agent|investigate|perform|extend|confirm`: the rest of the case file.

Registered under `mediation` by cli/mediation_cmds.py.
"""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, collect, emit
from station_app.core.codes import AgentKind
from station_app.core.i18n import _, pgettext
from station_app.services import mediation as md
from station_app.services import mediation_committee as mc
from station_app.services import mediation_file as mf

CASE_HELP = _("case: case number, id, or the first characters of the id")


def register(ms: argparse._SubParsersAction) -> None:
    c = ms.add_parser("committee", help=_("this station's mediation committee: formal name, roster, number prefix, holidays (shown when no option is given)"))
    c.add_argument("--name", help=_("formal name"))
    c.add_argument("--village-committee", dest="village_committee", help=_("village committee's name"))
    c.add_argument("--prefix", dest="number_prefix", help=_("agreement number prefix"))
    c.add_argument("--mediator", dest="mediators", action="append", metavar="NAME|TITLE",
                   help=_("roster entry (repeatable; replaces the roster)"))
    c.add_argument("--holiday", dest="holidays", action="append", metavar="DATE",
                   help=_("holiday, a rest day (repeatable; replaces the list)"))
    c.add_argument("--workday", dest="workdays", action="append", metavar="DATE",
                   help=_("weekend working day (repeatable; replaces the list)"))
    add_json(c)
    c.set_defaults(handler=_committee)

    n = ms.add_parser("notice", help=_("record that the rights notice was given"))
    n.add_argument("case", help=CASE_HELP)
    n.add_argument("--on", dest="rights_notice_on", required=True, help=_("date given"))
    n.add_argument("--to", dest="rights_notice_to", help=_("given to"))
    add_json(n)
    n.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.give_rights_notice(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.NOTICE_SPECS))), _("notice recorded")))

    a = ms.add_parser("agent", help=_("record a party's agent"))
    a.add_argument("case", help=CASE_HELP)
    a.add_argument("--party", required=True, help=_("the party's name"))
    a.add_argument("--name", required=True, help=_("agent's name"))
    a.add_argument("--kind", help="/".join(AgentKind.values()))
    a.add_argument("--authority", help=_("scope of authority"))
    a.add_argument("--phone")
    a.add_argument("--id-number", dest="id_number", help=_("the agent's ID number (optional)"))
    a.add_argument("--address")
    add_json(a)
    a.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.add_agent(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.AGENT_SPECS))), _("agent recorded")))

    i = ms.add_parser("investigate", help=_("record an investigation"))
    i.add_argument("case", help=CASE_HELP)
    i.add_argument("--at", dest="held_at", required=True, help=pgettext("station_app.cli.mediation_file_cmds", "time"))
    i.add_argument("--place")
    i.add_argument("--investigator", dest="investigators", action="append", required=True,
                   help=_("investigator (repeatable)"))
    i.add_argument("--recorder", help=_("recorder"))
    i.add_argument("--subject", required=True, help=_("person questioned"))
    i.add_argument("--subject-details", dest="subject_details", help=_("their details"))
    i.add_argument("--present", help=_("others present"))
    i.add_argument("--content", required=True, help=_("questions and answers"))
    add_json(i)
    i.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.add_investigation(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.INVESTIGATION_SPECS))), _("investigation recorded")))

    p = ms.add_parser("perform", help=_("record performance of an obligation"))
    p.add_argument("case", help=CASE_HELP)
    p.add_argument("--obligation", required=True, help=_("obligation number (1, 2, ...)"))
    p.add_argument("--on", dest="performed_on", required=True, help=_("date performed"))
    p.add_argument("--amount", dest="amount_fen", metavar="YUAN", help=_("amount (yuan)"))
    p.add_argument("--complete", action="store_const", const=True, help=_("fully performed"))
    p.add_argument("--note", help=_("what was done, proof"))
    add_json(p)
    p.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.record_performance(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.PERFORMANCE_SPECS))), _("performance recorded")))

    e = ms.add_parser("extend", help=_("extend the mediation period with the parties' consent"))
    e.add_argument("case", help=CASE_HELP)
    e.add_argument("--on", dest="agreed_on", required=True, help=_("date agreed"))
    e.add_argument("--until", required=True, help=_("extended until"))
    e.add_argument("--consent", required=True, help=_("the parties' consent"))
    e.add_argument("--reason")
    add_json(e)
    e.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.extend(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.EXTENSION_SPECS))), _("extended")))

    j = ms.add_parser("confirm", help=_("judicial confirmation: applied, confirmed, court (written agreements only)"))
    j.add_argument("case", help=CASE_HELP)
    j.add_argument("--applied-on", dest="confirmation_applied_on", help=_("date applied"))
    j.add_argument("--confirmed-on", dest="confirmed_on", help=_("date confirmed"))
    j.add_argument("--court", dest="confirmation_court", help=_("court"))
    add_json(j)
    j.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.record_confirmation(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.CONFIRMATION_SPECS))), _("confirmation recorded")))


def _done(ctx: Context, case_ref: str, result, text: str) -> int:
    case = md.get_case(ctx.db(), case_ref)
    emit(ctx, {"case_id": case.id, "case_no": case.case_no, "stage": case.stage, "outcome": case.outcome,
               "counter": result.counter, "changes": [c.__dict__ for c in result.changes]}, f"{text}: {case.case_no}")
    return 0


def _committee(args, ctx: Context) -> int:
    db = ctx.db()
    data = collect(args, list(mc.SPECS))
    if data:
        mc.set_committee(db, ctx.user, data)
    with db.read() as s:
        c = mc.get_committee(s, db.station_id)
        d = None if c is None else {"name": c.name, "village_committee": c.village_committee,
                                    "number_prefix": c.number_prefix, "mediators": c.mediators or [],
                                    "holidays": c.holidays or [], "workdays": c.workdays or []}
    if d is None:
        emit(ctx, None, _("no committee set up yet (set its formal name with --name)"))
        return 0
    roster = "、".join(m["name"] + (f"（{m['title']}）" if m.get("title") else "") for m in d["mediators"])
    emit(ctx, d, [f"{_('name')}: {d['name']}",
                  f"{_('village committee')}: {d['village_committee'] or ''}",
                  f"{_('number prefix')}: {d['number_prefix'] or ''}",
                  f"{_('roster')}: {roster}",
                  f"{_('holidays')}: {'、'.join(d['holidays'])}",
                  f"{_('working weekends')}: {'、'.join(d['workdays'])}"])
    return 0
