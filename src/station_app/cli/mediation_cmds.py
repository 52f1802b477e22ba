"""`mediation ...`: people's mediation cases (人民调解) from acceptance to the archived case file.

CASE may be the case's UUID, a unique prefix of it, or its case number (案号, e.g. S01-2021-007).
"""

from __future__ import annotations

import argparse
from typing import Any

from station_app.cli.common import Context, add_json, collect, emit, table
from station_app.core.i18n import _, pgettext
from station_app.core.codes import CaseDocument, CaseSource, MediationOutcome, TerminationReason
from station_app.core.query import Query
from station_app.services import mediation as md

CASE_HELP = _("case: case number, id, or the first characters of the id")


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("mediation", help=_("people's mediation cases"))
    ms = m.add_subparsers(dest="action", metavar="ACTION", required=True)

    o = ms.add_parser("open", help=_("register (accept) a case"))
    o.add_argument("--accepted-on", dest="accepted_on", required=True, help=_("date accepted"))
    o.add_argument("--source", required=True, help="/".join(CaseSource.values()))
    o.add_argument("--type", dest="dispute_type", required=True, help=_("dispute type, e.g. 邻里"))
    o.add_argument("--summary", required=True, help=_("summary of the dispute"))
    o.add_argument("--mediator", action="append", metavar="NAME",
                   help=_("mediator (repeatable: a case may have several)"))
    o.add_argument("--transferring-body", dest="transferring_body",
                   help=_("the body that handed the case over, by name"))
    o.add_argument("--consent-on", dest="consent_on", help=_("date the parties consented"))
    o.add_argument("--consent", dest="consent_note", help=_("how the parties consented"))
    o.add_argument("--registered-by", dest="registered_by", help=_("registered by"))
    o.add_argument("--accepted-by", dest="accepted_by", help=_("accepted by"))
    o.add_argument("--amount", dest="amount_fen", metavar="YUAN", help=_("amount involved (yuan)"))
    o.add_argument("--case-no", dest="case_no", help=_("case number (default: next number, e.g. S01-2021-007)"))
    o.add_argument("--party", action="append", default=[],
                   metavar="ROLE|NAME|GENDER|ID|PHONE|ADDRESS|ETHNICITY|BIRTH|OCCUPATION",
                   help=_("a person: role|name|gender|ID number|phone|address|ethnicity|date of birth|occupation (repeatable; parts may be empty)"))
    o.add_argument("--org", action="append", default=[], metavar="ROLE|NAME|DOMICILE|LEGAL_REP|PHONE",
                   help=_("an organisation: role|name|domicile|legal representative|phone (repeatable)"))
    add_json(o)
    o.set_defaults(handler=_open)

    s = ms.add_parser("session", help=_("record an investigation or mediation session"))
    s.add_argument("case", help=CASE_HELP)
    s.add_argument("--at", dest="held_at", required=True, help=_("time, e.g. 2021-03-05 09:30"))
    s.add_argument("--record", required=True, help=_("what happened"))
    s.add_argument("--kind", help=_("调解 (default) or 调查"))
    s.add_argument("--place")
    s.add_argument("--mediator", action="append", metavar="NAME", help=_("mediator (repeatable)"))
    s.add_argument("--present", dest="parties_present", action="append", metavar="NAME",
                   help=_("party present (repeatable)"))
    s.add_argument("--invited", action="append", metavar="NAME",
                   help=_("invited participant (§20; repeatable)"))
    s.add_argument("--recorder", help=_("recorder"))
    s.add_argument("--statements", help=_("the parties' statements"))
    s.add_argument("--process", help=_("how the session went"))
    s.add_argument("--result", help=_("result (an oral agreement in full)"))
    add_json(s)
    s.set_defaults(handler=_session)

    c = ms.add_parser("close", help=_("close a case: settled or not"))
    c.add_argument("case", help=CASE_HELP)
    c.add_argument("--outcome", required=True, help="调解成功/调解不成")
    c.add_argument("--on", dest="closed_on", required=True, help=_("date closed"))
    c.add_argument("--form", dest="agreement_form", help=_("agreement: 书面 (written, default) or 口头 (oral)"))
    c.add_argument("--terms", dest="agreement_terms", help=_("agreed terms"))
    c.add_argument("--performance-method", dest="performance_method", help=_("how it is performed"))
    c.add_argument("--performance-due", dest="performance_due_on", help=_("performed by"))
    c.add_argument("--signed-on", dest="signed_on", help=_("agreement signed on (default: the closing date)"))
    c.add_argument("--reason", dest="failure_reason", help=_("why it was not settled"))
    c.add_argument("--termination-reason", dest="termination_reason",
                   help=_("reason code for ending mediation: ") + "/".join(TerminationReason.values()))
    c.add_argument("--agreement-no", dest="agreement_no",
                   help=_("agreement number (default: the next one)"))
    c.add_argument("--facts", help=_("main facts"))
    c.add_argument("--matters", help=_("matters in dispute"))
    c.add_argument("--responsibility", help=_("each side's responsibility"))
    c.add_argument("--copies", dest="agreement_copies", help=_("copies (default: parties + 1)"))
    c.add_argument("--obligation", action="append", default=[], metavar="OBLIGOR|OBLIGEE|WHAT|HOW|DUE|AMOUNT",
                   help=_("an agreed obligation: obligor|obligee|what|how|by when|amount (repeatable)"))
    add_json(c)
    c.set_defaults(handler=_close)

    r = ms.add_parser("refuse", help=_("not accepted (before mediating, e.g. one party clearly refuses)"))
    r.add_argument("case", help=CASE_HELP)
    r.add_argument("--on", dest="closed_on", required=True, help=_("date refused"))
    r.add_argument("--reason", required=True, help=_("why it is not accepted"))
    add_json(r)
    r.set_defaults(handler=_refuse)

    f = ms.add_parser("followup", help=_("record a follow-up visit"))
    f.add_argument("case", help=CASE_HELP)
    f.add_argument("--on", dest="visited_on", required=True, help=_("date of the visit"))
    f.add_argument("--visitor", required=True, help=_("who visited"))
    f.add_argument("--performance", help=_("how the agreement is performed"))
    f.add_argument("--satisfaction", help=_("satisfaction"))
    f.add_argument("--sued", help=_("whether a party has sued: yes/no"))
    f.add_argument("--risk", dest="escalation_risk", help=_("risk of escalation"))
    f.add_argument("--measures", help=_("measures taken"))
    f.add_argument("--method", help=_("how: 上门 (visit) / 电话 (phone) / 其他"))
    f.add_argument("--person", dest="person_visited", help=_("person visited"))
    add_json(f)
    f.set_defaults(handler=_followup)

    d = ms.add_parser("document", help=_("case file checklist: mark an item present (or absent)"))
    d.add_argument("case", help=CASE_HELP)
    d.add_argument("item", help="、".join(CaseDocument.values()))
    d.add_argument("--absent", action="store_true", help=_("mark it absent"))
    d.add_argument("--note")
    add_json(d)
    d.set_defaults(handler=_document)

    a = ms.add_parser("archive", help=_("archive the case file (closed, with every required item)"))
    a.add_argument("case", help=CASE_HELP)
    a.add_argument("--on", dest="on", help=_("date archived (default: today)"))
    a.add_argument("--retention", dest="retention_period", help=_("retention period"))
    a.add_argument("--filed-by", dest="filed_by", help=_("filed by"))
    a.add_argument("--checked-by", dest="checked_by", help=_("checked by"))
    a.add_argument("--note", dest="file_note", help=_("file note"))
    add_json(a)
    a.set_defaults(handler=_archive)

    ls = ms.add_parser("list", help=_("list cases (party names masked)"))
    ls.add_argument("--year", type=int, help=_("year accepted"))
    ls.add_argument("--outcome", help="调解中/调解成功/调解不成")
    ls.add_argument("--overdue", action="store_true",
                    help=_("only open cases older than {mediation_due_days} days", mediation_due_days=md.MEDIATION_DUE_DAYS))
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--offset", type=int, default=0)
    add_json(ls)
    ls.set_defaults(handler=_list)

    sh = ms.add_parser("show", help=_("show a case file"))
    sh.add_argument("case", help=CASE_HELP)
    sh.add_argument("--reveal", action="store_true",
                    help=_("show full ID numbers and phones (logged)"))
    add_json(sh)
    sh.set_defaults(handler=_show)

    from station_app.cli import mediation_file_cmds, mediation_print

    mediation_file_cmds.register(ms)
    mediation_print.register(ms)


