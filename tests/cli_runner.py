"""Calling `station_app.cli.main` in-process with its own stdin, stdout, stderr and environment.

A subprocess costs 1-2 s of imports per command; the CLI tests run hundreds of commands. What a subprocess would
isolate (language, log handlers, environment, the cached secret keys) is saved and restored here.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout


def call(argv: list[str], *, input: str | None = None, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess:
    from station_app.cli import main
    from station_app.core import i18n

    out, err = io.StringIO(), io.StringIO()
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    saved_lang = i18n.current_override()
    saved_stdin = sys.stdin
    app_log = logging.getLogger("station_app")
    saved_log = (list(app_log.handlers), app_log.propagate, app_log.level)
    os.environ.update(env or {})
    sys.stdin = io.StringIO(input or "")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as e:  # argparse's --help, --version and usage errors
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.stdin = saved_stdin
        app_log.handlers[:], app_log.propagate, app_log.level = saved_log  # caplog keeps working afterwards
        i18n.set_language(saved_lang)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess(["station-app", *argv], int(code or 0), out.getvalue(), err.getvalue())
