"""Where an installation keeps its files.

One data directory holds everything of one installation (database, keys, photos, backups, logs), so several
stations can live side by side on one machine: `--data-dir DIR` wins, then STATION_APP_HOME, then the platform's
user data directory (platformdirs).
"""

from __future__ import annotations

import json
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
    def database_setting(self) -> Path:
        """Where a township installation on a database server keeps the server's URL (issue 14); absent for a
        SQLite installation. Keys, photos, backups and logs stay in the data directory either way."""
        return self.root / "database.json"

    @property
    def database_url(self) -> str | None:
        """The database server URL of this installation, or None when its database is the SQLite file."""
        try:
            data = json.loads(self.database_setting.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            # A damaged setting must not silently fall back to an empty SQLite file: the caller says what is wrong.
            return "invalid:" + str(self.database_setting)
        url = data.get("url") if isinstance(data, dict) else None
        return url if isinstance(url, str) and url else "invalid:" + str(self.database_setting)

    @property
    def installed(self) -> bool:
        """Whether an installation lives here: a SQLite database file or a database server setting."""
        return self.database.is_file() or self.database_setting.is_file()

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
