"""Issue 7 item 10: a second import waits with a message or refuses cleanly; non-regular files are refused."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from station_app.core.i18n import set_language
from station_app.sync import exporter, identity, importer
from station_app.sync.identity import IdentityError
from tests.sync.transport import consult, make_pair


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("zh_CN")


@pytest.fixture
def pair(make_station):
    station, township = make_pair(make_station)
    consult(station, "遗产怎么分")
    return station, township


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="POSIX devices")
def test_non_regular_files_are_refused_at_once(pair, tmp_path):
    station, township = pair
    fifo = tmp_path / "S01-changes-000001.stbundle"
    os.mkfifo(fifo)
    link = tmp_path / "zero.stbundle"
    link.symlink_to("/dev/zero")
    started = time.monotonic()
    results = importer.import_paths(township, [tmp_path / "zero.stbundle", "/dev/zero", fifo])
    results += importer.import_paths(township, [tmp_path])  # a folder holding them
    assert time.monotonic() - started < 20
    assert results and all(r.status == "refused" and "not a regular file" in r.message for r in results), results
    for bad in ("/dev/zero", fifo):
        with pytest.raises(IdentityError, match="not a regular file"):
            identity.enroll(township, bad)


def test_a_second_import_waits_with_a_message_then_refuses_cleanly(pair, tmp_path, monkeypatch):
    station, township = pair
    path = exporter.export_bundle(station, tmp_path / "usb")
    monkeypatch.setenv("STATION_APP_IMPORT_WAIT", "2")
    # Another process holds the import lock (a long import in another window).
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from station_app.sync.importer import import_lock\n"
        "with import_lock(sys.argv[1]):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(30)\n"), str(township.paths.root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        res = subprocess.run([sys.executable, "-m", "station_app", "--data-dir", str(township.paths.root),
                              "--lang", "en", "bundle", "import", str(path)], capture_output=True, text=True,
                             env={**os.environ, "STATION_APP_IMPORT_WAIT": "2"}, timeout=120)
        assert res.returncode == 2, (res.stdout, res.stderr)
        assert "Traceback" not in res.stderr
        assert "another import is running" in res.stderr
        # Waiting: once the other import ends, this one goes ahead.
        holder.kill()
        holder.wait()
        [r] = importer.import_paths(township, [path])
        assert r.status == "imported"
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_a_database_held_by_another_program_is_a_clean_refusal(pair, tmp_path):
    """Another program keeps the township database write-locked past the busy timeout: this bundle is refused
    with a message (import it again later), no traceback, nothing written."""
    import sqlite3

    station, township = pair
    path = exporter.export_bundle(station, tmp_path / "usb")
    other = sqlite3.connect(township.paths.database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        [r] = importer.import_paths(township, [path])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert r.status == "refused" and "busy" in r.message, r
    [r] = importer.import_paths(township, [path])
    assert r.status == "imported", r
