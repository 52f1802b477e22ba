"""人民调解 documents: what `station-app mediation print CASE --doc KIND` writes (content per
shared/domain/documents.md). Each builder takes the case file as `case_details(..., reveal=True)` returns it:
documents are handed to parties and filed, so they carry full personal data, and every print is logged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from station_app.core.codes import AgreementForm, CaseDocument, CaseSource, MediationOutcome, PartyKind, PartyRole
from station_app.core.errors import StateError, ValidationError
from station_app.core.i18n import _
from station_app.documents.kinds import KINDS
from station_app.documents.pdf import (
    BODY,
    BODY_W,
    LETTER,
    EMPTY,
    HEADING,
    SMALL,
    Frame,
    PageBreak,
    PageMark,
    SealPlace,
    Spacer,
    doc_head,
    fields,
    grid,
    markup,
    mm,
    para,
    render,
    signatures,
    text,
)


ROUTES = ("当事人可以依法通过仲裁、行政、司法等途径维护自己的权利。")
PIPL_NOTICE = ("个人信息告知：本委员会收集当事人的姓名、性别、民族、出生日期、职业、住址、联系方式及必要时的身份证号码，"
               "仅用于本纠纷的受理、调解、回访和立卷归档（《中华人民共和国个人信息保护法》第十七条），"
               "随卷宗按保管期限保存，不用于其他目的，不向无关人员提供。")


def _d(value: Any) -> str:
    """An ISO date as 2021年3月5日; empty as 未记录."""
    if not value:
        return EMPTY
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def _dt(value: Any) -> str:
    if not value:
        return EMPTY
    s = str(value)
    day = _d(s[:10])
    return f"{day} {s[11:16]}" if len(s) > 10 else day


def _yuan(fen: int | None) -> str:
    return EMPTY if fen is None else f"{fen / 100:,.2f}元"


def _people(d: dict, *roles: str) -> list[dict]:
    return [p for p in d["parties"] if not roles or p["role"] in roles]


def _party_label(p: dict) -> str:
    return p["role"] or "当事人"


def _person_rows(p: dict) -> list[tuple[str, Any]]:
    if p.get("kind") == PartyKind.ORGANISATION.value:
        return [("名称", p["name"]), ("住所", p["address"]), ("法定代表人", p.get("legal_rep")),
                ("联系电话", p["phone"])]
    return [("姓名", p["name"]), ("性别", p["gender"]), ("民族", p.get("ethnicity")),
            ("出生日期", _d(p.get("birth_date")) if p.get("birth_date") else None),
            ("职业/单位", p.get("occupation")), ("联系电话", p["phone"]), ("住址", p["address"]),
            ("身份证号码", p["id_number"])]


def _parties_block(d: dict, parties: list[dict] | None = None) -> list:
    """Each party's basic details, with its agents."""
    out: list = []
    for p in parties if parties is not None else d["parties"]:
        out.append(markup(f"{text(_party_label(p))}：", HEADING))
        out.append(fields(_person_rows(p), label_w=30 * mm, pairs=True))
        for a in [a for a in d["agents"] if a["party_id"] == p["id"]]:
            out.append(Spacer(1, 1.5 * mm))
            out.append(fields([(a["kind"], a["name"]), ("代理权限", a["authority"]), ("联系电话", a["phone"]),
                               ("身份证号码", a["id_number"])], label_w=30 * mm, pairs=True))
    return out


def _case_title(d: dict) -> str:
    """「甲与乙××纠纷」."""
    names = [p["name"] for p in d["parties"]]
    first = [p["name"] for p in d["parties"] if p["role"] in (PartyRole.APPLICANT.value, PartyRole.PARTY.value)][:1]
    rest = [n for n in names if n not in first]
    who = "与".join(["、".join(first or names[:1]), "、".join(rest or names[1:])]).strip("与")
    return f"{who}{d['dispute_type']}纠纷"


def _signers(d: dict) -> list[str]:
    return [f"{p['role']} {p['name']}" for p in d["parties"]]


