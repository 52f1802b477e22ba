"""Two townships on one hub, importing at the same time: one database each (docs/hub.md recommends it) and, where
the hosting allows only one database, one schema each (the role's search_path names it). Each township ends with
exactly its own stations' rows; neither sees nor waits on the other's data."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from station_app import config
from station_app.core.codes import StationKind
from station_app.services.setup import init_installation
from station_app.store.db import make_engine
from tests.sync.bundles import dump_origin
from tests.sync.hub import township_on_pg
from tests.sync.test_hub_concurrent import _bundles, _run_together


def _in_schema(url: str, schema: str) -> str:
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


@pytest.mark.parametrize("layout", ["database", "schema"])
def test_two_townships_import_at_once_on_one_server(make_station, tmp_path, pg_database, layout):
    if layout == "database":
        urls = [pg_database(migrated=False), pg_database(migrated=False)]
    else:
        shared = pg_database(migrated=False)
        urls = [_in_schema(shared, "xwz"), _in_schema(shared, "dzz")]
    hubs = []
    for code, url in zip(("T01", "T02"), urls):
        db = init_installation(config.resolve(tmp_path / code), kind=StationKind.CENTRE, code=code,
                               name=f"乡镇{code}", actor="tester")
        hubs.append(township_on_pg(tmp_path, url, sqlite_db=db))
    a = _bundles(make_station("S01", "一村"), 4, 30)
    b = _bundles(make_station("S02", "二村"), 4, 30)
    try:
        results, errors = _run_together([(hubs[0], a.sent + a.sent[1:3]), (hubs[1], b.sent + b.sent[:2])])
        assert errors == []
        assert sorted(s for s, status, _c, _m in results if status == "imported") == sorted(
            x.sha256 for x in a.sent + b.sent)
        assert dump_origin(hubs[0], a.db.station_id) == dump_origin(a.db, a.db.station_id)
        assert dump_origin(hubs[1], b.db.station_id) == dump_origin(b.db, b.db.station_id)
        assert all(not rows for rows in dump_origin(hubs[0], b.db.station_id).values())
        assert all(not rows for rows in dump_origin(hubs[1], a.db.station_id).values())
        if layout == "schema":
            with hubs[0].engine.connect() as c:
                assert c.execute(text("SELECT current_schema()")).scalar() == "xwz"
                assert c.execute(text("SELECT count(*) FROM dzz.sync_received_bundles")).scalar() == 4
                assert c.execute(text("SELECT count(*) FROM xwz.sync_received_bundles")).scalar() == 4
    finally:
        for h in hubs:
            h.close()
