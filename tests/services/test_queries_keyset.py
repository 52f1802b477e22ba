"""Keyset paging: pages that seek past the last row give exactly the rows of one ordered query, ties included."""

from __future__ import annotations

from station_app.core.query import Query
from station_app.services import queries as qs
from station_app.services.consultations import record_consultation


def _all(station, **kw):
    out, after = [], None
    while True:
        page = qs.rows(station, "tester", qs.CONSULTATIONS, Query(limit=7, keyset=True, after=after, **kw))
        if not page:
            return out
        out += page
        last = page[-1]
        after = (getattr(last, kw["sort"]), last.id)


def test_keyset_pages_cover_every_row_once_in_order(station):
    for n in range(30):  # three rows share each time: ties are broken by id
        record_consultation(station, "tester", {"occurred_at": f"2026-03-{n // 3 + 1:02d}T09:00", "channel": "来访",
                                                "category": ["合同", "继承", "婚姻家庭"][n % 3], "summary": f"问题{n}",
                                                "anonymous": True})
    for sort, descending in (("occurred_at", True), ("occurred_at", False), ("category", False)):
        whole = qs.rows(station, "tester", qs.CONSULTATIONS,
                        Query(sort=sort, descending=descending, keyset=True, limit=None))
        paged = _all(station, sort=sort, descending=descending)
        assert [r.id for r in paged] == [r.id for r in whole]
        assert len({r.id for r in paged}) == 30
        keys = [(getattr(r, sort), r.id) for r in whole]
        assert all((a[0] > b[0] if descending else a[0] < b[0]) or (a[0] == b[0] and a[1] < b[1])
                   for a, b in zip(keys, keys[1:]))