def _mediators(d: dict) -> list[str]:
    return d.get("mediators") or ([d["mediator"]] if d.get("mediator") else [])


def _source_text(d: dict) -> str:
    body = d.get("transferring_body")
    if d["source"] in (CaseSource.POLICE.value, CaseSource.COURT.value, CaseSource.GOVERNMENT.value):
        return f"{d['source']}（{body or '移交单位' + EMPTY}）"
    return d["source"] + (f"（{body}）" if body else "")


# -- the documents ----------------------------------------------------------------------------------------------
def application(d: dict, body: str) -> list:
    out = doc_head(body, KINDS["application"][0], f"案号：{d['case_no']}")
    applicants = _people(d, PartyRole.APPLICANT.value) or _people(d, PartyRole.PARTY.value)
    others = [p for p in d["parties"] if p not in applicants]
    out += _parties_block(d, applicants)
    out += _parties_block(d, others)
    out.append(markup("纠纷事实及申请事项：", HEADING))
    out.append(fields([("纠纷类型", d["dispute_type"]), ("纠纷事实", d.get("facts") or d["summary"]),
                       ("申请事项", d["summary"]), ("涉及金额", _yuan(d["amount_fen"]))], label_w=28 * mm))
    out.append(Spacer(1, 3 * mm))
    out.append(para(f"申请人自愿申请{body}对上述纠纷进行调解。人民调解不收取任何费用。", BODY))
    out.append(para(PIPL_NOTICE, SMALL))
    out.append(Spacer(1, 3 * mm))
    out.append(signatures([f"申请人 {p['name']}" for p in applicants]))
    return out


def registration(d: dict, body: str) -> list:
    out = doc_head(body, KINDS["registration"][0], f"编号：{d['case_no']}")
    party_text = "\n".join(
        f"{p['role']}：{p['name']}" + (f"（{p['gender']}）" if p.get("gender") else "")
        + (f"，{p['address']}" if p.get("address") else "") + (f"，{p['phone']}" if p.get("phone") else "")
        for p in d["parties"])
    refused = d["outcome"] == MediationOutcome.REFUSED.value
    opinion = (f"不予受理。原因：{d['failure_reason']}" if refused
               else f"同意受理，由{'、'.join(_mediators(d)) or EMPTY}主持调解。")
    consent = (f"{_d(d['consent_on'])} {d.get('consent_note') or ''}".strip() if d.get("consent_on")
               else d.get("consent_note"))
    out.append(fields([("受理日期", _d(d["accepted_on"])), ("案件来源", _source_text(d)),
                       ("纠纷类型", d["dispute_type"]), ("涉及金额", _yuan(d["amount_fen"])),
                       ("当事人", party_text), ("纠纷简要情况", d["summary"]),
                       ("当事人同意调解", consent), ("登记人", d.get("registered_by")),
                       ("受理人", d.get("accepted_by")), ("调委会意见", opinion)], label_w=32 * mm))
    out.append(Spacer(1, 2 * mm))
    out.append(para("当事人自愿接受人民调解委员会调解（人民调解法第十七条），请在下方签名或按指印。", BODY))
    out.append(para(PIPL_NOTICE, SMALL))
    out.append(signatures(_signers(d)))
    return out


RIGHTS = [
    "选择或者接受人民调解员；",
    "接受调解、拒绝调解或者要求终止调解；",
    "要求调解公开进行或者不公开进行；",
    "自主表达意愿、自愿达成调解协议。",
]
DUTIES = [
    "如实陈述纠纷事实；",
    "遵守调解现场秩序，尊重人民调解员；",
    "尊重对方当事人行使权利。",
]


