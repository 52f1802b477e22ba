"""Fork review at the township (`station-app fork list|show|resolve` and the GUI's 站点 page): both versions of a
bundle number that two PCs of one station wrote, and the decision which one stays, with a reason written to the
sync log (sync/forks.py does the work).

Seeing forks is for everyone who may see the stations; deciding is for those who import bundles (township staff and
administrators): keeping the refused version merges it, which is an import."""

from __future__ import annotations

from typing import Any

from station_app.usecases.base import Area


class Forks(Area):
    def list(self, query: Any = None, *, all_: bool = False) -> list[dict[str, Any]]:  # type: ignore[override]
        """Forks waiting for review (with `all_`, the decided ones too), oldest first."""
        self.app.require("stations.read")
        from station_app.sync import forks

        return forks.list_forks(self.db, all_=all_)

    def count(self, query: Any = None, *, all_: bool = False) -> int:  # type: ignore[override]
        return len(self.list(all_=all_))

    def show(self, fork_id: int) -> dict[str, Any]:
        """The fork, the version held and the version refused (what each carries; field names only)."""
        self.app.require("stations.read")
        from station_app.sync import forks

        return forks.show(self.db, fork_id)

    def resolve(self, fork_id: int, keep: str, reason: str) -> dict[str, Any]:
        """Keep `held` or `offered` (the refused bundle), with a reason (required; written to the sync log)."""
        self.app.require("bundle.import")
        from station_app.sync import forks

        return forks.resolve(self.db, fork_id, keep, reason, self.actor)
