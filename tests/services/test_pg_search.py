"""Consultation search gives the same results on SQLite (FTS5 trigram + bigram indexes) and on a PostgreSQL hub
(pg_trgm GIN indexes, store/pgsearch.py), for the same records and queries (issue 14)."""

from __future__ import annotations

import pytest

from station_app import config
from station_app.core.codes import StationKind
from station_app.services import consultations as cs
from station_app.services.setup import init_installation

pytestmark = pytest.mark.postgres

BASE = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "category": "婚姻家庭"}
# (name, phone, address, question, answer): Chinese names of two and three characters, phone numbers, mixed-case
# Latin text, LIKE wildcards and a backslash in the text, empty optional fields.
ROWS = [
    ("张伟", "13812345678", "小苏庄村三组", "离婚后子女抚养费如何计算", "按月收入的百分之二十至三十"),
    ("王小明", "13900001111", None, "邻居院墙排水纠纷", None),
    ("李张伟", "021-5550000", "南和顺村", "Wage arrears at ABC Company", "申请劳动仲裁"),
    ("赵敏", "15000002222", "北和顺村 5号", "土地承包 50% 分成", "合同约定 a_b 条款"),
    ("刘建华", "13700003333", "沙井子一村", "遗产继承 c:\\家 路径", "伟大的 abc 工程"),
    ("陈思远", "18600004444", "马营村", "借款 2000 元未还", "可以起诉 ABCD"),
]
QUERIES = ["张伟", "伟", "张", "王小明", "小明", "138", "1381234", "5678", "0000", "13", "2", "离婚", "抚养费",
           "abc", "ABC", "Abc", "ab", "AB", "a", "A", "%", "_", "50%", "a_b", "a%b", "\\", "c:\\", "张 伟", "，张",
           "三组", "村三", "伟大", "wage", "WAGE ARREARS", "2000 元", "无此人", "a b", "-5", "5号"]


def _make(tmp_path, name: str, db_url: str | None):
    return init_installation(config.resolve(tmp_path / name), kind=StationKind.CENTRE, code="T00",
                             name="小王庄镇公共法律服务中心", actor="tester", db_url=db_url)


def _fill(db) -> dict[str, int]:
    ids = {}
    for i, (name, phone, address, summary, answer) in enumerate(ROWS):
        data = {**BASE, "consultant_name": name, "phone": phone, "summary": summary}
        if address:
            data["address"] = address
        if answer:
            data["answer"] = answer
        cs.record_consultation(db, "tester", data)
        ids[summary] = i
    return ids


def _found(db, query: str) -> set[int]:
    order = {r[3]: i for i, r in enumerate(ROWS)}
    rows = cs.list_consultations(db, search=query, limit=1000)
    return {order[next(s for s in order if s.startswith(r.summary.rstrip("…")))] for r in rows}


def _expected(query: str) -> set[int]:
    """The rule both must follow: a case-folded substring of one column for 3+ characters or two letters/digits,
    SQLite's LIKE (ASCII folding, % and _ as wildcards) for the rest."""
    import re

    q = query.strip()
    out = set()
    for i, row in enumerate(ROWS):
        cols = [c for c in row if c]
        if len(q) >= 3 or (len(q) == 2 and q.isalnum()):
            hit = any(q.lower() in c.lower() for c in cols)
        else:
            pattern = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in q)
            hit = any(re.search(pattern, c, re.I | re.S) for c in cols)
        if hit:
            out.add(i)
    return out


def test_search_gives_the_same_results_on_sqlite_and_postgres(tmp_path, pg_url):
    lite, hub = _make(tmp_path, "lite", None), _make(tmp_path, "hub", pg_url)
    try:
        _fill(lite)
        _fill(hub)
        differ = {q: (_found(lite, q), _found(hub, q)) for q in QUERIES if _found(lite, q) != _found(hub, q)}
        assert differ == {}
        wrong = {q: (_found(hub, q), _expected(q)) for q in QUERIES if _found(hub, q) != _expected(q)}
        assert wrong == {}
        assert _found(hub, "张伟") == {0, 2} and _found(hub, "伟") == {0, 2, 4} and _found(hub, "5678") == {0}
    finally:
        lite.close()
        hub.close()


def test_postgres_search_uses_the_trigram_indexes(tmp_path, pg_url):
    from sqlalchemy import select

    from station_app.store.models import Consultation

    hub = _make(tmp_path, "hub", pg_url)
    try:
        stmt = select(Consultation.id).where(cs.search_ids_clause("抚养费", "postgresql"))
        with hub.read() as s:
            s.execute(select(Consultation.id).limit(1))
            s.connection().exec_driver_sql("SET enable_seqscan = off")
            compiled = stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
            plan = "\n".join(r[0] for r in s.connection().exec_driver_sql(f"EXPLAIN {compiled}"))
        assert "ix_consultations_search_" in plan, plan
    finally:
        hub.close()
