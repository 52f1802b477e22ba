"""An import killed with SIGKILL at random moments: the database stays sound and every bundle is either fully
merged (logged, every row there) or not at all (not logged, none of its rows there)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from station_app.services.consultations import add_consultation, validate_consultation
from station_app.store.db import integrity_check
from station_app.sync.bundle import open_bundle
from station_app.sync.exporter import export_bundle
from tests.sync.bundles import dump_origin
from tests.sync.transport import make_pair

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")]

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "consultant_name": "张三"}


def fill(db, n: int, tag: str) -> None:
    values = [validate_consultation({**CONSULT, "summary": f"{tag} 第{i}条", "phone": "13800138000"})
              for i in range(n)]
    with db.write("tester") as w:
        for v in values:
            add_consultation(w, v)


def rows_in_range(con, station_id: str, lo: int, hi: int) -> int:
    tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
    synced = [t for t in ("stations", "consultations", "record_history") if t in tables]
    return sum(con.execute(f"select count(*) from {t} where station_id=? and counter>? and counter<=?",
                           (station_id, lo, hi)).fetchone()[0] for t in synced)


def test_import_killed_at_random_moments(make_station, tmp_path):
    station, township = make_pair(make_station)
    out = tmp_path / "stick"
    bundles = []
    for k in range(3):
        fill(station, 1500, f"批{k}")
        bundles.append(export_bundle(station, out))
    opened = [open_bundle(township, p) for p in bundles]
    expected = [(b.header.counter_from, b.header.counter_to, b.payload.row_count()) for b in opened]
    sid = station.station_id
    pristine = tmp_path / "pristine"
    township.close()
    shutil.copytree(township.paths.root, pristine)

    def start(home):
        return subprocess.Popen([sys.executable, "-m", "station_app", "--data-dir", str(home), "bundle", "import",
                                 *map(str, bundles)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    # How long a whole import takes on this machine now (start-up included): the kills are spread over that span,
    # so they land at different stages on a quiet machine and on a loaded one alike.
    home = tmp_path / "timing"
    shutil.copytree(pristine, home)
    t0 = time.monotonic()
    assert start(home).wait() == 0
    span = time.monotonic() - t0
    shutil.rmtree(home)

    rng = random.Random(20240302)
    outcomes = set()
    for attempt in range(10):
        home = tmp_path / f"t{attempt}"
        shutil.copytree(pristine, home)
        proc = start(home)
        time.sleep(rng.uniform(0.2, 1.05) * span)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        db_path = home / "station.sqlite3"
        assert integrity_check(db_path) == [], f"attempt {attempt}"
        con = sqlite3.connect(db_path)
        try:
            logged = {n for (n,) in con.execute(
                "select number from sync_received_bundles where station_id=? and kind='changes'", (sid,))}
            marks = con.execute("select last_number from sync_station_marks where station_id=?", (sid,)).fetchall()
            for number, (lo, hi, count) in enumerate(expected, start=1):
                have = rows_in_range(con, sid, lo, hi)
                if number in logged:
                    assert have == count, f"attempt {attempt}: bundle {number} logged but has {have}/{count} rows"
                else:
                    assert have == 0, f"attempt {attempt}: bundle {number} not logged but {have} rows are there"
            assert (marks[0][0] if marks else 0) == max(logged, default=0)
            outcomes.add(len(logged))
        finally:
            con.close()
        shutil.rmtree(home)
    # The kills must have landed at different stages, or the test proves little.
    assert len(outcomes) >= 2, outcomes

    # A finished import after all that gives exactly the station's rows.
    home = tmp_path / "final"
    shutil.copytree(pristine, home)
    run = subprocess.run([sys.executable, "-m", "station_app", "--data-dir", str(home), "bundle", "import",
                          str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    from station_app import config
    from station_app.services.base import StationDB

    with StationDB.open(config.resolve(home)) as t:
        assert dump_origin(t, sid) == dump_origin(station, sid)
