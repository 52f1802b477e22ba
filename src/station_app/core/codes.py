"""Code tables from the domain glossary.

Values are the Chinese terms themselves: they are what clerks type in ledgers, what the township's statistics are
keyed by (the `stats --json` contract) and what is stored in the database. Each table also carries an English label
for the English UI.
"""

from __future__ import annotations

from enum import StrEnum

from station_app.core.i18n import N_, language


class CodeTable(StrEnum):
    """A StrEnum whose members know their English label."""

    @classmethod
    def _labels_en(cls) -> dict[str, str]:
        return {}

    @property
    def label(self) -> str:
        if language() == "en":
            return self._labels_en().get(self.value, self.value)
        return self.value

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]

    @classmethod
    def parse(cls, text: str) -> "CodeTable":
        """Accept the Chinese value or the English label; raise ValueError otherwise."""
        t = text.strip()
        by_value, by_label = _lookup(cls)
        m = by_value.get(t) or by_label.get(t.lower())
        if m is None:
            raise ValueError(t)
        return m


#: Per code table: members by value, and by lower-cased English label (parse runs for every cell of a ledger).
_LOOKUPS: dict[type, tuple[dict[str, CodeTable], dict[str, CodeTable]]] = {}


def _lookup(cls) -> tuple[dict[str, CodeTable], dict[str, CodeTable]]:
    got = _LOOKUPS.get(cls)
    if got is None:
        labels = cls._labels_en()
        by_label: dict[str, CodeTable] = {}
        for m in cls:
            if m.value in labels:
                by_label.setdefault(labels[m.value].lower(), m)
        got = _LOOKUPS[cls] = ({m.value: m for m in cls}, by_label)
    return got


def _en(**pairs: str):
    return classmethod(lambda cls: pairs)


class StationKind(CodeTable):
    VILLAGE = "village"
    CENTRE = "centre"

    _labels_en = _en(village="village station", centre="township centre")

    @property
    def label(self) -> str:
        if language() == "en":
            return {"village": "village station", "centre": "township centre"}[self.value]
        return {"village": "村公共法律服务工作室", "centre": "镇公共法律服务中心"}[self.value]


class Role(CodeTable):
    DISPATCHER = "调度员"
    ADVISER = "法律顾问"
    MEDIATOR = "人民调解员"
    TOWNSHIP_STAFF = "镇工作人员"
    ADMIN = "管理员"

    _labels_en = _en(**{"调度员": "dispatcher", "法律顾问": "legal adviser", "人民调解员": "mediator",
                        "镇工作人员": "township staff", "管理员": "administrator"})


class Gender(CodeTable):
    MALE = "男"
    FEMALE = "女"
    UNKNOWN = "未说明"

    _labels_en = _en(**{"男": "male", "女": "female", "未说明": "not stated"})


class AgeBand(CodeTable):
    MINOR = "18岁以下"
    YOUNG = "18-35岁"
    MIDDLE = "36-59岁"
    ELDER = "60岁以上"
    UNKNOWN = "未说明"

    _labels_en = _en(**{"18岁以下": "under 18", "18-35岁": "18-35", "36-59岁": "36-59", "60岁以上": "60 and over",
                        "未说明": "not stated"})


class Channel(CodeTable):
    """咨询方式."""

    VISIT = "来访"
    PHONE = "电话"
    WECHAT = "微信"
    ONLINE = "网络"
    HOME_VISIT = "上门"
    LETTER = "信函"
    OUTREACH_SITE = "普法活动现场"

    _labels_en = _en(**{"来访": "walk-in", "电话": "phone", "微信": "WeChat", "网络": "online", "上门": "home visit",
                        "信函": "letter", "普法活动现场": "at an outreach event"})

    @classmethod
    def parse(cls, text: str) -> "Channel":
        # Ledgers abbreviate 普法活动现场 as 普法活动.
        if text.strip() == "普法活动":
            return cls.OUTREACH_SITE
        return super().parse(text)  # type: ignore[return-value]


