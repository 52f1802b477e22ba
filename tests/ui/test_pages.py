"""Each page's main flow through the real widgets, checked afterwards through the application object."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from station_app.core.query import Query
from tests.ui.typing import type_text

LEFT = Qt.MouseButton.LeftButton


def choose(combo, value) -> None:
    i = combo.findData(value)
    assert i >= 0, value
    combo.setCurrentIndex(i)


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), LEFT)


def test_enter_a_consultation_by_keyboard_and_find_it(window, open_app, qtbot):
    w = window("clerk")
    page = w.show_page("consultations")
    assert page.model.total == 0
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    qtbot.keyClick(page.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N opens the form
    dialog = page.form_dialog
    form = dialog.form
    # Defaults from today's duty: the adviser on duty answers.
    assert form.widgets["answered_by"].text() == "张立新"
    type_text(qtbot, form.widgets["consultant_name"], "赵铁柱")
    type_text(qtbot, form.widgets["phone"], "13900001111")
    choose(form.widgets["category"], "继承")
    type_text(qtbot, form.widgets["summary"], "父亲去世未留遗嘱，房产如何继承")
    save(qtbot, dialog)
    assert dialog.saved
    assert page.model.total == 1
    type_text(qtbot, page.search, "铁柱")
    qtbot.waitUntil(lambda: page.model.filters.get("search") == "铁柱", timeout=2000)
    assert page.model.total == 1
    row = page.model.row(0)
    assert row.consultant != "赵铁柱" and row.consultant.startswith("赵")  # masked in the list
    assert page.count.text() == "共 1 条"
    page.search.clear()
    type_text(qtbot, page.search, "没有这个人")
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=2000)
    admin = open_app("admin")
    found = admin.consultations.list(Query(filters={"search": "赵铁柱"}))
    assert len(found) == 1
    full = admin.consultations.get(found[0].id, reveal=True)
    assert full["consultant_name"] == "赵铁柱" and full["phone"] == "13900001111"
    assert full["category"] == "继承" and full["answered_by"] == "张立新"


def test_consultation_form_marks_the_bad_field_and_keeps_a_draft(window, qtbot, runner):
    w = window("clerk")
    page = w.show_page("consultations")
    page.new_record()
    dialog = page.form_dialog
    type_text(qtbot, dialog.form.widgets["phone"], "12345")
    dialog.keep_draft()
    save(qtbot, dialog)
    assert not dialog.saved
    assert dialog.form.errors["summary"].isVisibleTo(dialog)  # required, empty
    assert dialog.form.errors["phone"].isVisibleTo(dialog)
    assert runner.errors == []  # marked at the fields, no error box
    dialog.done(0)
    page.new_record()  # the draft comes back
    assert page.form_dialog.form.widgets["phone"].text() == "12345"


def test_reveal_is_offered_only_to_roles_that_may_and_is_logged(window, open_app, qtbot):
    admin = open_app("admin")
    admin.consultations.record({"occurred_at": "2026-01-05T09:00", "channel": "来访", "category": "合同",
                                "summary": "买卖合同纠纷", "consultant_name": "钱多多", "phone": "13711112222"})
    clerk_window = window("clerk")
    page = clerk_window.show_page("consultations")
    page.view.selectRow(0)
    page.open_selected()
    assert not page.details_dialog.masked["phone"].button.isVisible()
    adv_window = window("adv")
    page = adv_window.show_page("consultations")
    page.view.selectRow(0)
    page.open_selected()
    details = page.details_dialog
    details.show()
    assert "钱多多" not in details.masked["consultant_name"].label.text()
    qtbot.mouseClick(details.masked["consultant_name"].button, LEFT)
    assert details.masked["consultant_name"].label.text() == "钱多多"
    assert details.masked["phone"].label.text() == "13711112222"
    log = admin.access_log.list(Query(limit=None))
    assert any(getattr(e, "actor", None) == "adv" for e in log)
