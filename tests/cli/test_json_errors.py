"""`--json` errors name each bad field by its key, the same in every language; the label and message follow
the language."""

from __future__ import annotations

import json

import pytest

from station_app.cli import main
from station_app.core.i18n import set_language


@pytest.fixture
def root(tmp_path, capsys):
    d = tmp_path / "S01"
    assert main(["--data-dir", str(d), "init", "station", "--code", "S01", "--name", "小苏庄村", "--json"]) == 0
    capsys.readouterr()
    return d


def _problems(capsys, root, lang: str) -> list[dict]:
    code = main(["--lang", lang, "--data-dir", str(root), "consult", "add", "--at", "2021-13-45 09:30",
                 "--channel", "飞鸽", "--category", "婚姻家庭", "--summary", "离婚", "--phone", "12", "--json"])
    out, err = capsys.readouterr()
    set_language("zh_CN")
    assert code == 2 and out == ""
    return json.loads(err)["problems"]


def test_json_error_keys_are_identical_in_zh_and_en(root, capsys):
    zh = _problems(capsys, root, "zh_CN")
    en = _problems(capsys, root, "en")
    assert [p["key"] for p in zh] == [p["key"] for p in en]
    assert {p["key"] for p in zh} >= {"occurred_at", "channel", "phone"}
    by_key = {p["key"]: p for p in zh}
    assert by_key["occurred_at"]["label"] == "咨询时间" and by_key["occurred_at"]["field"] == "咨询时间"
    assert {p["key"]: p for p in en}["occurred_at"]["label"] != "咨询时间"
    assert all(p["message"] for p in zh + en)


def test_problem_raised_with_a_label_only_still_finds_its_key():
    from station_app.core.errors import FieldProblem
    from station_app.services import consultations as cs

    label = cs.SPECS["occurred_at"].label
    assert FieldProblem(label, "x").as_dict()["key"] == "occurred_at"
    assert FieldProblem(label, "x", key="explicit").as_dict()["key"] == "explicit"
