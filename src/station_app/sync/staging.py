"""Staged writing: incoming rows go to a TEMP table per synced table, are planned in SQL, and move with one
INSERT … SELECT per table.

Why: the synced tables carry FTS5 search-index triggers, and FTS5 flushes its pending terms at every statement
savepoint. An executemany runs each row as its own statement, so every row became a tiny index segment; one
INSERT … SELECT is one statement, so the index is written once per table. Planning in SQL (owner check, rewritten
versions, rows already held) also keeps the rows out of Python objects: only the stored values pass through.

Rows are staged in their stored form (rowcheck.RowChecker gives it; `add_parsed` converts Python values the way
SQLAlchemy's SQLite types store them), into untyped columns, so the final INSERT applies the real table's affinity
exactly as a direct insert would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station_app.core.i18n import _
from station_app.store.models import SYNCED_MODELS
from station_app.sync.results import BundleRefused
from station_app.sync.rowcheck import columns
from station_app.sync.sqlraw import RawSql, _json_same  # noqa: F401 (re-exported for older imports)


@dataclass
class _Plan:
    write: int  # rows to insert or replace (newer than what is held)
    skipped: int  # older than or equal to what is held


def _stored_converter(kind: str):
    if kind == "datetime":
        return lambda v: v if v is None or isinstance(v, str) else v.isoformat(" ", "microseconds")
    if kind == "date":
        return lambda v: v if v is None or isinstance(v, str) else v.isoformat()
    if kind == "json":
        return lambda v: None if v is None else json.dumps(v)
    return None


def missing_reference() -> BundleRefused:
    """A merge on PostgreSQL whose role may not switch foreign keys off (sync.merge._pg_merge_session) met a row
    that references a record of a bundle not yet here."""
    return BundleRefused(_("the bundle refers to records this township does not hold yet (a bundle of this station is missing): import the missing bundles first, then this one again"))


class Stage:
    """TEMP staging tables on the merge transaction's own connection (dropped again before it commits).

    `raw` is the transaction's connection with the dialect's spelling (sync/sqlraw.py): SQLite or PostgreSQL."""

    def __init__(self, s: Session):
        self.session = s
        self.raw = RawSql(s)
        self.staged: dict[str, int] = {}
        self.plans: dict[str, _Plan] = {}

    def _name(self, table: str) -> str:
        return self.raw.stage_name(table)

    def _ensure(self, table: str) -> list[str]:
        names = [c.key for c in columns(table)]
        if table not in self.staged:
            self.raw.create_stage(table, names)
            self.staged[table] = 0
        return names

    def add(self, table: str, rows: list[tuple]) -> None:
        """Stage rows already in stored form, in the table's column order."""
        names = self._ensure(table)
        if rows:
            self.raw.load(self._name(table), names, rows)
            self.staged[table] += len(rows)

    def add_parsed(self, table: str, rows: list[dict]) -> None:
        """Stage rows given as Python values (a payload built or read whole)."""
        conv = [(c.key, _stored_converter(c.kind)) for c in columns(table)]
        self.add(table, [tuple(r[k] if f is None else f(r[k]) for k, f in conv) for r in rows])

    def plan(self, owners: frozenset[str]) -> dict[str, _Plan]:
        """Compare every staged row with the version held; raise Fork or BundleRefused before anything is written;
        drop from the stage what is already held (same or newer counter)."""
        from station_app.sync.merge import Fork

        raw = self.raw
        owner_marks = ", ".join("?" * len(owners))
        for model in SYNCED_MODELS:
            table = model.__tablename__
            if not self.staged.get(table):
                continue
            st = self._name(table)
            names = [c.key for c in columns(table)]
            main = raw.table(table)
            hit = raw.execute(
                f"SELECT s.id FROM {st} s JOIN {main} h ON h.id = s.id "
                f"WHERE {raw.differs('h.station_id', 's.station_id')} OR h.station_id NOT IN ({owner_marks}) LIMIT 1",
                tuple(owners)).fetchone()
            if hit is not None:
                raise BundleRefused(_("invalid bundle content: table {table}, record {value}, field station_id: the record belongs to another station; this bundle may not change it", table=table, value=hit[0]))
            kinds = {c.key: c.kind for c in columns(table)}

            def differs(n: str) -> str:
                return raw.differs(f"h.{n}", f"s.{n}", json_column=kinds[n] == "json")

            which = "CASE " + " ".join(f"WHEN {differs(n)} THEN '{n}'" for n in names) + " END"
            same_version = "true" if table == "record_history" else "h.counter = s.counter"
            hit = raw.execute(
                f"SELECT s.id, s.counter, {which} FROM {st} s JOIN {main} h ON h.id = s.id "
                f"WHERE {same_version} AND ({' OR '.join(differs(n) for n in names)}) LIMIT 1").fetchone()
            if hit is not None:
                rid, counter, fld = hit
                raise Fork("rewritten", _("table {table}, record {rid}: the version at counter {counter} differs from the one already imported (field {fld}): a rewritten counter range", table=table, rid=rid, counter=counter, fld=fld))
            held = "" if table == "record_history" else " AND h.counter >= " + st.split(".")[1] + ".counter"
            cur = raw.execute(f"DELETE FROM {st} WHERE EXISTS (SELECT 1 FROM {main} h "
                              f"WHERE h.id = {st.split('.')[1]}.id{held})")
            skipped = max(cur.rowcount, 0)
            self.plans[table] = _Plan(self.staged[table] - skipped, skipped)
        return self.plans

    def write(self) -> dict[str, int]:
        """Move the planned rows, one INSERT … SELECT per table (in foreign-key order); drop the stage."""
        counts: dict[str, int] = {}
        raw = self.raw
        try:
            for model in SYNCED_MODELS:
                table = model.__tablename__
                plan = self.plans.get(table)
                if plan is None or not plan.write:
                    continue
                names = [c.key for c in columns(table)]
                cols = ", ".join(names)
                if table == "record_history":  # append-only: identical by the plan's check
                    conflict = "ON CONFLICT(id) DO NOTHING"
                else:
                    # The WHERE keeps the higher counter and the owner even if the plan missed something.
                    sets = ", ".join(f"{n} = excluded.{n}" for n in names if n != "id")
                    conflict = (f"ON CONFLICT(id) DO UPDATE SET {sets} WHERE {table}.counter < excluded.counter "
                                f"AND {table}.station_id = excluded.station_id")
                try:
                    raw.execute(f"INSERT INTO {raw.table(table)} ({cols}) SELECT {cols} FROM {self._name(table)} "
                                f"WHERE true {conflict}")
                except raw.integrity_error as e:  # the driver's (a unique key of another record)
                    if type(e).__name__ == "ForeignKeyViolation":  # PostgreSQL, foreign keys not switched off
                        raise missing_reference() from None
                    raise BundleRefused(_("the bundle conflicts with records held: table {table}: {e}", table=table, e=e)) from None
                counts[table] = plan.write
        except IntegrityError as e:
            raise BundleRefused(_("the bundle conflicts with records held: {orig}", orig=e.orig)) from None
        self.drop()
        return counts

    def drop(self) -> None:
        for table in self.staged:
            self.raw.execute(f"DROP TABLE IF EXISTS {self._name(table)}")
        self.staged = {}
