"""`station-app township migrate-to --db-url URL`: a township's SQLite database moves to PostgreSQL, verified row
by row, and the installation switches only then; the SQLite file stays."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from station_app.services.consultations import record_consultation, update_consultation
from station_app.sync import hubmove, merge
from tests.sync.bundles import Outbox

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "anonymous": False, "consultant_name": "张三", "phone": "13800000000"}


def _township_with_a_year(make_station, township):
    s01 = make_station("S01", "一村")
    box = Outbox(s01)
    for i in range(5):
        cid = record_consultation(s01, "tester", {**CONSULT, "summary": f"问题{i}"}).first("consultations")
        update_consultation(s01, "tester", cid, {"answer": "答复"})
        box.export()
    for b in box.sent[:2] + box.sent[3:]:  # bundle 3 still missing: a gap travels too
        assert merge.apply_changes(township, b).status in ("imported", "gap")
    record_consultation(township, "tester", CONSULT)
    root = township.paths.root
    township.close()
    return root


def test_migrate_to_moves_verifies_and_switches(cli, make_station, township, pg_database):
    url = pg_database(migrated=False)
    root = _township_with_a_year(make_station, township)
    before = cli("stats", "--year", "2024", "--json", data_dir=root)
    stations_before = cli("stations", "--json", data_dir=root)
    assert before.returncode == 0, before.stderr

    r = cli("township", "migrate-to", "--db-url", url, "--json", data_dir=root)
    assert r.returncode == 0, r.stderr + r.stdout
    report = json.loads(r.stdout)
    assert report["verified"] and report["switched"]
    counts = {t["table"]: t["source_rows"] for t in report["tables"]}
    assert counts["consultations"] == 5 and counts["sync_received_bundles"] == 4 and counts["users"] >= 1
    assert all(t["ok"] and t["source_rows"] == t["target_rows"] for t in report["tables"])
    assert (root / "database.json").is_file() and (root / "station.sqlite3").is_file()  # the file is kept

    after = cli("stats", "--year", "2024", "--json", data_dir=root)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert json.loads(cli("stations", "--json", data_dir=root).stdout) == json.loads(stations_before.stdout)
    # It really reads PostgreSQL now: a record written after the move is there, not in the kept file.
    assert cli("consult", "add", "--at", "2024-05-01 10:00", "--channel", "来访", "--category", "继承",
               "--summary", "搬家以后", "--anonymous", data_dir=root).returncode == 0
    engine = create_engine(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM consultations WHERE summary = '搬家以后'")).scalar() == 1
        # the integer keys go on after the copied ones
        top = c.execute(text("SELECT max(id) FROM sync_received_bundles")).scalar()
        assert c.execute(text("SELECT nextval(pg_get_serial_sequence('sync_received_bundles', 'id'))")).scalar() > top
    engine.dispose()


def test_a_non_empty_target_is_refused_and_nothing_switches(cli, make_station, township, pg_database):
    url = pg_database(migrated=False)
    root = _township_with_a_year(make_station, township)
    assert cli("township", "migrate-to", "--db-url", url, data_dir=root).returncode == 0
    (root / "database.json").unlink()  # back on the SQLite file: try to move it into the same database again
    r = cli("township", "migrate-to", "--db-url", url, data_dir=root)
    assert r.returncode == 2
    assert "consultations" in r.stderr or "local_state" in r.stderr or "stations" in r.stderr, r.stderr
    assert not (root / "database.json").exists()


def test_a_row_that_does_not_verify_stops_the_switch(cli, make_station, township, pg_database, monkeypatch):
    url = pg_database(migrated=False)
    root = _township_with_a_year(make_station, township)
    copy = hubmove._copy

    def copy_then_damage(src, engine, progress):
        out = copy(src, engine, progress)
        with engine.begin() as c:  # what a faulty copy would leave: one field of one record changed
            c.execute(text("UPDATE consultations SET answer = 'x' WHERE id = (SELECT min(id) FROM consultations)"))
        return out

    monkeypatch.setattr(hubmove, "_copy", copy_then_damage)
    r = cli("township", "migrate-to", "--db-url", url, "--json", data_dir=root)
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert not report["verified"] and not report["switched"]
    bad = [t for t in report["tables"] if not t["ok"]]
    assert [t["table"] for t in bad] == ["consultations"] and bad[0]["differing"] == 1
    assert "answer" in bad[0]["examples"][0] and "13800000000" not in r.stdout  # names fields, never values
    assert not (root / "database.json").exists()
    assert cli("stats", "--year", "2024", data_dir=root).returncode == 0  # still on its SQLite file


def test_bad_targets_and_sources_are_refused_with_a_reason(cli, make_station, township, pg_database):
    root = _township_with_a_year(make_station, township)
    r = cli("township", "migrate-to", "--db-url", "mysql://x@y/z", data_dir=root)
    assert r.returncode == 2 and "--db-url" in r.stderr
    r = cli("township", "migrate-to", "--db-url", "postgresql://nobody@127.0.0.1:1/none", data_dir=root)
    assert r.returncode == 2 and "127.0.0.1" in r.stderr
    village = make_station("S09", "九村").paths.root
    r = cli("township", "migrate-to", "--db-url", pg_database(migrated=False), data_dir=village)
    assert r.returncode == 2 and not (village / "database.json").exists()
