"""Commands of issue 10 beside the existing ones: `settings`, `adviser assign|assignments|confirm|standards`,
`posting status`, `consult pending|answer`."""

from __future__ import annotations

import argparse
from datetime import date

from station_app.cli.common import emit_changed as _changed, Context, add_json, collect, emit, table
from station_app.core import validators as v
from station_app.core.errors import ValidationError
from station_app.core.i18n import _, pgettext


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("settings", help=_("settings: 三务 grace days, advisers' standards"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = s.add_parser("show", help=_("show"))
    add_json(show)
    show.set_defaults(handler=_settings_show)
    st = s.add_parser("set", help=_("change one (default restores the default)"))
    st.add_argument("key", help="posting_grace_days / adviser_hours_per_month / adviser_lectures_per_quarter")
    st.add_argument("value", help=_("the new value (a number), or default"))
    add_json(st)
    st.set_defaults(handler=_settings_set)


def _date_option(raw: str | None, option: str) -> date:
    if not raw:
        return date.today()
    try:
        return v.parse_date(raw)
    except ValidationError as e:
        raise ValidationError.single(option, e.problems[0].message) from None


def _year_option(raw: str) -> int:
    from station_app.cli.report_cmds import parse_year

    return parse_year(raw)


def _settings_show(args, ctx: Context) -> int:
    from station_app.services.settings import SETTINGS, all_settings

    values = all_settings(ctx.db())
    emit(ctx, values, "\n".join(f"{k} = {values[k]:g}    {SETTINGS[k].label}" for k in values))
    return 0


def _settings_set(args, ctx: Context) -> int:
    from station_app.services.settings import all_settings, set_setting

    db = ctx.db()
    set_setting(db, ctx.user, args.key, args.value)
    values = all_settings(db)
    emit(ctx, values, "\n".join(f"{k} = {val:g}" for k, val in values.items()))
    return 0


# -- adviser assign / assignments / confirm / standards ------------------------------------------------------------
def register_adviser_extras(s: argparse._SubParsersAction, cmd) -> None:
    a = cmd(s, "assign", _("an adviser serves a village (contract dates)"), _assign)
    a.add_argument("--adviser", dest="adviser_id", required=True, help=_("adviser id or name"))
    a.add_argument("--village", dest="village_station_id", required=True, help=_("village code, e.g. S01"))
    a.add_argument("--from", dest="starts_on", required=True, help=_("contract start"))
    a.add_argument("--to", dest="ends_on", help=_("contract end (empty: open)"))
    a.add_argument("--contract-no", dest="contract_no", help=_("contract number"))
    ls = cmd(s, "assignments", _("which villages advisers serve"), _assignments)
    ls.add_argument("--on", help=_("only contracts in force on this date"))
    c = cmd(s, "confirm", _("the village confirms an adviser's month of work log"), _confirm)
    c.add_argument("--adviser", dest="adviser_id", required=True, help=_("adviser id or name"))
    c.add_argument("--village", dest="place_station_id", help=_("village code (default: this station)"))
    c.add_argument("--month", required=True, help=_("month, e.g. 2021-03"))
    c.add_argument("--on", dest="confirmed_on", required=True, help=_("date confirmed"))
    c.add_argument("--by", dest="confirmed_by", required=True, help=_("who confirmed"))
    c.add_argument("--method", help="签字/盖章/签字盖章")
    std = cmd(s, "standards", _("hours per village per month and lectures per quarter against the standards"), _standards)
    std.add_argument("--year", required=True)
    std.add_argument("--as-of", dest="as_of", help=_("as of this date (default: today)"))
    std.add_argument("--below", action="store_true", help=_("only those below the standard"))




def _assign(args, ctx: Context) -> int:
    from station_app.services import standards as sd

    data = collect(args, ["adviser_id", "village_station_id", "starts_on", "ends_on", "contract_no"])
    return _changed(ctx, sd.assign(ctx.db(), ctx.user, data), _("recorded assignment"))


def _assignments(args, ctx: Context) -> int:
    from station_app.services import standards as sd

    rows = sd.list_assignments(ctx.db(), on=_date_option(args.on, "--on") if args.on else None)
    emit(ctx, rows, table([[r["id"][:8], r["adviser"], r["village"], r["starts_on"], r["ends_on"] or "",
                            r["contract_no"] or ""] for r in rows],
                          [_("id"), _("adviser"), _("village"),
                           _("from"), _("to"), _("contract")]))
    return 0


def _confirm(args, ctx: Context) -> int:
    from station_app.services import standards as sd

    data = collect(args, ["adviser_id", "place_station_id", "month", "confirmed_on", "confirmed_by", "method"])
    return _changed(ctx, sd.confirm_month(ctx.db(), ctx.user, data), _("recorded the confirmation"))


def _standards(args, ctx: Context) -> int:
    from station_app.services import standards as sd

    report = sd.standards_report(ctx.db(), _year_option(args.year), _date_option(args.as_of, "--as-of"))
    if args.below:
        report["months"] = [m for m in report["months"] if m["below_standard"]]
        report["quarters"] = [q for q in report["quarters"] if q["below_standard"]]
    yes, no = _("yes"), _("no")
    months = table([[m["adviser"], m["station"], m["month"], f"{m['hours']:g}", f"{m['standard']:g}",
                     (_("below") if m["below_standard"] else
                      _("met") if m["complete"] else _("month not over")),
                     yes if m["confirmed"] else no] for m in report["months"]],
                   [_("adviser"), _("village"), _("month"), _("hours"),
                    _("standard"), _("result"), _("confirmed")])
    quarters = table([[q["adviser"], q["station"], q["quarter"], q["lectures"], q["standard"],
                       _("below") if q["below_standard"] else
                       _("met") if q["complete"] else _("quarter not over")]
                      for q in report["quarters"]],
                     [_("adviser"), _("village"), _("quarter"),
                      _("lectures"), _("standard"), _("result")])
    emit(ctx, report, months + "\n\n" + quarters)
    return 0


# -- consult pending / answer --------------------------------------------------------------------------------------
def register_consult_extras(s: argparse._SubParsersAction) -> None:
    p = s.add_parser("pending", help=_("deferred answers still owed"))
    p.add_argument("--as-of", dest="as_of", help=pgettext("station_app.cli.records_cmds", "as of this date (default: today)"))
    add_json(p)
    p.set_defaults(handler=_consult_pending)
    a = s.add_parser("answer", help=_("record that a deferred answer was given"))
    a.add_argument("id")
    a.add_argument("--on", required=True, help=_("date answered"))
    a.add_argument("--answer", help=_("the answer"))
    add_json(a)
    a.set_defaults(handler=_consult_answer)


def _consult_pending(args, ctx: Context) -> int:
    from station_app.services import consultations as cs

    rows = cs.pending_answers(ctx.db(), as_of=_date_option(args.as_of, "--as-of"))
    emit(ctx, rows, table([[r["id"][:8], r["occurred_at"][:16].replace("T", " "), r["consultant"], r["phone"],
                            r["category"], r["follow_up_on"], pgettext("station_app.cli.records_cmds", "overdue") if r["overdue"] else ""]
                           for r in rows],
                          [_("id"), pgettext("station_app.cli.records_cmds", "time"), _("consultant"),
                           _("phone"), _("category"), _("promised by"),
                           _("state")]))
    return 0


def _consult_answer(args, ctx: Context) -> int:
    from station_app.services import consultations as cs

    db = ctx.db()
    record = cs.get_consultation(db, args.id)
    return _changed(ctx, cs.answer_deferred(db, ctx.user, record.id, args.on, args.answer),
                    _("recorded the answer"))


# -- posting status ------------------------------------------------------------------------------------------------
def register_posting_extras(s: argparse._SubParsersAction, cmd) -> None:
    st = cmd(s, "status", _("each required period's status (on time / late / overdue / not yet due)"), _posting_status)
    st.add_argument("--year", required=True)
    st.add_argument("--as-of", dest="as_of", help=pgettext("posting status", "as of this date (default: today)"))
    st.add_argument("--status", help="按时/逾期公开/逾期未公开/未到期")


def _posting_status(args, ctx: Context) -> int:
    from station_app.core.codes import PostingStatus
    from station_app.core.validators import code
    from station_app.reports.records_stats import posting_statuses
    from station_app.services.settings import read_setting

    wanted = None
    if args.status:
        try:
            wanted = code(PostingStatus, args.status).value
        except ValidationError as e:
            raise ValidationError.single("--status", e.problems[0].message) from None
    db = ctx.db()
    as_of = _date_option(args.as_of, "--as-of")
    with db.read() as s:
        grace = read_setting(s, "posting_grace_days")
        rows = [r for r in posting_statuses(s, _year_option(args.year), as_of, grace)
                if wanted is None or r.status == wanted]
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.station, r.category, r.period, r.due_on, r.posted_on or "", r.status] for r in rows],
        [_("village"), _("category"), _("period"), _("due by"),
         _("posted"), _("status")]))
    return 0
