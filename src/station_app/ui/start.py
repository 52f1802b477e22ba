"""The window process's first steps, taken before Qt is imported. `station-app gui` and `station-app-gui` both come
through here, so the window opens the same way from either.

- The cycle collector waits until the main window is painted: start-up builds some 100,000 long-lived objects, and
  collecting among them while they are made is wasted work (about 40 ms). `ui.app.settle()` collects once after the
  first paint, takes the survivors out of later collections and turns the collector back on; so does
  `resume_collector()` when the window waits on a person, and `ui.app.run()` on the way out, whatever happens.
- When the window opens signed in (the demo, screenshots), the data core (SQLAlchemy, the mapped models) is imported
  before PySide6: once PySide6 is imported, its import hook reads the source of every module imported after it
  (PYSIDE-2029, looking for `from __feature__`), which cost SQLAlchemy's modules some 80 ms.
- When a person signs in, the sign-in dialog comes first and needs none of that: the data core then loads on a thread
  while they type (`ui.app.preload_while_a_person_types`), so neither the dialog nor the main window after it waits
  for it.
"""

from __future__ import annotations

import argparse
import gc

from station_app.core.i18n import _


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The window's own options (shared by `station-app gui` and `station-app-gui`)."""
    p.add_argument("--demo", action="store_true",
                   help=_("open the demo station (built on first use)"))
    p.add_argument("--township", action="store_true",
                   help=_("with --demo: open the demo township centre with its 21 stations (built on first use)"))
    p.add_argument("--screenshot-dir", metavar="DIR",
                   help=_("save a PNG of every page and main dialog, then exit"))
    p.add_argument("--large-font", action="store_true", default=None, help=_("use larger text"))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="station-app-gui", description=_("Village legal service station (desktop)"))
    add_arguments(p)
    p.add_argument("--data-dir", metavar="DIR", help=_("data directory"))
    p.add_argument("--lang", dest="gui_lang", choices=["zh_CN", "en"], help=_("language"))
    return p


def opens_signed_in(args: argparse.Namespace) -> bool:
    """Whether the window opens without a person signing in (the demo's and the screenshots' known accounts)."""
    return bool(args.demo or args.screenshot_dir)


def prepare(*, signed_in: bool = True) -> None:
    """`signed_in`: the window opens straight onto the main window (see `opens_signed_in`), so the data core is
    needed at once and is loaded now, before Qt; otherwise a person signs in first."""
    gc.disable()
    if signed_in:
        import station_app.app  # noqa: F401  (before Qt, see above)


def resume_collector() -> None:
    """Turn the cycle collector back on (idempotent)."""
    gc.enable()


def run(args: argparse.Namespace, lang: str | None) -> int:
    prepare(signed_in=opens_signed_in(args))
    from station_app.ui.app import run as run_window

    return run_window(data_dir=args.data_dir, demo=args.demo, screenshot_dir=args.screenshot_dir, lang=lang,
                      large_font=args.large_font, township=args.township)


def main(argv: list[str] | None = None) -> int:
    """`station-app-gui` (no console window on Windows)."""
    args = build_parser().parse_args(argv)
    return run(args, args.gui_lang)
