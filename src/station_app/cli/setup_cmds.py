"""init and user commands."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from station_app.cli.common import Context, add_json, emit, table
from station_app.core.codes import Role, StationKind
from station_app.core.errors import ValidationError
from station_app.core.i18n import pick
from station_app.core.query import Query


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help=pick("初始化本机（村工作室或镇中心）", "set up this installation"))
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    t = kinds.add_parser("township", help=pick("镇公共法律服务中心", "the township centre"))
    t.add_argument("--code", required=True, help="T00")
    t.add_argument("--name", required=True)
    add_json(t)
    t.set_defaults(handler=_init, station_kind=StationKind.CENTRE)
    s = kinds.add_parser("station", help=pick("村公共法律服务工作室", "a village station"))
    s.add_argument("--code", required=True, help="S01")
    s.add_argument("--name", required=True)
    s.add_argument("--township-card", metavar="FILE",
                   help=pick("镇中心的公钥名片（用于加密同步包）", "the township's public card (bundles are encrypted to it)"))
    add_json(s)
    s.set_defaults(handler=_init, station_kind=StationKind.VILLAGE)

    u = sub.add_parser("user", help=pick("用户管理", "users"))
    us = u.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = us.add_parser("add", help=pick("添加用户", "add a user"))
    a.add_argument("--login", required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--role", required=True, help="/".join(Role.values()))
    a.add_argument("--password-env", metavar="VAR",
                   help=pick("从环境变量读取密码（不填则提示输入）", "read the password from this environment variable"))
    add_json(a)
    a.set_defaults(handler=_user_add)
    ls = us.add_parser("list", help=pick("列出用户", "list users"))
    add_json(ls)
    ls.set_defaults(handler=_user_list)
    pw = us.add_parser("password", help=pick("设置用户密码（管理员可为任何人设置，用户可为自己设置）",
                                             "set a user's password (an admin for anyone, a user for themself)"))
    pw.add_argument("login")
    pw.add_argument("--password-env", metavar="VAR",
                    help=pick("从环境变量读取密码（不填则提示输入）", "read the password from this environment variable"))
    add_json(pw)
    pw.set_defaults(handler=_user_password)

    sc = sub.add_parser("schedule", help=pick("本村三务公开频率（默认：财务每月，村务、党务每季度）",
                                              "this village's 三务 posting schedule (default: 财务 monthly, 村务 and 党务 quarterly)"))
    scs = sc.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = scs.add_parser("show", help=pick("查看", "show"))
    add_json(show)
    show.set_defaults(handler=_schedule_show)
    st = scs.add_parser("set", help=pick("设置某一类别的公开频率", "set how often a category is published"))
    st.add_argument("category", help="党务/村务/财务")
    st.add_argument("unit", help="month/quarter/year/none（每月/每季度/每年/不要求）")
    add_json(st)
    st.set_defaults(handler=_schedule_set)


def _init(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.app import Application

    app, result = Application.init(ctx.paths, kind=args.station_kind, code=args.code, name=args.name,
                                   township_card=getattr(args, "township_card", None))
    ctx.adopt(app)
    code, name = result["code"], result["name"]
    emit(ctx, result, pick(f"已初始化 {code} {name}（{StationKind(result['kind']).label}），数据目录 {ctx.paths.root}",
                           f"set up {code} {name} ({StationKind(result['kind']).label}) in {ctx.paths.root}"))
    return 0


def _schedule_show(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.core.codes import PeriodUnit

    schedule = ctx.app().stations.schedule()
    emit(ctx, schedule, "\n".join(f"{cat}: {PeriodUnit(unit).label if unit else pick('不要求', 'not required')}"
                                  for cat, unit in schedule.items()))
    return 0


def _schedule_set(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.core.codes import PeriodUnit

    unit = {"每月": "month", "每季度": "quarter", "每年": "year", "不要求": "none"}.get(args.unit, args.unit)
    schedule = ctx.app().stations.set_schedule(args.category, unit)
    emit(ctx, schedule, "\n".join(f"{cat}: {PeriodUnit(u).label if u else pick('不要求', 'not required')}"
                                  for cat, u in schedule.items()))
    return 0


def _user_add(args: argparse.Namespace, ctx: Context) -> int:
    app = ctx.app()
    app.require("user.manage")  # before asking for a password
    password = _read_password(args)
    user = app.users.add(login=args.login, name=args.name, role=args.role, password=password)
    emit(ctx, {"login": user.login, "name": user.name, "role": user.role},
         pick(f"已添加用户 {user.login}（{user.role}）", f"added user {user.login} ({user.role})"))
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_env:
        return os.environ.get(args.password_env, "")
    if not sys.stdin or not sys.stdin.isatty():
        raise ValidationError.single(pick("密码", "password"), pick(
            "没有终端可输入密码：请用 --password-env 变量名 提供", "no terminal to type it: give --password-env VAR"),
            key="password")
    return getpass.getpass(pick("密码：", "Password: "))


def _user_password(args: argparse.Namespace, ctx: Context) -> int:
    app = ctx.app()
    if args.login != app.login:
        app.require("user.manage")  # before asking for a password
    app.users.set_password(args.login, _read_password(args))
    emit(ctx, {"login": args.login}, pick(f"已设置 {args.login} 的密码", f"password of {args.login} set"))
    return 0


def _user_list(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.app().users.list(Query(limit=None))
    data = [u.as_dict() for u in rows]
    emit(ctx, data, table([[u.login, u.name, u.role] for u in rows],
                          [pick("登录名", "login"), pick("姓名", "name"), pick("角色", "role")]))
    return 0
