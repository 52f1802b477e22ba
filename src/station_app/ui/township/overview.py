"""总览: the township's year at a glance — headline figures, charts (consultations by month, station, category and
channel; duty hours by station; mediations by type and outcome) and what needs attention (villages behind on 三务公开,
mediations open past 30 days, advisers below the duty standard).

Every figure is `app.reports.stats(year, today=cut_off)`, the very dict `stats --json` prints for that year and date:
the page lays it out and computes nothing of its own. The query runs on the op runner (quietly: the page shows
"Counting…" and stays usable; a newer year or date makes an older, slower answer stale).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.core.codes import Channel, ConsultationCategory, DisputeType, MediationOutcome, PostingCategory, PostingStatus
from station_app.core.i18n import _, language, ngettext, pgettext
from station_app.core.query import Query
from station_app.core.safe_text import terminal_safe
from station_app.ui.models.paged import Column, ListModel
from station_app.ui.pages.base import Page
from station_app.ui.pages.common import code_label, table_view, year_combo
from station_app.ui.township import charts
from station_app.ui.widgets.dates import zh_date, zh_month

#: every table whose records the figures count: an import or a write to one of them refreshes the page
TABLES = frozenset({"consultations", "duty_shifts", "duty_log_entries", "mediation_cases", "mediation_parties",
                    "outreach_events", "postings", "screening_items", "stations", "advisers"})

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(key: str) -> str:
    """"2021-03" -> 3月 / Mar (the year is the page's)."""
    m = int(key[5:7])
    return _MONTHS_EN[m - 1] if language() == "en" else f"{m}月"


def years_shown(app: Any, today: date) -> int:
    """How many years the year chooser offers: back to the first consultation (six at least)."""
    try:
        first = app.consultations.list(Query(sort="occurred_at", descending=False, limit=1))
    except Exception:  # a role that may not read consultations: the last six years
        return 6
    return max(6, today.year - first[0].occurred_at.year + 1) if first else 6


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class Figure(QFrame):
    """A headline figure: the number large, what it counts underneath."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        col = QVBoxLayout(self)
        col.setContentsMargins(10, 6, 10, 6)
        self.value = QLabel("—")
        self.value.setTextFormat(Qt.TextFormat.PlainText)
        f = self.value.font()
        f.setPointSizeF(f.pointSizeF() * 1.6)
        f.setBold(True)
        self.value.setFont(f)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        col.addWidget(self.value)
        col.addWidget(self.caption)

    def set(self, value: str, caption: str) -> None:
        self.value.setText(value)
        self.caption.setText(caption)


# -- the three lists -------------------------------------------------------------------------------------------------
def behind_columns(names: dict[str, str]) -> list[Column]:
    return [Column("station", lambda: _("Station"), width=8, fmt=lambda c: station_text(c, names)),
            Column("category", lambda: _("Category"), width=7, fmt=lambda v: code_label(PostingCategory, v)),
            Column("period", lambda: _("Period"), width=5),
            Column("status", lambda: _("Status"), width=5, fmt=lambda v: code_label(PostingStatus, v)),
            Column("posted_on", lambda: _("Posted"), width=7)]


def overdue_case_columns(names: dict[str, str]) -> list[Column]:
    return [Column("station", lambda: _("Station"), width=8, fmt=lambda c: station_text(c, names)),
            Column("case_no", lambda: _("Case no."), width=8),
            Column("accepted_on", lambda: pgettext("station_app.ui.pages.mediation", "Accepted"), width=7),
            Column("dispute_type", lambda: _("Dispute"), width=5, fmt=lambda v: code_label(DisputeType, v)),
            Column("days_open", lambda: _("Days open"), width=4, align=Qt.AlignmentFlag.AlignRight)]


def below_columns(names: dict[str, str]) -> list[Column]:
    return [Column("adviser", lambda: pgettext("station_app.ui.pages.duty", "Adviser"), width=5),
            Column("station", lambda: _("Station"), width=8, fmt=lambda c: station_text(c, names)),
            Column("month", lambda: _("Month"), width=6,
                   fmt=lambda m: zh_month(int(m[:4]), int(m[5:7])) if m else ""),
            Column("hours", lambda: _("Hours on duty"), width=5, fmt=lambda h: f"{h:g}",
                   align=Qt.AlignmentFlag.AlignRight)]


def station_text(code: str | None, names: dict[str, str]) -> str:
    if not code:
        return ""
    name = names.get(code)
    return terminal_safe(f"{code} {name}" if name else code)


def behind_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The villages behind on 三务公开: every overdue and every late period of `stats["postings"]`, by station."""
    p = stats["postings"]
    rows = [dict(x, status=PostingStatus.OVERDUE.value, posted_on=None) for x in p["overdue"]]
    rows += [dict(x, status=PostingStatus.LATE.value, posted_on=_iso(x.get("posted_on"))) for x in p["late"]]
    return sorted(rows, key=lambda r: (r["station"], r["status"] != PostingStatus.OVERDUE.value, r["category"],
                                       r["period"]))


def overdue_case_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(x, accepted_on=_iso(x["accepted_on"])) for x in stats["mediations"]["overdue_open_cases"]]


