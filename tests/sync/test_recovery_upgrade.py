"""Recovery over an installation made by release 0.1.0 (tests/fixtures/v0.1.0): its bundles were exported before the
outbox existed, so `--resend` takes them from the files they were written to, or says which `--from` to use."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

from station_app.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v0.1.0"


def _copy(tmp_path) -> Path:
    root = tmp_path / "s01"
    shutil.copytree(FIXTURE / "s01", root)
    for key in (root / "keys").iterdir():
        if key.is_file():
            key.chmod(0o600)
    (root / "keys").chmod(0o700)
    return root


def _point(root: Path, number: int, path: Path) -> None:
    con = sqlite3.connect(root / "station.sqlite3")
    with con:
        con.execute("UPDATE exported_bundles SET path=? WHERE kind='changes' AND number=?", (str(path), number))
    con.close()


def test_resend_of_a_bundle_exported_by_release_0_1_0(tmp_path, capsys):
    root = _copy(tmp_path)
    shutil.copytree(FIXTURE / "bundles", tmp_path / "sent")
    original = tmp_path / "sent" / "S01-changes-000002.stbundle"
    _point(root, 2, tmp_path / "gone" / original.name)
    code = main(["--data-dir", str(root), "bundle", "export", "--resend", "2", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "--from 16" in err  # bundle 2 carried counters 16..16

    _point(root, 2, original)
    code = main(["--data-dir", str(root), "bundle", "export", "--resend", "2", "--out", str(tmp_path / "out"),
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    again = Path(out["path"]).read_bytes()
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(original.read_bytes()).hexdigest()
