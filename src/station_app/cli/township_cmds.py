"""`station-app township migrate-to --db-url URL`: move a township's SQLite database to PostgreSQL (docs/hub.md)."""

from __future__ import annotations

import argparse

from station_app.cli.common import Context, add_json, emit, progress_bar, table
from station_app.core.errors import StationError
from station_app.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("township", help=_("township hub: move the township's database to a PostgreSQL server"))
    ts = t.add_subparsers(dest="action", metavar="ACTION", required=True)
    m = ts.add_parser("migrate-to", help=_("copy this township's database to an empty PostgreSQL database, verify "
                                           "every row, then use it (the SQLite file is kept)"))
    m.add_argument("--db-url", required=True, metavar="URL",
                   help=_("the empty PostgreSQL database (postgresql+psycopg://user@host/database; give the password "
                          "in PGPASSWORD or ~/.pgpass, not in the URL)"))
    add_json(m)
    m.set_defaults(handler=_migrate_to)


class NotVerified(StationError):
    exit_code = 1


def _migrate_to(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.sync.hubmove import move_installation

    ctx.app().require("backup.restore")  # replacing the database is an administrator's act, like a restore
    ctx.close()  # nothing of this process holds the database while it is copied

    report = move_installation(ctx.paths, args.db_url, progress=progress_bar(ctx))
    bad = [t for t in report.tables if not t.ok]
    rows = [[t.table, str(t.source_rows), str(t.target_rows), _("ok") if t.ok else _("DIFFERS")]
            for t in report.tables if t.source_rows or t.target_rows or not t.ok]
    lines = [table(rows, [_("table"), _("SQLite rows"), _("PostgreSQL rows"), _("verified")])]
    for t in bad:
        lines.append(_("{table}: {missing} missing, {extra} extra, {differing} differing", table=t.table,
                       missing=t.missing, extra=t.extra, differing=t.differing))
        lines.extend("  " + e for e in t.examples)
    data = report.as_dict()
    if bad:
        data["switched"] = False
        emit(ctx, data, lines + [_("verification failed: this installation still uses {source}; the target {target} "
                                   "holds the copy (empty it before trying again)", source=report.source,
                                   target=report.target)])
        return 1
    data["switched"] = True
    emit(ctx, data, lines + [_("verified {rows} rows in {tables} tables: this installation now uses {target}. The "
                               "SQLite file {source} is kept and no longer used.", rows=report.rows,
                               tables=len(report.tables), target=report.target, source=report.source)])
    return 0