class ConsultationCategory(CodeTable):
    MARRIAGE_FAMILY = "婚姻家庭"
    INHERITANCE = "继承"
    LAND_CONTRACT = "土地承包"
    HOMESTEAD = "宅基地"
    NEIGHBOURS = "相邻关系"
    EXPROPRIATION = "征地拆迁"
    LOAN_DEBT = "借贷/债务"
    CONTRACT = "合同"
    LABOUR = "劳动报酬/劳动争议"
    SOCIAL_SECURITY = "社会保障"
    COLLECTIVE_MEMBERS = "集体经济组织成员权益"
    PERSONAL_INJURY = "人身损害"
    TRAFFIC = "交通事故"
    CRIMINAL = "刑事"
    ADMINISTRATIVE = "行政"
    OTHER = "其他"

    _labels_en = _en(**{"婚姻家庭": "marriage and family", "继承": "inheritance", "土地承包": "land contracting",
                        "宅基地": "homestead", "相邻关系": "neighbour relations",
                        "征地拆迁": "expropriation and demolition", "借贷/债务": "loans and debts", "合同": "contracts",
                        "劳动报酬/劳动争议": "wages and labour disputes", "社会保障": "social security",
                        "集体经济组织成员权益": "collective economic organisation members' rights",
                        "人身损害": "personal injury",
                        "交通事故": "traffic accidents", "刑事": "criminal", "行政": "administrative", "其他": "other"})


class Referral(CodeTable):
    NONE = "无"
    LEGAL_AID = "法律援助"
    MEDIATION = "人民调解"
    LITIGATION = "诉讼"
    ARBITRATION = "仲裁"
    NOTARY = "公证"
    FORENSIC = "司法鉴定"
    PETITION = "信访"
    ADMINISTRATION = "行政部门"

    _labels_en = _en(**{"无": "none", "法律援助": "legal aid", "人民调解": "people's mediation", "诉讼": "litigation",
                        "仲裁": "arbitration", "公证": "notary", "司法鉴定": "forensic appraisal",
                        "信访": "letters and visits (信访)", "行政部门": "administrative department"})


class SpecialGroup(CodeTable):
    ELDERLY = "老年人"
    DISABLED = "残疾人"
    WOMEN = "妇女"
    MINORS = "未成年人"
    MIGRANT_WORKERS = "农民工"

    _labels_en = _en(**{"老年人": "elderly", "残疾人": "disabled", "妇女": "women", "未成年人": "minors",
                        "农民工": "migrant workers"})


class DisputeType(CodeTable):
    """The 15 dispute types of mediation statistics."""

    MARRIAGE_FAMILY = "婚姻家庭"
    NEIGHBOUR = "邻里"
    HOUSING_HOMESTEAD = "房屋宅基地"
    CONTRACT = "合同"
    BUSINESS = "生产经营"
    DAMAGES = "损害赔偿"
    FOREST_LAND = "山林土地"
    EXPROPRIATION = "征地拆迁"
    POLLUTION = "环境污染"
    LABOUR = "劳动争议"
    CONSUMER = "消费"
    MEDICAL = "医疗"
    ROAD_TRAFFIC = "道路交通事故"
    PROPERTY_MANAGEMENT = "物业"
    OTHER = "其他"

    _labels_en = _en(**{"婚姻家庭": "marriage and family", "邻里": "neighbours", "房屋宅基地": "housing and homestead",
                        "合同": "contracts", "生产经营": "business operations", "损害赔偿": "damages",
                        "山林土地": "forest and land", "征地拆迁": "expropriation and demolition",
                        "环境污染": "pollution", "劳动争议": "labour", "消费": "consumer", "医疗": "medical",
                        "道路交通事故": "road traffic accidents", "物业": "property management", "其他": "other"})


class CaseSource(CodeTable):
    APPLICATION = "当事人申请"
    OWN_INITIATIVE = "调委会主动调解"
    POLICE = "公安机关移交"
    COURT = "审判机关委托"
    GOVERNMENT = "政府部门指定"

    _labels_en = _en(**{"当事人申请": "parties' application", "调委会主动调解": "committee's own initiative",
                        "公安机关移交": "referred by police", "审判机关委托": "entrusted by a court",
                        "政府部门指定": "assigned by a government department"})


