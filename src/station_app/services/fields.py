"""Cleaning raw input (CLI options, ledger cells, form fields) into record values, with every problem reported.

A `Spec` says for one field how to clean it and what people call it; `clean()` runs all specs and raises one
ValidationError that lists every bad field, so a person fixes everything in one go and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from station_app.core.errors import Problems, ValidationError
from station_app.core.i18n import DEFAULT, _, msgid, tr


@dataclass(frozen=True)
class Spec:
    #: what people call the field: N_("English") or NP_(context, "English"), translated where it is shown
    message: str | tuple[str, str]
    parse: Callable[[Any], Any]
    required: bool = False
    default: Any = None

    @property
    def label(self) -> str:
        return tr(self.message)

    @property
    def en(self) -> str:
        return msgid(self.message)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean(specs: Mapping[str, Spec], data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate `data` against `specs`. With partial=True only the given keys are checked (updates)."""
    problems = Problems()
    out: dict[str, Any] = {}
    for key in data:
        if key not in specs:
            problems.add(key, _("is not a field of this record"), key=key)
    for key, spec in specs.items():
        if partial and key not in data:
            continue
        raw = data.get(key)
        if _blank(raw):
            if spec.required:
                problems.add(spec.label, _("is required"), key=key)
            else:
                out[key] = spec.default
            continue
        try:  # the label is looked up only for a problem: clean runs for every row of a ledger
            value = spec.parse(raw)
        except ValidationError as e:
            for p in e.problems:
                problems.add(spec.label, p.message, key=key)
            continue
        if value is not None:
            out[key] = value
    problems.raise_if_any()
    return out


def text(max_len: int = 2000) -> Callable[[Any], str]:
    from station_app.core.validators import required_text

    return lambda raw: required_text(str(raw), max_len)


def code_of(table) -> Callable[[Any], str]:
    from station_app.core.validators import code

    return lambda raw: code(table, str(raw)).value


def codes_of(table) -> Callable[[Any], str]:
    """Several values of one code table, separated by commas or 、; stored comma-joined."""
    from station_app.core.validators import code

    def parse(raw: Any) -> str:
        items = raw if isinstance(raw, (list, tuple)) else str(raw).replace("、", ",").replace("，", ",").split(",")
        return ",".join(code(table, str(i)).value for i in items if str(i).strip())

    return parse


def boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    t = str(raw).strip().lower()
    if t in {"1", "true", "yes", "y", "是", "有", "√"}:
        return True
    if t in {"0", "false", "no", "n", "否", "无", "×"}:
        return False
    from station_app.core.validators import _fail

    raise _fail(_("must be yes or no: {raw}", raw=raw))


def money_fen(raw: Any) -> int:
    """An amount in yuan (e.g. 12000 or 3500.50) stored as integer fen."""
    from decimal import Decimal, InvalidOperation

    from station_app.core.validators import _fail

    try:
        d = Decimal(str(raw).replace(",", "").replace("元", "").strip())
    except InvalidOperation:
        raise _fail(_("must be an amount in yuan: {raw}", raw=raw)) from None
    if d < 0:
        raise _fail(_("an amount cannot be negative: {raw}", raw=raw))
    return int((d * 100).to_integral_value())


def _label_key(label: str) -> str | None:
    """The key of the field labelled `label` in any loaded service's specs (either language); None if unknown.
    A composite label ("当事人1 / 姓名", "party 1 name") gives the key of its last part."""
    found = _spec_key(label)
    if found is None:
        for sep in (" / ", " "):
            if sep in label:
                found = _spec_key(label.rsplit(sep, 1)[1])
                if found is not None:
                    break
    return found


def _spec_key(label: str) -> str | None:
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("station_app.") or module is None:
            continue
        for attr, value in vars(module).items():
            if attr.endswith("SPECS") and isinstance(value, dict):
                for key, spec in value.items():
                    if isinstance(spec, Spec) and label in (spec.label, spec.en, tr(spec.message, lang=DEFAULT)):
                        return key
    return None


def _install() -> None:
    from station_app.core import errors

    errors.label_key = _label_key


_install()
