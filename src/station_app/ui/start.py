"""The window process's first steps, taken before Qt is imported. `station-app gui` and `station-app-gui` both come
through here, so the window opens the same way from either.

Two things make the cold start measurably shorter (bench/bench_gui.py):
- the data core (SQLAlchemy, the mapped models) is imported before PySide6: once PySide6 is imported, its import
  hook reads the source of every module imported after it (PYSIDE-2029, looking for `from __feature__`), which cost
  SQLAlchemy's modules some 80 ms;
- the cycle collector waits until the window is painted: start-up builds some 100,000 long-lived objects and
  collecting among them while they are made is wasted work (about 40 ms). `ui.app.settle()` collects once after the
  first paint, takes the survivors out of later collections and turns the collector back on; so does
  `resume_collector()` when the window waits on a person (the sign-in dialog).
"""

from __future__ import annotations

import gc


def prepare() -> None:
    gc.disable()
    import station_app.app  # noqa: F401  (before Qt, see above)


def resume_collector() -> None:
    """Turn the cycle collector back on (idempotent)."""
    gc.enable()


def main(argv: list[str] | None = None) -> int:
    """`station-app-gui` (no console window on Windows)."""
    prepare()
    from station_app.ui.app import main as gui_main

    return gui_main(argv)
