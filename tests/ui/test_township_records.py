"""各站记录 through the real widgets on a real township (T00 with three villages' bundles imported): the station column
first, the station filter and search as you type narrowing the list the way the application's query does, every kind
of record, masking with a logged reveal, no way to add, change or delete, and models that pass the model tester."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from station_app import config
from station_app.core.query import Query
from tests import small_township
from tests.ui.conftest import shown_window
from tests.ui.test_pages import choose
from tests.ui.typing import type_text

LEFT = Qt.MouseButton.LeftButton


township_dir, app = small_township.fixtures("records")


@pytest.fixture
def page(qtbot, runner, app):
    return shown_window(qtbot, runner, app).show_page("records")


def rows(model) -> list:
    while model.canFetchMore():
        model.fetchMore()
    return [model.row(i) for i in range(model.rowCount())]


def test_every_station_is_listed_with_its_station_first_and_the_filter_narrows_to_one(page, app):
    model = page.model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "站点"
    assert model.total == app.browse.consultations.count(Query(limit=None)) > 0
    assert {r.station for r in rows(model)} == {"S03", "S05", "S10", "T00"}
    assert model.data(model.index(0, 0)).split()[1]  # code and name: "S05 刘岗庄村"
    choose(page.station, "S05")
    expected = app.browse.consultations.count(Query(filters={"station": "S05"}, limit=None))
    assert model.total == expected > 0 and page.count.text() == f"共 {expected} 条"
    assert {r.station for r in rows(model)} == {"S05"}
    assert all(model.data(model.index(i, 0)).startswith("S05 ") for i in range(model.rowCount()))


def test_search_as_you_type_within_a_station(page, app, qtbot):
    choose(page.station, "S03")
    target = app.browse.consultations.list(Query(filters={"station": "S03"}, limit=1))[0]
    word = target.summary[:5]
    type_text(qtbot, page.search, word)
    qtbot.waitUntil(lambda: page.model.filters.get("search") == word, timeout=3000)
    found = rows(page.model)
    assert target.id in {r.id for r in found}
    assert {r.station for r in found} == {"S03"}
    assert len(found) == app.browse.consultations.count(Query(filters={"station": "S03", "search": word}, limit=None))
    page.search.clear()
    type_text(qtbot, page.search, "没有这样的咨询内容")
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=3000)


def test_every_kind_of_record_with_its_station_column_and_filter(page, app):
    for kind in ("mediation", "postings", "outreach", "duty", "screening", "consultations"):
        choose(page.kind, kind)
        choose(page.station, None)
        model = page.model
        assert page.view.model() is model and model.headerData(0, Qt.Orientation.Horizontal) == "站点"
        area = getattr(app.browse, kind)
        assert model.total == area.count(Query(limit=None)) > 0, kind
        choose(page.station, "S10")
        assert model.total == area.count(Query(filters={"station": "S10"}, limit=None)) > 0, kind
        assert {r.station for r in rows(model)} == {"S10"}
    choose(page.kind, "mediation")
    choose(page.station, "S05")
    choose(page.year, 2021)
    cases = rows(page.model)
    assert any(r.flags for r in cases)  # the station page's flags column: the case open past 30 days
    assert all("*" in r.parties for r in cases)  # party names masked as on the station page


def test_sorting_goes_to_sql_and_pages_through_everything(page, app):
    model = page.model
    model.sort(0, Qt.SortOrder.AscendingOrder)  # the station column: filtered, not sorted (see records.py)
    assert model._sort == "occurred_at"
    model.sort(1, Qt.SortOrder.AscendingOrder)
    got = rows(model)
    assert len(got) == len({r.id for r in got}) == app.browse.consultations.count(Query(limit=None))
    times = [r.occurred_at for r in got]
    assert times == sorted(times)


def test_nothing_can_be_added_changed_or_deleted(page, app, qtbot):
    buttons = [b.text() for b in page.findChildren(QPushButton)]
    assert buttons == ["查看"]
    for kind in ("consultations", "mediation", "postings", "outreach", "duty", "screening"):
        choose(page.kind, kind)
        model = page.model
        flags = model.flags(model.index(0, 1))
        assert not flags & Qt.ItemFlag.ItemIsEditable
    before = app.browse.consultations.count(Query(limit=None))
    page.new_record()  # Ctrl+N on this page
    from station_app.ui.dialogs.form_dialog import FormDialog

    assert not page.findChildren(FormDialog)
    assert app.browse.consultations.count(Query(limit=None)) == before


def test_opening_a_record_is_masked_and_revealing_is_logged(page, app, qtbot):
    choose(page.kind, "consultations")
    choose(page.station, "S03")
    named = [i for i, r in enumerate(rows(page.model)) if "*" in r.consultant]
    page.view.selectRow(named[0])
    qtbot.mouseClick(page.open_button, LEFT)
    details = page.details_dialog
    name = details.masked["consultant_name"]
    assert "*" in name.label.text()
    qtbot.mouseClick(name.button, LEFT)
    assert "*" not in name.label.text()
    row = page.model.row(named[0])
    log = app.access_log.list(Query(limit=None))
    assert any(e.record_id == row.id and e.action == "reveal" and e.table_name == "consultations" for e in log)
    details.close()
    choose(page.kind, "mediation")
    page.view.selectRow(0)
    page.open_selected()
    case = page.details_dialog
    assert case.objectName() == "recordDetails" and page.model.row(0).case_no in \
        [case.form.itemAt(i).widget().text() for i in range(case.form.count()) if hasattr(case.form.itemAt(i).widget(), "text")]
    qtbot.mouseClick(case.people.button, LEFT)
    log = app.access_log.list(Query(limit=None))
    assert any(e.record_id == page.model.row(0).id and e.action == "reveal" and e.table_name == "mediation_cases" for e in log)


def test_the_records_models_pass_the_model_tester(app, qtmodeltester, qapp):
    from station_app.ui.township.records import records_model

    names = {c: n for c, n, _k in app.browse.stations()}
    for kind in ("consultations", "mediation", "postings", "outreach", "duty", "screening"):
        model = records_model(app, kind, names)
        qtmodeltester.check(model)


def test_an_imported_bundle_shows_in_the_records_and_the_overview(tmp_path_factory, qtbot, runner):
    from station_app.app import Application
    from station_app.ui.main_window import MainWindow

    township_dir = small_township.copy(tmp_path_factory, "records-import")
    with Application.open(config.resolve(township_dir.parent / "S10"), passphrase=lambda _p: None,
                          backup=False) as s10:
        s10.consultations.record({"occurred_at": "2021-12-30T10:00", "channel": "来访", "category": "继承",
                                  "consultant_name": "欧阳娜娜", "summary": "年底新来的继承咨询"})
        bundle = s10.bundles.export(tmp_path_factory.mktemp("stick"))
    app = Application.open(config.resolve(township_dir), passphrase=lambda _p: None, backup=False)
    try:
        w = MainWindow(app, runner, idle_minutes=0)
        qtbot.addWidget(w)
        overview = w.show_page("overview")
        choose(overview.year, 2021)
        before = overview.stats["consultations"]["by_station"]["S10"]
        page = w.show_page("records")
        choose(page.station, "S10")
        count = page.model.total
        results = app.bundles.import_paths([bundle])
        assert [r.status for r in results] == ["imported"]
        w.changed({"consultations"})  # what the import centre does after an import
        assert page.model.total == count + 1
        new = [r for r in rows(page.model) if r.summary == "年底新来的继承咨询"]
        assert len(new) == 1 and new[0].consultant.startswith("欧") and "娜" not in new[0].consultant  # masked
        assert overview.stats["consultations"]["by_station"]["S10"] == before + 1
    finally:
        app.close()


def test_township_staff_browse_everything_but_reveal_only_what_their_role_may(tmp_path_factory, qtbot, runner):
    from station_app.app import Application
    from station_app.ui.main_window import MainWindow

    township_dir = small_township.copy(tmp_path_factory, "records-staff")
    with Application.open(config.resolve(township_dir), passphrase=lambda _p: None, backup=False) as admin:
        admin.users.add(login="staff", name="赵文华", role="镇工作人员", password="staff-pass-1")
    staff = Application.open(config.resolve(township_dir), login="staff", password="staff-pass-1",
                             passphrase=lambda _p: None, backup=False)
    try:
        w = MainWindow(staff, runner, idle_minutes=0)
        qtbot.addWidget(w)
        assert {"overview", "records"} <= {c.key for c in w.classes}
        page = w.show_page("records")
        assert [page.kind.itemData(i) for i in range(page.kind.count())] == \
            ["consultations", "mediation", "postings", "outreach", "duty", "screening"]
        choose(page.kind, "mediation")
        page.view.selectRow(0)
        page.open_selected()
        assert not page.details_dialog.people.button.isVisibleTo(page.details_dialog)  # mediation.reveal: no
        choose(page.kind, "consultations")
        page.view.selectRow(0)
        page.open_selected()
        assert page.details_dialog.masked["phone"].button.isVisibleTo(page.details_dialog) or \
            not page.model.row(0).phone  # consultation.reveal: yes (when there is a phone to show)
        assert w.show_page("overview").stats is not None
    finally:
        staff.close()
