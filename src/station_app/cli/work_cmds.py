"""Commands for the advisers' work: adviser, duty (shifts and work log), posting (三务公开), outreach (普法活动)."""

from __future__ import annotations

import argparse
from datetime import date

from station_app.cli.common import emit_changed as _changed, Context, add_json, collect, emit, table
from station_app.core.codes import OutreachKind, PostingCategory, PostingMedium
from station_app.core.errors import ValidationError
from station_app.core.i18n import _, pgettext
from station_app.core.query import Query
from station_app.services import advisers as ad
from station_app.services import outreach as ou
from station_app.services import postings as po


def register(sub: argparse._SubParsersAction) -> None:
    _register_adviser(sub)
    _register_duty(sub)
    _register_posting(sub)
    _register_outreach(sub)




def _cmd(parent: argparse._SubParsersAction, name: str, help_text: str, handler) -> argparse.ArgumentParser:
    p = parent.add_parser(name, help=help_text)
    add_json(p)
    p.set_defaults(handler=handler)
    return p


def _id_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help=_("record id (a unique prefix is enough)"))


# -- adviser ---------------------------------------------------------------------------------------------------
ADVISER_FIELDS = list(ad.SPECS)


def _adviser_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--name", required=required, help=pgettext("station_app.cli.work_cmds", "name"))
    p.add_argument("--law-firm", dest="law_firm", help=_("law firm"))
    p.add_argument("--phone", help=pgettext("station_app.cli.work_cmds", "phone"))
    p.add_argument("--licence-no", dest="licence_no", help=_("licence number (a lawyer's 17 digits; a legal worker's 6 to 20 digits or letters)"))
    p.add_argument("--kind", help="律师/基层法律服务工作者/其他" + _(" (default 律师)"))


def _register_adviser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("adviser", help=_("legal advisers"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = _cmd(s, "add", _("add an adviser"), _adviser_add)
    _adviser_options(a, required=True)
    ls = _cmd(s, "list", _("list advisers (phones masked)"), _adviser_list)
    ls.add_argument("--all", action="store_true", help=_("include inactive advisers"))
    up = _cmd(s, "update", _("correct an adviser"), _adviser_update)
    _id_arg(up)
    _adviser_options(up, required=False)
    state = up.add_mutually_exclusive_group()
    state.add_argument("--active", dest="active", action="store_const", const=True, help=_("active"))
    state.add_argument("--inactive", dest="active", action="store_const", const=False,
                       help=_("no longer serving (history is kept)"))
    rm = _cmd(s, "delete", pgettext("station_app.cli.work_cmds", "delete a mistaken entry (a tombstone is kept)"),
              _adviser_delete)
    _id_arg(rm)
    from station_app.cli.records_cmds import register_adviser_extras

    register_adviser_extras(s, _cmd)


def _adviser_add(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().advisers.record(collect(args, ADVISER_FIELDS)),
                    _("added adviser"))


def _adviser_update(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().advisers.update(args.id, collect(args, ADVISER_FIELDS)),
                    _("updated adviser"))


def _adviser_delete(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().advisers.delete(args.id), _("deleted adviser"))


def _adviser_list(args, ctx: Context) -> int:
    rows = ctx.app().advisers.list(Query(filters={} if args.all else {"active": True}, limit=None))
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.id[:8], r.name, r.law_firm, r.phone, r.licence_no,
          pgettext("station_app.cli.work_cmds", "yes") if r.active else pgettext("station_app.cli.work_cmds", "no")] for r in rows],
        [_("id"), pgettext("station_app.cli.work_cmds", "name"), _("law firm"), _("phone"),
         _("licence no."), _("active")]))
    return 0


