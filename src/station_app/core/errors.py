"""Errors that carry the field (and, for files, the row) they are about, in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class StationError(Exception):
    """Base of every error the app reports to a person; str() is the message to show."""


#: Finds the key of a field from its label when a problem was raised with the label only (set by services.fields,
#: which knows every form's specs). Keys are the same in every language; labels are not.
label_key: Callable[[str], str | None] | None = None


@dataclass
class FieldProblem:
    """One bad field: `key` names it for programs (the same in every language: a form marks that widget, --json
    carries it), `field` is its label in the current language, `message` says what is wrong."""

    field: str
    message: str
    row: int | None = None
    source: str | None = None
    key: str | None = None

    @property
    def label(self) -> str:
        return self.field

    def field_key(self) -> str:
        if self.key:
            return self.key
        found = label_key(self.field) if label_key is not None else None
        return found or self.field

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.field_key(), "field": self.field, "label": self.field, "message": self.message,
                "row": self.row, "source": self.source}

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.row is not None:
            where.append(f"row {self.row}" if _en() else f"第{self.row}行")
        where.append(self.field)
        return f"{' / '.join(where)}: {self.message}"


class ValidationError(StationError):
    """One or more fields are wrong. Nothing has been written."""

    def __init__(self, problems: list[FieldProblem] | FieldProblem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, message: str, *, key: str | None = None) -> "ValidationError":
        return cls(FieldProblem(field, message, key=key))


class NotFoundError(StationError):
    pass


class StateError(StationError):
    """The operation does not fit the record's current state (closing a closed case, editing a tombstone...)."""


@dataclass
class Problems:
    """Collects every problem before raising, so a person sees all of them at once."""

    items: list[FieldProblem] = field(default_factory=list)

    def add(self, field: str, message: str, *, key: str | None = None) -> None:
        self.items.append(FieldProblem(field, message, key=key))

    def check_key(self, key: str, label: str, fn, *args, **kwargs):
        """check(), naming the field's key as well as its label."""
        try:
            return fn(*args, **kwargs)
        except ValidationError as e:
            for p in e.problems:
                self.items.append(FieldProblem(label, p.message, key=key))
            return None

    def check(self, field: str, fn, *args, **kwargs):
        """Run a validator; record its problem under `field` and return None on failure."""
        try:
            return fn(*args, **kwargs)
        except ValidationError as e:
            for p in e.problems:
                self.items.append(FieldProblem(field, p.message))
            return None

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(list(self.items))


def _en() -> bool:
    from station_app.core.i18n import language

    return language() == "en"
