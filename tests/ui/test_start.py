"""The window's start-up order (ui/start.py): the data core before Qt, the cycle collector paused until the first
paint, and nothing before that paint that waits on the ORM's one-off mapper configuration. Speed itself is measured
in bench/bench_gui.py; these check the order that the figures there depend on, in a fresh process."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

from tests.ui.conftest import ADMIN_PASSWORD

CHILD = r"""
import json, sys
from station_app.ui.start import prepare
prepare()
import gc
paused = not gc.isenabled()
from station_app import config
from station_app.ui.app import make_qapp, open_signed_in
from station_app.ui.main_window import MainWindow
from station_app.ui.ops import OpRunner
qapp = make_qapp()
app = open_signed_in(config.resolve(sys.argv[1]), "admin", sys.argv[2], lambda _p: None)
window = MainWindow(app, OpRunner(synchronous=True), idle_minutes=0)
window.show()
window.repaint()
from station_app.store.models import Base
names = list(sys.modules)
print(json.dumps({"paused": paused, "orm_configured_before_paint": not Base.registry._new_mappers,
                  "sqlalchemy_before_qt": names.index("sqlalchemy") < names.index("PySide6"),
                  "title": window.windowTitle(), "pages": window.nav.count()}))
window.nav.setCurrentRow(1)  # the next page's data: the ORM configures now, after the paint
print(json.dumps({"orm_configured_after": not Base.registry._new_mappers}), flush=True)
import os; os._exit(0)
"""


def test_start_up_takes_the_data_core_first_and_leaves_the_orm_until_after_the_first_paint(station_paths):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", CHILD, str(station_paths.root), ADMIN_PASSWORD], capture_output=True,
                       text=True, env=env, timeout=120)
    lines = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 2, r.stderr[-3000:]
    first, after = lines
    assert first == {"paused": True, "orm_configured_before_paint": False, "sqlalchemy_before_qt": True,
                     "title": first["title"], "pages": first["pages"]}
    assert first["pages"] >= 8  # the administrator's pages, decided by Core reads of the user's role
    assert after == {"orm_configured_after": True}


def test_the_collector_runs_again_when_the_window_ends_before_it_opens(tmp_path, monkeypatch, qapp):
    from station_app.cli import main

    monkeypatch.setenv("STATION_APP_PASSWORD", "x")
    try:  # no installation to screenshot: refused before any window
        main(["gui", "--screenshot-dir", str(tmp_path / "shots"), "--data-dir", str(tmp_path / "none")])
    except SystemExit:
        pass
    assert gc.isenabled()  # paused by ui/start.py, turned back on on the way out (tests/ui/test_demo_station.py: after a paint)


SIGN_IN_CHILD = r"""
import json, os, sys, threading
from station_app.ui.start import main
from PySide6.QtCore import QEvent, QObject, QTimer
from station_app.ui.app import make_qapp

qapp = make_qapp()
seen = {}

def preloaded():
    return not any(t.name == "station-preload" for t in threading.enumerate())

def enter_when_preloaded(dialog):
    if not preloaded():
        QTimer.singleShot(20, lambda: enter_when_preloaded(dialog))
        return
    from station_app.store.models import Base
    seen["ready_before_enter"] = {"use_cases": "station_app.usecases.records" in sys.modules,
                                  "orm_configured": not Base.registry._new_mappers}
    dialog.login.setText("admin")
    dialog.password.setText(sys.argv[2])
    dialog.try_sign_in()

class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj.isWidgetType():
            if obj.objectName() == "signInDialog" and "dialog" not in seen:
                seen["dialog"] = {"data_core": "sqlalchemy" in sys.modules}
                QTimer.singleShot(50, lambda: enter_when_preloaded(obj))
            elif obj.inherits("QMainWindow"):
                seen["window"] = obj.windowTitle()
                print(json.dumps(seen), flush=True)
                os._exit(0)
        return False

watch = Watch()
qapp.installEventFilter(watch)
main(["--data-dir", sys.argv[1]])
"""


def test_a_person_signing_in_sees_the_dialog_before_the_data_core_loads_and_it_loads_while_they_type(station_paths):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", SIGN_IN_CHILD, str(station_paths.root), ADMIN_PASSWORD],
                       capture_output=True, text=True, env=env, timeout=120)
    lines = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert lines, r.stderr[-3000:]
    seen = lines[0]
    assert seen["dialog"] == {"data_core": False}
    assert seen["ready_before_enter"] == {"use_cases": True, "orm_configured": True}
    assert seen["window"]  # signed in through the dialog, the main window painted