def rights_notice(d: dict, body: str) -> list:
    out = doc_head(body, KINDS["rights-notice"][0], f"案号：{d['case_no']}")
    out.append(para("为保障当事人在人民调解活动中的合法权益，根据《中华人民共和国人民调解法》，现将当事人的权利和义务告知如下："))
    out.append(markup("一、当事人在人民调解活动中享有下列权利（第二十三条）：", HEADING))
    out += [para(f"（{n}）{r}") for n, r in zip("一二三四", RIGHTS)]
    out.append(markup("二、当事人在人民调解活动中履行下列义务（第二十四条）：", HEADING))
    out += [para(f"（{n}）{r}") for n, r in zip("一二三", DUTIES)]
    out.append(markup("三、其他事项：", HEADING))
    out.append(para("（一）人民调解委员会调解民间纠纷，不收取任何费用（第四条）。"))
    out.append(para("（二）人民调解遵循自愿、平等原则，不妨碍当事人依法通过仲裁、行政、司法等途径维护自己的权利（第三条）。"))
    out.append(para("（三）" + PIPL_NOTICE))
    out.append(Spacer(1, 2 * mm))
    out.append(para(f"告知日期：{_d(d.get('rights_notice_on'))}；告知对象：{d.get('rights_notice_to') or EMPTY}", BODY))
    out.append(para("以上告知内容本人已知悉。", BODY))
    out.append(signatures(_signers(d)))
    return out


def _investigations(d: dict) -> list[dict]:
    rows = [dict(x, _legacy=False) for x in d["investigations"]]
    # Before migration 0008 an investigation was a session of kind 调查: it is printed as one.
    rows += [{"held_at": s["held_at"], "place": s["place"], "investigators": s.get("mediators") or
              ([s["mediator"]] if s.get("mediator") else None), "recorder": s.get("recorder"), "subject": None,
              "subject_details": None, "present": None, "content": s["record"], "_legacy": True}
             for s in d["sessions"] if s["kind"] == "调查"]
    return sorted(rows, key=lambda x: x["held_at"])


def investigation(d: dict, body: str) -> list:
    records = _investigations(d)
    if not records:
        raise StateError(_("case {case_no} has no investigation record", case_no=d['case_no']))
    out: list = []
    for i, x in enumerate(records):
        if i:
            out.append(PageBreak())
        out += doc_head(body, KINDS["investigation"][0], f"案号：{d['case_no']}")
        out.append(fields([("调查时间", _dt(x["held_at"])), ("调查地点", x["place"]),
                           ("调查人", x["investigators"]), ("记录人", x["recorder"]),
                           ("被调查人", x["subject"]), ("基本情况", x["subject_details"]),
                           ("在场人", x["present"])], label_w=34 * mm, pairs=True))
        out.append(markup("调查内容：", HEADING))
        out.append(fields([("问答记录", x["content"])], label_w=24 * mm))
        out.append(signatures([f"被调查人 {x['subject'] or ''}".strip()]
                              + [f"调查人 {n}" for n in (x["investigators"] or ["　"])]
                              + [f"记录人 {x['recorder'] or ''}".strip()]))
    return out


def session(d: dict, body: str) -> list:
    records = [s for s in d["sessions"] if s["kind"] != "调查"]
    if not records:
        raise StateError(_("case {case_no} has no mediation record yet", case_no=d['case_no']))
    oral = d["outcome"] == MediationOutcome.SUCCESS.value and d.get("agreement_form") == AgreementForm.ORAL.value
    out: list = []
    for i, s in enumerate(records):
        if i:
            out.append(PageBreak())
        out += doc_head(body, KINDS["session"][0], f"案号：{d['case_no']}（第{i + 1}次）")
        mediators = s.get("mediators") or ([s["mediator"]] if s.get("mediator") else None)
        out.append(fields([("调解时间", _dt(s["held_at"])), ("调解地点", s["place"]),
                           ("调解员", mediators), ("记录人", s.get("recorder")),
                           ("到场当事人", s.get("parties_present")), ("邀请参加人员", s.get("invited"))],
                          label_w=30 * mm, pairs=True))
        result = s.get("result")
        if oral and i == len(records) - 1:
            # §28: an oral agreement is recorded in the 调解记录 in full.
            result = (result + "\n" if result else "") + f"当事人达成口头协议，内容如下：{d['agreement_terms']}"
        out.append(Spacer(1, 2 * mm))
        out.append(fields([("当事人陈述", s.get("statements")), ("调解过程", s.get("process")),
                           ("记录内容", s["record"]), ("调解结果", result)], label_w=30 * mm))
        out.append(signatures(_signers(d) + [f"调解员 {m}" for m in (mediators or ["　"])]
                              + [f"记录人 {s.get('recorder') or ''}".strip()]))
    return out


