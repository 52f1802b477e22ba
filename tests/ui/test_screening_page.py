"""矛盾纠纷排查 page: add, filter, link/open a mediation case, resolve — through the real widgets."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt


def _page(w):
    return w.show_page("screening")


def test_screening_app_area_requires_records_write(open_app):
    import pytest

    from station_app.core.roles import PermissionDenied

    app = open_app("clerk")
    app.screening.record({"found_on": date.today().isoformat(), "found_by": "王秀英", "dispute_type": "邻里",
                          "description": "宅基地边界争执", "risk_level": "低"})
    assert len(app.screening.list()) == 1
    med = open_app("med")
    with pytest.raises(PermissionDenied):
        med.screening.list()
