"""Nothing outside station_app.ui imports Qt: every other module imports with Qt made unimportable."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import importlib, importlib.abc, json, pkgutil, sys, traceback

    QT = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "shiboken2", "qtpy", "pytestqt")

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in QT:
                raise ImportError(f"Qt is not importable here: {name}")
            return None

    sys.meta_path.insert(0, NoQt())
    import station_app

    names, failures = [], {}
    def onerror(name):
        failures[name] = traceback.format_exc(limit=3)

    for info in pkgutil.walk_packages(station_app.__path__, "station_app.", onerror=onerror):
        name = info.name
        # ui/ is the one place Qt belongs; __main__ runs the program when imported.
        if name == "station_app.ui" or name.startswith("station_app.ui.") or name == "station_app.__main__":
            continue
        names.append(name)
        try:
            importlib.import_module(name)
        except BaseException:
            failures[name] = traceback.format_exc(limit=5)
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in QT)
    print(json.dumps({"modules": names, "failures": failures, "leaked": leaked}))
""")


def test_every_module_outside_ui_imports_without_qt():
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert report["failures"] == {}, "\n".join(f"{k}:\n{v}" for k, v in report["failures"].items())
    assert report["leaked"] == []
    modules = set(report["modules"])
    # The walk really covered the packages (a broken walk must not pass silently).
    for expected in ("station_app.core.validators", "station_app.store.db", "station_app.services.base",
                     "station_app.cli", "station_app.cli.maintenance", "station_app.config"):
        assert expected in modules


def test_the_probe_does_block_qt():
    # Guard against a finder that blocks nothing: importing Qt under it must fail.
    code = PROBE.split("import station_app")[0] + "import PySide6\n"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "Qt is not importable here" in r.stderr
