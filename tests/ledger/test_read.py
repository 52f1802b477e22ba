"""Reading ledger files as Excel and WPS save them: encodings, headers, real Excel cells, garbled files."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from station_app.ledger.layouts import CONSULTATION, DUTY
from station_app.ledger.read import LedgerFileError, looks_like_mojibake, read_ledger

CONSULT_HEADERS = CONSULTATION.base_headers


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    """A CSV as Excel writes it: comma-separated, CRLF line ends, in the given encoding."""
    import csv
    import io

    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([["" if c is None else c for c in r] for r in rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], *, sheets: dict[str, list[list[object]]] | None = None) -> Path:
    """An .xlsx whose date/time values are real Excel date and time cells (openpyxl writes them as numbers with a
    date format, exactly as Excel does)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in rows:
        ws.append(r)
    for name, more in (sheets or {}).items():
        extra = wb.create_sheet(name)
        for r in more:
            extra.append(r)
    wb.save(path)
    return path


ROW = ["2021-03-05", "张三", "男", "13812345678", "来访", "婚姻家庭", "离婚后孩子抚养费如何计算", "依据民法典", "王律师", "无"]


@pytest.mark.parametrize("encoding,label", [("utf-8-sig", "UTF-8 (BOM)"), ("utf-8", "UTF-8"), ("gb18030", "GB18030"),
                                            ("gbk", "GB18030")])
def test_csv_encodings_are_detected(tmp_path, encoding, label):
    f = write_csv(tmp_path / "c.csv", [CONSULT_HEADERS, ROW], encoding)
    t = read_ledger(f, CONSULT_HEADERS)
    assert t.encoding == label
    assert len(t.rows) == 1 and t.rows[0].number == 2
    assert t.rows[0].values["咨询人"] == "张三" and t.rows[0].values["咨询内容"] == "离婚后孩子抚养费如何计算"


def test_headers_by_name_in_any_order_with_spaces_extra_columns_and_empty_rows(tmp_path):
    headers = ["序号"] + [f" {h}\u3000" for h in reversed(CONSULT_HEADERS)] + ["备注"]
    row = ["1"] + list(reversed(ROW)) + ["已回访"]
    f = write_csv(tmp_path / "c.csv", [headers, ["", *[""] * 11], row, [" ", "\u3000"], row], "gb18030")
    t = read_ledger(f, CONSULT_HEADERS)
    assert t.ignored_columns == ["序号", "备注"]
    assert [r.number for r in t.rows] == [3, 5]  # empty rows skipped, numbers kept as the spreadsheet shows them
    assert t.rows[0].values == dict(zip(CONSULT_HEADERS, ROW))


def test_missing_and_duplicated_columns_are_named(tmp_path):
    f = write_csv(tmp_path / "c.csv", [[h for h in CONSULT_HEADERS if h not in ("性别", "转介")], ROW[:8]])
    with pytest.raises(LedgerFileError) as e:
        read_ledger(f, CONSULT_HEADERS)
    assert "缺少列：性别、转介" in str(e.value)
    f = write_csv(tmp_path / "d.csv", [CONSULT_HEADERS + ["日期"], ROW + ["2021-01-01"]])
    with pytest.raises(LedgerFileError, match="列重复：日期"):
        read_ledger(f, CONSULT_HEADERS)


def test_mojibake_file_is_refused(tmp_path):
    # A UTF-8 ledger once opened as GBK and saved again: the bytes are valid UTF-8, the text is 乱码.
    good = "\r\n".join(",".join(r) for r in [CONSULT_HEADERS, ROW, ROW])
    garbled = good.encode("utf-8").decode("gbk", errors="replace")
    f = tmp_path / "garbled.csv"
    f.write_bytes(garbled.encode("utf-8"))
    with pytest.raises(LedgerFileError, match="乱码"):
        read_ledger(f, CONSULT_HEADERS)
    # The same garbling with the original header retyped by hand: the data rows still give it away.
    body = "\r\n".join(",".join(r) for r in [ROW, ROW, ROW]).encode("utf-8").decode("gbk", errors="replace")
    f2 = tmp_path / "garbled2.csv"
    f2.write_bytes((",".join(CONSULT_HEADERS) + "\r\n" + body).encode("gb18030"))
    with pytest.raises(LedgerFileError, match="乱码"):
        read_ledger(f2, CONSULT_HEADERS)
    # 锟斤拷: replacement characters that went through GBK.
    f3 = write_csv(tmp_path / "kun.csv", [CONSULT_HEADERS, ROW[:6] + ["锟斤拷锟斤拷"] + ROW[7:]], "gb18030")
    with pytest.raises(LedgerFileError, match="乱码"):
        read_ledger(f3, CONSULT_HEADERS)


