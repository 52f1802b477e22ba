"""The installed app against the same code run from source (issue 13).

    python bench/bench_install.py --frozen DIR      # DIR: the one-folder build (installer/build.py app) or /opt/station-app

Measures, interleaved in the same run (the machine may be shared: compare the ratio, not absolute times):
- cold start to the first painted, signed-in main window (`station-app gui --demo`, offscreen, with
  STATION_APP_EXIT_AFTER_FIRST_PAINT set): the frozen program against `python -m station_app` from source;
- the one-folder build's size on disk (what the .deb installs under /opt).
Writes bench/results/install.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folder_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def start(cmd: list[str], home: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STATION_APP_EXIT_AFTER_FIRST_PAINT="1",
               HOME=str(home / "home"))
    t0 = time.perf_counter()
    subprocess.run(cmd + ["gui", "--demo", "--data-dir", str(home / "demo")], env=env, check=True,
                   capture_output=True, timeout=600)
    return time.perf_counter() - t0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frozen", required=True, help="the one-folder build (the folder holding station-app)")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    frozen = Path(args.frozen)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        source = [sys.executable, "-m", "station_app"]
        start(source, home)  # builds the demo station once (not measured)
        runs: dict[str, list[float]] = {"frozen": [], "source": []}
        for _ in range(args.runs):
            runs["frozen"].append(start([str(frozen / "station-app")], home))
            runs["source"].append(start(source, home))
    med = {k: statistics.median(v) for k, v in runs.items()}
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load_avg": os.getloadavg()},
        "cold_start_first_paint_s": {k: round(v, 3) for k, v in med.items()},
        "runs_s": {k: [round(x, 3) for x in v] for k, v in runs.items()},
        "ratio_frozen_vs_source": round(med["frozen"] / med["source"], 2),
        "one_folder_mib": round(folder_size(frozen) / 2**20, 1),
        "goals": {"ratio_frozen_vs_source": "<= 1.5", "installed_mb": "< 150"},
    }
    out = ROOT / "bench" / "results" / "install.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
