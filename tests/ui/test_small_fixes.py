"""Visible fixes: the consultation time column fits its text; the 今日 page speaks proper English and Chinese."""

from __future__ import annotations

from datetime import date

import pytest


@pytest.fixture
def english():
    from station_app.core.i18n import set_language

    set_language("en")
    yield
    set_language(None)


def test_consultation_time_column_is_not_clipped(window, open_app):
    from datetime import datetime

    from station_app.ui.widgets.dates import zh_datetime

    open_app("admin").consultations.record({"occurred_at": "2026-12-28T23:59", "channel": "电话", "category": "合同",
                                            "summary": "借条效力问题", "anonymous": True})
    w = window("clerk")
    page = w.show_page("consultations")  # as first shown, no refresh asked for
    text = zh_datetime(datetime(2026, 12, 28, 23, 59))
    assert page.view.columnWidth(0) >= page.view.fontMetrics().horizontalAdvance(text) + 16


def _case_open(app):
    app.mediation.open({"accepted_on": date.today().isoformat(), "source": "当事人申请", "dispute_type": "邻里",
                        "summary": "因排水沟发生争执"},
                       [{"role": "申请人", "name": "孙大山"}, {"role": "被申请人", "name": "周小河"}])


def test_today_in_english_has_no_chinese_punctuation_or_bad_plurals(english, window, open_app):
    _case_open(open_app("med"))
    w = window("admin")
    today = w.page("today")
    today.refresh()
    cases = today.boxes["cases"].text()
    assert "1 case open." in cases and "1 cases" not in cases
    postings = today.boxes["postings"].text()
    assert postings and "：" not in postings
    assert "1 bundles" not in today.boxes["bundles"].text()


def test_today_in_chinese(window, open_app):
    from station_app.core.i18n import set_language

    set_language("zh_CN")
    try:
        _case_open(open_app("med"))
        w = window("admin")
        today = w.page("today")
        today.refresh()
        assert "在办案件 1 件" in today.boxes["cases"].text()
    finally:
        set_language(None)
