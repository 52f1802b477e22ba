"""Deterministic generator of realistic consultations (法律咨询登记) for benchmarks.

    .venv/bin/python bench/gen_records.py --n 100000 --out bench/out/store-100k

Creates a fresh village-station installation in --out and records N consultations through the services' Writer,
1000 per transaction (as a ledger import would), so every record carries its counter and history like real data.
The same --n and --seed always give the same records (ids and timestamps aside).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from station_app import config
from station_app.core.codes import StationKind
from station_app.services.base import StationDB
from station_app.services.consultations import add_consultation, validate_consultation
from station_app.services.setup import init_installation

# Surnames weighted roughly as in a north-China township; given names of one or two characters.
SURNAMES = ("王" * 12 + "李" * 11 + "张" * 10 + "刘" * 8 + "陈" * 5 + "杨" * 4 + "赵" * 4 + "黄" * 2 + "周" * 3
            + "吴" * 2 + "徐" * 2 + "孙" * 3 + "胡" + "朱" * 2 + "高" * 3 + "林" + "何" + "郭" * 2 + "马" * 2 + "罗"
            + "梁" + "宋" * 2 + "郑" + "谢" + "韩" * 2 + "唐" + "冯" * 2 + "于" * 2 + "董" * 2 + "萧" + "程" + "曹"
            + "袁" + "邓" + "许" + "傅" + "沈" + "曾" + "彭" + "吕" + "苏" * 2 + "卢" + "蒋" + "蔡" + "贾" + "丁" + "魏")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红玉梅凤春海金山文德永福立新宝林"
             "淑珍桂兰秀兰玉兰凤英")
GIVEN_PAIRS = ["秀英", "桂兰", "玉兰", "淑珍", "建国", "建华", "志强", "国庆", "卫东", "红梅", "春生", "海涛", "金凤",
               "德福", "永利", "立新", "宝山", "文华", "秀梅", "凤英", "玉珍", "长青", "振华", "桂芝", "俊杰"]
VILLAGES = ["小苏庄村", "大王庄村", "前李村", "后李村", "张家营村", "刘家坟村", "东河村", "西河村", "南关村", "北关村",
            "杨树屯村", "赵家洼村", "黄土坡村", "周庄村", "吴家堡村", "徐家湾村", "孙庄村", "胡家营村", "朱家寨村",
            "高庄村", "林场村"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
                   "157", "158", "159", "177", "180", "181", "182", "185", "186", "187", "188", "189", "199"]
CHANNELS = ["来访"] * 12 + ["电话"] * 5 + ["微信"] * 3 + ["上门"] * 2 + ["普法活动现场", "网络", "信函"]
AGE_BANDS = ["18-35岁", "36-59岁", "36-59岁", "60岁以上", "60岁以上", "未说明"]

# (category, questions, answers) in the words a station's ledger uses.
TOPICS = [
    ("婚姻家庭", ["离婚后孩子的抚养费如何计算，对方长期不给怎么办", "丈夫在外打工多年不回家，想起诉离婚需要什么材料",
               "婚前父母出资买的房子离婚时怎么分", "彩礼已经给了，婚没结成能不能要回来", "子女不尽赡养义务，老人如何维权"],
     ["依据民法典第一千零八十五条，抚养费可协商或由法院判决，拒不支付可申请强制执行",
      "建议先行调解，调解不成可向人民法院起诉，需准备结婚证、身份证及证据材料",
      "彩礼返还视共同生活时间及过错等情况确定，建议协商或申请人民调解"]),
    ("继承", ["父亲去世没留遗嘱，宅基地上的房屋兄弟几个怎么分", "母亲生前写的自书遗嘱是否有效", "出嫁的女儿能否继承父母的房产"],
     ["无遗嘱按法定继承办理，第一顺序继承人为配偶、子女、父母，同一顺序原则上均等",
      "自书遗嘱须本人亲笔书写、签名并注明年月日"]),
    ("土地承包", ["承包地被村里调整给别人，自己没有同意", "土地流转合同到期对方不退地", "外嫁女的承包地被收回是否合法"],
     ["承包期内发包方不得收回或调整承包地，可向乡镇政府反映或申请土地承包仲裁",
      "流转期满应当返还，可依合同主张权利，必要时申请调解"]),
    ("宅基地", ["邻居盖房占了我家宅基地边界半米", "宅基地使用证上的面积和实际不符", "翻建房屋邻居阻拦不让施工"],
     ["宅基地边界纠纷可先由村调委会调解，调解不成由乡镇政府处理",
      "以宅基地使用证和四至为准，建议双方到场确认界址"]),
    ("借贷/债务", ["借给亲戚五万元只有微信聊天记录没有借条", "欠款人说已经过了诉讼时效不还钱", "给别人担保后借款人跑了"],
     ["微信转账记录和聊天记录可作为证据，建议及时固定并催收",
      "诉讼时效为三年，自知道权利受损之日起计算，催收可中断时效"]),
    ("劳动报酬/劳动争议", ["在工地干活老板拖欠工资三个月", "工伤后老板不给报销医药费", "没签劳动合同被辞退能否要求赔偿"],
     ["可向劳动保障监察投诉或申请劳动仲裁，农民工欠薪可申请法律援助",
      "工伤应申请工伤认定，用人单位未参保的由单位按工伤保险待遇支付"]),
    ("人身损害", ["孩子在学校被同学打伤医药费谁出", "被邻居家的狗咬伤对方不赔", "帮工时从房顶摔伤"],
     ["饲养动物致人损害由饲养人承担侵权责任", "可收集病历、票据等证据主张医疗费、误工费"]),
    ("交通事故", ["电动车和三轮车相撞对方没有保险", "交通事故责任认定书不服怎么办"],
     ["对责任认定有异议可在三日内向上一级交管部门申请复核", "可协商、调解或向法院起诉要求赔偿"]),
    ("合同", ["买的化肥有质量问题庄稼减产", "装修队收了定金不干活"],
     ["可依买卖合同主张退货或赔偿，保存购货凭证", "定金罚则：收受定金一方不履行应双倍返还"]),
    ("行政", ["低保被取消不知道原因", "征地补偿款没有按时发放"],
     ["可向乡镇政府申请说明理由，对决定不服可申请行政复议", "建议向有关部门了解补偿标准和发放情况"]),
    ("刑事", ["家里人被拘留了怎么请律师", "被人诈骗了两万元如何报案"],
     ["可委托律师或申请法律援助", "应及时向公安机关报案并保存转账记录"]),
    ("其他", ["村里的公开栏信息多久更新一次", "如何申请法律援助"],
     ["三务公开按月、季度公开，可向村委会查询", "经济困难可向县法律援助中心申请"]),
]
TOPIC_WEIGHTS = [20, 8, 10, 12, 12, 10, 7, 5, 5, 3, 2, 6]


def person_name(rng: random.Random) -> str:
    s = rng.choice(SURNAMES)
    r = rng.random()
    if r < 0.30:
        return s + rng.choice(GIVEN)  # two characters, e.g. 王芳
    if r < 0.65:
        return s + rng.choice(GIVEN_PAIRS)
    return s + rng.choice(GIVEN) + rng.choice(GIVEN)


def phone(rng: random.Random) -> str | None:
    r = rng.random()
    if r < 0.10:
        return None
    if r < 0.15:
        return "0531-8" + "".join(rng.choice("0123456789") for _ in range(6))  # a landline
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def consultation(rng: random.Random, when: datetime) -> dict:
    category, questions, answers = rng.choices(TOPICS, weights=TOPIC_WEIGHTS)[0]
    village = rng.choice(VILLAGES)
    anonymous = rng.random() < 0.05
    question = rng.choice(questions)
    if rng.random() < 0.5:
        question += f"，事情发生在{rng.randint(1, 12)}月，涉及金额约{rng.randint(1, 200) * 500}元"
    return {
        "occurred_at": when,
        "channel": rng.choice(CHANNELS),
        "anonymous": anonymous,
        "consultant_name": None if anonymous else person_name(rng),
        "gender": rng.choice(["男", "女"]),
        "age_band": rng.choice(AGE_BANDS),
        "phone": None if anonymous else phone(rng),
        "address": None if anonymous else f"{village}{rng.randint(1, 9)}组",  # an anonymous consultant gives none
        "special_groups": rng.choice([None] * 6 + ["老年人", "妇女", "农民工", "残疾人", "老年人,残疾人"]),
        "category": category,
        "summary": question,
        "answer": rng.choice(answers) if rng.random() < 0.9 else None,
        "answered_by": rng.choice(["张律师", "李律师", "王主任", "刘调解员"]),
        "referral": rng.choices(["无", "法律援助", "人民调解", "诉讼"], weights=[85, 5, 7, 3])[0],
    }


def records(n: int, seed: int = 2021):
    """N consultations, oldest first, spread over 2019-2023 in office hours."""
    rng = random.Random(seed)
    start = datetime(2019, 1, 2, 8, 30)
    span = (datetime(2023, 12, 29, 17, 0) - start).total_seconds()
    for i in range(n):
        when = start + timedelta(seconds=int(span * i / max(n, 1)))
        when = when.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 10, 15, 20, 30, 40, 45, 50)))
        yield consultation(rng, when)


def generate(home: Path, n: int, *, seed: int = 2021, batch: int = 1000, progress: bool = False) -> StationDB:
    """A fresh installation in `home` holding n consultations; returns it opened."""
    if home.exists():
        shutil.rmtree(home)
    db = init_installation(config.resolve(home), kind=StationKind.VILLAGE, code="S01", name="小苏庄村",
                           actor="bench")
    started = time.perf_counter()
    pending: list[dict] = []

    def flush() -> None:
        with db.write("bench", source="bench:gen_records") as w:
            for data in pending:
                add_consultation(w, validate_consultation(data))
        pending.clear()

    for i, data in enumerate(records(n, seed), 1):
        pending.append(data)
        if len(pending) >= batch:
            flush()
            if progress and i % (batch * 10) == 0:
                rate = i / (time.perf_counter() - started)
                print(f"  {i:>7} records  ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    if pending:
        flush()
    return db


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "store-100k")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    db = generate(args.out, args.n, seed=args.seed, batch=args.batch, progress=True)
    db.close()
    print(f"{args.n} consultations in {args.out} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
