"""`report postings --as-of DATE`: every late and overdue 三务 period, and a 督办通知 for each village that is behind.

The lists are `stats --json`'s `postings.late` and `postings.overdue` for the same year and date (the due dates come
from `posting_statuses`, the function those lists are made from).
"""

from __future__ import annotations

from datetime import date

from station_app.core.codes import PostingCategory, PostingStatus
from station_app.core.i18n import pick
from station_app.reports.annual import label, station_names
from station_app.reports.model import Report, ReportTable, Section
from station_app.services.base import StationDB


def build_postings(db: StationDB, as_of: date, year: int | None = None) -> Report:
    from station_app.reports.records_stats import posting_statuses
    from station_app.reports.stats import township_stats
    from station_app.services.settings import read_setting

    year = year or as_of.year
    st = township_stats(db, year, today=as_of)
    p = st["postings"]
    with db.read() as s:
        grace = read_setting(s, "posting_grace_days")
        statuses = {(x.station, x.category, x.period): x for x in posting_statuses(s, year, as_of, grace)}
    body, names = station_names(db)
    basis = pick(f"{year}年度各村按公开周期应公开的各期；应公开截止日＝期末后{grace}天；逾期公开＝截止日后才公开；"
                 f"逾期未公开＝截止日已过仍未公开（按截止日期{as_of.isoformat()}判断）",
                 f"the required periods of {year}; due = {grace} days after the period ends; late = posted after that; "
                 f"overdue = not posted by {as_of.isoformat()} and past due")
    header = [pick("村", "Village"), pick("名称", "Name"), pick("类别", "Category"), pick("期间", "Period"),
              pick("应公开截止日", "Due"), pick("状态", "Status"), pick("公开日期", "Posted on")]

    def row(x: dict, status: str) -> list:
        due = statuses[(x["station"], x["category"], x["period"])].due_on.isoformat()
        return [x["station"], names.get(x["station"], ""), label(PostingCategory, x["category"]), x["period"], due,
                label(PostingStatus, status), x.get("posted_on", "")]

    overdue = [row(x, PostingStatus.OVERDUE.value) for x in p["overdue"]]
    late = [row(x, PostingStatus.LATE.value) for x in p.get("late", [])]
    widths = [0.8, 1.5, 0.8, 1, 1.3, 1.2, 1.3]
    summary = Section(pick("三务公开逾期情况", "Late and overdue postings"), paragraphs=[pick(
        f"截至{as_of.isoformat()}，{p.get('villages', 0)}个村应公开的{year}年度各期中，逾期未公开{len(overdue)}期、"
        f"逾期公开{len(late)}期，涉及{len({r[0] for r in overdue})}个村尚未公开（宽限{grace}天）。",
        f"As of {as_of.isoformat()}, {len(overdue)} required periods of {year} are overdue and {len(late)} went up "
        f"late; {len({r[0] for r in overdue})} villages are behind (grace {grace} days).")], tables=[
        ReportTable("postings_overdue", pick("逾期未公开", "Overdue"), header, overdue, basis, widths),
        ReportTable("postings_late", pick("逾期公开", "Posted late"), header, late, basis, widths)])
    report = Report(pick(f"三务公开逾期情况及督办通知（{year}年度）", f"三务 postings behind schedule ({year})"), body, as_of,
                    pick(f"{year}-01-01至{min(as_of, date(year, 12, 31)).isoformat()}",
                         f"{year}-01-01 to {min(as_of, date(year, 12, 31)).isoformat()}"), [summary], figures=p)
    by_village: dict[str, list[list]] = {}
    for r in overdue:
        by_village.setdefault(r[0], []).append(r)
    for n, (code, rows) in enumerate(sorted(by_village.items()), start=1):
        village = names.get(code, code)
        table = ReportTable(f"notice_{code}", pick(f"{village}逾期未公开事项", f"Overdue items of {village}"),
                            [pick("类别", "Category"), pick("期间", "Period"), pick("应公开截止日", "Due")],
                            [[r[2], r[3], r[4]] for r in rows], basis, [1, 1, 1])
        report.sections.append(Section(pick(f"督办通知（{village}）", f"Notice ({village})"), page_break_before=True,
                                       letter={
            "body": body, "title": pick("三务公开逾期督办通知", "Notice: overdue public postings"),
            "number": pick(f"督办〔{year}〕第{n}号", f"No. {year}-{n}"),
            "to": pick(f"{village}村民委员会：", f"To the villagers' committee of {village}:"),
            "paragraphs": [pick(
                f"经查，截至{as_of.isoformat()}，你村下列三务公开事项已超过应公开截止日（期末后{grace}天）仍未公开。"
                f"根据《中华人民共和国村民委员会组织法》第三十条、第三十一条及党务公开有关规定，请于收到本通知之日起"
                f"五个工作日内予以公开，并将公开情况（含公开栏照片）报{body}。",
                f"As of {as_of.isoformat()}, the postings below are past their due date ({grace} days after the period "
                f"ends) and have not been made. Under articles 30 and 31 of the Organic Law of Villagers' Committees "
                f"and the rules on Party affairs, please post them within five working days of receiving this notice "
                f"and report it (with photos of the notice board) to {body}."),
                pick(f"共{len(rows)}项，明细如下：", f"{len(rows)} items:")],
            "table": table}))
    return report
