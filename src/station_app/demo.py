"""A realistic, deterministic township year, built the way the real one would be.

The figures follow the 小王庄镇 2021 report (sections (二)五 and (八)): 145 on-site duty shifts of the village legal
advisers and 16 at the township centre, about 800 consultations, 101 people's mediation cases settled at about 98 %,
13 法治讲座 and about ten 普法宣传 campaigns with some 8000 leaflets, and 三务 postings in all 21 villages.

Every installation is real: a data directory of its own under `out/` (T00 for the centre, S01..S21 for the
villages), set up like `station-app init`, with every record written through the services. Then each station
exports a bundle, the township imports them all, and the figures are computed on the township's merged database:
nothing is ever written into the township's database directly.

Steps (each usable on its own):
    build_installations(out, year, seed) -> [data dirs]   set up T00 + S01..S21 and record their year
    send_to_township(out, dirs)        -> [ImportResult]  bundles from every station, imported at T00
    township_figures(out, year)        -> (stats, text)   township_stats + format_stats on T00's database
`run_demo` does all three and writes `out/stats-YEAR.json`.

Same seed and year, same records and the same figures (record ids and timestamps differ: they are made at setup).
No display and no network are needed.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import shutil
import sys
import struct
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station_app import config
from station_app.core.codes import StationKind
from station_app.core.errors import StateError
from station_app.core.i18n import _
from station_app.core.validators import id_check_digit
from station_app.services.base import StationDB
from station_app.store.models import Adviser, DutyShift

MARKER = ".station-app-demo"
TOWNSHIP = ("T00", "小王庄镇公共法律服务中心")
VILLAGES = [
    ("S01", "小苏庄村"), ("S02", "南和顺村"), ("S03", "北和顺村"), ("S04", "大苏庄村"), ("S05", "刘岗庄村"),
    ("S06", "徐庄子村"), ("S07", "沙井子一村"), ("S08", "沙井子二村"), ("S09", "沙井子三村"), ("S10", "小王庄村"),
    ("S11", "张网村"), ("S12", "东树村"), ("S13", "西树村"), ("S14", "王庄子村"), ("S15", "李家庄村"),
    ("S16", "前进村"), ("S17", "友谊村"), ("S18", "新立村"), ("S19", "高庄村"), ("S20", "马营村"),
    ("S21", "董庄村"),
]
LAW_FIRM = "勤达律师事务所"
LAWYERS = ["张立新", "王晓东", "李文静", "刘建华", "陈思远", "赵敏", "孙浩然"]
CENTRE_LAWYERS = ["周建国", "吴丽娟"]

# Volumes of the report (the seed moves them between villages and days, never changes the totals).
VILLAGE_SHIFTS = 145
CENTRE_SHIFTS = 16
CONSULTATIONS = 812
CENTRE_CONSULTATIONS = 64
MEDIATIONS = 101
MEDIATION_FAILED = 2
LECTURES = 13
CAMPAIGNS = 10
MISSING_POSTINGS = 5

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国华明丽芳伟秀英敏静强磊军洋勇艳杰娟涛超霞平刚桂兰玉凤志红海波春梅燕德福宝山金荣立新文"

CHANNEL_WEIGHTS = {"来访": 44, "电话": 20, "微信": 21, "网络": 2, "上门": 4, "信函": 1, "普法活动现场": 8}
CATEGORY_WEIGHTS = {"婚姻家庭": 22, "继承": 10, "土地承包": 12, "宅基地": 10, "借贷/债务": 12, "合同": 8,
                    "劳动报酬/劳动争议": 10, "人身损害": 4, "交通事故": 5, "刑事": 2, "行政": 2, "其他": 3}
REFERRAL_WEIGHTS = {"无": 85, "人民调解": 6, "法律援助": 4, "诉讼": 3, "仲裁": 1, "行政部门": 1}
QUESTIONS = {
    "婚姻家庭": ["离婚时夫妻共同财产如何分割", "子女抚养费标准如何确定", "老人赡养费子女拒不支付怎么办"],
    "继承": ["父亲去世未留遗嘱，房产如何继承", "自书遗嘱需要满足什么条件", "出嫁女儿是否有继承权"],
    "土地承包": ["承包地被村民占用如何处理", "土地流转合同到期对方不退地", "承包地确权面积与实际不符"],
    "宅基地": ["宅基地使用权能否转让给外村人", "邻居翻建房屋占用我家宅基地", "宅基地上房屋继承问题"],
    "借贷/债务": ["借款到期对方不还，只有微信聊天记录", "为他人担保后需承担什么责任", "民间借贷利息上限是多少"],
    "合同": ["购买农机具质量有问题如何退货", "口头约定的承揽合同是否有效", "定金和订金有什么区别"],
    "劳动报酬/劳动争议": ["在工地干活被拖欠工资怎么办", "没签劳动合同能否要求双倍工资", "工伤认定需要哪些材料"],
    "人身损害": ["被邻居家狗咬伤如何索赔", "在村道上摔伤责任由谁承担"],
    "交通事故": ["电动车与汽车相撞如何划分责任", "交通事故误工费如何计算"],
    "刑事": ["家人被拘留后家属能做什么", "遭遇电信诈骗如何报案追款"],
    "行政": ["对行政处罚不服如何申请复议", "低保申请被拒绝如何救济"],
    "其他": ["如何办理公证委托", "个人信息被泄露如何维权"],
}
DISPUTE_WEIGHTS = {"邻里": 25, "婚姻家庭": 20, "房屋宅基地": 14, "损害赔偿": 10, "合同": 8, "山林土地": 8,
                   "劳动争议": 5, "道路交通事故": 4, "生产经营": 2, "征地拆迁": 1, "消费": 1, "物业": 1,
                   "环境污染": 1, "医疗": 1, "其他": 1}
MONEY_TYPES = {"损害赔偿", "合同", "劳动争议", "道路交通事故", "生产经营", "消费", "医疗"}
SOURCE_WEIGHTS = {"当事人申请": 70, "调委会主动调解": 20, "公安机关移交": 5, "政府部门指定": 3, "审判机关委托": 2}
DISPUTES = {
    "邻里": "因排水沟、院墙界线发生争执", "婚姻家庭": "因赡养老人、家庭财产发生纠纷", "房屋宅基地": "因宅基地界址、翻建房屋发生争议",
    "损害赔偿": "因财物损坏、人身受伤赔偿发生纠纷", "合同": "因买卖、承揽合同款项发生纠纷", "山林土地": "因承包地边界、流转费发生争议",
    "劳动争议": "因务工工资结算发生纠纷", "道路交通事故": "因电动车剐蹭赔偿发生纠纷", "生产经营": "因养殖场经营发生纠纷",
    "征地拆迁": "因补偿款分配发生争议", "消费": "因农资质量发生纠纷", "物业": "因小区物业费发生纠纷",
    "环境污染": "因养殖异味、污水排放发生纠纷", "医疗": "因诊所诊疗费用发生纠纷", "其他": "因其他民间事务发生纠纷",
}
LECTURE_TOPICS = ["民法典婚姻家庭编解读", "防范电信网络诈骗", "农村土地承包法", "老年人权益保障法", "未成年人保护法",
                  "劳动合同与讨薪维权", "扫黑除恶专项斗争", "宪法宣传", "安全生产法", "反家庭暴力法", "防范非法集资",
                  "继承与遗嘱", "农村宅基地管理", "人民调解法"]
CAMPAIGN_DAYS = [(3, 5, "“两会”精神学法宣传"), (3, 15, "“3·15”消费者权益保护宣传"), (4, 15, "“4·15”全民国家安全教育日宣传"),
                 (5, 22, "生物多样性与生态环境保护法治宣传"), (6, 5, "“六五”环境日法治宣传"), (6, 26, "“6·26”国际禁毒日宣传"),
                 (8, 1, "国防教育法宣传"), (9, 20, "防范非法集资宣传月"), (11, 9, "消防法宣传"), (12, 4, "“12·4”国家宪法日宣传")]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _apportion(rng: random.Random, total: int, n: int, spread: float = 0.4) -> list[int]:
    """Split `total` into n parts of similar size (largest remainder), so totals are exact whatever the seed."""
    weights = [1 + rng.uniform(-spread, spread) for _ in range(n)]
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(n), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _mobile(rng: random.Random) -> str:
    return rng.choice(["139", "138", "137", "135", "150", "152", "158", "186", "187", "131", "132", "155"]) + \
        f"{rng.randrange(10**8):08d}"


def _resident_id(rng: random.Random, male: bool) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    seq = rng.randrange(0, 999)
    seq = seq - seq % 2 + (1 if male else 0)  # odd for men, even for women (GB 11643)
    first17 = f"120116{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def _day(rng: random.Random, year: int, start: date | None = None, end: date | None = None) -> date:
    start = start or date(year, 1, 4)
    end = end or date(year, 12, 28)
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _workday(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _png(rgb: tuple[int, int, int]) -> bytes:
    """A tiny real PNG (a 4x3 board photo stand-in), different per village so each photo file is its own."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * 4 for _ in range(3))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# -- the folder ---------------------------------------------------------------------------------------------------
