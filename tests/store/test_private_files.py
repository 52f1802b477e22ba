"""Issue 7 item 9: everything in the data dir is owner-only whatever the umask (POSIX)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from station_app import config
from station_app.services.base import StationDB
from station_app.store import backups
from station_app.sync import exporter, identity, importer
from tests.sync.transport import consult, make_pair

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def loose(root: Path) -> list[str]:
    """Everything under root that another account could read, enter or write."""
    out = []
    for p in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(os.lstat(p).st_mode)
        want = 0o700 if p.is_dir() else 0o600
        if mode != want:
            out.append(f"{p.relative_to(root.parent)} {oct(mode)}")
    return out


def test_a_working_installation_is_owner_only_under_umask_022(umask_022, make_station, tmp_path):
    station, township = make_pair(make_station)
    consult(station, "遗产怎么分")
    path = exporter.export_bundle(station, tmp_path / "usb")
    [r] = importer.import_paths(township, [path])
    assert r.status == "imported"
    backups.backup_now(township.paths.database, township.paths.backups)
    backups.rolling_backup(station)
    identity.rotate(station)  # writes into exports/ and keys/retired/
    from station_app.sync.merge import store_files

    store_files(township, {"posting_photos": [{"sha256": "ab" * 32, "file_name": "x.jpg"}]},
                {"ab" * 32: b"\xff\xd8photo"})
    for db in (station, township):
        assert (db.paths.root / "station.sqlite3-wal").exists()
        assert (db.paths.logs / "sync.log").exists()
        assert loose(db.paths.root) == []


def test_an_older_installation_is_tightened_on_open(umask_022, make_station):
    station = make_station()
    consult(station, "x")
    root = station.paths.root
    station.close()
    for p in [root, *root.rglob("*")]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    assert loose(root)
    with StationDB.open(config.resolve(root)):
        assert loose(root) == []