def _obligations(d: dict) -> list:
    rows = [[str(o["seq"]), o["obligor"], o["obligee"], o["content"], o["method"],
             _d(o["due_on"]) if o["due_on"] else "（未约定）", f"{o['amount_fen'] / 100:,.2f}" if o["amount_fen"] else "—"]
            for o in d["obligations"]]
    return [grid(["序号", "义务人", "权利人", "履行内容", "履行方式", "履行期限", "金额（元）"], rows,
                 [12 * mm, 28 * mm, 18 * mm, BODY_W - 136 * mm, 20 * mm, 34 * mm, 24 * mm])]


def agreement(d: dict, body: str) -> list:
    if d["outcome"] != MediationOutcome.SUCCESS.value or d.get("agreement_form") != AgreementForm.WRITTEN.value:
        raise StateError(_("case {case_no} has no written agreement (an oral one is in the session record: --doc session)", case_no=d['case_no']))
    out = doc_head(body, KINDS["agreement"][0], d.get("agreement_no") or f"编号{EMPTY}")
    out += _parties_block(d)
    out.append(markup("一、纠纷主要事实、争议事项及各方责任", HEADING))
    out.append(fields([("主要事实", d.get("facts") or d["summary"]), ("争议事项", d.get("matters")),
                       ("各方责任", d.get("responsibility"))], label_w=26 * mm))
    out.append(markup("二、经调解，当事人自愿达成如下协议", HEADING))
    out.append(para(d["agreement_terms"]))
    out.append(Spacer(1, 2 * mm))
    out += _obligations(d)
    out.append(markup("三、履行方式和期限", HEADING))
    out.append(para(f"履行方式：{d.get('performance_method') or '按上表各项约定'}；"
                    f"履行期限：{_d(d['performance_due_on']) if d.get('performance_due_on') else '按上表各项约定'}。"))
    copies = d.get("agreement_copies") or len(d["parties"]) + 1
    out.append(markup("四、其他事项", HEADING))
    out.append(para(f"1. 本协议一式{copies}份，当事人各执一份，调委会留存一份。"))
    out.append(para("2. 本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"))
    out.append(para("3. 经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行（人民调解法第三十一条）。"))
    out.append(para("4. 当事人之间就调解协议的履行或者调解协议的内容发生争议的，一方当事人可以向人民法院提起诉讼（第三十二条）。"))
    due = _d(d["deadlines"]["judicial_confirmation_due_on"])
    out.append(para(f"5. 双方当事人认为有必要的，可以自调解协议生效之日起三十日内，即于{due}前，"
                    "共同向人民法院申请司法确认（第三十三条）。"))
    out.append(Spacer(1, 3 * mm))
    out.append(signatures(_signers(d) + [f"人民调解员 {m}" for m in (_mediators(d) or ["　"])]))
    out.append(SealPlace(body))
    return out


def termination(d: dict, body: str) -> list:
    if d["outcome"] != MediationOutcome.FAILURE.value:
        raise StateError(_("case {case_no} was not closed as 调解不成 (terminated)", case_no=d['case_no']))
    out = doc_head(body, KINDS["termination"][0], f"案号：{d['case_no']}")
    names = "、".join(p["name"] for p in d["parties"])
    out.append(para(f"{names}："))
    out.append(para(f"你们之间的{d['dispute_type']}纠纷（{_case_title(d)}），本委员会于{_d(d['accepted_on'])}受理，"
                    f"经调解，因{d.get('termination_reason') or EMPTY}（{d.get('failure_reason') or EMPTY}），"
                    f"依据《中华人民共和国人民调解法》第二十六条的规定，本委员会于{_d(d['closed_on'])}终止调解。", LETTER))
    out.append(para(ROUTES, LETTER))
    out.append(para("特此告知。", LETTER))
    out.append(Spacer(1, 4 * mm))
    out.append(signatures([f"人民调解员 {m}" for m in (_mediators(d) or ["　"])] + _signers(d)))
    out.append(SealPlace(body))
    return out


