"""A keyset page seeks: SQLite starts at the last row shown through the sort column's index instead of scanning the
index from the first row (which made the last page of 100,000 consultations cost a scan of all of them)."""

from __future__ import annotations

from sqlalchemy import event

from station_app.core.query import Query
from station_app.services import queries as qs
from station_app.services.consultations import record_consultation


def _plan_of_next_page(station, descending: bool) -> str:
    first = qs.rows(station, "tester", qs.CONSULTATIONS, Query(sort="occurred_at", descending=descending,
                                                               keyset=True, limit=3))
    seen: list[tuple[str, tuple]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM consultations" in statement:
            seen.append((statement, parameters))

    event.listen(station.engine, "before_cursor_execute", grab)
    try:
        qs.rows(station, "tester", qs.CONSULTATIONS, Query(sort="occurred_at", descending=descending, keyset=True,
                                                           limit=3, after=(first[-1].occurred_at, first[-1].id)))
    finally:
        event.remove(station.engine, "before_cursor_execute", grab)
    statement, parameters = seen[-1]
    with station.engine.connect() as c:
        rows = c.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    return " | ".join(r[-1] for r in rows)


def test_keyset_page_seeks_through_the_index(station):
    for n in range(12):
        record_consultation(station, "tester", {"occurred_at": f"2026-03-{n + 1:02d}T09:00", "channel": "来访",
                                                "category": "合同", "summary": f"问题{n}", "anonymous": True})
    for descending, seek in ((True, "occurred_at<?"), (False, "occurred_at>?")):
        plan = _plan_of_next_page(station, descending)
        assert f"SEARCH consultations USING INDEX ix_consultations_occurred_at ({seek})" in plan, plan
        assert "SCAN consultations" not in plan, plan
