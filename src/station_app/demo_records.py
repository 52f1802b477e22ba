"""The demo township's records of issue 10, added after `demo.record_year` with their own random generator (so the
figures of the other records do not move): advisers' contracts and month confirmations, work-log service types,
group consultations and referrals' receiving bodies, deferred answers given, the township's 习近平法治思想 theme
sessions in 20 villages, 随时公开 items, and the 矛盾纠纷排查 register (61 disputes found, all resolved: report
(八)二)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from station_app.core.codes import StationKind
from station_app.services.base import StationDB

SCREENINGS = 61
THEME = "习近平法治思想"
THEME_VILLAGES = 20
GROUP_VISITS = 6  # per village at most: 村民集体来访
REFERRAL_BODIES = {"法律援助": "区法律援助中心", "人民调解": "村人民调解委员会", "诉讼": "区人民法院",
                   "仲裁": "区劳动人事争议仲裁委员会", "行政部门": "镇综合便民服务中心", "公证": "区公证处",
                   "司法鉴定": "区司法鉴定中心", "信访": "镇信访办"}
SCREENING_TYPES = ["邻里", "婚姻家庭", "房屋宅基地", "山林土地", "损害赔偿", "合同", "劳动争议"]


def record_extras(db: StationDB, plan, year: int, seed: int) -> None:
    """Everything issue 10 adds to one installation's year (village stations; the centre records none of it)."""
    if plan.kind is not StationKind.VILLAGE:
        return
    from station_app.demo import VILLAGES, _apportion, _name, _workday

    index = [code for code, _ in VILLAGES].index(plan.code)
    rng = random.Random(f"demo-records-{seed}-{year}-{plan.code}")
    town = random.Random(f"demo-records-{seed}-{year}")
    screenings = _apportion(town, SCREENINGS, len(VILLAGES))[index]
    clerk = f"{plan.code.lower()}-clerk"
    _advisers(db, year, rng, clerk, _name, _workday)
    _consultations(db, rng, clerk)
    if index < THEME_VILLAGES:
        _theme_session(db, year, rng, clerk)
    _immediate_posting(db, year, rng, clerk, _name)
    _screening(db, year, rng, clerk, screenings, _name)


def _advisers(db: StationDB, year: int, rng: random.Random, clerk: str, name, workday) -> None:
    """A contract for the year with the village's adviser; the village confirms each month's log early the next
    month (December's is not yet signed on 1 January)."""
    from station_app.services import standards
    from station_app.store.models import Adviser, DutyShift

    with db.read() as s:
        advisers = list(s.execute(select(Adviser).where(Adviser.deleted.is_(False))).scalars())
        months = sorted({(sh.adviser_id, sh.start_at.month) for sh in s.execute(
            select(DutyShift).where(DutyShift.deleted.is_(False))).scalars()})
    for a in advisers:
        standards.assign(db, clerk, {"adviser_id": a.id, "village_station_id": db.station().code,
                                     "starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31),
                                     "contract_no": f"{db.station().code}-{year}-法律顾问"})
    signer = f"村委会{name(rng)}"
    for adviser_id, month in months:
        if month == 12:
            continue
        standards.confirm_month(db, clerk, {"adviser_id": adviser_id, "month": f"{year}-{month:02d}",
                                            "confirmed_on": workday(date(year, month + 1, 2)),
                                            "confirmed_by": signer, "method": rng.choice(["签字", "盖章", "签字盖章"])})


