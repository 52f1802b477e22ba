"""Record values as JSON-ready dicts and back: used by history, bundles and ledgers alike."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, inspect
from sqlalchemy.types import JSON

from station_app.store.models import Synced


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def column_names(model: type) -> list[str]:
    local = getattr(model, "local_columns", frozenset())
    return [c.key for c in inspect(model).columns if c.key not in local]


def record_values(obj: Synced) -> dict[str, Any]:
    """Every (non-local) column of a record, JSON-ready."""
    return {name: json_value(getattr(obj, name)) for name in column_names(type(obj))}


def parse_values(model: type, data: dict[str, Any]) -> dict[str, Any]:
    """Turn JSON values back into Python values for `model`'s columns; raise ValueError/TypeError naming the field.

    Unknown keys are an error: a bundle or file that carries columns we do not know is not trusted.
    """
    cols = {c.key: c for c in inspect(model).columns}
    local = getattr(model, "local_columns", frozenset())
    out: dict[str, Any] = {}
    for key, value in data.items():
        col = cols.get(key)
        if col is None or key in local:
            raise ValueError(f"unknown field {key!r}")
        out[key] = _parse(key, col.type, value, col.nullable)
    return out


def _parse(key: str, type_, value: Any, nullable: bool | None) -> Any:
    if value is None:
        if nullable:
            return None
        raise ValueError(f"field {key!r} may not be null")
    if isinstance(type_, Boolean):
        if not isinstance(value, bool):
            raise TypeError(f"field {key!r} must be true or false")
        return value
    if isinstance(type_, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"field {key!r} must be an integer")
        return value
    if isinstance(type_, DateTime):
        if not isinstance(value, str):
            raise TypeError(f"field {key!r} must be a date-time string")
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"field {key!r}: bad date-time {value!r}") from None
    if isinstance(type_, Date):
        if not isinstance(value, str):
            raise TypeError(f"field {key!r} must be a date string")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"field {key!r}: bad date {value!r}") from None
    if isinstance(type_, JSON):
        if not isinstance(value, (dict, list)):
            raise TypeError(f"field {key!r} must be an object or a list")
        return value
    if not isinstance(value, str):
        raise TypeError(f"field {key!r} must be a string")
    length = getattr(type_, "length", None)
    if length is not None and len(value) > length:
        raise ValueError(f"field {key!r} is longer than {length} characters")
    return value
