"""The printable mediation documents by KIND: light (no ReportLab), so the CLI can list them without loading fonts."""

#: KIND -> (title, what it is in English)
KINDS: dict[str, tuple[str, str]] = {
    "application": ("人民调解申请书", "application"),
    "registration": ("人民调解受理登记表", "acceptance registration form"),
    "rights-notice": ("当事人权利义务告知书", "notice of the parties' rights and duties"),
    "investigation": ("人民调解调查记录", "investigation record"),
    "session": ("人民调解记录", "mediation session record"),
    "agreement": ("人民调解协议书", "mediation agreement"),
    "termination": ("终止调解告知书", "notice of termination"),
    "refusal": ("不予受理告知书", "notice of non-acceptance"),
    "followup": ("人民调解回访记录", "follow-up record"),
    "cover": ("卷宗封面、卷内目录、备考表", "file cover, index and notes sheet"),
    "file": ("人民调解卷宗", "the whole case file"),
}
