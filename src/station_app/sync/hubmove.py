"""`station-app township migrate-to --db-url URL`: move a township's SQLite database to PostgreSQL, verified.

Order of work, each step refusing before anything is changed where it can:
1. the source is a township database at head (`check` sound); it is held with BEGIN IMMEDIATE for the whole move,
   so nothing can be written to it meanwhile (other windows and imports wait, then give up cleanly);
2. the target holds no rows of the app's tables (a non-empty target is refused: nothing is merged into it);
3. the target is migrated to head (the same Alembic migrations);
4. rows are copied table by table in foreign-key order as SQLite stores them (COPY: JSON text stays text, SQL NULL
   stays NULL), in one target transaction; integer-key sequences are set past the highest id;
5. every row of every table is read back from both databases and compared value by value (typed, JSON decoded);
6. only then the caller switches the installation to the URL. The SQLite file is left where it is, untouched.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, String, Text, cast, create_engine, inspect, select, text
from sqlalchemy.types import JSON

from station_app.core.errors import StationError
from station_app.core.i18n import _
from station_app.store.db import current_revision, head_revision, make_engine, quick_check, upgrade
from station_app.store.models import Base

#: Tables SQLite holds that are no table of the models: the migrations' own and the FTS5 search indexes (rebuilt
#: by the target's own search means).
_NOT_MOVED_PREFIXES = ("sqlite_", "consultation_search", "consultation_bigrams")
_NOT_MOVED = {"alembic_version"}
BATCH = 5_000
#: The password of the administrator migration 0010 seeds into a database without one (no password set yet): a
#: freshly migrated target holds only that row, which the copy replaces by the source's users.
NO_PASSWORD = "!"
#: Mismatches listed per table (by key and field name: the values are personal data).
SHOWN = 5


class MoveRefused(StationError):
    """The move cannot start or did not verify; nothing was switched."""


@dataclass
class TableCheck:
    table: str
    source_rows: int = 0
    target_rows: int = 0
    differing: int = 0
    missing: int = 0  # in the source, not in the target
    extra: int = 0  # in the target, not in the source
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.differing or self.missing or self.extra) and self.source_rows == self.target_rows

    def as_dict(self) -> dict:
        return {"table": self.table, "source_rows": self.source_rows, "target_rows": self.target_rows,
                "differing": self.differing, "missing": self.missing, "extra": self.extra,
                "examples": self.examples, "ok": self.ok}


@dataclass
class MoveReport:
    source: str
    target: str  # the URL without its password
    tables: list[TableCheck]
    sequences: dict[str, int]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.source_rows for t in self.tables)

    def as_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "verified": self.ok, "rows": self.rows,
                "tables": [t.as_dict() for t in self.tables], "sequences": self.sequences}


def safe_url(url: str) -> str:
    """The URL as it may be printed and logged: without its password."""
    from station_app.store.dburl import mask

    return mask(url)


def moved_tables():
    """The app's tables in foreign-key order (parents first)."""
    import station_app.store.keys_models  # noqa: F401 — every model module fills Base.metadata
    import station_app.store.ledger_models  # noqa: F401
    import station_app.store.recovery_models  # noqa: F401
    import station_app.store.sync_models  # noqa: F401

    return list(Base.metadata.sorted_tables)


class _Held(sqlite3.Connection):
    """The source connection: its BEGIN IMMEDIATE must outlive the SQLAlchemy connection the verification reads
    through (which rolls back when it closes)."""

    hold = True

    def rollback(self) -> None:
        if not self.hold:
            super().rollback()


def _source_tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def check_source(path: Path) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise MoveRefused(_("no database at {path}", path=path))
    problems = quick_check(path)
    if problems:
        raise MoveRefused(_("the database {path} is damaged: {value}. Restore a backup first.", path=path, value=problems[0]))
    engine = make_engine(path)
    try:
        current = current_revision(engine)
        kind = None
        if current is not None:
            with engine.connect() as c:
                kind = c.exec_driver_sql("SELECT s.kind FROM local_state l JOIN stations s ON s.id = l.station_id "
                                         "WHERE l.id = 1").scalar()
    finally:
        engine.dispose()
    from station_app.core.codes import StationKind

    if current is not None and kind != StationKind.CENTRE.value:
        raise MoveRefused(_("only a township's database can move to a server; a village station keeps its SQLite file"))
    if current != head_revision():
        raise MoveRefused(_("the database {path} is at schema {current}, this program's is {head}: open it once with this program (it is backed up and upgraded), then move it", path=path, current=current, head=head_revision()))


