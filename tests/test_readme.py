"""The README's command-line blocks run in the order written, from nothing (in-process, one temporary home)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from tests.conftest import call_cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(text: str) -> list[str]:
    section = text[text.index("## A township and a station, on the command line"):]
    section = section[:section.index("\n## ", 10)]
    return re.findall(r"```bash\n(.*?)```", section, re.S)


def _commands(block: str) -> list[list[str]]:
    """Each simple command, `a && b` split, quotes and comments handled as sh would."""
    out = []
    for line in block.replace("\\\n", " ").splitlines():
        for part in line.split(" && "):
            words = [os.path.expanduser(w) for w in shlex.split(part, comments=True)]
            if words:
                out.append(words)
    return out


def test_readme_blocks_run_in_order(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    blocks = _blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    ran = 0
    for block in blocks[1:]:  # the first is the venv and its activation
        for argv in _commands(block):
            if argv[0] == "export":
                key, _, value = argv[1].partition("=")
                monkeypatch.setenv(key, value)
            elif argv[:2] == ["mkdir", "-p"]:
                Path(argv[2]).mkdir(parents=True, exist_ok=True)
            else:
                assert argv[0] == "station-app", argv
                r = call_cli(*argv[1:])
                assert r.returncode == 0, (argv, r.stdout, r.stderr)
                ran += 1
    assert ran >= 14
    assert (tmp_path / "usb").is_dir() and list((tmp_path / "usb").glob("S01-changes-*.stbundle"))
