"""The installed app against the same code run from source (issue 13).

    python bench/bench_install.py --frozen DIR [--deb FILE]
        DIR: the one-folder build (installer/build.py app) or /opt/station-app; FILE: the .deb made from it

Measures, interleaved in the same run (the machine may be shared: compare the ratio, not absolute times):
- cold start to the first painted, signed-in main window (`station-app gui --demo`, offscreen, with
  STATION_APP_EXIT_AFTER_FIRST_PAINT set): the frozen program against `python -m station_app` from source;
- the one-folder build's size (what the .deb installs under /opt), by component, and the .deb's Installed-Size
  (what dpkg and apt report) when --deb is given. Sizes are in MiB (2**20 bytes) and MB (10**6 bytes): the goal
  "under 150 MB" holds in either unit below 143 MiB.
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


def component(rel: str) -> str:
    """Which part of the build a file of the one-folder app belongs to."""
    if "/libicu" in rel:
        return "qt_icu"
    if "/PySide6/Qt/lib/" in rel:
        return "qt_libraries"
    if "/PySide6/Qt/" in rel:
        return "qt_plugins_translations"
    if rel.startswith(("_internal/PySide6/", "_internal/shiboken6/")):
        return "pyside_bindings"
    if rel.startswith(("_internal/cryptography", "_internal/_cffi_backend")):
        return "cryptography"
    if rel == "station-app" or rel.startswith(("_internal/libpython", "_internal/python3", "_internal/base_library")):
        return "python_and_bytecode"  # the program file carries the compressed bytecode of every module
    if rel.startswith(("_internal/resources/fonts/", "_internal/reportlab/fonts/")):
        return "fonts"
    if rel.count("/") == 1 and ".so" in rel:
        return "system_libraries"
    return "other_packages"


def breakdown(path: Path) -> dict[str, float]:
    parts: dict[str, int] = {}
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            key = component(p.relative_to(path).as_posix())
            parts[key] = parts.get(key, 0) + p.lstat().st_size
    return {k: round(v / 2**20, 1) for k, v in sorted(parts.items(), key=lambda kv: -kv[1])}


def deb_installed_kib(deb: Path) -> int:
    return int(subprocess.run(["dpkg-deb", "-f", str(deb), "Installed-Size"], check=True, capture_output=True,
                              text=True).stdout)


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
    p.add_argument("--deb", help="the .deb built from it (its Installed-Size goes into the result)")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    frozen = Path(args.frozen)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        source = [sys.executable, "-m", "station_app"]
        start(source, home)  # builds the demo station once (not measured)
        runs: dict[str, list[float]] = {"frozen": [], "source": []}
        for _ in range(args.runs):
            runs["frozen"].append(start([str(frozen / "station-app")], home))
            runs["source"].append(start(source, home))
    med = {k: statistics.median(v) for k, v in runs.items()}
    size = folder_size(frozen)
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load_avg_before": load_before,
                    "load_avg": os.getloadavg(),
                    "note": "2 cores shared with other jobs: compare the frozen/source ratio, not absolute times"},
        "cold_start_first_paint_s": {k: round(v, 3) for k, v in med.items()},
        "runs_s": {k: [round(x, 3) for x in v] for k, v in runs.items()},
        "ratio_frozen_vs_source": round(med["frozen"] / med["source"], 2),
        "one_folder_mib": round(size / 2**20, 1),
        "one_folder_mb": round(size / 1e6, 1),
        "one_folder_by_component_mib": breakdown(frozen),
        "goals": {"ratio_frozen_vs_source": "<= 1.5", "installed_mb": "< 150"},
    }
    if args.deb:
        kib = deb_installed_kib(Path(args.deb))
        result["deb_installed_size"] = {"kib": kib, "mib": round(kib / 1024, 1), "mb": round(kib * 1024 / 1e6, 1)}
    out = ROOT / "bench" / "results" / "install.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
