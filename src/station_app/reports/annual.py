"""The statistics section of the township's annual report (年度统计表 + the paragraph staff paste into the report).

One source of truth: every figure comes from `township_stats` (what `stats --json` prints) for the same year and
as-of date; the per-village 三务 table comes from `posting_statuses`, the function that stats' posting lists are
made from. Nothing here counts records on its own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from station_app.core.codes import (
    CaseSource,
    Channel,
    CodeTable,
    ConsultationCategory,
    DisputeType,
    Organiser,
    PostingCategory,
    PostingStatus,
    Referral,
    ScreeningAction,
    StationKind,
)
from station_app.core.i18n import _, pgettext
from station_app.reports.model import Chart, Report, ReportTable, Section
from station_app.services.base import StationDB
from station_app.store.models import Station


def label(table: type[CodeTable], value: str) -> str:
    """A code's label in the current language (values outside the table print as they are)."""
    return table(value).label if value in table.values() else value


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def cut_off(year: int, as_of: date) -> date:
    """The last day whose records are counted: the as-of date, or the year's last day if that comes first."""
    return min(as_of, date(year, 12, 31))


def station_names(db: StationDB) -> tuple[str, dict[str, str]]:
    """This installation's name (the report's issuing body) and every station's code -> name."""
    with db.read() as s:
        own = db.station(s).name
        names = dict(s.execute(select(Station.code, Station.name).where(Station.deleted.is_(False))).all())
        centres = [n for n, in s.execute(select(Station.name).where(Station.kind == StationKind.CENTRE.value,
                                                                    Station.deleted.is_(False)))]
    return (centres[0] if centres else own), names


def build_annual(db: StationDB, year: int, as_of: date | None = None) -> Report:
    """The annual report of `year`, counting what existed on `as_of` (default: today, as `stats` does)."""
    from station_app.reports.records_stats import posting_statuses
    from station_app.reports.stats import township_stats
    from station_app.services.settings import read_setting

    as_of = as_of or date.today()
    st = township_stats(db, year, today=as_of)
    with db.read() as s:
        statuses = posting_statuses(s, year, as_of, read_setting(s, "posting_grace_days"))
    body, names = station_names(db)
    upto = cut_off(year, as_of)
    report = Report(title=_("Public legal service statistics {year}", year=year),
                    body=body, as_of=as_of, period=_("{year}-01-01 to {isoformat}", year=year, isoformat=upto.isoformat()),
                    sections=[], figures=st)
    report.sections.append(Section(_("Summary (to paste into the annual report)"),
                                   paragraphs=paragraph(st, body)))
    report.sections += [_duty(st, names), _consultations(st), _outreach(st), _mediations(st), _screening(st),
                        _postings(st, statuses, names)]
    return report


