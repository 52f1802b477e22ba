"""`station-app gui --demo --township`: a ready-made township centre (T00) with its 21 village stations' bundles
imported, built once with the headless demo's generator (`station-app demo`), so the township's pages have a year
of data at once.

What a township meets in practice is in it too: S05's PC was copied and both copies wrote a bundle 2 (the
township holds one and flagged the other as a fork for review). The first round of bundles stays on the demo's
"U盘" folder (dropping it on the import centre again shows "already imported"); a second round waits, not yet
imported, on "U盘-新" (NEW_STICK): S07's and S08's bundle 2, S02's bundle 3 (its bundle 2 was lost on the way:
importing it shows a gap) and S11's bundle 2 damaged on the stick (refused, with the reason). The screenshot mode
imports NEW_STICK when it finds it beside the installation. Users: admin (管理员) and staff (镇工作人员); passwords in DEMO_USERS (a demo,
never a real installation). Built through the application object and the demo module only (no store access).
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import platformdirs

from station_app import config
from station_app.config import Paths

DEMO_PASSWORD = "demo-admin-1"
DEMO_USERS = [("staff", "赵文华", "镇工作人员", "demo-staff-1")]
READY = "gui-demo-township.json"
STICK = "U盘"
NEW_STICK = "U盘-新"


def demo_root(data_dir: str | Path | None = None) -> Path:
    if data_dir:
        return Path(data_dir).expanduser().resolve()
    return Path(platformdirs.user_data_dir("station_app", appauthor=False)) / "gui-demo-township"


def ensure_demo(data_dir: str | Path | None = None, *, year: int | None = None) -> tuple[Paths, tuple[str, str]]:
    """The demo township's paths and the administrator's credentials; builds it on first use."""
    root = demo_root(data_dir)
    if not (root / READY).is_file():
        build(root, year or date.today().year - 1)
    return config.resolve(root / "T00"), ("admin", DEMO_PASSWORD)


def _no_passphrase(_purpose: str) -> None:  # the demo's keys are not protected
    return None


def _open(root: Path, name: str):
    from station_app.app import Application

    return Application.open(config.resolve(root / name), passphrase=_no_passphrase, backup=False)


def _consult(app, summary: str) -> None:
    now = datetime.now().replace(second=0, microsecond=0)
    app.consultations.record({"occurred_at": now.isoformat(timespec="minutes"), "channel": "来访",
                              "consultant_name": "孙建华", "gender": "男", "phone": "13700001111",
                              "category": "婚姻家庭", "summary": summary})


def build(root: Path, year: int, seed: int = 2021) -> list[Path]:
    """T00 and S01..S21 under `root`, every station's bundle on the stick and imported; returns the bundles."""
    from station_app import demo

    root = demo.prepare_out(root)
    dirs = demo.build_installations(root, year, seed)
    stick = root / STICK
    stick.mkdir(exist_ok=True)
    bundles: list[Path] = []
    for d in dirs[1:]:
        with _open(root, d.name) as st:
            path = st.bundles.export(stick)
            if path is not None:
                bundles.append(Path(path))
    with _open(root, "T00") as township:
        township.users.set_password("admin", DEMO_PASSWORD)
        for login, name, role, password in DEMO_USERS:
            township.users.add(login=login, name=name, role=role, password=password)
        township.bundles.import_paths([stick])
    bundles += _gap_and_fork(root, stick)
    with _open(root, "T00") as township:
        township.bundles.export_reference(root / "reference")
    (root / READY).write_text(json.dumps({"year": year, "seed": seed}), encoding="utf-8")
    return bundles


def _gap_and_fork(root: Path, stick: Path) -> list[Path]:
    """S05's PC is copied and both copies write a bundle 2 (a fork); the second round goes to NEW_STICK."""
    out: list[Path] = []
    shutil.copytree(root / "S05", root / "S05-copy")
    with _open(root, "S05") as s05:
        _consult(s05, "咨询赡养老人的义务如何分担")
        out.append(Path(s05.bundles.export(stick)))
    # The copy's bundle 2 comes after the original's: the township refuses it as a fork.
    with _open(root, "S05-copy") as copy:
        _consult(copy, "咨询宅基地使用权能否继承")
        _consult(copy, "咨询土地流转合同到期后如何处理")
        out.append(Path(copy.bundles.export(root / "U盘-S05副本")))
    with _open(root, "T00") as township:
        township.bundles.import_paths([out[-2]])
        township.bundles.import_paths([out[-1]])
    new = root / NEW_STICK
    with _open(root, "S02") as s02:
        _consult(s02, "咨询离婚后子女抚养费如何确定")
        s02.bundles.export(root / "lost")  # bundle 2: never reaches the township
        _consult(s02, "咨询彩礼返还的条件")
        out.append(Path(s02.bundles.export(new)))  # bundle 3
    for code, summary in (("S07", "咨询工伤认定需要哪些材料"), ("S08", "咨询拖欠农民工工资如何维权"),
                          ("S11", "咨询邻里通行纠纷")):
        with _open(root, code) as st:
            _consult(st, summary)
            out.append(Path(st.bundles.export(new)))
    damaged = out[-1]  # S11's bundle 2: a byte flipped on the stick, its signature no longer holds
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    return out
