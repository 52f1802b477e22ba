"""Rows written by an older release: what the columns added since then hold for them.

Stations upgrade one by one, so a township on this version still imports bundles whose rows lack columns added
after release 0.1.0 (`models.ADDED_COLUMNS`). Only those columns may be missing; anything else still makes the
row invalid.
"""

from __future__ import annotations

from typing import Any

from station_app.store.models import ADDED_COLUMNS


def fill_added_columns(table: str, row: dict[str, Any], keys: set[str]) -> None:
    """Give `row` (in place) the values an older version's row means for columns added since, if every missing
    key is such a column; otherwise leave it as it is for the caller to refuse."""
    added = ADDED_COLUMNS.get(table)
    if not added:
        return
    missing = keys - row.keys()
    if not missing or not missing <= added.keys():
        return
    for key in missing:
        default = added[key]
        row[key] = default(row) if callable(default) else default