# -- the paragraph ------------------------------------------------------------------------------------------------
def paragraph(st: dict[str, Any], body: str) -> list[str]:
    """The report's own style, e.g. "各村法律顾问共现场值班145次": figures only, no judgement."""
    d, c, m, o = st["duty"], st["consultations"], st["mediations"], st["outreach"]
    sc = st.get("screening") or {}
    p = st["postings"]
    overdue, late = len(p["overdue"]), len(p.get("late", []))
    if _("en") == "en":
        return [
            f"This year the legal advisers of {body} held {d['shifts']['centre']} on-site duty shifts and the village "
            f"legal advisers {d['shifts']['village']}, {d['hours']:g} hours in all, serving {d['people_served']} people; "
            f"through duty, outreach, WeChat and telephone they answered the legal questions of "
            f"{c.get('persons', c['total'])} people. Village legal advisers gave {o.get('adviser_lectures', 0)} law "
            f"lectures; {o['lectures']} lectures and {o['campaigns']} awareness campaigns were held in all, "
            f"{o['materials']} leaflets were handed out and {o['attendees']} people attended.",
            f"People's mediation: {m['accepted']} cases accepted, {m['by_outcome']['调解成功']} settled, success rate "
            f"{pct(m['success_rate'])}. Dispute screening found {sc.get('found', 0)} disputes and resolved "
            f"{sc.get('resolved', 0)} (rate {pct(sc.get('resolution_rate'))}). Public postings: "
            f"{p.get('villages', 0)} villages posted {sum(p.get('periods', p['by_category']).values())} periods; "
            f"{late} went up late and {overdue} are overdue.",
        ]
    return [
        f"今年以来，{body}法律顾问现场值班{d['shifts']['centre']}次，各村法律顾问共现场值班{d['shifts']['village']}次，"
        f"累计值班{d['hours']:g}小时，服务群众{d['people_served']}人次，通过值班、普法宣传咨询、微信电话咨询等多种形式"
        f"累计解答法律咨询共{c.get('persons', c['total'])}人次。村法律顾问开展法治讲座{o.get('adviser_lectures', 0)}场次，"
        f"全年开展法律讲座{o['lectures']}场次、普法宣传活动{o['campaigns']}次，发放各种宣传资料{o['materials']}份，"
        f"受教育面{o['attendees']}人次。",
        f"人民调解{m['accepted']}件，调解成功{m['by_outcome']['调解成功']}件，调解成功率{pct(m['success_rate'])}。"
        f"共排查各类矛盾纠纷{sc.get('found', 0)}起，化解{sc.get('resolved', 0)}起，化解率{pct(sc.get('resolution_rate'))}。"
        f"{p.get('villages', 0)}个行政村居通过“三务”公开栏公开党务、村务、财务共"
        f"{sum(p.get('periods', p['by_category']).values())}期，逾期公开{late}期，逾期未公开{overdue}期。",
    ]


# -- sections -----------------------------------------------------------------------------------------------------
def _counts_table(key: str, title: str, first: str, counts: dict[str, int], table: type[CodeTable] | None,
                  definition: str, unit: str) -> ReportTable:
    rows = [[label(table, k) if table else k, n] for k, n in counts.items()]
    return ReportTable(key, title, [first, unit], rows, definition, widths=[3, 1],
                       total=[_("Total"), sum(counts.values())])


def _duty(st: dict[str, Any], names: dict[str, str]) -> Section:
    d = st["duty"]
    summary = ReportTable("duty", _("Advisers' duty"), [_("Item"), _("Value")], [
        [_("Village advisers' on-site shifts"), d["shifts"]["village"]],
        [_("Township centre's on-site shifts"), d["shifts"]["centre"]],
        [_("Hours on duty"), d["hours"]],
        [_("People served on duty"), d["people_served"]],
        [_("Adviser-village-months below {get:g} h", get=d.get('hours_standard', 4)), len(d.get("below_standard", []))],
    ], _("shifts count in the year they start; hours are leaving minus arrival time, summed (rounded half up to 0.1 h); people served as entered on each shift; village or centre by where the shift took place; only finished months are checked against the standard"), widths=[3, 1])
    by_station = ReportTable(
        "duty_by_station", _("Duty by station"),
        [_("Station"), _("Name"), _("Shifts"), pgettext("station_app.reports.annual", "Hours"),
         _("People served")],
        [[code, names.get(code, ""), v["shifts"], v["hours"], v["people_served"]] for code, v in d["by_station"].items()],
        _("as above, by where the shift took place"), widths=[1, 2.2, 1, 1, 1.3],
        total=[_("Total"), "", sum(d["shifts"].values()), d["hours"], d["people_served"]])
    chart = Chart("bar", _("Duty shifts by station"), list(d["by_station"]),
                  [v["shifts"] for v in d["by_station"].values()])
    return Section(_("1. Duty shifts"), tables=[summary, by_station], charts=[chart])


