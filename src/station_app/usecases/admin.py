"""Users, the access log, backups, reports and ledgers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from station_app.core.progress import CancelFn, ProgressFn, task_of
from station_app.core.query import Page, Query
from station_app.services import audit
from station_app.services import queries as qs
from station_app.services import users as us
from station_app.usecases.base import Area, Listed


class Users(Listed):
    listing = qs.USERS
    def add(self, *, login: str, name: str, role: str, password: str) -> qs.UserRow:
        u = us.add_user(self.db, login=login, display_name=name, role=role, password=password, actor=self.actor)
        return qs.UserRow(u.login, u.display_name, u.role, u.active)

    def set_password(self, login: str, password: str) -> None:
        us.set_password(self.db, self.actor, login, password)

    def set_active(self, login: str, active: bool) -> None:
        us.set_active(self.db, self.actor, login, active)




class AccessLogArea(Area):
    def list(self, query: Query | None = None) -> list[audit.AccessEntry]:
        return audit.list_access(self.db, self.actor, query or Query())

    def count(self, query: Query | None = None) -> int:
        return audit.count_access(self.db, self.actor, query or Query())


class Backups(Area):
    def now(self, *, progress: ProgressFn | None = None) -> Path:
        self.app.require("backup.make")
        from station_app.store import backups

        task = task_of(progress)
        task.step(0, 1, "backup")
        if self.app.db.on_server:
            from station_app.store.pgcheck import dump
            from station_app.store.stationdb import database_url

            path = dump(database_url(self.app.paths) or "", self.app.paths.backups)
        else:
            path = backups.backup_now(self.app.paths.database, self.app.paths.backups)
        task.step(1, 1, path.name)
        return path

    def list(self, query: Query | None = None) -> list[Any]:
        return list_backup_files(self.app.paths, query)

    def count(self, query: Query | None = None) -> int:
        return len(self.list(Query(filters=(query or Query()).filters, limit=None)))

    def restore(self, source: str | Path) -> Any:
        """Put a backup in place of the database. The application is closed by this (nothing of this process may
        hold the file while it is swapped); open a new one afterwards."""
        self.app.require("backup.restore")
        from station_app.store import backups

        paths = self.app.paths
        if self.app.db.on_server:
            from station_app.store.pgcheck import restore_refused
            from station_app.store.stationdb import database_url

            raise restore_refused(database_url(paths) or "")
        self.app.close()
        return backups.restore(paths.database, paths.backups, Path(source))


def list_backup_files(paths: Any, query: Query | None = None) -> list[Any]:
    """Backups newest first (filter `kind`; sort `modified`), without opening the database."""
    from station_app.store import backups

    query = query or Query(limit=None)
    query.check(frozenset({"kind"}), {"modified"})
    rows = [b for b in backups.list_backups(paths.backups)
            if not query.filter("kind") or b.kind == query.filter("kind")]
    if query.sort == "modified" and not query.descending:
        rows.reverse()
    end = None if query.limit is None else query.offset + query.limit
    return rows[query.offset:end]

    def page(self, query: Query | None = None) -> Page:
        query = query or Query()
        return Page(self.list(query), self.count(query), query.offset)


class Reports(Area):
    def stats(self, year: int, *, today: date | None = None) -> dict[str, Any]:
        """The `stats --json` figures of one year (a public contract: keys never change)."""
        self.app.require("report.read")
        from station_app.reports.stats import township_stats

        return township_stats(self.db, year, today=today)

    @staticmethod
    def format_stats(stats: dict[str, Any]) -> str:
        from station_app.reports.stats import format_stats

        return format_stats(stats)

    def print_report(self, kind: str, out: str | Path, *, xlsx: str | Path | None = None,
                     **params: Any) -> dict[str, Any]:
        """Write a printed report (annual, monthly, adviser-hours, postings) as PDF and optionally XLSX, atomically."""
        self.app.require("report.read")
        from station_app.reports.printing import print_report

        return print_report(self.db, kind, out, xlsx=xlsx, **params)


class Ledgers(Area):
    def import_file(self, path: str | Path, kind: str, *, dry_run: bool = False, progress: ProgressFn | None = None,
                    cancelled: CancelFn | None = None) -> Any:
        """Import a 台账 file, all or nothing; a dry run checks every row and writes nothing."""
        self.app.require("ledger.import")
        from station_app.ledger.importer import import_ledger

        return import_ledger(self.db, path, kind, actor=self.actor, dry_run=dry_run,
                             task=task_of(progress, cancelled))

    @staticmethod
    def kinds() -> list[tuple[str, str]]:
        """The ledger layouts as (kind, label in the current language), for a front end's chooser."""
        from station_app.ledger.layouts import LAYOUTS

        return [(kind, lay.label) for kind, lay in LAYOUTS.items()]

    def preview(self, path: str | Path, kind: str, *, limit: int = 200) -> tuple[list[str], list[tuple[int, list[Any]]]]:
        """The first rows of a ledger file as the import will read them: (headers, [(row number, cells)]).
        Reads only; the dry run (`import_file(..., dry_run=True)`) says what is wrong."""
        self.app.require("ledger.import")
        from station_app.ledger.layouts import layout
        from station_app.ledger.read import read_ledger

        lay = layout(kind)
        table = read_ledger(path, lay.headers)
        return table.headers, [(r.number, [r.values.get(h) for h in table.headers]) for r in table.rows[:limit]]

    def export_file(self, kind: str, year: int, out: str | Path, *, station: str | None = None,
                    progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> Any:
        """Write a 台账 file atomically (a cancelled export leaves no file)."""
        self.app.require("ledger.export")
        from station_app.ledger.exporter import export_ledger

        return export_ledger(self.db, kind, year, out, actor=self.actor, station=station,
                             task=task_of(progress, cancelled))
