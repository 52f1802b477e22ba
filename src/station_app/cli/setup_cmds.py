"""init and user commands."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from station_app.cli.common import Context, add_json, emit, table
from station_app.core.codes import Role, StationKind
from station_app.core.errors import ValidationError
from station_app.core.i18n import _, pgettext, tr
from station_app.core.query import Query


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help=_("set up this installation"))
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    t = kinds.add_parser("township", help=_("the township centre"))
    t.add_argument("--code", required=True, help="T00")
    t.add_argument("--name", required=True)
    t.add_argument("--db-url", metavar="URL",
                   help=_("keep the township's database on this PostgreSQL server "
                          "(postgresql+psycopg://user@host/database; leave the password out and give it in "
                          "PGPASSWORD or ~/.pgpass) instead of a SQLite file in the data folder"))
    add_json(t)
    t.set_defaults(handler=_init, station_kind=StationKind.CENTRE)
    s = kinds.add_parser("station", help=_("a village station"))
    s.add_argument("--code", required=True, help="S01")
    s.add_argument("--name", required=True)
    s.add_argument("--township-card", metavar="FILE",
                   help=_("the township's public card (bundles are encrypted to it)"))
    add_json(s)
    s.set_defaults(handler=_init, station_kind=StationKind.VILLAGE)

    u = sub.add_parser("user", help=_("users"))
    us = u.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = us.add_parser("add", help=_("add a user"))
    a.add_argument("--login", required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--role", required=True, help="/".join(Role.values()))
    a.add_argument("--password-env", metavar="VAR",
                   help=_("read the password from this environment variable"))
    add_json(a)
    a.set_defaults(handler=_user_add)
    ls = us.add_parser("list", help=_("list users"))
    add_json(ls)
    ls.set_defaults(handler=_user_list)
    pw = us.add_parser("password", help=_("set a user's password (an admin for anyone, a user for themself)"))
    pw.add_argument("login")
    pw.add_argument("--password-env", metavar="VAR",
                    help=_("read the password from this environment variable"))
    add_json(pw)
    pw.set_defaults(handler=_user_password)

    sc = sub.add_parser("schedule", help=_("this village's 三务 posting schedule (default: 财务 monthly, 村务 and 党务 quarterly)"))
    scs = sc.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = scs.add_parser("show", help=_("show"))
    add_json(show)
    show.set_defaults(handler=_schedule_show)
    st = scs.add_parser("set", help=_("set how often a category is published"))
    st.add_argument("category", help="党务/村务/财务")
    st.add_argument("unit", help="month/quarter/year/none（每月/每季度/每年/不要求）")
    add_json(st)
    st.set_defaults(handler=_schedule_set)


def _init(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.app import Application

    card = getattr(args, "township_card", None)
    if card and not os.path.isfile(card):  # inputs first: a failed init must leave no database and no keys behind
        raise ValidationError.single("--township-card", _("no such file: {card}", card=card))
    app, result = Application.init(ctx.paths, kind=args.station_kind, code=args.code, name=args.name,
                                   township_card=getattr(args, "township_card", None),
                                   db_url=getattr(args, "db_url", None))
    ctx.adopt(app)
    code, name = result["code"], result["name"]
    emit(ctx, result, _("set up {code} {name} ({label}) in {root}", code=code, name=name, label=StationKind(result['kind']).label, root=ctx.paths.root))
    return 0


def _schedule_show(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.core.codes import PeriodUnit

    from station_app.core.codes import POSTING_BASIS

    schedule = ctx.app().stations.schedule()
    # Each category's basis: §30 covers 村务 and 财务 only; 党务 follows the 党务公开条例 (issue 10).
    emit(ctx, schedule, "\n".join(f"{cat}: {PeriodUnit(unit).label if unit else _('not required')}"
                                  f"    {_('basis')}: {tr(POSTING_BASIS[cat])}"
                                  for cat, unit in schedule.items()))
    return 0


def _schedule_set(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.core.codes import PeriodUnit

    unit = {"每月": "month", "每季度": "quarter", "每年": "year", "不要求": "none"}.get(args.unit, args.unit)
    schedule = ctx.app().stations.set_schedule(args.category, unit)
    emit(ctx, schedule, "\n".join(f"{cat}: {PeriodUnit(u).label if u else _('not required')}"
                                  for cat, u in schedule.items()))
    return 0


def _user_add(args: argparse.Namespace, ctx: Context) -> int:
    app = ctx.app()
    app.require("user.manage")  # before asking for a password
    password = _read_password(args)
    user = app.users.add(login=args.login, name=args.name, role=args.role, password=password)
    emit(ctx, {"login": user.login, "name": user.name, "role": user.role},
         _("added user {login} ({role})", login=user.login, role=user.role))
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_env:
        return os.environ.get(args.password_env, "")
    if not sys.stdin or not sys.stdin.isatty():
        raise ValidationError.single(_("password"), _("no terminal to type it: give --password-env VAR"),
            key="password")
    return getpass.getpass(_("Password: "))


def _user_password(args: argparse.Namespace, ctx: Context) -> int:
    app = ctx.app()
    if args.login != app.login:
        app.require("user.manage")  # before asking for a password
    app.users.set_password(args.login, _read_password(args))
    emit(ctx, {"login": args.login}, _("password of {login} set", login=args.login))
    return 0


def _user_list(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.app().users.list(Query(limit=None))
    data = [u.as_dict() for u in rows]
    emit(ctx, data, table([[u.login, u.name, u.role] for u in rows],
                          [_("login"), pgettext("station_app.cli.setup_cmds", "name"), _("role")]))
    return 0
