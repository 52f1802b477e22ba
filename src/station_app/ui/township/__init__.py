"""Township mode of the desktop app: the township centre's own pages (docs/gui.md, "Township mode").

`MainWindow` uses `page_classes()` when the installation is the township centre (`app.station().is_township`);
a village station keeps `main_window.page_classes()`. The order here is the navigation order.
"""

from __future__ import annotations

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


__all__ = ["page_classes"]
