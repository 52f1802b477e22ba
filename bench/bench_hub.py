"""Benchmark: importing a station's bundle of N consultations (100k by default) into a township hub on PostgreSQL,
against the floor of the same run, with the SQLite figure beside it.

    STATION_APP_TEST_PG_URL=postgresql+psycopg://postgres@/postgres?host=/tmp/pg \
    .venv/bin/python bench/bench_hub.py [--records 100000] [--pg-url URL] [--out bench/out/hub]

1. A station with N consultations (+ N history rows) is generated (bench/gen_sync.py, as bench_sync.py does) with
   real keys; a township enrolls it; the station exports everything into one bundle.
2. The township (before the import) is moved to a new PostgreSQL database (`township migrate-to`'s code).
3. PostgreSQL: the bundle imported end to end (signature, decrypt, streamed checks, staged merge through COPY into
   TEMP tables, INSERT … SELECT … ON CONFLICT, log) — against the floor: a plain `COPY` of the same rows, in their
   stored form, into plain tables of a new database on the same server (same columns and types, primary key only,
   no other index, no foreign key, no trigger), one transaction.
4. SQLite, the same bundle, the same way: import into a copy of the township, against bench_sync.py's floor (plain
   executemany into plain tables of a fresh file with the app's pragmas).
Each floor is measured before and after the app's run and the faster is kept. Figures go to bench/results/hub.json.
The machine is shared: ratios are same-run, absolute times are noisy. The PostgreSQL server should be a normal one
(fsync on); the bench says which settings it ran with.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

from bench_sync import bare_insert, clock, copy_home, loadavg, stored_rows, township_and_station  # noqa: E402

from station_app import config  # noqa: E402
from station_app.core.i18n import set_language  # noqa: E402
from station_app.services.base import StationDB  # noqa: E402
from station_app.store.db import make_engine  # noqa: E402
from station_app.sync.exporter import export_bundle  # noqa: E402
from station_app.sync.hubmove import migrate_to  # noqa: E402
from station_app.sync.importer import import_paths  # noqa: E402


class Server:
    """Databases of this run on the PostgreSQL server (dropped at the end)."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.made: list[str] = []

    def create(self) -> str:
        name = f"bench_hub_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with self.admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        self.made.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def settings(self) -> dict:
        with self.admin.connect() as c:
            return {k: c.exec_driver_sql(f"SHOW {k}").scalar() for k in
                    ("server_version", "fsync", "synchronous_commit", "shared_buffers", "wal_level")}

    def close(self) -> None:
        with self.admin.connect() as c:
            for name in self.made:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def bare_copy(server: Server, hub_url: str, tables: dict[str, tuple[list[str], list[tuple]]]) -> tuple[float, float, int]:
    """(wall s, CPU s, rows): COPY into plain tables (the real tables' columns and types, primary key only)."""
    url = server.create()
    engine = make_engine(url)
    hub = make_engine(hub_url)
    with hub.connect() as h:  # the column types of the hub's real tables
        types = {(t, c): ty for t, c, ty in h.exec_driver_sql(
            "SELECT table_name, column_name, format_type(a.atttypid, a.atttypmod) FROM information_schema.columns i "
            "JOIN pg_attribute a ON a.attrelid = i.table_name::regclass AND a.attname = i.column_name "
            "WHERE i.table_schema = current_schema()")}
    hub.dispose()
    with engine.begin() as c:
        for table, (cols, _rows) in tables.items():
            decl = ", ".join(f"{n} {types[(table, n)]}" + (" PRIMARY KEY" if n == "id" else "") for n in cols)
            c.exec_driver_sql(f"CREATE TABLE {table} ({decl})")
    n = 0
    with engine.connect() as c:
        raw = c.connection.dbapi_connection
        t, cpu = time.perf_counter(), time.process_time()
        with raw.cursor() as cur:
            for table, (cols, rows) in tables.items():
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row(r)
                n += len(rows)
        raw.commit()
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    engine.dispose()
    return wall, cpu, n


