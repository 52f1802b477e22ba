"""Every station's records at the township (services.all_stations through app.browse): the station each record
belongs to, a station filter and sort, a search for every kind, paging that neither skips nor repeats, masking as in
the station lists, and no writes to another station's records."""

from __future__ import annotations

import pytest

from station_app import config
from station_app.core.errors import StateError
from station_app.core.query import Query
from tests import small_township


township_dir, app = small_township.fixtures("browse")


def test_every_kind_lists_rows_with_their_station_and_filters_by_it(app):
    codes = [c for c, _n, _k in app.browse.stations()]
    assert codes == ["S03", "S05", "S10", "T00"]
    for kind in app.browse.kinds():
        area = getattr(app.browse, kind)
        total = area.count(Query(limit=None))
        assert total > 0, kind
        per_station = {c: area.count(Query(filters={"station": c}, limit=None)) for c in codes}
        assert sum(per_station.values()) == total, kind
        for code in codes:
            rows = area.list(Query(filters={"station": code}, limit=None))
            assert len(rows) == per_station[code]
            assert {r.station for r in rows} <= {code}
            assert all(r.as_dict()["station"] == code and r.station_name for r in rows)


def test_the_station_filter_takes_a_code_or_name_and_refuses_an_unknown_one(app):
    from station_app.core.errors import ValidationError

    by_code = app.browse.consultations.count(Query(filters={"station": "S05"}, limit=None))
    name = next(n for c, n, _k in app.browse.stations() if c == "S05")
    assert app.browse.consultations.count(Query(filters={"station": name}, limit=None)) == by_code > 0
    with pytest.raises(ValidationError) as e:
        app.browse.consultations.count(Query(filters={"station": "S99"}, limit=None))
    assert e.value.problems[0].key == "station"


def test_rows_are_the_station_lists_rows_masked_the_same_way(app):
    mine = {r.id: r for r in app.consultations.list(Query(limit=None))}
    rows = app.browse.consultations.list(Query(filters={"station": "S03"}, limit=20))
    assert rows and all(r.row == mine[r.id] for r in rows)
    assert all("*" in r.consultant or r.consultant in ("", "匿名") for r in rows)  # names masked
    cases = app.browse.mediation.list(Query(filters={"station": "S05"}, limit=None))
    assert cases and all("*" in r.parties for r in cases)


def test_search_finds_in_every_kind_within_a_station(app):
    posting = app.browse.postings.list(Query(filters={"station": "S10"}, limit=1))[0]
    word = posting.title[:6]
    found = app.browse.postings.list(Query(filters={"station": "S10", "search": word}, limit=None))
    assert posting.id in {r.id for r in found} and all(word in r.title for r in found)
    case = app.browse.mediation.list(Query(filters={"station": "S05"}, limit=1))[0]
    assert [r.id for r in app.browse.mediation.list(Query(filters={"search": case.case_no}, limit=None))] == [case.id]
    shift = app.browse.duty.list(Query(limit=1))[0]
    assert shift.id in {r.id for r in app.browse.duty.list(Query(filters={"search": shift.adviser}, limit=None))}
    event = app.browse.outreach.list(Query(limit=1))[0]
    assert event.id in {r.id for r in app.browse.outreach.list(Query(filters={"search": event.topic[2:8]},
                                                                          limit=None))}
    c = app.browse.consultations.list(Query(filters={"station": "S03"}, limit=1))[0]
    hits = app.browse.consultations.list(Query(filters={"search": c.summary[:4], "station": "S03"}, limit=None))
    assert c.id in {r.id for r in hits}
    assert app.browse.postings.count(Query(filters={"search": "%"}, limit=None)) == 0  # a wildcard is a character


def test_the_screening_register_is_the_station_services_register_with_its_station(app):
    register = app.screening.list(None)
    rows = app.browse.screening.list(Query(limit=None))
    assert sorted(r.id for r in rows) == sorted(r.id for r in register) and rows
    assert {r.id: r.row for r in rows} == {r.id: r for r in register}  # same rows, resolved the same way
    for year in (2021, 2022):
        assert app.browse.screening.count(Query(filters={"year": year, "unresolved": True}, limit=None)) == \
            len(app.screening.list(None, year=year, unresolved=True))
    item = rows[0]
    found = app.browse.screening.list(Query(filters={"search": item.description[:6], "station": item.station},
                                            limit=None))
    assert item.id in {r.id for r in found}


def test_sorted_by_station_pages_by_keyset_without_gaps_or_repeats(app):
    total = app.browse.consultations.count(Query(limit=None))
    seen: list = []
    after = None
    while True:
        page = app.browse.consultations.list(Query(sort="station", descending=True, limit=97, keyset=True,
                                                   after=after))
        if not page:
            break
        seen += page
        after = (page[-1].station, page[-1].id)
    assert len(seen) == len({r.id for r in seen}) == total
    stations = [r.station for r in seen]
    assert stations == sorted(stations, reverse=True)


def test_the_township_cannot_change_or_delete_a_station_record(app):
    row = app.browse.consultations.list(Query(filters={"station": "S03"}, limit=1))[0]
    with pytest.raises(StateError, match="another station|其他站点|另一|站点"):
        app.consultations.update(row.id, {"answer": "镇里改的"})
    with pytest.raises(StateError):
        app.consultations.delete(row.id)
    posting = app.browse.postings.list(Query(filters={"station": "S10", "current": True}, limit=1)) or \
        app.browse.postings.list(Query(filters={"station": "S10"}, limit=1))
    with pytest.raises(StateError):
        app.postings.delete(posting[0].id)
    for kind in ("duty", "outreach"):
        other = getattr(app.browse, kind).list(Query(filters={"station": "S03"}, limit=1))[0]
        with pytest.raises(StateError):
            getattr(app, kind).delete(other.id)
    case = app.browse.mediation.list(Query(filters={"station": "S05"}, limit=1))[0]
    with pytest.raises(StateError):
        app.mediation.add_followup(case.id, {"visited_on": "2021-12-30", "visitor": "镇里的人"})
    assert app.consultations.get(row.id).values["answer"] != "镇里改的"


def test_unresolved_screening_is_counted_as_the_station_page_counts_it(township_dir):
    from station_app.app import Application

    with Application.open(config.resolve(township_dir.parent / "S03"), passphrase=lambda _p: None,
                          backup=False) as s03:
        s03.screening.record({"found_on": "2021-12-20", "found_by": "网格员王芳", "dispute_type": "邻里",
                              "description": "楼上楼下噪音纠纷", "risk_level": "低", "action": "待处置"})
        for unresolved in (False, True):
            mine = s03.screening.list(None, year=2021, unresolved=unresolved)
            listed = s03.browse.screening.list(Query(filters={"year": 2021, "unresolved": unresolved or None},
                                                     limit=None))
            assert sorted(r.id for r in listed) == sorted(r.id for r in mine)
        assert [r.description for r in s03.browse.screening.list(
            Query(filters={"unresolved": True}, limit=None))] == ["楼上楼下噪音纠纷"]