# -- duty ------------------------------------------------------------------------------------------------------
def _register_duty(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("duty", help=_("advisers' duty shifts and work log"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = _cmd(s, "add", _("record a duty shift"), _duty_add)
    a.add_argument("--adviser", dest="adviser_id", required=True,
                   help=_("adviser id or name"))
    a.add_argument("--start", dest="start_at", required=True, help=_("start, e.g. 2021-03-05 09:00"))
    a.add_argument("--end", dest="end_at", required=True, help=_("end, e.g. 2021-03-05 12:00"))
    a.add_argument("--place", dest="place_station_id", metavar="STATION_CODE",
                   help=_("station code of the place (default: this station)"))
    a.add_argument("--people", dest="people_served", required=True, help=_("people served"))
    a.add_argument("--summary", help=pgettext("station_app.cli.work_cmds", "summary"))
    a.add_argument("--log", action="append", default=[], metavar="SERVED|CONTENT|RESULT[|TYPE[|MODE]]",
                   help=_("one work-log entry: served|content|result|service type|mode (repeatable; type defaults to 其他, mode to 现场)"))

    ls = _cmd(s, "list", _("list duty shifts"), _duty_list)
    ls.add_argument("--year", type=int)
    ls.add_argument("--adviser", help=_("adviser id or name"))
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--offset", type=int, default=0)

    sh = _cmd(s, "show", _("show a shift and its work log"), _duty_show)
    _id_arg(sh)
    sh.add_argument("--reveal", action="store_true",
                    help=_("show who was served in full (logged)"))

    lg = _cmd(s, "log", _("add a work-log entry to a shift"), _duty_log)
    _id_arg(lg)
    lg.add_argument("entry", metavar="SERVED|CONTENT|RESULT[|TYPE[|MODE]]")

    rm = _cmd(s, "delete", _("delete a shift and its log (tombstones kept)"),
              _duty_delete)
    _id_arg(rm)


def _log_entry(text: str) -> dict[str, str]:
    """'served|content|result|type|mode'; 'content' alone, 'served|content' and 'served|content|result' too."""
    parts = [p.strip() for p in text.split("|", 4)]
    if len(parts) == 1:
        return {"content": parts[0]}
    keys = ("served", "content", "result", "service_type", "mode")
    return {k: p for k, p in zip(keys, parts) if p or k == "content"}


def _duty_add(args, ctx: Context) -> int:
    data = collect(args, ["adviser_id", "start_at", "end_at", "place_station_id", "people_served", "summary"])
    result = ctx.app().duty.record(data, log=[_log_entry(t) for t in args.log])
    return _changed(ctx, result, _("recorded duty shift"))


def _duty_log(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().duty.add_log_entry(args.id, _log_entry(args.entry)),
                    _("added work-log entry"))


def _duty_delete(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().duty.delete(args.id), _("deleted duty shift"))


def _duty_list(args, ctx: Context) -> int:
    rows = ctx.app().duty.list(Query(filters={"year": args.year, "adviser": args.adviser}, limit=args.limit,
                                     offset=args.offset))
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.id[:8], r.adviser, r.place, r.start_at.strftime("%Y-%m-%d %H:%M"), r.end_at.strftime("%H:%M"),
          f"{r.hours:g}", r.people_served, r.summary] for r in rows],
        [_("id"), _("adviser"), _("place"), _("start"),
         _("end"), _("hours"), _("people"), pgettext("station_app.cli.work_cmds", "summary")]))
    return 0


def _duty_show(args, ctx: Context) -> int:
    d = ctx.app().duty.get(args.id, reveal=args.reveal).values  # a reveal is access-logged by the service
    head = [f"{k}: {'' if d[k] is None else d[k]}" for k in d if k != "log"]
    log = table([[e["position"], e["served"], e["content"], e["result"]] for e in d["log"]],
                [_("no."), _("served"), pgettext("station_app.cli.work_cmds", "content"), pgettext("station_app.cli.work_cmds", "result")])
    emit(ctx, d, "\n".join(head) + "\n\n" + log)
    return 0


