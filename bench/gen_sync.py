"""Generate a station holding N consultations (with their history rows), fast, for the sync benchmark.

    .venv/bin/python bench/gen_sync.py --records 100000 --out bench/out/sync-station

Rows are written with SQLAlchemy Core in batches of 100 records per change counter (as a busy ledger import would
stamp them), with the same metadata the unit of work gives (origin, counter, times, actor, create history).
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

from sqlalchemy import insert, update  # noqa: E402

from station_app import config  # noqa: E402
from station_app.core.codes import Channel, ConsultationCategory, Referral, StationKind  # noqa: E402
from station_app.services.setup import init_installation  # noqa: E402
from station_app.store.models import Consultation, LocalState, RecordHistory, new_id, utcnow  # noqa: E402
from station_app.store.rowdata import json_value  # noqa: E402

QUESTIONS = ["离婚后孩子抚养费如何计算", "宅基地边界与邻居有争议", "借款到期对方不还怎么办", "工地拖欠工资如何讨要",
             "父母遗产如何分割", "土地承包合同到期后能否续包", "交通事故对方不赔偿", "村集体收益分配有异议"]
ANSWERS = ["依据民法典相关规定解答", "建议先行协商，协商不成可申请人民调解", "告知可申请法律援助", "建议收集证据后向法院起诉"]
META = {"id", "station_id", "counter", "created_at", "updated_at", "created_by", "updated_by", "deleted"}


def generate(root: Path, records: int, *, code: str = "S01", seed: int = 2021, per_counter: int = 100,
             after_init=None):
    rnd = random.Random(seed)
    db = init_installation(config.resolve(root), kind=StationKind.VILLAGE, code=code, name="小苏庄村", actor="bench")
    if after_init is not None:
        after_init(db)
    sid = db.station_id
    counter = db.counter()
    start = datetime(2021, 1, 4, 8, 30)
    now = utcnow()
    with db.raw_write() as s:
        for lo in range(0, records, per_counter):
            counter += 1
            cons, hist = [], []
            for i in range(lo, min(records, lo + per_counter)):
                row = {
                    "id": new_id(), "station_id": sid, "counter": counter, "created_at": now, "updated_at": now,
                    "created_by": "bench", "updated_by": "bench", "deleted": False,
                    "occurred_at": start + timedelta(minutes=rnd.randrange(0, 360 * 24 * 60)),
                    "channel": rnd.choice(Channel.values()), "anonymous": False,
                    "consultant_name": "王" + rnd.choice("伟芳娜敏静丽强磊"), "gender": rnd.choice("男女"),
                    "age_band": None, "phone": f"138{rnd.randrange(10**8):08d}", "address": "一组",
                    "special_groups": None, "category": rnd.choice(ConsultationCategory.values()),
                    "summary": f"{rnd.choice(QUESTIONS)}（第{i + 1}号）", "answer": rnd.choice(ANSWERS),
                    "answered_by": "王律师", "adviser_id": None, "duty_shift_id": None,
                    "referral": rnd.choice(Referral.values()), "follow_up_on": None,
                }
                cons.append(row)
                hist.append({
                    "id": new_id(), "station_id": sid, "counter": counter, "created_at": now, "updated_at": now,
                    "created_by": "bench", "updated_by": "bench", "deleted": False, "table_name": "consultations",
                    "record_id": row["id"], "action": "create", "source": "bench",
                    "changes": {k: [None, json_value(v)] for k, v in row.items() if k not in META and v is not None},
                })
            s.execute(insert(Consultation.__table__), cons)
            s.execute(insert(RecordHistory.__table__), hist)
        s.execute(update(LocalState).where(LocalState.id == 1).values(counter=counter))
    return db


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--out", default=str(ROOT / "out" / "sync-station"))
    a = ap.parse_args()
    d = generate(Path(a.out), a.records)
    print(d.paths.root, d.counter())
    d.close()
