"""Township statistics: the yearly figures of the township report, over everything in one database.

`township_stats(db, year)` answers `stats --json` (issue 2, point 8). The township's merged database answers the
same call over every station's records, so everything here is computed from the records themselves (where a shift
took place, when a case was accepted) and never from which installation is asking.

The keys of the contract are public: scripts at the township read them. Extra keys may be added, none renamed.

Which records belong to a year:
- duty shifts by their start (local time), consultations by when they happened, outreach events by their day;
- mediation cases by their acceptance date (受理日期), whatever happened later;
- postings by the period they cover (a 2021-12 finance posting put up in January 2022 is 2021's posting).
Tombstoned records are never counted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, select

from station_app.core.codes import (
    DEFAULT_POSTING_SCHEDULE,
    MEDIATION_DUE_DAYS,
    Channel,
    ConsultationCategory,
    DisputeType,
    MediationOutcome,
    OutreachKind,
    PeriodUnit,
    PostingCategory,
    StationKind,
)
from station_app.core.errors import ValidationError
from station_app.core.i18n import _
from station_app.reports.mediation_stats import lines_en, lines_zh, mediation_figures
from station_app.services.base import StationDB
from station_app.store.models import (
    Consultation,
    DutyShift,
    MediationCase,
    OutreachEvent,
    Station,
)
from station_app.store.sqlfuncs import epoch_seconds

#: Contract order of the outcome keys.
OUTCOME_KEYS = (MediationOutcome.SUCCESS.value, MediationOutcome.FAILURE.value, MediationOutcome.IN_PROGRESS.value)


def _check_year(year: int) -> int:
    if not isinstance(year, int) or not 1949 <= year <= 2200:
        raise ValidationError.single(_("year"), _("not a year: {year}", year=year))
    return year


def _in_datetime_year(column, year: int, until: date | None = None):
    # `until` (the as-of date) cuts the year: a record dated after it did not exist yet (issue 10).
    end = datetime(year + 1, 1, 1)
    if until is not None:
        end = min(end, datetime.combine(until + timedelta(days=1), datetime.min.time()))
    return and_(column >= datetime(year, 1, 1), column < end)


def _in_date_year(column, year: int, until: date | None = None):
    end = date(year + 1, 1, 1) if until is None else min(date(year + 1, 1, 1), until + timedelta(days=1))
    return and_(column >= date(year, 1, 1), column < end)


def _counts(keys: list[str], rows) -> dict[str, int]:
    """Every code value present (zero included) in code-table order; values outside the table are kept after them."""
    out = {k: 0 for k in keys}
    for key, n in rows:
        out[key] = out.get(key, 0) + int(n)
    return out


def township_stats(db: StationDB, year: int, *, today: date | None = None) -> dict[str, Any]:
    """The figures of `year` as the `stats --json` contract shapes them (plus a few extra keys)."""
    _check_year(year)
    today = today or date.today()
    with db.read() as s:
        codes = dict(s.execute(select(Station.id, Station.code)).all())
        stats = {
            "year": year,
            "duty": _duty(s, year, codes, today),
            "consultations": _consultations(s, year, codes, today),
            "mediations": {**_mediations(s, year, today, codes), **mediation_figures(s, year, today)},
            "outreach": _outreach(s, year, today),
            "postings": _postings(s, year, today),
        }
        from station_app.reports.records_stats import extend_stats  # issue 10's keys, as of `today`

        return extend_stats(s, stats, year, today)


# -- duty -------------------------------------------------------------------------------------------------------
def _half_up(value: Decimal, places: int) -> float:
    # Township figures are rounded the way people round (2.25 h -> 2.3 h), not to even.
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _hours(seconds: int | None) -> float:
    return _half_up(Decimal(int(seconds or 0)) / 3600, 1)


def _seconds(column):
    return epoch_seconds(column)  # strftime('%s') on SQLite, extract(epoch) on PostgreSQL (store/sqlfuncs.py)


def _duty(s, year: int, codes: dict[str, str], until: date | None = None) -> dict[str, Any]:
    live = and_(DutyShift.deleted.is_(False), _in_datetime_year(DutyShift.start_at, year, until))
    seconds = func.sum(_seconds(DutyShift.end_at) - _seconds(DutyShift.start_at))
    per_place = s.execute(
        select(DutyShift.place_station_id, Station.kind, func.count(), seconds, func.sum(DutyShift.people_served))
        .join(Station, Station.id == DutyShift.place_station_id, isouter=True)
        .where(live).group_by(DutyShift.place_station_id, Station.kind)
    ).all()
    shifts = {StationKind.VILLAGE.value: 0, StationKind.CENTRE.value: 0}
    total_seconds = people = 0
    by_station: dict[str, dict[str, Any]] = {}
    for place_id, kind, n, secs, served in per_place:
        if kind in shifts:
            shifts[kind] += n
        total_seconds += secs or 0
        people += served or 0
        by_station[codes.get(place_id, place_id)] = {"shifts": n, "hours": _hours(secs),
                                                     "people_served": int(served or 0)}
    return {
        "shifts": shifts,
        "hours": _hours(total_seconds),
        "people_served": int(people),
        "by_station": dict(sorted(by_station.items())),
    }


# -- consultations ----------------------------------------------------------------------------------------------
def _consultations(s, year: int, codes: dict[str, str], until: date | None = None) -> dict[str, Any]:
    live = and_(Consultation.deleted.is_(False), _in_datetime_year(Consultation.occurred_at, year, until))

    def grouped(column):
        return s.execute(select(column, func.count()).where(live).group_by(column)).all()

    by_station = {codes.get(sid, sid): n for sid, n in grouped(Consultation.station_id)}
    by_channel = _counts(Channel.values(), grouped(Consultation.channel))
    return {
        "total": sum(by_channel.values()),
        "by_channel": by_channel,
        "by_category": _counts(ConsultationCategory.values(), grouped(Consultation.category)),
        "by_station": dict(sorted(by_station.items())),
    }


# -- mediations -------------------------------------------------------------------------------------------------
def _mediations(s, year: int, today: date, codes: dict[str, str]) -> dict[str, Any]:
    # 不予受理 is not an accepted case (glossary): it is counted in mediation_stats, not here.
    live = and_(MediationCase.deleted.is_(False), _in_date_year(MediationCase.accepted_on, year, today),
                MediationCase.outcome != MediationOutcome.REFUSED.value)
    open_ = MediationCase.outcome == MediationOutcome.IN_PROGRESS.value
    by_outcome = _counts(list(OUTCOME_KEYS), s.execute(
        select(MediationCase.outcome, func.count()).where(live).group_by(MediationCase.outcome)).all())
    by_type = _counts(DisputeType.values(), s.execute(
        select(MediationCase.dispute_type, func.count()).where(live).group_by(MediationCase.dispute_type)).all())
    amount, prevented_cases, prevented_persons = s.execute(
        select(
            func.coalesce(func.sum(MediationCase.amount_fen), 0),
            func.coalesce(func.sum(case((MediationCase.prevented_criminal.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((MediationCase.prevented_criminal.is_(True),
                                         MediationCase.prevented_criminal_persons), else_=0)), 0),
        ).where(live)
    ).one()
    # Practice: a case should settle within 30 days of acceptance; still open after that is flagged, including
    # cases carried over from earlier years (still open, so overdue), unless accepted after the year.
    overdue_open = s.execute(select(func.count()).select_from(MediationCase).where(
        MediationCase.deleted.is_(False), open_, MediationCase.accepted_on < date(year + 1, 1, 1),
        MediationCase.accepted_on < today - timedelta(days=MEDIATION_DUE_DAYS))).scalar_one()
    by_station = {codes.get(sid, sid): n for sid, n in s.execute(
        select(MediationCase.station_id, func.count()).where(live).group_by(MediationCase.station_id)).all()}
    settled, failed = by_outcome[MediationOutcome.SUCCESS.value], by_outcome[MediationOutcome.FAILURE.value]
    return {
        "accepted": sum(by_outcome.values()),
        "by_outcome": by_outcome,
        "success_rate": _half_up(Decimal(settled) / (settled + failed), 4) if settled + failed else None,
        "by_type": by_type,
        "amount_fen": int(amount),
        "prevented_criminal": {"cases": int(prevented_cases), "persons": int(prevented_persons)},
        "overdue_open": int(overdue_open),
        "by_station": dict(sorted(by_station.items())),
    }


# -- outreach ---------------------------------------------------------------------------------------------------
def _outreach(s, year: int, until: date | None = None) -> dict[str, Any]:
    live = and_(OutreachEvent.deleted.is_(False), _in_date_year(OutreachEvent.held_on, year, until))
    per_kind = {kind: (n, att or 0, mat or 0) for kind, n, att, mat in s.execute(
        select(OutreachEvent.kind, func.count(), func.sum(OutreachEvent.attendees), func.sum(OutreachEvent.materials))
        .where(live).group_by(OutreachEvent.kind)).all()}
    return {
        "lectures": per_kind.get(OutreachKind.LECTURE.value, (0, 0, 0))[0],
        "campaigns": per_kind.get(OutreachKind.CAMPAIGN.value, (0, 0, 0))[0],
        "attendees": int(sum(v[1] for v in per_kind.values())),
        "materials": int(sum(v[2] for v in per_kind.values())),
        "consultation_days": per_kind.get(OutreachKind.CONSULTATION_DAY.value, (0, 0, 0))[0],
    }


# -- postings ---------------------------------------------------------------------------------------------------
def schedule_of(station_schedule: dict | None) -> dict[str, PeriodUnit | None]:
    """A station's posting schedule: the default, overridden per category by Station.posting_schedule.

    An override maps a category to "month", "quarter" or "year"; null means that category is not required there.
    """
    out: dict[str, PeriodUnit | None] = {k: PeriodUnit(v) for k, v in DEFAULT_POSTING_SCHEDULE.items()}
    for category, unit in (station_schedule or {}).items():
        if category in out:
            try:
                out[category] = PeriodUnit(unit) if unit else None
            except ValueError:
                pass  # an unreadable override keeps the default rather than hiding overdue periods
    return out


def _postings(s, year: int, today: date) -> dict[str, Any]:
    # Statuses with the grace period (issue 10) live in records_stats; the keys here are unchanged.
    from station_app.reports.records_stats import postings_figures
    from station_app.services.settings import read_setting

    return postings_figures(s, year, today, read_setting(s, "posting_grace_days"))


# -- text -------------------------------------------------------------------------------------------------------
def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _top(counts: dict[str, int], n: int, label=lambda k: k) -> list[tuple[str, int]]:
    return [(label(k), v) for k, v in sorted(counts.items(), key=lambda kv: -kv[1]) if v][:n]


def format_stats(stats: dict[str, Any]) -> str:
    """A readable summary in the township report's style (English when the language is English)."""
    return _format_en(stats) if _("en") == "en" else _format_zh(stats)


