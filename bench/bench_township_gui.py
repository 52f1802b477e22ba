"""The township's import centre against the command line's import, on the same 21 stations' bundles, in one run.

    .venv/bin/python bench/bench_township_gui.py             # 3 rounds; the first run builds the township (~1 min)
    .venv/bin/python bench/bench_township_gui.py --rounds 5

The township (T00 and S01..S21, a year of records each) is built once with the demo's generator (as `station-app
demo` does) under bench/out/township-gui/; every station's bundle 1 is on its "USB stick" folder. Each round takes
two fresh copies of the township before any import, then imports the 21 bundles:

| measure | how |
| --- | --- |
| `app_s` (baseline) | `Application.open` + `app.bundles.import_paths([stick])`: the code behind `station-app bundle import` |
| `cli_s` | `station-app bundle import STICK` as a process (start-up included), first round only |
| `gui_s` | the 导入中心 page, offscreen, with the real (threaded) op runner: from the folder handed to the page (as a drop does) until its summary shows, the window processing events throughout |
| `gui_first_row_s` | from the same start until the first result row shows |
| `ratio` | median gui_s / median app_s (the GUI's cost over the same import) |

The rounds interleave app and GUI so machine load hits both alike. The machine is shared (load average recorded):
read the ratio, not the absolute times. Writes bench/results/township_gui.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "township-gui"
PASSWORD = "bench-admin-1"


def _none(_purpose):
    return None


def township() -> tuple[Path, Path]:
    """The built township (T00 before any import) and the stick with the 21 bundles."""
    from station_app import config, demo
    from station_app.app import Application

    ready = OUT / ".ready"
    if not ready.is_file():
        if OUT.exists():
            shutil.rmtree(OUT)
        out = demo.prepare_out(OUT)
        dirs = demo.build_installations(out, 2021, 2021)
        stick = out / "stick"
        for d in dirs[1:]:
            with Application.open(config.resolve(d), passphrase=_none, backup=False) as st:
                st.bundles.export(stick)
        with Application.open(config.resolve(out / "T00"), passphrase=_none, backup=False) as t:
            t.users.set_password(t.login, PASSWORD)
        ready.write_text("ok", encoding="utf-8")
    return OUT / "T00", OUT / "stick"


def fresh(t00: Path, name: str) -> Path:
    dest = OUT / "runs" / name
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(t00, dest)
    return dest


def run_app(t00: Path, stick: Path, name: str) -> tuple[float, int]:
    from station_app import config
    from station_app.app import Application

    data = fresh(t00, name)
    start = time.perf_counter()
    with Application.open(config.resolve(data), passphrase=_none, backup=False) as app:
        results = app.bundles.import_paths([stick])
    took = time.perf_counter() - start
    assert all(r.status == "imported" for r in results), [r.message for r in results]
    return took, len(results)


def run_cli(t00: Path, stick: Path, name: str) -> float:
    data = fresh(t00, name)
    exe = Path(sys.executable).with_name("station-app")
    start = time.perf_counter()
    done = subprocess.run([str(exe), "--data-dir", str(data), "bundle", "import", str(stick)], capture_output=True,
                          text=True, env={**os.environ, "STATION_APP_LANG": "en"})
    took = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return took


def run_gui(qapp, t00: Path, stick: Path, name: str) -> tuple[float, float, int]:
    from PySide6.QtWidgets import QApplication

    from station_app import config
    from station_app.app import Application
    from station_app.ui.main_window import MainWindow
    from station_app.ui.ops import OpRunner

    data = fresh(t00, name)
    app = Application.open(config.resolve(data), passphrase=_none, backup=False)
    runner = OpRunner()  # the real one: a worker thread, rows arrive through queued signals
    window = MainWindow(app, runner, idle_minutes=0)
    window.resize(1280, 800)
    window.show()
    page = window.show_page("import")
    QApplication.processEvents()
    first: list[float] = []
    def row_shown(*_args) -> None:
        if not first:
            first.append(time.perf_counter())

    page.model.rowsInserted.connect(row_shown)
    start = time.perf_counter()
    page.import_paths([str(stick)])  # what a drop of the stick's folder does
    while page.running:
        QApplication.processEvents()
        time.sleep(0.002)
    QApplication.processEvents()
    took = time.perf_counter() - start
    rows = page.model.rowCount()
    statuses = {r.status for r in page.last_results}
    window.close()
    runner.wait()
    app.close()
    assert statuses == {"imported"}, [r.message for r in page.last_results]
    return took, (first[0] - start) if first else float("nan"), rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("STATION_APP_GUI_SETTINGS", str(OUT.parent / "township-gui.ini"))
    t00, stick = township()
    from station_app.ui.app import make_qapp

    qapp = make_qapp()
    load_start = list(os.getloadavg())
    app_s, gui_s, first_s = [], [], []
    bundles = rows = 0
    cli_s = run_cli(t00, stick, "cli")
    for n in range(args.rounds):
        took, bundles = run_app(t00, stick, f"app-{n}")
        app_s.append(took)
        took, first, rows = run_gui(qapp, t00, stick, f"gui-{n}")
        gui_s.append(took)
        first_s.append(first)
        print(f"round {n + 1}: app {app_s[-1]:.2f} s, gui {gui_s[-1]:.2f} s (first row {first:.2f} s)", flush=True)
    shutil.rmtree(OUT / "runs", ignore_errors=True)
    med_app, med_gui = statistics.median(app_s), statistics.median(gui_s)
    result = {
        "bundles": bundles, "rows_shown": rows, "rounds": args.rounds,
        "app_s": [round(x, 3) for x in app_s], "gui_s": [round(x, 3) for x in gui_s],
        "gui_first_row_s": [round(x, 3) for x in first_s], "cli_s": round(cli_s, 3),
        "median_app_s": round(med_app, 3), "median_gui_s": round(med_gui, 3),
        "median_first_row_s": round(statistics.median(first_s), 3),
        "ratio_gui_to_app": round(med_gui / med_app, 3),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.system(),
                    "load_avg_start": load_start, "load_avg_end": list(os.getloadavg())},
        "note": "shared machine: compare the ratio, not the absolute times",
    }
    out = HERE / "results" / "township_gui.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # PySide6 can crash while the interpreter tears down Qt objects after many windows (a refcount error in
    # its finaliser); the results are written by now, so leave without the teardown.
    os._exit(code)
