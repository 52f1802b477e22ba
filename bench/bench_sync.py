"""Benchmark: sync bundles of N consultations (100k by default), against the floor of the same run.

    .venv/bin/python bench/bench_sync.py [--records 100000] [--out bench/out/sync]

1. A station with N consultations (+ N history rows) is generated (bench/gen_sync.py) with real keys; the
   township enrolls it.
2. Full export of the station (collect, archive, encrypt, sign, atomic write, read back).
3. Import of that bundle into a fresh township (signature, decrypt, streamed parse and checks, staged merge, log),
   in this process (wall and CPU time) and once more in a subprocess for its peak RSS.
4. Re-import of the already-imported bundle (goal <= 50 ms).
The baseline (the floor): a plain sqlite3 executemany of the same rows, in their stored form, into plain tables
(same columns and primary key; no other index, no trigger) of a fresh database file with the app's pragmas, one
transaction, in the same run. Goals (issue 7 item 14): import <= 6x, full export <= 4x the baseline.
Figures go to bench/results/sync.json (the machine is shared: ratios matter, absolute times are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
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
from station_app.sync import identity, setup  # noqa: E402
from station_app.sync.exporter import export_bundle  # noqa: E402
from station_app.sync.importer import import_paths  # noqa: E402


def clock(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def township_and_station(work: Path, records: int) -> tuple[StationDB, float]:
    """A fresh township (work/township0, closed) and a station of `records` consultations enrolled at it (open);
    also the seconds the station took to generate."""
    township = init_installation(config.resolve(work / "township0"), kind=StationKind.CENTRE, code="T00",
                                 name="Township", actor="bench")
    setup.after_init(township)
    card = str(township.paths.keys / identity.CARD_FILE)
    station, gen_s = clock(generate, work / "station", records,
                           after_init=lambda db: setup.after_init(db, township_card=card))
    identity.enroll(township, station.paths.keys / identity.CARD_FILE)
    township.close()
    return station, gen_s


def copy_home(src: Path, dest: Path) -> StationDB:
    shutil.copytree(src, dest)
    return StationDB.open(config.resolve(dest))


def stored_rows(db_path: Path, station_id: str) -> dict[str, tuple[list[str], list[tuple]]]:
    """The station's rows of every synced table, as SQLite stores them (what the baseline writes)."""
    con = sqlite3.connect(db_path)
    out = {}
    for model in SYNCED_MODELS:
        cols = column_names(model)
        rows = con.execute(f"SELECT {', '.join(cols)} FROM {model.__tablename__} WHERE station_id = ?",
                           (station_id,)).fetchall()
        if rows:
            out[model.__tablename__] = (cols, rows)
    con.close()
    return out


def bare_insert(db_path: Path, tables: dict[str, tuple[list[str], list[tuple]]]) -> tuple[float, float, int]:
    """(wall s, CPU s, rows): executemany into plain tables (primary key only, no index, no trigger)."""
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    for table, (cols, _rows) in tables.items():
        decl = ", ".join(f"{c} TEXT PRIMARY KEY" if c == "id" else c for c in cols)
        con.execute(f"CREATE TABLE {table} ({decl})")
    t, c = time.perf_counter(), time.process_time()
    con.execute("BEGIN IMMEDIATE")
    n = 0
    for table, (cols, rows) in tables.items():
        con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        n += len(rows)
    con.execute("COMMIT")
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    con.close()
    return wall, cpu, n


_PEAK = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[3])
from station_app import config
from station_app.services.base import StationDB
from station_app.sync.importer import import_paths
db = StationDB.open(config.resolve(sys.argv[1]))
[r] = import_paths(db, [sys.argv[2]])
db.close()
# VmHWM belongs to this process image; ru_maxrss would carry over the parent's high-water mark across fork.
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
peak = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"status": r.status, "peak_mb": peak}))
"""


def import_peak_rss(home: Path, bundle: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _PEAK, str(home), str(bundle), str(ROOT.parent / "src")],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--out", default=str(ROOT / "out" / "sync"))
    ap.add_argument("--result", default=None, help="file name under bench/results (default sync.json)")
    a = ap.parse_args()
    set_language("en")
    work = Path(a.out)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    station, gen_s = township_and_station(work, a.records)

    load_before = loadavg()
    # The floor: the same rows into plain tables (fresh file each time).
    base = stored_rows(station.paths.database, station.station_id)
    bare_s, bare_cpu, bare_rows = bare_insert(work / "bare.sqlite3", base)

    t0 = time.process_time()
    path, export_s = clock(export_bundle, station, work / "stick")
    export_cpu = time.process_time() - t0
    size = path.stat().st_size

    # End to end import (signature, decrypt, streamed checks, staged merge) into a fresh township.
    t1 = copy_home(work / "township0", work / "township1")
    t0 = time.process_time()
    [res], import_s = clock(import_paths, t1, [path])
    import_cpu = time.process_time() - t0
    assert res.status == "imported", res.message
    rows = sum(res.counts.values())
    assert rows == bare_rows, (rows, bare_rows)
    [again], reimport_s = clock(import_paths, t1, [path])
    assert again.status == "already", again.message
    reimport_runs = []
    for _ in range(5):
        reimport_runs.append(clock(import_paths, t1, [path])[1])
    t1.close()

    # Peak memory of an import, in a process of its own, into another fresh township.
    shutil.copytree(work / "township0", work / "township2")
    peak = import_peak_rss(work / "township2", path)
    assert peak["status"] == "imported", peak

    # The floor again after the app's runs (the machine is shared: take the faster of the two).
    bare2_s, bare2_cpu, _ = bare_insert(work / "bare2.sqlite3", base)
    bare_s, bare_cpu = min(bare_s, bare2_s), min(bare_cpu, bare2_cpu)

    out = {
        "records": a.records, "rows_in_bundle": rows, "bundle_bytes": size,
        "generate_station_s": round(gen_s, 2),
        "baseline_plain_executemany_s": round(bare_s, 3),
        "baseline_plain_executemany_cpu_s": round(bare_cpu, 3),
        "full_export_s": round(export_s, 2),
        "full_export_cpu_s": round(export_cpu, 2),
        "import_end_to_end_s": round(import_s, 2),
        "import_end_to_end_cpu_s": round(import_cpu, 2),
        "ratio_import_vs_baseline": round(import_s / bare_s, 2),
        "ratio_import_vs_baseline_cpu": round(import_cpu / bare_cpu, 2),
        "ratio_export_vs_baseline": round(export_s / bare_s, 2),
        "ratio_export_vs_baseline_cpu": round(export_cpu / bare_cpu, 2),
        "import_peak_rss_mb": round(peak["peak_mb"], 1),
        "reimport_already_ms": round(min([reimport_s] + reimport_runs) * 1000, 1),
        "reimport_first_ms": round(reimport_s * 1000, 1),
        "goals": {"import_vs_baseline": "<= 6x", "export_vs_baseline": "<= 4x", "import_peak_rss": "< 1 GB",
                  "reimport": "<= 50 ms"},
        "load_average_before_after": [load_before, loadavg()],
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(),
                    "note": "2 cores shared with 7 other sessions: absolute times are noisy, ratios are same-run"},
    }
    station.close()
    dest = ROOT / "results" / (a.result or "sync.json")
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
