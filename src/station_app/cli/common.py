"""What every command needs: the installation, the acting user, JSON or text output, error reporting."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from station_app import config
from station_app.core.errors import StationError, ValidationError
from station_app.core.i18n import _
from station_app.services.base import StationDB


@dataclass
class Context:
    paths: config.Paths
    user: str
    json: bool = False
    _db: StationDB | None = field(default=None, repr=False)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "Context":
        user = args.user or os.environ.get("STATION_APP_USER") or _os_user()
        return cls(paths=config.resolve(args.data_dir), user=user, json=bool(getattr(args, "json", False)))

    def db(self) -> StationDB:
        """The opened, set-up installation (checked, backed up, migrated on first use)."""
        if self._db is None:
            self._db = StationDB.open(self.paths)
            _ = self._db.station_id  # raises a clear message when init has not run
            from station_app.store.backups import rolling_backup

            rolling_backup(self._db)
        return self._db

    def adopt(self, db: StationDB) -> None:
        self._db = db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return "station"


def add_json(p: argparse.ArgumentParser) -> None:
    """Kept for the command modules: every parser built by cli/parser.py already has --json (a global option)."""
    if "--json" not in p._option_string_actions:
        p.add_argument("--json", action="store_true", help=_("print JSON (for scripts)"))


def _default(o: Any) -> Any:
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if hasattr(o, "as_dict"):
        return o.as_dict()
    raise TypeError(type(o).__name__)


def emit(ctx: Context, data: Any, text: str | list[str] | None = None) -> None:
    """Print `data` as JSON with --json, else the human text (or a readable JSON if no text is given)."""
    if ctx.json or text is None:
        print(json.dumps(data, ensure_ascii=False, indent=None if ctx.json else 2, default=_default))
        return
    if isinstance(text, list):
        text = "\n".join(text)
    print(text)


def table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain table that lines up Chinese text (wide characters count as two columns)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - width(c)) for i, c in enumerate(r)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def record_text(title: str, details: dict[str, Any], specs: dict[str, Any]) -> str:
    """One record as a tidy card: a title, each filled-in field under its label in the current language, then who
    made and last changed it. The same layout for every `show` command (JSON output keeps the field keys)."""
    from station_app.core.timefmt import local_text

    def shown(value: Any) -> str:
        # Field values are wall-clock times as typed (not converted); only the footer's stamps are UTC.
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, (datetime, date)):
            value = value.isoformat()
        if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
            text = value[:16].replace("T", " ")
            return text[:10] if text[10:] in ("", " 00:00") else text
        if isinstance(value, (list, tuple)):
            return _(", ").join(map(str, value))
        return str(value)

    rows = [[_("{label}:", label=spec.label), shown(details[key])] for key, spec in specs.items()
            if details.get(key) not in (None, "", [], False)]
    body = table(rows, ["", ""]).split("\n")[2:] if rows else []  # the layout of table(), without its header
    lines = [title, *body]
    footer = _("id {id}; recorded {created} by {created_by}; last changed {updated} by {updated_by}",
               id=details.get("id", ""), created=local_text(details.get("created_at")),
               created_by=details.get("created_by", ""), updated=local_text(details.get("updated_at")),
               updated_by=details.get("updated_by", ""))
    return "\n".join(lines + [footer])


def fail(ctx: Context, error: StationError, *, code: int) -> int:
    if ctx.json:
        payload: dict[str, Any] = {"error": str(error)}
        if isinstance(error, ValidationError):
            payload["problems"] = [{"field": p.field, "message": p.message, "row": p.row, "source": p.source}
                                   for p in error.problems]
        print(json.dumps(payload, ensure_ascii=False), file=sys.stderr)
    else:
        print(_("error: {message}", message=str(error)), file=sys.stderr)
    return code


def fail_text(as_json: bool, message: str, *, code: int) -> int:
    """Report a failure that is not a StationError (an unplugged stick, a missing installation) the same way."""
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False), file=sys.stderr)
    else:
        print(_("error: {message}", message=message), file=sys.stderr)
    return code


def collect(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    """Options that were given on the command line, as a service input dict."""
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def raise_usage(message: str) -> None:
    raise StationError(message)
