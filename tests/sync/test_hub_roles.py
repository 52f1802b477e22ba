"""A hub's role is no superuser. With `GRANT SET ON PARAMETER session_replication_role` (docs/hub.md) the merge
switches foreign keys off for its transaction as on SQLite: a bundle referring to a record of a missing bundle
merges (a gap). Without the grant the keys are deferred: such a bundle is refused with a sentence saying what to do,
nothing of it is written, and it merges once the missing bundle came."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from station_app.core.codes import StationKind
from station_app.services.advisers import record_adviser
from station_app.services.consultations import record_consultation
from station_app.sync import merge
from tests.sync.bundles import Outbox, dump_origin
from tests.sync.hub import township_on_pg

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "anonymous": True}


@pytest.fixture
def app_role(pg_server):
    """(url maker, role): a LOGIN role without superuser owning a new empty database."""
    role = f"hub_app_{uuid.uuid4().hex[:8]}"
    pg_server._sql(f'CREATE ROLE "{role}" LOGIN')
    made: list[str] = []

    def database(*, grant: bool) -> str:
        name = f"{role}_{len(made) + 1}"
        pg_server._sql(f'CREATE DATABASE "{name}" OWNER "{role}" TEMPLATE template0 ENCODING \'UTF8\'')
        if grant:
            pg_server._sql(f'GRANT SET ON PARAMETER session_replication_role TO "{role}"')
        made.append(name)
        return pg_server.url.set(database=name, username=role).render_as_string(hide_password=False)

    yield database
    for name in made:
        pg_server.drop(name)
    pg_server._sql(f'REVOKE SET ON PARAMETER session_replication_role FROM "{role}"')
    pg_server._sql(f'DROP ROLE IF EXISTS "{role}"')


def _two_bundles(s01):
    box = Outbox(s01)
    adviser = record_adviser(s01, "tester", {"name": "王律师", "phone": "13800000000", "law_firm": "某所"}).first("advisers")
    box.export()  # 1: the station row, the adviser
    record_consultation(s01, "tester", {**CONSULT, "adviser_id": adviser})
    box.export()  # 2: a consultation referring to the adviser
    return box.sent


def test_with_the_grant_a_bundle_may_arrive_before_the_one_it_refers_to(make_station, tmp_path, app_role):
    s01 = make_station("S01", "一村")
    b1, b2 = _two_bundles(s01)
    lite = make_station("T00", "乡镇", StationKind.CENTRE)
    hub = township_on_pg(tmp_path, app_role(grant=True))
    try:
        with hub.engine.connect() as c:
            assert c.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar() is False
        for b in (b2, b1):
            a, h = merge.apply_changes(lite, b), merge.apply_changes(hub, b)
            assert (a.status, a.counts, a.missing) == (h.status, h.counts, h.missing), (a.message, h.message)
        assert dump_origin(hub, s01.station_id) == dump_origin(s01, s01.station_id)
    finally:
        hub.close()


def test_without_the_grant_such_a_bundle_is_refused_until_the_missing_one_came(make_station, tmp_path, app_role):
    s01 = make_station("S01", "一村")
    b1, b2 = _two_bundles(s01)
    hub = township_on_pg(tmp_path, app_role(grant=False))
    try:
        r = merge.apply_changes(hub, b2)
        assert r.status == "refused" and not r.fork
        assert "缺少" in r.message or "missing" in r.message, r.message
        with hub.read() as s:
            assert s.execute(text("SELECT count(*) FROM consultations")).scalar() == 0
            assert s.execute(text("SELECT count(*) FROM sync_received_bundles")).scalar() == 0
        assert merge.apply_changes(hub, b1).status == "imported"
        assert merge.apply_changes(hub, b2).status == "imported"
        assert dump_origin(hub, s01.station_id) == dump_origin(s01, s01.station_id)
    finally:
        hub.close()
