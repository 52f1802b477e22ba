"""Maintenance commands: `check` (is the database sound?) and `backup now|list|restore FILE`.

Neither opens the installation the usual way (which would migrate and make the rolling backup): `check` must report
the state as found, and `restore` must swap the file while nothing holds it open.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from station_app.cli.common import Context, add_json, emit, fail, table
from station_app.core.errors import StationError
from station_app.core.i18n import _, N_, tr
from station_app.core.roles import PermissionDenied

CHECK_LABELS = {
    "file": N_("database file"),
    "quick_check": N_("quick check"),
    "integrity_check": N_("integrity check"),
    "foreign_keys": N_("foreign keys"),
    "migrations": N_("schema version"),
    "search_index": N_("search index"),
    "counter": N_("change counter"),
    "server": N_("database server"),
    "collation": N_("collation"),
}


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("check", help=_("check the database (integrity, schema version, search index, counter)"))
    add_json(c)
    c.set_defaults(handler=_check)

    b = sub.add_parser("backup", help=_("back up and restore"))
    bs = b.add_subparsers(dest="action", metavar="ACTION", required=True)
    now = bs.add_parser("now", help=_("back up now"))
    add_json(now)
    now.set_defaults(handler=_backup_now)
    ls = bs.add_parser("list", help=_("list backups"))
    add_json(ls)
    ls.set_defaults(handler=_backup_list)
    rs = bs.add_parser("restore", help=_("restore a backup (the current database is kept in backups/)"))
    rs.add_argument("file", metavar="FILE", help=_("backup file (see backup list)"))
    rs.add_argument("--dry-run", action="store_true", help=_("only say what would be lost and what the township has; restore nothing"))
    rs.add_argument("--yes", action="store_true", help=_("do not ask (at a terminal, a restore that loses records asks first)"))
    add_json(rs)
    rs.set_defaults(handler=_backup_restore)


def _label(name: str) -> str:
    return tr(CHECK_LABELS[name]) if name in CHECK_LABELS else name


def _check(args, ctx: Context) -> int:
    from station_app.app import Application

    items = Application.check(ctx.paths)
    ok = all(i.ok for i in items)
    where = Application.database_label(ctx.paths)
    data = {"ok": ok, "database": where, "checks": [i.as_dict() for i in items]}

    def status(i) -> str:
        if not i.ok:
            return _("FAILED")
        return _("repaired") if i.repaired else _("ok")

    lines = [_("database: {database}", database=where),
             table([[_label(i.name), status(i), i.detail] for i in items],
                   [_("check"), _("result"), _("detail")])]
    if ok:
        lines.append(_("verdict: the database is sound."))
    else:
        lines.append(_("verdict: problems found. See station-app backup list and station-app backup restore FILE."))
    emit(ctx, data, lines)
    return 0 if ok else 1


def _backup_now(args, ctx: Context) -> int:
    path = ctx.app().backups.now()
    size = path.stat().st_size
    emit(ctx, {"path": str(path), "size": size},
         _("backed up to {path} ({value} KB)", path=path, value=size // 1024))
    return 0


def _backup_list(args, ctx: Context) -> int:
    from station_app.app import Application

    rows = Application.backup_files(ctx.paths)
    kinds = {"daily": N_("daily"), "weekly": N_("weekly"), "manual": N_("manual"),
             "pre-migrate": N_("before upgrade"), "pre-restore": N_("before restore")}
    emit(ctx, [r.as_dict() for r in rows], table(
        [[r.modified.strftime("%Y-%m-%d %H:%M"), tr(kinds[r.kind]) if r.kind in kinds else r.kind,
          f"{r.size // 1024} KB", str(r.path)] for r in rows],
        [_("time"), _("kind"), _("size"), _("file")])
        if rows else _("no backups in {backups} yet", backups=ctx.paths.backups))
    return 0


def _interactive() -> bool:
    import sys

    # Both ends a terminal: a script whose output is captured is never left waiting for an answer.
    return bool(sys.stdin and sys.stdin.isatty() and sys.stderr and sys.stderr.isatty())


def _confirmed(warning: list[str]) -> bool:
    """At a terminal, show what a restore loses and ask; a script (no terminal) is not asked, as before."""
    import sys

    if not _interactive():
        return True
    print("\n".join(warning), file=sys.stderr)
    print(_("restore anyway? type yes to confirm: "), end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "是")


def _backup_restore(args, ctx: Context) -> int:
    source = Path(args.file).expanduser()
    if not source.is_file():
        # A mistyped name is bad input (exit 2); a file that is refused after reading it is a failed restore (1).
        raise StationError(_("backup file: no such file {source}", source=source))
    # Nothing of this process may hold the database while its file is swapped.
    ctx.close()
    from station_app.app import Application, SignInError

    try:
        plan, warning = Application.assess_restore(ctx.paths, source)
    except StationError as e:
        return fail(ctx, e, code=1)
    public = {"lost": plan["lost"], "township": plan["township"], "behind": plan["behind"], "warning": warning}
    if args.dry_run:
        emit(ctx, {"dry_run": True, **public}, warning)
        return 0
    if plan["behind"] and not args.yes and not _confirmed(warning):
        return fail(ctx, StationError(_("nothing restored (not confirmed)")), code=1)
    try:
        done = Application.restore_backup(ctx.paths, source, login=ctx.login)
    except (PermissionDenied, SignInError):
        raise  # not allowed: bad input (exit 2), nothing was touched
    except StationError as e:
        return fail(ctx, e, code=1)
    epoch = Application.continue_after_restore(ctx.paths, plan, done.aside, login=ctx.login)
    text = warning if plan["behind"] else []
    text.append(_("restored the database from {source}.", source=done.source))
    if epoch:
        text.append(_("this station continues in epoch {epoch} (change counter from {counter}); the township accepts its next bundles.", epoch=epoch['epoch'], counter=epoch['counter']))
    if done.aside:
        text.append(_("the replaced database was kept as {aside}", aside=done.aside))
    if done.counter_raised:
        text.append(_("the change counter stays at {counter} (never goes back, so no number is reused)", counter=done.counter))
    emit(ctx, {**done.as_dict(), "dry_run": False, "new_epoch": epoch["epoch"] if epoch else None,
               "next_counter": epoch["counter"] if epoch else None, **public}, text)
    return 0
