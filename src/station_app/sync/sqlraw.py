"""The raw SQL of the bulk writers (bundle merge, staging, ledger import), per database.

A station (and a township on one PC) keeps SQLite; a township on a hub keeps PostgreSQL (docs/hub.md). The merge
runs on the DB-API connection of its transaction rather than through the ORM (sync/staging.py says why), so the few
places where the two databases differ are gathered here:

| what | SQLite | PostgreSQL |
| --- | --- | --- |
| parameters | `?` | `%s` (the SQL here is written with `?`; `%` never occurs in it) |
| "differs, NULL-aware" | `IS NOT` | `IS DISTINCT FROM` |
| JSON equality | an app function comparing decoded values | `::jsonb` (equality of decoded values, key order ignored) |
| staging table | `temp.stage_x`, untyped columns (the final INSERT applies the affinity) | `pg_temp.stage_x` typed like the real table, `ON COMMIT DROP` |
| loading the stage | `executemany` | `COPY … FROM STDIN` |
| rows per `IN (…)` look-up | 900 (SQLite's host-parameter limit, 32 766, shared by the statement) | 10 000 (limit 65 535) |
| foreign keys during a merge | `PRAGMA foreign_keys=OFF` before BEGIN | `session_replication_role = replica` when the role may set it, else deferred constraints (merge.merge_session) |
| one merger per origin station | `BEGIN IMMEDIATE` (one writer per file) | `pg_advisory_xact_lock` on the origin station |
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

#: Rows per IN (...) look-up, per dialect (see the table above).
IN_CHUNK = {"sqlite": 900, "postgresql": 10_000}


def dialect_of(bind) -> str:
    """'sqlite' or 'postgresql' for a Session, Connection or Engine."""
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return bind.dialect.name


def in_chunk(bind) -> int:
    return IN_CHUNK.get(dialect_of(bind), 900)


def _json_same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if a is None or b is None:
        return False
    try:
        return json.loads(a) == json.loads(b)
    except (TypeError, ValueError):
        return False


class RawSql:
    """The DB-API connection of a session's transaction, with the dialect's spelling of what the merge needs."""

    def __init__(self, s: Session):
        conn = s.connection()
        self.dialect = conn.dialect.name
        self.pg = self.dialect == "postgresql"
        self.dbapi = conn.connection.dbapi_connection
        if self.pg:
            import psycopg

            self.integrity_error: type[Exception] = psycopg.IntegrityError
            self.main = ""
            self.temp = "pg_temp."
        else:
            import sqlite3

            self.integrity_error = sqlite3.IntegrityError
            self.dbapi.create_function("station_json_same", 2, _json_same, deterministic=True)
            self.main = "main."
            self.temp = "temp."
        self.chunk = IN_CHUNK[self.dialect]

    def _q(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.pg else sql

    def execute(self, sql: str, params: tuple | list = ()):
        """Run one statement; returns the DB-API cursor (fetchone, rowcount)."""
        if self.pg:
            return self.dbapi.execute(self._q(sql), tuple(params) or None)
        return self.dbapi.execute(sql, params)

    def executemany(self, sql: str, rows: list) -> None:
        if self.pg:
            with self.dbapi.cursor() as cur:
                cur.executemany(self._q(sql), rows)
        else:
            self.dbapi.executemany(sql, rows)

    # -- spelling ------------------------------------------------------------------------------------------
    def differs(self, a: str, b: str, *, json_column: bool = False) -> str:
        """SQL true when the two values differ (NULL-aware)."""
        if json_column:
            if self.pg:
                return f"{a}::jsonb IS DISTINCT FROM {b}::jsonb"
            return f"NOT station_json_same({a}, {b})"
        return f"{a} IS DISTINCT FROM {b}" if self.pg else f"{a} IS NOT {b}"

    def table(self, name: str) -> str:
        return f"{self.main}{name}"

    # -- staging tables ------------------------------------------------------------------------------------
    def stage_name(self, table: str) -> str:
        return f"{self.temp}stage_{table}"

    def create_stage(self, table: str, names: list[str]) -> None:
        self.execute(f"DROP TABLE IF EXISTS {self.stage_name(table)}")
        if self.pg:
            # Typed like the real table (COPY parses the stored text form into them), no constraints: a bad row
            # is refused by the final INSERT, as on SQLite.
            self.execute(f"CREATE TEMP TABLE stage_{table} ON COMMIT DROP AS SELECT {', '.join(names)} "
                         f"FROM {table} WITH NO DATA")
        else:
            self.execute(f"CREATE TEMP TABLE stage_{table} ({', '.join(names)})")

    def load(self, target: str, names: list[str], rows: list[tuple]) -> None:
        """Bulk-load rows (stored form, column order of `names`) into a table of this connection."""
        if not rows:
            return
        if self.pg:
            with self.dbapi.cursor() as cur:
                with cur.copy(f"COPY {target} ({', '.join(names)}) FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row(r)
        else:
            self.dbapi.executemany(f"INSERT INTO {target} VALUES ({', '.join('?' * len(names))})", rows)
