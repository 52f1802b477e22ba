"""Substring search: the trigram index (3+ characters), the bigram index (2), LIKE (1); kept in step on change."""

import sqlite3

import pytest

from station_app.services import consultations as cs
from station_app.store.db import health_check
from station_app.store.search import bigram_query, bigrams

BASE = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "category": "婚姻家庭"}


def test_bigrams_are_distinct_pairs_of_letters_and_digits():
    assert bigrams("张伟", "138") == "张伟 13 38"
    assert bigrams("彩礼，彩礼") == "彩礼"  # punctuation pairs are not indexed; repeats once
    assert bigrams(None, "") == ""
    assert bigram_query(" 张伟 ") == '"张伟"' and bigram_query("张") is None and bigram_query("，张") is None


@pytest.fixture
def people(station):
    ids = {}
    for name, phone, summary in [("张伟", "13812341234", "彩礼返还"), ("李张伟", None, "宅基地"),
                                 ("王五", "022-2345678", "借款未还，对方说张伟作保")]:
        ids[name] = cs.record_consultation(station, "a", {**BASE, "consultant_name": name, "phone": phone,
                                                          "summary": summary}).first("consultations")
    return ids


def _found(station, q):
    return {r.id for r in cs.list_consultations(station, search=q)}


def test_two_characters_find_names_phones_and_content(station, people):
    assert _found(station, "张伟") == {people["张伟"], people["李张伟"], people["王五"]}
    assert _found(station, "38") == {people["张伟"]}
    assert _found(station, "彩礼") == {people["张伟"]}
    assert _found(station, "返还") == {people["张伟"]}
    assert _found(station, "五") == {people["王五"]}  # one character: LIKE


def test_index_follows_updates_and_survives_tombstones(station, people):
    cs.update_consultation(station, "a", people["张伟"], {"summary": "抚养费"})
    assert _found(station, "彩礼") == set()
    assert _found(station, "养费") == {people["张伟"]}
    cs.delete_consultation(station, "a", people["王五"])
    assert _found(station, "张伟") == {people["张伟"], people["李张伟"]}


def test_check_rebuilds_both_indexes_when_they_fall_out_of_step(station, people):
    # What a VACUUM renumbering rowids would do to both indexes, done directly: empty them.
    path = station.paths.database
    station.close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO consultation_search(consultation_search) VALUES('delete-all')")
    con.execute("INSERT INTO consultation_bigrams(consultation_bigrams) VALUES('delete-all')")
    con.commit()
    assert con.execute("SELECT count(*) FROM consultation_bigrams WHERE consultation_bigrams MATCH '\"张伟\"'"
                       ).fetchone()[0] == 0
    con.close()
    items = {i.name: i for i in health_check(path)}
    assert items["search_index"].ok and items["search_index"].repaired
    assert _found(station, "张伟") == {people["张伟"], people["李张伟"], people["王五"]}
    assert _found(station, "宅基地") == {people["李张伟"]}