def _result(ctx: Context, result, case_ref: str, text: str, **extra: Any) -> int:
    case = ctx.app().mediation.summary(case_ref)
    data = {**case, "counter": result.counter, "changes": [c.__dict__ for c in result.changes], **extra}
    emit(ctx, data, text.format(no=case["case_no"]))
    return 0


def _mediators(args) -> None:
    # --mediator is repeatable: the list is the case's (or session's) mediators.
    if getattr(args, "mediator", None):
        args.mediators, args.mediator = list(args.mediator), None


def _open(args, ctx: Context) -> int:
    parties = [md.parse_party_spec(p) for p in args.party] + [md.parse_party_spec(p, organisation=True)
                                                              for p in args.org]
    _mediators(args)
    result = ctx.app().mediation.open(collect(args, list(md.CASE_SPECS)), parties)
    return _result(ctx, result, result.first("mediation_cases"), _("case accepted: {no}"))


def _session(args, ctx: Context) -> int:
    _mediators(args)
    result = ctx.app().mediation.add_session(args.case, collect(args, list(md.SESSION_SPECS)))
    return _result(ctx, result, args.case, _("session recorded: {no}"))


def _close(args, ctx: Context) -> int:
    app = ctx.app()
    data = collect(args, list(md.CLOSE_SPECS))
    if args.obligation:
        data["obligations"] = [md.parse_obligation_spec(o) for o in args.obligation]
    result = app.mediation.close(args.case, data)
    case = app.mediation.summary(args.case)
    notice, due = app.mediation.closing_notice(args.case)
    return _result(ctx, result, case["case_id"], _("closed: {{no}} ({outcome})\n", outcome=MediationOutcome(case["outcome"]).label) + notice,
                   notice=notice, judicial_confirmation_due_on=due)


