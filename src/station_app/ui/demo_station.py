"""`station-app gui --demo`: a ready-made village station (S01) beside its township centre (T00), built once with
the headless demo's generator, so a newcomer sees a populated app at once.

The year recorded is last year (every record lies in the past); S01 has sent its bundle, the township has imported
it and sent its reference bundle back, so the receipts ("镇里已收到第 1 号") are real. Users: admin (管理员),
clerk (调度员), med (人民调解员), adv (法律顾问); the passwords are in DEMO_USERS (a demo, never a real station).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import platformdirs

from station_app import config
from station_app.config import Paths

DEMO_PASSWORD = "demo-admin-1"
DEMO_USERS = [("clerk", "王秀英", "调度员", "demo-clerk-1"), ("med", "李桂兰", "人民调解员", "demo-med-12"),
              ("adv", "张立新", "法律顾问", "demo-adv-12")]
READY = "gui-demo.json"


def demo_root(data_dir: str | Path | None = None) -> Path:
    if data_dir:
        return Path(data_dir).expanduser().resolve()
    return Path(platformdirs.user_data_dir("station_app", appauthor=False)) / "gui-demo"


def ensure_demo(data_dir: str | Path | None = None, *, year: int | None = None) -> tuple[Paths, tuple[str, str]]:
    """The demo station's paths and the administrator's credentials; builds it on first use."""
    root = demo_root(data_dir)
    if not (root / READY).is_file():
        build(root, year or date.today().year - 1)
    return config.resolve(root / "S01"), ("admin", DEMO_PASSWORD)


def build(root: Path, year: int, seed: int = 2021) -> None:
    from station_app import demo
    from station_app.app import Application
    from station_app.store.stationdb import StationDB
    from station_app.sync import identity

    root = demo.prepare_out(root)
    plans = demo.make_plans(year, seed)
    (root / "cards").mkdir(exist_ok=True)
    with demo._init(root / "T00", plans[0], None) as township:
        card = identity.export_card(township, root / "cards" / "T00.card.json")
        demo.record_year(township, plans[0], year, seed)
    s01_dir, s01_card = demo._build_station((root, plans[1], year, seed, card))
    with StationDB.open(config.resolve(root / "T00")) as township:
        identity.enroll(township, s01_card)
    no_passphrase = lambda _purpose: None  # noqa: E731 (the demo's keys are not protected)
    stick = root / "U盘"
    stick.mkdir(exist_ok=True)
    for code in ("S01", "T00"):
        with Application.open(config.resolve(root / code), passphrase=no_passphrase) as app:
            app.users.set_password("admin", DEMO_PASSWORD)
            for login, name, role, password in DEMO_USERS:
                app.users.add(login=login, name=name, role=role, password=password)
    with Application.open(config.resolve(s01_dir), passphrase=no_passphrase) as s01:
        s01.bundles.export(stick)
    with Application.open(config.resolve(root / "T00"), passphrase=no_passphrase) as township:
        township.bundles.import_paths([stick])
        reference = township.bundles.export_reference(root / "reference")
    with Application.open(config.resolve(s01_dir), passphrase=no_passphrase) as s01:
        s01.bundles.import_paths([reference["path"]])
        this_year(s01)
    (root / READY).write_text(json.dumps({"year": year, "seed": seed}), encoding="utf-8")


def this_year(app) -> None:
    """A few things of this year and this week, so 今日 has something to show: today's duty, a consultation
    promised an answer in a few days, a case open for almost 30 days, this year's postings until two months ago."""
    from datetime import datetime, timedelta

    from station_app.core.query import Query

    today = date.today()
    adviser = app.advisers.list(Query(filters={"active": True}, limit=1))[0]
    start = datetime.combine(today, datetime.min.time()).replace(hour=9)
    app.duty.record({"adviser_id": adviser.id, "start_at": start.isoformat(timespec="minutes"),
                     "end_at": (start + timedelta(hours=3)).isoformat(timespec="minutes"), "people_served": 2,
                     "summary": "坐班接待，解答婚姻家庭、土地承包咨询"})
    app.consultations.record({"occurred_at": start.replace(hour=10).isoformat(timespec="minutes"), "channel": "来访",
                              "consultant_name": "高玉兰", "gender": "女", "phone": "13512345678",
                              "category": "土地承包", "summary": "承包地被邻村占用，需查阅确权登记后答复",
                              "answered_by": adviser.name, "adviser_id": adviser.id,
                              "follow_up_on": (today + timedelta(days=3)).isoformat()})
    app.mediation.open({"accepted_on": (today - timedelta(days=26)).isoformat(), "source": "当事人申请",
                        "dispute_type": "邻里", "summary": "两户因院墙排水发生争执，经村委会调解未果后申请调解",
                        "mediator": "李桂兰"},
                       [{"role": "申请人", "name": "马德福"}, {"role": "被申请人", "name": "冯春生"}])
    for month in range(1, today.month - 1):
        posted = date(today.year, month, 1) + timedelta(days=32)
        posted = posted.replace(day=5)
        app.postings.record({"category": "财务", "period": f"{today.year}-{month:02d}",
                             "title": f"{today.year}年{month}月财务收支公开", "posted_on": posted.isoformat(),
                             "taken_down_on": (posted + timedelta(days=10)).isoformat(), "reviewer": "民主理财小组王立",
                             # 财务 is reviewed before it is posted
                             "reviewed_on": (posted - timedelta(days=2)).isoformat(), "review_opinion": "收支属实，同意公开"})
    for quarter in range(1, (today.month - 1) // 3 + 1):
        posted = date(today.year, 3 * quarter, 25)
        for category in ("村务", "党务"):
            # 党务 goes 提出 → 审核 → 审批 → 公开 (党务公开条例)
            approval = {"audited_by": "村党支部纪检委员", "audited_on": (posted - timedelta(days=3)).isoformat(),
                        "approved_by": "村党支部书记", "approved_on": (posted - timedelta(days=1)).isoformat()
                        } if category == "党务" else {}
            app.postings.record({"category": category, "period": f"{today.year}-Q{quarter}",
                                 "title": f"{today.year}年第{quarter}季度{category}公开", "posted_on": posted.isoformat(),
                                 "taken_down_on": (posted + timedelta(days=10)).isoformat(), **approval})
