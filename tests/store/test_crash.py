"""Crash test: a writer killed with SIGKILL at random moments never leaves a damaged database, and every record
whose save returned is there."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from queue import Empty, Queue

import pytest

from station_app import config
from station_app.core.codes import StationKind
from station_app.services.setup import init_installation
from station_app.store.db import integrity_check

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300), pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")]

# A zygote imports the app once, then forks one writer process per round (starting Python and importing
# SQLAlchemy and Alembic afresh costs seconds on a slow PC). Each writer is a real process, killed by the kernel.
ZYGOTE = textwrap.dedent("""
    import os, sys
    from station_app import config
    from station_app.services import consultations as cs
    from station_app.services.base import StationDB

    def write(home):
        db = StationDB.open(config.resolve(home))
        n = 0
        while True:
            n += 1
            result = cs.record_consultation(db, "crash", {
                "occurred_at": "2021-03-05 09:30", "channel": "来访", "consultant_name": "王秀英",
                "phone": "13812341234", "category": "婚姻家庭",
                "summary": "离婚后孩子抚养费如何计算，第" + str(n) + "次来访" + "。" * (n % 200)})
            cid = result.first("consultations")
            if n % 7 == 0:  # updates and tombstones too: they touch the search index and history
                cs.update_consultation(db, "crash", cid, {"answer": "依据民法典"})
            if n % 11 == 0:
                cs.delete_consultation(db, "crash", cid)
            # Written only after the save returned (committed): the test may then expect to find it. One write()
            # per line: a kill between the pieces of a print() would glue a half line to the next one.
            os.write(1, f"id {cid}\\n".encode())

    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                write(line.strip())
            finally:
                os._exit(1)
        os.write(1, f"pid {pid}\\n".encode())
        os.waitpid(pid, 0)
        os.write(1, b"done\\n")
""")

ROUNDS = 25


def test_sigkill_at_random_moments_loses_nothing_that_was_saved(tmp_path):
    home = tmp_path / "crash"
    init_installation(config.resolve(home), kind=StationKind.VILLAGE, code="S01", name="小苏庄村").close()
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 100000))
    rng = random.Random(seed)
    script = tmp_path / "zygote.py"
    script.write_text(ZYGOTE, encoding="utf-8")
    zygote = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, encoding="utf-8")
    assert zygote.stdin is not None and zygote.stdout is not None
    # Lines arrive through a thread so that a stuck writer fails the test with its seed instead of hanging it.
    queue: Queue[str] = Queue()
    threading.Thread(target=lambda: [queue.put(ln) for ln in zygote.stdout] + [queue.put("")], daemon=True).start()

    lines: list[str] = []

    def readline() -> str:
        try:
            return queue.get(timeout=60)
        except Empty:
            state = subprocess.run(["ps", "-o", "pid,ppid,stat,wchan:30,cmd", "--ppid", str(zygote.pid), "-p", str(zygote.pid)],
                                   capture_output=True, text=True).stdout
            raise AssertionError(f"seed {seed}: no output from the writer for 60 s (pid {pid}), "
                                 f"last lines {lines[-3:]}\n{state}") from None
    saved: set[str] = set()
    pid: int | None = None
    started = time.monotonic()
    try:
        for round_ in range(ROUNDS):
            zygote.stdin.write(f"{home}\n")
            zygote.stdin.flush()
            lines: list[str] = []
            pid = None
            while pid is None:
                line = readline()
                assert line, "the writer zygote died"
                if line.startswith("pid "):
                    pid = int(line.split()[1])
                else:
                    lines.append(line)
            # Most kills land while writing (after the first save); some during start-up (open, checks).
            if rng.random() < 0.85:
                while not any(ln.startswith("id ") for ln in lines):
                    line = readline()
                    assert line and line != "done\n", "the writer stopped by itself"
                    lines.append(line)
                time.sleep(rng.uniform(0.0, 0.5))
            else:
                time.sleep(rng.uniform(0.0, 0.3))
            os.kill(pid, signal.SIGKILL)
            while (line := readline()) != "done\n":
                assert line, "the writer zygote died"
                lines.append(line)
            # A line cut short by the kill was never complete: only whole printed ids count as "save returned".
            saved |= {ln.split()[1] for ln in lines
                      if ln.startswith("id ") and ln.endswith("\n") and len(ln.split()[-1]) == 36}

            problems = integrity_check(home / "station.sqlite3")
            assert problems == [], f"seed {seed} round {round_}: {problems}"
            con = sqlite3.connect(home / "station.sqlite3")
            try:
                present = {r[0] for r in con.execute("SELECT id FROM consultations")}
                # The search index matches the records (raises "database disk image is malformed" if not).
                con.execute("INSERT INTO consultation_search(consultation_search, rank) VALUES('integrity-check', 1)")
                counter = con.execute("SELECT counter FROM local_state").fetchone()[0]
                highest = con.execute("SELECT max(counter) FROM record_history").fetchone()[0]
            finally:
                con.close()
            missing = saved - present
            assert not missing, f"seed {seed} round {round_}: {len(missing)} saved records missing, e.g. {min(missing)}"
            assert highest <= counter
    finally:
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        zygote.stdin.close()
        try:
            zygote.wait(timeout=30)
        except subprocess.TimeoutExpired:
            zygote.kill()
    assert len(saved) > ROUNDS  # the kills really interrupted a writer at work
    print(f"crash test: seed {seed}, {ROUNDS} kills, {len(saved)} saved records, {time.monotonic() - started:.1f} s")
