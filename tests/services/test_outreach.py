from datetime import date

import pytest
from sqlalchemy import func, select

from station_app.core.errors import ValidationError
from station_app.services import advisers as ad
from station_app.services import outreach as ou
from station_app.store.models import OutreachEvent, RecordHistory

LECTURE = {"kind": "法治讲座", "held_on": "2021-05-12", "topic": "民法典与农村生活", "speaker": "王明",
           "place": "村委会会议室", "attendees": "60", "materials": 200}


def test_create_update_delete_keep_history(station):
    aid = ad.record_adviser(station, "a", {"name": "王明"}).first("advisers")
    r = ou.record_event(station, "alice", {**LECTURE, "adviser_id": "王明"})
    eid = r.first("outreach_events")
    r2 = ou.update_event(station, "bob", eid, {"attendees": 65})
    r3 = ou.delete_event(station, "carol", eid)
    assert r.counter < r2.counter < r3.counter
    with station.read() as s:
        e = s.get(OutreachEvent, eid)
        assert e.adviser_id == aid and e.held_on == date(2021, 5, 12) and e.deleted
        history = s.execute(select(RecordHistory).where(RecordHistory.record_id == eid)
                            .order_by(RecordHistory.counter)).scalars().all()
    assert [h.action for h in history] == ["create", "update", "delete"]
    assert history[1].changes == {"attendees": [60, 65]} and history[2].created_by == "carol"
    assert ou.list_events(station) == []


def test_lists_filter_and_exclude_tombstones(station):
    ou.record_event(station, "a", LECTURE)
    ou.record_event(station, "a", {**LECTURE, "kind": "普法宣传", "held_on": "2021-12-04", "topic": "宪法日宣传",
                                   "attendees": 300, "materials": 1500})
    ou.record_event(station, "a", {**LECTURE, "held_on": "2020-06-01"})
    gone = ou.record_event(station, "a", {**LECTURE, "held_on": "2021-07-01"}).first("outreach_events")
    ou.delete_event(station, "a", gone)
    assert [(r.kind, r.attendees) for r in ou.list_events(station, year=2021)] == [("普法宣传", 300), ("法治讲座", 60)]
    assert [r.held_on.year for r in ou.list_events(station, kind="法治讲座")] == [2021, 2020]
    assert [r.kind for r in ou.list_events(station, kind="law lecture", year=2020)] == ["法治讲座"]
    assert ou.list_events(station)[0].as_dict()["held_on"] == "2021-12-04"


def test_validation_names_fields_and_writes_nothing(station):
    before = station.counter()
    with pytest.raises(ValidationError) as e:
        ou.record_event(station, "a", {**LECTURE, "kind": "座谈会", "held_on": "2021-02-30", "topic": "",
                                       "attendees": "-5", "materials": "很多"})
    assert [p.field for p in e.value.problems] == ["活动类型", "活动日期", "主题", "参加人次", "发放资料份数"]
    with pytest.raises(ValidationError) as e:
        ou.record_event(station, "a", {**LECTURE, "adviser_id": "赵六"})
    assert e.value.problems[0].field == "法律顾问" and "赵六" in str(e.value)
    assert station.counter() == before
    with station.read() as s:
        assert s.execute(select(func.count()).select_from(OutreachEvent)).scalar_one() == 0
