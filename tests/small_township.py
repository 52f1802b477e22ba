"""A township centre (T00) with three villages' bundles imported: the demo's generator and sync, at a size tests can
afford (a few seconds, built once per session and copied per module). The villages are chosen for what they show:
S03 a late 财务 posting, S05 a mediation case open past 30 days at the year's end, S10 an overdue 村务 period."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

YEAR = 2021
AS_OF = date(YEAR + 1, 1, 1)
VILLAGES = ("S03", "S05", "S10")


def build(out: Path, villages: tuple[str, ...] = VILLAGES, year: int = YEAR, seed: int = 2021) -> Path:
    """Build under `out` (made empty); return the township's data directory."""
    from station_app import config, demo
    from station_app.services.base import StationDB
    from station_app.sync import identity

    out = demo.prepare_out(out)
    plans = demo.make_plans(year, seed)
    (out / "cards").mkdir(exist_ok=True)
    with demo._init(out / "T00", plans[0], None) as township:
        card = identity.export_card(township, out / "cards" / "T00.card.json")
        demo.record_year(township, plans[0], year, seed)
    built = [demo._build_station((out, plan, year, seed, card)) for plan in plans[1:] if plan.code in villages]
    with StationDB.open(config.resolve(out / "T00")) as township:
        for _dir, station_card in built:
            identity.enroll(township, station_card)
    demo.send_to_township(out, [out / "T00"] + [d for d, _card in built], workers=1)
    return out / "T00"


_template: dict[str, Path] = {}


def copy(tmp_factory, name: str = "township") -> Path:
    """A fresh copy of the session's small township (built on first use)."""
    if "dir" not in _template:
        _template["dir"] = build(tmp_factory.mktemp("small-township-template") / "demo")
    root = tmp_factory.mktemp(name) / "demo"
    shutil.copytree(_template["dir"].parent, root, symlinks=True)
    return root / "T00"


def open_app(folder: Path):
    """The township's application object, signed in as its administrator (the caller closes it)."""
    from station_app import config
    from station_app.app import Application

    return Application.open(config.resolve(folder), passphrase=lambda _p: None, backup=False)


def fixtures(name: str):
    """`township_dir, app = small_township.fixtures("records")` in a test module: a copy of the small township for
    the module, and its application opened for each test (closed after it)."""
    import pytest

    @pytest.fixture(scope="module")
    def township_dir(tmp_path_factory):
        return copy(tmp_path_factory, name)

    @pytest.fixture
    def app(township_dir):
        a = open_app(township_dir)
        yield a
        a.close()

    return township_dir, app
