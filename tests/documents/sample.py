"""A fully recorded mediation case (every field of the case file), used by the document tests and to render the
screenshots in docs/screenshots/."""

from __future__ import annotations

from station_app.services import mediation as md
from station_app.services import mediation_committee as mc
from station_app.services import mediation_file as mf

PRINTED_ON = "2021-07-20"


def committee(db) -> None:
    mc.set_committee(db, "admin", {"name": "小苏庄村人民调解委员会", "village_committee": "小苏庄村民委员会",
                                   "number_prefix": "小苏庄调字", "mediators": ["王建国|主任", "赵秀英|委员", "钱明|调解员"],
                                   "holidays": ["2021-04-03", "2021-04-04", "2021-04-05"]})


def settled_case(db) -> str:
    """张三 v. a company: written agreement with two instalments, performed, confirmed, followed up, archived."""
    committee(db)
    cid = md.open_case(db, "clerk", {
        "accepted_on": "2021-03-01", "source": "当事人申请", "dispute_type": "合同", "amount": "20000",
        "summary": "申请人张三向被申请人某某建材有限公司供应砂石，被申请人尚欠货款两万元未付，请求调解支付。",
        "mediators": ["王建国", "赵秀英"], "consent_on": "2021-03-01", "consent_note": "双方当事人签字同意调解",
        "registered_by": "钱明", "accepted_by": "王建国"}, [
        {"role": "申请人", "name": "张三", "gender": "男", "ethnicity": "汉族", "birth_date": "1970-05-06",
         "occupation": "个体运输户", "address": "某某县小王庄镇小苏庄村三组18号", "phone": "13812341234",
         "id_number": "11010519491231002X"},
        {"role": "被申请人", "name": "某某建材有限公司", "kind": "组织", "address": "某某县工业园区建设路1号",
         "legal_rep": "孙立", "phone": "13700002222"}]).first("mediation_cases")
    mf.add_agent(db, "clerk", cid, {"party": "某某建材有限公司", "name": "李明", "authority": "特别授权：代为参加调解、签署调解协议",
                                    "phone": "13900001111", "id_number": "11010519491231002X"})
    mf.give_rights_notice(db, "clerk", cid, {"rights_notice_on": "2021-03-01", "rights_notice_to": "张三、某某建材有限公司（李明）"})
    mf.add_investigation(db, "clerk", cid, {
        "held_at": "2021-03-02 09:30", "place": "某某建材有限公司办公室", "investigators": ["王建国", "赵秀英"],
        "recorder": "钱明", "subject": "孙立", "subject_details": "男，公司法定代表人",
        "present": "李明（公司委托代理人）",
        "content": "问：公司是否收到张三供应的砂石？\n答：收到了，共计四车。\n问：货款是否结清？\n答：尚欠两万元，因资金周转困难未付。"})
    md.add_session(db, "clerk", cid, {
        "held_at": "2021-03-05 14:00", "place": "小苏庄村人民调解室", "record": "第一次调解，双方达成分期付款协议。",
        "parties_present": ["张三", "李明（某某建材有限公司委托代理人）"], "invited": ["刘会计（村会计，核对账目）"],
        "recorder": "钱明", "statements": "张三：砂石已送到，要求一次付清两万元。\n李明：公司资金紧张，同意分两期支付。",
        "process": "调解员核对送货单和对账单，释明合同法律规定，引导双方协商。",
        "result": "双方同意分两期支付货款，签订书面调解协议。"})
    md.close_case(db, "clerk", cid, {
        "outcome": "调解成功", "closed_on": "2021-03-06",
        "facts": "2020年10月，张三向某某建材有限公司供应砂石四车，货款共计五万元，公司已付三万元，尚欠两万元。",
        "matters": "欠付货款的数额和支付期限。", "responsibility": "某某建材有限公司未按约付款，应承担支付货款的责任；张三无过错。",
        "agreement_terms": "某某建材有限公司分两期向张三支付所欠货款共计人民币两万元，张三不再主张逾期利息。",
        "obligations": [
            {"obligor": "某某建材有限公司", "obligee": "张三", "content": "支付第一期货款", "method": "银行转账",
             "due_on": "2021-03-31", "amount": "10000"},
            {"obligor": "某某建材有限公司", "obligee": "张三", "content": "支付第二期货款", "method": "银行转账",
             "due_on": "2021-06-30", "amount": "10000"}]})
    mf.record_performance(db, "clerk", cid, {"obligation": 1, "performed_on": "2021-03-30", "amount": "10000",
                                             "complete": True, "note": "银行转账回单"})
    mf.record_performance(db, "clerk", cid, {"obligation": 2, "performed_on": "2021-06-28", "amount": "10000",
                                             "complete": True, "note": "银行转账回单"})
    mf.record_confirmation(db, "clerk", cid, {"confirmation_applied_on": "2021-03-20", "confirmed_on": "2021-03-26",
                                              "confirmation_court": "某某县人民法院"})
    md.add_followup(db, "clerk", cid, {"visited_on": "2021-07-05", "visitor": "赵秀英", "method": "上门",
                                       "person_visited": "张三", "performance": "两期货款均已按期付清",
                                       "satisfaction": "满意", "sued": "否", "escalation_risk": "无", "measures": "无需"})
    md.set_document(db, "clerk", cid, "当事人身份证明", note="身份证复印件、营业执照复印件")
    md.set_document(db, "clerk", cid, "证据材料", note="送货单4张、对账单1份")
    md.archive_case(db, "clerk", cid, "2021-07-10", {"retention_period": "长期", "filed_by": "钱明", "checked_by": "王建国",
                                                     "file_note": "本卷材料齐全，履行凭证附后。"})
    return cid


def failed_case(db) -> str:
    cid = md.open_case(db, "clerk", {
        "accepted_on": "2021-04-10", "source": "公安机关移交", "transferring_body": "某某县公安局小王庄派出所",
        "dispute_type": "邻里", "summary": "两户因宅基地滴水问题发生争执", "mediators": ["钱明"]},
        [{"role": "当事人", "name": "周五", "gender": "男"}, {"role": "当事人", "name": "吴六", "gender": "女"}]
    ).first("mediation_cases")
    md.add_session(db, "clerk", cid, {"held_at": "2021-04-12 09:00", "record": "双方各执己见", "recorder": "赵秀英"})
    md.close_case(db, "clerk", cid, {"outcome": "调解不成", "closed_on": "2021-04-20",
                                     "termination_reason": "一方要求终止调解", "failure_reason": "吴六要求终止调解，拟向法院起诉"})
    return cid


def refused_case(db) -> str:
    cid = md.open_case(db, "clerk", {"accepted_on": "2021-05-06", "source": "当事人申请", "dispute_type": "婚姻家庭",
                                     "summary": "离婚财产分割"},
                       [{"role": "申请人", "name": "郑七"}, {"role": "被申请人", "name": "王八"}]).first("mediation_cases")
    md.refuse_case(db, "clerk", cid, {"closed_on": "2021-05-07", "reason": "被申请人王八明确拒绝调解"})
    return cid
