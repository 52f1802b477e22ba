"""Benchmark: sync bundles of 100k records.

    .venv/bin/python bench/bench_sync.py [--records 100000] [--out bench/out/sync]

1. A station with N consultations (+ N history rows) is generated (bench/gen_sync.py) with real keys; the
   township enrolls it.
2. Full export of the station (collect, archive, encrypt, sign, atomic write, read back): reported.
3. Import of that bundle into a fresh township (signature, decrypt, archive and schema checks, merge, log), and,
   separately, the merge step alone; against a bare sqlite3 executemany of the same rows into the same tables of
   another fresh township copy, in the same run (goal: import <= 2.5x the bare insert).
4. Re-import of the already-imported bundle (goal <= 50 ms).
Figures go to bench/results/sync.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sqlite3
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

from gen_sync import generate  # noqa: E402

from station_app import config  # noqa: E402
from station_app.core.codes import StationKind  # noqa: E402
from station_app.core.i18n import set_language  # noqa: E402
from station_app.services.base import StationDB  # noqa: E402
from station_app.services.setup import init_installation  # noqa: E402
from station_app.store.models import SYNCED_MODELS  # noqa: E402
from station_app.store.rowdata import column_names  # noqa: E402
from station_app.store.search import register_functions  # noqa: E402
from station_app.sync import identity, setup  # noqa: E402
from station_app.sync.bundle import open_bundle  # noqa: E402
from station_app.sync.exporter import export_bundle  # noqa: E402
from station_app.sync.importer import import_paths  # noqa: E402
from station_app.sync.merge import apply_changes  # noqa: E402


def clock(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def copy_home(src: Path, dest: Path) -> StationDB:
    shutil.copytree(src, dest)
    return StationDB.open(config.resolve(dest))


def db_value(v):
    """What SQLAlchemy's SQLite types store, so the bare insert writes the same bytes."""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return v


def bare_insert(db_path: Path, parsed: dict[str, list[dict]]) -> tuple[float, int]:
    """sqlite3 executemany of the same rows into the same tables (indexes and triggers as in the app's schema), one
    transaction with the app's pragmas. Converting values is not timed."""
    prepared = []
    for model in SYNCED_MODELS:
        rows = parsed.get(model.__tablename__) or []
        if not rows:
            continue
        cols = column_names(model)
        sql = f"INSERT INTO {model.__tablename__} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        prepared.append((sql, [tuple(db_value(r[c]) for c in cols) for r in rows]))
    con = sqlite3.connect(db_path, isolation_level=None)
    register_functions(con)  # the search-index triggers call them, as on the app's own connections
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=OFF")
    t = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    n = 0
    for sql, rows in prepared:
        con.executemany(sql, rows)
        n += len(rows)
    con.execute("COMMIT")
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--out", default=str(ROOT / "out" / "sync"))
    a = ap.parse_args()
    set_language("en")
    work = Path(a.out)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    township = init_installation(config.resolve(work / "township0"), kind=StationKind.CENTRE, code="T00",
                                 name="Township", actor="bench")
    setup.after_init(township)
    card = str(township.paths.keys / identity.CARD_FILE)
    (station, gen_s) = clock(generate, work / "station", a.records,
                             after_init=lambda db: setup.after_init(db, township_card=card))
    identity.enroll(township, station.paths.keys / identity.CARD_FILE)
    township.close()

    path, export_s = clock(export_bundle, station, work / "stick")
    size = path.stat().st_size

    # End to end import (signature, decrypt, checks, merge) into a fresh township.
    t1 = copy_home(work / "township0", work / "township1")
    [res], import_s = clock(import_paths, t1, [path])
    assert res.status == "imported", res.message
    rows = sum(res.counts.values())
    [again], reimport_s = clock(import_paths, t1, [path])
    assert again.status == "already", again.message
    reimport_runs = []
    for _ in range(5):
        reimport_runs.append(clock(import_paths, t1, [path])[1])
    t1.close()

    # The phases: open (verify, decrypt, validate) and merge alone, on another fresh township.
    t2 = copy_home(work / "township0", work / "township2")
    opened, open_s = clock(open_bundle, t2, path)
    res2, merge_s = clock(apply_changes, t2, opened)
    assert res2.status == "imported", res2.message
    t2.close()

    # Bare sqlite3 executemany of the same rows into the same tables.
    t3 = copy_home(work / "township0", work / "township3")
    db3 = t3.paths.database
    t3.close()
    bare_s, bare_rows = bare_insert(db3, opened.payload.parsed)
    assert bare_rows == rows

    out = {
        "records": a.records, "rows_in_bundle": rows, "bundle_bytes": size,
        "generate_station_s": round(gen_s, 2),
        "full_export_s": round(export_s, 2),
        "import_end_to_end_s": round(import_s, 2),
        "import_open_verify_decrypt_validate_s": round(open_s, 2),
        "import_merge_only_s": round(merge_s, 2),
        "bare_sqlite3_executemany_s": round(bare_s, 2),
        "ratio_merge_vs_bare": round(merge_s / bare_s, 2),
        "ratio_end_to_end_vs_bare": round(import_s / bare_s, 2),
        "reimport_already_ms": round(min([reimport_s] + reimport_runs) * 1000, 1),
        "reimport_first_ms": round(reimport_s * 1000, 1),
        "goals": {"import_vs_bare": "<= 2.5x", "reimport": "<= 50 ms"},
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "sqlite": sqlite3.sqlite_version},
    }
    station.close()
    dest = ROOT / "results" / "sync.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
