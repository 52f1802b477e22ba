"""Fixtures for the CLI tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def station_dir(cli, tmp_path):
    """A village station S01 set up through the CLI; returns its data directory."""
    d = tmp_path / "s01"
    r = cli("init", "station", "--code", "S01", "--name", "小苏庄村", data_dir=d)
    assert r.returncode == 0, r.stderr
    return d
