"""`station-app gui`: opens the desktop app. Qt is imported only when the command runs."""

from __future__ import annotations

import argparse

from station_app.cli.common import Context
from station_app.core.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help=_("open the desktop app"))
    p.add_argument("--demo", action="store_true",
                   help=_("open the demo station (built on first use)"))
    p.add_argument("--township", action="store_true",
                   help=_("with --demo: open the demo township centre with its 21 stations (built on first use)"))
    p.add_argument("--screenshot-dir", metavar="DIR",
                   help=_("save a PNG of every page and main dialog, then exit"))
    p.add_argument("--large-font", action="store_true", default=None, help=_("use larger text"))
    p.set_defaults(handler=_gui)


def _gui(args: argparse.Namespace, ctx: Context) -> int:
    from station_app.ui.start import prepare

    prepare()
    from station_app.ui.app import run

    return run(data_dir=args.data_dir, demo=args.demo, screenshot_dir=args.screenshot_dir,
               lang=getattr(args, "lang", None), large_font=args.large_font, township=args.township)
