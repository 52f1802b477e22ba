"""调解台账 with a 案号 column: an imported case keeps the number of its paper file; ledgers made before the column
existed still import, and re-importing them duplicates nothing."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from station_app.ledger.importer import import_ledger
from station_app.ledger.layouts import MEDIATION, canonical_text
from station_app.store.models import MediationCase
from tests.ledger.test_read import write_csv

OLD_HEADERS = [h for h in MEDIATION.headers if h != "案号"]
ROW = ["2021-03-01", "张三", "李四", "邻里", "当事人申请", "宅基地排水沟纠纷", "赵调解", "调解成功", "2021-03-10", "书面",
       "已履行", "2021-04-10"]


def _numbers(db):
    with db.read() as s:
        return sorted(s.execute(select(MediationCase.case_no)).scalars())


def test_case_numbers_are_kept(station, tmp_path):
    f = write_csv(tmp_path / "调解台账.csv", [MEDIATION.headers, ROW + ["〔2021〕小苏庄调字第7号"],
                                          ROW[:5] + ["另一件纠纷"] + ROW[6:] + [None]])
    report = import_ledger(station, f, "mediation", actor="clerk")
    assert report.imported == 2 and not report.problems
    assert _numbers(station) == ["S01-2021-001", "〔2021〕小苏庄调字第7号"]
    with station.read() as s:
        # Nor is an agreement number invented: the paper agreement has its own.
        assert all(c.agreement_no is None for c in s.execute(select(MediationCase)).scalars())
    # The same number twice at one station names the column and imports nothing.
    again = write_csv(tmp_path / "again.csv", [MEDIATION.headers, ROW[:5] + ["第三件"] + ROW[6:] + ["〔2021〕小苏庄调字第7号"]])
    report = import_ledger(station, again, "mediation", actor="clerk")
    assert report.imported == 0 and [p.column for p in report.problems] == ["案号"]


def test_old_ledgers_without_the_column_import_and_do_not_duplicate(station, tmp_path):
    f = write_csv(tmp_path / "旧台账.csv", [OLD_HEADERS, ROW])
    assert import_ledger(station, f, "mediation", actor="clerk").imported == 1
    assert import_ledger(station, f, "mediation", actor="clerk").imported == 0
    assert _numbers(station) == ["S01-2021-001"]
    # The fingerprint of a row without 案号 is the one release 0.1.0 computed (its 12 columns).
    canon = MEDIATION.parse_cells(dict(zip(MEDIATION.headers, ROW)))
    old = json.dumps([MEDIATION.kind, [canonical_text(canon[c.key]) for c in MEDIATION.columns if c.key != "case_no"]],
                     ensure_ascii=False)
    assert MEDIATION.fingerprint_base(canon) == hashlib.sha256(old.encode("utf-8")).hexdigest()
