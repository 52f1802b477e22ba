"""The GUI reaches the data only through the application object: no store, services, sync, ledger or SQLAlchemy."""

from __future__ import annotations

from pathlib import Path

import station_app.ui
from tests.cli.test_layering import _imports

FORBIDDEN = ("station_app.store", "station_app.services", "station_app.sync", "station_app.ledger",
             "station_app.reports", "station_app.usecases", "sqlalchemy", "alembic")


def test_ui_does_not_reach_below_the_application():
    ui_dir = Path(station_app.ui.__file__).parent
    bad = [f"{f.relative_to(ui_dir)}:{line} imports {name}" for f in sorted(ui_dir.rglob("*.py"))
           for line, name in _imports(f) if name.startswith(FORBIDDEN)]
    # The demo builder makes a demo installation the way the headless demo does; it is not a page.
    bad = [b for b in bad if not b.startswith("demo_station.py")]
    assert not bad, "\n".join(bad)
