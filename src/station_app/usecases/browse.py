"""Every station's records, read only (the township's 各站记录): one listed area per kind, rows with their station."""

from __future__ import annotations

from typing import Any

from station_app.services import all_stations as al
from station_app.usecases.base import Area, Listed


class _StationList(Listed):
    def __init__(self, app: Any, listing: Any):
        super().__init__(app)
        self.listing = listing


class Browse(Area):
    """`app.browse.consultations.list(Query(filters={"station": "S01", "search": "张"}))` and so on for
    `mediation`, `postings`, `outreach`, `duty`. No writes here: records are changed at the station they belong to."""

    def __init__(self, app: Any):
        super().__init__(app)
        self.areas = {kind: _StationList(app, listing) for kind, listing in al.LISTINGS.items()}

    def __getattr__(self, kind: str) -> _StationList:
        areas = self.__dict__.get("areas", {})
        if kind in areas:
            return areas[kind]
        raise AttributeError(kind)

    @staticmethod
    def kinds() -> list[str]:
        return list(al.LISTINGS)

    def stations(self) -> list[tuple[str, str, str]]:
        """(code, name, kind) of every station known here, for the station filter."""
        return al.stations(self.db)
