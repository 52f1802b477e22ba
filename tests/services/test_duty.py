from datetime import datetime

import pytest
from sqlalchemy import func, select

from station_app.core.codes import StationKind
from station_app.core.errors import ValidationError
from station_app.services import advisers as ad
from station_app.services import duty as du
from station_app.store.models import DutyLogEntry, DutyShift, RecordHistory, Station

# The township figures run with the township database on SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.both_databases


@pytest.fixture
def adviser(station):
    return ad.record_adviser(station, "a", {"name": "王明"}).first("advisers")


def shift(adviser, **kw):
    return {"adviser_id": adviser, "start_at": "2021-03-05 09:00", "end_at": "2021-03-05 12:30",
            "people_served": "4", "summary": "接待来访村民", **kw}


LOG = [{"served": "张三", "content": "咨询离婚财产分割", "result": "已解答"},
       {"content": "审查村集体土地流转合同", "result": "提出修改意见"}]


def _counts(db):
    with db.read() as s:
        return (db.counter(), s.execute(select(func.count()).select_from(DutyShift)).scalar_one(),
                s.execute(select(func.count()).select_from(DutyLogEntry)).scalar_one())


def test_create_with_log_update_delete_keep_history(station, adviser):
    r = du.record_shift(station, "alice", shift(adviser), log=LOG)
    sid = r.first("duty_shifts")
    assert len(r.ids("duty_log_entries")) == 2
    got = du.get_shift(station, sid)
    assert got.place_station_id == station.station_id  # default: here
    assert [(e.position, e.served, e.result) for e in got.log_entries] == [(1, "张三", "已解答"), (2, None, "提出修改意见")]
    r2 = du.update_shift(station, "bob", sid, {"end_at": "2021-03-05 13:00", "people_served": 6})
    r3 = du.add_log_entry(station, "bob", sid, {"served": "李四", "content": "宅基地边界"})
    assert [e.position for e in du.get_shift(station, sid).log_entries] == [1, 2, 3]
    r4 = du.delete_shift(station, "carol", sid)
    assert r.counter < r2.counter < r3.counter < r4.counter
    assert len(r4.ids("duty_log_entries")) == 3 and r4.ids("duty_shifts") == [sid]
    with station.read() as s:
        history = s.execute(select(RecordHistory).where(RecordHistory.record_id == sid)
                            .order_by(RecordHistory.counter)).scalars().all()
        entries = s.execute(select(DutyLogEntry).where(DutyLogEntry.shift_id == sid)).scalars().all()
    assert [h.action for h in history] == ["create", "update", "delete"]
    assert history[1].changes == {"end_at": ["2021-03-05T12:30:00", "2021-03-05T13:00:00"], "people_served": [4, 6]}
    assert history[2].created_by == "carol"
    assert all(e.deleted for e in entries)  # the log goes with its shift
    assert du.list_shifts(station) == []


def test_list_rows_and_filters(station, adviser, make_station):
    other = ad.record_adviser(station, "a", {"name": "李芳"}).first("advisers")
    # The township centre appears here as reference data (sync brings it); a shift may take place there.
    with station.raw_write() as s:
        s.add(Station(id="t" * 36, station_id="t" * 36, code="T00", name="镇中心", kind=StationKind.CENTRE.value,
                      counter=1, created_by="x", updated_by="x"))
    du.record_shift(station, "a", shift(adviser), log=LOG)
    du.record_shift(station, "a", shift("李芳", start_at="2020-12-30 14:00", end_at="2020-12-30 16:00",
                                        people_served=2, place_station_id="t00"))
    rows = du.list_shifts(station)
    assert [(r.adviser, r.place, r.hours, r.people_served) for r in rows] == [("王明", "S01", 3.5, 4),
                                                                              ("李芳", "T00", 2.0, 2)]
    assert rows[0].as_dict()["start_at"] == "2021-03-05T09:00"
    assert [r.adviser for r in du.list_shifts(station, year=2020)] == ["李芳"]
    assert [r.adviser for r in du.list_shifts(station, adviser_id=other)] == ["李芳"]
    assert len(du.list_shifts(station, limit=1, offset=1)) == 1
    d = du.shift_details(station, du.get_shift(station, rows[0].id))
    assert d["log"][0]["served"] == "张*" and d["hours"] == 3.5
    assert du.shift_details(station, du.get_shift(station, rows[0].id), reveal=True)["log"][0]["served"] == "张三"


def test_validation_names_fields_and_writes_nothing(station, adviser):
    before = _counts(station)
    with pytest.raises(ValidationError) as e:
        du.record_shift(station, "a", shift(adviser, end_at="2021-03-05 08:00", people_served="-1"),
                        log=[{"served": "张三"}])
    assert [p.field for p in e.value.problems] == ["服务人次", "结束时间", "工作日志第1条 / 工作内容"]
    with pytest.raises(ValidationError) as e:
        du.validate_shift(shift(adviser, end_at="2021-03-06 09:30"))
    assert e.value.problems[0].field == "结束时间" and "24小时" in e.value.problems[0].message
    with pytest.raises(ValidationError) as e:
        du.record_shift(station, "a", shift("赵六", place_station_id="S99"), log=LOG)
    assert [p.field for p in e.value.problems] == ["法律顾问", "值班地点"]
    assert "赵六" in str(e.value) and "S99" in str(e.value)
    with pytest.raises(ValidationError) as e:
        du.record_shift(station, "a", {"start_at": "2021-03-05 9点", "end_at": "2021-03-05 11点"})
    assert [p.field for p in e.value.problems] == ["法律顾问"]
    assert _counts(station) == before


def test_update_checks_span_against_stored_times(station, adviser):
    sid = du.record_shift(station, "a", shift(adviser)).first("duty_shifts")
    before = _counts(station)
    with pytest.raises(ValidationError) as e:
        du.update_shift(station, "a", sid, {"start_at": "2021-03-05 13:00"})
    assert e.value.problems[0].field == "结束时间"
    assert _counts(station) == before
    # adviser given by name in an import (the ledger writes many shifts in one transaction)
    with station.write("ledger", source="ledger:duty.xlsx") as w:
        for day in (1, 2):
            du.add_shift(w, du.validate_shift(shift("王明", start_at=f"2021-04-0{day} 09:00",
                                                    end_at=f"2021-04-0{day} 11:00")), [{"content": "值班"}])
    assert len({c.id for c in w.result.changes}) == 4 and w.result.counter == before[0] + 1
    assert du.list_shifts(station, year=2021)[0].start_at == datetime(2021, 4, 2, 9)
