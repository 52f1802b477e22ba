"""The command line is a front end: it reaches the data only through the application object (station_app.app),
never the store or SQLAlchemy directly, so the GUI gets every use case the CLI has."""

from __future__ import annotations

import ast
from pathlib import Path

import station_app.cli

FORBIDDEN = ("station_app.store", "sqlalchemy", "alembic")


def _imports(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
    return out


def test_cli_does_not_import_the_store_or_sqlalchemy():
    cli_dir = Path(station_app.cli.__file__).parent
    bad = [f"{f.name}:{line} imports {name}" for f in sorted(cli_dir.glob("*.py")) for line, name in _imports(f)
           if name.startswith(FORBIDDEN)]
    assert not bad, "\n".join(bad)


def test_the_check_sees_a_forbidden_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from station_app.store.models import User\n    import sqlalchemy\n")
    assert [n for _, n in _imports(probe)] == ["station_app.store.models", "sqlalchemy"]
