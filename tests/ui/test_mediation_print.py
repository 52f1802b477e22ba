"""Printing a case's statutory documents from the 人民调解 case view: a file chosen, written by the op runner,
each print in the access log."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest


def _closed_case(app) -> str:
    today = date.today().isoformat()
    app.mediation.open({"accepted_on": today, "source": "当事人申请", "dispute_type": "邻里",
                        "summary": "因排水沟发生争执"},
                       [{"role": "申请人", "name": "孙大山"}, {"role": "被申请人", "name": "周小河"}])
    case = app.mediation.list()[0]
    app.mediation.add_session(case.id, {"kind": "调解", "held_at": f"{today}T10:00", "record": "双方同意疏通排水沟"})
    app.mediation.close(case.id, {"outcome": "调解成功", "closed_on": today, "agreement_form": "书面",
                                  "agreement_terms": "孙大山于一周内疏通排水沟", "signed_on": today})
    return case.id


def _text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
def test_print_agreement_and_cover_from_the_case_view(window, runner, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    w = window("med")
    _closed_case(w.app)
    page = w.show_page("mediation")
    page.refresh()
    page.view.selectRow(0)
    page.show_case(0)
    view = page.case_view
    assert view.print_button.isEnabled()
    assert set(view.print_actions) >= {"agreement", "cover", "registration"}
    assert view.print_actions["agreement"].isEnabled()
    # the agreement carries the committee's number (〔year〕…调字第N号), the file cover the register's case number
    values = view.app.mediation.get(view.case_id, reveal=True).values
    assert values["agreement_no"] and "调字第" in values["agreement_no"]
    for kind, case_no in (("agreement", values["agreement_no"]), ("cover", values["case_no"])):
        target = tmp_path / f"{kind}.pdf"
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *a, t=target, **k: (str(t), "PDF")))
        view.print_actions[kind].trigger()  # the menu entry, as the user clicks it
        assert not runner.errors, runner.errors
        assert target.is_file() and target.read_bytes().startswith(b"%PDF")
        assert case_no in _text(target), kind
    assert "人民调解协议书" in _text(tmp_path / "agreement.pdf")
    # cancelled file dialog: nothing written, no error
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert view.print_document("cover") is None and not runner.errors
    # each print is in the access log
    with w.app.db.read() as s:
        from sqlalchemy import text

        logged = s.execute(text("select count(*) from access_log where action = 'print'")).scalar()
    assert logged == 2


def test_print_needs_a_role_that_sees_full_personal_data(window, open_app):
    med = open_app("med")
    _closed_case(med)
    w = window("adv")
    page = w.show_page("mediation")
    page.refresh()
    page.show_case(0)
    assert not page.case_view.print_button.isEnabled()
