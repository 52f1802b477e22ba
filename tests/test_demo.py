"""The demo township year: its plan, its folder rules, and a full run through bundles to the township's figures."""

from __future__ import annotations

import json

import pytest

from station_app import demo
from station_app.core.errors import StateError


def test_plan_totals_match_the_report_whatever_the_seed():
    for seed in (2021, 7):
        plans = demo.make_plans(2021, seed)
        centre, villages = plans[0], plans[1:]
        assert (centre.code, centre.kind.value) == ("T00", "centre")
        assert [p.code for p in villages] == [f"S{i:02d}" for i in range(1, 22)]
        assert sum(p.shifts for p in villages) == 145 and centre.shifts == 16
        assert sum(p.consultations for p in plans) == 812
        assert sum(p.mediations for p in villages) == 101
        assert sum(p.failed for p in villages) == 2 and sum(len(p.open_cases) for p in villages) == 2
        assert sum(len(p.lectures) for p in plans) == 13 and sum(len(p.campaigns) for p in plans) == 10
        assert sum(len(p.missing) for p in villages) == 5
    assert demo.make_plans(2021, 2021) == demo.make_plans(2021, 2021)
    assert [p.consultations for p in demo.make_plans(2021, 1)] != [p.consultations for p in demo.make_plans(2021, 2)]


def test_prepare_out_only_replaces_a_previous_demo(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(StateError):
        demo.prepare_out(target)
    assert (target / "notes.txt").exists()
    fresh = demo.prepare_out(tmp_path / "new")
    (fresh / "T00").mkdir()
    again = demo.prepare_out(fresh)       # a previous demo: recreated empty but for its marker
    assert sorted(p.name for p in again.iterdir()) == [demo.MARKER]


@pytest.mark.slow
def test_demo_runs_twice_to_the_same_figures(cli, tmp_path):
    first = cli("demo", "--out", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    # The second run builds the stations in two worker processes: same seed, same figures, whichever way.
    second = demo.run_demo(tmp_path / "b", workers=2)
    assert second.text in first.stdout
    assert second.text.splitlines()[1].startswith("一、法律服务：各村法律顾问共现场值班145次")
    stats = json.loads((tmp_path / "a" / "stats-2021.json").read_text(encoding="utf-8"))
    assert stats == second.stats == json.loads(second.stats_file.read_text(encoding="utf-8"))

    # 21 bundles, one per village, went into the township's database; nothing was written there directly.
    assert len(list((tmp_path / "a" / "bundles").glob("*.stbundle"))) == 21
    assert "各村法律顾问共现场值班145次" in first.stdout and "镇公共法律服务中心法律顾问现场值班16次" in first.stdout
    # Issue 12: the annual report (PDF and XLSX) with its headline figures.
    assert f"年度报告：{tmp_path / 'a' / 'annual-report-2021.pdf'}" in first.stdout and "各村值班145次" in first.stdout
    assert (tmp_path / "a" / "annual-report-2021.xlsx").is_file()
    d, c, m, o, p = (stats[k] for k in ("duty", "consultations", "mediations", "outreach", "postings"))
    assert d["shifts"] == {"village": 145, "centre": 16}
    assert 300 <= d["hours"] <= 700 and d["people_served"] > 500
    assert 800 <= c["total"] <= 830
    assert max(c["by_category"], key=c["by_category"].get) == "婚姻家庭"   # civil matters first
    assert all(c["by_channel"][k] > 0 for k in ("来访", "电话", "微信", "普法活动现场"))
    assert m["accepted"] == 101
    assert 0.96 <= m["success_rate"] <= 1.0 and m["by_outcome"]["调解中"] >= 1
    assert len(m["by_type"]) == 15 and sum(m["by_type"].values()) == 101
    # 10 campaigns on key dates and the township's 20 习近平法治思想 theme sessions (report (二)三, 四).
    assert o["lectures"] == 13 and o["campaigns"] == 30
    assert o["adviser_lectures"] == 13 and o["by_organiser"]["镇司法所"] == 20
    assert o["by_theme"] == {"习近平法治思想": 20} and o["villages_covered"] == 20
    assert 800 <= c["persons"] <= 899 and c["persons"] > c["total"]   # 800余人次: group visits count persons
    assert stats["screening"] == {"found": 61, "resolved": 61, "resolution_rate": 1.0,
                                  "by_action": stats["screening"]["by_action"]}
    assert stats["screening"]["by_action"]["转人民调解"] >= 1
    assert p["late"] and all(int(x["posted_on"][8:]) > 10 for x in p["late"])  # after the 10th of the next month
    assert d["below_standard"] and d["hours_standard"] == 4.0
    assert 7000 <= o["materials"] <= 9500 and 4000 <= o["attendees"] <= 8000
    # December and Q4 are posted in January: not yet up on 1 January, so not counted as of then.
    assert p["villages"] == 21 and 330 <= p["total"] - p["immediate"] <= 360 and p["immediate"] == 21
    assert 1 <= len(p["overdue"]) <= 10
    assert {o["station"] for o in p["overdue"]} <= {f"S{i:02d}" for i in range(1, 22)}
    assert len(d["by_station"]) == 22 and len(c["by_station"]) == 22
