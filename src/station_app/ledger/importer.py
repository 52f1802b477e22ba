"""Importing a 台账 file: all rows or none.

Every row is read and validated before anything is kept. One bad row means nothing is imported, and the report
lists every bad row (spreadsheet row number, the header being row 1; column header; reason). Good files go in
through the ordinary services (`add_consultation`, `add_shift`, ...) inside ONE write transaction whose history
rows carry `source="ledger:<file name>"`, so imported records are ordinary records: counted by stats, carried by
bundles.

Each row leaves a fingerprint (sha256 of the kind and its normalised cell values) in `ledger_rows`; a row whose
fingerprint is there already is skipped and counted as already imported. Normalised means that the same row in a
re-saved, re-ordered, re-encoded or xlsx-to-csv converted file has the same fingerprint. Identical rows inside one
file (two anonymous walk-ins with the same question on the same day) are told apart by their occurrence number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station_app.core.i18n import _
from station_app.core.progress import NO_TASK, Task
from station_app.ledger.layouts import ImportContext, Layout, RowError, RowProblem, layout
from station_app.ledger.read import Row, read_ledger
from station_app.ledger.staged import StagedAdds
from station_app.services.base import StationDB
from station_app.store.ledger_models import LedgerRow


@dataclass
class LedgerReport:
    file_name: str
    kind: str
    dry_run: bool
    rows: int = 0  # non-empty data rows in the file
    new: int = 0  # rows not imported before: imported now, or (dry run / bad rows) that would be
    imported: int = 0
    already_imported: int = 0
    advisers_created: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    problems: list[RowProblem] = field(default_factory=list)
    counter: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({(p.sheet, p.row) for p in self.problems})

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file_name, "kind": self.kind, "dry_run": self.dry_run, "ok": self.ok,
                "rows": self.rows, "new": self.new, "imported": self.imported,
                "already_imported": self.already_imported, "bad_rows": self.bad_rows,
                "advisers_created": self.advisers_created, "ignored_columns": self.ignored_columns,
                "ignored_sheets": self.ignored_sheets, "sheets": self.sheets, "encoding": self.encoding,
                "counter": self.counter, "problems": [p.as_dict() for p in self.problems]}

    def lines(self) -> list[str]:
        """The report as township staff read it."""
        lay = layout(self.kind)
        where = f"{self.file_name}（{lay.label}）" if _("en") == "zh" else f"{self.file_name} ({lay.label})"
        out = [_("ledger {where}: {rows} data rows", where=where, rows=self.rows)]
        if self.encoding:
            out.append(_("text encoding: {encoding}", encoding=self.encoding))
        if self.problems:
            out.append(_("{bad_rows} rows are wrong; nothing was imported. Correct these rows and import again:", bad_rows=self.bad_rows))
            out.extend("  " + str(p) for p in self.problems)
        elif self.dry_run:
            out.append(_("dry run: all rows are fine; {new} rows would be imported (nothing was written)", new=self.new))
        elif self.imported or not self.already_imported:
            out.append(_("imported {imported} rows", imported=self.imported))
        if self.already_imported:
            if self.new == 0 and not self.problems:
                out.append(_("all {already_imported} rows were imported before; nothing was imported twice", already_imported=self.already_imported))
            else:
                out.append(_("{already_imported} rows were imported before and were skipped", already_imported=self.already_imported))
        if self.advisers_created:
            names = _(", ").join(self.advisers_created)
            if self.imported:
                out.append(_("new advisers created: {names}", names=names))
            else:
                out.append(_("advisers not in the list, to be created on import: {names}", names=names))
        if self.ignored_columns:
            out.append(_("columns not in this layout were ignored: {columns}",
                         columns=_(", ").join(self.ignored_columns)))
        if self.ignored_sheets:
            out.append(_("sheets with other headers were not read: {sheets}", sheets=_(", ").join(self.ignored_sheets)))
        return out


#: Rows between two session flushes inside the import's write (see import_ledger).
FLUSH_EVERY = 200


class _Rollback(Exception):
    """Leaves the write transaction without committing (bad rows, or a dry run)."""


@dataclass
class _Prepared:
    row: Row
    canon: dict[str, Any]
    fingerprint: str
    payload: Any = None


def fingerprints(lay: Layout, canon_rows: Iterable[dict[str, Any]]) -> list[str]:
    """One fingerprint per row; the n-th identical row of a file gets occurrence n, so duplicates stay distinct."""
    seen: dict[str, int] = {}
    out = []
    for canon in canon_rows:
        base = lay.fingerprint_base(canon)
        seen[base] = seen.get(base, 0) + 1
        out.append(hashlib.sha256(f"{base}#{seen[base]}".encode()).hexdigest())
    return out


def known_fingerprints(session, fps: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(fps), 500):
        chunk = fps[i:i + 500]
        found.update(session.execute(select(LedgerRow.fingerprint).where(LedgerRow.fingerprint.in_(chunk))).scalars())
    return found


def _more_problems(lay: Layout, row: Row, cell_error: RowError, problem) -> None:
    """A row with unreadable cells still goes through its service's checks, so every problem of the row is
    reported at once; problems of columns already reported are not repeated."""
    failed = {col for col, _ in cell_error.problems}
    try:
        lay.validate(cell_error.partial or {})
    except RowError as e:
        rest = [(col, msg) for col, msg in e.problems if col not in failed]
        if rest:
            problem(row, RowError(rest))
    except (TypeError, AttributeError, KeyError, ValueError):
        pass  # checks that need the unreadable cells cannot run; the cell problems are reported


def import_ledger(db: StationDB, path: str | Path, kind: str, *, actor: str, dry_run: bool = False,
                  task: Task = NO_TASK) -> LedgerReport:
    """Import a ledger file of `kind` (consultation, duty, mediation, posting, outreach).

    Raises LedgerFileError when the file as a whole cannot be read (type, encoding, header); returns a report
    otherwise. `report.ok` is False when rows are wrong: then nothing was written. `task` reports progress and
    may cancel (core.progress.Cancelled): the one write transaction is rolled back, nothing is written.
    """
    lay = layout(kind)
    p = Path(path)
    table = read_ledger(p, lay.headers, lay.optional_headers)
    report = LedgerReport(p.name, lay.kind, dry_run, rows=len(table.rows), ignored_columns=table.ignored_columns,
                          ignored_sheets=table.ignored_sheets, sheets=table.sheets, encoding=table.encoding)

    def problem(row: Row, e: RowError) -> None:
        report.problems.extend(RowProblem(row.number, col, msg, row.sheet) for col, msg in e.problems)

    # 1. every cell of every row
    parsed: list[tuple[Row, dict[str, Any]]] = []
    total = len(table.rows)
    task.step(0, total, _("checking rows"))
    for row in table.rows:
        try:
            parsed.append((row, lay.parse_cells(row.values)))
        except RowError as e:
            problem(row, e)
            _more_problems(lay, row, e, problem)
    prepared = [_Prepared(row, canon, fp)
                for (row, canon), fp in zip(parsed, fingerprints(lay, (c for _, c in parsed)))]

    # 2. rows imported before are skipped; the others are validated by their record's service
    with db.read() as s:
        known = known_fingerprints(s, [x.fingerprint for x in prepared])
    fresh: list[_Prepared] = []
    for x in prepared:
        if x.fingerprint in known:
            report.already_imported += 1
            continue
        try:
            x.payload = lay.validate(x.canon)
            fresh.append(x)
        except RowError as e:
            problem(x.row, e)
    report.new = report.rows - report.already_imported

    # 3. one write for the whole file; rolled back on any bad row or for a dry run
    if fresh:
        try:
            with db.write(actor, source=f"ledger:{p.name}") as w:
                ctx = ImportContext(w)
                ctx.staged = staged = StagedAdds(w)  # type: ignore[attr-defined]
                for n, x in enumerate(fresh, start=1):
                    if n % FLUSH_EVERY == 0:
                        task.step(n, len(fresh), _("writing records"))
                        # Writer.add flushes each record alone while its history rows (and our fingerprints) wait
                        # for the commit; every such flush scans all pending objects, so without this a big file
                        # costs O(rows²). Flushing now and then keeps it linear; it is still one transaction.
                        w.session.flush()
                    try:
                        obj = lay.add(ctx, x.payload)
                    except RowError as e:
                        problem(x.row, e)
                        continue
                    staged.ledger_row(kind=lay.kind, fingerprint=x.fingerprint, record_table=lay.table,
                                      record_id=obj.id, file_name=p.name[:255],
                                      sheet=x.row.sheet[:64] if x.row.sheet else None, row_number=x.row.number)
                report.advisers_created = list(ctx.advisers_created)
                task.step(len(fresh), len(fresh), _("committing"))  # the last point to cancel
                if report.problems or dry_run:
                    raise _Rollback
                staged.write()
            report.imported = len(fresh)
            report.counter = w.result.counter
        except _Rollback:
            pass
    order = {name: i for i, name in enumerate(table.sheets)}
    cols = {h: i for i, h in enumerate(lay.headers)}
    report.problems.sort(key=lambda pr: (order.get(pr.sheet, 0), pr.row, cols.get(pr.column, len(cols))))
    if report.imported and lay.personal_data:
        from station_app.services.audit import log_access

        log_access(db, actor, "import", lay.table, detail=f"ledger:{p.name} rows={report.imported}")
    return report