class MediationOutcome(CodeTable):
    """Outcome of a case, as counted in statistics; 调解中 while the case is open."""

    IN_PROGRESS = "调解中"
    SUCCESS = "调解成功"
    FAILURE = "调解不成"
    #: Refused at intake (e.g. one party refuses): not an accepted case, so not in the accepted figures.
    REFUSED = "不予受理"

    _labels_en = _en(**{"调解中": "in progress", "调解成功": "settled", "调解不成": "not settled",
                        "不予受理": "not accepted"})


class CaseStage(CodeTable):
    """Where a mediation case stands in its workflow."""

    ACCEPTED = "受理"
    INVESTIGATING = "调查"
    MEDIATING = "调解"
    PERFORMING = "履行"
    FOLLOWED_UP = "回访"
    CLOSED = "结案"
    ARCHIVED = "归档"

    _labels_en = _en(**{"受理": "accepted", "调查": "investigating", "调解": "mediating", "履行": "performing",
                        "回访": "followed up", "结案": "closed", "归档": "archived"})


class AgreementForm(CodeTable):
    WRITTEN = "书面"
    ORAL = "口头"

    _labels_en = _en(**{"书面": "written", "口头": "oral"})


class PartyRole(CodeTable):
    APPLICANT = "申请人"
    RESPONDENT = "被申请人"
    THIRD_PARTY = "第三人"
    #: A party of a case the committee took up or was handed (nobody applied).
    PARTY = "当事人"

    _labels_en = _en(**{"申请人": "applicant", "被申请人": "respondent", "第三人": "third party", "当事人": "party"})


class PartyKind(CodeTable):
    PERSON = "自然人"
    ORGANISATION = "组织"  # 法人或非法人组织

    _labels_en = _en(**{"自然人": "natural person", "组织": "organisation"})


class AgentKind(CodeTable):
    ENTRUSTED = "委托代理人"
    LEGAL = "法定代理人"

    _labels_en = _en(**{"委托代理人": "entrusted agent", "法定代理人": "legal representative (guardian)"})


class TerminationReason(CodeTable):
    """Why mediation ended without agreement (调解终止, 人民调解法 §26)."""

    WITHDRAWN = "当事人撤回申请"
    PARTY_REFUSES = "一方要求终止调解"  # §23: a party may ask to end it
    SETTLED_PRIVATELY = "当事人自行和解"
    NO_AGREEMENT = "未能达成协议"
    OTHER_ROUTE = "已起诉或申请仲裁"
    OTHER = "其他"

    _labels_en = _en(**{"当事人撤回申请": "application withdrawn", "一方要求终止调解": "a party asked to end it",
                        "当事人自行和解": "settled privately", "未能达成协议": "no agreement reachable",
                        "已起诉或申请仲裁": "taken to court or arbitration", "其他": "other"})


class FollowUpMethod(CodeTable):
    VISIT = "上门"
    PHONE = "电话"
    OTHER = "其他"

    _labels_en = _en(**{"上门": "home visit", "电话": "phone", "其他": "other"})


class CaseDocument(CodeTable):
    """一案一卷 checklist items."""

    APPLICATION = "申请书或受理登记表"
    RIGHTS_NOTICE = "当事人权利义务告知书"
    IDENTITY = "当事人身份证明"
    SESSION_RECORD = "调解记录"
    AGREEMENT = "调解协议书"
    POWER_OF_ATTORNEY = "授权委托书"
    INVESTIGATION = "调查记录"
    EVIDENCE = "证据材料"
    PERFORMANCE_PROOF = "履行凭证"
    FOLLOWUP_RECORD = "回访记录"
    JUDICIAL_CONFIRMATION = "司法确认材料"
    FILE_NOTE = "卷宗情况说明"

    _labels_en = _en(**{"申请书或受理登记表": "application or acceptance form",
                        "当事人权利义务告知书": "notice of parties' rights and duties",
                        "当事人身份证明": "parties' identity documents", "调解记录": "mediation records",
                        "调解协议书": "mediation agreement", "授权委托书": "power of attorney",
                        "调查记录": "investigation records", "证据材料": "evidence",
                        "履行凭证": "proof of performance", "回访记录": "follow-up records",
                        "司法确认材料": "judicial confirmation papers", "卷宗情况说明": "file note"})

    @property
    def required(self) -> bool:
        return self in REQUIRED_CASE_DOCUMENTS


