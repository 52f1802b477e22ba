"""Showing stored times to people: metadata times are kept in UTC and shown in the PC's local time."""

from __future__ import annotations

from datetime import datetime, timezone


def local_text(value: datetime | str | None, *, seconds: bool = False) -> str:
    """'2021-03-05 17:30' in local time for a naive-UTC datetime or an ISO string ('...Z' or naive = UTC)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
