"""总览 through the real widgets on a real township (T00 with three villages' bundles imported): its figures are
`stats --json`'s for the same year and cut-off date, the charts carry them point by point in the bundled font, the
lists show what needs attention, and the query runs off the GUI thread."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from PySide6.QtCore import QDate

from station_app.reports.stats import township_stats
from tests import small_township
from tests.ui.conftest import shown_window
from tests.ui.test_pages import choose


township_dir, app = small_township.fixtures("overview")


@pytest.fixture
def window(qtbot, runner, app):
    return shown_window(qtbot, runner, app)


def set_date(edit, d: date) -> None:
    edit.setDate(QDate(d.year, d.month, d.day))


def overview_at(window, year: int, as_of: date):
    page = window.show_page("overview")
    choose(page.year, year)
    set_date(page.cut_off, as_of)
    return page


def test_the_overview_is_first_and_its_figures_are_stats_json(window, township_dir, cli):
    from station_app.ui.township.charts import bar_values, pie_values
    from station_app.ui.township.overview import month_label

    assert [c.key for c in window.classes][0] == "overview"
    page = overview_at(window, 2021, date(2022, 1, 1))
    r = cli("--data-dir", str(township_dir), "stats", "--year", "2021", "--as-of", "2022-01-01", "--json")
    assert r.returncode == 0, r.stderr
    expected = json.loads(r.stdout)
    assert json.loads(json.dumps(page.stats, ensure_ascii=False, default=str)) == expected
    c, d, m, p = (expected[k] for k in ("consultations", "duty", "mediations", "postings"))
    assert page.figures["consultations"].value.text() == str(c["total"])
    assert page.figures["mediations"].value.text() == str(m["accepted"])
    assert page.figures["postings"].value.text() == str(len(p["overdue"]))
    # Charts: one bar per month / station / category / channel, each the stats figure.
    labels, values = bar_values(page.charts["by_month"])
    assert labels == [month_label(k) for k in c["by_month"]] == [f"{n}月" for n in range(1, 13)]
    assert values == [float(v) for v in c["by_month"].values()] and sum(values) == c["total"]
    assert bar_values(page.charts["by_station"]) == (list(c["by_station"]), [float(v) for v in c["by_station"].values()])
    assert bar_values(page.charts["by_station"])[0] == ["S03", "S05", "S10", "T00"]
    assert bar_values(page.charts["by_channel"])[1] == [float(v) for v in c["by_channel"].values()]
    assert bar_values(page.charts["by_category"])[1] == [float(v) for v in c["by_category"].values()]
    assert bar_values(page.charts["duty_hours"])[1] == [v["hours"] for v in d["by_station"].values()]
    assert bar_values(page.charts["mediation_type"])[1] == [float(v) for v in m["by_type"].values()]
    assert sorted(pie_values(page.charts["mediation_outcome"]).values()) == \
        sorted(float(v) for v in m["by_outcome"].values() if v)
    # The lists: every late and overdue period, the open cases past 30 days, the advisers below the standard.
    behind = page.lists["behind"].model()
    assert behind.rowCount() == len(p["late"]) + len(p["overdue"]) > 0
    rows = [behind.row(i) for i in range(behind.rowCount())]
    assert {(r["station"], r["period"]) for r in rows if r["status"] == "逾期未公开"} == \
        {(x["station"], x["period"]) for x in p["overdue"]}
    cases = page.lists["overdue_cases"].model()
    assert cases.rowCount() == m["overdue_open"] == 1
    assert cases.data(cases.index(0, 0)).startswith("S05") and cases.row(0)["case_no"].startswith("S05-")
    assert page.lists["below_standard"].model().rowCount() == len(d["below_standard"])


def test_the_cut_off_date_recounts_as_stats_does(window, app):
    from station_app.services.base import StationDB

    page = overview_at(window, 2021, date(2021, 6, 30))
    with StationDB.open(app.paths) as db:
        expected = township_stats(db, 2021, today=date(2021, 6, 30))
    assert page.stats == expected
    assert all(n == 0 for k, n in page.stats["consultations"]["by_month"].items() if k > "2021-06")
    assert page.lists["overdue_cases"].model().rowCount() == 0  # the November case did not exist yet
    assert "2021年6月30日" in page.state.text()


def test_the_charts_use_the_bundled_font_for_their_chinese_labels(window):
    from PySide6.QtCharts import QBarCategoryAxis

    from station_app.ui.app import register_cjk_font

    family = register_cjk_font()
    page = overview_at(window, 2021, date(2022, 1, 1))
    for view in page.charts.values():
        chart = view.chart()
        assert chart.titleFont().families()[0] == family
        for axis in chart.axes():
            assert axis.labelsFont().families()[0] == family
        assert chart.legend().font().families()[0] == family
    axis = next(a for a in page.charts["by_category"].chart().axes() if isinstance(a, QBarCategoryAxis))
    assert "婚姻家庭" in axis.categories()
    assert page.charts["by_month"].grab().width() > 0


def test_the_figures_are_counted_off_the_gui_thread_and_the_page_paints_at_once(qtbot, app):
    from station_app.ui.ops import OpRunner
    from station_app.ui.township.overview import OverviewPage

    runner = OpRunner()  # the real one: a worker thread
    threads: list[threading.Thread] = []
    release = threading.Event()
    real = app.reports.stats

    def slow(year, *, today=None):
        threads.append(threading.current_thread())
        release.wait(10)  # a 100k-record township takes a while: the page must not wait for it
        return real(year, today=today)

    app.reports.stats = slow
    try:
        page = OverviewPage(app, runner, today=date(2022, 1, 1))
        qtbot.addWidget(page)
        page.show()
        assert page.stats is None and page.state.text() == "正在统计…"
        qtbot.waitUntil(lambda: bool(threads), timeout=5000)
        assert threads[0] is not threading.main_thread()
        ticks = []
        qtbot.waitUntil(lambda: ticks.append(1) or len(ticks) > 3, timeout=10000)  # the event loop runs meanwhile
        assert page.stats is None
        release.set()
        qtbot.waitUntil(lambda: page.stats is not None, timeout=20000)
        assert page.stats["year"] == 2021 and page.figures["consultations"].value.text() != "—"
    finally:
        release.set()
        runner.wait(20000)
        app.reports.stats = real


def test_the_overview_lists_pass_the_model_tester(window, qtmodeltester):
    page = overview_at(window, 2021, date(2022, 1, 1))
    for view in page.lists.values():
        qtmodeltester.check(view.model())


def test_an_older_answer_never_overwrites_a_newer_choice(window, app, runner):
    page = window.show_page("overview")
    choose(page.year, 2021)
    set_date(page.cut_off, date(2022, 1, 1))
    assert page.stats["year"] == 2021
    later = [y for y in (page.year.itemData(i) for i in range(page.year.count())) if y != 2021][0]
    choose(page.year, later)
    assert page.stats["year"] == later and page.stats["consultations"]["total"] == 0


def test_the_screenshot_mode_shows_the_overview_with_data_and_the_records(window, tmp_path):
    from PySide6.QtGui import QImage

    from station_app.ui.screenshots import take_all

    shots = {p.name for p in take_all(window, tmp_path, "zh_CN")}
    for name in ("overview", "overview-duty-mediation", "overview-attention", "records"):
        assert f"gui-township-{name}-zh_CN.png" in shots
    page = window.pages["overview"]
    assert page.stats["consultations"]["total"] > 0  # the year with records, not an empty new year
    image = QImage(str(tmp_path / "gui-township-overview-zh_CN.png"))
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert "#4e79a7" in colours  # the charts' bars are painted
