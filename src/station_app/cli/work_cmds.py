"""Commands for the advisers' work: adviser, duty (shifts and work log), posting (三务公开), outreach (普法活动)."""

from __future__ import annotations

import argparse
from datetime import date

from station_app.cli.common import Context, add_json, collect, emit, table
from station_app.core.codes import OutreachKind, PostingCategory, PostingMedium
from station_app.core.errors import ValidationError
from station_app.core.i18n import pick
from station_app.core.query import Query
from station_app.services import advisers as ad
from station_app.services import outreach as ou
from station_app.services import postings as po


def register(sub: argparse._SubParsersAction) -> None:
    _register_adviser(sub)
    _register_duty(sub)
    _register_posting(sub)
    _register_outreach(sub)


def _changed(ctx: Context, result, zh: str, en: str) -> int:
    data = {"counter": result.counter, "changes": [c.__dict__ for c in result.changes]}
    ids = ", ".join(c.id for c in result.changes[:1])
    emit(ctx, data, pick(f"{zh}：{ids}", f"{en}: {ids}") if ids else pick(f"{zh}（无变化）", f"{en} (nothing changed)"))
    return 0


def _cmd(parent: argparse._SubParsersAction, name: str, zh: str, en: str, handler) -> argparse.ArgumentParser:
    p = parent.add_parser(name, help=pick(zh, en))
    add_json(p)
    p.set_defaults(handler=handler)
    return p


def _id_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help=pick("记录编号（可只写前几位）", "record id (a unique prefix is enough)"))


# -- adviser ---------------------------------------------------------------------------------------------------
ADVISER_FIELDS = list(ad.SPECS)


def _adviser_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--name", required=required, help=pick("姓名", "name"))
    p.add_argument("--law-firm", dest="law_firm", help=pick("律师事务所", "law firm"))
    p.add_argument("--phone", help=pick("联系电话", "phone"))
    p.add_argument("--licence-no", dest="licence_no", help=pick("律师执业证号（17位）", "licence number (17 digits)"))


def _register_adviser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("adviser", help=pick("村法律顾问", "legal advisers"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = _cmd(s, "add", "添加法律顾问", "add an adviser", _adviser_add)
    _adviser_options(a, required=True)
    ls = _cmd(s, "list", "法律顾问列表（电话已脱敏）", "list advisers (phones masked)", _adviser_list)
    ls.add_argument("--all", action="store_true", help=pick("包括已离任的", "include inactive advisers"))
    up = _cmd(s, "update", "更正法律顾问信息", "correct an adviser", _adviser_update)
    _id_arg(up)
    _adviser_options(up, required=False)
    state = up.add_mutually_exclusive_group()
    state.add_argument("--active", dest="active", action="store_const", const=True, help=pick("在岗", "active"))
    state.add_argument("--inactive", dest="active", action="store_const", const=False,
                       help=pick("已离任（保留历史记录）", "no longer serving (history is kept)"))
    rm = _cmd(s, "delete", "删除误录的法律顾问（保留删除记录）", "delete a mistaken entry (a tombstone is kept)",
              _adviser_delete)
    _id_arg(rm)


def _adviser_add(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().advisers.record(collect(args, ADVISER_FIELDS)),
                    "已添加法律顾问", "added adviser")


def _adviser_update(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().advisers.update(args.id, collect(args, ADVISER_FIELDS)),
                    "已更正法律顾问", "updated adviser")


def _adviser_delete(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().advisers.delete(args.id), "已删除法律顾问", "deleted adviser")


def _adviser_list(args, ctx: Context) -> int:
    rows = ctx.app().advisers.list(Query(filters={} if args.all else {"active": True}, limit=None))
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.id[:8], r.name, r.law_firm, r.phone, r.licence_no,
          pick("在岗", "yes") if r.active else pick("离任", "no")] for r in rows],
        [pick("编号", "id"), pick("姓名", "name"), pick("律师事务所", "law firm"), pick("电话", "phone"),
         pick("执业证号", "licence no."), pick("在岗", "active")]))
    return 0


