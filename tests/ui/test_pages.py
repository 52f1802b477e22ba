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


def _fill_party(qtbot, form, name: str, id_number: str | None = None) -> None:
    type_text(qtbot, form.widgets["name"], name)
    if id_number:
        type_text(qtbot, form.widgets["id_number"], id_number)


def test_mediation_from_acceptance_to_follow_up_with_a_printed_agreement(window, open_app, qtbot):
    w = window("med")
    page = w.show_page("mediation")
    qtbot.mouseClick(page.add_button, LEFT)
    dialog = page.form_dialog
    choose(dialog.form.widgets["source"], "当事人申请")
    choose(dialog.form.widgets["dispute_type"], "邻里")
    type_text(qtbot, dialog.form.widgets["summary"], "因排水沟发生争执")
    _fill_party(qtbot, page.party_forms[0], "孙大山")
    _fill_party(qtbot, page.party_forms[1], "周小河")
    save(qtbot, dialog)
    assert dialog.saved, dialog.form.summary.text()
    assert page.model.total == 1
    view = page.case_view
    assert view.details["outcome"] == "调解中"
    assert "孙" in view.text.toPlainText()
    # A session, then closing with an agreement.
    qtbot.mouseClick(view.session_button, LEFT)
    type_text(qtbot, view.form_dialog.form.widgets["record"], "双方同意由孙某疏通排水沟")
    save(qtbot, view.form_dialog)
    assert view.form_dialog.saved, view.form_dialog.form.summary.text()
    assert len(view.details["sessions"]) == 1
    assert view.close_button.isEnabled()
    qtbot.mouseClick(view.close_button, LEFT)
    close = view.form_dialog
    choose(close.form.widgets["outcome"], "调解成功")
    choose(close.form.widgets["agreement_form"], "书面")
    type_text(qtbot, close.form.widgets["agreement_terms"], "孙大山于一周内疏通排水沟，周小河不再堵塞")
    close.form.widgets["signed_on"].setDate(close.form.widgets["closed_on"].date())
    save(qtbot, close)
    assert close.saved, close.form.summary.text()
    assert view.details["outcome"] == "调解成功"
    assert view.print_button.isEnabled()
    pdf = view.print_agreement()
    assert pdf.is_file() and pdf.stat().st_size > 1000
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "人民调解协议书" in text and "疏通排水沟" in text
    # Follow-up after closing.
    assert view.followup_button.isEnabled()
    qtbot.mouseClick(view.followup_button, LEFT)
    type_text(qtbot, view.form_dialog.form.widgets["performance"], "已履行")
    save(qtbot, view.form_dialog)
    assert view.form_dialog.saved, view.form_dialog.form.summary.text()
    admin = open_app("admin")
    case = admin.mediation.get(view.case_id)
    assert case["outcome"] == "调解成功" and len(case["sessions"]) == 1 and len(case["followups"]) == 1
    assert case["followups"][0]["performance"] == "已履行"


def test_a_role_that_may_not_close_a_case_cannot(window, open_app, qtbot, runner):
    admin = open_app("admin")
    admin.mediation.open({"accepted_on": date.today().isoformat(), "source": "当事人申请", "dispute_type": "邻里",
                          "summary": "院墙界线"}, [{"role": "申请人", "name": "甲某"}, {"role": "被申请人", "name": "乙某"}])
    w = window("adv")  # a legal adviser may record sessions but not close
    page = w.show_page("mediation")
    page.view.selectRow(0)
    view = page.case_view
    assert view.details and view.session_button.isEnabled()
    assert not view.close_button.isEnabled()
    view.close_case()  # even when forced, the application refuses it
    view.form_dialog.form.set_values({"outcome": "调解不成", "failure_reason": "双方分歧大"})
    save(qtbot, view.form_dialog)
    assert not view.form_dialog.saved
    assert "无权" in view.form_dialog.form.summary.text()
    assert admin.mediation.get(view.case_id)["outcome"] == "调解中"
    # A dispatcher does not see the mediation page at all.
    assert "mediation" not in [c.key for c in window("clerk").classes]


