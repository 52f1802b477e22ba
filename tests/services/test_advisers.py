import pytest
from sqlalchemy import select

from station_app.core.errors import ValidationError
from station_app.services import advisers as ad
from station_app.store.models import Adviser, RecordHistory

GOOD = {"name": "王明", "law_firm": "江苏某某律师事务所", "phone": "13812341234", "licence_no": "13201201810123456"}


def _history(db, record_id):
    with db.read() as s:
        return s.execute(select(RecordHistory).where(RecordHistory.record_id == record_id)
                         .order_by(RecordHistory.counter)).scalars().all()


def test_create_update_delete_keep_history(station):
    r = ad.record_adviser(station, "alice", GOOD)
    aid = r.first("advisers")
    r2 = ad.update_adviser(station, "bob", aid, {"phone": "025-84561234"})
    r3 = ad.delete_adviser(station, "carol", aid)
    assert r.counter < r2.counter < r3.counter
    history = _history(station, aid)
    assert [h.action for h in history] == ["create", "update", "delete"]
    assert history[0].changes["licence_no"] == [None, "13201201810123456"]
    assert history[1].changes == {"phone": ["13812341234", "025-84561234"]}
    assert history[2].created_by == "carol"
    with station.read() as s:
        a = s.get(Adviser, aid)
        assert a.deleted and a.updated_by == "carol" and a.counter == r3.counter
    assert ad.list_advisers(station, include_inactive=True) == []


def test_list_masks_phone_and_hides_inactive(station):
    aid = ad.record_adviser(station, "a", GOOD).first("advisers")
    ad.record_adviser(station, "a", {"name": "李芳"})
    ad.update_adviser(station, "a", aid, {"active": "否"})
    assert [r.name for r in ad.list_advisers(station)] == ["李芳"]
    rows = {r.name: r for r in ad.list_advisers(station, include_inactive=True)}
    assert rows["王明"].phone == "138****1234" and rows["王明"].active is False
    assert rows["李芳"].phone == "" and rows["李芳"].law_firm is None


def test_validation_names_fields_and_writes_nothing(station):
    before = station.counter()
    with pytest.raises(ValidationError) as e:
        ad.record_adviser(station, "a", {"name": " ", "phone": "12345", "licence_no": "1320120181012345"})
    assert [p.field for p in e.value.problems] == ["姓名", "联系电话", "执业证号"]
    assert "17位" in str(e.value)
    with pytest.raises(ValidationError) as e:
        ad.record_adviser(station, "a", {**GOOD, "email": "x@y"})
    assert e.value.problems[0].field == "email"
    assert station.counter() == before
    assert ad.list_advisers(station, include_inactive=True) == []


def test_find_and_resolve_by_name(station):
    aid = ad.record_adviser(station, "a", GOOD).first("advisers")
    with station.read() as s:
        assert ad.find_adviser_by_name(s, "  王明 ").id == aid
        assert ad.find_adviser_by_name(s, "王") is None
        assert ad.resolve_adviser(s, aid[:8]).id == aid
    ad.update_adviser(station, "a", aid, {"active": False})
    with station.read() as s:
        assert ad.find_adviser_by_name(s, "王明") is None  # inactive
        assert ad.resolve_adviser(s, "王明").id == aid  # old ledgers still name a former adviser
    ad.record_adviser(station, "a", GOOD)
    ad.record_adviser(station, "a", GOOD)
    with station.read() as s, pytest.raises(ValidationError) as e:
        ad.find_adviser_by_name(s, "王明")
    assert "编号" in str(e.value)
    with station.read() as s, pytest.raises(ValidationError) as e:
        ad.resolve_adviser(s, "赵六", field="主讲顾问")
    assert e.value.problems[0].field == "主讲顾问"
