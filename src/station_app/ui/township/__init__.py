"""Township mode of the desktop app: the township centre's own pages (docs/gui.md, "Township mode").

`MainWindow` uses `page_classes()` when the installation is the township centre (`app.station().is_township`);
a village station keeps `main_window.page_classes()`. The order here is the navigation order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package must not import Qt (tests/test_no_qt_outside_ui.py walks packages)
    from station_app.ui.pages.base import Page


def page_classes() -> list[type[Page]]:
    from station_app.ui.pages.settings import SettingsPage
    from station_app.ui.township.import_centre import ImportCentrePage
    from station_app.ui.township.overview import OverviewPage
    from station_app.ui.township.records import RecordsPage
    from station_app.ui.township.stations import StationsPage

    pages: list[type[Page]] = []
    pages += [OverviewPage]  # 总览 first: the year at a glance
    pages += [ImportCentrePage, StationsPage]
    pages += [RecordsPage]  # every station's records, read only
    pages += [SettingsPage]
    return pages


def screenshot_dialogs(window) -> dict:
    """The township's main dialogs for `gui --screenshot-dir` (name -> maker returning the dialog or None)."""
    out = {}
    keys = {c.key for c in window.classes}
    if "stations" in keys:
        def fork_review():
            page = window.show_page("stations")
            if not page.fork_list:
                return None
            page.review_fork(page.fork_list[0]["id"])
            return page.fork_dialog

        out["fork-review"] = fork_review
    if "overview" in keys:
        out.update(_overview_tabs(window))
    return out


def _overview_tabs(window) -> dict:
    """The 总览's other tabs (charts of duty and mediation; the lists needing attention), each as its own shot."""
    from station_app.ui.township.overview import OverviewPage

    def tab(index: int):
        def make():
            page = OverviewPage(window.app, window.runner)
            page.prepare_screenshot()
            page.tabs.setCurrentIndex(index)
            page.resize(window.stack.size() if window.stack.width() > 200 else window.size())
            return page
        return make

    return {"overview-duty-mediation": tab(1), "overview-attention": tab(2)}


__all__ = ["page_classes", "screenshot_dialogs"]