def test_a_posting_with_a_photo(window, open_app, qtbot, tmp_path):
    from PySide6.QtGui import QColor, QImage

    photo = tmp_path / "公开栏.jpg"
    img = QImage(64, 48, QImage.Format.Format_RGB32)
    img.fill(QColor("#336699"))
    assert img.save(str(photo), "JPG")
    w = window("clerk")
    page = w.show_page("postings")
    qtbot.mouseClick(page.add_button, LEFT)
    dialog = page.form_dialog
    choose(dialog.form.widgets["category"], "财务")
    month = date.today()  # this month's posting, put up today: on time
    dialog.form.widgets["period"].clear()
    type_text(qtbot, dialog.form.widgets["period"], f"{month.year}-{month.month:02d}")
    type_text(qtbot, dialog.form.widgets["title"], f"{month.month}月财务收支公开")
    # 财务 is reviewed before it is posted (村委会组织法 §32): reviewer, date and opinion.
    type_text(qtbot, dialog.form.widgets["reviewer"], "村务监督委员会")
    dialog.form.widgets["reviewed_on"].setDate(dialog.form.widgets["posted_on"].date())
    type_text(qtbot, dialog.form.widgets["review_opinion"], "收支属实，同意公开")
    type_text(qtbot, page.photo, str(photo))
    save(qtbot, dialog)
    assert dialog.saved, dialog.form.summary.text()
    assert page.model.total == 1 and page.model.row(0).photos == 1
    statuses = [page.grid.item(r, c).data(Qt.ItemDataRole.UserRole) for r in range(page.grid.rowCount())
                for c in range(page.grid.columnCount()) if page.grid.item(r, c)]
    assert "on_time" in statuses
    admin = open_app("admin")
    rows = admin.postings.list(Query(limit=None))
    assert len(rows) == 1 and rows[0].photos == 1 and rows[0].category == "财务"


def test_a_ledger_import_with_errors_then_fixed(window, open_app, qtbot, tmp_path, runner):
    import csv

    header = ["日期", "咨询人", "性别", "联系电话", "咨询方式", "咨询类别", "咨询内容", "解答意见", "解答人", "转介"]
    bad = tmp_path / "咨询台账.csv"
    with open(bad, "w", newline="", encoding="utf-8-sig") as fh:
        wr = csv.writer(fh)
        wr.writerow(header)
        wr.writerow(["2026-03-02", "郑一", "男", "13800000001", "来访", "继承", "遗产如何分", "", "", "无"])
        wr.writerow(["2026-13-40", "郑二", "男", "13800000002", "飞鸽", "继承", "日期错了", "", "", "无"])
    w = window("clerk")
    page = w.show_page("ledger")
    choose(page.kind, "consultation")
    type_text(qtbot, page.file, str(bad))
    qtbot.mouseClick(page.check_button, LEFT)
    assert runner.errors == []
    assert page.report is not None and not page.report.ok
    assert page.problems.rowCount() >= 2
    rows = {page.problems.item(r, 0).text() for r in range(page.problems.rowCount())}
    columns = {page.problems.item(r, 1).text() for r in range(page.problems.rowCount())}
    assert rows == {"3"} and {"日期", "咨询方式"} <= columns
    assert page.preview.rowCount() == 2
    assert not page.import_button.isEnabled()
    assert open_app("admin").consultations.count(Query(limit=None)) == 0  # nothing written
    with open(bad, "w", newline="", encoding="utf-8-sig") as fh:
        wr = csv.writer(fh)
        wr.writerow(header)
        wr.writerow(["2026-03-02", "郑一", "男", "13800000001", "来访", "继承", "遗产如何分", "", "", "无"])
    qtbot.mouseClick(page.check_button, LEFT)
    assert page.report.ok and page.import_button.isEnabled()
    qtbot.mouseClick(page.import_button, LEFT)
    assert page.report.imported == 1
    assert open_app("admin").consultations.count(Query(limit=None)) == 1


