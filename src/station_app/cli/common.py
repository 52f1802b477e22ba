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
from station_app.core.i18n import pick

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
    p.add_argument("--json", action="store_true", help=pick("以JSON输出（供脚本使用）", "print JSON (for scripts)"))


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


def fail(ctx: Context, error: StationError, *, code: int) -> int:
    if ctx.json:
        payload: dict[str, Any] = {"error": str(error)}
        if isinstance(error, ValidationError):
            payload["problems"] = [p.as_dict() for p in error.problems]
        print(json.dumps(payload, ensure_ascii=False), file=sys.stderr)
    else:
        print(pick("错误：", "error: ") + str(error), file=sys.stderr)
    return code


def collect(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    """Options that were given on the command line, as a service input dict."""
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def raise_usage(message: str) -> None:
    raise StationError(message)
