"""Maintenance commands: `check` (is the database sound?) and `backup now|list|restore FILE`.

Neither opens the installation the usual way (which would migrate and make the rolling backup): `check` must report
the state as found, and `restore` must swap the file while nothing holds it open.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from station_app.cli.common import Context, add_json, emit, fail, table
from station_app.core.errors import StationError
from station_app.core.i18n import pick
from station_app.core.roles import PermissionDenied

CHECK_LABELS = {
    "file": ("数据库文件", "database file"),
    "quick_check": ("快速检查", "quick check"),
    "integrity_check": ("完整性检查", "integrity check"),
    "foreign_keys": ("外键", "foreign keys"),
    "migrations": ("结构版本", "schema version"),
    "search_index": ("检索索引", "search index"),
    "counter": ("变更计数", "change counter"),
}


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("check", help=pick("检查数据库（完整性、结构版本、检索索引、变更计数）",
                                          "check the database (integrity, schema version, search index, counter)"))
    add_json(c)
    c.set_defaults(handler=_check)

    b = sub.add_parser("backup", help=pick("备份与恢复", "back up and restore"))
    bs = b.add_subparsers(dest="action", metavar="ACTION", required=True)
    now = bs.add_parser("now", help=pick("立即备份", "back up now"))
    add_json(now)
    now.set_defaults(handler=_backup_now)
    ls = bs.add_parser("list", help=pick("列出备份", "list backups"))
    add_json(ls)
    ls.set_defaults(handler=_backup_list)
    rs = bs.add_parser("restore", help=pick("从备份恢复（当前数据库另存到备份目录）",
                                            "restore a backup (the current database is kept in backups/)"))
    rs.add_argument("file", metavar="FILE", help=pick("备份文件（见 backup list）", "backup file (see backup list)"))
    add_json(rs)
    rs.set_defaults(handler=_backup_restore)


def _label(name: str) -> str:
    zh, en = CHECK_LABELS.get(name, (name, name))
    return pick(zh, en)


def _check(args, ctx: Context) -> int:
    from station_app.app import Application

    items = Application.check(ctx.paths)
    ok = all(i.ok for i in items)
    data = {"ok": ok, "database": str(ctx.paths.database), "checks": [i.as_dict() for i in items]}

    def status(i) -> str:
        if not i.ok:
            return pick("异常", "FAILED")
        return pick("已修复", "repaired") if i.repaired else pick("正常", "ok")

    lines = [pick(f"数据库：{ctx.paths.database}", f"database: {ctx.paths.database}"),
             table([[_label(i.name), status(i), i.detail] for i in items],
                   [pick("检查项", "check"), pick("结果", "result"), pick("说明", "detail")])]
    if ok:
        lines.append(pick("结论：数据库完好。", "verdict: the database is sound."))
    else:
        lines.append(pick("结论：发现问题。可用 station-app backup list 查看备份，用 station-app backup restore FILE 恢复。",
                          "verdict: problems found. See station-app backup list and station-app backup restore FILE."))
    emit(ctx, data, lines)
    return 0 if ok else 1


def _backup_now(args, ctx: Context) -> int:
    path = ctx.app().backups.now()
    size = path.stat().st_size
    emit(ctx, {"path": str(path), "size": size},
         pick(f"已备份到 {path}（{size // 1024} KB）", f"backed up to {path} ({size // 1024} KB)"))
    return 0


def _backup_list(args, ctx: Context) -> int:
    from station_app.app import Application

    rows = Application.backup_files(ctx.paths)
    kinds = {"daily": ("每日", "daily"), "weekly": ("每周", "weekly"), "manual": ("手动", "manual"),
             "pre-migrate": ("升级前", "before upgrade"), "pre-restore": ("恢复前", "before restore")}
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.modified.strftime("%Y-%m-%d %H:%M"), pick(*kinds.get(r.kind, (r.kind, r.kind))),
          f"{r.size // 1024} KB", str(r.path)] for r in rows],
        [pick("时间", "time"), pick("类型", "kind"), pick("大小", "size"), pick("文件", "file")])
        if rows else pick(f"{ctx.paths.backups} 中还没有备份", f"no backups in {ctx.paths.backups} yet"))
    return 0


def _backup_restore(args, ctx: Context) -> int:
    source = Path(args.file).expanduser()
    if not source.is_file():
        # A mistyped name is bad input (exit 2); a file that is refused after reading it is a failed restore (1).
        raise StationError(pick(f"备份文件：找不到 {source}", f"backup file: no such file {source}"))
    # Nothing of this process may hold the database while its file is swapped.
    ctx.close()
    from station_app.app import Application, SignInError

    try:
        done = Application.restore_backup(ctx.paths, source, login=ctx.login)
    except (PermissionDenied, SignInError):
        raise  # not allowed: bad input (exit 2), nothing was touched
    except StationError as e:
        return fail(ctx, e, code=1)
    text = [pick(f"已从 {done.source} 恢复数据库。", f"restored the database from {done.source}.")]
    if done.aside:
        text.append(pick(f"原数据库已另存为 {done.aside}", f"the replaced database was kept as {done.aside}"))
    if done.counter_raised:
        text.append(pick(f"变更计数保持为 {done.counter}（不回退，避免重复编号）",
                         f"the change counter stays at {done.counter} (never goes back, so no number is reused)"))
    emit(ctx, done.as_dict(), text)
    return 0
