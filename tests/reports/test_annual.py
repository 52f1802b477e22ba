"""The annual report (issue 12): its figures are `stats --json`'s for the same year and date, the PDF carries them
with every font embedded, the XLSX reads back. Built on one demo township per module (it takes a while)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from station_app import config
from station_app.core.i18n import set_language
from station_app.reports.annual import build_annual
from station_app.reports.stats import township_stats
from station_app.services.base import StationDB

AS_OF = date(2022, 1, 1)
pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdffonts"),
                                reason="poppler-utils (pdftotext, pdffonts) not installed")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from station_app.demo import run_demo

    set_language("zh_CN")
    out = tmp_path_factory.mktemp("annual") / "demo"
    return run_demo(out, year=2021, seed=2021)


@pytest.fixture()
def township_db(demo):
    db = StationDB.open(config.resolve(demo.out / "T00"))
    yield db
    db.close()


def test_every_table_figure_is_the_stats_figure(township_db):
    stats = township_stats(township_db, 2021, today=AS_OF)
    report = build_annual(township_db, 2021, AS_OF)
    assert report.figures == stats
    d, c, m, o, p = (stats[k] for k in ("duty", "consultations", "mediations", "outreach", "postings"))
    duty = report.table("duty")
    assert duty.rows[0][1] == d["shifts"]["village"] == 145 and duty.rows[1][1] == d["shifts"]["centre"] == 16
    assert duty.rows[2][1] == d["hours"] and duty.rows[3][1] == d["people_served"]
    by_station = report.table("duty_by_station")
    assert {r[0]: (r[2], r[3], r[4]) for r in by_station.rows} == {
        k: (v["shifts"], v["hours"], v["people_served"]) for k, v in d["by_station"].items()}
    assert dict(report.table("consultations_by_channel").rows) == c["by_channel"]
    assert dict(report.table("consultations_by_category").rows) == c["by_category"]
    assert dict(report.table("consultations_by_referral").rows) == c["by_referral"]
    assert report.table("consultations").rows[0][1] == c["persons"]
    assert dict(report.table("mediations_by_type").rows) == m["by_type"]
    assert dict(report.table("mediations_by_source").rows) == m["by_source"]
    med = report.table("mediations")
    assert med.lookup("受理（件）", "数值") == m["accepted"] == 101
    assert med.lookup("调解成功率", "数值") == f"{m['success_rate'] * 100:.1f}%"
    assert med.lookup("上年结转（件）", "数值") == m["carried_over"]["cases"]
    assert m["success_rate_definition"] in med.definition
    out = report.table("outreach")
    assert out.lookup("法治讲座（场次）", "数值") == o["lectures"] and out.lookup("发放宣传资料（份）", "数值") == o["materials"]
    sc = report.table("screening")
    assert sc.lookup("排查矛盾纠纷（起）", "数值") == stats["screening"]["found"]
    assert sc.lookup("化解（起）", "数值") == stats["screening"]["resolved"]
    villages = report.table("postings_by_village")
    assert villages.total[2:] == list(p["by_status"].values())
    for i, status in enumerate(p["by_status"]):
        assert sum(r[2 + i] for r in villages.rows) == p["by_status"][status]
    behind = report.table("postings_behind")
    assert len(behind.rows) == len(p["late"]) + len(p["overdue"]) > 0
    assert {(r[0], r[3]) for r in behind.rows if r[4] == "逾期未公开"} == {(x["station"], x["period"]) for x in p["overdue"]}
    for t in report.tables():
        assert t.definition, t.key


def test_the_cli_report_and_stats_json_agree(demo, cli, tmp_path):
    data = demo.out / "T00"
    stats = json.loads(cli("stats", "--year", "2021", "--as-of", "2022-01-01", "--json", data_dir=data).stdout)
    r = cli("report", "annual", "--year", "2021", "--as-of", "2022-01-01", "--out", str(tmp_path / "a.pdf"),
            "--xlsx", str(tmp_path / "a.xlsx"), "--json", data_dir=data)
    assert r.returncode == 0, r.stderr
    printed = json.loads(r.stdout)
    assert printed["figures"] == stats
    assert printed["out"] == str(tmp_path / "a.pdf") and printed["xlsx"] == str(tmp_path / "a.xlsx")


@pytest.fixture(scope="module")
def printed(demo, tmp_path_factory):
    from station_app.reports.printing import print_report

    set_language("zh_CN")
    folder = tmp_path_factory.mktemp("printed")
    with StationDB.open(config.resolve(demo.out / "T00")) as db:
        r = print_report(db, "annual", folder / "annual.pdf", xlsx=folder / "annual.xlsx", year=2021, as_of=AS_OF)
    return r


def test_pdf_text_has_the_figures_the_definitions_and_the_paragraph(printed):
    text = subprocess.run(["pdftotext", printed["out"], "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace("\n", "")
    st = printed["figures"]
    assert "2021年度公共法律服务统计表" in text and "截止日期：2022-01-01" in flat
    assert f"各村法律顾问共现场值班{st['duty']['shifts']['village']}次" in flat
    assert f"解答法律咨询共{st['consultations']['persons']}人次" in flat
    assert "调解成功率" in text and "口径" in text and "调解成功件数÷" in flat
    # Every table's note carries the cut-off date, so a page copied alone still says it.
    assert flat.count("截止日期：2022-01-01") >= len(printed["report_obj"].tables())
    assert "三务公开（按村）" in text and "逾期未公开" in text and "矛盾纠纷排查" in text
    for x in st["postings"]["overdue"]:
        assert x["period"] in text
    assert str(st["outreach"]["materials"]) in text


def test_pdf_embeds_every_font(printed):
    fonts = subprocess.run(["pdffonts", printed["out"]], capture_output=True, text=True, check=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows and any("DroidSansFallback" in r for r in rows) and any("Vera" in r for r in rows)
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column


def test_pdf_has_a_reportlab_chart(printed):
    # The chart's bars carry value labels drawn by reportlab.graphics (not a table cell): the station codes run
    # along the axis and the title is the chart's.
    text = subprocess.run(["pdftotext", printed["out"], "-"], capture_output=True, text=True, check=True).stdout
    assert "各站点值班次数" in text and "咨询类别（条）" in text


def test_xlsx_reads_back_with_every_table(printed):
    wb = load_workbook(printed["xlsx"], read_only=True)
    report = printed["report_obj"]
    assert len(wb.sheetnames) == 1 + len(report.tables())
    st = printed["figures"]
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    duty = sheets["法律顾问值班"]
    assert duty[0] == ["法律顾问值班", None] and duty[2] == ["各村法律顾问现场值班（次）", st["duty"]["shifts"]["village"]]
    assert ["截止日期", "2022-01-01"] in duty and any(r[0] == "口径" for r in duty)
    channels = {r[0]: r[1] for r in sheets["咨询方式"][2:] if r and r[0] in st["consultations"]["by_channel"]}
    assert channels == st["consultations"]["by_channel"]
    assert any("各村法律顾问共现场值班" in (r[0] or "") for r in sheets["说明"])


def test_a_bad_output_name_writes_nothing(township_db, tmp_path):
    from station_app.core.errors import ValidationError
    from station_app.reports.printing import print_report

    with pytest.raises(ValidationError):
        print_report(township_db, "annual", tmp_path / "a.pdf", xlsx=tmp_path / "a.csv", year=2021, as_of=AS_OF)
    assert list(tmp_path.iterdir()) == []


# -- the other reports, on the same demo township -------------------------------------------------------------------
def test_postings_report_lists_equal_stats_and_a_notice_per_village_behind(township_db, tmp_path):
    from station_app.reports.printing import print_report

    as_of = date(2021, 12, 31)
    stats = township_stats(township_db, 2021, today=as_of)
    r = print_report(township_db, "postings", tmp_path / "p.pdf", xlsx=tmp_path / "p.xlsx", as_of=as_of)
    report = r["report_obj"]
    overdue = report.table("postings_overdue")
    assert [(x[0], x[3]) for x in overdue.rows] == [(x["station"], x["period"]) for x in stats["postings"]["overdue"]]
    assert [(x[0], x[3], x[6]) for x in report.table("postings_late").rows] == [
        (x["station"], x["period"], x["posted_on"]) for x in stats["postings"]["late"]]
    behind = sorted({x["station"] for x in stats["postings"]["overdue"]})
    assert [t.key for t in report.tables() if t.key.startswith("notice_")] == [f"notice_{c}" for c in behind]
    text = subprocess.run(["pdftotext", r["out"], "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("三务公开逾期督办通知") == len(behind) and "村民委员会：" in text
    wb = load_workbook(r["xlsx"], read_only=True)
    assert "逾期未公开" in wb.sheetnames


def test_adviser_hours_below_standard_equals_stats(township_db, tmp_path):
    from station_app.reports.printing import print_report

    stats = township_stats(township_db, 2021, today=AS_OF)
    r = print_report(township_db, "adviser-hours", tmp_path / "h.pdf", year=2021, as_of=AS_OF)
    below = r["report_obj"].table("adviser_below_standard")
    assert [(x[0], x[1], x[3], x[4]) for x in below.rows] == [
        (b["adviser"], b["station"], b["month"], b["hours"]) for b in stats["duty"]["below_standard"]]
    grid = r["report_obj"].table("adviser_hours")
    # Village shifts' hours summed over the grid are the villages' hours in stats.
    village_hours = sum(v["hours"] for k, v in stats["duty"]["by_station"].items() if k != "T00")
    assert abs(sum(row[14] for row in grid.rows) - village_hours) < 0.05 * len(grid.rows)
    text = subprocess.run(["pdftotext", r["out"], "-"], capture_output=True, text=True, check=True).stdout
    assert "村法律顾问服务时长统计表" in text and "村确认情况" in text


def test_twelve_monthly_reports_add_up_to_the_years_stats(township_db):
    from station_app.reports.monthly import build_monthly

    stats = township_stats(township_db, 2021, today=date(2021, 12, 31))
    months = [build_monthly(township_db, "S05", f"2021-{m:02d}").figures for m in range(1, 13)]
    assert sum(m["duty"]["shifts"] for m in months) == stats["duty"]["by_station"]["S05"]["shifts"]
    assert sum(m["consultations"] for m in months) == stats["consultations"]["by_station"]["S05"]
    assert sum(m["mediations"] for m in months) == stats["mediations"]["by_station"].get("S05", 0)
    assert abs(sum(m["duty"]["hours"] for m in months) - stats["duty"]["by_station"]["S05"]["hours"]) < 0.15


def test_the_demo_writes_the_annual_report_with_its_headline(demo):
    assert demo.report_pdf == demo.out / "annual-report-2021.pdf" and demo.report_pdf.read_bytes().startswith(b"%PDF")
    assert load_workbook(demo.report_xlsx, read_only=True).sheetnames[0] == "说明"
    st = demo.stats
    assert demo.headline["village_shifts"] == st["duty"]["shifts"]["village"] == 145
    assert demo.headline["mediations"] == st["mediations"]["accepted"]
    assert demo.headline["consultation_persons"] == st["consultations"]["persons"]


def test_the_page_frame_speaks_the_reports_language(demo, tmp_path):
    """The frame (number, page x of y, print date) follows the report's language; it used to be Chinese only."""
    from station_app.reports.printing import print_report

    try:
        for lang, page, printed_on in (("en", "Page 1 of", "Printed on:"), ("zh_CN", "第1页 共", "打印日期：")):
            set_language(lang)
            out = tmp_path / f"annual-{lang}.pdf"
            with StationDB.open(config.resolve(demo.out / "T00")) as db:
                print_report(db, "annual", out, year=2021, as_of=AS_OF)
            text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
            assert page in text and printed_on in text
            if lang == "en":
                assert "第1页" not in text and "打印日期" not in text
    finally:
        set_language("zh_CN")
