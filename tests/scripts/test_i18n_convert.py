"""scripts/i18n.py convert: pick("中文", "English") calls become catalogue calls, on snippets and on a copy of src/."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_i18n import ROOT, load_script

SNIPPET = '''"""m."""

from station_app.core.i18n import pick


def f(station, info, rows):
    for _ in rows:
        pass
    a = pick("已初始化", "set up")
    b = pick(f"已初始化 {station.code} {station.name}（{info['kind']}）",
             f"set up {station.code} {station.name} ({info['kind']})")
    c = pick(f"{len(rows):>3} 行 {{原样}}", f"{len(rows):>3} rows {{as is}}")
    d = pick(f"{'、'.join(rows)}", f"{', '.join(rows)}")
    e = pick("编号", "id")
    return f"{pick('时间', 'time')}: {a}"
'''


def test_convert_snippet():
    script = load_script()
    known = {(None, "id"): "身份"}  # "id" already means something else elsewhere
    out = script.convert_source(SNIPPET, "station_app.m", known)
    tree = ast.parse(out.source)
    assert out.converted == 5
    assert [s.reason for s in out.skipped] == ["Chinese text inside a placeholder ('、'.join(rows))"]
    assert '_("set up")' in out.source
    assert '_("set up {code} {name} ({kind})", code=station.code, name=station.name, kind=info[\'kind\'])' in out.source
    assert '_("{len:>3} rows {{as is}}", len=len(rows))' in out.source
    assert 'pgettext("station_app.m", "id")' in out.source
    assert "{_('time')}" in out.source  # inside an f-string: the other quote
    assert "for _unused in rows" in out.source  # a loop variable would have shadowed _()
    assert "from station_app.core.i18n import _, pgettext, pick" in out.source  # pick still used by d
    pairs = {(en, ctx): zh for en, zh, ctx in out.pairs}
    assert pairs[("set up {code} {name} ({kind})", None)] == "已初始化 {code} {name}（{kind}）"
    assert pairs[("{len:>3} rows {{as is}}", None)] == "{len:>3} 行 {{原样}}"
    assert pairs[("id", "station_app.m")] == "编号"
    again = script.convert_source(out.source, "station_app.m", known)
    assert again.converted == 0 and again.source == out.source  # idempotent
    assert tree is not None


def _run(src: Path, code: str, lang: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(src), STATION_APP_LANG=lang)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


SMOKE = """
import contextlib, io, json, sys, tempfile
from station_app.cli import main
out = []
def run(*argv):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            code = main(list(argv))
        except SystemExit as e:
            code = e.code
    out.append((argv[-1], code, buf.getvalue()))
for cmd in (["consult", "add"], ["bundle", "export"], ["stats"], ["ledger", "import"], ["mediation", "close"],
            ["duty", "add"], ["identity", "rotate"], ["check"], ["backup", "restore"]):
    run(*cmd, "--help")
d = tempfile.mkdtemp()
run("--data-dir", d, "init", "station", "--code", "S01", "--name", "小苏庄村", "--json")
run("--data-dir", d, "consult", "add", "--at", "2021-03-05 09:30", "--channel", "来访", "--category", "婚姻家庭",
    "--summary", "问", "--json")
run("--data-dir", d, "consult", "add", "--at", "2031-13-05", "--channel", "x", "--category", "y", "--summary", "z")
run("--data-dir", d, "stats", "--year", "2021")
run("--data-dir", d, "schedule", "show")
for argv, code, text in out:
    for tmp in (d,):
        text = text.replace(tmp, "D")
    print(argv, code)
    print("\\n".join(l for l in text.splitlines() if '"station_id"' not in l and '"id"' not in l
                     and "fingerprint" not in l and "key_id" not in l and "指纹" not in l and '"changes"' not in l))
"""


def _converted_copy(tmp_path):
    script = load_script()
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    pkg = copy / "station_app"
    total, skipped = script.convert([pkg], pkg)
    return script, copy, pkg, total, skipped


def test_convert_a_copy_of_the_source_tree(tmp_path):
    """The lead's end-of-merge step, rehearsed on a copy of src/: it compiles, converges, and checks clean."""
    script, copy, pkg, total, skipped = _converted_copy(tmp_path)
    # The tree was converted once (the merge's end step): what is left are the calls a person must rewrite, each
    # with its reason; nothing convertible is left behind.
    assert total == 0
    assert all(s.reason for s in skipped)
    for path in pkg.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"))
    again, _ = script.convert([pkg], pkg)
    assert again == 0
    assert script.check(pkg) == []  # every converted message landed in the zh_CN catalogue


@pytest.mark.slow  # four interpreters running a dozen commands each: about 20 s
def test_converted_tree_says_the_same(tmp_path):
    """The CLI's help and outputs are the same before and after conversion, in zh_CN and in en."""
    _script, copy, _pkg, _total, _skipped = _converted_copy(tmp_path)
    for lang in ("zh_CN", "en"):
        assert _run(copy, SMOKE, lang) == _run(ROOT / "src", SMOKE, lang)
