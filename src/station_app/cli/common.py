"""What every command needs: the installation, the acting user, JSON or text output, error reporting."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from station_app import config
from station_app.core.errors import StationError, ValidationError
from station_app.core.i18n import _
from station_app.core.safe_text import json_safe, terminal_safe

if TYPE_CHECKING:
    from station_app.app import Application


@dataclass
class Context:
    """One command's view of the installation: the application opened as `--user NAME` (which must exist) or,
    without it, as the installation's administrator with the OS account noted in the access log."""

    paths: config.Paths
    login: str | None = None
    json: bool = False
    _app: "Application | None" = field(default=None, repr=False)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "Context":
        return cls(paths=config.resolve(args.data_dir), login=args.user or None, json=bool(getattr(args, "json", False)))

    def app(self) -> "Application":
        """The opened, set-up installation (checked, backed up, migrated and signed in on first use)."""
        if self._app is None:
            from station_app.app import Application

            self._app = Application.open(self.paths, login=self.login, progress=progress_bar(self))
        return self._app

    @property
    def user(self) -> str:
        """The acting login (opens the application)."""
        return self.app().login

    def db(self):  # -> StationDB; kept for handlers not yet moved onto the application object
        return self.app().db

    def adopt(self, app: "Application") -> None:
        self._app = app

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None


def progress_bar(ctx: Context):
    """A progress callback (done, total, words) drawing a tqdm bar on a terminal for work that lasts over about a
    second; nothing with --json or when stderr is not a terminal."""
    if ctx.json or not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def update(done: int, total: int, words: str) -> None:
        bar = state.get("bar")
        if bar is None:
            from tqdm import tqdm

            # delay: the bar appears only when the work goes on for more than a second
            bar = state["bar"] = tqdm(total=total, delay=1.0, leave=False, file=sys.stderr, unit="",
                                      bar_format="{desc} {bar} {n_fmt}/{total_fmt}")
        if total and bar.total != total:
            bar.total = total
        bar.set_description_str(words[:40], refresh=False)
        bar.update(done - bar.n)  # tqdm draws only once `delay` has passed
        if total and done >= total:
            bar.close()
            state.pop("bar", None)

    return update


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
    # Text from bundles and records may carry terminal controls: never printed as is (core/safe_text.py).
    if ctx.json or text is None:
        print(json_safe(json.dumps(data, ensure_ascii=False, indent=None if ctx.json else 2, default=_default)))
        return
    if isinstance(text, list):
        text = "\n".join(text)
    print(terminal_safe(text, multiline=True))


def table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain table that lines up Chinese text (wide characters count as two columns)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    cells = [[str(h) for h in headers]] + [["" if c is None else terminal_safe(c) for c in r] for r in rows]
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
            payload["problems"] = [p.as_dict() for p in error.problems]
        print(json_safe(json.dumps(payload, ensure_ascii=False)), file=sys.stderr)
    else:
        print(_("error: {message}", message=terminal_safe(error, multiline=True)), file=sys.stderr)
    return code


def fail_text(as_json: bool, message: str, *, code: int) -> int:
    """Report a failure that is not a StationError (an unplugged stick, a missing installation) the same way."""
    if as_json:
        print(json_safe(json.dumps({"error": message}, ensure_ascii=False)), file=sys.stderr)
    else:
        print(_("error: {message}", message=terminal_safe(message, multiline=True)), file=sys.stderr)
    return code


def collect(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    """Options that were given on the command line, as a service input dict."""
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def raise_usage(message: str) -> None:
    raise StationError(message)


def emit_changed(ctx: Context, result, what: str) -> int:
    """What a write changed: JSON (counter and every change) with --json, else the sentence and the first id."""
    data = {"counter": result.counter, "changes": [c.__dict__ for c in result.changes]}
    ids = ", ".join(c.id for c in result.changes[:1])
    emit(ctx, data, _("{what}: {ids}", what=what, ids=ids) if ids else _("{what} (nothing changed)", what=what))
    return 0