def _consultations(db: StationDB, rng: random.Random, clerk: str) -> None:
    """A few 村民集体来访 of several persons; referrals name the receiving body; deferred answers are given."""
    from station_app.services import consultations as cs
    from station_app.store.models import Consultation

    with db.read() as s:
        rows = list(s.execute(select(Consultation).where(Consultation.deleted.is_(False))
                              .order_by(Consultation.occurred_at, Consultation.id)).scalars())
    walk_ins = [c for c in rows if c.channel == "来访"]
    for c in rng.sample(walk_ins, min(len(walk_ins), rng.randrange(0, 3))):
        cs.update_consultation(db, clerk, c.id, {"persons": rng.randrange(2, 5)})
    for c in rows:
        if c.referral in REFERRAL_BODIES:
            cs.update_consultation(db, clerk, c.id, {"referral_to": REFERRAL_BODIES[c.referral],
                                                     "referral_result": "已转介，对方已接收"})
        if c.follow_up_on is not None and rng.random() < 0.8:
            cs.answer_deferred(db, clerk, c.id, c.follow_up_on, "经查阅相关规定后电话答复")


def _theme_session(db: StationDB, year: int, rng: random.Random, clerk: str) -> None:
    """One 习近平法治思想 主题宣讲 held by the township's justice office in this village (法律六进: 乡村)."""
    from station_app.services import outreach

    outreach.record_event(db, clerk, {
        "kind": "普法宣传", "held_on": date(year, rng.randrange(4, 11), rng.randrange(1, 28)),
        "topic": f"{THEME}主题宣讲进村", "theme": THEME, "organiser": "镇司法所", "speaker": "镇司法所工作人员",
        "place": "村委会会议室", "audience": "乡村", "villages": [db.station().code],
        "attendees": rng.randrange(25, 45), "materials": rng.randrange(20, 60)})


def _immediate_posting(db: StationDB, year: int, rng: random.Random, clerk: str, name) -> None:
    """A matter of major interest posted at once (随时公开), outside the schedule."""
    from station_app.services import postings

    day = date(year, rng.randrange(3, 11), rng.randrange(1, 28))
    postings.record_posting(db, clerk, {"category": "财务", "immediate": True, "posted_on": day,
                                        "title": f"{year}年村道硬化工程资金使用情况（随时公开）",
                                        "reviewer": f"民主理财小组{name(rng)}", "reviewed_on": day - timedelta(days=1),
                                        "review_opinion": "资金使用符合规定，同意公开"})


def _screening(db: StationDB, year: int, rng: random.Random, clerk: str, n: int, name) -> None:
    """`n` disputes found in screening, every one resolved: on the spot, handed on and settled there, or opened as
    a mediation case (cases the committee took up on its own) that settled."""
    from station_app.services import screening
    from station_app.store.models import MediationCase

    with db.read() as s:
        own = [c for c in s.execute(select(MediationCase).where(
            MediationCase.deleted.is_(False), MediationCase.source == "调委会主动调解",
            MediationCase.outcome == "调解成功").order_by(MediationCase.accepted_on)).scalars()]
    linked = own[: max(0, min(len(own), n // 3))]
    found_by = f"网格员{name(rng)}"
    for case in linked:
        found = case.accepted_on - timedelta(days=rng.randrange(0, 4))
        screening.record_item(db, clerk, {"found_on": found, "found_by": found_by, "dispute_type": case.dispute_type,
                                          "description": "排查中发现，经调委会主动介入调解", "risk_level": "中",
                                          "action": "转人民调解", "mediation_case_id": case.id})
    for _ in range(n - len(linked)):
        found = date(year, rng.randrange(1, 12), rng.randrange(1, 28))
        if rng.random() < 0.8:
            extra = {"action": "就地化解", "resolved_on": found + timedelta(days=rng.randrange(0, 3)),
                     "result": "当场说和，双方达成谅解"}
        else:
            extra = {"action": "移交其他部门", "handed_to": rng.choice(["镇派出所", "镇综合执法大队", "镇信访办"]),
                     "resolved_on": found + timedelta(days=rng.randrange(5, 20)), "result": "移交单位反馈已处理"}
        screening.record_item(db, clerk, {"found_on": found, "found_by": found_by,
                                          "dispute_type": rng.choice(SCREENING_TYPES),
                                          "description": "“双百”行动走访排查发现的苗头性纠纷",
                                          "risk_level": rng.choice(["低", "低", "中"]), **extra})