def refusal(d: dict, body: str) -> list:
    if d["outcome"] != MediationOutcome.REFUSED.value:
        raise StateError(_("case {case_no} was not refused at intake", case_no=d['case_no']))
    out = doc_head(body, KINDS["refusal"][0], f"案号：{d['case_no']}")
    names = "、".join(p["name"] for p in d["parties"])
    out.append(para(f"{names}："))
    out.append(para(f"{_case_title(d)}（{_d(d['accepted_on'])}登记），因{d.get('failure_reason') or EMPTY}，"
                    f"本委员会决定不予受理（人民调解法第十七条：当事人一方明确拒绝调解的，不得调解）。", LETTER))
    out.append(para(ROUTES, LETTER))
    out.append(para(f"告知日期：{_d(d['closed_on'])}", LETTER))
    out.append(Spacer(1, 4 * mm))
    out.append(signatures(["经办人"], fingerprint=False))
    out.append(SealPlace(body))
    return out


def followup(d: dict, body: str) -> list:
    if not d["followups"]:
        raise StateError(_("case {case_no} has no follow-up yet", case_no=d['case_no']))
    out: list = []
    for i, f in enumerate(d["followups"]):
        if i:
            out.append(PageBreak())
        out += doc_head(body, KINDS["followup"][0], f"案号：{d['case_no']}")
        out.append(fields([("回访日期", _d(f["visited_on"])), ("回访方式", f.get("method")),
                           ("被回访人", f.get("person_visited")), ("回访人", f["visitor"]),
                           ("协议履行情况", f["performance"]), ("当事人满意度", f["satisfaction"]),
                           ("是否起诉", "是" if f["sued"] else "否"), ("矛盾激化风险", f["escalation_risk"]),
                           ("采取的措施", f["measures"])], label_w=32 * mm))
        out.append(signatures([f"被回访人 {f.get('person_visited') or ''}".strip(), f"回访人 {f['visitor']}"]))
    return out


def _performance_page(d: dict, body: str) -> list:
    out = doc_head(body, "协议履行情况记录", f"案号：{d['case_no']}")
    rows = []
    for o in d["obligations"]:
        for p in o["performances"]:
            rows.append([str(o["seq"]), o["content"], _d(p["performed_on"]), _yuan(p["amount_fen"]),
                         "是" if p["complete"] else "否", p["note"]])
    out.append(grid(["义务序号", "履行内容", "履行日期", "金额", "履行完毕", "履行情况及凭证"], rows,
                    [18 * mm, BODY_W - 124 * mm, 30 * mm, 26 * mm, 18 * mm, 32 * mm]))
    return out


def _confirmation_page(d: dict, body: str) -> list:
    out = doc_head(body, "司法确认情况", f"案号：{d['case_no']}")
    out.append(fields([("协议书编号", d.get("agreement_no")), ("协议生效日期", _d(d.get("signed_on"))),
                       ("申请期限", _d(d["deadlines"]["judicial_confirmation_due_on"])),
                       ("申请日期", _d(d.get("confirmation_applied_on"))), ("受理法院", d.get("confirmation_court")),
                       ("确认日期", _d(d.get("confirmed_on")))], label_w=32 * mm))
    return out


