"""`station-app gui --screenshot-dir DIR`: every page and main dialog with the installation's data, one PNG each
(gui-<name>-<lang>.png), then exit. The docs' screenshots are made with it; look at every one after a change."""

from __future__ import annotations

import csv
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from station_app.core.i18n import _

log = logging.getLogger(__name__)


def _settle() -> None:
    for _unused in range(3):
        QApplication.processEvents()


def save(widget: QWidget, out: Path, name: str, lang: str) -> Path:
    widget.show()
    _settle()
    path = out / f"gui-{name}-{lang}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"cannot write {path}")
    return path


def take_all(window, out: Path, lang: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    window.resize(1280, 800)
    shots: list[Path] = []
    # The township's pages and dialogs are named gui-township-<key>-<lang>.png (its sign-in differs too).
    prefix = "township-" if window.app.station().is_township else ""
    for cls in window.classes:
        page = window.show_page(cls.key)
        _prepare(page)
        shots.append(save(window, out, prefix + cls.key, lang))
    for name, make in _dialogs(window).items():
        try:
            dialog = make()
        except Exception:  # a dialog this role or installation does not have: say so, keep going
            log.warning("no screenshot of %s", name, exc_info=True)
            continue
        if dialog is None:
            continue
        shots.append(save(dialog, out, prefix + name, lang))
        dialog.close()
    return shots


def _prepare(page) -> None:
    """Show each page as a user would see it: a case selected, a ledger checked."""
    if hasattr(page, "prepare_screenshot"):  # pages that know how they are best shown (ui/township)
        page.prepare_screenshot()
        return
    if page.key == "mediation" and page.model.rowCount():
        page.view.selectRow(0)
    if page.key == "consultations" and page.model.rowCount():
        page.view.selectRow(0)
    if page.key == "screening" and page.view.rowCount():
        page.view.selectRow(0)
    if page.key == "ledger" and page.report is None:
        path = _sample_ledger()
        page.file.setText(str(path))
        page.kind.setCurrentIndex(max(0, page.kind.findData("consultation")))
        page.check()


def _sample_ledger() -> Path:
    """A consultation ledger with two bad rows, as a station might bring on a USB stick."""
    path = Path(tempfile.mkdtemp()) / _("consultations-2021.csv")
    rows = [["日期", "咨询人", "性别", "联系电话", "咨询方式", "咨询类别", "咨询内容", "解答意见", "解答人", "转介"],
            ["2021-03-02", "郑建国", "男", "13800000001", "来访", "继承", "父亲去世未留遗嘱，房产如何继承", "法定继承", "", "无"],
            ["2021-03-05", "冯秀兰", "女", "1380000", "电话", "婚姻家庭", "子女抚养费标准", "", "", "无"],
            ["2021-13-09", "何志强", "男", "13900000003", "飞鸽", "合同", "定金和订金有什么区别", "", "", "无"],
            ["2021-04-11", "吕玉梅", "女", "13900000004", "微信", "宅基地", "邻居翻建房屋占用宅基地", "", "", "人民调解"]]
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _dialogs(window) -> dict[str, Callable[[], QWidget | None]]:
    from station_app.ui.dialogs.setup_wizard import SetupWizard
    from station_app.ui.dialogs.signin import SignInDialog

    app = window.app

    def signin():
        st = app.station()
        d = SignInDialog(opener=lambda _l, _p: None, station_text=f"{st.code} {st.name}")
        d.login.setText(app.user.login)
        return d

    def wizard_first():
        w = SetupWizard(app.paths, init=None)
        w.resize(720, 520)
        return w

    def wizard_fingerprint():
        w = SetupWizard(app.paths, init=None)
        keys = app.keys.show()
        st = app.station()
        w.info = {"code": st.code, "name": st.name, "fingerprint": keys.get("fingerprint", ""),
                  "card": str(app.paths.keys / "card.json")}
        w.show()
        for _unused in range(3):
            w.next() if w.currentPage() is not w.done_page else None
            if w.currentPage() is w.admin_page:
                w.setStartId(w.pageIds()[-1])
                w.restart()
                break
        w.resize(720, 520)
        return w

    def page_dialog(key: str, opener: str, attr: str):
        def make():
            page = window.show_page(key)
            getattr(page, opener)()
            return getattr(page, attr)
        return make

    def case_dialog(opener: str):
        def make():
            page = window.show_page("mediation")
            view = page.case_view
            if not view.details:
                return None
            getattr(view, opener)()
            return getattr(view, "checklist_dialog" if opener == "edit_checklist" else "form_dialog")
        return make

    def consultation_details():
        page = window.show_page("consultations")
        if not page.model.rowCount():
            return None
        page.view.selectRow(0)
        page.open_selected()
        return page.details_dialog

    out: dict[str, Callable[[], QWidget | None]] = {
        "signin": signin, "setup": wizard_first, "setup-fingerprint": wizard_fingerprint,
    }
    keys = {c.key for c in window.classes}
    if "consultations" in keys:
        out["consultation-form"] = page_dialog("consultations", "new_record", "form_dialog")
        out["consultation-details"] = consultation_details
    if "mediation" in keys:
        out["case-form"] = page_dialog("mediation", "new_record", "form_dialog")
        out["case-close"] = case_dialog("close_case")
        out["case-checklist"] = case_dialog("edit_checklist")
    if "postings" in keys:
        out["posting-form"] = page_dialog("postings", "new_record", "form_dialog")
    if "screening" in keys:
        out["screening-form"] = page_dialog("screening", "new_record", "form_dialog")
    if app.station().is_township:
        from station_app.ui.township import screenshot_dialogs

        out.update(screenshot_dialogs(window))
    if "settings" in keys and app.may("user.manage"):
        out["user-form"] = page_dialog("settings", "new_user", "form_dialog")
    return out
