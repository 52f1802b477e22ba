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


def _fill_and_save(qtbot, page, values):
    page.new_record()
    dialog = page.form_dialog
    form = dialog.form
    form.set_values(values)
    dialog.save()
    return dialog


def test_screening_page_add_filter_link_open_resolve(qtbot, window, runner, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    w = window("clerk")
    assert "screening" in w.pages or any(c.key == "screening" for c in w.classes)
    page = w.show_page("screening")
    assert page.view.rowCount() == 0
    today = date.today()
    for desc in ("宅基地边界争执", "土地承包纠纷", "赡养老人纠纷"):
        _fill_and_save(qtbot, page, {"found_on": today, "found_by": "王秀英", "parties": "张三、李四",
                                     "dispute_type": "邻里", "description": desc, "risk_level": "中",
                                     "action": "待处置"})
    assert not runner.errors, runner.errors
    assert page.view.rowCount() == 3
    assert "王秀英" == page.view.item(0, 2).text()

    # mark the first resolved (pending → on the spot, today)
    page.view.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("双方达成和解", True)))
    page.resolve()
    assert not runner.errors, runner.errors
    page.unresolved.setChecked(True)
    assert page.view.rowCount() == 2

    # open a mediation case from one (clerk may not: the button is disabled); the administrator may
    assert not page.open_case_button.isEnabled()
    admin = window("admin")
    apage = admin.show_page("screening")
    apage.unresolved.setChecked(True)
    apage.view.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("张三，李四", True)))
    apage.open_case()
    assert not runner.errors, runner.errors
    linked = [r for r in apage.app.screening.list() if r.case_no]
    assert len(linked) == 1 and linked[0].action == "转人民调解"
    assert any(apage.view.item(i, 6).text() == linked[0].case_no for i in range(apage.view.rowCount()))


    # the last pending one is linked to that case by its number
    apage.unresolved.setChecked(False)
    pending = [i for i, r in enumerate(apage.rows) if r.action == "待处置"]
    apage.view.selectRow(pending[0])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (linked[0].case_no, True)))
    apage.link_case()
    assert not runner.errors, runner.errors
    assert sum(1 for r in apage.app.screening.list() if r.case_no == linked[0].case_no) == 2
    apage.unresolved.setChecked(True)
    apage.year.setCurrentIndex(1)  # this year
    assert apage.view.rowCount() == 2
    assert "2" in apage.totals.text()


def test_screening_page_hidden_for_mediator(window):
    w = window("med")
    assert all(c.key != "screening" for c in w.classes)


def test_screening_entry_is_edited_and_deleted_through_the_page(qtbot, window, runner, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = window("clerk")
    page = w.show_page("screening")
    today = date.today()
    for desc in ("宅基地边界争执", "赡养老人纠纷"):
        _fill_and_save(qtbot, page, {"found_on": today, "found_by": "王秀英", "parties": "张三、李四",
                                     "dispute_type": "邻里", "description": desc, "risk_level": "中",
                                     "action": "待处置"})
    assert not runner.errors, runner.errors
    row = next(i for i, r in enumerate(page.rows) if r.description == "宅基地边界争执")
    page.view.selectRow(row)
    page.edit()
    dialog = page.form_dialog
    # The form opens with the stored values, and is not "unsaved" until something is typed.
    assert dialog.form.values()["description"] == "宅基地边界争执" and dialog.form.values()["parties"] == "张三、李四"
    assert not dialog.dirty()
    dialog.form.set_values({"description": "宅基地边界争执，已测量", "risk_level": "高"})
    dialog.save()
    assert not runner.errors, runner.errors
    stored = page.app.screening.values(page.rows[row].id)
    assert stored["description"] == "宅基地边界争执，已测量" and stored["risk_level"] == "高"
    assert stored["parties"] == "张三、李四" and stored["found_by"] == "王秀英"
    assert any(page.view.item(i, 8).text() == "宅基地边界争执，已测量" for i in range(page.view.rowCount()))

    # Delete asks first; "No" keeps it, "Yes" removes it from the register (a tombstone, kept in history).
    victim = next(r for r in page.rows if r.description == "赡养老人纠纷")
    page.view.selectRow(page.rows.index(victim))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    page.delete()
    assert page.view.rowCount() == 2
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    page.delete()
    assert not runner.errors, runner.errors
    assert [r.description for r in page.rows] == ["宅基地边界争执，已测量"]
    assert page.view.rowCount() == 1