REQUIRED_CASE_DOCUMENTS = frozenset(
    {CaseDocument.APPLICATION, CaseDocument.RIGHTS_NOTICE, CaseDocument.IDENTITY, CaseDocument.SESSION_RECORD,
     CaseDocument.AGREEMENT}
)


class PostingCategory(CodeTable):
    PARTY = "党务"
    VILLAGE = "村务"
    FINANCE = "财务"

    _labels_en = _en(**{"党务": "Party affairs", "村务": "village affairs", "财务": "finances"})


class PostingMedium(CodeTable):
    BOARD = "公开栏"
    BROADCAST = "广播"
    WECHAT_GROUP = "微信群"
    LEAFLET = "明白纸"

    _labels_en = _en(**{"公开栏": "bulletin board", "广播": "broadcast", "微信群": "WeChat group",
                        "明白纸": "explanatory leaflet"})


class OutreachKind(CodeTable):
    LECTURE = "法治讲座"
    CAMPAIGN = "普法宣传"
    CONSULTATION_DAY = "法律咨询日"

    _labels_en = _en(**{"法治讲座": "law lecture", "普法宣传": "legal awareness campaign",
                        "法律咨询日": "legal consultation day"})


class PeriodUnit(CodeTable):
    """How often a posting category must be published."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    _labels_en = _en(month="monthly", quarter="quarterly", year="yearly")

    @property
    def label(self) -> str:
        if language() == "en":
            return self._labels_en()[self.value]
        return {"month": "每月", "quarter": "每季度", "year": "每年"}[self.value]


#: Default publication frequency per 三务 category (村务/财务: 村民委员会组织法 §30; 党务: 党务公开条例 and local rules,
#: commonly quarterly; see POSTING_BASIS). Configurable per station.
DEFAULT_POSTING_SCHEDULE: dict[str, str] = {
    PostingCategory.FINANCE.value: PeriodUnit.MONTH.value,
    PostingCategory.VILLAGE.value: PeriodUnit.QUARTER.value,
    PostingCategory.PARTY.value: PeriodUnit.QUARTER.value,
}

#: Practice: a mediation is expected to settle within this many days of acceptance.
MEDIATION_DUE_DAYS = 30
#: Rule: parties may apply for judicial confirmation within 30 days of the agreement taking effect.
JUDICIAL_CONFIRMATION_DAYS = 30


# -- records of issue 10 ------------------------------------------------------------------------------------------
class AdviserKind(CodeTable):
    """Who the adviser is; each kind has its own licence check (services.advisers)."""

    LAWYER = "律师"
    LEGAL_WORKER = "基层法律服务工作者"
    OTHER = "其他"

    _labels_en = _en(**{"律师": "lawyer", "基层法律服务工作者": "grassroots legal service worker", "其他": "other"})


class ServiceType(CodeTable):
    """What one work-log entry (一事一记) was."""

    CONSULTATION = "解答咨询"
    CONTRACT_REVIEW = "审查合同"
    LEGAL_OPINION = "出具法律意见"
    MEDIATION = "参与调解"
    LECTURE = "法治讲座"
    OTHER = "其他"

    _labels_en = _en(**{"解答咨询": "answering questions", "审查合同": "contract review",
                        "出具法律意见": "legal opinion", "参与调解": "taking part in mediation",
                        "法治讲座": "law lecture", "其他": "other"})


class ServiceMode(CodeTable):
    ON_SITE = "现场"
    PHONE = "电话"
    WECHAT = "微信"

    _labels_en = _en(**{"现场": "on site", "电话": "phone", "微信": "WeChat"})


class ConfirmationMethod(CodeTable):
    """How the village confirmed an adviser's month of work log on paper."""

    SIGNED = "签字"
    STAMPED = "盖章"
    BOTH = "签字盖章"

    _labels_en = _en(**{"签字": "signed", "盖章": "stamped", "签字盖章": "signed and stamped"})


