"""Importing ledgers: every spelling clerks use, anonymous consultations, unknown advisers, bad rows (all reported,
nothing imported), re-imports (nothing duplicated) and what the records look like afterwards."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from station_app.core.codes import StationKind
from station_app.ledger.importer import import_ledger
from station_app.ledger.layouts import CONSULTATION, DUTY, MEDIATION, OUTREACH, POSTING
from station_app.ledger.read import LedgerFileError
from station_app.services import advisers as adv
from station_app.store.ledger_models import LedgerRow
from station_app.store.models import (
    AccessLog,
    Adviser,
    Consultation,
    DutyShift,
    MediationCase,
    MediationFollowUp,
    MediationParty,
    OutreachEvent,
    Posting,
    RecordHistory,
)
from tests.ledger.test_read import write_csv, write_xlsx


def count(db, model) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def consult_row(day, name="张三", phone="13812345678", channel="来访", summary="离婚后孩子抚养费如何计算", **kw):
    row = {"日期": day, "咨询人": name, "性别": "男" if name else None, "联系电话": phone, "咨询方式": channel,
           "咨询类别": "婚姻家庭", "咨询内容": summary, "解答意见": "依据民法典第一千零八十五条", "解答人": "王律师",
           "转介": "无"}
    row.update(kw)
    return [row[h] for h in CONSULTATION.base_headers]


def test_consultation_date_spellings_from_gb18030_csv(station, tmp_path):
    f = write_csv(tmp_path / "咨询台账2021.csv", [CONSULTATION.base_headers,
                                             consult_row("2021-03-05"), consult_row("2021/3/6"),
                                             consult_row("2021.3.7"), consult_row("2021年3月8日"),
                                             consult_row("2021-03-09 14:30"), consult_row("20210310")], "gb18030")
    report = import_ledger(station, f, "consultation", actor="clerk")
    assert report.ok and report.imported == 6 and report.encoding == "GB18030"
    with station.read() as s:
        times = sorted(c.occurred_at for c in s.execute(select(Consultation)).scalars())
    assert times == [datetime(2021, 3, 5), datetime(2021, 3, 6), datetime(2021, 3, 7), datetime(2021, 3, 8),
                     datetime(2021, 3, 9, 14, 30), datetime(2021, 3, 10)]


def test_consultation_xlsx_real_dates_anonymous_and_history_source(station, tmp_path):
    f = write_xlsx(tmp_path / "consultations-2021.xlsx", [
        CONSULTATION.base_headers,
        consult_row(date(2021, 4, 1)),
        consult_row(datetime(2021, 4, 2, 9, 30), phone=13900001111),  # a phone typed as a number
        consult_row(date(2021, 4, 3), name=None, phone=None, channel="普法活动", summary="宅基地边界纠纷"),
        consult_row(date(2021, 4, 4), name="匿名", phone=None, channel="电话"),
    ])
    report = import_ledger(station, f, "consultation", actor="clerk")
    assert report.ok and report.imported == 4
    with station.read() as s:
        cs = {c.occurred_at: c for c in s.execute(select(Consultation)).scalars()}
        assert cs[datetime(2021, 4, 2, 9, 30)].phone == "13900001111"
        anon = cs[datetime(2021, 4, 3)]
        assert anon.anonymous and anon.consultant_name is None and anon.phone is None
        assert anon.channel == "普法活动现场"  # the ledgers' short form of the code
        assert cs[datetime(2021, 4, 4)].anonymous
        hist = s.execute(select(RecordHistory).where(RecordHistory.table_name == "consultations")).scalars().all()
        assert len(hist) == 4 and {h.source for h in hist} == {"ledger:consultations-2021.xlsx"}
        assert {h.created_by for h in hist} == {"clerk"}
        log = s.execute(select(AccessLog).where(AccessLog.action == "import")).scalars().one()
        assert log.table_name == "consultations" and "consultations-2021.xlsx" in log.detail
    # The imported records are ordinary ones: listed, masked and found like any typed-in record.
    from station_app.services.consultations import count_consultations, list_consultations

    assert count_consultations(station, year=2021) == 4
    assert [r.consultant for r in list_consultations(station, search="宅基地边界")] == ["匿名"]


def test_known_adviser_linked_to_consultation_but_no_adviser_created_from_answerer(station, tmp_path):
    adv.record_adviser(station, "a", {"name": "王律师"})
    f = write_csv(tmp_path / "c.csv", [CONSULTATION.base_headers, consult_row("2021-03-05"),
                                       consult_row("2021-03-06", **{"解答人": "调度员小李"})])
    report = import_ledger(station, f, "consultation", actor="clerk")
    assert report.ok and report.advisers_created == []
    with station.read() as s:
        by_answer = {c.answered_by: c.adviser_id for c in s.execute(select(Consultation)).scalars()}
        wang = s.execute(select(Adviser.id).where(Adviser.name == "王律师")).scalar_one()
    assert by_answer == {"王律师": wang, "调度员小李": None}
    assert count(station, Adviser) == 1


def duty_row(day, adviser="王律师", start="9:00", end="11:00", place=None, people=3, content="解答村民咨询"):
    return [day, adviser, start, end, place, people, content]


def test_duty_times_places_and_unknown_adviser_created(make_station, tmp_path):
    db = make_station("S01", "小苏庄村")
    from station_app.store.models import Station

    with db.write("setup") as w:
        w.add(Station(code="T00", name="小王庄镇公共法律服务中心", kind=StationKind.CENTRE.value))
    adv.record_adviser(db, "a", {"name": "李律师"})
    f = write_xlsx(tmp_path / "值班.xlsx", [
        DUTY.base_headers,
        duty_row(date(2021, 3, 5), start=time(9, 0), end=time(11, 30)),  # real Excel time cells
        duty_row("2021/3/12", start="09:00", end="12:00", place="S01"),
        duty_row("2021年3月19日", adviser="李律师", start="9点", end="11点半", place="小王庄镇公共法律服务中心",
                 people="5人次"),
        duty_row("2021.3.26", start="14:00", end="17:00", place="t00", people=None, content=None),
    ])
    report = import_ledger(db, f, "duty", actor="clerk")
    assert report.ok, report.problems
    assert report.imported == 4 and report.advisers_created == ["王律师"]
    assert "已新建：王律师" in "\n".join(report.lines())
    with db.read() as s:
        shifts = sorted(s.execute(select(DutyShift)).scalars(), key=lambda d: d.start_at)
        codes = {st.id: st.code for st in s.execute(select(Station)).scalars()}
        names = {a.id: a.name for a in s.execute(select(Adviser)).scalars()}
    assert [(d.start_at, d.end_at) for d in shifts] == [
        (datetime(2021, 3, 5, 9), datetime(2021, 3, 5, 11, 30)), (datetime(2021, 3, 12, 9), datetime(2021, 3, 12, 12)),
        (datetime(2021, 3, 19, 9), datetime(2021, 3, 19, 11, 30)), (datetime(2021, 3, 26, 14), datetime(2021, 3, 26, 17))]
    assert [codes[d.place_station_id] for d in shifts] == ["S01", "S01", "T00", "T00"]
    assert [names[d.adviser_id] for d in shifts] == ["王律师", "王律师", "李律师", "王律师"]
    assert [d.people_served for d in shifts] == [3, 3, 5, 0]
    assert count(db, Adviser) == 2  # 王律师 created once for three rows


def posting_row(period, category="财务", title="2021年3月财务收支公开", posted="2021-04-02", taken=None):
    return [category, title, period, posted, taken, "公开栏", "村务监督委员会 赵六"]


def test_posting_period_spellings(station, tmp_path):
    f = write_xlsx(tmp_path / "三务公开.xlsx", [
        POSTING.base_headers,
        posting_row("2021-03"), posting_row("2021年4月", posted="2021年5月3日"),
        posting_row("2021-Q1", category="村务", title="一季度村务公开"),
        posting_row("2021年第二季度", category="党务", title="二季度党务公开", posted="2021/7/2", taken="2021/7/16"),
        posting_row("2021", category="村务", title="年度村务公开"),
        posting_row(datetime(2021, 5, 1), title="Excel 把 2021-05 变成了日期", posted="2021-06-02"),
        posting_row(2020, category="党务", title="年份被 Excel 存成了数字"),
    ])
    report = import_ledger(station, f, "posting", actor="clerk")
    assert report.ok, report.problems
    with station.read() as s:
        periods = sorted(p.period for p in s.execute(select(Posting)).scalars())
    assert periods == ["2020", "2021", "2021-03", "2021-04", "2021-05", "2021-Q1", "2021-Q2"]


def test_mediation_cases_open_closed_and_followed_up(station, tmp_path):
    f = write_csv(tmp_path / "调解台账.csv", [MEDIATION.base_headers,
        ["2021-03-01", "张三", "李四", "邻里", "当事人申请", "宅基地排水沟纠纷", "赵调解", "调解成功", "2021-03-10", "书面",
         "已履行", "2021-04-10"],
        ["2021-03-02", "王五、王六", "钱七", "婚姻家庭", "当事人申请", "赡养费纠纷", "赵调解", "调解不成", "2021-03-20", None,
         None, None],
        ["2021-03-03", "孙八", "周九", "合同", "公安机关移交", "买卖合同欠款", None, "调解中", None, None, None, None],
    ], "utf-8")
    report = import_ledger(station, f, "mediation", actor="clerk")
    assert report.ok, report.problems
    with station.read() as s:
        cases = {c.summary: c for c in s.execute(select(MediationCase)).scalars()}
        ok, failed, open_ = cases["宅基地排水沟纠纷"], cases["赡养费纠纷"], cases["买卖合同欠款"]
        assert (ok.outcome, ok.closed_on, ok.agreement_form, ok.performance_status) == (
            "调解成功", date(2021, 3, 10), "书面", "已履行")
        assert ok.judicial_confirmation_due_on == date(2021, 4, 9)
        assert failed.outcome == "调解不成" and failed.failure_reason
        assert open_.outcome == "调解中" and open_.closed_on is None
        visit = s.execute(select(MediationFollowUp)).scalars().one()
        assert visit.case_id == ok.id and visit.visited_on == date(2021, 4, 10) and visit.visitor == "赵调解"
        roles = sorted((p.role, p.name) for p in s.execute(select(MediationParty).where(
            MediationParty.case_id == failed.id)).scalars())
        assert roles == [("申请人", "王五"), ("申请人", "王六"), ("被申请人", "钱七")]
        assert len({c.case_no for c in cases.values()}) == 3


def test_outreach_with_counts(station, tmp_path):
    f = write_csv(tmp_path / "普法.csv", [OUTREACH.base_headers,
                                          ["2021-03-15", "法治讲座", "民法典进农村", "王律师", "60", "200份"],
                                          ["2021/6/26", "普法宣传", "禁毒宣传", None, None, 500]])
    report = import_ledger(station, f, "outreach", actor="clerk")
    assert report.ok and report.imported == 2
    with station.read() as s:
        events = {e.topic: e for e in s.execute(select(OutreachEvent)).scalars()}
    assert (events["民法典进农村"].attendees, events["民法典进农村"].materials) == (60, 200)
    assert (events["禁毒宣传"].attendees, events["禁毒宣传"].materials) == (0, 500)


def test_several_bad_rows_all_reported_nothing_imported(station, tmp_path):
    f = write_csv(tmp_path / "bad.csv", [
        CONSULTATION.base_headers,
        consult_row("2021-03-05"),  # good
        consult_row("2021-02-30", phone="1381234567", channel="飞鸽"),  # row 3: three problems
        consult_row("2021-03-07"),  # good
        consult_row("2021-03-08", summary=None, **{"咨询类别": "离婚"}),  # row 5
        consult_row("2021-03-09", **{"转介": "法院"}),  # row 6
    ], "gb18030")
    before_counter = station.counter()
    report = import_ledger(station, f, "consultation", actor="clerk")
    assert not report.ok and report.imported == 0 and report.bad_rows == 3
    got = [(p.row, p.column) for p in report.problems]
    assert got == [(3, "日期"), (3, "联系电话"), (3, "咨询方式"), (5, "咨询类别"), (5, "咨询内容"), (6, "转介")]
    assert all(p.message for p in report.problems)
    assert "日期不存在" in report.problems[0].message
    text = "\n".join(report.lines())
    assert "有 3 行不合格，本次没有导入任何记录" in text and "第5行 / 咨询内容：不能为空" in text
    assert station.counter() == before_counter
    assert count(station, Consultation) == 0 and count(station, RecordHistory) == 1  # the station's own record
    assert count(station, LedgerRow) == 0


def test_rows_bad_only_in_context_are_reported_and_roll_back(station, tmp_path):
    """A row whose cells are fine but whose place is unknown is found inside the write; the whole file is
    still rolled back, advisers created for the good rows included."""
    f = write_csv(tmp_path / "d.csv", [DUTY.base_headers, duty_row("2021-03-05"), duty_row("2021-03-06", place="S99"),
                                       duty_row("2021-03-07", start="10:00", end="09:00")])
    before = station.counter()
    report = import_ledger(station, f, "duty", actor="clerk")
    assert [(p.row, p.column) for p in report.problems] == [(3, "值班地点"), (4, "结束时间")]
    assert "S99" in report.problems[0].message
    assert station.counter() == before and count(station, DutyShift) == 0 and count(station, Adviser) == 0


def test_bad_mediation_rows(station, tmp_path):
    f = write_csv(tmp_path / "m.csv", [MEDIATION.base_headers,
        ["2021-03-01", None, "李四", "邻里", "当事人申请", "排水沟", None, "调解成功", None, None, None, None],
        ["2021-03-10", "张三", "李四", "吵架", "当事人申请", "排水沟", None, "调解不成", "2021-03-01", "书面", None, None],
        ["2021-03-10", "张三", "李四", "邻里", "当事人申请", "排水沟", None, "调解中", None, None, None, "2021-04-01"],
    ])
    report = import_ledger(station, f, "mediation", actor="clerk")
    assert [(p.row, p.column) for p in report.problems] == [
        (2, "申请人"), (2, "结案日期"), (3, "纠纷类型"), (3, "结案日期"), (3, "协议形式"), (4, "回访日期")]
    assert count(station, MediationCase) == 0


def test_reimport_same_file_and_resaved_reordered_copy_imports_nothing(station, tmp_path):
    rows = [consult_row("2021-03-05"), consult_row("2021-03-06", name=None, phone=None),
            consult_row("2021-03-06", name=None, phone=None),  # an identical second walk-in: both are kept
            consult_row("2021-03-07")]
    f = write_csv(tmp_path / "c.csv", [CONSULTATION.base_headers, *rows])
    first = import_ledger(station, f, "consultation", actor="clerk")
    assert first.imported == 4
    counter = station.counter()

    again = import_ledger(station, f, "consultation", actor="clerk")
    assert again.ok and again.imported == 0 and again.already_imported == 4 and again.new == 0
    assert "此前都已导入过" in "\n".join(again.lines())
    assert station.counter() == counter

    # The same rows re-saved by WPS: other encoding, other column order, other spellings, an extra column, .xlsx.
    headers = ["序号"] + list(reversed(CONSULTATION.base_headers))
    spelled = [[i] + list(reversed(r)) for i, r in enumerate(reversed(rows), start=1)]
    spelled[0][-1] = date(2021, 3, 7)
    spelled[1][-1] = "2021年3月6日"
    g = write_xlsx(tmp_path / "c-resaved.xlsx", [headers, *spelled])
    third = import_ledger(station, g, "consultation", actor="clerk")
    assert third.ok and third.imported == 0 and third.already_imported == 4

    # A later copy of the ledger with two new rows imports just those.
    h = write_csv(tmp_path / "c-later.csv", [CONSULTATION.base_headers, *rows, consult_row("2021-03-08"),
                                             consult_row("2021-03-06", name=None, phone=None)], "gb18030")
    fourth = import_ledger(station, h, "consultation", actor="clerk")
    assert (fourth.imported, fourth.already_imported) == (2, 4)
    assert count(station, Consultation) == 6


def test_dry_run_writes_nothing_and_counts(station, tmp_path):
    f = write_csv(tmp_path / "d.csv", [DUTY.base_headers, duty_row("2021-03-05"), duty_row("2021-03-12")])
    before = station.counter()
    report = import_ledger(station, f, "duty", actor="clerk", dry_run=True)
    assert report.ok and report.new == 2 and report.imported == 0 and report.advisers_created == ["王律师"]
    assert "试导入" in "\n".join(report.lines())
    assert station.counter() == before and count(station, DutyShift) == 0 and count(station, Adviser) == 0
    assert count(station, LedgerRow) == 0
    assert import_ledger(station, f, "duty", actor="clerk").imported == 2


def test_file_level_errors_raise(station, tmp_path):
    f = write_csv(tmp_path / "c.csv", [CONSULTATION.base_headers, consult_row("2021-03-05")])
    with pytest.raises(LedgerFileError, match="缺少列"):
        import_ledger(station, f, "duty", actor="clerk")
    from station_app.core.errors import ValidationError

    with pytest.raises(ValidationError):
        import_ledger(station, f, "weather", actor="clerk")


def test_empty_ledger(station, tmp_path):
    f = write_csv(tmp_path / "c.csv", [CONSULTATION.base_headers])
    report = import_ledger(station, f, "consultation", actor="clerk")
    assert report.ok and report.rows == 0 and report.imported == 0