def test_undecodable_and_unsupported_files_are_refused(tmp_path):
    f = tmp_path / "bin.csv"
    f.write_bytes(b"\xff\x00\xfe\x81\x30" * 50)
    with pytest.raises(LedgerFileError, match="编码"):
        read_ledger(f, CONSULT_HEADERS)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(LedgerFileError, match="另存为"):
        read_ledger(old, CONSULT_HEADERS)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(LedgerFileError, match="无法打开"):
        read_ledger(broken, CONSULT_HEADERS)
    with pytest.raises(LedgerFileError, match="找不到文件"):
        read_ledger(tmp_path / "nope.csv", CONSULT_HEADERS)


def test_wrong_ledger_kind_says_which_headers_are_expected(tmp_path):
    f = write_csv(tmp_path / "c.csv", [CONSULT_HEADERS, ROW])
    with pytest.raises(LedgerFileError) as e:
        read_ledger(f, DUTY.base_headers)
    assert "法律顾问" in str(e.value) and "第1行应为表头" in str(e.value)


def test_xlsx_real_date_and_time_cells(tmp_path):
    f = write_xlsx(tmp_path / "d.xlsx", [
        [" 日期 ", "法律顾问", "开始时间", "结束时间", "值班地点", "接待人次", "工作内容"],
        [date(2021, 3, 5), "王律师", time(9, 0), time(11, 30), None, 3, "解答咨询"],
        [None, None, None, None, None, None, None],
        [datetime(2021, 3, 6, 0, 0), "王律师", "9点", "11:00", "", 2.0, "  "],
    ])
    t = read_ledger(f, DUTY.base_headers)
    assert t.sheets == ["Sheet1"] and t.encoding is None
    first, second = t.rows
    assert (first.number, second.number) == (2, 4)
    assert isinstance(first.values["日期"], datetime) and first.values["日期"].date() == date(2021, 3, 5)
    assert first.values["开始时间"] == time(9, 0) and first.values["结束时间"] == time(11, 30)
    assert first.values["值班地点"] is None and second.values["工作内容"] is None


def test_xlsx_reads_every_sheet_with_the_header(tmp_path):
    header = CONSULT_HEADERS
    f = write_xlsx(tmp_path / "y.xlsx", [header, ROW], sheets={"2月": [header, ROW, ROW], "说明": [["填表说明"]],
                                                              "空": []})
    t = read_ledger(f, header)
    assert t.sheets == ["Sheet1", "2月"] and t.ignored_sheets == ["说明"]
    assert [(r.sheet, r.number) for r in t.rows] == [("Sheet1", 2), ("2月", 2), ("2月", 3)]


def test_looks_like_mojibake_spares_real_text():
    assert not looks_like_mojibake("离婚后孩子抚养费如何计算，宅基地边界纠纷，借款不还，工资拖欠")
    assert not looks_like_mojibake("欧阳璇 咨询 继承 问题")  # a rarer character in a name is fine
    assert looks_like_mojibake("离婚后孩子抚养费如何计算".encode("utf-8").decode("gbk", errors="ignore"))


def test_slash_and_dash_mean_empty(tmp_path):
    f = write_csv(tmp_path / "c.csv", [CONSULT_HEADERS, ROW[:3] + ["/"] + ROW[4:7] + ["——", "－", "无"]])
    values = read_ledger(f, CONSULT_HEADERS).rows[0].values
    assert values["联系电话"] is None and values["解答意见"] is None and values["解答人"] is None
    assert values["转介"] == "无"
