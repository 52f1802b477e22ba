"""Every document kind a demo village's cases allow, printed from the demo's own records (made by the previous
version's fields only: what the new fields lack prints as 未记录)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import select

from station_app import config, demo
from station_app.documents.mediation import print_document
from station_app.services.setup import init_installation
from station_app.store.models import MediationCase, MediationSession

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def test_demo_village_cases_print(tmp_path):
    plan = next(p for p in demo.make_plans(2021, 2021)[1:] if p.failed and p.mediations >= 4)
    db = init_installation(config.resolve(tmp_path / plan.code), kind=plan.kind, code=plan.code, name=plan.name,
                           actor="setup")
    try:
        demo.record_year(db, plan, 2021, 2021)
        with db.read() as s:
            cases = s.execute(select(MediationCase)).scalars().all()
            investigated = set(s.execute(select(MediationSession.case_id).where(MediationSession.kind == "调查")).scalars())
        written = next(c for c in cases if c.outcome == "调解成功" and c.agreement_form == "书面")
        failed = next(c for c in cases if c.outcome == "调解不成")
        jobs = [(written.id, k) for k in ("registration", "rights-notice", "session", "agreement", "cover", "file")]
        jobs += [(failed.id, "termination")]
        if written.source == "当事人申请":
            jobs.append((written.id, "application"))
        if investigated:
            jobs.append((next(iter(investigated)), "investigation"))
        visited = [c for c in cases if c.stage in ("回访", "结案", "归档") and c.outcome == "调解成功"]
        for case_id, kind in jobs + [(c.id, "followup") for c in visited[:1]]:
            out = tmp_path / f"{kind}.pdf"
            print_document(db, "clerk", case_id, kind, out)
            text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
            assert f"{plan.name}人民调解委员会" in text and "打印日期" in text, kind
        agreement = subprocess.run(["pdftotext", str(tmp_path / "agreement.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout
        assert written.agreement_no in agreement and "一式3份" in agreement and "（未记录）" in agreement
    finally:
        db.close()
