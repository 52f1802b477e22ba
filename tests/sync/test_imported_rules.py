"""Issue 7 item 5: an imported record obeys the domain rules of a record typed in; one bad bundle never stops the
others. Every case goes through a real, correctly signed and encrypted bundle file, in the format release 0.1.0
wrote (JSON text we control, so hostile values reach the reader exactly as an attacker would write them) and, where
the value can be written by a normal encoder, in today's format."""

from __future__ import annotations

import json

import pytest

from station_app.core.i18n import set_language
from station_app.services.advisers import record_adviser
from station_app.services.duty import record_shift
from station_app.sync import bundle, importer
from station_app.sync.payload import collect_changes
from tests.sync.transport import add_station, consult, dump, header_for, make_pair, with_manifest, wrap


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("zh_CN")


@pytest.fixture
def pair(make_station):
    station, township = make_pair(make_station)
    adviser = record_adviser(station, "tester", {"name": "王律师", "phone": "13800138000"}).first("advisers")
    record_shift(station, "tester", {"adviser_id": adviser, "start_at": "2024-03-02 09:00",
                                     "end_at": "2024-03-02 12:00", "people_served": 3})
    consult(station, "遗产怎么分")
    return station, township


def legacy_archive(tables: dict[str, list[dict]], *, text: dict[str, str] | None = None) -> bytes:
    """A format-1 archive (as release 0.1.0 wrote it) of these rows; `text` replaces a table's JSON text."""
    members = [("meta.json", b"{}")]
    for t, rows in tables.items():
        body = (text or {}).get(t)
        members.append((f"tables/{t}.json", (body if body is not None else json.dumps(rows)).encode("utf-8")))
    return with_manifest(members)


def tampered(station, table: str, fn) -> dict[str, list[dict]]:
    p = collect_changes(station, 0, station.counter())
    fn(p.tables[table])
    return p.tables


def import_refused(station, township, archive: bytes, tmp_path, *needles) -> str:
    path = wrap(station, archive, tmp_path / "bad.stbundle")
    before = dump(township)
    [r] = importer.import_paths(township, [path])
    assert r.status == "refused", r
    assert "Traceback" not in r.message
    for n in needles:
        assert n in r.message, r.message
    assert dump(township) == before
    return r.message


CASES = {
    "shift ends before it starts": ("duty_shifts", lambda rows: rows[0].update(end_at="2024-03-02T08:00:00"),
                                    "field end_at"),
    "negative people served": ("duty_shifts", lambda rows: rows[0].update(people_served=-50),
                               "field people_served"),
    "2^63-1 people served": ("duty_shifts", lambda rows: rows[0].update(people_served=2**63 - 1),
                             "field people_served"),
    "channel outside the code table": ("consultations", lambda rows: rows[0].update(channel="飞鸽传书"),
                                       "field channel"),
    "English code label": ("consultations", lambda rows: rows[0].update(category="inheritance"),
                           "field category"),
    "phone that is no phone": ("advisers", lambda rows: rows[0].update(phone="12345"), "field phone"),
    "blank summary": ("consultations", lambda rows: rows[0].update(summary="   "), "field summary"),
}


@pytest.mark.parametrize("fmt", [1, 2])
@pytest.mark.parametrize("case", sorted(CASES))
def test_domain_rules_of_the_services(pair, tmp_path, case, fmt):
    station, township = pair
    table, fn, field = CASES[case]
    tables = tampered(station, table, fn)
    rid = tables[table][0]["id"]
    archive = legacy_archive(tables) if fmt == 1 else bundle.build_archive(tables, {}, {})
    import_refused(station, township, archive, tmp_path, f"table {table}", f"record {rid}", field)


def _history_text(station, replace: str) -> tuple[dict, str, str]:
    """The tables and the record_history JSON text with the first history row's changes replaced by `replace`."""
    p = collect_changes(station, 0, station.counter())
    rows = p.tables["record_history"]
    marker = "__CHANGES__"
    rows[0]["changes"] = marker
    text = json.dumps(rows).replace(json.dumps(marker), replace, 1)
    return p.tables, text, rows[0]["id"]


@pytest.mark.parametrize("value", ['{"summary": [null, Infinity]}', '{"summary": [null, 1e999]}',
                                   '{"summary": [null, NaN]}'])
def test_no_infinity_or_nan_in_a_json_column(pair, tmp_path, value):
    station, township = pair
    tables, text, rid = _history_text(station, value)
    import_refused(station, township, legacy_archive(tables, text={"record_history": text}), tmp_path,
                   "record_history")


def test_json_nested_200000_deep_is_refused_without_recursion_error(pair, tmp_path):
    station, township = pair
    deep = '{"summary": [null, ' + "[" * 200_000 + "]" * 200_000 + "]}"
    tables, text, rid = _history_text(station, deep)
    msg = import_refused(station, township, legacy_archive(tables, text={"record_history": text}), tmp_path,
                         "record_history")
    assert "RecursionError" not in msg and "recursion" not in msg.lower()


