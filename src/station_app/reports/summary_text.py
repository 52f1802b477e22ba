"""The year's figures as text in the township report's own style ("各村法律顾问共现场值班…次"), which staff paste into
the annual report; `stats` prints it and the demo shows it.

Written once, through the translation catalogue: the Chinese sentences are the catalogue's zh_CN strings, so a
change of wording is made in one place for both languages. Code values (channels, categories, dispute types…) are
shown by their label in the current language.
"""

from __future__ import annotations

from typing import Any

from station_app.core.codes import (
    CaseSource,
    Channel,
    CodeTable,
    ConsultationCategory,
    DisputeType,
    MediationOutcome,
    PostingCategory,
    TerminationReason,
)
from station_app.core.i18n import _, ngettext, pgettext

INDENT = "    "


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _label(table: type[CodeTable], value: str) -> str:
    return table(value).label if value in table.values() else value


def _joined(items: list[str]) -> str:
    return pgettext("station_app.reports.summary_text", ", ").join(items)


def _persons(table: type[CodeTable], counts: dict[str, int]) -> str:
    return _joined([pgettext("persons", "{label} {n}", label=_label(table, k), n=v) for k, v in counts.items() if v])


def _cases(table: type[CodeTable], counts: list[tuple[str, int]] | dict[str, int]) -> str:
    pairs = counts.items() if isinstance(counts, dict) else counts
    return _joined([pgettext("cases", "{label} {n}", label=_label(table, k), n=v) for k, v in pairs if v])


def _top(counts: dict[str, int], n: int) -> list[tuple[str, int]]:
    return [(k, v) for k, v in sorted(counts.items(), key=lambda kv: -kv[1]) if v][:n]


def format_stats(st: dict[str, Any]) -> str:
    """The summary of `stats --json`'s figures, in the current language."""
    d, c, m, o, p = st["duty"], st["consultations"], st["mediations"], st["outreach"], st["postings"]
    lines = [_("Public legal service figures {year}", year=st["year"])]
    lines.append(_(
        "1. Legal services: village legal advisers held {village} on-site duty shifts and the township centre's "
        "advisers {centre}, {hours} hours in all, serving {served} people; {persons} people's legal questions were "
        "answered on duty, at outreach events, by WeChat and phone and in other ways.",
        village=d["shifts"]["village"], centre=d["shifts"]["centre"], hours=f"{d['hours']:g}",
        served=d["people_served"], persons=c.get("persons", c["total"])))
    channels = _persons(Channel, c["by_channel"])
    if channels:
        lines.append(INDENT + _("By channel: {channels}; main categories: {categories}.", channels=channels,
                                categories=_cases(ConsultationCategory, _top(c["by_category"], 5))))
    lines += _mediation_lines(m)
    lines.append(_("3. Outreach: {lectures} law lectures and {campaigns} awareness campaigns, {attendees} attendees, "
                   "{materials} materials handed out.", lectures=o["lectures"], campaigns=o["campaigns"],
                   attendees=o["attendees"], materials=o["materials"]))
    if "adviser_lectures" in o:
        lines += _records_lines(st)
    lines += _posting_lines(p)
    return "\n".join(lines)


