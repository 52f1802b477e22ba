"""Issue 7 item 12: forks get a review at the township: `fork list|show|resolve` show both versions and keep one
with a reason written to the sync log; forks of a station whose key a restore revoked are closed as superseded.
Real files, real keys (a cloned station PC), the CLI in-process."""

from __future__ import annotations

import json
import shutil

from station_app import config
from station_app.cli import main
from station_app.core.codes import StationKind
from station_app.services.base import StationDB
from station_app.services.setup import init_installation
from station_app.sync import exporter, identity, importer, setup
from station_app.sync.merge import station_status
from tests.sync.transport import consult, make_pair


def _cli(capsys, db_or_root, *args):
    root = getattr(getattr(db_or_root, "paths", None), "root", db_or_root)
    code = main(["--data-dir", str(root), "--user", "zhangsan", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _cloned_fork(make_station, tmp_path):
    """S01 sends bundle 1; then its data directory is copied to a second PC; both record and export bundle 2.
    The township takes A's bundle 2 and refuses B's as a fork."""
    station, township = make_pair(make_station)
    from station_app.services.users import add_user

    add_user(township, login="zhangsan", display_name="张三", role="管理员", password="secret-pass-1")
    consult(station, "一")
    b1 = exporter.export_bundle(station, tmp_path / "a")
    root = station.paths.root
    station.close()
    shutil.copytree(root, tmp_path / "clone")
    a = StationDB.open(config.resolve(root))
    b = StationDB.open(config.resolve(tmp_path / "clone"))
    consult(a, "A 电脑的记录")
    a2 = exporter.export_bundle(a, tmp_path / "a")
    consult(b, "B 电脑的记录")
    consult(b, "B 电脑的第二条")
    b2 = exporter.export_bundle(b, tmp_path / "b")
    assert [r.status for r in importer.import_paths(township, [b1, a2])] == ["imported", "imported"]
    [r] = importer.import_paths(township, [b2])
    assert r.status == "refused" and r.fork
    return a, b, township, b2


def test_fork_list_show_and_keep_the_held_version(make_station, tmp_path, capsys):
    a, b, township, b2 = _cloned_fork(make_station, tmp_path)
    code, out, err = _cli(capsys, township, "fork", "list", "--json")
    assert code == 0, err
    [fork] = json.loads(out)
    assert fork["code"] == "S01" and fork["number"] == 2 and fork["status"] == "open"

    code, out, err = _cli(capsys, township, "fork", "show", str(fork["id"]), "--json")
    assert code == 0, err
    shown = json.loads(out)
    # Both versions: the bundle held and the one refused, with what each carries.
    assert shown["held"]["number"] == 2 and shown["held"]["counts"]["consultations"] == 1
    assert shown["offered"]["number"] == 2 and shown["offered"]["counts"]["consultations"] == 2
    assert shown["offered"]["new_records"]["consultations"] == 2
    code, out, err = _cli(capsys, township, "fork", "show", str(fork["id"]))
    assert "fork resolve" in out  # the text says how to decide

    # A reason is required.
    code, out, err = _cli(capsys, township, "fork", "resolve", str(fork["id"]), "--keep", "held")
    assert code == 2
    code, out, err = _cli(capsys, township, "fork", "resolve", str(fork["id"]), "--keep", "held",
                          "--reason", "B 是私自复制的电脑", "--json")
    assert code == 0, err
    assert json.loads(out)["resolution"] == "kept_held"
    log = (township.paths.logs / "sync.log").read_text(encoding="utf-8")
    assert "B 是私自复制的电脑" in log and "zhangsan" in log
    [st] = [s for s in station_status(township) if s["code"] == "S01"]
    assert [f["resolution"] for f in st["forks"]] == ["kept_held"] and st["forks"][0]["resolved"] is True
    code, out, err = _cli(capsys, township, "stations")
    assert "分叉" in out
    code, out, err = _cli(capsys, township, "fork", "list", "--json")
    assert json.loads(out) == []  # open forks only by default
    code, out, err = _cli(capsys, township, "fork", "list", "--all", "--json")
    assert [f["status"] for f in json.loads(out)] == ["kept_held"]
    # Deciding twice is refused.
    code, out, err = _cli(capsys, township, "fork", "resolve", str(fork["id"]), "--keep", "offered", "--reason", "x")
    assert code == 2
    # The refused bundle offered again is refused again, saying it was reviewed; no new open fork.
    [r] = importer.import_paths(township, [b2])
    assert r.status == "refused" and "核查" in r.message
    code, out, err = _cli(capsys, township, "fork", "list", "--json")
    assert json.loads(out) == []


def test_keep_the_offered_version_continues_its_chain(make_station, tmp_path, capsys):
    a, b, township, b2 = _cloned_fork(make_station, tmp_path)
    [fork] = json.loads(_cli(capsys, township, "fork", "list", "--json")[1])
    code, out, err = _cli(capsys, township, "fork", "resolve", str(fork["id"]), "--keep", "offered",
                          "--reason", "B 才是工作室正在用的电脑", "--json")
    assert code == 0, err
    assert json.loads(out)["resolution"] == "kept_offered"
    with township.read() as s:
        from sqlalchemy import select

        from station_app.store.models import Consultation

        summaries = set(s.execute(select(Consultation.summary)).scalars())
    # B's records are merged; A's record, already merged, stays (it was a real consultation).
    assert {"B 电脑的记录", "B 电脑的第二条", "A 电脑的记录"} <= summaries
    # B's next bundle chains on; A's next one is now the fork.
    consult(b, "B 第三次")
    [rb] = importer.import_paths(township, [exporter.export_bundle(b, tmp_path / "b3")])
    assert rb.status == "imported", rb.message
    consult(a, "A 第三次")
    [ra] = importer.import_paths(township, [exporter.export_bundle(a, tmp_path / "a3")])
    assert ra.status == "refused" and ra.fork


def test_forks_are_closed_as_superseded_by_a_restore(make_station, tmp_path, capsys):
    a, b, township, b2 = _cloned_fork(make_station, tmp_path)
    new = init_installation(config.resolve(tmp_path / "newpc"), kind=StationKind.VILLAGE, code="S01",
                            name="小苏庄村", actor="tester")
    setup.after_init(new, township_card=str(township.paths.keys / identity.CARD_FILE))
    card = new.paths.keys / identity.CARD_FILE
    new.close()
    code, out, err = _cli(capsys, township, "bundle", "restore-export", "--station", "S01", "--card", str(card),
                          "--out", str(tmp_path / "restore"))
    assert code == 0, err
    code, out, err = _cli(capsys, township, "fork", "list", "--all", "--json")
    [fork] = json.loads(out)
    assert fork["status"] == "superseded" and fork["resolved_at"]
    code, out, err = _cli(capsys, township, "stations", "--json")
    [entry] = [e for e in json.loads(out)["stations"] if e["code"] == "S01"]
    assert all(f["resolved"] for f in entry["forks"])
    assert "superseded" in (township.paths.logs / "sync.log").read_text(encoding="utf-8")
