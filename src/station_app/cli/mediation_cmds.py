"""`mediation ...`: people's mediation cases (人民调解) from acceptance to the archived case file.

CASE may be the case's UUID, a unique prefix of it, or its case number (案号, e.g. S01-2021-007).
"""

from __future__ import annotations

import argparse
from typing import Any

from station_app.cli.common import Context, add_json, collect, emit, table
from station_app.core.i18n import pick
from station_app.core.codes import CaseDocument, CaseSource, MediationOutcome
from station_app.core.query import Query
from station_app.services import mediation as md

CASE_HELP = pick("案件：案号、编号或编号前几位", "case: case number, id, or the first characters of the id")


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("mediation", help=pick("人民调解案件", "people's mediation cases"))
    ms = m.add_subparsers(dest="action", metavar="ACTION", required=True)

    o = ms.add_parser("open", help=pick("受理一件调解案件", "register (accept) a case"))
    o.add_argument("--accepted-on", dest="accepted_on", required=True, help=pick("受理日期", "date accepted"))
    o.add_argument("--source", required=True, help="/".join(CaseSource.values()))
    o.add_argument("--type", dest="dispute_type", required=True, help=pick("纠纷类型，例：邻里", "dispute type, e.g. 邻里"))
    o.add_argument("--summary", required=True, help=pick("纠纷简要情况", "summary of the dispute"))
    o.add_argument("--mediator", help=pick("调解员", "mediator"))
    o.add_argument("--amount", dest="amount_fen", metavar="YUAN", help=pick("涉及金额（元）", "amount involved (yuan)"))
    o.add_argument("--case-no", dest="case_no", help=pick("案号（默认自动编号，如 S01-2021-007）",
                                                          "case number (default: next number, e.g. S01-2021-007)"))
    o.add_argument("--party", action="append", default=[], metavar="ROLE|NAME|GENDER|ID|PHONE|ADDRESS",
                   help=pick("当事人：身份|姓名|性别|身份证号码|电话|住址（可重复；空项可省略）",
                             "a party: role|name|gender|ID number|phone|address (repeatable; parts may be empty)"))
    add_json(o)
    o.set_defaults(handler=_open)

    s = ms.add_parser("session", help=pick("记录一次调查或调解", "record an investigation or mediation session"))
    s.add_argument("case", help=CASE_HELP)
    s.add_argument("--at", dest="held_at", required=True, help=pick("时间，例：2021-03-05 09:30", "time, e.g. 2021-03-05 09:30"))
    s.add_argument("--record", required=True, help=pick("记录内容", "what happened"))
    s.add_argument("--kind", help=pick("调解（默认）或调查", "调解 (default) or 调查"))
    s.add_argument("--place")
    s.add_argument("--mediator")
    add_json(s)
    s.set_defaults(handler=_session)

    c = ms.add_parser("close", help=pick("结案：调解成功或调解不成", "close a case: settled or not"))
    c.add_argument("case", help=CASE_HELP)
    c.add_argument("--outcome", required=True, help="调解成功/调解不成")
    c.add_argument("--on", dest="closed_on", required=True, help=pick("结案日期", "date closed"))
    c.add_argument("--form", dest="agreement_form", help=pick("协议形式：书面（默认）或口头", "agreement: 书面 (written, default) or 口头 (oral)"))
    c.add_argument("--terms", dest="agreement_terms", help=pick("协议内容", "agreed terms"))
    c.add_argument("--performance-method", dest="performance_method", help=pick("履行方式", "how it is performed"))
    c.add_argument("--performance-due", dest="performance_due_on", help=pick("履行期限", "performed by"))
    c.add_argument("--signed-on", dest="signed_on", help=pick("协议生效日期（默认为结案日期）", "agreement signed on (default: the closing date)"))
    c.add_argument("--reason", dest="failure_reason", help=pick("调解不成的原因", "why it was not settled"))
    add_json(c)
    c.set_defaults(handler=_close)

    f = ms.add_parser("followup", help=pick("记录一次回访", "record a follow-up visit"))
    f.add_argument("case", help=CASE_HELP)
    f.add_argument("--on", dest="visited_on", required=True, help=pick("回访日期", "date of the visit"))
    f.add_argument("--visitor", required=True, help=pick("回访人", "who visited"))
    f.add_argument("--performance", help=pick("协议履行情况", "how the agreement is performed"))
    f.add_argument("--satisfaction", help=pick("当事人满意度", "satisfaction"))
    f.add_argument("--sued", help=pick("是否已起诉：是/否", "whether a party has sued: yes/no"))
    f.add_argument("--risk", dest="escalation_risk", help=pick("矛盾激化风险", "risk of escalation"))
    f.add_argument("--measures", help=pick("采取的措施", "measures taken"))
    add_json(f)
    f.set_defaults(handler=_followup)

    d = ms.add_parser("document", help=pick("卷宗材料清单：登记某项材料已归入（或缺失）", "case file checklist: mark an item present (or absent)"))
    d.add_argument("case", help=CASE_HELP)
    d.add_argument("item", help="、".join(CaseDocument.values()))
    d.add_argument("--absent", action="store_true", help=pick("标记为缺失", "mark it absent"))
    d.add_argument("--note")
    add_json(d)
    d.set_defaults(handler=_document)

    a = ms.add_parser("archive", help=pick("立卷归档（须已结案且必备材料齐全）",
                                           "archive the case file (closed, with every required item)"))
    a.add_argument("case", help=CASE_HELP)
    a.add_argument("--on", dest="on", help=pick("归档日期（默认今天）", "date archived (default: today)"))
    add_json(a)
    a.set_defaults(handler=_archive)

    ls = ms.add_parser("list", help=pick("案件列表（当事人姓名已脱敏）", "list cases (party names masked)"))
    ls.add_argument("--year", type=int, help=pick("受理年度", "year accepted"))
    ls.add_argument("--outcome", help="调解中/调解成功/调解不成")
    ls.add_argument("--overdue", action="store_true",
                    help=pick(f"只列超过{md.MEDIATION_DUE_DAYS}天未结的案件", f"only open cases older than {md.MEDIATION_DUE_DAYS} days"))
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--offset", type=int, default=0)
    add_json(ls)
    ls.set_defaults(handler=_list)

    sh = ms.add_parser("show", help=pick("查看案件卷宗", "show a case file"))
    sh.add_argument("case", help=CASE_HELP)
    sh.add_argument("--reveal", action="store_true",
                    help=pick("显示完整身份证号码和电话（记入访问日志）", "show full ID numbers and phones (logged)"))
    add_json(sh)
    sh.set_defaults(handler=_show)


