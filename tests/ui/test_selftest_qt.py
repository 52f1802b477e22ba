"""The self-test's font check draws Chinese with the bundled font alone, on a machine with no Chinese fonts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("PySide6")


def test_bundled_font_draws_chinese_without_any_system_chinese_font(tmp_path):
    # A fontconfig that knows no font at all: only the app's own font can draw the characters.
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen")
    code = textwrap.dedent("""
        from station_app.ui.selftest_qt import check_font_renders
        print(check_font_renders())
    """)
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "Droid Sans Fallback" in res.stdout
