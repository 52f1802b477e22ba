"""`station-app gui`: opens the desktop app. Qt is imported only when the command runs (ui/start.py)."""

from __future__ import annotations

import argparse

from station_app.cli.common import Context
from station_app.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    from station_app.ui.start import add_arguments

    p = sub.add_parser("gui", help=_("open the desktop app"))
    add_arguments(p)
    p.set_defaults(handler=_gui)


def _gui(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.ui.start import run

    return run(args, getattr(args, "lang", None))
