import pytest
from sqlalchemy import func, select

from station_app.core.errors import StateError, ValidationError
from station_app.services import consultations as cs
from station_app.store.models import Consultation, RecordHistory

GOOD = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "consultant_name": "张三", "phone": "13812341234",
        "category": "婚姻家庭", "summary": "离婚后孩子抚养费如何计算"}


def test_record_update_delete_keep_history(station):
    r = cs.record_consultation(station, "alice", GOOD)
    cid = r.first("consultations")
    r2 = cs.update_consultation(station, "bob", cid, {"answer": "依据民法典第一千零八十五条"})
    assert r2.counter > r.counter
    r3 = cs.delete_consultation(station, "carol", cid)
    assert r3.counter > r2.counter
    with station.read() as s:
        c = s.get(Consultation, cid)
        assert c.deleted and c.counter == r3.counter and c.created_by == "alice" and c.updated_by == "carol"
        history = s.execute(select(RecordHistory).where(RecordHistory.record_id == cid)
                            .order_by(RecordHistory.counter)).scalars().all()
    assert [h.action for h in history] == ["create", "update", "delete"]
    assert history[1].changes == {"answer": [None, "依据民法典第一千零八十五条"]}
    assert history[1].created_by == "bob" and history[2].created_by == "carol"
    assert cs.list_consultations(station) == []
    with pytest.raises(StateError), station.write("dave") as w:
        w.update(station.get(w.session, Consultation, cid, allow_deleted=True), answer="y")


def test_anonymous_consultation(station):
    r = cs.record_consultation(station, "a", {**GOOD, "consultant_name": "", "phone": None, "anonymous": True})
    row = cs.list_consultations(station)[0]
    assert row.consultant == "匿名"
    with station.read() as s:
        assert s.get(Consultation, r.first("consultations")).anonymous is True


def test_bad_input_lists_every_field_and_writes_nothing(station):
    before = station.counter()
    with pytest.raises(ValidationError) as e:
        cs.record_consultation(station, "a", {**GOOD, "occurred_at": "2021-02-30", "channel": "飞鸽", "summary": " "})
    fields = [p.field for p in e.value.problems]
    assert fields == ["咨询时间", "咨询方式", "咨询内容"]
    assert station.counter() == before
    with station.read() as s:
        assert s.execute(select(func.count()).select_from(Consultation)).scalar_one() == 0


def test_list_masks_and_search(station):
    cs.record_consultation(station, "a", GOOD)
    cs.record_consultation(station, "a", {**GOOD, "consultant_name": "李四", "phone": "13900001111",
                                         "summary": "宅基地边界纠纷", "category": "宅基地"})
    rows = cs.list_consultations(station)
    assert {r.consultant for r in rows} == {"张*", "李*"}
    assert {r.phone for r in rows} == {"138****1234", "139****1111"}
    assert [r.consultant for r in cs.list_consultations(station, search="宅基地边界")] == ["李*"]
    assert [r.consultant for r in cs.list_consultations(station, search="李四")] == ["李*"]  # short: LIKE
    assert [r.consultant for r in cs.list_consultations(station, search="00011")] == ["李*"]  # phone substring
