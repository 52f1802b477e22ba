"""`mediation print`: every document kind for a fully recorded case, checked the way a person would (pdftotext
content, pdffonts embedding), plus the access log and the refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from station_app import config
from station_app.core.errors import StateError, ValidationError
from station_app.documents.mediation import KINDS, print_document
from station_app.services.base import StationDB
from station_app.store.models import AccessLog
from tests.documents import sample

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"),
                                reason="poppler-utils (pdftotext, pdffonts) are needed to read the PDFs")
PRINTED = date(2021, 7, 20)


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())  # one line: table cells wrap, words must still be findable


def _fonts(pdf: Path) -> list[tuple[str, str]]:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [(ln.split()[0], ln.split()[-5]) for ln in lines]


@pytest.fixture
def cases(station):
    return {"settled": sample.settled_case(station), "failed": sample.failed_case(station),
            "refused": sample.refused_case(station)}


def _print(db, case, kind, tmp_path) -> tuple[Path, str]:
    out = tmp_path / f"{kind}.pdf"
    r = print_document(db, "clerk", case, kind, out, printed_on=PRINTED)
    assert r["pages"] >= 1 and out.stat().st_size == r["bytes"]
    fonts = _fonts(out)
    assert fonts and all(emb == "yes" for _name, emb in fonts), fonts
    text = _text(out)
    assert "打印日期：2021-07-20" in text and "第1页" in text and "小苏庄村人民调解委员会" in text
    return out, text


def test_agreement_holds_what_29_requires(station, cases, tmp_path):
    _, t = _print(station, cases["settled"], "agreement", tmp_path)
    assert "人民调解协议书" in t and "〔2021〕小苏庄调字第1号" in t
    # (1) the parties' basic details, with the agent
    for s in ("张三", "汉族", "1970年5月6日", "个体运输户", "11010519491231002X", "13812341234",
              "某某建材有限公司", "孙立", "李明", "特别授权"):
        assert s in t, s
    # (2) facts, matters in dispute, each side's responsibility
    assert "供应砂石四车" in t and "欠付货款的数额和支付期限" in t and "未按约付款，应承担支付货款的责任" in t
    # (3) each obligation with how and by when
    assert t.count("支付第一期货款") == 1 and "2021年3月31日" in t and "2021年6月30日" in t and "银行转账" in t
    assert "10,000.00" in t and "金额（元）" in t
    assert "本协议一式3份，当事人各执一份，调委会留存一份" in t
    # §33 with the date moved past the Qingming holidays (2021-04-05 is on the committee's holiday list)
    assert "即于2021年4月6日前" in t and "第三十一条" in t and "第三十二条" in t
    assert "按指印" in t and "印章位置" in t and "共2页" in t


def test_every_other_kind(station, cases, tmp_path):
    settled, failed, refused = cases["settled"], cases["failed"], cases["refused"]
    _, t = _print(station, settled, "application", tmp_path)
    assert "人民调解申请书" in t and "申请人 张三" in t and "个人信息告知" in t
    _, t = _print(station, settled, "registration", tmp_path)
    assert "当事人申请" in t and "双方当事人签字同意调解" in t and "钱明" in t and "同意受理" in t
    _, t = _print(station, settled, "rights-notice", tmp_path)
    assert "选择或者接受人民调解员" in t and "如实陈述纠纷事实" in t and "不收取任何费用" in t
    assert "不妨碍当事人依法通过仲裁、行政、司法等途径" in t and "个人信息保护法" in t
    _, t = _print(station, settled, "investigation", tmp_path)
    assert "被调查人 孙立" in t and "尚欠两万元" in t and "某某建材有限公司办公室" in t
    _, t = _print(station, settled, "session", tmp_path)
    assert "刘会计" in t and "记录人 钱明" in t and "同意分两期支付" in t and "调解员 赵秀英" in t
    _, t = _print(station, failed, "termination", tmp_path)
    assert "一方要求终止调解" in t and "第二十六条" in t and "仲裁、行政、司法" in t and "2021年4月20日" in t
    assert "某某县公安局小王庄派出所" not in t  # not on this notice; on the registration
    _, t = _print(station, failed, "registration", tmp_path)
    assert "公安机关移交（某某县公安局小王庄派出所）" in t
    _, t = _print(station, refused, "refusal", tmp_path)
    assert "明确拒绝调解" in t and "不予受理" in t and "仲裁、行政、司法" in t
    _, t = _print(station, settled, "followup", tmp_path)
    assert "上门" in t and "两期货款均已按期付清" in t and "被回访人 张三" in t
    _, t = _print(station, settled, "cover", tmp_path)
    assert "卷内目录" in t and "备考表" in t and "长期" in t and "立卷人" in t and "检查人" in t
    assert "张三与某某建材有限公司合同纠纷" in t and "本卷页数 共13页" in t


def test_the_whole_file_in_the_fixed_order_with_page_numbers(station, cases, tmp_path):
    out, t = _print(station, cases["settled"], "file", tmp_path)
    order = ["人民调解卷宗", "卷内目录", "人民调解申请书", "人民调解受理登记表", "当事人权利义务告知书",
             "人民调解调查记录", "人民调解记录", "人民调解协议书", "协议履行情况记录", "司法确认情况",
             "人民调解回访记录", "备考表"]
    index = t.index("卷内目录")
    body = t[t.index("备考表", index) + 3:]  # after the index's last row
    positions = [body.find(name) for name in order[2:]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), list(zip(order[2:], positions))
    assert "共13页" in t and "第13页 共13页" in t
    # The index gives the page each printed material starts on.
    assert "人民调解协议书 8" in t and "备考表 13" in t


def test_refusals_and_the_access_log(station, cases, tmp_path):
    with pytest.raises(StateError):
        print_document(station, "clerk", cases["failed"], "agreement", tmp_path / "a.pdf")
    with pytest.raises(StateError):
        print_document(station, "clerk", cases["settled"], "termination", tmp_path / "t.pdf")
    with pytest.raises(ValidationError):
        print_document(station, "clerk", cases["settled"], "letter", tmp_path / "x.pdf")
    with pytest.raises(ValidationError):
        print_document(station, "clerk", cases["settled"], "agreement", tmp_path / "x.txt")
    assert not list(tmp_path.glob("*.pdf"))
    print_document(station, "clerk", cases["settled"], "agreement", tmp_path / "a.pdf")
    with station.read() as s:
        logged = s.execute(select(AccessLog).where(AccessLog.action == "print")).scalars().all()
    assert [(a.actor, a.record_id, a.detail) for a in logged] == [("clerk", cases["settled"], "agreement -> a.pdf")]


def test_cli_print_and_exit_codes(cli, tmp_path):
    d = tmp_path / "S01"
    assert cli("init", "station", "--code", "S01", "--name", "小苏庄村", data_dir=d).returncode == 0
    with StationDB.open(config.resolve(d)) as db:
        cid = sample.settled_case(db)
    proc = cli("mediation", "print", "S01-2021-001", "--doc", "agreement", "--out", str(tmp_path / "协议书.pdf"),
               "--json", data_dir=d)
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["case_id"] == cid and r["pages"] == 2 and "〔2021〕小苏庄调字第1号" in _text(tmp_path / "协议书.pdf")
    bad = cli("mediation", "print", "S01-2021-001", "--doc", "termination", "--out", str(tmp_path / "t.pdf"), data_dir=d)
    assert bad.returncode == 2 and "调解不成" in bad.stderr and "Traceback" not in bad.stderr


def test_records_from_the_previous_version_print_with_empty_fields_marked(tmp_path):
    release = Path(__file__).parent.parent / "fixtures" / "v0.1.0"
    home = tmp_path / "s01"
    shutil.copytree(release / "s01", home)
    for key in (home / "keys").glob("*.key"):
        key.chmod(0o600)
    with StationDB.open(config.resolve(home)) as db:
        _, t = _print(db, "S01-2021-002", "agreement", tmp_path)
        assert "（未记录）" in t and "小苏庄村人民调解委员会" in t
        _, t = _print(db, "S01-2021-003", "termination", tmp_path)
        assert "未能达成协议" in t and "双方分歧大" in t


def test_an_oral_agreement_is_printed_in_full_in_the_session_record(station, tmp_path):
    from station_app.services import mediation as md

    cid = md.open_case(station, "m", {"accepted_on": "2021-03-01", "source": "当事人申请", "dispute_type": "邻里",
                                      "summary": "滴水纠纷"}, [{"role": "申请人", "name": "甲"}, {"role": "被申请人", "name": "乙"}]
                       ).first("mediation_cases")
    md.add_session(station, "m", cid, {"held_at": "2021-03-02 09:00", "record": "当场调解"})
    md.close_case(station, "m", cid, {"outcome": "调解成功", "closed_on": "2021-03-02", "agreement_form": "口头",
                                      "agreement_terms": "乙于三日内加装接水槽"})
    _, t = _print(station, cid, "session", tmp_path)
    assert "当事人达成口头协议，内容如下：乙于三日内加装接水槽" in t
    with pytest.raises(StateError) as e:
        print_document(station, "m", cid, "agreement", tmp_path / "a.pdf")
    assert "口头" in str(e.value)