def _mediation_lines(m: dict[str, Any]) -> list[str]:
    outcome = m["by_outcome"]
    text = _("2. People's mediation: {accepted} cases accepted, {settled} settled, {failed} not settled, {open} in "
             "progress; success rate {rate}", accepted=m["accepted"], settled=outcome[MediationOutcome.SUCCESS.value],
             failed=outcome[MediationOutcome.FAILURE.value], open=outcome[MediationOutcome.IN_PROGRESS.value],
             rate=_pct(m["success_rate"]))
    if m.get("amount_fen"):
        text += _("; amounts involved CNY {amount}", amount=f"{m['amount_fen'] / 100:,.2f}")
    pc = m.get("prevented_criminal") or {}
    if pc.get("cases"):
        text += _("; {cases} disputes ({persons} people) kept from turning into criminal cases",
                  cases=pc["cases"], persons=pc["persons"])
    lines = [text + pgettext("station_app.reports.summary_text", ".")]
    types = _cases(DisputeType, _top(m["by_type"], 5))
    if types:
        lines.append(INDENT + _("Main dispute types: {types}.", types=types))
    if m.get("overdue_open"):
        lines.append(INDENT + ngettext("{n} case still open more than 30 days after acceptance: follow it up.",
                                       "{n} cases still open more than 30 days after acceptance: follow them up.",
                                       m["overdue_open"]))
    if "by_source" not in m:
        return lines
    sources = _cases(CaseSource, m["by_source"])
    if sources:
        lines.append(INDENT + _("By source: {sources}.", sources=sources))
    co, ag, jc, pf = m["carried_over"], m["agreements"], m["judicial_confirmation"], m["performance"]
    if co["cases"]:
        lines.append(INDENT + _(
            "Carried over from earlier years: {cases} ({settled} settled, {failed} not settled, {open} still open "
            "this year); {total} cases in all.", cases=co["cases"], settled=co["settled"], failed=co["not_settled"],
            open=co["still_open"], total=m["cases_incl_carried_over"]))
    lines.append(INDENT + _(
        "Agreements: {written} written, {oral} oral; judicial confirmation applied for {applied}, confirmed "
        "{confirmed}; performed {performed} (rate {rate}).", written=ag["written"], oral=ag["oral"],
        applied=jc["applied"], confirmed=jc["confirmed"], performed=pf["performed"], rate=_pct(pf["rate"])))
    ended = _cases(TerminationReason, m["termination_reasons"])
    if ended or m["refused"]["cases"]:
        text = _("Not accepted: {n}", n=m["refused"]["cases"])
        if ended:
            text += _("; mediation ended because: {reasons}", reasons=ended)
        lines.append(INDENT + text + pgettext("station_app.reports.summary_text", "."))
    pi = m["persons_involved"]
    if pi["organisations"]:
        lines.append(INDENT + _("Parties involved: {persons} people, {organisations} organisations.",
                                persons=pi["persons"], organisations=pi["organisations"]))
    else:
        lines.append(INDENT + _("Parties involved: {persons} people.", persons=pi["persons"]))
    from station_app.reports.mediation_stats import success_rate_definition

    lines.append(INDENT + _("Definition: {definition}.", definition=success_rate_definition()))
    return lines


def _records_lines(st: dict[str, Any]) -> list[str]:
    """Issue 10's figures: advisers' own lectures, themes, villages covered, screening, standards, late postings."""
    o, sc, p, d = st["outreach"], st.get("screening") or {}, st["postings"], st["duty"]
    text = _("Of these, village legal advisers gave {n} law lectures", n=o["adviser_lectures"])
    themes = o.get("by_theme") or {}
    if themes:
        text += pgettext("clause", ", ") + _joined(
            [_("{n} on the theme “{theme}”", n=n, theme=t) for t, n in themes.items()])
    if o.get("villages_covered"):
        text += _("; events covered {n} villages", n=o["villages_covered"])
    lines = [INDENT + text + pgettext("station_app.reports.summary_text", ".")]
    if sc:
        lines.append(INDENT + _("Dispute screening: {found} disputes found, {resolved} resolved, resolution rate "
                                "{rate}.", found=sc["found"], resolved=sc["resolved"],
                                rate=_pct(sc["resolution_rate"])))
    if d.get("below_standard"):
        lines.append(INDENT + _("{n} adviser-village-months below the standard of {hours} hours per village and "
                                "month (`adviser standards` lists them).", n=len(d["below_standard"]),
                                hours=f"{d.get('hours_standard', 4):g}"))
    if p.get("late"):
        lines.append(INDENT + _("{n} required postings went up after the grace period of {days} days.",
                                n=len(p["late"]), days=p.get("grace_days", 10)))
    return lines


def _posting_lines(p: dict[str, Any]) -> list[str]:
    cat = p.get("periods", p["by_category"])
    villages = p.get("villages")
    values = {"party": cat.get(PostingCategory.PARTY.value, 0), "village": cat.get(PostingCategory.VILLAGE.value, 0),
              "finance": cat.get(PostingCategory.FINANCE.value, 0), "total": sum(cat.values())}
    if villages:
        text = _("4. Public postings: {villages} villages posted Party affairs {party}, village affairs {village} "
                 "and finances {finance} periods on their bulletin boards and otherwise, {total} in all",
                 villages=villages, **values)
    else:
        text = _("4. Public postings: the villages posted Party affairs {party}, village affairs {village} and "
                 "finances {finance} periods on their bulletin boards and otherwise, {total} in all", **values)
    if not p["overdue"]:
        return [text + _("; none overdue.")]
    lines = [text + ngettext("; {n} required posting is overdue:", "; {n} required postings are overdue:",
                             len(p["overdue"]))]
    grouped: dict[tuple[str, str], list[str]] = {}
    for o in p["overdue"]:
        grouped.setdefault((o["station"], o["category"]), []).append(o["period"])
    lines += [f"{INDENT}{station} {_label(PostingCategory, cat)}: {_joined(periods)}"
              for (station, cat), periods in grouped.items()]
    return lines
