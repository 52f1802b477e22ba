"""Running one parsed command: the installation check, logging to the data directory, and exit codes.

Every error a person can cause or meet ends in one plain sentence on stderr and an exit code; a traceback never
reaches the terminal. What was not foreseen is written with its traceback to the log file, whose path the sentence
gives.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
import tempfile
from pathlib import Path

from station_app import config
from station_app.core.i18n import _

LOG_NAME = "station-app.log"
log = logging.getLogger("station_app.cli")


class DataDirLogHandler(logging.Handler):
    """Appends to <data dir>/logs/station-app.log once that folder exists (it is never created here, so a mistyped
    --data-dir stays uncreated), else to station-app.log in the temporary folder. Opens the file per record: a
    command logs little, and nothing is left open."""

    def __init__(self, paths: config.Paths):
        super().__init__(logging.INFO)
        self.paths = paths
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    @property
    def path(self) -> Path:
        if self.paths.logs.is_dir():
            return self.paths.logs / LOG_NAME
        return Path(tempfile.gettempdir()) / LOG_NAME

    def emit(self, record: logging.LogRecord) -> None:
        try:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(self.format(record) + "\n")
        except Exception:  # a log that cannot be written must not turn into a second error
            self.handleError(record)


def setup_logging(paths: config.Paths, verbose: bool) -> DataDirLogHandler:
    """The app's log goes to the data directory's file, never raw to the terminal (unless -v)."""
    root = logging.getLogger("station_app")
    for h in list(root.handlers):
        if getattr(h, "_station_cli", False):
            root.removeHandler(h)
    handler = DataDirLogHandler(paths)
    handler._station_cli = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if verbose:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        console._station_cli = True  # type: ignore[attr-defined]
        root.addHandler(console)
    root.setLevel(logging.INFO)
    root.propagate = False  # logging's last-resort handler would print warnings raw to stderr
    return handler


def needs_installation(args: argparse.Namespace) -> bool:
    from station_app.cli import NO_INSTALLATION_NEEDED

    key = (args.command, getattr(args, "action", None))
    return (args.command, None) not in NO_INSTALLATION_NEEDED and key not in NO_INSTALLATION_NEEDED


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    paths = config.resolve(args.data_dir)
    handler = setup_logging(paths, bool(args.verbose))
    if not getattr(args, "handler", None):
        # The GUI arrives with a later issue; until then a bare `station-app` explains itself.
        parser.print_help()
        return 0
    from station_app.cli.common import Context, fail, fail_text

    if needs_installation(args) and not paths.installed:
        # Checked before anything is opened: a mistyped --data-dir must not leave folders behind.
        return fail_text(bool(args.json), _(
            "no installation in {folder} (no station.sqlite3 there): check --data-dir or STATION_APP_HOME, "
            "or set one up with station-app init", folder=paths.root), code=2)
    missing = missing_output_folder(args)
    if missing is not None:
        # An unplugged USB stick: say so before anything is written (the writers would create the folder on the
        # local disk instead).
        return fail_text(bool(args.json), _("{path} does not exist (is the USB stick plugged in? is the folder name "
                                            "right?)", path=missing), code=1)
    ctx = Context.from_args(args)
    from station_app.core.errors import StationError

    try:
        return int(args.handler(args, ctx) or 0)
    except StationError as e:
        # Bad input by default; an error class that means "ran and failed" says so with exit_code = 1.
        return fail(ctx, e, code=int(getattr(e, "exit_code", 2)))
    except OSError as e:
        log.warning("%s failed: %r", args.command, e)
        return fail_text(ctx.json, os_error_sentence(e), code=1)
    except EOFError:
        # A prompt (a password) with no terminal and nothing piped in.
        return fail_text(ctx.json, _("this command asks a question but there is no terminal to answer it; give the "
                                     "answer as an option (e.g. --password-env VAR)"), code=2)
    except KeyboardInterrupt:
        return fail_text(ctx.json, _("cancelled"), code=130)
    except Exception as e:  # noqa: BLE001 - the last line of defence: a sentence, and the details in the log
        if _is_locked(e):
            return fail_text(ctx.json, _("the database is busy (locked by another station-app); close the other "
                                         "window or wait for it to finish, then try again"), code=1)
        log.exception("unexpected error in %s", " ".join(sys.argv[1:]) or args.command)
        return fail_text(ctx.json, _("unexpected error ({kind}); nothing more can be said here. The details are in "
                                     "{log}", kind=type(e).__name__, log=handler.path), code=1)
    finally:
        ctx.close()


def missing_output_folder(args: argparse.Namespace) -> Path | None:
    """The folder an --out path would be written into, when that folder does not exist (None when it does)."""
    out = getattr(args, "out", None)
    if not isinstance(out, str) or args.command == "demo":  # demo makes its own output folder
        return None
    path = Path(out).expanduser()
    if path.exists() or path.parent.is_dir():
        return None
    return path.parent


def _is_locked(e: BaseException) -> bool:
    text = str(e).lower()
    return type(e).__name__ == "OperationalError" and ("locked" in text or "busy" in text)


def os_error_sentence(e: OSError) -> str:
    """A sentence for a failed file operation: an unplugged stick, a full disk, a read-only folder."""
    where = e.filename or ""
    if e.errno == errno.ENOENT:
        return _("{path} does not exist (is the USB stick plugged in? is the folder name right?)", path=where)
    if e.errno == errno.ENOSPC:
        return _("the disk holding {path} is full; free some space or use another USB stick", path=where)
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("not allowed to write {path} (read-only USB stick or folder?)", path=where)
    if e.errno == errno.ENOTDIR:
        return _("{path} is not a folder", path=where)
    return _("could not use {path}: {reason}", path=where, reason=e.strerror or os.strerror(e.errno or 0))