def _refuse(args, ctx: Context) -> int:
    result = md.refuse_case(ctx.db(), ctx.user, args.case, {"closed_on": args.closed_on, "reason": args.reason})
    notice = md.closing_notice(md.MediationOutcome.REFUSED.value)
    return _result(ctx, result, args.case, _("not accepted: {no}\n") + notice, notice=notice)


def _followup(args, ctx: Context) -> int:
    result = ctx.app().mediation.add_followup(args.case, collect(args, list(md.FOLLOWUP_SPECS)))
    return _result(ctx, result, args.case, _("follow-up recorded: {no}"))


def _document(args, ctx: Context) -> int:
    result = ctx.app().mediation.set_document(args.case, args.item, present=not args.absent, note=args.note)
    state = _("absent") if args.absent else _("present")
    return _result(ctx, result, args.case, "{no}: " + f"{args.item} {state}")


def _archive(args, ctx: Context) -> int:
    from station_app.services.mediation_file import ARCHIVE_SPECS

    result = ctx.app().mediation.archive(args.case, args.on, collect(args, list(ARCHIVE_SPECS)))
    return _result(ctx, result, args.case, _("archived: {no}"))


def _list(args, ctx: Context) -> int:
    rows = ctx.app().mediation.list(Query(filters={"year": args.year, "outcome": args.outcome,
                                                   "overdue": args.overdue or None},
                                          limit=args.limit, offset=args.offset))
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.case_no, r.accepted_on.isoformat(), r.dispute_type, r.parties, r.stage, r.outcome, r.days_open,
          _("overdue") if r.overdue else "",
          r.judicial_confirmation_due_on.isoformat() if r.judicial_confirmation_due_on else ""] for r in rows],
        [_("case no"), _("accepted"), _("type"), _("parties"),
         _("stage"), _("outcome"), _("days"), _("overdue"),
         _("confirm by")]))
    return 0