def _format_zh(st: dict[str, Any]) -> str:
    d, c, m, o, p = st["duty"], st["consultations"], st["mediations"], st["outreach"], st["postings"]
    y = st["year"]
    lines = [f"{y}年度公共法律服务统计"]
    lines.append(
        f"一、法律服务：各村法律顾问共现场值班{d['shifts']['village']}次，镇公共法律服务中心法律顾问现场值班"
        f"{d['shifts']['centre']}次，累计值班{d['hours']:g}小时，服务群众{d['people_served']}人次；"
        f"通过值班、普法宣传咨询、微信电话咨询等多种形式累计解答法律咨询共{c.get('persons', c['total'])}人次。")
    channels = "、".join(f"{k}{v}人次" for k, v in c["by_channel"].items() if v)
    categories = "、".join(f"{k}{v}件" for k, v in _top(c["by_category"], 5))
    if channels:
        lines.append(f"    其中按咨询方式：{channels}；咨询较多的类别：{categories}。")
    outcome = m["by_outcome"]
    text = (f"二、人民调解：受理人民调解{m['accepted']}件，调解成功{outcome['调解成功']}件、"
            f"调解不成{outcome['调解不成']}件、正在调解{outcome['调解中']}件，调解成功率{_pct(m['success_rate'])}")
    if m.get("amount_fen"):
        text += f"，涉及金额{m['amount_fen'] / 100:,.2f}元"
    pc = m.get("prevented_criminal") or {}
    if pc.get("cases"):
        text += f"，防止民间纠纷转化为刑事案件{pc['cases']}件{pc['persons']}人"
    lines.append(text + "。")
    types = "、".join(f"{k}{v}件" for k, v in _top(m["by_type"], 5))
    if types:
        lines.append(f"    纠纷类型以{types}为主。")
    if m.get("overdue_open"):
        lines.append(f"    超过30天仍在调解的案件{m['overdue_open']}件，请跟进。")
    lines += lines_zh(m)
    lines.append(
        f"三、普法宣传：开展法治讲座{o['lectures']}场次、普法宣传活动{o['campaigns']}次，"
        f"参加群众{o['attendees']}人次，发放各种宣传资料{o['materials']}份。")
    if "adviser_lectures" in o:
        from station_app.reports.records_stats import extra_lines

        lines.extend(extra_lines(st, "zh"))
    cat = p.get("periods", p["by_category"])
    villages = p.get("villages")
    lead = f"{villages}个村居" if villages else "各村"
    text = (f"四、三务公开：{lead}通过“三务”公开栏等公开党务{cat.get('党务', 0)}期、村务{cat.get('村务', 0)}期、"
            f"财务{cat.get('财务', 0)}期，共{sum(cat.values())}期")
    if p["overdue"]:
        lines.append(text + f"；逾期未公开{len(p['overdue'])}项：")
        lines.extend(_overdue_lines(p["overdue"], "、"))
    else:
        lines.append(text + "，无逾期未公开。")
    return "\n".join(lines)


