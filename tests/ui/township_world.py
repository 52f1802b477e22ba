"""A small real township for the township-mode GUI tests: T00 with three village stations (real keys, real signed and
encrypted bundles on a "USB stick" folder), built once per test session and copied for each test.

- stick/: S01, S02, S03 bundle 1 each (all importable)
- later/: S02 bundle 3 (bundle 2 was lost: importing it leaves a gap) and S03 bundle 2
- clone/: S03 bundle 2 written by a copy of S03's PC (after later/ is imported: a fork)
Users at T00: admin (管理员), staff (镇工作人员), adv (法律顾问: may see the stations, may not import).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from station_app import config
from station_app.core.codes import StationKind

ADMIN_PASSWORD = "admin-pass-1"
PASSWORDS = {"admin": ADMIN_PASSWORD, "staff": "staff-pass-1", "adv": "adv-pass-12"}
NAMES = {"S01": "小苏庄村", "S02": "南和顺村", "S03": "北和顺村"}


def _none(_purpose):
    return None


def consult(app, summary: str) -> None:
    now = datetime.now().replace(second=0, microsecond=0)
    app.consultations.record({"occurred_at": now.isoformat(timespec="minutes"), "channel": "来访",
                              "consultant_name": "孙建华", "gender": "男", "phone": "13700001111",
                              "category": "婚姻家庭", "summary": summary})


def open_app(root: Path, code: str, login: str | None = None):
    from station_app.app import Application

    if login is None:
        return Application.open(config.resolve(root / code), passphrase=_none, backup=False)
    return Application.open(config.resolve(root / code), login=login, password=PASSWORDS[login], passphrase=_none,
                            backup=False)


def build(root: Path) -> Path:
    from station_app.app import Application

    root.mkdir(parents=True, exist_ok=True)
    township, _info = Application.init(config.resolve(root / "T00"), kind=StationKind.CENTRE, code="T00",
                                       name="小王庄镇公共法律服务中心", admin_password=ADMIN_PASSWORD,
                                       passphrase=_none)
    with township:
        card, _c = township.keys.export_card(root / "cards" / "T00.card.json")
        township.users.add(login="staff", name="赵文华", role="镇工作人员", password=PASSWORDS["staff"])
        township.users.add(login="adv", name="张律师", role="法律顾问", password=PASSWORDS["adv"])
    cards = []
    for code, name in NAMES.items():
        app, _info = Application.init(config.resolve(root / code), kind=StationKind.VILLAGE, code=code, name=name,
                                      township_card=card, admin_password=ADMIN_PASSWORD, passphrase=_none)
        with app:
            cards.append(app.keys.export_card(root / "cards" / f"{code}.card.json")[0])
            consult(app, f"{name}：咨询宅基地继承")
            consult(app, f"{name}：咨询赡养费")
            app.bundles.export(root / "stick")
    with open_app(root, "T00") as township:
        for c in cards:
            township.keys.enroll(c)
    with open_app(root, "S02") as s02:
        consult(s02, "丢失的包里的咨询")
        s02.bundles.export(root / "lost")
        consult(s02, "第三个包的咨询")
        s02.bundles.export(root / "later")
    shutil.copytree(root / "S03", root / "S03-copy")
    with open_app(root, "S03") as s03:
        consult(s03, "原电脑的咨询")
        s03.bundles.export(root / "later")
    with open_app(root, "S03-copy") as copy:
        consult(copy, "复制电脑的咨询一")
        consult(copy, "复制电脑的咨询二")
        copy.bundles.export(root / "clone")
    return root


def copy_world(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, symlinks=True)
    for key in dest.rglob("*.key"):
        key.chmod(0o600)
    return dest


# -- fixtures (import them into a test module) ---------------------------------------------------------------
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def township_source(tmp_path_factory):
    return build(tmp_path_factory.mktemp("township-world") / "w")


@pytest.fixture
def world(township_source, tmp_path):
    """A fresh copy of the township world for this test."""
    return copy_world(township_source, tmp_path / "world")


@pytest.fixture
def township_window(qtbot, runner, world):
    """township_window(login) -> the main window of T00 signed in as that user."""
    from tests.ui.conftest import shown_window

    opened = []

    def make(login: str = "admin"):
        app = open_app(world, "T00", login)
        opened.append(app)
        return shown_window(qtbot, runner, app)

    yield make
    for app in opened:
        try:
            app.close()
        except Exception:
            pass
