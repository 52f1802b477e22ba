"""What every area shares: the application it belongs to, and a uniform list/count/page over a query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from station_app.core.query import Page, Query

if TYPE_CHECKING:
    from station_app.app import Application
    from station_app.store.stationdb import StationDB


class Area:
    def __init__(self, app: "Application"):
        self.app = app

    @property
    def db(self) -> "StationDB":
        return self.app.db

    @property
    def actor(self) -> str:
        return self.app.login

    # Lists: subclasses implement list(query) and count(query) with the same filters.
    def list(self, query: Query | None = None) -> list[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def count(self, query: Query | None = None) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def page(self, query: Query | None = None) -> Page:
        """One page and the total, for a view that fetches more as it scrolls."""
        query = query or Query()
        return Page(self.list(query), self.count(query), query.offset)
