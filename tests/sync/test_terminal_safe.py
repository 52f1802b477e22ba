"""Issue 7 item 6: text from a bundle never reaches the terminal with its controls (refusal lines, lists)."""

from __future__ import annotations

import sqlite3

import pytest

from station_app.cli import main
from station_app.core.i18n import set_language
from station_app.sync import bundle, exporter, importer
from station_app.sync.payload import collect_changes
from tests.sync.transport import consult, make_pair, wrap

EVIL = "\x1b]0;pwned\x07\x1b[2J\u202e\x9b31m"


@pytest.fixture
def pair(make_station):
    station, township = make_pair(make_station)
    consult(station, "遗产怎么分")
    return station, township


def _run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr()
    set_language("zh_CN")
    return rc, out.out + out.err


def _clean(text):
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text and "\x07" not in text, repr(text)


def test_a_record_id_with_escapes_is_not_echoed_raw(pair, tmp_path, capsys):
    station, township = pair
    p = collect_changes(station, 0, station.counter())
    p.tables["consultations"][0]["id"] = EVIL
    path = wrap(station, bundle.build_archive(p.tables, p.files, p.meta), tmp_path / "evil.stbundle")
    for extra in ([], ["--json"]):
        rc, text = _run(capsys, "--data-dir", str(township.paths.root), "bundle", "import", str(path), *extra)
        assert rc == 1
        _clean(text)
        # The refusal names where the bad value is; the value itself is never echoed raw (the streamed reader does
        # not repeat an id that failed its check at all).
        assert "consultations" in text and "id" in text


def test_summaries_and_station_names_are_made_safe_in_lists(pair, tmp_path, capsys):
    station, township = pair
    [r] = importer.import_paths(township, [exporter.export_bundle(station, tmp_path / "usb")])
    assert r.status == "imported"
    # Whatever validation lets through in future, the printing path must not trust stored text either.
    from station_app.store.search import register_functions

    con = sqlite3.connect(township.paths.database)
    register_functions(con)
    with con:
        con.execute("UPDATE consultations SET summary = ?", ("遗产" + EVIL,))
        con.execute("UPDATE stations SET name = ? WHERE code = 'S01'", ("小苏庄村" + EVIL,))
    con.close()
    for argv in (["consult", "list"], ["consult", "list", "--json"], ["stations"], ["stations", "--json"]):
        rc, text = _run(capsys, "--data-dir", str(township.paths.root), *argv)
        assert rc == 0, text
        _clean(text)
