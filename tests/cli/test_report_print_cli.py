"""`station-app report …` through the CLI on a small township: options, help, bad input, files written."""

from __future__ import annotations

import json
import subprocess

import pytest
from openpyxl import load_workbook

# The township's printed reports with its database on SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.both_databases


def test_report_is_in_the_command_table_with_help(cli):
    r = cli("report", "--help")
    assert r.returncode == 0 and "annual" in r.stdout and "adviser-hours" in r.stdout and "postings" in r.stdout
    r = cli("report", "annual", "--help")
    assert "--as-of" in r.stdout and "--xlsx" in r.stdout and "--out" in r.stdout


def test_annual_on_an_empty_township_writes_pdf_and_xlsx(township, cli, tmp_path):
    data = tmp_path / "T00"
    r = cli("report", "annual", "--year", "2021", "--as-of", "2021-06-30", "--out", str(tmp_path / "a.pdf"),
            "--xlsx", str(tmp_path / "a.xlsx"), "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    stats = json.loads(cli("stats", "--year", "2021", "--as-of", "2021-06-30", "--json", data_dir=data).stdout)
    assert out["figures"] == stats and out["as_of"] == "2021-06-30"
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
    assert "各村法律顾问共现场值班0次" in text.replace("\n", "")
    assert load_workbook(tmp_path / "a.xlsx").sheetnames[0] == "说明"


def test_bad_input_is_exit_2_and_writes_nothing(township, cli, tmp_path):
    data = tmp_path / "T00"
    for args in (["annual", "--year", "21", "--out", "x.pdf"],
                 ["annual", "--year", "2021", "--as-of", "2021-13-01", "--out", str(tmp_path / "x.pdf")],
                 ["annual", "--year", "2021", "--out", str(tmp_path / "x.txt")],
                 ["monthly", "--station", "S99", "--month", "2021-03", "--out", str(tmp_path / "x.pdf")],
                 ["monthly", "--station", "T00", "--month", "2021-Q1", "--out", str(tmp_path / "x.pdf")],
                 ["postings", "--out", str(tmp_path / "x.pdf")]):
        r = cli("report", *args, data_dir=data)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.txt").exists()


def test_each_kind_writes_its_pdf(township, cli, tmp_path):
    data = tmp_path / "T00"
    for name, args in (("m", ["monthly", "--station", "T00", "--month", "2021-03"]),
                       ("h", ["adviser-hours", "--year", "2021", "--as-of", "2021-12-31"]),
                       ("p", ["postings", "--as-of", "2021-12-31"])):
        r = cli("report", *args, "--out", str(tmp_path / f"{name}.pdf"), "--xlsx", str(tmp_path / f"{name}.xlsx"),
                data_dir=data)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        fonts = subprocess.run(["pdffonts", str(tmp_path / f"{name}.pdf")], capture_output=True, text=True).stdout
        assert all(row.split()[-5] == "yes" for row in fonts.strip().splitlines()[2:]), fonts
        assert load_workbook(tmp_path / f"{name}.xlsx").sheetnames