class Organiser(CodeTable):
    """Who organised an outreach event: the report counts the advisers' own lectures apart from the township's."""

    ADVISER = "村法律顾问"
    JUSTICE_OFFICE = "镇司法所"
    VILLAGE_COMMITTEE = "村委会"
    OTHER = "其他"

    _labels_en = _en(**{"村法律顾问": "village legal adviser", "镇司法所": "township justice office",
                        "村委会": "village committee", "其他": "other"})


class Occasion(CodeTable):
    """Dates around which outreach is held."""

    CONSUMER_DAY = "3·15"
    SECURITY_DAY = "4·15"
    ANTI_DRUG_DAY = "6·26"
    CONSTITUTION_DAY = "12·4"
    TWO_SESSIONS = "两会"
    OTHER = "其他"

    _labels_en = _en(**{"3·15": "3·15 consumer rights day", "4·15": "4·15 national security education day",
                        "6·26": "6·26 international anti-drug day", "12·4": "12·4 national constitution day",
                        "两会": "the Two Sessions", "其他": "other"})

    @classmethod
    def parse(cls, text: str) -> "Occasion":
        # 3.15, 3-15, 3•15 and 3·15 are the same day.
        t = text.strip()
        for sep in (".", "-", "•", "・", "．", "/"):
            t = t.replace(sep, "·")
        return super().parse(t)  # type: ignore[return-value]


class Audience(CodeTable):
    """法律六进: where outreach goes."""

    ORGANS = "机关"
    VILLAGES = "乡村"
    COMMUNITIES = "社区"
    SCHOOLS = "学校"
    ENTERPRISES = "企业"
    UNITS = "单位"

    _labels_en = _en(**{"机关": "government organs", "乡村": "villages", "社区": "communities", "学校": "schools",
                        "企业": "enterprises", "单位": "work units"})

    @classmethod
    def parse(cls, text: str) -> "Audience":
        t = text.strip()
        t = {"进机关": "机关", "进乡村": "乡村", "进村庄": "乡村", "村庄": "乡村", "进社区": "社区", "进学校": "学校",
             "进企业": "企业", "进单位": "单位"}.get(t, t)
        return super().parse(t)  # type: ignore[return-value]


class RiskLevel(CodeTable):
    LOW = "低"
    MEDIUM = "中"
    HIGH = "高"

    _labels_en = _en(**{"低": "low", "中": "medium", "高": "high"})


class ScreeningAction(CodeTable):
    """What was done with a dispute found in 排查."""

    PENDING = "待处置"
    ON_THE_SPOT = "就地化解"
    MEDIATION = "转人民调解"
    HANDED_ON = "移交其他部门"

    _labels_en = _en(**{"待处置": "not yet handled", "就地化解": "resolved on the spot",
                        "转人民调解": "opened as a mediation case", "移交其他部门": "handed on to another body"})


class PostingStatus(CodeTable):
    """Where one required 三务 period stands as of a date."""

    ON_TIME = "按时"
    LATE = "逾期公开"
    OVERDUE = "逾期未公开"
    NOT_YET_DUE = "未到期"

    _labels_en = _en(**{"按时": "on time", "逾期公开": "posted late", "逾期未公开": "overdue",
                        "未到期": "not yet due"})


#: Practice: a period's posting is due by this many days after the period ends (by the 10th of the next month).
POSTING_GRACE_DAYS = 10
#: Practice: an adviser gives at least this many hours on site per village per month ...
ADVISER_HOURS_PER_MONTH = 4.0
#: ... and at least this many law lectures per village per quarter.
ADVISER_LECTURES_PER_QUARTER = 1

#: Where each category's schedule comes from: §30 covers 村务 and 财务 only; 党务 follows the 党务公开条例.
POSTING_BASIS: dict[str, tuple[str, str]] = {
    PostingCategory.VILLAGE.value: N_("Organic Law of Villagers' Committees, art. 30"),
    PostingCategory.FINANCE.value: N_("Organic Law of Villagers' Committees, art. 30"),
    PostingCategory.PARTY.value: N_("CPC Regulations on Openness in Party Affairs (trial) and local rules"),
}