def _consultations(st: dict[str, Any]) -> Section:
    c = st["consultations"]
    basis = _("consultations count in the year they happened; persons is the sum of the people on each record, records the number of records")
    summary = ReportTable("consultations", _("Consultations"), [_("Item"), _("Value")], [
        [_("People answered"), c.get("persons", c["total"])],
        [pgettext("station_app.reports.annual", "Records"), c["total"]],
        [_("Follow-up answers still owed"), c.get("pending_answers", 0)],
    ], basis, widths=[3, 1])
    channel = _counts_table("consultations_by_channel", _("By channel"), _("Channel"),
                            c["by_channel"], Channel, basis, _("Records"))
    category = _counts_table("consultations_by_category", _("By category"), _("Category"),
                             c["by_category"], ConsultationCategory, basis, _("Records"))
    referral = _counts_table("consultations_by_referral", _("Referrals"), _("Referred to"),
                             c.get("by_referral", {}), Referral,
                             _("each record's referral; 'none' = answered there"),
                             _("Records"))
    chart = Chart("hbar", _("Consultations by category"),
                  [label(ConsultationCategory, k) for k in c["by_category"]], list(c["by_category"].values()))
    return Section(_("2. Legal consultations"), tables=[summary, channel, category, referral],
                   charts=[chart])


def _outreach(st: dict[str, Any]) -> Section:
    o = st["outreach"]
    basis = _("events count in the year they were held; attendees and materials summed as entered")
    summary = ReportTable("outreach", _("Outreach"), [_("Item"), _("Value")], [
        [_("Law lectures"), o["lectures"]],
        [_("of which by village legal advisers"), o.get("adviser_lectures", 0)],
        [_("Awareness campaigns"), o["campaigns"]],
        [_("Consultation days"), o["consultation_days"]],
        [_("Attendees"), o["attendees"]],
        [_("Materials handed out"), o["materials"]],
        [_("Villages covered"), o.get("villages_covered", 0)],
    ], basis, widths=[3, 1])
    tables = [summary]
    if o.get("by_organiser"):
        tables.append(_counts_table("outreach_by_organiser", _("By organiser"), _("Organiser"),
                                    o["by_organiser"], Organiser, basis, _("Events")))
    if o.get("by_theme"):
        tables.append(_counts_table("outreach_by_theme", _("By theme"), _("Theme"),
                                    o["by_theme"], None, basis, _("Events")))
    return Section(_("3. Outreach"), tables=tables)


def _mediations(st: dict[str, Any]) -> Section:
    m = st["mediations"]
    basis = _("cases count in the year they were accepted; 不予受理 not counted")
    co = m.get("carried_over", {})
    summary = ReportTable("mediations", _("People's mediation"), [_("Item"), _("Value")], [
        [_("Accepted"), m["accepted"]],
        [pgettext("station_app.reports.annual", "Settled"), m["by_outcome"]["调解成功"]],
        [pgettext("station_app.reports.annual", "Not settled"), m["by_outcome"]["调解不成"]],
        [pgettext("station_app.reports.annual", "In progress"), m["by_outcome"]["调解中"]],
        [_("Success rate"), pct(m["success_rate"])],
        [_("Carried over"), co.get("cases", 0)],
        [_("of which settled this year"), co.get("settled", 0)],
        [_("Cases incl. carried over"), m.get("cases_incl_carried_over", m["accepted"])],
        [_("Open more than 30 days"), m["overdue_open"]],
        [_("Not accepted"), m.get("refused", {}).get("cases", 0)],
        [_("Amount (CNY)"), f"{m['amount_fen'] / 100:.2f}"],
    ], m.get("success_rate_definition") or basis, widths=[3, 1])
    by_type = _counts_table("mediations_by_type", _("By dispute type"), _("Type"),
                            m["by_type"], DisputeType, basis, _("Cases"))
    by_source = _counts_table("mediations_by_source", _("By source"), _("Source"),
                              m.get("by_source", {}), CaseSource, basis, _("Cases"))
    outcome_rows = [[_("Settled"), m["by_outcome"]["调解成功"]],
                    [_("Not settled"), m["by_outcome"]["调解不成"]],
                    [_("In progress"), m["by_outcome"]["调解中"]]]
    by_outcome = ReportTable("mediations_by_outcome", _("By outcome"),
                             [_("Outcome"), _("Cases")], outcome_rows, basis, widths=[3, 1],
                             total=[_("Total"), m["accepted"]])
    chart = Chart("hbar", _("Cases by dispute type"),
                  [label(DisputeType, k) for k, v in m["by_type"].items() if v],
                  [v for v in m["by_type"].values() if v])
    return Section(_("4. People's mediation"), tables=[summary, by_outcome, by_type, by_source],
                   charts=[chart])