def _connection(url) -> str:
    host = url.host or url.query.get("host") or ""
    return "unix socket" if not host or str(host).startswith("/") else f"TCP to {host}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--pg-url", default=os.environ.get("STATION_APP_BENCH_PG_URL")
                    or os.environ.get("STATION_APP_TEST_PG_URL"),
                    help="a PostgreSQL server and a role that may create databases")
    ap.add_argument("--out", default=str(ROOT / "out" / "hub"))
    ap.add_argument("--result", default="hub.json", help="file name under bench/results")
    a = ap.parse_args()
    if not a.pg_url:
        sys.exit("give --pg-url (or STATION_APP_BENCH_PG_URL / STATION_APP_TEST_PG_URL): a PostgreSQL server")
    set_language("en")
    work = Path(a.out)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    server = Server(a.pg_url)
    try:
        station, gen_s = township_and_station(work, a.records)
        path = export_bundle(station, work / "stick")
        base = stored_rows(station.paths.database, station.station_id)
        station.close()

        # The township moved to PostgreSQL before the import (as `township migrate-to` does).
        shutil.copytree(work / "township0", work / "hub")
        hub_url = server.create()
        (move, move_s) = clock(migrate_to, config.resolve(work / "hub").database, hub_url)
        assert move.ok

        load_before = loadavg()
        pg_floor = [bare_copy(server, hub_url, base)]
        hub = StationDB(config.resolve(work / "hub"), make_engine(hub_url))
        t0 = time.process_time()
        [res], pg_s = clock(import_paths, hub, [path])
        pg_cpu = time.process_time() - t0
        assert res.status == "imported", res.message
        rows = sum(res.counts.values())
        [again], pg_again_s = clock(import_paths, hub, [path])
        assert again.status == "already", again.message
        hub.close()
        pg_floor.append(bare_copy(server, hub_url, base))
        pg_bare_s, pg_bare_cpu, pg_bare_rows = min(pg_floor)
        assert rows == pg_bare_rows, (rows, pg_bare_rows)

        # SQLite, the same bundle, in the same run.
        lite_floor = [bare_insert(work / "bare.sqlite3", base)]
        t1 = copy_home(work / "township0", work / "township1")
        t0 = time.process_time()
        [lres], lite_s = clock(import_paths, t1, [path])
        lite_cpu = time.process_time() - t0
        assert lres.status == "imported" and lres.counts == res.counts, (lres.message, lres.counts, res.counts)
        t1.close()
        lite_floor.append(bare_insert(work / "bare2.sqlite3", base))
        lite_bare_s, lite_bare_cpu, _ = min(lite_floor)

        out = {
            "records": a.records, "rows_in_bundle": rows, "bundle_bytes": path.stat().st_size,
            "generate_station_s": round(gen_s, 2),
            "migrate_to_empty_township_s": round(move_s, 2),
            "postgresql": {
                "baseline_plain_copy_s": round(pg_bare_s, 3),
                "baseline_plain_copy_cpu_s": round(pg_bare_cpu, 3),
                "import_end_to_end_s": round(pg_s, 2),
                "import_end_to_end_cpu_s": round(pg_cpu, 2),
                "ratio_import_vs_baseline": round(pg_s / pg_bare_s, 2),
                "reimport_already_ms": round(pg_again_s * 1000, 1),
            },
            "sqlite": {
                "baseline_plain_executemany_s": round(lite_bare_s, 3),
                "baseline_plain_executemany_cpu_s": round(lite_bare_cpu, 3),
                "import_end_to_end_s": round(lite_s, 2),
                "import_end_to_end_cpu_s": round(lite_cpu, 2),
                "ratio_import_vs_baseline": round(lite_s / lite_bare_s, 2),
            },
            "import_postgresql_vs_sqlite": round(pg_s / lite_s, 2),
            "load_average_before_after": [load_before, loadavg()],
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(),
                        "postgresql": server.settings(),
                        "postgresql_connection": _connection(server.url),
                        "note": "2 cores shared with other sessions; the PostgreSQL server runs on the same machine: "
                                "absolute times are noisy, ratios are same-run"},
        }
    finally:
        server.close()
    dest = ROOT / "results" / a.result
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
