"""What `init` does for sync: make this installation's keys (filled in by the sync issue)."""

from __future__ import annotations

from typing import Any


def after_init(db, *, township_card: str | None = None) -> dict[str, Any]:
    return {}
