"""The demo's township year (21 villages and the centre, real signed and encrypted bundles) imported into the
township on SQLite and, the same files, into the same township moved to PostgreSQL: identical `stats --json`
figures and identical rows in every synced table."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from sqlalchemy import select

from station_app import config, demo
from station_app.reports.stats import township_stats
from station_app.services.base import StationDB
from station_app.store.models import SYNCED_MODELS
from station_app.store.sync_models import ReceivedBundle, StationMark
from station_app.sync.importer import import_paths
from tests.sync.hub import township_on_pg


def _rows(db) -> dict:
    out = {}
    with db.read() as s:
        for model in SYNCED_MODELS:
            t = model.__table__
            out[t.name] = sorted(tuple(map(repr, r)) for r in s.execute(select(t)).all())
        out["bundles"] = sorted(s.execute(select(ReceivedBundle.station_id, ReceivedBundle.number,
                                                 ReceivedBundle.sha256, ReceivedBundle.counts)).all())
        out["marks"] = sorted((m.station_id, m.kind, m.contiguous_number, m.contiguous_counter, m.high_counter)
                              for m in s.execute(select(StationMark)).scalars())
    return out


@pytest.mark.slow
def test_the_demo_year_gives_identical_stats_on_sqlite_and_postgresql(tmp_path, pg_database, cli):
    pg_url = pg_database()
    out = demo.prepare_out(tmp_path / "demo")
    dirs = demo.build_installations(out, 2021, 2021, workers=2)
    # The township before any import, twice: one stays on SQLite, the other moves to PostgreSQL.
    hub_dir = tmp_path / "T00-hub"
    with StationDB.open(config.resolve(dirs[0])) as t:  # checkpointed, closed: a consistent file to copy
        pass
    shutil.copytree(dirs[0], hub_dir)
    hub = township_on_pg(tmp_path, pg_url, sqlite_db=StationDB.open(config.resolve(hub_dir)))
    try:
        bundles = out / "bundles"
        bundles.mkdir()
        for d in dirs[1:]:
            assert demo._export((d, bundles)) is not None
        with StationDB.open(config.resolve(dirs[0])) as lite:
            a = import_paths(lite, [bundles])
            stats_lite = township_stats(lite, 2021, today=date(2022, 1, 1))
            rows_lite = _rows(lite)
        b = import_paths(hub, [bundles])
        assert [(r.status, r.counts) for r in a] == [(r.status, r.counts) for r in b]
        assert {r.status for r in b} == {"imported"} and len(b) == 21
        assert _rows(hub) == rows_lite
        stats_pg = township_stats(hub, 2021, today=date(2022, 1, 1))
        assert json.dumps(stats_pg, sort_keys=True, ensure_ascii=False) == \
            json.dumps(stats_lite, sort_keys=True, ensure_ascii=False)
    finally:
        hub.close()
    # The same through the command line, the hub's data folder naming its server: `stats --json` alike, and the
    # hub's reference bundle (advisers, duty schedule, receipts) goes back to a station.
    a = cli("stats", "--year", "2021", "--json", data_dir=dirs[0])
    b = cli("stats", "--year", "2021", "--json", data_dir=hub_dir)
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    assert json.loads(a.stdout) == json.loads(b.stdout)
    r = cli("bundle", "reference", "export", "--out", str(tmp_path / "ref"), "--json", data_dir=hub_dir)
    assert r.returncode == 0, r.stderr
    r = cli("bundle", "import", json.loads(r.stdout)["path"], "--json", data_dir=dirs[1])
    assert r.returncode == 0, r.stdout + r.stderr
