"""`access-log`: who revealed or exported personal data, and when (the log the services write)."""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, emit, table
from station_app.core.i18n import _

ACTIONS = ["reveal", "export", "import"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("access-log", help=_("who revealed which personal data, and when"))
    p.add_argument("--by", dest="actor", metavar="LOGIN", help=_("only this user's entries"))
    p.add_argument("--action", choices=ACTIONS, help=_("only this kind of access"))
    p.add_argument("--since", metavar="DATE", help=_("only entries from this date on, e.g. 2021-03-01"))
    p.add_argument("--limit", type=int, default=50, help=_("at most this many entries (newest first)"))
    p.add_argument("--offset", type=int, default=0, help=_("skip this many entries first"))
    p.set_defaults(handler=_access_log)


def _access_log(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import datetime, time, timezone

    from station_app.core import validators as v
    from station_app.core.timefmt import local_text
    from station_app.services.access_log import count_access, list_access

    since = None
    if args.since:  # the log is stamped in UTC; the date typed is a local day
        local_midnight = datetime.combine(v.parse_date(args.since), time.min).astimezone()
        since = local_midnight.astimezone(timezone.utc).replace(tzinfo=None)
    ctx.app().require("accesslog.read")  # the log says who saw whose personal data: an administrator's to read
    db = ctx.db()
    rows = list_access(db, actor=args.actor, action=args.action, since=since, limit=args.limit, offset=args.offset)
    total = count_access(db, actor=args.actor, action=args.action, since=since)
    text = table([[local_text(r.at), r.actor, r.action, r.table_name or "", (r.record_id or "")[:8], r.detail or ""]
                  for r in rows],
                 [_("time"), _("user"), _("action"), _("table"), _("record"), _("detail")]) if rows \
        else _("the access log is empty")
    if rows and total > len(rows):
        text += "\n" + _("showing {shown} of {total}; use --offset for more", shown=len(rows), total=total)
    emit(ctx, {"total": total, "entries": [r.as_dict() for r in rows]}, text)
    return 0
