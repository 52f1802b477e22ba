"""Domain rules an imported record must satisfy: the same ones the services apply to a record typed in.

A bundle row has already passed the type checks (column types, lengths, ids) when it gets here; these are the rules
of the domain: values from the code tables, phone and ID numbers, required text, non-negative and bounded counts, a
shift that ends after it starts. They are registered per table, from the services' own field specs where one exists,
so a table added by another module registers its rules next to its service (`register_specs`, `register_field`,
`register_row`) and the bundle reader applies them without knowing the table.

A field rule gets the stored value and must accept it unchanged: a spec that would normalise the value (an English
code label, a phone with spaces, untrimmed text) means the row was not written by the service, and it is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from station_app.core.errors import ValidationError
from station_app.core.i18n import _


@dataclass
class RuleBroken(Exception):
    """One row breaks one rule: the field (column name) and what is wrong (in the current language)."""

    field: str
    message: str


FieldCheck = Callable[[Any], None]  # raises RuleBroken-free errors: ValidationError, ValueError, TypeError
RowCheck = Callable[[Mapping[str, Any]], None]  # raises RuleBroken

_FIELDS: dict[str, dict[str, list[FieldCheck]]] = {}
_ROWS: dict[str, list[RowCheck]] = {}
_loaded = False
#: Values are cached per column (code tables repeat a handful of values across 100k rows); unique values (names,
#: phones) stop being cached at this size.
_MEMO_MAX = 20_000


def register_field(table: str, column: str, check: FieldCheck) -> None:
    """Add a rule for one column of `table`; `check(value)` raises (ValidationError, ValueError) if it is broken.
    None never reaches a field rule (nullability is the type check's business)."""
    _FIELDS.setdefault(table, {}).setdefault(column, []).append(check)


def register_row(table: str, check: RowCheck) -> None:
    """Add a rule that ties fields of one row together; `check(values)` raises RuleBroken."""
    _ROWS.setdefault(table, []).append(check)


def register_specs(table: str, specs: Mapping[str, Any], *, columns: set[str] | None = None,
                   skip: tuple[str, ...] = (), optional: bool = False) -> None:
    """Reuse a service's field specs (services.fields.Spec) for the stored values of `table`.

    Only columns that exist (`columns`, if given) and are not skipped are taken; `optional=True` drops the specs'
    required flag (fields that are filled in later, such as a case's closing fields)."""
    for key, spec in specs.items():
        if key in skip or (columns is not None and key not in columns):
            continue
        register_field(table, key, _stored(spec.parse))
        if spec.required and not optional:
            register_row(table, _required(key))


def _stored(parse: Callable[[Any], Any]) -> FieldCheck:
    def check(value: Any) -> None:
        cleaned = parse(value)
        if cleaned != value:
            raise ValueError(_("is not in its normal form (typed in, it would be {cleaned!r})", cleaned=cleaned))
    return check


def _required(key: str) -> RowCheck:
    def check(values: Mapping[str, Any]) -> None:
        v = values.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            raise RuleBroken(key, _("is required"))
    return check


def bounded(lo: int, hi: int) -> FieldCheck:
    def check(value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ValueError(_("must be a whole number from {lo} to {hi}", lo=lo, hi=hi))
    return check


def _message(e: Exception) -> str:
    if isinstance(e, ValidationError) and e.problems:
        return "；".join(p.message for p in e.problems)
    return str(e)


class _Column:
    """The rules of one column, with a memo of the values already accepted or refused."""

    __slots__ = ("name", "checks", "memo")

    def __init__(self, name: str, checks: list[FieldCheck]):
        self.name = name
        self.checks = checks
        self.memo: dict[Any, tuple[str, str] | None] = {}

    def __call__(self, value: Any) -> None:
        try:
            verdict = self.memo[value]
        except KeyError:
            verdict = None
            for check in self.checks:
                try:
                    check(value)
                except (ValidationError, ValueError, TypeError) as e:
                    verdict = _message(e)
                    break
            if len(self.memo) < _MEMO_MAX:
                self.memo[value] = verdict
        except TypeError:  # unhashable (a JSON column): not memoised
            verdict = None
            for check in self.checks:
                try:
                    check(value)
                except (ValidationError, ValueError, TypeError) as e:
                    verdict = _message(e)
                    break
        if verdict is not None:
            raise RuleBroken(self.name, verdict)


class TableRules:
    """Every rule of one table, ready to run on rows (a dict of column -> Python value)."""

    def __init__(self, table: str):
        self.columns = [_Column(c, checks) for c, checks in _FIELDS.get(table, {}).items()]
        self.rows = list(_ROWS.get(table, []))

    def __bool__(self) -> bool:
        return bool(self.columns or self.rows)

    def check(self, values: Mapping[str, Any]) -> None:
        for col in self.columns:
            v = values[col.name]
            if v is None:
                continue
            # The memo answers most values without a call (code tables repeat a handful of values); a list or
            # dict value (a JSON column) is never in it.
            try:
                passed = v in col.memo and col.memo[v] is None
            except TypeError:
                passed = False
            if not passed:
                col(v)
        for rule in self.rows:
            rule(values)


def rules_for(table: str) -> TableRules:
    """The rules of `table` (empty if none are registered). Build once per import: the memo lives in it."""
    _load_defaults()
    return TableRules(table)


# -- the services' rules -----------------------------------------------------------------------------------------
MAX_COUNT = 1_000_000  # people served in one shift, attendees of one event: far above any real figure
MAX_FEN = 10**14  # one trillion yuan: above any sum a village mediation involves
MAX_POSITION = 100_000


def _load_defaults() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from station_app.core import validators as v
    from station_app.services import advisers, consultations, duty, mediation, outreach, postings
    from station_app.store.models import MODEL_BY_TABLE
    from station_app.store.rowdata import column_names

    def cols(table: str) -> set[str]:
        return set(column_names(MODEL_BY_TABLE[table])) if table in MODEL_BY_TABLE else set()

    register_specs("advisers", advisers.SPECS, columns=cols("advisers"))
    register_specs("consultations", consultations.SPECS, columns=cols("consultations"),
                   skip=("occurred_at", "follow_up_on", "anonymous"))
    register_row("consultations", _anonymous_has_no_name)
    register_specs("duty_shifts", duty.SPECS, columns=cols("duty_shifts"), skip=("start_at", "end_at"))
    register_field("duty_shifts", "people_served", bounded(0, MAX_COUNT))
    register_row("duty_shifts", _shift_span(v.shift_span))
    register_specs("duty_log_entries", duty.LOG_SPECS, columns=cols("duty_log_entries"))
    register_field("duty_log_entries", "position", bounded(0, MAX_POSITION))
    register_specs("postings", postings.SPECS, columns=cols("postings"), skip=("posted_on", "taken_down_on"))
    register_row("postings", _posting_dates)
    register_specs("outreach_events", outreach.SPECS, columns=cols("outreach_events"), skip=("held_on",))
    for c in ("attendees", "materials"):
        register_field("outreach_events", c, bounded(0, MAX_COUNT))
    case_cols = cols("mediation_cases")
    register_specs("mediation_cases", mediation.CASE_SPECS, columns=case_cols, skip=("accepted_on", "amount_fen"))
    register_specs("mediation_cases", mediation.CLOSE_SPECS, columns=case_cols, optional=True,
                   skip=("closed_on", "performance_due_on", "signed_on", "outcome"))
    register_field("mediation_cases", "amount_fen", bounded(0, MAX_FEN))
    if "prevented_criminal_persons" in case_cols:
        register_field("mediation_cases", "prevented_criminal_persons", bounded(0, MAX_COUNT))
    register_specs("mediation_parties", mediation.PARTY_SPECS, columns=cols("mediation_parties"))
    register_specs("mediation_sessions", mediation.SESSION_SPECS, columns=cols("mediation_sessions"),
                   skip=("held_at",))
    register_specs("mediation_followups", mediation.FOLLOWUP_SPECS, columns=cols("mediation_followups"),
                   skip=("visited_on", "sued"))


def _anonymous_has_no_name(values: Mapping[str, Any]) -> None:
    # The consultation service's rule: an anonymous record keeps no name; a record without a name is anonymous.
    if values.get("anonymous") and values.get("consultant_name"):
        raise RuleBroken("consultant_name", _("an anonymous consultation keeps no name"))
    if not values.get("anonymous") and not values.get("consultant_name"):
        raise RuleBroken("anonymous", _("a consultation without a name must be anonymous"))


def _shift_span(span: Callable) -> RowCheck:
    def check(values: Mapping[str, Any]) -> None:
        try:
            span(values["start_at"], values["end_at"])
        except ValidationError as e:
            raise RuleBroken("end_at", _message(e)) from None
    return check


def _posting_dates(values: Mapping[str, Any]) -> None:
    posted, down = values.get("posted_on"), values.get("taken_down_on")
    if posted is not None and down is not None and down < posted:
        raise RuleBroken("taken_down_on", _("{down} is before the posting date {posted}", down=down, posted=posted))
