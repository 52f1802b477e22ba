"""矛盾纠纷排查 register (issue 10): actions, the link to a mediation case, found / resolved / rate as of a date."""

from __future__ import annotations

from datetime import date

import pytest

from station_app.core.errors import StateError, ValidationError
from station_app.reports.stats import township_stats
from station_app.services import mediation as m
from station_app.services import screening as sc
from station_app.store.models import ScreeningItem

ITEM = {"found_on": "2021-05-06", "found_by": "网格员 刘洋", "dispute_type": "邻里", "description": "两户因排水沟堵塞争吵",
        "risk_level": "中"}


def _screening(db, as_of: str) -> dict:
    return township_stats(db, 2021, today=date.fromisoformat(as_of))["screening"]


def test_actions_need_their_details(station):
    with pytest.raises(ValidationError) as e:
        sc.record_item(station, "u", ITEM | {"action": "就地化解"})
    assert e.value.problems[0].field == "化解日期"
    with pytest.raises(ValidationError) as e:
        sc.record_item(station, "u", ITEM | {"action": "移交其他部门"})
    assert e.value.problems[0].field == "移交单位"
    with pytest.raises(ValidationError) as e:
        sc.record_item(station, "u", ITEM | {"action": "就地化解", "resolved_on": "2021-05-05"})
    assert "早于排查日期" in str(e.value)
    with pytest.raises(ValidationError):
        sc.record_item(station, "u", ITEM | {"action": "转人民调解"})
    sc.record_item(station, "u", ITEM | {"action": "就地化解", "resolved_on": "2021-05-06", "result": "当场疏通"})
    sc.record_item(station, "u", ITEM | {"action": "移交其他部门", "handed_to": "镇派出所"})
    sc.record_item(station, "u", ITEM)
    s = _screening(station, "2021-12-31")
    assert (s["found"], s["resolved"], s["resolution_rate"]) == (3, 1, 0.3333)


def test_item_opened_as_a_case_counts_once_when_the_case_settles(station):
    iid = sc.record_item(station, "u", ITEM).first("screening_items")
    sc.open_case(station, "u", iid, {"accepted_on": "2021-05-07"},
                 [{"role": "申请人", "name": "李四"}, {"role": "被申请人", "name": "王五"}])
    with station.read() as s:
        item = s.get(ScreeningItem, iid)
        case_id = item.mediation_case_id
        assert item.action == "转人民调解" and case_id
    with pytest.raises(StateError):
        sc.open_case(station, "u", iid, {}, [{"role": "申请人", "name": "李四"}, {"role": "被申请人", "name": "王五"}])
    assert _screening(station, "2021-12-31")["resolved"] == 0  # the case is still being mediated
    m.add_session(station, "u", case_id, {"held_at": "2021-05-10 09:00", "record": "释法说理，双方同意疏通排水沟"})
    m.close_case(station, "u", case_id, {"outcome": "调解成功", "closed_on": "2021-05-12", "agreement_form": "书面",
                                         "agreement_terms": "王五三日内疏通排水沟"})
    assert _screening(station, "2021-05-11")["resolved"] == 0  # as of the day before it settled
    s = _screening(station, "2021-05-12")
    assert (s["found"], s["resolved"], s["resolution_rate"]) == (1, 1, 1.0)
    rows = sc.list_items(station, year=2021)
    assert rows[0].resolved_on == date(2021, 5, 12) and rows[0].case_no
    # The case also counts among mediations (its own statistic), the item once among screenings.
    st = township_stats(station, 2021, today=date(2021, 12, 31))
    assert st["mediations"]["accepted"] == 1 and st["screening"]["found"] == 1


def test_link_an_existing_case_and_as_of_leaves_out_later_items(station):
    r = m.open_case(station, "u", {"accepted_on": "2021-06-01", "source": "调委会主动调解", "dispute_type": "邻里",
                                   "summary": "排水沟纠纷"},
                    [{"role": "申请人", "name": "李四"}, {"role": "被申请人", "name": "王五"}])
    case_id = r.first("mediation_cases")
    iid = sc.record_item(station, "u", ITEM | {"found_on": "2021-06-02"}).first("screening_items")
    with pytest.raises(ValidationError):  # a case accepted before the dispute was found is not it
        sc.link_case(station, "u", iid, case_id)
    iid = sc.record_item(station, "u", ITEM | {"found_on": "2021-05-30"}).first("screening_items")
    sc.link_case(station, "u", iid, case_id)
    assert _screening(station, "2021-05-31")["found"] == 1
    assert _screening(station, "2021-05-29")["found"] == 0