# -- duty ------------------------------------------------------------------------------------------------------
def _register_duty(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("duty", help=pick("法律顾问值班与工作日志", "advisers' duty shifts and work log"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = _cmd(s, "add", "登记一次值班", "record a duty shift", _duty_add)
    a.add_argument("--adviser", dest="adviser_id", required=True,
                   help=pick("法律顾问编号或姓名", "adviser id or name"))
    a.add_argument("--start", dest="start_at", required=True, help=pick("开始时间，例：2021-03-05 09:00", "start, e.g. 2021-03-05 09:00"))
    a.add_argument("--end", dest="end_at", required=True, help=pick("结束时间，例：2021-03-05 12:00", "end, e.g. 2021-03-05 12:00"))
    a.add_argument("--place", dest="place_station_id", metavar="STATION_CODE",
                   help=pick("值班地点的站点编号（默认本站）", "station code of the place (default: this station)"))
    a.add_argument("--people", dest="people_served", required=True, help=pick("服务人次", "people served"))
    a.add_argument("--summary", help=pick("值班情况", "summary"))
    a.add_argument("--log", action="append", default=[], metavar="SERVED|CONTENT|RESULT",
                   help=pick("工作日志一条：服务对象|工作内容|处理结果（可重复）",
                             "one work-log entry: served|content|result (repeatable)"))

    ls = _cmd(s, "list", "值班列表", "list duty shifts", _duty_list)
    ls.add_argument("--year", type=int)
    ls.add_argument("--adviser", help=pick("法律顾问编号或姓名", "adviser id or name"))
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--offset", type=int, default=0)

    sh = _cmd(s, "show", "查看一次值班及其工作日志", "show a shift and its work log", _duty_show)
    _id_arg(sh)
    sh.add_argument("--reveal", action="store_true",
                    help=pick("显示服务对象全名（记入访问日志）", "show who was served in full (logged)"))

    lg = _cmd(s, "log", "为一次值班补记工作日志", "add a work-log entry to a shift", _duty_log)
    _id_arg(lg)
    lg.add_argument("entry", metavar="SERVED|CONTENT|RESULT")

    rm = _cmd(s, "delete", "删除值班（连同工作日志，保留删除记录）", "delete a shift and its log (tombstones kept)",
              _duty_delete)
    _id_arg(rm)


def _log_entry(text: str) -> dict[str, str]:
    """'served|content|result'; 'content' alone or 'served|content' are accepted too."""
    parts = [p.strip() for p in text.split("|", 2)]
    if len(parts) == 1:
        return {"content": parts[0]}
    if len(parts) == 2:
        return {"served": parts[0], "content": parts[1]}
    return {"served": parts[0], "content": parts[1], "result": parts[2]}


def _duty_add(args, ctx: Context) -> int:
    data = collect(args, ["adviser_id", "start_at", "end_at", "place_station_id", "people_served", "summary"])
    result = ctx.app().duty.record(data, log=[_log_entry(t) for t in args.log])
    return _changed(ctx, result, "已登记值班", "recorded duty shift")


def _duty_log(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().duty.add_log_entry(args.id, _log_entry(args.entry)),
                    "已补记工作日志", "added work-log entry")


def _duty_delete(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().duty.delete(args.id), "已删除值班", "deleted duty shift")


def _duty_list(args, ctx: Context) -> int:
    rows = ctx.app().duty.list(Query(filters={"year": args.year, "adviser": args.adviser}, limit=args.limit,
                                     offset=args.offset))
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.id[:8], r.adviser, r.place, r.start_at.strftime("%Y-%m-%d %H:%M"), r.end_at.strftime("%H:%M"),
          f"{r.hours:g}", r.people_served, r.summary] for r in rows],
        [pick("编号", "id"), pick("法律顾问", "adviser"), pick("地点", "place"), pick("开始", "start"),
         pick("结束", "end"), pick("小时", "hours"), pick("人次", "people"), pick("值班情况", "summary")]))
    return 0


def _duty_show(args, ctx: Context) -> int:
    d = ctx.app().duty.get(args.id, reveal=args.reveal).values  # a reveal is access-logged by the service
    head = [f"{k}: {'' if d[k] is None else d[k]}" for k in d if k != "log"]
    log = table([[e["position"], e["served"], e["content"], e["result"]] for e in d["log"]],
                [pick("序号", "no."), pick("服务对象", "served"), pick("工作内容", "content"), pick("处理结果", "result")])
    emit(ctx, d, "\n".join(head) + "\n\n" + log)
    return 0