def _result(ctx: Context, result, case_ref: str, text: str, **extra: Any) -> int:
    case = ctx.app().mediation.summary(case_ref)
    data = {**case, "counter": result.counter, "changes": [c.__dict__ for c in result.changes], **extra}
    emit(ctx, data, text.format(no=case["case_no"]))
    return 0


def _open(args, ctx: Context) -> int:
    parties = [md.parse_party_spec(p) for p in args.party]
    result = ctx.app().mediation.open(collect(args, list(md.CASE_SPECS)), parties)
    return _result(ctx, result, result.first("mediation_cases"), pick("已受理调解案件：{no}", "case accepted: {no}"))


def _session(args, ctx: Context) -> int:
    result = ctx.app().mediation.add_session(args.case, collect(args, list(md.SESSION_SPECS)))
    return _result(ctx, result, args.case, pick("已记录：{no}", "session recorded: {no}"))


def _close(args, ctx: Context) -> int:
    app = ctx.app()
    result = app.mediation.close(args.case, collect(args, list(md.CLOSE_SPECS)))
    case = app.mediation.summary(args.case)
    notice, due = app.mediation.closing_notice(args.case)
    return _result(ctx, result, case["case_id"], pick("已结案：{no}（", "closed: {no} (") + MediationOutcome(case["outcome"]).label + pick("）\n", ")\n") + notice,
                   notice=notice, judicial_confirmation_due_on=due)


def _followup(args, ctx: Context) -> int:
    result = ctx.app().mediation.add_followup(args.case, collect(args, list(md.FOLLOWUP_SPECS)))
    return _result(ctx, result, args.case, pick("已记录回访：{no}", "follow-up recorded: {no}"))


def _document(args, ctx: Context) -> int:
    result = ctx.app().mediation.set_document(args.case, args.item, present=not args.absent, note=args.note)
    state = pick("缺失", "absent") if args.absent else pick("已归入", "present")
    return _result(ctx, result, args.case, "{no}: " + f"{args.item} {state}")