def test_json_nested_deeper_than_the_cap_in_todays_format(pair, tmp_path):
    station, township = pair
    p = collect_changes(station, 0, station.counter())
    value = None
    for _ in range(40):
        value = [value]
    p.tables["record_history"][0]["changes"] = {"summary": [None, value]}
    rid = p.tables["record_history"][0]["id"]
    import_refused(station, township, bundle.build_archive(p.tables, {}, {}), tmp_path,
                   "table record_history", f"record {rid}", "field changes", "nested deeper")


def test_a_lone_surrogate_is_refused_and_the_genuine_bundle_beside_it_imports(pair, make_station, tmp_path):
    station, township = pair
    other = add_station(make_station, township, "S02")
    consult(other, "别村的咨询")
    p = collect_changes(station, 0, station.counter())
    rid = p.tables["consultations"][0]["id"]
    p.tables["consultations"][0]["summary"] = "__LONE__"
    text = json.dumps(p.tables["consultations"]).replace('"__LONE__"', '"\\ud800"', 1)
    folder = tmp_path / "stick"
    folder.mkdir()
    wrap(station, legacy_archive(p.tables, text={"consultations": text}), folder / "S01-changes-000001.stbundle")
    from station_app.sync import exporter

    exporter.export_bundle(other, folder)
    results = {r.station_code: r for r in importer.import_paths(township, [folder])}
    assert results["S01"].status == "refused"
    assert "table consultations" in results["S01"].message and rid in results["S01"].message
    assert "summary" in results["S01"].message
    assert results["S02"].status == "imported", results["S02"].message


def test_a_lone_surrogate_in_todays_format(pair, tmp_path):
    station, township = pair
    p = collect_changes(station, 0, station.counter())
    rid = p.tables["consultations"][0]["id"]
    p.tables["consultations"][0]["summary"] = "__LONE__"
    good = bundle.build_archive(p.tables, {}, {}, payload_format=2)
    import gzip
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(good))) as tf:
        members = [(m.name, tf.extractfile(m).read()) for m in tf.getmembers() if m.name != "manifest.json"]
    members = [(n, d.replace(b'"__LONE__"', b'"\\ud800"')) for n, d in members]
    archive = with_manifest(members)
    archive = _as_format(archive, 2)
    import_refused(station, township, archive, tmp_path, "table consultations", f"record {rid}", "field summary")


def _as_format(archive: bytes, fmt: int) -> bytes:
    """transport.with_manifest writes format 1 and lists tables by their .json names; fix both for format 2."""
    import gzip
    import hashlib
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive))) as tf:
        members = [(m.name, tf.extractfile(m).read()) for m in tf.getmembers()]
    manifest = json.loads(members[0][1])
    manifest["format"] = fmt
    manifest["tables"] = [n[len("tables/"):].rsplit(".", 1)[0] for n, _ in members[1:] if n.startswith("tables/")]
    manifest["members"] = [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                           for n, d in members[1:]]
    from tests.sync.transport import tar_gz

    return tar_gz([("manifest.json", json.dumps(manifest).encode())] + members[1:])


def test_a_newer_payload_format_asks_to_update_the_app(pair, tmp_path):
    station, township = pair
    p = collect_changes(station, 0, station.counter())
    archive = _as_format(bundle.build_archive(p.tables, {}, {}), 3)
    import_refused(station, township, archive, tmp_path, "update the app", "format 3")
    set_language("zh_CN")
    path = wrap(station, archive, tmp_path / "newer.stbundle")
    [r] = importer.import_paths(township, [path])
    assert "请更新本软件" in r.message


def test_rows_outside_the_header_counter_range_name_the_row(pair, tmp_path):
    station, township = pair
    p = collect_changes(station, 0, station.counter())
    ids = {r["id"] for rows in p.tables.values() for r in rows if r["counter"] > 1}
    path = wrap(station, bundle.build_archive(p.tables, {}, {}), tmp_path / "range.stbundle",
                header=header_for(station, counter_from=0, counter_to=1))
    [r] = importer.import_paths(township, [path])
    assert r.status == "refused" and "field counter" in r.message and "outside the bundle's counter range" in r.message
    assert any(i in r.message for i in ids)


def test_an_unexpected_error_in_one_bundle_never_stops_the_others(pair, make_station, tmp_path, monkeypatch):
    station, township = pair
    other = add_station(make_station, township, "S02")
    consult(other, "别村的咨询")
    from station_app.sync import exporter, merge

    folder = tmp_path / "stick"
    exporter.export_bundle(station, folder)
    exporter.export_bundle(other, folder)
    real = merge.apply_changes

    def boom(db, b):
        if b.header.station_code == "S01":
            raise RuntimeError("a bug")
        return real(db, b)

    monkeypatch.setattr(merge, "apply_changes", boom)
    results = {r.station_code: r for r in importer.import_paths(township, [folder])}
    assert results["S01"].status == "refused" and "RuntimeError" in results["S01"].message
    assert results["S02"].status == "imported"


def test_a_nul_in_todays_format_names_the_field(pair, tmp_path):
    station, township = pair
    p = collect_changes(station, 0, station.counter())
    rid = p.tables["consultations"][0]["id"]
    p.tables["consultations"][0]["answer"] = "前\x00后"
    import_refused(station, township, bundle.build_archive(p.tables, {}, {}), tmp_path,
                   "table consultations", f"record {rid}", "field answer", "NUL")