# -- posting ---------------------------------------------------------------------------------------------------
def _register_posting(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("posting", help=pick("三务公开（党务、村务、财务）", "三务 postings (Party, village, finances)"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = _cmd(s, "add", "登记一次公开", "record a posting", _posting_add)
    a.add_argument("--category", required=True, help="/".join(PostingCategory.values()))
    a.add_argument("--title", required=True)
    a.add_argument("--period", required=True, help=pick("所属期间：2021-03、2021-Q1 或 2021", "period: 2021-03, 2021-Q1 or 2021"))
    a.add_argument("--posted-on", dest="posted_on", required=True, help=pick("公开日期", "date posted"))
    a.add_argument("--medium", help="/".join(PostingMedium.values()))
    a.add_argument("--reviewer", help=pick("审核人（民主理财小组/村务监督委员会）", "reviewer"))
    a.add_argument("--content")
    a.add_argument("--photo", action="append", default=[], metavar="FILE",
                   help=pick("公开栏照片 jpg/png（可重复）", "photo of the board, jpg/png (repeatable)"))

    td = _cmd(s, "takedown", "撤下公开（归档保存）", "take a posting down (it is archived)", _posting_takedown)
    _id_arg(td)
    td.add_argument("--on", help=pick("撤下日期（默认今天）", "date taken down (default: today)"))

    ls = _cmd(s, "list", "公开列表", "list postings", _posting_list)
    ls.add_argument("--year", type=int, help=pick("所属期间的年份", "year of the period covered"))
    ls.add_argument("--category")
    ls.add_argument("--current", action="store_true", help=pick("只列出仍在公开的", "only postings still up"))

    due = _cmd(s, "due", "到期应撤下的公开", "postings due to be taken down", _posting_due)
    due.add_argument("--days", type=int, default=po.DEFAULT_DISPLAY_DAYS,
                     help=pick("公开天数（默认15天）", "days a posting stays up (default 15)"))
    due.add_argument("--today", help=pick("按哪一天计算（默认今天）", "as of this date (default: today)"))

    rm = _cmd(s, "delete", "删除误录的公开（保留删除记录）", "delete a mistaken posting (a tombstone is kept)",
              _posting_delete)
    _id_arg(rm)


POSTING_FIELDS = list(po.SPECS)


def _posting_add(args, ctx: Context) -> int:
    result = ctx.app().postings.record(collect(args, POSTING_FIELDS), photos=args.photo)
    return _changed(ctx, result, "已登记公开", "recorded posting")


def _posting_takedown(args, ctx: Context) -> int:
    result = ctx.app().postings.take_down(args.id, args.on or date.today())
    return _changed(ctx, result, "已撤下公开", "took posting down")


def _posting_delete(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().postings.delete(args.id), "已删除公开", "deleted posting")


def _posting_table(rows: list[po.PostingRow]) -> str:
    return table(
        [[r.id[:8], r.category, r.period, r.title, r.posted_on, r.taken_down_on or pick("公开中", "up"), r.medium,
          r.reviewer, r.photos] for r in rows],
        [pick("编号", "id"), pick("类别", "category"), pick("期间", "period"), pick("标题", "title"),
         pick("公开日期", "posted"), pick("撤下日期", "taken down"), pick("形式", "medium"), pick("审核人", "reviewer"),
         pick("照片", "photos")])


def _posting_list(args, ctx: Context) -> int:
    rows = ctx.app().postings.list(Query(filters={"year": args.year, "category": args.category,
                                                  "current": args.current or None}, limit=None))
    emit(ctx, [r.as_dict() for r in rows], _posting_table(rows))
    return 0


def _posting_due(args, ctx: Context) -> int:
    from station_app.core import validators as v

    today = date.today()
    if args.today:
        try:
            today = v.parse_date(args.today)
        except ValidationError as e:
            raise ValidationError.single("--today", e.problems[0].message) from None
    rows = ctx.app().postings.due_for_takedown(today, days=args.days)
    emit(ctx, [r.as_dict() for r in rows], _posting_table(rows))
    return 0


# -- outreach --------------------------------------------------------------------------------------------------
OUTREACH_FIELDS = list(ou.SPECS)


def _register_outreach(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outreach", help=pick("普法活动", "outreach events"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = _cmd(s, "add", "登记一次普法活动", "record an outreach event", _outreach_add)
    a.add_argument("--kind", required=True, help="/".join(OutreachKind.values()))
    a.add_argument("--date", dest="held_on", required=True)
    a.add_argument("--topic", required=True)
    a.add_argument("--speaker")
    a.add_argument("--adviser", dest="adviser_id", help=pick("法律顾问编号或姓名", "adviser id or name"))
    a.add_argument("--place")
    a.add_argument("--attendees", required=True, help=pick("参加人次", "attendees"))
    a.add_argument("--materials", required=True, help=pick("发放资料份数", "materials handed out"))

    ls = _cmd(s, "list", "普法活动列表", "list outreach events", _outreach_list)
    ls.add_argument("--year", type=int)
    ls.add_argument("--kind")

    rm = _cmd(s, "delete", "删除普法活动（保留删除记录）", "delete an event (a tombstone is kept)", _outreach_delete)
    _id_arg(rm)


def _outreach_add(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().outreach.record(collect(args, OUTREACH_FIELDS)),
                    "已登记普法活动", "recorded outreach event")


def _outreach_delete(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().outreach.delete(args.id), "已删除普法活动", "deleted outreach event")


def _outreach_list(args, ctx: Context) -> int:
    rows = ctx.app().outreach.list(Query(filters={"year": args.year, "kind": args.kind}, limit=None))
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.id[:8], r.held_on, r.kind, r.topic, r.speaker or r.adviser, r.place, r.attendees, r.materials]
         for r in rows],
        [pick("编号", "id"), pick("日期", "date"), pick("类型", "kind"), pick("主题", "topic"),
         pick("主讲人", "speaker"), pick("地点", "place"), pick("人次", "attendees"), pick("资料份数", "materials")]))
    return 0
