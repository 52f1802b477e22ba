"""Reading 台账 files as clerks save them: .xlsx from Excel or WPS, and .csv in UTF-8 (with or without BOM) or
GB18030/GBK.

The header is row 1; columns are found by header name (order free, surrounding spaces, full-width spaces
included, ignored). What comes back is raw cell values: text stripped (empty text becomes None), numbers, and real
Excel dates and times as date/datetime/time. Turning them into record values is the layouts' job.

The encoding of a CSV is detected, never guessed silently: UTF-8 (BOM or not) strictly, then GB18030 strictly;
the decoding that yields the expected header wins. A file whose text is garbled (mojibake, such as a UTF-8 file
that was once opened as GBK and saved again) is refused with a message saying so.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from station_app.core.errors import StationError
from station_app.core.i18n import _

#: Larger files are refused: a village ledger of many years is a few MB; this keeps a stray file from eating memory.
MAX_FILE_BYTES = 200 * 1024 * 1024


class LedgerFileError(StationError):
    """The file as a whole cannot be read as this ledger (wrong type, encoding, header). Nothing was imported."""


@dataclass
class Row:
    number: int  # spreadsheet row number; the header is row 1
    values: dict[str, Any]  # header -> raw cell value (None when empty)
    sheet: str | None = None  # worksheet name (.xlsx), None for .csv


@dataclass
class Table:
    """The data rows of one ledger file, by header."""

    file_name: str
    headers: list[str]  # the layout headers found
    rows: list[Row]
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str | None = None  # for .csv: "UTF-8 (BOM)", "UTF-8", "GB18030"
    sheets: list[str] = field(default_factory=list)  # for .xlsx: the worksheets read
    ignored_sheets: list[str] = field(default_factory=list)


def clean_header(value: Any) -> str:
    """A header cell as compared with the layout: surrounding whitespace (also U+3000 and a stray BOM) removed."""
    if value is None:
        return ""
    return str(value).replace("\ufeff", "").strip()


#: What clerks write into a cell to say "nothing here".
BLANK_MARKS = frozenset({"/", "／", "-", "－", "--", "—", "——", "－－"})


def clean_cell(value: Any) -> Any:
    """Strip text (Python's strip also removes U+3000 full-width spaces); empty text and a lone "/" or "—" become
    None."""
    if isinstance(value, str):
        v = value.replace("\ufeff", "").strip()
        return None if not v or v in BLANK_MARKS else v
    return value


def read_ledger(path: str | Path, headers: Sequence[str], optional: Sequence[str] = ()) -> Table:
    """Read a .xlsx or .csv ledger whose header row must contain every one of `headers` except the `optional`
    ones (columns added in a later version: an older ledger without them still reads)."""
    p = Path(path)
    if not p.is_file():
        raise LedgerFileError(_("no such file: {p}", p=p))
    if p.stat().st_size > MAX_FILE_BYTES:
        raise LedgerFileError(_("the file is too large (limit {value} MB): {name}", value=MAX_FILE_BYTES // 1048576, name=p.name))
    ext = p.suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        return read_xlsx(p, headers, optional)
    if ext in (".csv", ".txt"):
        return read_csv(p, headers, optional)
    if ext in (".xls", ".et", ".wps", ".ods"):
        raise LedgerFileError(_("{ext} files are not supported: save the file as .xlsx or .csv in Excel or WPS first: {name}", ext=ext, name=p.name))
    raise LedgerFileError(_("only .xlsx and .csv files can be imported: {name}", name=p.name))


# -- header matching ----------------------------------------------------------------------------------------

class OptionalHeader(str):
    """A layout header that a ledger may lack (a column added after ledgers were in use, e.g. 案号)."""


@dataclass
class _HeaderMatch:
    index: dict[str, int]  # layout header -> column index
    missing: list[str]
    ignored: list[str]
    duplicated: list[str]


def _match_headers(cells: Sequence[Any], headers: Sequence[str], optional: Sequence[str] = ()) -> _HeaderMatch:
    index: dict[str, int] = {}
    ignored: list[str] = []
    duplicated: list[str] = []
    wanted = set(headers)
    for i, cell in enumerate(cells):
        h = clean_header(cell)
        if not h:
            continue
        if h in wanted:
            if h in index:
                duplicated.append(h)
            else:
                index[h] = i
        else:
            ignored.append(h)
    missing = [h for h in headers if h not in index and not isinstance(h, OptionalHeader) and h not in optional]
    return _HeaderMatch(index, missing, ignored, duplicated)


def _header_error(file_name: str, m: _HeaderMatch, headers: Sequence[str], where: str = "") -> LedgerFileError:
    parts = []
    if m.missing:
        parts.append(_("missing columns: {columns}", columns=_(", ").join(m.missing)))
    if m.duplicated:
        parts.append(_("duplicated columns: {columns}", columns=_(", ").join(m.duplicated)))
    return LedgerFileError(_(
        "{file_name}{where}: the header in row 1 does not fit this ledger ({parts}). Row 1 must hold the headers: "
        "{expected}", file_name=file_name, where=where, parts=_("; ").join(parts), expected=_(", ").join(headers)))


def _data_row(cells: Sequence[Any], m: _HeaderMatch) -> tuple[dict[str, Any], bool]:
    """(values by header, any non-empty cell at all — also in ignored columns)."""
    cleaned = [clean_cell(c) for c in cells]
    n = len(cleaned)
    values = {h: cleaned[i] if i < n else None for h, i in m.index.items()}
    non_empty = any(c is not None for c in cleaned)
    return values, non_empty


# -- xlsx ---------------------------------------------------------------------------------------------------

def read_xlsx(path: Path, headers: Sequence[str], optional: Sequence[str] = ()) -> Table:
    """Every worksheet whose row 1 holds the layout's headers is read (yearly ledgers often keep a sheet per
    month); empty sheets and sheets with other headers are skipped and reported.

    Read with python-calamine (a Rust reader, ~8x faster than openpyxl, which stays for writing); its cells are
    brought to what openpyxl gave (a date cell is a datetime at midnight, a whole number an int, an empty cell
    None), so fingerprints of rows imported before are unchanged."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in wb.sheet_names]
    except Exception as e:  # calamine raises its own error types (zip, xml, format) for a damaged file
        raise LedgerFileError(_("cannot open the Excel file {name}: it is damaged or not .xlsx ({e})", name=path.name, e=e)) from None
    table = Table(path.name, list(headers), [])
    first_bad: tuple[str, _HeaderMatch] | None = None
    for title, rows in sheets:
        if not rows or all(clean_cell(_excel_value(c)) is None for c in rows[0]):
            continue  # an empty sheet
        m = _match_headers([_excel_value(c) for c in rows[0]], headers, optional)
        if m.missing or m.duplicated:
            table.ignored_sheets.append(title)
            first_bad = first_bad or (title, m)
            continue
        table.sheets.append(title)
        for col in m.ignored:
            if col not in table.ignored_columns:
                table.ignored_columns.append(col)
        for number, cells in enumerate(rows[1:], start=2):
            values, non_empty = _data_row([_excel_value(c) for c in cells], m)
            if non_empty:
                table.rows.append(Row(number, values, title))
    if not table.sheets:
        if first_bad is not None:
            sheet, m = first_bad
            raise _header_error(path.name, m, headers, _(" (sheet '{sheet}')", sheet=sheet))
        raise LedgerFileError(_("{name} is empty: no header and no data", name=path.name))
    if len(table.sheets) == 1:
        # One sheet: row numbers alone say where a problem is.
        for r in table.rows:
            r.sheet = table.sheets[0]
    return table


