"""First run: the setup wizard makes the installation, its administrator and keys, and shows the fingerprint."""

from __future__ import annotations

from station_app import config
from station_app.app import Application
from station_app.ui.dialogs.setup_wizard import SetupWizard
from tests.ui.typing import type_text


def test_setup_wizard_creates_the_station_and_shows_the_fingerprint(qtbot, runner, tmp_path):
    paths = config.resolve(tmp_path / "new")

    def init(kind, code, name, card, admin_password, passphrase):
        return Application.init(paths, kind=kind, code=code, name=name, township_card=card,
                                admin_password=admin_password, passphrase=lambda _p: passphrase)

    wizard = SetupWizard(paths, init)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.kind_page.village.isChecked()
    wizard.next()
    type_text(qtbot, wizard.station_page.code, "S05")
    type_text(qtbot, wizard.station_page.name, "刘岗庄村")
    wizard.next()
    admin = wizard.admin_page
    type_text(qtbot, admin.password, "admin-pass-9")
    type_text(qtbot, admin.password2, "admin-pass-8")
    wizard.next()
    assert wizard.currentPage() is admin and "不一致" in admin.message.text()  # nothing made yet
    assert not paths.database.exists()
    admin.password2.clear()
    type_text(qtbot, admin.password2, "admin-pass-9")
    wizard.next()
    assert wizard.currentPage() is wizard.done_page, admin.message.text()
    fingerprint = wizard.info["fingerprint"]
    assert fingerprint and fingerprint.split("-")[0] in wizard.done_page.fingerprint.text()
    assert wizard.done_page.fingerprint.font().pointSizeF() > wizard.font().pointSizeF() * 1.5
    wizard.app.close()
    with Application.open(paths, login="admin", password="admin-pass-9", passphrase=lambda _p: None) as app:
        st = app.station()
        assert (st.code, st.name, st.is_township) == ("S05", "刘岗庄村", False)
        assert app.keys.show()["fingerprint"] == fingerprint