# -- posting ---------------------------------------------------------------------------------------------------
def _register_posting(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("posting", help=_("三务 postings (Party, village, finances)"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = _cmd(s, "add", _("record a posting"), _posting_add)
    a.add_argument("--category", required=True, help="/".join(PostingCategory.values()))
    a.add_argument("--title", required=True)
    a.add_argument("--period", help=_("period: 2021-03, 2021-Q1 or 2021"))
    a.add_argument("--posted-on", dest="posted_on", required=True, help=_("date posted"))
    a.add_argument("--medium", help="/".join(PostingMedium.values()))
    a.add_argument("--reviewer", help=_("reviewer"))
    a.add_argument("--reviewed-on", dest="reviewed_on", help=_("date of the finance review (财务)"))
    a.add_argument("--review-opinion", dest="review_opinion", help=_("review opinion (财务)"))
    a.add_argument("--audited-by", dest="audited_by", help=_("who audited (党务)"))
    a.add_argument("--audited-on", dest="audited_on", help=_("date audited (党务)"))
    a.add_argument("--approved-by", dest="approved_by", help=_("who approved (党务)"))
    a.add_argument("--approved-on", dest="approved_on", help=_("date approved (党务)"))
    a.add_argument("--immediate", action="store_const", const=True,
                   help=_("随时公开: a major matter posted at once, outside the schedule (period optional)"))
    a.add_argument("--content")
    a.add_argument("--photo", action="append", default=[], metavar="FILE",
                   help=_("photo of the board, jpg/png (repeatable)"))

    td = _cmd(s, "takedown", _("take a posting down (it is archived)"), _posting_takedown)
    _id_arg(td)
    td.add_argument("--on", help=_("date taken down (default: today)"))

    ls = _cmd(s, "list", _("list postings"), _posting_list)
    ls.add_argument("--year", type=int, help=_("year of the period covered"))
    ls.add_argument("--category")
    ls.add_argument("--current", action="store_true", help=_("only postings still up"))

    due = _cmd(s, "due", _("postings due to be taken down"), _posting_due)
    due.add_argument("--days", type=int, default=po.DEFAULT_DISPLAY_DAYS,
                     help=_("days a posting stays up (default 15)"))
    due.add_argument("--today", help=pgettext("station_app.cli.work_cmds", "as of this date (default: today)"))

    rm = _cmd(s, "delete", _("delete a mistaken posting (a tombstone is kept)"),
              _posting_delete)
    _id_arg(rm)
    from station_app.cli.records_cmds import register_posting_extras

    register_posting_extras(s, _cmd)


POSTING_FIELDS = list(po.SPECS)


def _posting_add(args, ctx: Context) -> int:
    result = ctx.app().postings.record(collect(args, POSTING_FIELDS), photos=args.photo)
    return _changed(ctx, result, _("recorded posting"))


def _posting_takedown(args, ctx: Context) -> int:
    result = ctx.app().postings.take_down(args.id, args.on or date.today())
    return _changed(ctx, result, _("took posting down"))


def _posting_delete(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().postings.delete(args.id), _("deleted posting"))


def _posting_table(rows: list[po.PostingRow]) -> str:
    return table(
        [[r.id[:8], r.category, r.period, r.title, r.posted_on, r.taken_down_on or _("up"), r.medium,
          r.reviewer, r.photos] for r in rows],
        [_("id"), _("category"), _("period"), _("title"),
         _("posted"), _("taken down"), _("medium"), pgettext("station_app.cli.work_cmds", "reviewer"),
         _("photos")])


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
    p = sub.add_parser("outreach", help=_("outreach events"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = _cmd(s, "add", _("record an outreach event"), _outreach_add)
    a.add_argument("--kind", required=True, help="/".join(OutreachKind.values()))
    a.add_argument("--date", dest="held_on", required=True)
    a.add_argument("--topic", required=True)
    a.add_argument("--speaker")
    a.add_argument("--adviser", dest="adviser_id", help=_("adviser id or name"))
    a.add_argument("--place")
    a.add_argument("--attendees", required=True, help=_("attendees"))
    a.add_argument("--materials", required=True, help=_("materials handed out"))
    a.add_argument("--organiser", help=_("organiser: 村法律顾问/镇司法所/村委会/其他 (default 村法律顾问 with --adviser)"))
    a.add_argument("--theme", help=_("campaign theme, e.g. 习近平法治思想"))
    a.add_argument("--occasion", help="3·15/4·15/6·26/12·4/两会/其他")
    a.add_argument("--audience", help=_("法律六进: 机关/乡村/社区/学校/企业/单位"))
    a.add_argument("--villages", help=_("villages covered (station codes, comma-separated)"))
    a.add_argument("--photo", action="append", default=[], metavar="FILE",
                   help=_("photo of the event, jpg/png (repeatable)"))

    ls = _cmd(s, "list", _("list outreach events"), _outreach_list)
    ls.add_argument("--year", type=int)
    ls.add_argument("--kind")

    rm = _cmd(s, "delete", _("delete an event (a tombstone is kept)"), _outreach_delete)
    _id_arg(rm)


def _outreach_add(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().outreach.record(collect(args, OUTREACH_FIELDS), photos=args.photo),
                    _("recorded outreach event"))


def _outreach_delete(args, ctx: Context) -> int:
    return _changed(ctx, ctx.app().outreach.delete(args.id), _("deleted outreach event"))


def _outreach_list(args, ctx: Context) -> int:
    rows = ctx.app().outreach.list(Query(filters={"year": args.year, "kind": args.kind}, limit=None))
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.id[:8], r.held_on, r.kind, r.topic, r.speaker or r.adviser, r.place, r.attendees, r.materials]
         for r in rows],
        [_("id"), _("date"), _("kind"), _("topic"),
         _("speaker"), _("place"), pgettext("station_app.cli.work_cmds", "attendees"), _("materials")]))
    return 0
