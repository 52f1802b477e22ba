"""A ledger row written staged (ledger.staged) is the same record, with the same history, as one the consultation
service writes through the Writer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from station_app.ledger.importer import import_ledger
from station_app.ledger.layouts import CONSULTATION
from station_app.services import consultations as cs
from station_app.store.models import Consultation, RecordHistory
from station_app.store.rowdata import record_values
from tests.ledger.test_read import write_csv

_META = {"id", "station_id", "counter", "created_at", "updated_at", "created_by", "updated_by"}


def _records(db):
    with db.read() as s:
        cons = [record_values(c) for c in s.execute(select(Consultation)).scalars()]
        hist = [(h.table_name, h.action, h.changes, h.source) for h in s.execute(select(RecordHistory)
                .where(RecordHistory.table_name == "consultations")).scalars()]
    return [{k: v for k, v in c.items() if k not in _META} for c in cons], hist


def test_a_staged_ledger_row_equals_a_record_written_by_the_service(make_station, tmp_path):
    row = {"日期": "2021-03-05 09:30", "咨询人": "张三", "性别": "男", "联系电话": "13812345678", "咨询方式": "来访",
           "咨询类别": "婚姻家庭", "咨询内容": "离婚后孩子抚养费如何计算", "解答意见": "依据民法典第一千零八十五条",
           "解答人": "调度员", "转介": "无"}
    path = write_csv(tmp_path / "c.csv", [CONSULTATION.headers, [row.get(h, "") for h in CONSULTATION.headers]])
    staged = make_station("S01")
    report = import_ledger(staged, path, "consultation", actor="tester")
    assert report.ok and report.imported == 1
    typed = make_station("S02", "另一村")
    values = cs.validate_consultation({"occurred_at": datetime(2021, 3, 5, 9, 30), "channel": "来访",
                                       "consultant_name": "张三", "gender": "男", "phone": "13812345678",
                                       "category": "婚姻家庭", "summary": "离婚后孩子抚养费如何计算",
                                       "answer": "依据民法典第一千零八十五条", "answered_by": "调度员",
                                       "referral": "无"})
    with typed.write("tester", source="ledger:c.csv") as w:
        values["adviser_id"] = None
        cs.add_consultation(w, values)
    assert _records(staged) == _records(typed)
    with staged.read() as s:
        c = s.execute(select(Consultation)).scalar_one()
        assert c.counter == report.counter and c.created_by == "tester" and c.deleted is False
