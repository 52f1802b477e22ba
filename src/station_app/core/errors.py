"""Errors that carry the field (and, for files, the row) they are about, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field


class StationError(Exception):
    """Base of every error the app reports to a person; str() is the message to show."""


@dataclass
class FieldProblem:
    field: str
    message: str
    row: int | None = None
    source: str | None = None

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
    def single(cls, field: str, message: str) -> "ValidationError":
        return cls(FieldProblem(field, message))


class NotFoundError(StationError):
    pass


class StateError(StationError):
    """The operation does not fit the record's current state (closing a closed case, editing a tombstone...)."""


@dataclass
class Problems:
    """Collects every problem before raising, so a person sees all of them at once."""

    items: list[FieldProblem] = field(default_factory=list)

    def add(self, field: str, message: str) -> None:
        self.items.append(FieldProblem(field, message))

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