def check_target_empty(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for t in moved_tables():
            if t.name in names:
                q = select(text("count(*)")).select_from(t)
                if t.name == "users":
                    q = q.where(t.c.password_hash != NO_PASSWORD)
                n = conn.execute(q).scalar_one()
                if n:
                    raise MoveRefused(_("the target database is not empty: table {table} holds {n} rows. Give an empty database (CREATE DATABASE ...); nothing was copied", table=t.name, n=n))


def migrate_to(source: Path, url: str, *, prepare: Callable[[Engine], None] | None = None,
               progress: Callable[[int, int, str], None] | None = None,
               switch: Callable[[], None] | None = None) -> MoveReport:
    """Copy and verify; raises MoveRefused before copying when it cannot start. `switch()` (point the
    installation at `url`) is called only when every row verified, while the source is still held."""
    from station_app.store.dburl import normalise
    from station_app.store.pgdb import make_pg_engine, server_error

    source = Path(source)
    url = normalise(url)  # a ValidationError naming --db-url when it is no PostgreSQL URL
    check_source(source)
    engine = make_pg_engine(url)
    try:
        try:
            with engine.connect():
                pass
        except Exception as e:  # noqa: BLE001 — the driver's own words say what is wrong (host, role, database)
            raise MoveRefused(_("cannot connect to {url}: {e}", url=safe_url(url), e=server_error(url, e))) from None
        check_target_empty(engine)
        (prepare or upgrade)(engine)
        check_target_empty(engine)  # a migration that seeds rows would make the copy collide: say so plainly
        src = sqlite3.connect(source, timeout=15, isolation_level=None, factory=_Held)
        try:
            from station_app.store.search import register_functions

            register_functions(src)
            # Hold the write lock of the source for the whole move: nothing changes there meanwhile.
            src.execute("BEGIN IMMEDIATE")
            unknown = sorted(n for n in _source_tables(src) - {t.name for t in moved_tables()} - _NOT_MOVED
                             if not n.startswith(_NOT_MOVED_PREFIXES))
            if unknown:
                raise MoveRefused(_("the database holds tables this program does not know: {names}; nothing was copied", names=", ".join(unknown)))
            try:
                sequences = _copy(src, engine, progress)
            except Exception as e:  # noqa: BLE001 — the driver's; anything else goes up as it is
                if type(getattr(e, "orig", e)).__name__ != "ForeignKeyViolation":
                    raise
                raise MoveRefused(_("the township holds records that refer to records of bundles not received yet (the merge allows it), and the server refused them: give the role the right to switch foreign keys off for the copy (GRANT SET ON PARAMETER session_replication_role TO the role; see docs/hub.md), then move again; nothing was copied")) from None
            checks = verify(source, engine, src=src, progress=progress)
            report = MoveReport(str(source), safe_url(url), checks, sequences)
            if report.ok and switch is not None:
                switch()  # still holding the source: no write can land in the file being left
        finally:
            src.hold = False
            src.close()
        return report
    finally:
        engine.dispose()


def _copy(src: sqlite3.Connection, engine: Engine, progress) -> dict[str, int]:
    tables = moved_tables()
    sequences: dict[str, int] = {}
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        # Foreign keys: the township holds rows whose parents are in bundles still missing (the merge allows it),
        # so the copy switches them off like the merge does when the role may; else it relies on the order.
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        except Exception:  # noqa: BLE001 — permission denied: deferred constraints, parents first
            conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
        conn.exec_driver_sql("DELETE FROM users WHERE password_hash = %s", (NO_PASSWORD,))  # seeded, see above
        for i, t in enumerate(tables):
            if progress:
                progress(i, len(tables), t.name)
            names = [c.name for c in t.columns]
            cols = ", ".join(f'"{n}"' for n in names)
            cur = src.execute(f'SELECT {cols} FROM "{t.name}"')
            with raw.cursor() as pg:
                with pg.copy(f'COPY "{t.name}" ({cols}) FROM STDIN') as cp:
                    while True:
                        batch = cur.fetchmany(BATCH)
                        if not batch:
                            break
                        for r in batch:
                            cp.write_row(r)
        for t in tables:
            pk = list(t.primary_key.columns)
            if len(pk) == 1 and pk[0].autoincrement is True:
                seq = conn.exec_driver_sql(f"SELECT pg_get_serial_sequence('\"{t.name}\"', '{pk[0].name}')").scalar()
                if seq:
                    top = conn.exec_driver_sql(f'SELECT max("{pk[0].name}") FROM "{t.name}"').scalar()
                    conn.exec_driver_sql("SELECT setval(%s, %s, %s)", (seq, top or 1, top is not None))
                    sequences[t.name] = top or 0
    return sequences


# -- verification ------------------------------------------------------------------------------------------------
_MISSING = object()


def _reader(t, dialect: str):
    """select() of a table's columns ordered by its key, JSON columns as their text; strings ordered bytewise on
    PostgreSQL too, so both sides come in the same order."""
    cols = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in t.columns]
    order = []
    for c in t.primary_key.columns:
        order.append(c.collate("C") if dialect == "postgresql" and isinstance(c.type, String) else c)
    return select(*cols).order_by(*order)