def test_a_bundle_export_to_a_chosen_folder(window, open_app, qtbot, tmp_path):
    w = window("clerk")
    page = w.show_page("sync")
    stick = tmp_path / "U盘"
    stick.mkdir()
    page.export(str(stick))
    files = list(stick.iterdir())
    assert len(files) == 1, page.export_result.text()
    assert str(files[0]) in page.export_result.text()
    assert page.model.rowCount() == 1 and page.model.row(0)["number"] == 1
    assert "第 1 号" in w.sent_label.text()
    status = open_app("admin").bundles.status()
    assert [b["number"] for b in status["exported"]] == [1]


def test_idle_lock_hides_the_data_until_the_user_signs_in_again(window, qtbot, monkeypatch):
    from station_app.ui.dialogs.signin import SignInDialog
    from tests.ui.conftest import PASSWORDS

    w = window("clerk")
    w.idle.set_minutes(0.002)  # ~0.1 s
    seen = {}

    def fake_exec(dialog):  # the modal dialog, driven as a user would
        seen["hidden"] = not w.centralWidget().isVisible()
        seen["login"] = dialog.login.text()
        type_text(qtbot, dialog.password, "wrong-pass")
        dialog.try_sign_in()
        seen["refused"] = dialog.message.text()
        type_text(qtbot, dialog.password, PASSWORDS["clerk"])
        dialog.try_sign_in()
        w.idle.set_minutes(0)  # once is enough for the test
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", fake_exec)
    qtbot.waitUntil(lambda: "hidden" in seen, timeout=5000)
    assert seen["hidden"] and seen["login"] == "clerk" and seen["refused"]
    assert w.centralWidget().isVisible()


def test_today_lists_promised_answers_and_filters_by_referral(window, open_app, qtbot):
    admin = open_app("admin")
    due = date.today() + timedelta(days=2)
    admin.consultations.record({"occurred_at": "2026-01-05T09:00", "channel": "电话", "category": "合同",
                                "summary": "借条效力问题", "referral": "人民调解", "follow_up_on": due.isoformat(),
                                "anonymous": True})
    admin.consultations.record({"occurred_at": "2026-01-06T09:00", "channel": "来访", "category": "继承",
                                "summary": "遗嘱问题", "anonymous": True})
    w = window("clerk")
    today = w.page("today")
    today.refresh()
    text = today.boxes["answers"].text()
    assert "借条效力问题" in text and f"{due.month}月{due.day}日" in text and "遗嘱问题" not in text
    page = w.show_page("consultations")
    assert page.model.total == 2
    choose(page.referral, "人民调解")
    assert page.model.total == 1 and page.model.row(0).summary == "借条效力问题"


def test_models_over_the_application_pass_the_model_tester(open_app, qtmodeltester, runner):
    from station_app.ui.pages import consultations, mediation, outreach
    from station_app.ui.pages.common import area_model

    admin = open_app("admin")
    for n in range(5):
        admin.consultations.record({"occurred_at": f"2026-02-0{n + 1}T10:00", "channel": "来访", "category": "合同",
                                    "summary": f"问题{n}", "consultant_name": f"王{n}号"})
    model = area_model(admin.consultations, consultations.columns(), default_sort="occurred_at", page=2)
    assert model.rowCount() == 2 and model.total == 5
    while model.canFetchMore():
        model.fetchMore()
    assert [model.row(i).summary for i in range(5)] == [f"问题{n}" for n in range(4, -1, -1)]
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.row(0).summary == "问题0"
    paging = area_model(admin.consultations, consultations.columns(), default_sort="occurred_at", page=2)
    qtmodeltester.check(paging)  # the tester pages through it itself
    cases = area_model(mediation._FlagRows(admin.mediation), mediation.columns(), default_sort="accepted_on")
    qtmodeltester.check(cases)
    events = area_model(admin.outreach, outreach.columns(), default_sort="held_on")
    qtmodeltester.check(events)


