"""`stats` and `demo` through `python -m station_app` in-process (the `cli` fixture calls main())."""

from __future__ import annotations

import json

from station_app.services import advisers, consultations, duty, mediation, outreach, postings


def _record_some(db):
    adviser = advisers.record_adviser(db, "tester", {"name": "张立新", "law_firm": "勤达律师事务所"}).first("advisers")
    duty.record_shift(db, "tester", {"adviser_id": adviser, "start_at": "2021-03-02 09:00",
                                     "end_at": "2021-03-02 11:30", "people_served": 4},
                      log=[{"content": "解答土地承包问题"}])
    gone = duty.record_shift(db, "tester", {"adviser_id": adviser, "start_at": "2021-03-09 09:00",
                                            "end_at": "2021-03-09 12:00", "people_served": 9}).first("duty_shifts")
    duty.delete_shift(db, "tester", gone)
    consultations.record_consultation(db, "tester", {"occurred_at": "2021-03-02 09:30", "channel": "来访",
                                                     "category": "土地承包", "summary": "承包地被占用",
                                                     "anonymous": True})
    case = mediation.open_case(db, "tester", {"accepted_on": "2021-03-05", "source": "当事人申请", "dispute_type": "邻里",
                                              "summary": "排水沟纠纷"},
                               [{"role": "申请人", "name": "李四"}, {"role": "被申请人", "name": "王五"}])
    mediation.add_session(db, "tester", case.first("mediation_cases"), {"held_at": "2021-03-11 09:00", "record": "调解"})
    mediation.close_case(db, "tester", case.first("mediation_cases"),
                         {"outcome": "调解成功", "closed_on": "2021-03-12", "agreement_terms": "王五疏通排水沟"})
    outreach.record_event(db, "tester", {"kind": "法治讲座", "held_on": "2021-03-15", "topic": "民法典",
                                         "attendees": 60, "materials": 150})
    postings.record_posting(db, "tester", {"category": "财务", "title": "2021年1月财务公开", "period": "2021-01",
                                           "posted_on": "2021-01-28", "reviewer": "刘强",
                                           "reviewed_on": "2021-01-28", "review_opinion": "属实"})


def test_stats_json_contract_through_the_cli(cli, station, tmp_path):
    _record_some(station)
    r = cli("stats", "--year", "2021", "--json", "--as-of", "2021-04-02", data_dir=tmp_path / "S01")
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["year"] == 2021
    assert st["duty"]["shifts"] == {"village": 1, "centre": 0}
    assert st["duty"]["hours"] == 2.5 and st["duty"]["people_served"] == 4
    assert st["consultations"]["total"] == 1
    assert list(st["consultations"]["by_channel"])[:3] == ["来访", "电话", "微信"]
    assert st["consultations"]["by_category"]["土地承包"] == 1
    m = st["mediations"]
    assert m["accepted"] == 1 and m["by_outcome"] == {"调解成功": 1, "调解不成": 0, "调解中": 0}
    assert m["success_rate"] == 1.0 and len(m["by_type"]) == 15 and m["by_type"]["邻里"] == 1
    # The contract's keys (issue 10 added more beside them).
    assert {k: st["outreach"][k] for k in ("lectures", "campaigns", "attendees", "materials", "consultation_days")} \
        == {"lectures": 1, "campaigns": 0, "attendees": 60, "materials": 150, "consultation_days": 0}
    p = st["postings"]
    assert p["total"] == 1 and p["by_category"] == {"党务": 0, "村务": 0, "财务": 1}
    # As of 2 April: January was posted; February's grace period (to 10 March) is over; March and the first
    # quarter are due by 10 April (issue 10: overdue only after the grace period).
    assert p["overdue"] == [{"station": "S01", "category": "财务", "period": "2021-02"}]
    assert p["late"] == []


def test_stats_text_in_chinese_and_english(cli, station, tmp_path):
    _record_some(station)
    r = cli("stats", "--year", "2021", data_dir=tmp_path / "S01")
    assert r.returncode == 0, r.stderr
    assert "各村法律顾问共现场值班1次，镇公共法律服务中心法律顾问现场值班0次" in r.stdout
    assert "累计解答法律咨询共1人次" in r.stdout and "调解成功率100.0%" in r.stdout
    r = cli("--lang", "en", "stats", "--year", "2021", data_dir=tmp_path / "S01")
    assert r.returncode == 0, r.stderr
    assert "1 on-site duty shifts" in r.stdout and "success rate 100.0%" in r.stdout


def test_stats_bad_input_names_the_field(cli, station, tmp_path):
    r = cli("stats", "--year", "20x1", data_dir=tmp_path / "S01")
    assert r.returncode == 2 and "年度" in r.stderr
    r = cli("stats", "--year", "2021", "--as-of", "2021-13-01", data_dir=tmp_path / "S01")
    assert r.returncode == 2 and "--as-of" in r.stderr
    r = cli("stats", "--year", "2021", data_dir=tmp_path / "nowhere")
    assert r.returncode == 2 and "init" in r.stderr


def test_demo_refuses_a_folder_that_is_not_a_demo(cli, tmp_path):
    target = tmp_path / "documents"
    target.mkdir()
    (target / "keep.txt").write_text("村民名单", encoding="utf-8")
    r = cli("demo", "--out", str(target))
    assert r.returncode == 2
    assert "不是空的" in r.stderr
    assert (target / "keep.txt").read_text(encoding="utf-8") == "村民名单"
    r = cli("demo", "--out", str(tmp_path / "x"), "--seed", "abc")
    assert r.returncode == 2 and "随机种子" in r.stderr
