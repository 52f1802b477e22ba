"""`mediation committee|notice|agent|investigate|perform|extend|confirm`: the rest of the case file.

Registered under `mediation` by cli/mediation_cmds.py.
"""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, collect, emit
from station_app.core.codes import AgentKind
from station_app.core.i18n import pick
from station_app.services import mediation as md
from station_app.services import mediation_committee as mc
from station_app.services import mediation_file as mf

CASE_HELP = pick("案件：案号、编号或编号前几位", "case: case number, id, or the first characters of the id")


def register(ms: argparse._SubParsersAction) -> None:
    c = ms.add_parser("committee", help=pick("本站人民调解委员会：正式名称、调解员名册、协议编号字号、节假日（不带选项则显示）",
                                             "this station's mediation committee: formal name, roster, number prefix, "
                                             "holidays (shown when no option is given)"))
    c.add_argument("--name", help=pick("正式名称，如：小苏庄村人民调解委员会", "formal name"))
    c.add_argument("--village-committee", dest="village_committee", help=pick("村（居）民委员会正式名称", "village committee's name"))
    c.add_argument("--prefix", dest="number_prefix", help=pick("协议书编号字号，如：小苏庄调字", "agreement number prefix"))
    c.add_argument("--mediator", dest="mediators", action="append", metavar="NAME|TITLE",
                   help=pick("调解员名册（可重复，整体替换）：姓名|职务", "roster entry (repeatable; replaces the roster)"))
    c.add_argument("--holiday", dest="holidays", action="append", metavar="DATE",
                   help=pick("法定节假日（休息日，可重复，整体替换）", "holiday, a rest day (repeatable; replaces the list)"))
    c.add_argument("--workday", dest="workdays", action="append", metavar="DATE",
                   help=pick("调休上班的周末（可重复，整体替换）", "weekend working day (repeatable; replaces the list)"))
    add_json(c)
    c.set_defaults(handler=_committee)

    n = ms.add_parser("notice", help=pick("登记已送达当事人权利义务告知书", "record that the rights notice was given"))
    n.add_argument("case", help=CASE_HELP)
    n.add_argument("--on", dest="rights_notice_on", required=True, help=pick("告知日期", "date given"))
    n.add_argument("--to", dest="rights_notice_to", help=pick("告知对象", "given to"))
    add_json(n)
    n.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.give_rights_notice(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.NOTICE_SPECS))), pick("已登记权利义务告知", "notice recorded")))

    a = ms.add_parser("agent", help=pick("登记当事人的代理人", "record a party's agent"))
    a.add_argument("case", help=CASE_HELP)
    a.add_argument("--party", required=True, help=pick("被代理的当事人姓名或名称", "the party's name"))
    a.add_argument("--name", required=True, help=pick("代理人姓名", "agent's name"))
    a.add_argument("--kind", help="/".join(AgentKind.values()))
    a.add_argument("--authority", help=pick("代理权限（一般授权/特别授权及范围）", "scope of authority"))
    a.add_argument("--phone")
    a.add_argument("--id-number", dest="id_number", help=pick("代理人身份证号（可选）", "the agent's ID number (optional)"))
    a.add_argument("--address")
    add_json(a)
    a.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.add_agent(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.AGENT_SPECS))), pick("已登记代理人", "agent recorded")))

    i = ms.add_parser("investigate", help=pick("记录一次调查（调查记录）", "record an investigation"))
    i.add_argument("case", help=CASE_HELP)
    i.add_argument("--at", dest="held_at", required=True, help=pick("调查时间", "time"))
    i.add_argument("--place")
    i.add_argument("--investigator", dest="investigators", action="append", required=True,
                   help=pick("调查人（可重复）", "investigator (repeatable)"))
    i.add_argument("--recorder", help=pick("记录人", "recorder"))
    i.add_argument("--subject", required=True, help=pick("被调查人", "person questioned"))
    i.add_argument("--subject-details", dest="subject_details", help=pick("被调查人基本情况", "their details"))
    i.add_argument("--present", help=pick("在场人", "others present"))
    i.add_argument("--content", required=True, help=pick("调查内容（问答）", "questions and answers"))
    add_json(i)
    i.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.add_investigation(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.INVESTIGATION_SPECS))), pick("已记录调查", "investigation recorded")))

    p = ms.add_parser("perform", help=pick("记录协议义务的履行（履行监督）", "record performance of an obligation"))
    p.add_argument("case", help=CASE_HELP)
    p.add_argument("--obligation", required=True, help=pick("协议义务序号（1、2…）", "obligation number (1, 2, ...)"))
    p.add_argument("--on", dest="performed_on", required=True, help=pick("履行日期", "date performed"))
    p.add_argument("--amount", dest="amount_fen", metavar="YUAN", help=pick("履行金额（元）", "amount (yuan)"))
    p.add_argument("--complete", action="store_const", const=True, help=pick("该项义务已履行完毕", "fully performed"))
    p.add_argument("--note", help=pick("履行情况及凭证", "what was done, proof"))
    add_json(p)
    p.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.record_performance(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.PERFORMANCE_SPECS))), pick("已记录履行", "performance recorded")))

    e = ms.add_parser("extend", help=pick("经当事人同意延长调解期限", "extend the mediation period with the parties' consent"))
    e.add_argument("case", help=CASE_HELP)
    e.add_argument("--on", dest="agreed_on", required=True, help=pick("同意延期日期", "date agreed"))
    e.add_argument("--until", required=True, help=pick("延长至", "extended until"))
    e.add_argument("--consent", required=True, help=pick("当事人同意情况（如：双方签字同意）", "the parties' consent"))
    e.add_argument("--reason")
    add_json(e)
    e.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.extend(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.EXTENSION_SPECS))), pick("已延长调解期限", "extended")))

    j = ms.add_parser("confirm", help=pick("司法确认：申请日期、确认日期、法院（仅书面协议）",
                                           "judicial confirmation: applied, confirmed, court (written agreements only)"))
    j.add_argument("case", help=CASE_HELP)
    j.add_argument("--applied-on", dest="confirmation_applied_on", help=pick("申请日期", "date applied"))
    j.add_argument("--confirmed-on", dest="confirmed_on", help=pick("确认日期", "date confirmed"))
    j.add_argument("--court", dest="confirmation_court", help=pick("法院", "court"))
    add_json(j)
    j.set_defaults(handler=lambda a, ctx: _done(ctx, a.case, mf.record_confirmation(
        ctx.db(), ctx.user, a.case, collect(a, list(mf.CONFIRMATION_SPECS))), pick("已登记司法确认", "confirmation recorded")))


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
        emit(ctx, None, pick("尚未设置人民调解委员会（用 --name 设置正式名称）",
                             "no committee set up yet (set its formal name with --name)"))
        return 0
    roster = "、".join(m["name"] + (f"（{m['title']}）" if m.get("title") else "") for m in d["mediators"])
    emit(ctx, d, [f"{pick('名称', 'name')}: {d['name']}",
                  f"{pick('村（居）民委员会', 'village committee')}: {d['village_committee'] or ''}",
                  f"{pick('协议编号字号', 'number prefix')}: {d['number_prefix'] or ''}",
                  f"{pick('调解员名册', 'roster')}: {roster}",
                  f"{pick('节假日', 'holidays')}: {'、'.join(d['holidays'])}",
                  f"{pick('调休上班日', 'working weekends')}: {'、'.join(d['workdays'])}"])
    return 0