def test_township_imports_a_station_bundle_and_sends_receipts(open_app, station_paths, qtbot, runner, tmp_path):
    from station_app import config
    from station_app.app import Application
    from station_app.ui.main_window import MainWindow
    from tests.ui.conftest import ADMIN_PASSWORD

    s01 = open_app("clerk")
    s01.consultations.record({"occurred_at": "2026-03-01T09:00", "channel": "来访", "category": "合同",
                              "summary": "合同纠纷", "anonymous": True})
    stick = tmp_path / "stick"
    stick.mkdir()
    bundle = s01.bundles.export(stick)
    card, _ = open_app("admin").keys.export_card(tmp_path / "S01.card.json")
    township = Application.open(config.resolve(station_paths.root.parent / "T00"), login="admin",
                                password=ADMIN_PASSWORD, passphrase=lambda _p: None, backup=False)
    try:
        township.keys.enroll(card)
        w = MainWindow(township, runner, idle_minutes=0)
        qtbot.addWidget(w)
        keys = [c.key for c in w.classes]
        # The township's own pages (ui/township): bundles come in at 导入中心, the reference bundle leaves at 站点.
        assert "postings" not in keys and "import" in keys and "stations" in keys
        page = w.show_page("import")
        page.import_paths([str(bundle)])
        assert [r.status for r in page.last_results] == ["imported"], page.summary.text()
        assert township.consultations.count(Query(filters={"station": "S01"}, limit=None)) == 1
        out = tmp_path / "back"
        out.mkdir()
        w.show_page("stations").export_reference(str(out))
        assert runner.errors == []
        reference = list(out.iterdir())
        assert len(reference) == 1
    finally:
        township.close()
    s01.bundles.import_paths([str(reference[0])])
    assert s01.bundles.status()["confirmed"]["contiguous_number"] == 1


def test_closing_with_an_unsaved_form_asks_first(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = window("clerk")
    page = w.show_page("consultations")
    page.new_record()
    type_text(qtbot, page.form_dialog.form.widgets["summary"], "还没保存的内容")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.No)
    w.close()
    assert asked and w.isVisible()  # the user said no: the window stays
    page.form_dialog.keep_draft()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    w.close()
    assert not w.isVisible()


def test_protected_keys_ask_for_the_passphrase_from_the_worker_thread(qtbot, tmp_path):
    """Exporting runs on the op runner's worker; the passphrase is asked on the GUI thread and the export works."""
    from station_app import config
    from station_app.app import Application
    from station_app.core.codes import StationKind
    from station_app.ui.dialogs.passphrase import PassphraseProvider
    from station_app.ui.main_window import MainWindow
    from station_app.ui.ops import OpRunner

    township, _ = Application.init(config.resolve(tmp_path / "T00"), kind=StationKind.CENTRE, code="T00",
                                   name="镇中心", admin_password="admin-pass-1", passphrase=lambda _p: None)
    with township:
        card, _ = township.keys.export_card(tmp_path / "T00.card.json")
    paths = config.resolve(tmp_path / "S02")
    app, _ = Application.init(paths, kind=StationKind.VILLAGE, code="S02", name="南和顺村", township_card=card,
                              admin_password="admin-pass-1", passphrase=lambda _p: "口令-secret")
    app.close()
    provider = PassphraseProvider()
    asked: list[str] = []
    provider.prompt = lambda purpose: asked.append(purpose) or "口令-secret"
    app = Application.open(paths, login="admin", password="admin-pass-1", passphrase=provider, backup=False)
    runner = OpRunner()  # a real worker thread
    errors: list = []
    runner.show_error = lambda parent, e: errors.append(e)
    w = MainWindow(app, runner, idle_minutes=0)
    qtbot.addWidget(w)
    page = w.show_page("sync")
    stick = tmp_path / "stick"
    stick.mkdir()
    page.export(str(stick))
    qtbot.waitUntil(lambda: bool(list(stick.iterdir())) or bool(errors), timeout=20000)
    assert errors == [] and asked, errors
    qtbot.waitUntil(lambda: "S02" in page.export_result.text(), timeout=5000)
    runner.wait()
    app.close()