def _archive(args, ctx: Context) -> int:
    result = ctx.app().mediation.archive(args.case, args.on)
    return _result(ctx, result, args.case, pick("已立卷归档：{no}", "archived: {no}"))


def _list(args, ctx: Context) -> int:
    rows = ctx.app().mediation.list(Query(filters={"year": args.year, "outcome": args.outcome,
                                                   "overdue": args.overdue or None},
                                          limit=args.limit, offset=args.offset))
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.case_no, r.accepted_on.isoformat(), r.dispute_type, r.parties, r.stage, r.outcome, r.days_open,
          pick("超期", "overdue") if r.overdue else "",
          r.judicial_confirmation_due_on.isoformat() if r.judicial_confirmation_due_on else ""] for r in rows],
        [pick("案号", "case no"), pick("受理日期", "accepted"), pick("类型", "type"), pick("当事人", "parties"),
         pick("阶段", "stage"), pick("结果", "outcome"), pick("天数", "days"), pick("超期", "overdue"),
         pick("司法确认期限", "confirm by")]))
    return 0


def _show(args, ctx: Context) -> int:
    d = ctx.app().mediation.get(args.case, reveal=args.reveal).values  # a reveal is access-logged by the service
    emit(ctx, d, _show_text(d))
    return 0


def _show_text(d: dict[str, Any]) -> list[str]:
    yes, no = pick("有", "yes"), pick("缺", "no")
    lines = [f"{pick('案号', 'case no')}: {d['case_no']}  ({d['id']})",
             f"{pick('受理日期', 'accepted')}: {d['accepted_on']}  {pick('来源', 'source')}: {d['source']}  "
             f"{pick('类型', 'type')}: {d['dispute_type']}",
             f"{pick('阶段', 'stage')}: {d['stage']}  {pick('结果', 'outcome')}: {d['outcome']}  "
             f"{pick('调解员', 'mediator')}: {d['mediator'] or ''}",
             f"{pick('纠纷简要情况', 'summary')}: {d['summary']}"]
    if d["amount_yuan"] is not None:
        lines.append(f"{pick('涉及金额', 'amount')}: {d['amount_yuan']:.2f}")
    dl = d["deadlines"]
    lines.append(f"{pick('应结日期', 'due')}: {dl['due_on']}  {pick('已用天数', 'days')}: {dl['days_open']}"
                 + (f"  {pick('【超期】', '[OVERDUE]')}" if dl["overdue"] else ""))
    if d["outcome"] == MediationOutcome.SUCCESS.value:
        lines.append(f"{pick('协议', 'agreement')} ({d['agreement_form']}, {d['signed_on']}): {d['agreement_terms']}")
        lines.append(f"{pick('履行', 'performance')}: {d['performance_method'] or ''} {pick('期限', 'by')} "
                     f"{dl['performance_due_on'] or ''}  {pick('司法确认申请期限', 'judicial confirmation by')}: "
                     f"{dl['judicial_confirmation_due_on']}")
    elif d["outcome"] == MediationOutcome.FAILURE.value:
        lines.append(f"{pick('调解不成原因', 'not settled because')}: {d['failure_reason']}")
    lines.append(pick("当事人：", "parties:"))
    for p in d["parties"]:
        lines.append("  " + " ".join(str(p[k]) for k in ("role", "name", "gender", "id_number", "phone", "address") if p[k]))
    if d["sessions"]:
        lines.append(pick("调查与调解记录：", "sessions:"))
        for x in d["sessions"]:
            lines.append(f"  {x['held_at']} {x['kind']} {x['place'] or ''} {x['mediator'] or ''}: {x['record']}")
    if d["followups"]:
        lines.append(pick("回访：", "follow-ups:"))
        for x in d["followups"]:
            lines.append(f"  {x['visited_on']} {x['visitor']}: {x['performance'] or ''} {x['satisfaction'] or ''}")
    lines.append(pick("卷宗材料：", "case file:"))
    for c in d["checklist"]:
        mark = yes if c["present"] else (no if c["required"] else "-")
        lines.append(f"  [{mark}] {c['label']}" + (pick("（必备）", " (required)") if c["required"] else "")
                     + (f"  {c['note']}" if c["note"] else ""))
    return lines
