"""`report monthly --station CODE --month YYYY-MM`: one station's month.

The month's figures are `stats --json` as of the month's last day minus `stats --json` as of the day before it
began (the station's entries in `by_station`), so a month adds up to the year exactly as stats counts it.
"""

from __future__ import annotations

from datetime import date, timedelta

from station_app.core.codes import PeriodUnit, PostingCategory, PostingStatus
from station_app.core.errors import ValidationError
from station_app.core.i18n import pick
from station_app.core.periods import parse_period
from station_app.reports.annual import label, station_names
from station_app.reports.model import Report, ReportTable, Section
from station_app.services.base import StationDB


def month_of(raw: str):
    try:
        p = parse_period(str(raw).strip())
    except ValidationError:
        p = None
    if p is None or p.unit is not PeriodUnit.MONTH:
        raise ValidationError.single("--month", pick(f"应为月份，如 2021-03：{raw}", f"must be a month, e.g. 2021-03: {raw}"))
    return p


def month_figures(before: dict, end: dict, code: str) -> dict:
    """The station's figures of the month: the difference of two stats dicts of the same year."""
    def station(st: dict, block: str) -> dict | int:
        return st[block]["by_station"].get(code, {} if block == "duty" else 0)

    d1, d0 = station(end, "duty"), station(before, "duty")
    return {
        "duty": {k: round(d1.get(k, 0) - d0.get(k, 0), 1) if k == "hours" else d1.get(k, 0) - d0.get(k, 0)
                 for k in ("shifts", "hours", "people_served")},
        "consultations": station(end, "consultations") - station(before, "consultations"),
        "mediations": station(end, "mediations") - station(before, "mediations"),
    }


def build_monthly(db: StationDB, code: str, month: str) -> Report:
    from station_app.reports.records_stats import posting_statuses
    from station_app.reports.stats import township_stats
    from station_app.services.settings import read_setting
    from station_app.services.standards import month_hours

    p = month_of(month)
    body, names = station_names(db)
    code = str(code).strip().upper()
    if code not in names:
        raise ValidationError.single("--station", pick(f"没有这个站点：{code}", f"no such station: {code}"))
    end, before = p.end, p.start - timedelta(days=1)
    st_end = township_stats(db, p.year, today=end)
    st_before = township_stats(db, p.year, today=before)
    f = month_figures(st_before, st_end, code)
    with db.read() as s:
        standard = read_setting(s, "adviser_hours_per_month")
        hours = [r for r in month_hours(s, p.year, end, standard) if r.station == code and r.month == str(p)]
        grace = read_setting(s, "posting_grace_days")
        postings = [x for x in posting_statuses(s, p.year, end, grace) if x.station == code
                    and (p.start <= x.due_on <= end or x.status == PostingStatus.OVERDUE.value)]
    basis = pick(f"本月数＝截至{end.isoformat()}的年度累计减去截至{before.isoformat()}的年度累计（与 stats 同一口径：值班按开始"
                 f"时间、咨询按发生时间、调解按受理日期，按地点/站点计）",
                 f"the month = the year to {end.isoformat()} minus the year to {before.isoformat()} (as stats counts: "
                 f"shifts by start, consultations by when they happened, mediations by acceptance, per station)")
    summary = ReportTable("monthly", pick("本月工作情况", "The month"), [pick("项目", "Item"), pick("本月", "Month"),
                                                                         pick("年度累计", "Year to date")], [
        [pick("现场值班（次）", "Duty shifts"), f["duty"]["shifts"], st_end["duty"]["by_station"].get(code, {}).get("shifts", 0)],
        [pick("值班时长（小时）", "Hours"), f["duty"]["hours"], st_end["duty"]["by_station"].get(code, {}).get("hours", 0)],
        [pick("服务群众（人次）", "People served"), f["duty"]["people_served"],
         st_end["duty"]["by_station"].get(code, {}).get("people_served", 0)],
        [pick("法律咨询（条）", "Consultations"), f["consultations"], st_end["consultations"]["by_station"].get(code, 0)],
        [pick("受理人民调解（件）", "Mediations accepted"), f["mediations"], st_end["mediations"]["by_station"].get(code, 0)],
    ], basis, widths=[3, 1, 1])
    adv = ReportTable("monthly_adviser_hours", pick("法律顾问本月时长", "Advisers' hours this month"),
                      [pick("顾问", "Adviser"), pick("时长（小时）", "Hours"), pick("标准", "Standard"),
                       pick("达标", "Met"), pick("村确认", "Confirmed")],
                      [[r.adviser, r.hours, r.standard, pick("是", "yes") if r.hours >= r.standard else pick("否", "no"),
                        pick("已确认", "yes") if r.confirmed else pick("未确认", "no")] for r in hours],
                      pick(f"每村每月标准{standard:g}小时", f"standard {standard:g} h per village per month"),
                      widths=[2, 1, 1, 1, 1])
    post = ReportTable("monthly_postings", pick("三务公开（本月到期及逾期未公开）", "Postings due this month or overdue"),
                       [pick("类别", "Category"), pick("期间", "Period"), pick("应公开截止日", "Due"), pick("状态", "Status"),
                        pick("公开日期", "Posted on")],
                       [[label(PostingCategory, x.category), x.period, x.due_on.isoformat(), label(PostingStatus, x.status),
                         x.posted_on.isoformat() if x.posted_on else ""] for x in postings],
                       pick(f"应公开截止日＝期末后{grace}天；状态按{end.isoformat()}判断",
                            f"due = {grace} days after the period ends; status on {end.isoformat()}"), widths=[1, 1, 1.2, 1.2, 1.2])
    name = names.get(code, code)
    text = pick(f"{name}{p.year}年{p.index}月：现场值班{f['duty']['shifts']}次，{f['duty']['hours']:g}小时，服务群众"
                f"{f['duty']['people_served']}人次；法律咨询{f['consultations']}条；受理人民调解{f['mediations']}件。",
                f"{name}, {p}: {f['duty']['shifts']} duty shifts, {f['duty']['hours']:g} hours, "
                f"{f['duty']['people_served']} people served; {f['consultations']} consultations; "
                f"{f['mediations']} mediation cases accepted.")
    return Report(pick(f"{name}{p.year}年{p.index}月工作情况", f"{name}: {p}"), body, end,
                  f"{p.start.isoformat()} – {end.isoformat()}",
                  [Section(pick("本月情况", "The month"), paragraphs=[text], tables=[summary, adv])]
                  + [Section(pick("三务公开", "Postings"), tables=[post])],
                  figures={"station": code, "month": str(p), **f})
