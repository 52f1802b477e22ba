"""Store benchmark at 100k consultations: save one, first page, substring search.

    .venv/bin/python bench/bench_store.py            # generates bench/out/store-100k once, then measures
    .venv/bin/python bench/bench_store.py --n 20000  # a smaller run

Measures, through the services the GUI and CLI use (synchronous=FULL, WAL):
- save: median of 200 calls to services.consultations.record_consultation (one transaction each, fsynced);
- first page: median of 50 calls to list_consultations() (50 rows, newest first);
- search: median of 50 list_consultations(search=...) calls per kind of query: 3-character names, 2-character
  names (below the trigram index's 3 characters: the short-query path), phone fragments, content words of 3+
  characters, and 2-character content words.
Prints a table and writes bench/results/store.json with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_records import generate, person_name, phone, records  # noqa: E402

from station_app import config  # noqa: E402
from station_app.services import consultations as cs  # noqa: E402
from station_app.services.base import StationDB  # noqa: E402
from station_app.store.db import online_backup  # noqa: E402

GOALS_MS = {"save": 20.0, "first_page": 50.0, "search": 100.0}
CONTENT_WORDS = ["抚养费", "宅基地", "诉讼时效", "劳动仲裁", "彩礼", "工伤认定", "承包地", "法律援助", "借条", "遗嘱",
                 "交通事故", "医药费", "低保", "赡养", "边界"]
SHORT_WORDS = ["离婚", "工资", "欠款", "继承", "工伤", "彩礼", "房子", "土地", "赔偿", "合同"]


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "os": platform.platform(),
            "load_avg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}


def timed(fn, times: int) -> list[float]:
    out = []
    for _ in range(times):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def summary(samples: list[float]) -> dict:
    s = sorted(samples)
    return {"median_ms": round(statistics.median(s), 2), "p90_ms": round(s[int(len(s) * 0.9) - 1], 2),
            "max_ms": round(s[-1], 2), "n": len(s)}


def dataset(n: int, seed: int, fresh: bool) -> Path:
    """The generated installation (made once, kept in bench/out/), copied so each run starts from the same data."""
    base = HERE / "out" / f"store-{n}"
    marker = base / "generated.json"
    want = {"n": n, "seed": seed}
    if fresh or not marker.exists() or json.loads(marker.read_text()) != want:
        print(f"generating {n} consultations into {base} (once; later runs reuse it) ...", file=sys.stderr)
        t0 = time.perf_counter()
        generate(base, n, seed=seed, progress=True).close()
        marker.write_text(json.dumps(want))
        print(f"generated in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    run = HERE / "out" / f"store-{n}-run"
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(base, run, ignore=shutil.ignore_patterns("station.sqlite3*", "backups"))
    online_backup(base / "station.sqlite3", run / "station.sqlite3")
    return run


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--saves", type=int, default=200)
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--fresh", action="store_true", help="regenerate the data set")
    p.add_argument("--out", type=Path, default=HERE / "results" / "store.json")
    args = p.parse_args(argv)

    home = dataset(args.n, args.seed, args.fresh)
    db = StationDB.open(config.resolve(home))
    rng = random.Random(7)
    results: dict[str, dict] = {}
    try:
        total = cs.count_consultations(db)
        # Queries drawn from the generated people, so they hit real rows (and some miss).
        names3, names2, phones = set(), set(), set()
        for i, rec in enumerate(records(min(args.n, 20000), args.seed)):
            name = rec["consultant_name"]
            if name and len(name) == 3 and len(names3) < 200:
                names3.add(name)
            if name and len(name) == 2 and len(names2) < 200:
                names2.add(name)
            if rec["phone"] and len(phones) < 200:
                phones.add(rec["phone"])
        names3, names2, phones = sorted(names3), sorted(names2), sorted(phones)

        def pick_queries(pool, k):
            return [rng.choice(pool) for _ in range(k)]

        phone_parts = []
        for ph in pick_queries(phones, args.queries):
            digits = ph.replace("-", "")
            length = rng.choice((4, 7, 11)) if len(digits) >= 11 else 4
            start = rng.randint(0, len(digits) - length)
            phone_parts.append(digits[start:start + length])

        # Warm the caches the way a running program has them.
        cs.list_consultations(db)
        cs.list_consultations(db, search="抚养费")

        results["first_page"] = summary(timed(lambda: cs.list_consultations(db, limit=50), args.queries))
        kinds = {
            "search_name_3chars": pick_queries(names3, args.queries),
            "search_name_2chars": pick_queries(names2, args.queries),
            "search_phone": phone_parts,
            "search_content": pick_queries(CONTENT_WORDS, args.queries),
            "search_content_2chars": pick_queries(SHORT_WORDS, args.queries),
        }
        hits: dict[str, list[int]] = {}
        for kind, queries in kinds.items():
            samples = []
            hits[kind] = []
            for q in queries:
                t0 = time.perf_counter()
                rows = cs.list_consultations(db, search=q, limit=50)
                samples.append((time.perf_counter() - t0) * 1000)
                hits[kind].append(len(rows))
            results[kind] = {**summary(samples), "example": queries[0],
                             "median_rows": statistics.median(hits[kind])}

        save_rng = random.Random(99)

        def save():
            data = next(records(1, save_rng.randint(0, 10**9)))
            data["occurred_at"] = datetime(2024, 1, 5, 9, 30)
            data["consultant_name"] = None if data["anonymous"] else person_name(save_rng)
            data["phone"] = phone(save_rng)
            cs.record_consultation(db, "bench", data)

        results["save"] = summary(timed(save, args.saves))
    finally:
        db.close()

    goal = {"save": GOALS_MS["save"], "first_page": GOALS_MS["first_page"]}
    rows = []
    for key, r in results.items():
        g = goal.get(key, GOALS_MS["search"])
        r["goal_ms"] = g
        r["ok"] = r["median_ms"] <= g
        rows.append((key, r["median_ms"], r["p90_ms"], r["max_ms"], g, "ok" if r["ok"] else "SLOW",
                     r.get("example", "")))
    info = machine()
    print(f"\nstore benchmark: {total} consultations; {info['cpu']} x{info['cores']}, "
          f"Python {info['python']}, SQLite {info['sqlite']}")
    print(f"{'measure':<24}{'median ms':>10}{'p90 ms':>9}{'max ms':>9}{'goal':>7}  result  example")
    for key, med, p90, mx, g, ok, ex in rows:
        print(f"{key:<24}{med:>10.2f}{p90:>9.2f}{mx:>9.2f}{g:>7.0f}  {ok:<6}  {ex}")
    payload = {"benchmark": "store", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "records": total, "machine": info, "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {args.out}")
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