def _overdue_lines(overdue: list[dict[str, str]], sep: str) -> list[str]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for o in overdue:
        grouped.setdefault((o["station"], o["category"]), []).append(o["period"])
    return [f"    {station} {PostingCategory(cat).label if cat in PostingCategory.values() else cat}: {sep.join(ps)}"
            for (station, cat), ps in grouped.items()]


def _format_en(st: dict[str, Any]) -> str:
    d, c, m, o, p = st["duty"], st["consultations"], st["mediations"], st["outreach"], st["postings"]
    lines = [f"Public legal service statistics {st['year']}"]
    lines.append(
        f"1. Legal services: village legal advisers held {d['shifts']['village']} on-site duty shifts and the township "
        f"centre's advisers {d['shifts']['centre']}, {d['hours']:g} hours in all, serving {d['people_served']} people; "
        f"{c.get('persons', c['total'])} people's legal questions were answered ({c['total']} records).")
    channels = ", ".join(f"{Channel(k).label if k in Channel.values() else k} {v}"
                         for k, v in c["by_channel"].items() if v)
    categories = ", ".join(f"{k} {v}" for k, v in _top(
        c["by_category"], 5, lambda k: ConsultationCategory(k).label if k in ConsultationCategory.values() else k))
    if channels:
        lines.append(f"   By channel: {channels}; main categories: {categories}.")
    outcome = m["by_outcome"]
    text = (f"2. People's mediation: {m['accepted']} cases accepted, {outcome['调解成功']} settled, "
            f"{outcome['调解不成']} not settled, {outcome['调解中']} in progress; success rate {_pct(m['success_rate'])}")
    if m.get("amount_fen"):
        text += f"; amounts involved CNY {m['amount_fen'] / 100:,.2f}"
    pc = m.get("prevented_criminal") or {}
    if pc.get("cases"):
        text += f"; {pc['cases']} disputes ({pc['persons']} people) kept from turning into criminal cases"
    lines.append(text + ".")
    types = ", ".join(f"{k} {v}" for k, v in _top(
        m["by_type"], 5, lambda k: DisputeType(k).label if k in DisputeType.values() else k))
    if types:
        lines.append(f"   Main dispute types: {types}.")
    if m.get("overdue_open"):
        lines.append(f"   {m['overdue_open']} cases still open more than 30 days after acceptance.")
    lines += lines_en(m)
    lines.append(
        f"3. Outreach: {o['lectures']} law lectures and {o['campaigns']} awareness campaigns, "
        f"{o['attendees']} attendees, {o['materials']} materials handed out.")
    if "adviser_lectures" in o:
        from station_app.reports.records_stats import extra_lines

        lines.extend(extra_lines(st, "en"))
    cat = p.get("periods", p["by_category"])
    villages = p.get("villages")
    lead = f"{villages} villages" if villages else "The villages"
    text = (f"4. Public postings: {lead} posted Party affairs {cat.get('党务', 0)}, village affairs "
            f"{cat.get('村务', 0)} and finances {cat.get('财务', 0)} periods, {sum(cat.values())} in all")
    if p["overdue"]:
        lines.append(text + f"; {len(p['overdue'])} required postings are overdue:")
        lines.extend(_overdue_lines(p["overdue"], ", "))
    else:
        lines.append(text + "; none overdue.")
    return "\n".join(lines)
