"""One shape for every list: filters, sort key and direction, a page; a count takes the same filters.

This is what a Qt model with canFetchMore/fetchMore needs: it asks `count(query)` once and then
`list(query.page_at(offset))` as the view scrolls. Unknown filter or sort keys are refused with the key named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from station_app.core.errors import FieldProblem, ValidationError
from station_app.core.i18n import _

DEFAULT_LIMIT = 50
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class Query:
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str | None = None  # a key the list names in its SORTS; None = the list's natural order
    descending: bool = False
    offset: int = 0
    limit: int | None = DEFAULT_LIMIT  # None = everything (exports, counts)
    # Keyset paging for long scrolls: with `keyset`, rows are ordered by (sort key, id) only, and `after` = (sort
    # value, id) of the last row already shown starts the page right after it, so the database seeks instead of
    # skipping `offset` rows (a list's 1000th page costs what its first does).
    keyset: bool = False
    after: tuple[Any, str] | None = None

    def page_at(self, offset: int, limit: int | None = None) -> "Query":
        return replace(self, offset=offset, limit=self.limit if limit is None else limit)

    def where(self, **filters: Any) -> "Query":
        return replace(self, filters={**self.filters, **{k: v for k, v in filters.items() if v is not None}})

    def filter(self, key: str, default: Any = None) -> Any:
        value = self.filters.get(key, default)
        return default if value is None else value

    def check(self, filters: frozenset[str] | set[str], sorts: Mapping[str, Any] | set[str]) -> None:
        """Refuse unknown filter/sort keys and bad pages, naming the key (a front end marks the right control)."""
        bad = [FieldProblem(k, _("is not a filter of this list"), key=k)
               for k in self.filters if k not in filters]
        if self.sort is not None and self.sort not in sorts:
            bad.append(FieldProblem("sort", _("cannot sort by {sort!r}", sort=self.sort), key="sort"))
        if self.offset < 0:
            bad.append(FieldProblem("offset", _("cannot be negative"), key="offset"))
        if self.limit is not None and not 0 < self.limit <= MAX_LIMIT:
            bad.append(FieldProblem("limit", _("must be 1 to {max_limit}", max_limit=MAX_LIMIT), key="limit"))
        if bad:
            raise ValidationError(bad)


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    offset: int

    @property
    def more(self) -> bool:
        return self.offset + len(self.rows) < self.total
