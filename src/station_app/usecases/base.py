"""What every area shares: the application it belongs to, and a uniform list/count/page over a query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from station_app.core.query import Page, Query

if TYPE_CHECKING:
    from station_app.app import Application
    from station_app.store.stationdb import StationDB


class Area:
    #: key -> services.fields.Spec of the area's main form (None where there is no form)
    specs: Any = None

    def __init__(self, app: "Application"):
        self.app = app

    def labels(self) -> dict[str, str]:
        """Field key -> label in the current language (a form's captions; problems name the same keys)."""
        return {k: s.label for k, s in (self.specs or {}).items()}

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        """Check a form without writing: the cleaned values, or a ValidationError naming every bad field's key."""
        from station_app.services.fields import clean

        return clean(self.specs or {}, data)

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


class Listed(Area):
    """An area whose list is one of services.queries' listings (same filters for the list and its count)."""

    listing: Any = None  # a services.queries.Listing

    def list(self, query: Query | None = None) -> list[Any]:
        from station_app.services import queries

        return queries.rows(self.db, self.actor, self.listing, query)

    def count(self, query: Query | None = None) -> int:
        from station_app.services import queries

        return queries.count(self.db, self.actor, self.listing, query)
