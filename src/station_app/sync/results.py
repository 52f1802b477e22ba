"""What importing one bundle came to, and the error a refused bundle raises.

`BundleRefused` lives here rather than in `sync/bundle.py` so that `payload.py` (which bundle.py imports to validate
what it decrypted) can raise it without a circular import; `sync.bundle` re-exports it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from station_app.core.errors import StationError

#: ImportResult.status values.
IMPORTED = "imported"
ALREADY = "already"
GAP = "gap"
REFUSED = "refused"


class BundleRefused(StationError):
    """A bundle that may not be imported. `reason` is the plain-language message (in the current language); `fork` says
    the refusal is a sign of two writers (flag it for review), not just a damaged or foreign file."""

    exit_code = 1  # the command line: an operation that ran and failed, not bad input

    def __init__(self, reason: str, *, fork: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.fork = fork


@dataclass
class ImportResult:
    path: str
    station_code: str | None
    number: int | None
    status: str  # "imported" | "already" | "gap" | "refused"
    counts: dict[str, int] = field(default_factory=dict)  # rows merged per table
    missing: list[int] = field(default_factory=list)  # bundle numbers still missing from this station
    message: str = ""  # plain language, in the current language
    fork: bool = False

    @property
    def ok(self) -> bool:
        return self.status != REFUSED

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
