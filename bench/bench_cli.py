"""Benchmark: how long the command line takes to start, against the interpreter itself (same run, interleaved).

    .venv/bin/python bench/bench_cli.py [--runs 15]

Pairs, each median of --runs cold-ish starts in fresh subprocesses, alternated so machine load hits both alike:
- `station-app --version` vs `python -c pass`           (goal: at most 3x)
- `station-app --help`    vs `python -c pass`
- `station-app stations` on a fresh installation vs `python -c "import sqlalchemy"` (the floor of any database
  command)
Writes bench/results/cli.json. The test-suite times (before/after the in-process `cli` fixture) are measured with
`pytest -m "not slow"` and recorded in the same file by hand with --suite-before/--suite-after (seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PY = sys.executable


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def pair(a: list[str], b: list[str], runs: int, env: dict[str, str]) -> dict:
    ta, tb = [], []
    for _ in range(runs):
        ta.append(timed(a, env))
        tb.append(timed(b, env))
    ma, mb = statistics.median(ta), statistics.median(tb)
    return {"command": " ".join(a[2:]) or a[-1], "baseline": " ".join(b[1:]), "median_s": round(ma, 4),
            "baseline_median_s": round(mb, 4), "ratio": round(ma / mb, 2)}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--suite-before", type=float)
    p.add_argument("--suite-after", type=float)
    args = p.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    env = dict(os.environ, STATION_APP_HOME=str(home), STATION_APP_LANG="zh_CN")
    cli = [PY, "-m", "station_app"]
    subprocess.run(cli + ["init", "station", "--code", "S01", "--name", "小苏庄村"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    bare = [PY, "-c", "pass"]
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "loadavg_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None},
        "runs": args.runs,
        "pairs": [pair(cli + ["--version"], bare, args.runs, env),
                  pair(cli + ["--help"], bare, args.runs, env),
                  pair(cli + ["stations"], [PY, "-c", "import sqlalchemy"], args.runs, env)],
    }
    out = ROOT / "results" / "cli.json"
    old = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    suite = old.get("suite", {})
    if args.suite_before is not None:
        suite["quick_before_s"] = args.suite_before
    if args.suite_after is not None:
        suite["quick_after_s"] = args.suite_after
    if suite:
        results["suite"] = suite
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for row in results["pairs"]:
        print(f"{row['command']:<12} {row['median_s']*1000:7.0f} ms   {row['baseline']:<20} "
              f"{row['baseline_median_s']*1000:7.0f} ms   x{row['ratio']}")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
