"""The printable mediation documents by KIND: light (no ReportLab), so the CLI can list them without loading fonts."""

from station_app.core.i18n import NP_

#: KIND -> (the document's statutory title, Chinese in every language: it is printed on the form and names the PDF;
#: what it is, a message translated with tr() (its zh_CN translation is the title))
KINDS: dict[str, tuple[str, tuple[str, str]]] = {
    "application": ("人民调解申请书", NP_("document", "application")),
    "registration": ("人民调解受理登记表", NP_("document", "acceptance registration form")),
    "rights-notice": ("当事人权利义务告知书", NP_("document", "notice of the parties' rights and duties")),
    "investigation": ("人民调解调查记录", NP_("document", "investigation record")),
    "session": ("人民调解记录", NP_("document", "mediation session record")),
    "agreement": ("人民调解协议书", NP_("document", "mediation agreement")),
    "termination": ("终止调解告知书", NP_("document", "notice of termination")),
    "refusal": ("不予受理告知书", NP_("document", "notice of non-acceptance")),
    "followup": ("人民调解回访记录", NP_("document", "follow-up record")),
    "cover": ("卷宗封面、卷内目录、备考表", NP_("document", "file cover, index and notes sheet")),
    "file": ("人民调解卷宗", NP_("document", "the whole case file")),
}
