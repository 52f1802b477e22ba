"""Township mode: the 站点 page through the real widgets: the station list, the fork review (both versions side by
side, keep one with a reason; the database and the sync log show it), enrolling a card, revoking a key, the
reference and restore bundles, and the roles. Real keys and bundles (tests/ui/township_world.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from station_app import config
from station_app.app import Application, PermissionDenied
from station_app.core.codes import StationKind
from tests.ui.township_world import (  # noqa: F401
    ADMIN_PASSWORD,
    township_source,
    township_window,
    world,
)
from tests.ui.typing import type_text

LEFT = Qt.MouseButton.LeftButton


def click_radio(qtbot, button) -> None:
    """A radio button answers clicks on its circle and text, not on the empty width beside them."""
    qtbot.mouseClick(button, LEFT, pos=QPoint(8, button.height() // 2))
    assert button.isChecked()


def imported(w, *folders) -> None:
    page = w.show_page("import")
    for f in folders:
        page.import_paths([str(f)])


def stations_page(w):
    page = w.show_page("stations")
    page.refresh()
    return page


def row_of(page, code: str) -> dict:
    return next(r for r in page.station_list if r["code"] == code)


def test_station_list_shows_progress_gaps_and_keys(township_window, world):
    w = township_window("staff")
    imported(w, world / "stick", world / "later" / "S02-changes-000003.stbundle")
    page = stations_page(w)
    assert page.model.rowCount() == 3
    s02 = row_of(page, "S02")
    assert s02["last_number"] == 3 and s02["missing"] == "2" and s02["days"] == 0
    s01 = row_of(page, "S01")
    assert s01["missing"] == "" and s01["fingerprint"] == w.app.stations.overview()["stations"][0]["fingerprint"]
    # What the table shows is what the rows say.
    headers = [page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(page.model.columnCount())]
    row = next(i for i in range(3) if page.model.data(page.model.index(i, 0)) == "S02")
    assert page.model.data(page.model.index(row, headers.index("缺少的编号"))) == "2"
    assert "已登记站点：3 个" in page.summary.text() and "尚无同步包：1 个" in page.summary.text()
    assert page.model.data(page.model.index(row, 0), Qt.ItemDataRole.ForegroundRole) is not None  # behind: coloured
    s01_row = next(i for i in range(3) if page.model.data(page.model.index(i, 0)) == "S01")
    assert page.model.data(page.model.index(s01_row, 0), Qt.ItemDataRole.ForegroundRole) is None
    # A staff member sees and reviews, but key work is the administrator's.
    assert not page.enrol_button.isEnabled() and not page.revoke_button.isEnabled()
    assert not page.restore_button.isEnabled()
    assert page.reference_button.isEnabled()
    with pytest.raises(PermissionDenied):
        w.app.keys.revoke("S01", reason="test")


def _fork(w, world):
    imported(w, world / "stick", world / "later", world / "clone")
    page = stations_page(w)
    assert page.fork_model.rowCount() == 1
    assert row_of(page, "S03")["forks"] == 1
    return page


def test_a_fork_is_reviewed_side_by_side_and_resolved(township_window, world, qtbot):
    w = township_window("staff")
    page = _fork(w, world)
    page.fork_view.selectRow(0)
    qtbot.mouseClick(page.review_button, LEFT)
    dialog = page.fork_dialog
    assert dialog is not None and dialog.isVisible()
    # Both versions side by side: the held one carries one consultation, the refused one two more, new here.
    held_text = " ".join(lbl.text() for lbl in dialog.held_box.findChildren(type(dialog.problem)))
    offered_text = " ".join(lbl.text() for lbl in dialog.offered_box.findChildren(type(dialog.problem)))
    assert "咨询 1" in held_text and "咨询 2" in offered_text
    assert "本中心没有的记录" in offered_text
    # A reason is required.
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, LEFT)
    assert dialog.isVisible() and "原因" in dialog.problem.text()
    assert w.app.forks.list() != []
    # Keep the held version, with a reason.
    click_radio(qtbot, dialog.keep_held)
    type_text(qtbot, dialog.reason, "复制的电脑没人使用")
    qtbot.mouseClick(ok, LEFT)
    assert not dialog.isVisible()
    assert w.app.forks.list() == []
    [decided] = w.app.forks.list(all_=True)
    assert decided["resolution"] == "kept_held" and decided["resolution_note"] == "复制的电脑没人使用"
    assert decided["resolved_by"] == "staff"
    log = (w.app.paths.logs / "sync.log").read_text(encoding="utf-8")
    assert "复制的电脑没人使用" in log and "staff" in log
    assert page.fork_model.rowCount() == 0 and "分叉 #" in page.result_label.text()


def test_keeping_the_refused_version_merges_it(township_window, world, qtbot):
    from station_app.core.query import Query

    w = township_window("admin")
    page = _fork(w, world)
    page.review_fork(page.fork_list[0]["id"])
    dialog = page.fork_dialog
    assert dialog.keep_offered.isEnabled()
    click_radio(qtbot, dialog.keep_offered)
    type_text(qtbot, dialog.reason, "复制的电脑才是在用的")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)
    [decided] = w.app.forks.list(all_=True)
    assert decided["resolution"] == "kept_offered"
    summaries = {c.summary for c in w.app.consultations.list(Query(filters={"search": "复制电脑"}, limit=None))}
    assert summaries == {"复制电脑的咨询一", "复制电脑的咨询二"}


def test_an_adviser_sees_forks_but_may_not_decide(township_window, world, qtbot):
    admin = township_window("admin")
    imported(admin, world / "stick", world / "later", world / "clone")
    w = township_window("adv")
    page = stations_page(w)
    page.review_fork(page.fork_list[0]["id"])
    dialog = page.fork_dialog
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert not dialog.reason.isEnabled()
    with pytest.raises(PermissionDenied):
        w.app.forks.resolve(page.fork_list[0]["id"], "held", "x")


def test_enrol_revoke_reference_and_restore(township_window, world, tmp_path):
    w = township_window("admin")
    imported(w, world / "stick")
    page = stations_page(w)
    assert page.enrol_button.isEnabled() and page.revoke_button.isEnabled()
    # Enrol a new station's card.
    app, _info = Application.init(config.resolve(tmp_path / "S04"), kind=StationKind.VILLAGE, code="S04",
                                  name="大苏庄村", township_card=world / "cards" / "T00.card.json",
                                  admin_password=ADMIN_PASSWORD, passphrase=lambda _p: None)
    with app:
        card, _c = app.keys.export_card(tmp_path / "S04.card.json")
    page.enrol(str(card))
    assert "S04" in page.result_label.text() and "指纹" in page.result_label.text()
    assert "S04" in {r["code"] for r in page.station_list}
    # Revoke the selected station's key, with a reason.
    row = next(i for i, r in enumerate(page.station_list) if r["code"] == "S04")
    page.view.selectRow(row)
    page.revoke(reason="电脑丢失")
    assert "已吊销" in page.result_label.text()
    assert [r["code"] for r in w.app.stations.overview()["revoked"]] == ["S04"]
    assert page.revoked_model.rowCount() == 1 and row_of(page, "S04")["revoked"] == 1
    # The reference bundle for the stations.
    page.export_reference(str(tmp_path / "ref"))
    assert list((tmp_path / "ref").glob("*.stbundle")) and "参考包已写入" in page.result_label.text()
    # A restore bundle for S01's new PC, encrypted to the new PC's card.
    new_pc, _info = Application.init(config.resolve(tmp_path / "S01-new"), kind=StationKind.VILLAGE, code="S01",
                                     name="小苏庄村", township_card=world / "cards" / "T00.card.json",
                                     admin_password=ADMIN_PASSWORD, passphrase=lambda _p: None)
    with new_pc:
        new_card, _c = new_pc.keys.export_card(tmp_path / "S01-new.card.json")
    page.export_restore("S01", str(new_card), str(tmp_path / "restore"))
    assert list((tmp_path / "restore").glob("*.stbundle"))
    assert "恢复包已写入" in page.result_label.text()
    revoked = {r["code"] for r in w.app.stations.overview()["revoked"]}
    assert revoked == {"S01", "S04"}


def test_station_models_pass_the_model_tester(township_window, world, qtmodeltester):
    w = township_window("admin")
    imported(w, world / "stick", world / "later", world / "clone")
    page = stations_page(w)
    assert page.model.rowCount() == 3 and page.fork_model.rowCount() == 1
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.fork_model)
    qtmodeltester.check(page.revoked_model)


def test_a_bad_card_is_refused_on_the_page_and_text_from_outside_stays_text(township_window, world, tmp_path):
    from station_app.ui.township.results import SafeListModel
    from station_app.ui.township.stations import station_columns, station_rows

    w = township_window("admin")
    page = stations_page(w)
    bad = tmp_path / "<b>card.json"
    bad.write_text('{"code": "S09", "name": "<img src=x>", "key": "nope"}', encoding="utf-8")
    page.enrol(str(bad))
    assert page.result_label.text() and page.result_label.textFormat() == Qt.TextFormat.PlainText
    assert isinstance(page.last_result, Exception) and w.runner.errors == []
    assert "S09" not in {s["code"] for s in w.app.stations.overview()["stations"]}
    # A station name that looks like HTML (a card is a file from outside) is shown as typed, tooltips too.
    rows = station_rows({"stations": [{"station_id": "x", "code": "S09", "name": "<img src=x>\u202e村",
                                       "last_number": None, "last_imported_at": None, "missing": [], "forks": [],
                                       "fingerprint": None}], "revoked": []})
    model = SafeListModel(station_columns(), lambda: rows)
    name = model.data(model.index(0, 1))
    assert name.startswith("<img") and "\u202e" not in name and "\\u202e" in name
    tip = model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img" in tip
