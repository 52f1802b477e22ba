"""Database URLs: a station keeps its SQLite file; a township may keep its database on PostgreSQL (issue 14).

The URL of a PostgreSQL installation is stored in the data directory (`config.Paths.database_setting`). A password
may be part of it, but need not be: libpq reads `PGPASSWORD` and `~/.pgpass` itself, so the setting can hold
`postgresql+psycopg://hub@db.example/township` only. Whatever the URL holds, a password is never printed or logged:
every message shows `mask(url)`.
"""

from __future__ import annotations

import json
from pathlib import Path

from station_app.core.errors import ValidationError
from station_app.core.i18n import _

POSTGRES_DRIVER = "postgresql+psycopg"


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def mask(url: str | None) -> str:
    """The URL with any password replaced by ***: safe for messages and logs."""
    if not url:
        return ""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL may still hold a password: show only its scheme
        return str(url).split(":", 1)[0] + "://…"


def normalise(url: str) -> str:
    """Check a --db-url and return it with psycopg as the driver; a ValidationError says what is wrong."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    raw = (url or "").strip()
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise ValidationError.single("--db-url", _("not a database URL: {url} (expected postgresql://user@host/database)",
                                                   url=mask(raw))) from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ValidationError.single("--db-url", _("only a PostgreSQL server can hold a township database "
                                                   "(postgresql://user@host/database), not {backend}",
                                                   backend=parsed.get_backend_name()))
    if parsed.get_driver_name() not in ("psycopg", "postgresql", "postgres") and parsed.drivername not in (
            "postgresql", "postgres"):
        raise ValidationError.single("--db-url", _("use the psycopg driver (postgresql+psycopg://…), not {driver}",
                                                   driver=parsed.get_driver_name()))
    if not parsed.database:
        raise ValidationError.single("--db-url", _("the URL names no database: {url}", url=mask(raw)))
    return parsed.set(drivername=POSTGRES_DRIVER).render_as_string(hide_password=False)


def save_setting(path: Path, url: str) -> None:
    """Write the installation's database setting atomically, owner-only (it may hold a password)."""
    from station_app.store.atomic import write_atomic

    write_atomic(path, (json.dumps({"url": url}, indent=2) + "\n").encode("utf-8"), mode=0o600)
