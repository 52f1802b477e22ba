"""The case-file commands end to end through the real CLI: committee, notice, agent, investigate, session with
participants, close with obligations, perform, confirm, extend, refuse, archive with file data, print."""

import json

import pytest


def _ok(proc):
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if proc.stdout.strip().startswith(("{", "[")) else proc.stdout


@pytest.mark.slow  # ~20 subprocess runs of the real CLI
def test_case_file_commands(cli, tmp_path):
    d = tmp_path / "S01"
    _ok(cli("init", "station", "--code", "S01", "--name", "小苏庄村", "--json", data_dir=d))

    def run(*args):
        return cli("mediation", *args, "--json", data_dir=d)

    c = _ok(run("committee", "--name", "小苏庄村人民调解委员会", "--prefix", "小苏庄调字", "--mediator", "王建国|主任",
                "--mediator", "赵秀英", "--holiday", "2021-04-05"))
    assert c["mediators"] == [{"name": "王建国", "title": "主任"}, {"name": "赵秀英"}] and c["holidays"] == ["2021-04-05"]
    opened = _ok(run("open", "--accepted-on", "2021-03-01", "--source", "审判机关委托", "--type", "合同",
                     "--summary", "货款纠纷", "--transferring-body", "某某县人民法院", "--mediator", "王建国",
                     "--mediator", "赵秀英", "--consent-on", "2021-03-01", "--consent", "双方签字同意",
                     "--party", "当事人|张三|男||13812341234|小苏庄村|汉族|1970-05-06|农民",
                     "--org", "当事人|某某建材有限公司|工业园1号|孙立"))
    no = opened["case_no"]
    bad = run("open", "--accepted-on", "2021-03-01", "--source", "当事人申请", "--type", "合同", "--summary", "x",
              "--mediator", "路人甲", "--party", "申请人|甲", "--party", "被申请人|乙")
    assert bad.returncode == 2 and "名册" in bad.stderr
    _ok(run("notice", no, "--on", "2021-03-01", "--to", "双方当事人"))
    _ok(run("agent", no, "--party", "某某建材有限公司", "--name", "李明", "--authority", "特别授权"))
    assert _ok(run("investigate", no, "--at", "2021-03-02 09:00", "--investigator", "王建国", "--subject", "孙立",
                   "--content", "问：欠款多少？答：两万元。"))["stage"] == "调查"
    _ok(run("session", no, "--at", "2021-03-05 09:00", "--record", "达成协议", "--present", "张三", "--present", "李明",
            "--invited", "刘会计", "--recorder", "赵秀英", "--result", "分两期付款"))
    closed = _ok(run("close", no, "--outcome", "调解成功", "--on", "2021-03-06", "--terms", "分两期支付两万元",
                     "--facts", "欠货款两万元", "--matters", "付款期限", "--responsibility", "公司应付款",
                     "--obligation", "某某建材有限公司|张三|支付第一期|转账|2021-03-31|10000",
                     "--obligation", "某某建材有限公司|张三|支付第二期|转账|2021-06-30|10000"))
    # 2021-04-05 is on the committee's holiday list: the deadline moves to Tuesday.
    assert closed["judicial_confirmation_due_on"] == "2021-04-06" and "2021-04-06" in closed["notice"]
    _ok(run("perform", no, "--obligation", "1", "--on", "2021-03-30", "--amount", "10000", "--complete"))
    _ok(run("confirm", no, "--applied-on", "2021-03-20", "--court", "某某县人民法院"))
    shown = _ok(run("show", no))
    assert shown["agreement_no"] == "〔2021〕小苏庄调字第1号" and len(shown["obligations"]) == 2
    assert shown["obligations"][0]["performances"][0]["complete"] is True
    text = cli("mediation", "show", no, data_dir=d).stdout
    assert "〔2021〕小苏庄调字第1号" in text and "【已履行】" in text and "某某县人民法院" in text

    other = _ok(run("open", "--accepted-on", "2021-03-01", "--source", "当事人申请", "--type", "邻里", "--summary", "x",
                    "--party", "申请人|甲", "--party", "被申请人|乙"))["case_no"]
    _ok(run("extend", other, "--on", "2021-03-25", "--until", "2021-04-20", "--consent", "双方同意"))
    refused = _ok(run("refuse", other, "--on", "2021-03-26", "--reason", "乙明确拒绝调解"))
    assert refused["outcome"] == "不予受理" and "仲裁" in refused["notice"]
    pdf = tmp_path / "refusal.pdf"
    printed = _ok(run("print", other, "--doc", "refusal", "--out", str(pdf)))
    assert printed["pages"] == 1 and pdf.read_bytes()[:5] == b"%PDF-"
