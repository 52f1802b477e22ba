"""Where an installation keeps its files.

One data directory holds everything of one installation (database, keys, photos, backups, logs), so several
stations can live side by side on one machine: `--data-dir DIR` wins, then STATION_APP_HOME, then the platform's
user data directory (platformdirs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "station_app"
ENV_HOME = "STATION_APP_HOME"


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "station.sqlite3"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def photos(self) -> Path:
        return self.root / "photos"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    def ensure(self) -> "Paths":
        from station_app.store.private import private_dir

        # Owner-only whatever the umask (store/private.py): the folders hold personal data.
        for d in (self.root, self.backups, self.logs, self.photos, self.keys, self.exports):
            private_dir(d)
        return self


def resolve(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    if data_dir:
        return Paths(Path(data_dir).expanduser().resolve())
    env = os.environ.get(ENV_HOME)
    if env:
        return Paths(Path(env).expanduser().resolve())
    return Paths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