def _excel_value(v: Any) -> Any:
    # A time typed as more than 24 h comes back as a timedelta; a pure time cell is a time; dates are datetimes
    # (as openpyxl gives them); whole numbers are ints; an empty cell is None.
    t = type(v)
    if t is str:
        return v if v else None
    if t is float:
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    if t is date:
        return datetime(v.year, v.month, v.day)
    if t is timedelta and timedelta(0) <= v < timedelta(days=1):
        return (datetime.min + v).time()
    return v


# -- csv ----------------------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _rare(ch: str) -> bool:
    """Outside GB2312's 3755 common characters (level 1). Ledgers are written almost entirely in those; text
    decoded with the wrong encoding is mostly made of the rest."""
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return b[0] >= 0xD8


def looks_like_mojibake(text: str) -> bool:
    """True when the text carries replacement characters (锟斤拷) or is dense with rare characters (鍙鏃鐨...).

    Measured on real ledger text the share of rare characters is near 0; UTF-8 Chinese decoded as GBK gives 0.8.
    """
    if "\ufffd" in text or "锟斤拷" in text:
        return True
    cjk = _CJK.findall(text[:200_000])  # a sample is plenty: a garbled file is garbled throughout
    if len(cjk) < 8:
        return False
    return sum(1 for ch in cjk if _rare(ch)) / len(cjk) > 0.4