# -- the case file ------------------------------------------------------------------------------------------------
def _file_parts(d: dict, body: str) -> list[tuple[str, str, Callable[[], list] | None, str]]:
    """(key, material name, builder or None for paper-only material, note) in the fixed order of the file."""
    present = {c["item"]: c for c in d["checklist"]}

    def note(item: CaseDocument) -> str:
        c = present.get(item.value)
        return "见纸质材料" + (f"（{c['note']}）" if c and c["note"] else "") if c and c["present"] else "缺"

    parts: list[tuple[str, str, Callable[[], list] | None, str]] = []
    if d["source"] == CaseSource.APPLICATION.value:
        parts.append(("application", "人民调解申请书", lambda: application(d, body), ""))
    parts.append(("registration", "人民调解受理登记表", lambda: registration(d, body), ""))
    refused = d["outcome"] == MediationOutcome.REFUSED.value
    if refused:
        parts.append(("refusal", "不予受理告知书", lambda: refusal(d, body), ""))
    else:
        parts.append(("rights-notice", "当事人权利义务告知书", lambda: rights_notice(d, body), ""))
    parts.append(("identity", "当事人身份证明", None, note(CaseDocument.IDENTITY)))
    if d["agents"] or present.get(CaseDocument.POWER_OF_ATTORNEY.value, {}).get("present"):
        parts.append(("attorney", "授权委托书", None, note(CaseDocument.POWER_OF_ATTORNEY)))
    if _investigations(d):
        parts.append(("investigation", "人民调解调查记录", lambda: investigation(d, body), ""))
    if present.get(CaseDocument.EVIDENCE.value, {}).get("present"):
        parts.append(("evidence", "证据材料", None, note(CaseDocument.EVIDENCE)))
    if any(s["kind"] != "调查" for s in d["sessions"]):
        parts.append(("session", "人民调解记录", lambda: session(d, body), ""))
    if d["outcome"] == MediationOutcome.SUCCESS.value and d.get("agreement_form") == AgreementForm.WRITTEN.value:
        parts.append(("agreement", "人民调解协议书", lambda: agreement(d, body), ""))
    if d["outcome"] == MediationOutcome.FAILURE.value:
        parts.append(("termination", "终止调解告知书", lambda: termination(d, body), ""))
    if any(o["performances"] for o in d["obligations"]):
        parts.append(("performance", "履行凭证（履行情况记录）", lambda: _performance_page(d, body),
                      note(CaseDocument.PERFORMANCE_PROOF)))
    if d.get("confirmation_applied_on") or d.get("confirmed_on"):
        parts.append(("confirmation", "司法确认材料", lambda: _confirmation_page(d, body), ""))
    if d["followups"]:
        parts.append(("followup", "人民调解回访记录", lambda: followup(d, body), ""))
    if present.get(CaseDocument.FILE_NOTE.value, {}).get("present"):
        parts.append(("note", "卷宗情况说明", None, note(CaseDocument.FILE_NOTE)))
    return parts


def _cover(d: dict, body: str, total_pages: int | None) -> list:
    out = [Spacer(1, 20 * mm)] + doc_head(body, "人民调解卷宗", None)
    out.append(Spacer(1, 12 * mm))
    result = d["outcome"] + (f"（{d['termination_reason']}）" if d.get("termination_reason") else "")
    out.append(fields([("案号", d["case_no"]), ("案由", _case_title(d)), ("纠纷类型", d["dispute_type"]),
                       ("受理日期", _d(d["accepted_on"])), ("结案日期", _d(d.get("closed_on"))),
                       ("归档日期", _d(d.get("archived_on"))), ("调解结果", result),
                       ("调解员", _mediators(d)), ("立卷人", d.get("filed_by")),
                       ("保管期限", d.get("retention_period")),
                       ("本卷页数", f"共{total_pages}页" if total_pages else EMPTY)], label_w=34 * mm))
    return out


def _index(d: dict, body: str, parts, pages: dict) -> list:
    out = doc_head(body, "卷内目录", f"案号：{d['case_no']}")
    rows = []
    for n, (key, name, build, note) in enumerate(parts, start=1):
        first = pages.get(key)
        rows.append([str(n), name, str(first) if first and build else "—", note or ""])
    rows.append([str(len(parts) + 1), "备考表", str(pages.get("remarks", "")) or "—", ""])
    out.append(grid(["序号", "材料名称", "页次", "备注"], rows, [16 * mm, BODY_W - 86 * mm, 20 * mm, 50 * mm]))
    return out