def below_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    return list(stats["duty"]["below_standard"])


class OverviewPage(Page):
    key = "overview"
    tables = TABLES

    @classmethod
    def title(cls) -> str:
        return _("Overview")

    @classmethod
    def visible_for(cls, app: Any) -> bool:
        return app.may("report.read")

    def __init__(self, app: Any, runner, parent=None, *, today: date | None = None):
        super().__init__(app, runner, parent)
        self.today = today or date.today()
        self.stats: dict[str, Any] | None = None
        self.names = {code: name for code, name, _kind in app.browse.stations()}
        self._build_bar()
        self._build_figures()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("overviewTabs")
        self.tabs.addTab(self._consultations_tab(), _("Consultations"))
        self.tabs.addTab(self._duty_mediation_tab(), _("Duty and mediation"))
        self.tabs.addTab(self._attention_tab(), _("Needs attention"))
        self.layout_.addWidget(self.tabs, 1)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.cut_off.dateChanged.connect(lambda _d: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    # -- layout ----------------------------------------------------------------------------------------------------
    def _build_bar(self) -> None:
        bar = QHBoxLayout()
        self.year = year_combo(years_shown(self.app, self.today), include_all=False, today=self.today)
        self.year.setObjectName("overviewYear")
        latest = self._latest_year()
        if latest is not None and self.year.findData(latest) >= 0:
            self.year.setCurrentIndex(self.year.findData(latest))
        self.cut_off = QDateEdit(QDate(self.today.year, self.today.month, self.today.day))
        self.cut_off.setObjectName("overviewCutOff")
        self.cut_off.setCalendarPopup(True)
        self.cut_off.setDisplayFormat("yyyy-MM-dd")
        self.cut_off.setToolTip(_("Records dated after this day are not counted; late and overdue are judged on it"))
        self.refresh_button = QPushButton(_("Refresh"))
        self.state = QLabel()
        self.state.setObjectName("overviewState")
        bar.addWidget(QLabel(_("Year")))
        bar.addWidget(self.year)
        bar.addWidget(QLabel(_("Cut-off date")))
        bar.addWidget(self.cut_off)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.state, 1)
        self.layout_.addLayout(bar)

    def _latest_year(self) -> int | None:
        """This year, or the latest year with consultations when this year has none yet."""
        try:
            if self.app.consultations.count(Query(filters={"year": self.today.year}, limit=None)):
                return self.today.year
            latest = self.app.consultations.list(Query(sort="occurred_at", descending=True, limit=1))
        except Exception:  # a role that may not read consultations still sees the figures of this year
            return None
        return latest[0].occurred_at.year if latest else None

    def _build_figures(self) -> None:
        grid = QGridLayout()
        self.figures: dict[str, Figure] = {}
        for i, key in enumerate(("consultations", "duty", "mediations", "postings", "advisers")):
            self.figures[key] = Figure(f"figure_{key}")
            grid.addWidget(self.figures[key], 0, i)
        self.layout_.addLayout(grid)

    def _scroll(self, inner: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(inner)
        return area

    def _consultations_tab(self) -> QWidget:
        inner = QWidget()
        grid = QGridLayout(inner)
        self.charts = {
            "by_month": charts.chart_view("chartByMonth"),
            "by_channel": charts.chart_view("chartByChannel", 480),
            "by_category": charts.chart_view("chartByCategory", 480),
            "by_station": charts.chart_view("chartByStation", 300),
        }
        # Wide charts get a row of their own: 12 months or 22 stations need the width for their labels;
        # the horizontal bars need height for theirs.
        grid.addWidget(self.charts["by_month"], 0, 0, 1, 2)
        grid.addWidget(self.charts["by_channel"], 1, 0)
        grid.addWidget(self.charts["by_category"], 1, 1)
        grid.addWidget(self.charts["by_station"], 2, 0, 1, 2)
        return self._scroll(inner)

    def _duty_mediation_tab(self) -> QWidget:
        inner = QWidget()
        grid = QGridLayout(inner)
        self.charts["duty_hours"] = charts.chart_view("chartDutyHours", 300)
        self.charts["mediation_type"] = charts.chart_view("chartMediationType", 480)
        self.charts["mediation_outcome"] = charts.chart_view("chartMediationOutcome", 480)
        grid.addWidget(self.charts["duty_hours"], 0, 0, 1, 2)
        grid.addWidget(self.charts["mediation_type"], 1, 0)
        grid.addWidget(self.charts["mediation_outcome"], 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        return self._scroll(inner)

    def _attention_tab(self) -> QWidget:
        inner = QWidget()
        col = QVBoxLayout(inner)
        self.behind_rows: list[dict[str, Any]] = []
        self.case_rows: list[dict[str, Any]] = []
        self.below: list[dict[str, Any]] = []
        self.lists: dict[str, Any] = {}
        self.list_titles: dict[str, QLabel] = {}
        for key, cols, source, stretch in (
                ("behind", behind_columns(self.names), lambda: self.behind_rows, 0),
                ("overdue_cases", overdue_case_columns(self.names), lambda: self.case_rows, 3),
                ("below_standard", below_columns(self.names), lambda: self.below, 1)):
            title = QLabel()
            title.setObjectName(f"title_{key}")
            f = title.font()
            f.setBold(True)
            title.setFont(f)
            model = ListModel(cols, source)
            view = table_view(model, stretch=stretch)  # a text column takes the rest, not a number
            view.setSortingEnabled(False)
            view.setObjectName(f"list_{key}")
            view.setMinimumHeight(150)
            col.addWidget(title)
            col.addWidget(view, 1)
            self.lists[key] = view
            self.list_titles[key] = title
        return self._scroll(inner)

    def prepare_screenshot(self) -> None:
        """`gui --screenshot-dir`: show the year with the most consultations (a demo's year, not an empty new one)."""
        best, most = None, 0
        for i in range(self.year.count()):
            y = self.year.itemData(i)
            n = self.app.consultations.count(Query(filters={"year": y}, limit=None))
            if n > most:
                best, most = i, n
        if best is not None and best != self.year.currentIndex():
            self.year.setCurrentIndex(best)

    # -- data --------------------------------------------------------------------------------------------------------
    def as_of(self) -> date:
        d = self.cut_off.date()
        return date(d.year(), d.month(), d.day())

    def refresh(self) -> None:
        year, as_of = self.year.currentData(), self.as_of()
        self.state.setText(_("Counting…"))
        self.runner.run(lambda _p, _c: self.app.reports.stats(year, today=as_of), self.show_stats,
                        key="township-overview", title=_("Counting…"), parent=self, quiet=True,
                        on_error=self._failed)

    def _failed(self, error: BaseException) -> bool:
        self.state.setText("")
        return False  # the runner shows its one sentence

    def show_stats(self, stats: dict[str, Any]) -> None:
        self.stats = stats
        upto = min(self.as_of(), date(stats["year"], 12, 31))
        self.state.setText(_("Figures of {year} up to {date} (the same as stats --json)", year=stats["year"],
                             date=zh_date(upto)))
        self._show_figures(stats)
        self._show_charts(stats)
        self._show_lists(stats)

    def _show_figures(self, st: dict[str, Any]) -> None:
        c, d, m, p = st["consultations"], st["duty"], st["mediations"], st["postings"]
        self.figures["consultations"].set(
            str(c["total"]), _("consultations ({persons} people)", persons=c.get("persons", c["total"])))
        self.figures["duty"].set(
            f"{d['shifts']['village'] + d['shifts']['centre']}",
            _("duty shifts: {village} in villages, {centre} at the centre; {hours:g} h, {served} people served",
              village=d["shifts"]["village"], centre=d["shifts"]["centre"], hours=d["hours"],
              served=d["people_served"]))
        self.figures["mediations"].set(
            str(m["accepted"]),
            _("mediations accepted, success rate {rate}; {overdue} open over 30 days",
              rate=_pct(m["success_rate"]), overdue=m["overdue_open"]))
        self.figures["postings"].set(
            str(len(p["overdue"])),
            _("posting periods overdue, {late} posted late ({villages} villages)", late=len(p["late"]),
              villages=len({x["station"] for x in p["overdue"] + p["late"]})))
        below = d.get("below_standard", [])
        self.figures["advisers"].set(
            str(len({(x["adviser"]) for x in below})),
            ngettext("adviser below the duty standard ({n} village-month)",
                     "advisers below the duty standard ({n} village-months)", len(below), n=len(below)))

    def _show_charts(self, st: dict[str, Any]) -> None:
        c, d, m = st["consultations"], st["duty"], st["mediations"]
        by_month = c["by_month"]
        charts.fill_bars(self.charts["by_month"], _("Consultations by month"),
                         [month_label(k) for k in by_month], list(by_month.values()))
        charts.fill_bars(self.charts["by_channel"], _("Consultations by channel"),
                         [code_label(Channel, k) for k in c["by_channel"]], list(c["by_channel"].values()),
                         horizontal=True)
        charts.fill_bars(self.charts["by_station"], _("Consultations by station"),
                         list(c["by_station"]), list(c["by_station"].values()))
        charts.fill_bars(self.charts["by_category"], _("Consultations by category"),
                         [code_label(ConsultationCategory, k) for k in c["by_category"]],
                         list(c["by_category"].values()), horizontal=True)
        charts.fill_bars(self.charts["duty_hours"], _("Duty hours by station (where the shift took place)"),
                         list(d["by_station"]), [v["hours"] for v in d["by_station"].values()])
        charts.fill_bars(self.charts["mediation_type"], _("Mediations by dispute type"),
                         [code_label(DisputeType, k) for k in m["by_type"]], list(m["by_type"].values()),
                         horizontal=True)
        charts.fill_pie(self.charts["mediation_outcome"], _("Mediations by outcome"),
                        [code_label(MediationOutcome, k) for k in m["by_outcome"]], list(m["by_outcome"].values()))

    def _show_lists(self, st: dict[str, Any]) -> None:
        self.behind_rows, self.case_rows, self.below = behind_rows(st), overdue_case_rows(st), below_rows(st)
        for key in self.lists:
            self.lists[key].model().reload()
        villages = len({r["station"] for r in self.behind_rows})
        self.list_titles["behind"].setText(ngettext(
            "Public postings: {n} village behind ({periods} periods late or overdue)",
            "Public postings: {n} villages behind ({periods} periods late or overdue)", villages, n=villages,
            periods=len(self.behind_rows)))
        self.list_titles["overdue_cases"].setText(ngettext(
            "Mediations open more than 30 days: {n} case", "Mediations open more than 30 days: {n} cases",
            len(self.case_rows), n=len(self.case_rows)))
        std = st["duty"].get("hours_standard")
        self.list_titles["below_standard"].setText(_(
            "Advisers below the duty standard of {standard:g} hours a month in a village: {n}",
            standard=std or 0, n=len(self.below)))