def prepare_out(out: Path) -> Path:
    """An empty folder for the demo: refuse a non-empty folder that is not a previous demo; replace a previous demo."""
    out = Path(out).expanduser().resolve()
    if out.exists():
        if not out.is_dir():
            raise StateError(_("the output is not a folder: {out}", out=out))
        if any(out.iterdir()):
            if not (out / MARKER).is_file():
                raise StateError(_("{out} is not empty and is not a previous demo; choose another --out folder (nothing was deleted)", out=out))
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(json.dumps({"created_by": "station-app demo"}), encoding="utf-8")
    return out


# -- one installation -----------------------------------------------------------------------------------------------
@dataclass
class Plan:
    """What one installation records in the year (drawn in a fixed order from the seeded generator)."""

    code: str
    name: str
    kind: StationKind
    lawyers: list[str]
    shifts: int = 0
    consultations: int = 0
    mediations: int = 0
    failed: int = 0
    open_cases: list[date] | None = None
    lectures: list[tuple[date, str]] | None = None
    campaigns: list[tuple[date, str]] | None = None
    missing: set[tuple[str, str]] | None = None    # (category, period) deliberately never posted
    withdrawn: set[tuple[str, str]] | None = None  # entered twice, the copy deleted (a tombstone travels)


def make_plans(year: int, seed: int) -> list[Plan]:
    rng = random.Random(f"demo-plan-{seed}-{year}")
    centre = Plan(*TOWNSHIP, StationKind.CENTRE, CENTRE_LAWYERS, shifts=CENTRE_SHIFTS,
                  consultations=CENTRE_CONSULTATIONS, open_cases=[], lectures=[], campaigns=[])
    villages = [Plan(code, name, StationKind.VILLAGE, [LAWYERS[i % len(LAWYERS)]], open_cases=[], lectures=[],
                     campaigns=[], missing=set(), withdrawn=set())
                for i, (code, name) in enumerate(VILLAGES)]
    for plan, n in zip(villages, _apportion(rng, VILLAGE_SHIFTS, len(villages), 0.25)):
        plan.shifts = n
    for plan, n in zip(villages, _apportion(rng, CONSULTATIONS - CENTRE_CONSULTATIONS, len(villages))):
        plan.consultations = n
    for plan, n in zip(villages, _apportion(rng, MEDIATIONS, len(villages), 0.6)):
        plan.mediations = n
    busy = [p for p in villages if p.mediations >= 3]
    for plan in rng.sample(busy, MEDIATION_FAILED):
        plan.failed += 1
    # Two cases still open at the year's end: one accepted in late November (past 30 days: flagged), one in December.
    for plan, accepted in zip(rng.sample(busy, 2), (date(year, 11, 22), date(year, 12, 13))):
        plan.open_cases.append(accepted)  # type: ignore[union-attr]
    topics = rng.sample(LECTURE_TOPICS, LECTURES)
    for plan, topic in zip(rng.sample(villages, LECTURES), topics):
        plan.lectures.append((_workday(_day(rng, year, date(year, 3, 1), date(year, 11, 30))), topic))  # type: ignore[union-attr]
    # Campaigns on the report's key dates: the centre runs half, villages the rest.
    campaign_hosts = [centre] * (CAMPAIGNS // 2) + rng.sample(villages, CAMPAIGNS - CAMPAIGNS // 2)
    rng.shuffle(campaign_hosts)
    for host, (month, day, topic) in zip(campaign_hosts, CAMPAIGN_DAYS[:CAMPAIGNS]):
        host.campaigns.append((date(year, month, day), topic))  # type: ignore[union-attr]
    # A few postings never made, so the township's overdue list has something to show.
    required = [(c, f"{year}-{m:02d}") for c in ("财务",) for m in range(1, 13)] + \
               [(c, f"{year}-Q{q}") for c in ("村务", "党务") for q in range(1, 5)]
    for plan in rng.sample(villages, MISSING_POSTINGS):
        plan.missing.add(rng.choice(required))  # type: ignore[union-attr]
    withdrawn_by = rng.choice(villages)
    withdrawn_by.withdrawn.add(rng.choice([r for r in required if r not in withdrawn_by.missing]))  # type: ignore[union-attr]
    return [centre] + villages


def _init(root: Path, plan: Plan, township_card: Path | None) -> StationDB:
    from station_app.services.setup import init_installation
    from station_app.sync import setup as sync_setup

    db = init_installation(config.resolve(root), kind=plan.kind, code=plan.code, name=plan.name, actor="setup")
    # As `station-app init` does: keys for signing and encryption, and the township's card at a station.
    sync_setup.after_init(db, township_card=str(township_card) if township_card else None)
    return db


def record_year(db: StationDB, plan: Plan, year: int, seed: int) -> None:
    """Everything one installation records in the year, through the services, one transaction per record kind."""
    from station_app.services import advisers, consultations, duty, mediation, outreach

    rng = random.Random(f"demo-{seed}-{year}-{plan.code}")
    clerk = f"{plan.code.lower()}-clerk"
    village = plan.name

    # Advisers: the contracted firm's lawyers who serve here (each installation keeps its own roster entry).
    with db.write(clerk) as w:
        staff = []
        for i, lawyer in enumerate(plan.lawyers):
            licence = f"1120120{year - 12:04d}{rng.randrange(10**6):06d}"
            staff.append(advisers.add_adviser(w, advisers.validate_adviser(
                {"name": lawyer, "law_firm": LAW_FIRM, "phone": _mobile(rng), "licence_no": licence})))
    staff_ids = [(a.id, a.name) for a in staff]

    # Duty shifts, spread over the months, each with its work log.
    # Villages see their adviser in different months; the centre has more shifts than months.
    months = sorted(rng.sample(range(1, 13), plan.shifts) if plan.shifts <= 12
                    else rng.choices(range(1, 13), k=plan.shifts))
    shifts: list[tuple[str, str, datetime, datetime]] = []
    with db.write(clerk) as w:
        for month in months:
            day = _workday(date(year, month, rng.randrange(1, 25)))
            start = datetime.combine(day, rng.choice([time(8, 30), time(9, 0), time(14, 0)]))
            end = start + timedelta(minutes=rng.choice([120, 150, 180, 210, 240]))
            adviser_id, adviser_name = rng.choice(staff_ids)
            served = rng.randrange(2, 9)
            log = [{"served": f"{village}村民{_name(rng)[0]}某", "content": f"解答{_weighted(rng, CATEGORY_WEIGHTS)}方面的法律问题",
                    "result": rng.choice(["当场解答", "已解答，建议收集证据", "引导申请人民调解", "约期答复"])}
                   for _ in range(rng.randrange(1, 4))]
            values = duty.validate_shift({"adviser_id": adviser_id, "start_at": start, "end_at": end,
                                          "people_served": served,
                                          "summary": f"{adviser_name}律师在{village}现场值班"})
            shift = duty.add_shift(w, values, log)
            shifts.append((shift.id, adviser_id, start, end))

    # Consultations: walk-ins happen during a shift; the rest by phone, WeChat, at events...
    with db.write(clerk) as w:
        # Keep this station's advisers and shifts loaded: the session's identity map holds them weakly, and the
        # reference checks would otherwise reload them for every consultation.
        loaded = [*w.session.execute(select(Adviser)).scalars(), *w.session.execute(select(DutyShift)).scalars()]
        for _unused in range(plan.consultations):
            channel = _weighted(rng, CHANNEL_WEIGHTS)
            category = _weighted(rng, CATEGORY_WEIGHTS)
            adviser_id, adviser_name = rng.choice(staff_ids)
            data: dict[str, Any] = {"channel": channel, "category": category,
                                    "summary": rng.choice(QUESTIONS[category]),
                                    "answer": "已依据相关法律规定解答，告知维权途径和所需材料",
                                    "answered_by": adviser_name, "adviser_id": adviser_id,
                                    "referral": _weighted(rng, REFERRAL_WEIGHTS)}
            if channel == "来访" and shifts:
                shift_id, adviser_id, start, end = rng.choice(shifts)
                data.update(adviser_id=adviser_id, duty_shift_id=shift_id,
                            occurred_at=start + timedelta(minutes=rng.randrange(int((end - start).seconds / 60))))
            else:
                data["occurred_at"] = datetime.combine(_day(rng, year), time(rng.randrange(8, 18), rng.randrange(60)))
            if rng.random() < 0.15:
                data["anonymous"] = True  # the consultant may decline to give a name
            else:
                male = rng.random() < 0.55
                data.update(consultant_name=_name(rng), gender="男" if male else "女",
                            address=f"{village}{rng.randrange(1, 9)}组")
                if rng.random() < 0.5:
                    data["phone"] = _mobile(rng)
            data["age_band"] = rng.choice(["18-35岁", "36-59岁", "36-59岁", "60岁以上", "60岁以上"])
            if rng.random() < 0.2:
                data["special_groups"] = rng.choice(["老年人", "妇女", "农民工", "残疾人"])
            if rng.random() < 0.05:
                data["follow_up_on"] = data["occurred_at"].date() + timedelta(days=rng.randrange(3, 8))
            consultations.add_consultation(w, consultations.validate_consultation(data))
        del loaded

    # People's mediation: accepted, mediated, closed (settled or not), performed, followed up.
    archive: list[tuple[str, date, date]] = []
    prevented: list[tuple[str, int]] = []
    mediator = _name(rng)
    accepted_days = sorted(_day(rng, year, date(year, 1, 4), date(year, 11, 15))
                           for _ in range(plan.mediations - len(plan.open_cases or [])))
    outcomes = ["调解不成"] * plan.failed + ["调解成功"] * (len(accepted_days) - plan.failed)
    rng.shuffle(outcomes)
    with db.write(clerk) as w:
        cases = [(d, o) for d, o in zip(accepted_days, outcomes)] + [(d, None) for d in (plan.open_cases or [])]
        for accepted, outcome in cases:
            dtype = _weighted(rng, DISPUTE_WEIGHTS)
            source = _weighted(rng, SOURCE_WEIGHTS)
            a, b = _name(rng), _name(rng)
            data = {"accepted_on": accepted, "source": source, "dispute_type": dtype, "mediator": mediator,
                    "summary": f"{village}村民{a}与{b}{DISPUTES[dtype]}，{'申请' if source == '当事人申请' else '经'}调委会调解"}
            if dtype in MONEY_TYPES:
                data["amount"] = str(rng.randrange(20, 800) * 100)
            parties = []
            for role, name in (("申请人", a), ("被申请人", b)):
                male = rng.random() < 0.6
                party = {"role": role, "name": name, "gender": "男" if male else "女",
                         "address": f"{village}{rng.randrange(1, 9)}组"}
                if rng.random() < 0.6:
                    party["id_number"] = _resident_id(rng, male)
                if rng.random() < 0.7:
                    party["phone"] = _mobile(rng)
                parties.append(party)
            case = mediation.open_case_in(w, mediation.validate_case(data), mediation.validate_parties(parties))
            held = datetime.combine(accepted, time(9, 30))
            if rng.random() < 0.3:
                mediation.add_session_in(w, case, {"kind": "调查", "held_at": held, "place": f"{village}村委会",
                                                   "record": "走访双方当事人及周边村民，了解纠纷经过"})
                held += timedelta(days=rng.randrange(1, 4))
            for n in range(rng.choice((1, 1, 2, 2, 3))):
                mediation.add_session_in(w, case, {"held_at": held, "place": f"{village}调解室",
                                                   "record": f"第{n + 1}次调解：听取双方陈述，释法说理，引导协商"})
                held += timedelta(days=rng.randrange(2, 7))
            if outcome is None:
                continue
            closed = held.date()
            if outcome == "调解成功":
                oral = rng.random() < 0.15
                close = {"outcome": outcome, "closed_on": closed, "agreement_form": "口头" if oral else "书面",
                         "agreement_terms": "双方自愿达成协议：被申请人赔偿/履行相应义务，双方不再因此事发生争执",
                         "performance_method": rng.choice(["一次性支付", "分两期支付", "当场履行", "限期恢复原状"]),
                         "performance_due_on": closed + timedelta(days=rng.choice((0, 7, 15, 30)))}
            else:
                close = {"outcome": outcome, "closed_on": closed, "termination_reason": "一方要求终止调解",
                         "failure_reason": "双方分歧较大，被申请人拒绝继续调解；已告知当事人可通过诉讼等途径解决"}
            mediation.close_case_in(w, case, close)
            last, followed = closed, False
            if outcome == "调解成功" and rng.random() < 0.6:
                visited = min(closed + timedelta(days=rng.randrange(7, 40)), date(year, 12, 30))
                mediation.add_followup_in(w, case, {"visited_on": visited, "visitor": mediator,
                                                    "performance": "协议已按期履行", "satisfaction": "满意",
                                                    "escalation_risk": "无"})
                last, followed = visited, True
            # A settled case is archived only once it is followed up (§31).
            if last < date(year, 12, 20) and (outcome == "调解不成" or (rng.random() < 0.25 and followed)):
                archive.append((case.id, last, min(last + timedelta(days=rng.randrange(1, 10)), date(year, 12, 31))))
            if outcome == "调解成功" and dtype in {"邻里", "婚姻家庭", "损害赔偿"} and rng.random() < 0.06:
                prevented.append((case.id, rng.randrange(2, 5)))
    for case_id, persons in prevented:
        mediation.mark_prevented_criminal(db, clerk, case_id, persons)
    for case_id, _last, on in archive:
        # 一案一卷: complete the file's required items, then archive it (an archived case no longer changes).
        mediation.set_document(db, clerk, case_id, "当事人权利义务告知书")
        mediation.set_document(db, clerk, case_id, "当事人身份证明")
        mediation.archive_case(db, clerk, case_id, on)

    # Outreach events given by this installation's advisers.
    with db.write(clerk) as w:
        for held_on, topic in plan.lectures or []:
            adviser_id, adviser_name = rng.choice(staff_ids)
            outreach.add_event(w, outreach.validate_event(
                {"kind": "法治讲座", "held_on": held_on, "topic": topic, "speaker": adviser_name, "adviser_id": adviser_id,
                 "place": f"{village}村委会会议室", "attendees": rng.randrange(45, 120), "materials": rng.randrange(120, 280)}))
        for held_on, topic in plan.campaigns or []:
            adviser_id, adviser_name = rng.choice(staff_ids)
            outreach.add_event(w, outreach.validate_event(
                {"kind": "普法宣传", "held_on": held_on, "topic": topic, "speaker": adviser_name, "adviser_id": adviser_id,
                 "place": f"{village}文化广场", "attendees": rng.randrange(380, 620), "materials": rng.randrange(420, 660)}))

    if plan.kind is StationKind.VILLAGE:
        _record_postings(db, plan, year, rng, clerk)
    from station_app.demo_records import record_extras  # issue 10's records, with their own generator

    record_extras(db, plan, year, seed)


def _record_postings(db: StationDB, plan: Plan, year: int, rng: random.Random, clerk: str) -> None:
    from station_app.services import postings

    reviewer_finance = f"民主理财小组{_name(rng)}"
    reviewer_affairs = f"村务监督委员会{_name(rng)}"
    data = _png((rng.randrange(256), rng.randrange(256), 90))
    photo = postings.PhotoFile(f"{plan.code}-公开栏.png", data, hashlib.sha256(data).hexdigest(), "image/png")
    duplicates = []
    with db.write(clerk) as w:
        # Each period is posted after it ends, mostly by the 10th of the next month (a few days late now and then).
        items = [("财务", f"{year}-{m:02d}", date(year + (m == 12), m % 12 + 1, 1)) for m in range(1, 13)]
        items += [(c, f"{year}-Q{q}", date(year + (q == 4), (3 * q) % 12 + 1, 1)) for q in range(1, 5)
                  for c in ("村务", "党务")]
        for category, period, next_start in items:
            if (category, period) in (plan.missing or set()):
                continue
            posted = next_start + timedelta(days=rng.choice((1, 2, 3, 4, 5, 6, 7, 8) * 6 + (11, 13)))
            down = posted + timedelta(days=rng.randrange(7, 16))
            if category == "财务":
                title = f"{year}年{int(period[-2:])}月财务收支公开"
                reviewer, content = reviewer_finance, "本月集体经济收入、支出明细及结余"
            elif category == "村务":
                title = f"{year}年第{period[-1]}季度村务公开"
                reviewer, content = reviewer_affairs, "村级重大事项、惠农补贴发放、低保评议结果"
            else:
                title = f"{year}年第{period[-1]}季度党务公开"
                reviewer, content = None, "党组织建设、党员发展、党费收缴情况"
            steps = {}
            if category == "财务":  # reviewed before it goes up
                steps = {"reviewed_on": posted - timedelta(days=1), "review_opinion": "收支真实，票据齐全，同意公开"}
            elif category == "党务":  # 审核 (incl. secrecy) then 审批
                steps = {"audited_by": f"党支部委员{_name(rng)}", "audited_on": posted - timedelta(days=1),
                         "approved_by": f"党支部书记{_name(rng)}", "approved_on": posted}
            values = postings.validate_posting({
                "category": category, "title": title, "content": content, "period": period, "posted_on": posted,
                "taken_down_on": down if down <= date(year, 12, 31) else None,
                "medium": "公开栏" if rng.random() < 0.85 else "微信群", "reviewer": reviewer, **steps})
            photos = [photo] if (category, period) == ("党务", f"{year}-Q4") else []
            postings.add_posting(w, values, photos, paths=db.paths)
            if (category, period) in (plan.withdrawn or set()):
                # Entered twice by mistake; the copy is deleted below and its tombstone travels to the township.
                duplicates.append(postings.add_posting(w, values, paths=db.paths).id)
    for posting_id in duplicates:
        postings.delete_posting(db, clerk, posting_id)


def _build_station(job: tuple[Path, Plan, int, int, Path]) -> tuple[Path, Path]:
    """One village station's PC: set up with the township's card, record the year, hand out its own card."""
    out, plan, year, seed, township_card = job
    with _init(out / plan.code, plan, township_card) as db:
        from station_app.sync import identity

        card = identity.export_card(db, out / "cards" / f"{plan.code}.card.json")
        record_year(db, plan, year, seed)
    return out / plan.code, card


def default_workers() -> int:
    # Stations are independent installations, so they can be built side by side. A frozen build (PyInstaller)
    # cannot start worker processes without freeze_support in its entry point: build one after another there.
    # With few cores, worker start-up and contention cost more than they save: one after another.
    if getattr(sys, "frozen", False):
        return 1
    return max(1, min(4, (os.cpu_count() or 1) // 2))


def _mp_context():
    # fork starts a worker in milliseconds with everything imported; it is safe here because no database is open
    # in this process while the pool runs. Where there is no fork (Windows), spawn.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else "spawn")


def build_installations(out: Path, year: int = 2021, seed: int = 2021, *, workers: int | None = None,
                        progress: Callable[[str], None] | None = None) -> list[Path]:
    """Set up T00 and S01..S21 under `out` (which must be ready: see prepare_out) and record their year.

    Returns the data directories, the township's first. The township's card is given to every station at setup
    (bundles are encrypted to it) and every station's card is enrolled at the township (bundles are signed).
    """
    from station_app.sync import identity

    say = progress or (lambda _msg: None)
    plans = make_plans(year, seed)
    (out / "cards").mkdir(exist_ok=True)
    township_plan = plans[0]
    with _init(out / township_plan.code, township_plan, None) as township:
        township_card = identity.export_card(township, out / "cards" / f"{township_plan.code}.card.json")
        record_year(township, township_plan, year, seed)
    say(_("set up {code} {name}", code=township_plan.code, name=township_plan.name))
    jobs = [(out, plan, year, seed, township_card) for plan in plans[1:]]
    workers = workers or default_workers()
    built: list[tuple[Path, Path]] = []
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=_mp_context()) as pool:
            for plan, result in zip(plans[1:], pool.map(_build_station, jobs)):
                built.append(result)
                say(_("set up {code} {name}", code=plan.code, name=plan.name))
    else:
        for plan, job in zip(plans[1:], jobs):
            built.append(_build_station(job))
            say(_("set up {code} {name}", code=plan.code, name=plan.name))
    with StationDB.open(config.resolve(out / township_plan.code)) as township:
        for _dir, card in built:
            identity.enroll(township, card)
    return [out / township_plan.code] + [d for d, _card in built]


def _export(job: tuple[Path, Path]) -> Path | None:
    data_dir, bundles = job
    from station_app.sync.exporter import export_bundle

    with StationDB.open(config.resolve(data_dir)) as db:
        return export_bundle(db, bundles)


def send_to_township(out: Path, dirs: list[Path], *, workers: int | None = None,
                     progress: Callable[[str], None] | None = None) -> list:
    """Each station exports its bundle into out/bundles (the USB stick); the township imports the whole folder.

    Raises StateError when a station produced no bundle or the township did not import one.
    """
    from station_app.sync.importer import import_paths

    say = progress or (lambda _msg: None)
    township_dir, station_dirs = dirs[0], dirs[1:]
    bundles = out / "bundles"
    bundles.mkdir(parents=True, exist_ok=True)
    jobs = [(d, bundles) for d in station_dirs]
    workers = workers or default_workers()
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=_mp_context()) as pool:
            exported = list(pool.map(_export, jobs))
    else:
        exported = [_export(job) for job in jobs]
    missing = [d.name for d, path in zip(station_dirs, exported) if path is None]
    if missing:
        raise StateError(_("no bundle from: {stations}", stations=_(", ").join(missing)))
    say(_("{len} stations exported their bundles (bundles/)", len=len(exported)))
    with StationDB.open(config.resolve(township_dir)) as township:
        results = import_paths(township, [bundles])
    failed = [r for r in results if r.status != "imported"]
    say(_("the township imported {value} bundles", value=len(results) - len(failed)))
    if failed or len(results) != len(exported):
        raise StateError(_("the township did not import every bundle: ")
                         + "; ".join(f"{r.station_code or r.path}: {r.status} {r.message}" for r in failed))
    return results


def township_figures(out: Path, year: int) -> tuple[dict[str, Any], str]:
    """The year's figures on the township's database, as of the first day after the year (the annual report)."""
    from station_app.reports.stats import format_stats, township_stats

    with StationDB.open(config.resolve(out / TOWNSHIP[0])) as township:
        stats = township_stats(township, year, today=date(year + 1, 1, 1))
    return stats, format_stats(stats)


@dataclass
class DemoResult:
    out: Path
    dirs: list[Path]
    stats: dict[str, Any]
    text: str
    stats_file: Path
    report_pdf: Path | None = None
    report_xlsx: Path | None = None
    headline: dict[str, Any] | None = None


def write_annual_report(out: Path, year: int) -> tuple[Path, Path, dict[str, Any]]:
    """The annual report of the township (PDF and XLSX) as of the first day after the year, like the figures."""
    from station_app.reports.annual import headline
    from station_app.reports.printing import print_report

    pdf, xlsx = out / f"annual-report-{year}.pdf", out / f"annual-report-{year}.xlsx"
    with StationDB.open(config.resolve(out / TOWNSHIP[0])) as township:
        r = print_report(township, "annual", pdf, xlsx=xlsx, year=year, as_of=date(year + 1, 1, 1))
    return pdf, xlsx, headline(r["figures"])


def run_demo(out: Path | str = "demo-out", *, year: int = 2021, seed: int = 2021, workers: int | None = None,
             progress: Callable[[str], None] | None = None) -> DemoResult:
    from station_app.store.atomic import write_atomic

    out = prepare_out(Path(out))
    dirs = build_installations(out, year, seed, workers=workers, progress=progress)
    send_to_township(out, dirs, workers=workers, progress=progress)
    stats, text = township_figures(out, year)
    stats_file = out / f"stats-{year}.json"
    write_atomic(stats_file, json.dumps(stats, ensure_ascii=False, indent=2).encode("utf-8"))
    pdf, xlsx, head = write_annual_report(out, year)
    return DemoResult(out, dirs, stats, text, stats_file, pdf, xlsx, head)