def _remarks(d: dict, body: str) -> list:
    out = doc_head(body, "备考表", f"案号：{d['case_no']}")
    missing = "、".join(c["label"] for c in d["checklist"] if c["required"] and not c["present"])
    note = d.get("file_note") or ""
    if missing:
        note = (note + "\n" if note else "") + f"缺少必备材料：{missing}"
    out.append(fields([("说明", note or "本卷材料齐全。"), ("立卷人", d.get("filed_by")), ("检查人", d.get("checked_by")),
                       ("立卷日期", _d(d.get("archived_on")))], label_w=26 * mm))
    out.append(signatures(["立卷人", "检查人"], fingerprint=False))
    return out


def _whole_file(d: dict, body: str, pages: dict, total: int | None, *, cover_only: bool = False) -> list:
    parts = _file_parts(d, body)
    story: list = [PageMark(d["case_no"], "cover", pages)] + _cover(d, body, total)
    story += [PageBreak(), PageMark(d["case_no"], "index", pages)] + _index(d, body, parts, pages)
    if not cover_only:
        for key, _name, build, _note in parts:
            if build is None:
                continue
            number = d.get("agreement_no") if key == "agreement" and d.get("agreement_no") else d["case_no"]
            story += [PageBreak(), PageMark(number, key, pages)] + build()
    story += [PageBreak(), PageMark(d["case_no"], "remarks", pages)] + _remarks(d, body)
    return story


BUILDERS: dict[str, Callable[[dict, str], list]] = {
    "application": application, "registration": registration, "rights-notice": rights_notice,
    "investigation": investigation, "session": session, "agreement": agreement, "termination": termination,
    "refusal": refusal, "followup": followup,
}


def build_pdf(d: dict, kind: str, *, printed_on: date | None = None) -> bytes:
    """The PDF of one document kind for the case file `d` (from case_details(..., reveal=True))."""
    if kind not in KINDS:
        raise ValidationError.single("--doc", _("'{kind}' is not a document kind (one of: {kinds})",
                                                     kind=kind, kinds=_(", ").join(KINDS)))
    body = d["committee"]
    printed_on = printed_on or date.today()
    title = KINDS[kind][0]
    number = d.get("agreement_no") if kind == "agreement" and d.get("agreement_no") else d["case_no"]
    if kind in ("file", "cover"):
        # Two passes: the first finds the page each material starts on, the second prints the index with them.
        pages: dict = {}
        first = render(_whole_file(d, body, pages, None), Frame(body, printed_on, title, d["case_no"]))
        total = _page_count(first)
        final: dict = {}
        story = _whole_file(d, body, dict(pages), total, cover_only=kind == "cover")
        for flowable in story:
            if isinstance(flowable, PageMark):
                flowable.pages = final
        return render(story, Frame(body, printed_on, title, d["case_no"]))
    return render(BUILDERS[kind](d, body), Frame(body, printed_on, f"{title} {number}", number))


def _page_count(pdf: bytes) -> int:
    import re

    m = re.search(rb"/Type /Pages[^>]*?/Count (\d+)", pdf) or re.search(rb"/Count (\d+)", pdf)
    return int(m.group(1)) if m else 0


def print_document(db, actor: str, case_ref: str, kind: str, out: str | Path, *,
                   printed_on: date | None = None) -> dict[str, Any]:
    """Write one document of a case as a PDF (atomically) and log the print (it holds full personal data)."""
    from station_app.services import mediation as md
    from station_app.services.audit import log_access
    from station_app.store.atomic import write_atomic

    path = Path(out)
    if path.suffix.lower() != ".pdf":
        raise ValidationError.single("--out", _("the output file must end in .pdf: {path}", path=path))
    if not path.parent.is_dir():
        raise ValidationError.single("--out", _("no such folder: {parent}", parent=path.parent))
    d = md.case_details(db, case_ref, reveal=True)
    data = build_pdf(d, kind, printed_on=printed_on)
    write_atomic(path, data)
    log_access(db, actor, "print", "mediation_cases", d["id"], detail=f"{kind} -> {path.name}")
    return {"case_id": d["id"], "case_no": d["case_no"], "doc": kind, "out": str(path), "bytes": len(data),
            "pages": _page_count(data)}