def _decodings(data: bytes) -> list[tuple[str, str]]:
    """Every strict decoding that works, most likely first: (label, text)."""
    out: list[tuple[str, str]] = []
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        # Excel's "Unicode text" (tab-separated UTF-16).
        try:
            return [("UTF-16", data.decode("utf-16"))]
        except UnicodeDecodeError:
            return []
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return [("UTF-8 (BOM)", data[3:].decode("utf-8"))]
        except UnicodeDecodeError:
            return []
    for label, codec in (("UTF-8", "utf-8"), ("GB18030", "gb18030")):
        try:
            out.append((label, data.decode(codec)))
        except UnicodeDecodeError:
            pass
    return out


def _parse_csv(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    # Excel saves CSV with commas; "Unicode text" and some WPS exports use tabs.
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_csv(path: Path, headers: Sequence[str], optional: Sequence[str] = ()) -> Table:
    data = path.read_bytes()
    if not data.strip():
        raise LedgerFileError(_("{name} is empty: no header and no data", name=path.name))
    candidates = _decodings(data)
    if not candidates:
        raise LedgerFileError(_("cannot tell the text encoding of {name} (neither UTF-8 nor GB18030/GBK). Save it again as \"CSV UTF-8\" or .xlsx in Excel or WPS, then import it.", name=path.name))
    first_failure: tuple[str, _HeaderMatch] | None = None
    for label, text in candidates:
        rows = _parse_csv(text)
        header_cells = rows[0] if rows else []
        m = _match_headers(header_cells, headers, optional)
        if m.missing or m.duplicated:
            first_failure = first_failure or (label, m)
            continue
        if looks_like_mojibake(text):
            raise _mojibake(path.name, label)
        table = Table(path.name, list(headers), [], ignored_columns=list(m.ignored), encoding=label)
        for number, cells in enumerate(rows[1:], start=2):
            values, non_empty = _data_row(cells, m)
            if non_empty:
                table.rows.append(Row(number, _unquote(values)))
        return table
    label, m = first_failure  # type: ignore[misc]
    header_text = candidates[0][1].split("\n", 1)[0]
    if any(looks_like_mojibake(t.split("\n", 1)[0]) or looks_like_mojibake(t) for _, t in candidates):
        raise _mojibake(path.name, "/".join(lbl for lbl, _ in candidates))
    if m.missing and len(m.missing) == len(headers) and not _CJK.search(header_text):
        # Not one header found and no Chinese in row 1 at all: most likely the wrong encoding or not a ledger.
        raise LedgerFileError(_(
            "{name}: no ledger header found in row 1 (read as {label}). The file may be another kind of ledger, "
            "or its text encoding is wrong (garbled). Row 1 must hold: {headers}",
            name=path.name, label=label, headers=_(", ").join(headers)))
    raise _header_error(path.name, m, headers)


def _mojibake(file_name: str, encodings: str) -> LedgerFileError:
    return LedgerFileError(_("{file_name} is garbled (read as {encodings} it shows mojibake such as 锟斤拷 or 鍙) and cannot be imported: it was probably opened with the wrong encoding and saved again. Use the original file, or check that the text looks right in Excel/WPS and save it as .xlsx.", file_name=file_name, encodings=encodings))


_FORMULA_GUARD = re.compile(r"^'[=+\-@]")


def _unquote(values: dict[str, Any]) -> dict[str, Any]:
    # Our CSV export guards text that Excel would take for a formula with a leading apostrophe; take it off again.
    return {h: (v[1:] if isinstance(v, str) and _FORMULA_GUARD.match(v) else v) for h, v in values.items()}


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet or terminal: Chinese characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