def _show(args, ctx: Context) -> int:
    d = ctx.app().mediation.get(args.case, reveal=args.reveal).values  # a reveal is access-logged by the service
    emit(ctx, d, _show_text(d))
    return 0


def _show_text(d: dict[str, Any]) -> list[str]:
    yes, no = pgettext("station_app.cli.mediation_cmds", "yes"), pgettext("station_app.cli.mediation_cmds", "no")
    lines = [f"{_('case no')}: {d['case_no']}  ({d['id']})",
             f"{_('accepted')}: {d['accepted_on']}  {_('source')}: {d['source']}  "
             f"{_('type')}: {d['dispute_type']}",
             f"{_('stage')}: {d['stage']}  {_('outcome')}: {d['outcome']}  "
             f"{_('mediator')}: {'、'.join(d['mediators'] or []) or d['mediator'] or ''}",
             f"{_('summary')}: {d['summary']}"]
    if d.get("transferring_body"):
        lines.append(f"{_('transferred by')}: {d['transferring_body']}")
    if d["amount_yuan"] is not None:
        lines.append(f"{_('amount')}: {d['amount_yuan']:.2f}")
    dl = d["deadlines"]
    lines.append(f"{_('due')}: {dl['due_on']}  {pgettext('station_app.cli.mediation_cmds', 'days')}: {dl['days_open']}"
                 + (f"  {_('[OVERDUE]')}" if dl["overdue"] else ""))
    if d["outcome"] == MediationOutcome.SUCCESS.value:
        lines.append(f"{_('agreement')} {d.get('agreement_no') or ''} ({d['agreement_form']}, {d['signed_on']}): "
                     f"{d['agreement_terms']}")
        for o in d.get("obligations", []):
            done = any(p["complete"] for p in o["performances"])
            lines.append(f"  {o['seq']}. {o['obligor']} → {o['obligee'] or ''}: {o['content']} {o['method'] or ''} "
                         f"{_('by')} {o['due_on'] or ''}" + (f" {o['amount_yuan']:.2f}" if o["amount_yuan"] else "")
                         + (_(" [performed]") if done else ""))
        lines.append(f"{_('performance')}: {d['performance_method'] or ''} {_('by')} "
                     f"{dl['performance_due_on'] or ''}  {_('judicial confirmation by')}: "
                     f"{dl['judicial_confirmation_due_on']}")
    elif d["outcome"] == MediationOutcome.FAILURE.value:
        lines.append(f"{_('not settled because')}: {d.get('termination_reason') or ''} "
                     f"{d['failure_reason']}")
    elif d["outcome"] == MediationOutcome.REFUSED.value:
        lines.append(f"{_('not accepted because')}: {d['failure_reason']}")
    lines.append(_("parties:"))
    for p in d["parties"]:
        lines.append("  " + " ".join(str(p[k]) for k in ("role", "name", "gender", "id_number", "phone", "address") if p[k]))
    if d["sessions"]:
        lines.append(_("sessions:"))
        for x in d["sessions"]:
            lines.append(f"  {x['held_at']} {x['kind']} {x['place'] or ''} {x['mediator'] or ''}: {x['record']}")
    if d["followups"]:
        lines.append(_("follow-ups:"))
        for x in d["followups"]:
            lines.append(f"  {x['visited_on']} {x['visitor']}: {x['performance'] or ''} {x['satisfaction'] or ''}")
    lines.append(_("case file:"))
    for c in d["checklist"]:
        mark = yes if c["present"] else (no if c["required"] else "-")
        lines.append(f"  [{mark}] {c['label']}" + (_(" (required)") if c["required"] else "")
                     + (f"  {c['note']}" if c["note"] else ""))
    return lines
