"""今日: what needs doing today: the duty, consultations awaiting an answer (约期答复), mediations near the 30-day
mark or the confirmation deadline, 三务 periods coming due, bundles not yet sent."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import Any

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout

from station_app.core.i18n import _, ngettext, pgettext
from station_app.core.query import Query
from station_app.ui.pages.base import Page
from station_app.ui.widgets.dates import zh_date, zh_datetime
from station_app.ui.widgets.deferred import after_first_paint


class TodayPage(Page):
    key = "today"
    tables = frozenset()  # everything: refresh on any change

    @classmethod
    def title(cls) -> str:
        return _("Today")

    def __init__(self, app: Any, runner, parent=None):
        super().__init__(app, runner, parent)
        self.heading.setText(_("Today　{zh_date}", zh_date=zh_date(date.today())))
        grid = QGridLayout()
        self.boxes: dict[str, QLabel] = {}
        spec = [("duty", _("Today's duty")), ("answers", _("Consultations awaiting an answer")),
                ("cases", _("Mediation cases to watch")),
                ("postings", _("Postings of village, party and financial affairs")), ("bundles", _("Sync"))]
        for n, (key, title) in enumerate(spec):
            box = QGroupBox(title)
            col = QVBoxLayout(box)
            label = QLabel()
            label.setObjectName(f"today_{key}")
            label.setWordWrap(True)
            label.setTextFormat(label.textFormat().RichText)
            col.addWidget(label)
            col.addStretch(1)
            self.boxes[key] = label
            grid.addWidget(box, n // 2, n % 2)
        self.layout_.addLayout(grid, 1)
        # The first page of the window: paint it first, fill it straight after (start-up feels instant).
        for label in self.boxes.values():
            label.setText(_("Loading…"))
        after_first_paint(self, self.refresh)

    def refresh(self) -> None:
        today = date.today()
        for key, fn in (("duty", self._duty), ("answers", self._answers), ("cases", self._cases),
                        ("postings", self._postings), ("bundles", self._bundles)):
            try:
                text = fn(today)
            except Exception as e:  # one box failing (a role without the right) must not blank the page
                from station_app.core.errors import StationError

                text = escape(str(e)) if isinstance(e, StationError) else _("not available")
            self.boxes[key].setText(text)

    def _duty(self, today: date) -> str:
        rows = self.app.duty.list(Query(filters={"year": today.year}, sort="start_at", descending=True, limit=50))
        todays = [r for r in rows if r.start_at.date() == today]
        if not todays:
            return _("No duty recorded today.")
        return "<br>".join(escape(f"{r.adviser}　{zh_datetime(r.start_at)}–{r.end_at:%H:%M}　{r.place}") for r in todays)

    def _answers(self, today: date) -> str:
        if not self.app.may("consultation.read"):
            return _("(not for this role)")
        # Promised for the past week (perhaps not yet answered) up to a week ahead.
        query = Query(filters={"follow_up_from": (today - timedelta(days=7)).isoformat(),
                               "follow_up_to": (today + timedelta(days=7)).isoformat()},
                      sort="follow_up_on", limit=8)
        rows = self.app.consultations.list(query)
        if not rows:
            return _("No consultation is awaiting an answer.")
        lines = []
        for r in rows:
            due = self.app.consultations.get(r.id).values.get("follow_up_on")
            lines.append(escape(_("answer by {zh_date}: {consultant}, {summary}", zh_date=zh_date(date.fromisoformat(str(due)[:10])), consultant=r.consultant, summary=r.summary)))
        return "<br>".join(lines)

    def _cases(self, today: date) -> str:
        if not self.app.may("mediation.read"):
            return pgettext("station_app.ui.pages.today", "(not for this role)")
        rows = self.app.mediation.list(Query(filters={"outcome": "调解中"}, sort="accepted_on", limit=200))
        near = [r for r in rows if r.days_open >= 20]
        closed = self.app.mediation.list(Query(filters={"outcome": "调解成功"}, sort="closed_on", descending=True,
                                               limit=200))
        confirm = [r for r in closed if r.judicial_confirmation_due_on is not None
                   and 0 <= (r.judicial_confirmation_due_on - today).days <= 10]
        lines = [escape(ngettext("{case_no}: open {n} day", "{case_no}: open {n} days", r.days_open, case_no=r.case_no)
                        + (_(" (over 30 days)") if r.overdue else _(" (near 30 days)")))
                 for r in near]
        lines += [escape(_("{case_no}: judicial confirmation by {zh_date}", case_no=r.case_no, zh_date=zh_date(r.judicial_confirmation_due_on)))
                  for r in confirm]
        open_n = len(rows)
        head = ngettext("{n} case open.", "{n} cases open.", open_n)
        return head + ("<br>" + "<br>".join(lines) if lines else _("<br>No deadline is near."))

    def _postings(self, today: date) -> str:
        if self.app.station().is_township:
            return _("Township: see the figures for the villages.")
        from station_app.ui.pages.postings import LATE, NOT_DUE, OPEN, OVERDUE, grid, period_text, status_text
        from station_app.core.codes import PostingCategory
        from station_app.ui.pages.common import code_label

        rows = self.app.postings.list(Query(filters={"year": today.year}, limit=None))
        cells = grid(self.app.stations.schedule(), rows, today.year, today)
        lines = []
        for category, row in cells.items():
            for period, status, _p in row:
                if status in (OVERDUE, OPEN) or (status == NOT_DUE and period.start <= today <= period.end):
                    lines.append(escape(_("{category} {period}: {status}", category=code_label(PostingCategory, category),
                                          period=period_text(period), status=status_text(status))))
        return "<br>".join(lines[-8:]) or _("All postings are up to date.")

    def _bundles(self, today: date) -> str:
        status = self.app.bundles.status()
        c = status.get("confirmed") or {}
        exported = status.get("exported", [])
        last = max((b["number"] for b in exported), default=0)
        text = ngettext("{n} bundle exported. ", "{n} bundles exported. ", last)
        if c.get("unconfirmed"):
            text += _("Not yet confirmed: {numbers}.", numbers=_(", ").join(map(str, c["unconfirmed"])))
        elif last:
            text += _("The township has them all.")
        return escape(text) + "<br>" + escape(c.get("text") or "")