def _screening(st: dict[str, Any]) -> Section:
    sc = st.get("screening") or {"found": 0, "resolved": 0, "resolution_rate": None, "by_action": {}}
    summary = ReportTable("screening", _("Dispute screening"), [_("Item"), _("Value")], [
        [_("Disputes found"), sc["found"]],
        [_("Resolved"), sc["resolved"]],
        [_("Resolution rate"), pct(sc["resolution_rate"])],
        *[[label(ScreeningAction, k), n] for k, n in sc["by_action"].items()],
    ], _("items count in the year found; resolved = resolved on the spot or after hand-over by the cut-off date, or the mediation case it became was settled; rate = resolved ÷ found"), widths=[3, 1])
    return Section(_("5. Dispute screening"), tables=[summary])


def _postings(st: dict[str, Any], statuses, names: dict[str, str]) -> Section:
    p = st["postings"]
    grace = p.get("grace_days", 10)
    basis = _("required periods per village that began by the cut-off date; on time = posted within {grace} days after the period ends; late = posted after that; overdue = not posted and the grace period is over", grace=grace)
    per: dict[str, dict[str, int]] = {}
    for x in statuses:
        row = per.setdefault(x.station, {k: 0 for k in PostingStatus.values()})
        row[x.status] += 1
    keys = PostingStatus.values()
    rows = [[code, names.get(code, ""), *[v[k] for k in keys]] for code, v in sorted(per.items())]
    by_village = ReportTable(
        "postings_by_village", _("Public postings by village"),
        [_("Village"), _("Name"), *[label(PostingStatus, k) for k in keys]], rows, basis,
        widths=[1, 2, 1, 1, 1, 1], total=[_("Total"), "", *[p.get("by_status", {}).get(k, 0) for k in keys]])
    cat_rows = [[label(PostingCategory, k), p.get("periods", {}).get(k, 0), p["by_category"].get(k, 0)]
                for k in PostingCategory.values()]
    by_cat = ReportTable("postings_by_category", _("Postings by category"),
                         [_("Category"), _("Periods"), _("Postings")], cat_rows,
                         _("postings of the year's periods made by the cut-off date; periods leave out immediate items"), widths=[2, 1, 1],
                         total=[_("Total"), sum(p.get("periods", {}).values()), p["total"]])
    behind = [[x["station"], names.get(x["station"], ""), label(PostingCategory, x["category"]), x["period"],
               _("late"), x.get("posted_on", "")] for x in p.get("late", [])]
    behind += [[x["station"], names.get(x["station"], ""), label(PostingCategory, x["category"]), x["period"],
                pgettext("station_app.reports.annual", "overdue"), ""] for x in p["overdue"]]
    behind.sort(key=lambda r: (r[0], r[2], r[3]))
    late_list = ReportTable("postings_behind", _("Late and overdue periods"),
                            [_("Village"), _("Name"), _("Category"), _("Period"),
                             _("Status"), _("Posted on")], behind, basis,
                            widths=[0.8, 1.6, 1, 1, 1.2, 1.2])
    return Section(_("6. Public postings (三务公开)"), tables=[by_cat, by_village, late_list],
                   page_break_before=True)


def headline(st: dict[str, Any]) -> dict[str, Any]:
    """The figures the demo prints beside the report's path."""
    d, c, m, o = st["duty"], st["consultations"], st["mediations"], st["outreach"]
    return {"village_shifts": d["shifts"]["village"], "centre_shifts": d["shifts"]["centre"],
            "consultation_persons": c.get("persons", c["total"]), "mediations": m["accepted"],
            "success_rate": m["success_rate"], "lectures": o["lectures"],
            "screening_found": (st.get("screening") or {}).get("found", 0),
            "postings_overdue": len(st["postings"]["overdue"])}