def _norm(t, row) -> tuple:
    out = []
    for c, v in zip(t.columns, row):
        if isinstance(c.type, JSON) and v is not None:
            v = ("json", json.loads(v))
        out.append(v)
    return tuple(out)


def _stream(conn, t, dialect: str) -> Iterator[tuple]:
    result = conn.execution_options(yield_per=BATCH).execute(_reader(t, dialect))
    for row in result:
        yield _norm(t, row)


def _key(t, row: tuple) -> tuple:
    idx = [i for i, c in enumerate(t.columns) if c.primary_key]
    return tuple(row[i] for i in idx)


def verify(source: Path, engine: Engine, *, src: sqlite3.Connection | None = None, progress=None) -> list[TableCheck]:
    """Every row of every table, source against target, compared value by value (typed; JSON decoded)."""
    if src is None:
        s_engine = make_engine(source)
    else:  # the move's own connection, inside its BEGIN IMMEDIATE: the pool must neither reset nor close it
        from sqlalchemy.pool import StaticPool

        s_engine = create_engine("sqlite://", creator=lambda: src, poolclass=StaticPool, pool_reset_on_return=None)
    checks = []
    try:
        with s_engine.connect() as s_conn, engine.connect() as t_conn:
            tables = moved_tables()
            for i, t in enumerate(tables):
                if progress:
                    progress(i, len(tables), t.name)
                checks.append(_compare(t, _stream(s_conn, t, "sqlite"), _stream(t_conn, t, engine.dialect.name)))
    finally:
        if src is None:
            s_engine.dispose()
    return checks


def _compare(t, a: Iterator[tuple], b: Iterator[tuple]) -> TableCheck:
    c = TableCheck(t.name)
    names = [col.name for col in t.columns]
    x, y = next(a, _MISSING), next(b, _MISSING)
    while x is not _MISSING or y is not _MISSING:
        kx = _key(t, x) if x is not _MISSING else None
        ky = _key(t, y) if y is not _MISSING else None
        if y is _MISSING or (x is not _MISSING and _lt(kx, ky)):
            c.source_rows += 1
            c.missing += 1
            _example(c, _("{key}: missing in the target", key=_key_text(kx)))
            x = next(a, _MISSING)
        elif x is _MISSING or _lt(ky, kx):
            c.target_rows += 1
            c.extra += 1
            _example(c, _("{key}: only in the target", key=_key_text(ky)))
            y = next(b, _MISSING)
        else:
            c.source_rows += 1
            c.target_rows += 1
            if x != y:
                c.differing += 1
                fields = [n for n, u, v in zip(names, x, y) if u != v]
                _example(c, _("{key}: differs in {fields}", key=_key_text(kx), fields=", ".join(fields)))
            x, y = next(a, _MISSING), next(b, _MISSING)
    return c


def _lt(a: tuple, b: tuple) -> bool:
    return tuple(v.encode("utf-8") if isinstance(v, str) else v for v in a) < \
        tuple(v.encode("utf-8") if isinstance(v, str) else v for v in b)


def _key_text(k: Any) -> str:
    return "/".join(str(v) for v in k)


def _example(c: TableCheck, line: str) -> None:
    if len(c.examples) < SHOWN:
        c.examples.append(line)


def move_installation(paths, url: str, *, progress: Callable[[int, int, str], None] | None = None) -> MoveReport:
    """The installation at `paths` (a township on its SQLite file) moves to `url`: copied, verified, and only
    then switched (its database setting written). Imports on this PC wait meanwhile; the SQLite file stays."""
    from station_app.store.dburl import mask, normalise, save_setting
    from station_app.sync.importer import import_lock

    if paths.database_url is not None:
        raise MoveRefused(_("this installation's database is already on a server ({url}); nothing to move", url=mask(paths.database_url)))
    url = normalise(url)
    with import_lock(paths.root, wait=30):
        return migrate_to(paths.database, url, progress=progress,
                          switch=lambda: save_setting(paths.database_setting, url))
