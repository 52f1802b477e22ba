"""The five 台账 layouts: their headers, how each cell is read, and how a row becomes a record and back.

A row goes through three steps:
1. `Layout.parse_cells`: every cell is read on its own (dates as clerks type them, real Excel dates and times,
   code-table values, numbers); the result is the row's *canonical* values, which also make its fingerprint.
2. `Layout.validate`: the record's service validates them (`validate_consultation`, `validate_shift`, ...), so a
   ledger row obeys exactly the rules of a record typed in; problems are named by the ledger's column header.
3. `Layout.add`: inside the import's one write, the service's add function inserts it (`add_consultation`, ...).
Export runs the other way: `Layout.export_rows` gives, per record, the cell values of the same layout.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from station_app.core import validators as v
from station_app.core.codes import (
    AgreementForm,
    PeriodUnit,
    CaseSource,
    Channel,
    ConsultationCategory,
    DisputeType,
    Gender,
    MediationOutcome,
    TerminationReason,
    OutreachKind,
    PartyRole,
    PostingCategory,
    PostingMedium,
    Referral,
    RiskLevel,
    ScreeningAction,
    Audience,
    Occasion,
    Organiser,
)
from station_app.core.errors import FieldProblem, ValidationError
from station_app.core.i18n import _, N_, pgettext
from station_app.core.periods import Period, parse_period
from station_app.services.base import Writer
from station_app.store.models import (
    Adviser,
    Consultation,
    DutyLogEntry,
    DutyShift,
    MediationCase,
    MediationFollowUp,
    MediationParty,
    OutreachEvent,
    Posting,
    Station,
)

# -- cells ----------------------------------------------------------------------------------------------------

_EXCEL_EPOCH = datetime(1899, 12, 30)
#: Serial numbers Excel uses for 1950-01-01 .. 2099-12-31; a bare number in a date column outside it is no date.
_SERIAL_RANGE = (18264, 73415)


def _fail(message: str) -> ValidationError:
    return ValidationError.single("", message)


def _integral(value: float) -> bool:
    return float(value).is_integer()


def cell_text(max_len: int = 2000) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        if isinstance(raw, float) and _integral(raw):
            raw = int(raw)  # a number typed into a text column (e.g. a topic "2021") comes back as 2021.0
        if isinstance(raw, (datetime, date, time)):
            raw = _date_text(raw)
        return v.required_text(str(raw), max_len)

    return parse


def _date_text(value: date | datetime | time) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value.isoformat()


def _serial(raw: float) -> datetime:
    if not (_SERIAL_RANGE[0] <= raw <= _SERIAL_RANGE[1]):
        raise _fail(_("not a date: {raw:g}", raw=raw))
    return _EXCEL_EPOCH + timedelta(days=float(raw))


def cell_date(raw: Any) -> date:
    """2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日, 20210305, a real Excel date, or an Excel date serial number."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise _fail(_("not a date: {raw}", raw=raw))
    if isinstance(raw, (int, float)):
        if _integral(raw) and 19000101 <= raw <= 21001231:
            return v.parse_date(str(int(raw)))
        return _serial(raw).date()
    return v.parse_date(str(raw))


def cell_datetime(raw: Any) -> datetime:
    """A date (midnight) or a date and time: '2021-03-05 09:30', or a real Excel date or date-time."""
    if isinstance(raw, datetime):
        return raw.replace(second=0, microsecond=0)
    if isinstance(raw, (date, int, float)) and not isinstance(raw, bool):
        return datetime.combine(cell_date(raw), time())
    return v.parse_datetime(str(raw))


def cell_time(raw: Any) -> time:
    """9:00, 09:00, 9点, 9点半, 14时, a real Excel time (or a date-time cell: its time), or a fraction of a day."""
    if isinstance(raw, datetime):
        return raw.time().replace(second=0, microsecond=0)
    if isinstance(raw, time):
        return raw.replace(second=0, microsecond=0)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 0 <= raw < 1:
            minutes = round(raw * 24 * 60)
            return time(minutes // 60 % 24, minutes % 60)
        if _integral(raw) and 0 <= raw <= 23:
            return time(int(raw))  # "9" typed as a number: 9 o'clock
        raise _fail(_("not a time: {raw:g}", raw=raw))
    return v.parse_time(str(raw))


def cell_count(raw: Any) -> int:
    """A whole number ≥ 0; "12人", "30人次", "500份" are accepted too."""
    if isinstance(raw, bool):
        raise _fail(_("must be a whole number: {raw}", raw=raw))
    if isinstance(raw, float):
        if not _integral(raw):
            raise _fail(_("must be a whole number: {raw:g}", raw=raw))
        raw = int(raw)
    text = re.sub(r"(人次|人|份|次|场)$", "", str(raw).strip())
    return v.non_negative_int(text)


def cell_phone(raw: Any) -> str:
    """A phone number; Excel keeps a mobile typed as a number as 13812341234 (int or float)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and _integral(raw):
        raw = str(int(raw))
    return v.phone(str(raw))


def cell_code(table) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        return v.code(table, str(raw)).value

    return parse


def cell_period(raw: Any) -> str:
    """2021-03, 2021年3月, 2021-Q1, 2021年第一季度, 2021. Excel turns a typed 2021-03 into a date (shown Mar-21) and
    2021 into a number: those mean the month and the year."""
    if isinstance(raw, (datetime, date)):
        return str(Period(raw.year, PeriodUnit.MONTH, raw.month))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if _integral(raw) and 1900 <= raw <= 2100:
            return str(Period(int(raw), PeriodUnit.YEAR, 1))
        raise _fail(_("unrecognised period: {raw:g} (e.g. 2021-03, 2021-Q1, 2021)", raw=raw))
    return str(parse_period(str(raw)))


def cell_bool(raw: Any) -> bool:
    """是/否, √/×, 1/0, yes/no."""
    from station_app.services.fields import boolean

    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and raw in (0, 1):
        return bool(raw)
    return boolean(raw)


_NAME_SPLIT = re.compile(r"[、,，;；/\s]+")


def cell_names(raw: Any) -> tuple[str, ...]:
    """One or more names: 张三、李四 (also separated by commas, semicolons, slashes or spaces)."""
    names = tuple(n for n in _NAME_SPLIT.split(str(raw).strip()) if n)
    for n in names:
        v.required_text(n, 64)
    return names


_ANONYMOUS = {"匿名", "不愿透露", "未透露", "未留名"}


def cell_consultant(raw: Any) -> str | None:
    """The consultant's name; 匿名 (and its usual variants) means an anonymous consultation, like an empty cell."""
    name = cell_text(64)(raw)
    return None if name in _ANONYMOUS else name


# -- layouts --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str
    key: str  # name of the canonical value (usually the service field it feeds)
    parse: Callable[[Any], Any]
    required: bool = False
    default: Any = None
    width: int = 12  # column width in an exported .xlsx (characters)
    #: A column added after 0.1.0: a ledger without it still imports (and its rows keep their fingerprints).
    optional: bool = False


@dataclass
class RowProblem:
    """One problem of one row: the spreadsheet row number (the header is row 1), the column header, the reason."""

    row: int
    column: str
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = _("row {row}", row=self.row)
        if self.sheet:
            where = _("sheet '{sheet}'", sheet=self.sheet) + " " + where
        colon = _(": ")
        return f"{where} / {self.column}{colon}{self.message}" if self.column else f"{where}{colon}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "sheet": self.sheet, "column": self.column, "message": self.message}


class RowError(Exception):
    """Problems of one row, as (column header, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]], partial: dict[str, Any] | None = None):
        self.problems = problems
        self.partial = partial  # the row's readable cells (bad ones None), so other checks can still run
        super().__init__("; ".join(f"{c}: {m}" for c, m in problems))


def canonical_text(value: Any) -> str:
    """The normalised form of a cell value that goes into a row's fingerprint."""
    if value is None:
        return ""
    if isinstance(value, (datetime, date, time)):
        return _date_text(value)
    if isinstance(value, (tuple, list)):
        return "、".join(canonical_text(x) for x in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", text).strip()


class ImportContext:
    """What adding rows needs besides the values: advisers and stations by name, and what was created."""

    def __init__(self, w: Writer):
        self.w = w
        self.session: Session = w.session
        self.advisers_created: list[str] = []
        self._advisers: dict[str, str | None] = {}
        self._stations: dict[str, str] = {}

    def adviser_id(self, name: str, *, create: bool, label: str) -> str | None:
        """The adviser called `name` (active ones first, then those whose contract ended, so old ledgers import).

        With create=True an unknown name creates the adviser (reported); two advisers of one name is an error.
        """
        key = name.strip()
        if key in self._advisers and (self._advisers[key] or not create):
            return self._advisers[key]
        found: list[Adviser] = []
        for active in (True, False):
            stmt = select(Adviser).where(Adviser.name == key, Adviser.deleted.is_(False),
                                         Adviser.active.is_(active)).limit(3)
            found = list(self.session.execute(stmt).scalars())
            if found:
                break
        if len(found) > 1:
            raise ValidationError.single(label, _("{len} advisers are called '{key}' and cannot be told apart; rename one in the adviser list", len=len(found), key=key))
        if found:
            self._advisers[key] = found[0].id
        elif create:
            from station_app.services.advisers import add_adviser, validate_adviser

            try:
                values = validate_adviser({"name": key})
            except ValidationError as e:
                raise ValidationError([FieldProblem(label, p.message) for p in e.problems]) from None
            self._advisers[key] = add_adviser(self.w, values).id
            self.advisers_created.append(key)
        else:
            self._advisers[key] = None
        return self._advisers[key]

    def station_id(self, ref: str, *, label: str) -> str:
        """A station of this database by code (S01) or name (小苏庄村)."""
        key = ref.strip()
        if key not in self._stations:
            live = Station.deleted.is_(False)
            found = list(self.session.execute(select(Station).where(Station.code == key.upper(), live)).scalars())
            if not found:
                found = list(self.session.execute(select(Station).where(Station.name == key, live)).scalars())
            if len(found) != 1:
                raise ValidationError.single(label, _("no station '{key}' (give a station code such as S01 or its name; leave empty for this station)", key=key))
            self._stations[key] = found[0].id
        return self._stations[key]


@dataclass
class Layout:
    kind: str
    #: the ledger's official name, Chinese in every language (not a translation): the exported sheet is named after
    #: it, as in the township's Excel files
    zh: str
    en: str  # N_("English name"); its zh_CN translation is `zh`
    table: str  # the main record table a row becomes
    columns: tuple[Column, ...]
    #: service field -> column header, to name a service's problems by the ledger's column
    field_headers: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return _(self.en)

    @property
    def headers(self) -> list[str]:
        from station_app.ledger.read import OptionalHeader

        return [OptionalHeader(c.header) if c.optional else c.header for c in self.columns]

    @property
    def base_headers(self) -> list[str]:
        """The columns of a 0.1.0 ledger (every one must be in the file)."""
        return [c.header for c in self.columns if not c.optional]

    @property
    def optional_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.optional]

    # step 1
    def parse_cells(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Read every cell of a row; raises RowError listing every bad cell."""
        out: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for col in self.columns:
            value = raw.get(col.header)
            if value is None:
                if col.required:
                    problems.append((col.header, _("is required")))
                out[col.key] = col.default
                continue
            try:
                out[col.key] = col.parse(value)
            except ValidationError as e:
                problems.extend((col.header, p.message) for p in e.problems)
                out[col.key] = None
        if problems:
            raise RowError(problems, out)
        return out

    def fingerprint_base(self, canon: dict[str, Any]) -> str:
        """sha256 of the kind and the row's normalised values (column order fixed by the layout, not the file)."""
        values: list[Any] = [canonical_text(canon[c.key]) for c in self.columns if not c.optional]
        # An optional column enters only when it says something, so a row of an older ledger (without the
        # column) keeps the fingerprint it was imported with and is not imported twice.
        values += [[c.header, canonical_text(canon[c.key])] for c in self.columns
                   if c.optional and canon[c.key] is not None and canon[c.key] != c.default]
        payload = json.dumps([self.kind, values], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    # step 2 and 3, per kind
    def validate(self, canon: dict[str, Any]) -> Any:
        raise NotImplementedError

    def add(self, ctx: ImportContext, payload: Any) -> Any:
        raise NotImplementedError

    # export
    def export_rows(self, session: Session, station_id: str, year: int) -> Iterator[tuple[str, dict[str, Any]]]:
        """(record id, {header: cell value}) for this station's records of `year`, in ledger order."""
        raise NotImplementedError

    #: tables whose export carries personal data (logged in access_log)
    personal_data: ClassVar[bool] = False

    def _problems(self, e: ValidationError, specs: dict) -> RowError:
        """A service's ValidationError with each field label turned into this ledger's column header."""
        by_label = {specs[k].label: h for k, h in self.field_headers.items() if k in specs}
        return RowError([(by_label.get(p.field, p.field), p.message) for p in e.problems])


def _validated(layout: Layout, specs: dict, fn: Callable[[dict], dict], data: dict) -> dict:
    try:
        return fn(data)
    except ValidationError as e:
        raise layout._problems(e, specs) from None


def _in_write(layout: Layout, specs: dict, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except ValidationError as e:
        raise layout._problems(e, specs) from None


def _year_range(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


# -- consultation ---------------------------------------------------------------------------------------------

class ConsultationLayout(Layout):
    personal_data = True

    def validate(self, canon: dict[str, Any]) -> dict[str, Any]:
        from station_app.services import consultations as cs

        data = {"occurred_at": canon["occurred_at"], "channel": canon["channel"],
                "consultant_name": canon["consultant_name"], "gender": canon["gender"], "phone": canon["phone"],
                "category": canon["category"], "summary": canon["summary"], "answer": canon["answer"],
                "answered_by": canon["answered_by"], "referral": canon["referral"], "persons": canon["persons"],
                "referral_to": canon["referral_to"], "referral_result": canon["referral_result"],
                "follow_up_on": canon["follow_up_on"], "answered_on": canon["answered_on"]}
        # A ledger writes an empty or 匿名 name for an anonymous visit (paper=True).
        return _validated(self, cs.SPECS, lambda d: cs.validate_consultation(d, paper=True), data)

    def add(self, ctx: ImportContext, payload: dict[str, Any]) -> Consultation:
        from station_app.services import consultations as cs

        values = dict(payload)
        if values.get("answered_by"):
            # 解答人 may be the dispatcher, not only an adviser: link a known adviser, never create one.
            values["adviser_id"] = ctx.adviser_id(values["answered_by"], create=False, label="解答人")
        staged = getattr(ctx, "staged", None)
        if staged is not None:  # a bulk import: the same record, staged (ledger.staged)
            _in_write(self, cs.SPECS, lambda: cs._check_refs(ctx.session, values))
            return staged.add(Consultation, values)
        return _in_write(self, cs.SPECS, lambda: cs.add_consultation(ctx.w, values))

    def export_rows(self, session, station_id, year):
        lo, hi = _year_range(year)
        stmt = (select(Consultation, Adviser.name).outerjoin(Adviser, Adviser.id == Consultation.adviser_id)
                .where(Consultation.station_id == station_id, Consultation.deleted.is_(False),
                       Consultation.occurred_at >= lo, Consultation.occurred_at < hi)
                .order_by(Consultation.occurred_at, Consultation.created_at, Consultation.id))
        for c, adviser in session.execute(stmt):
            yield c.id, {"日期": c.occurred_at if c.occurred_at.time() != time() else c.occurred_at.date(),
                         "咨询人": "匿名" if c.anonymous or not c.consultant_name else c.consultant_name,
                         "性别": c.gender, "联系电话": c.phone, "咨询方式": c.channel, "咨询类别": c.category,
                         "咨询内容": c.summary, "解答意见": c.answer, "解答人": c.answered_by or adviser,
                         "转介": c.referral, "人次": c.persons, "接收单位": c.referral_to,
                         "转介结果": c.referral_result, "约期答复日期": c.follow_up_on, "答复日期": c.answered_on}


CONSULTATION = ConsultationLayout(
    "consultation", "法律咨询登记台账", N_("consultation ledger"), "consultations",
    (
        Column("日期", "occurred_at", cell_datetime, required=True, width=17),
        Column("咨询人", "consultant_name", cell_consultant, width=10),
        Column("性别", "gender", cell_code(Gender), width=6),
        Column("联系电话", "phone", cell_phone, width=14),
        Column("咨询方式", "channel", cell_code(Channel), required=True, width=12),
        Column("咨询类别", "category", cell_code(ConsultationCategory), required=True, width=16),
        Column("咨询内容", "summary", cell_text(), required=True, width=40),
        Column("解答意见", "answer", cell_text(), width=40),
        Column("解答人", "answered_by", cell_text(64), width=10),
        Column("转介", "referral", cell_code(Referral), default=Referral.NONE.value, width=10),
        Column("人次", "persons", cell_count, default=1, width=6, optional=True),
        Column("接收单位", "referral_to", cell_text(128), width=16, optional=True),
        Column("转介结果", "referral_result", cell_text(), width=20, optional=True),
        Column("约期答复日期", "follow_up_on", cell_date, width=12, optional=True),
        Column("答复日期", "answered_on", cell_date, width=12, optional=True),
    ),
    {"occurred_at": "日期", "consultant_name": "咨询人", "gender": "性别", "phone": "联系电话", "channel": "咨询方式",
     "category": "咨询类别", "summary": "咨询内容", "answer": "解答意见", "answered_by": "解答人", "referral": "转介",
     "anonymous": "咨询人", "adviser_id": "解答人", "persons": "人次", "referral_to": "接收单位",
     "referral_result": "转介结果", "follow_up_on": "约期答复日期", "answered_on": "答复日期", "address": "咨询人"},
)


# -- duty -----------------------------------------------------------------------------------------------------

class DutyLayout(Layout):
    def validate(self, canon: dict[str, Any]) -> dict[str, Any]:
        from station_app.services import duty

        day = canon["day"]
        data = {"adviser_id": canon["adviser"], "place_station_id": None,
                "start_at": datetime.combine(day, canon["start"]), "end_at": datetime.combine(day, canon["end"]),
                "people_served": canon["people_served"], "summary": canon["summary"]}
        values = _validated(self, duty.SPECS, duty.validate_shift, data)
        values["place"] = canon["place"]
        return values

    def add(self, ctx: ImportContext, payload: dict[str, Any]) -> DutyShift:
        from station_app.services import duty

        values = dict(payload)
        place = values.pop("place")
        problems: list[tuple[str, str]] = []
        try:
            values["adviser_id"] = ctx.adviser_id(values["adviser_id"], create=True, label="法律顾问")
        except ValidationError as e:
            problems.extend(("法律顾问", p.message) for p in e.problems)
        try:
            values["place_station_id"] = ctx.station_id(place, label="值班地点") if place else None
        except ValidationError as e:
            problems.extend(("值班地点", p.message) for p in e.problems)
        if problems:
            raise RowError(problems)
        return _in_write(self, duty.SPECS, lambda: duty.add_shift(ctx.w, values))

    def export_rows(self, session, station_id, year):
        lo, hi = _year_range(year)
        place = Station.__table__.alias("place")
        stmt = (select(DutyShift, Adviser.name, place.c.id, place.c.code)
                .join(Adviser, Adviser.id == DutyShift.adviser_id)
                .join(place, place.c.id == DutyShift.place_station_id)
                .where(DutyShift.station_id == station_id, DutyShift.deleted.is_(False),
                       DutyShift.start_at >= lo, DutyShift.start_at < hi)
                .order_by(DutyShift.start_at, DutyShift.created_at, DutyShift.id))
        rows = list(session.execute(stmt))
        logs: dict[str, list[str]] = {}
        if rows:
            for e in session.execute(select(DutyLogEntry).where(
                    DutyLogEntry.shift_id.in_([r[0].id for r in rows]), DutyLogEntry.deleted.is_(False))
                    .order_by(DutyLogEntry.position, DutyLogEntry.id)).scalars():
                logs.setdefault(e.shift_id, []).append(e.content)
        for s, adviser, place_id, place_code in rows:
            yield s.id, {"日期": s.start_at.date(), "法律顾问": adviser, "开始时间": s.start_at.time(),
                         "结束时间": s.end_at.time(), "值班地点": "" if place_id == station_id else place_code,
                         "接待人次": s.people_served, "工作内容": s.summary or "；".join(logs.get(s.id, [])) or None}


DUTY = DutyLayout(
    "duty", "法律顾问值班台账", N_("duty ledger"), "duty_shifts",
    (
        Column("日期", "day", cell_date, required=True, width=12),
        Column("法律顾问", "adviser", cell_text(64), required=True, width=10),
        Column("开始时间", "start", cell_time, required=True, width=10),
        Column("结束时间", "end", cell_time, required=True, width=10),
        Column("值班地点", "place", cell_text(100), width=14),
        Column("接待人次", "people_served", cell_count, default=0, width=10),
        Column("工作内容", "summary", cell_text(), width=40),
    ),
    {"adviser_id": "法律顾问", "place_station_id": "值班地点", "start_at": "开始时间", "end_at": "结束时间",
     "people_served": "接待人次", "summary": "工作内容"},
)


# -- mediation ------------------------------------------------------------------------------------------------

#: The ledger has no column for these; a closed case still needs them, so the record says where they are.
AGREEMENT_PLACEHOLDER = "（由台账导入，协议内容见纸质卷宗）"
FAILURE_PLACEHOLDER = "（由台账导入，调解不成原因见纸质卷宗）"
VISITOR_PLACEHOLDER = "（台账未注明）"


@dataclass
class MediationPayload:
    case: dict[str, Any]
    parties: list[dict[str, Any]]
    close: dict[str, Any] | None
    followup: dict[str, Any] | None


class MediationLayout(Layout):
    personal_data = True

    def fingerprint_base(self, canon: dict[str, Any]) -> str:
        # A row without 案号 keeps the fingerprint it had before the column existed (no duplicate on re-import).
        if canon.get("case_no") is None:
            payload = json.dumps([self.kind, [canonical_text(canon[c.key]) for c in self.columns
                                              if c.key != "case_no"]], ensure_ascii=False)
            return hashlib.sha256(payload.encode("utf-8")).hexdigest()
        return super().fingerprint_base(canon)

    def validate(self, canon: dict[str, Any]) -> MediationPayload:
        from station_app.services import mediation as m

        problems: list[tuple[str, str]] = []

        def bad(header: str, message: str) -> None:
            problems.append((header, message))

        case = parties = close = followup = None
        try:
            case = _validated(self, m.CASE_SPECS, m.validate_case, {
                "accepted_on": canon["accepted_on"], "source": canon["source"], "dispute_type": canon["dispute_type"],
                "summary": canon["summary"], "mediator": canon["mediator"], "case_no": canon["case_no"]})
        except RowError as e:
            problems.extend(e.problems)
        applicants, respondents = canon["applicants"] or (), canon["respondents"] or ()
        if canon["source"] == CaseSource.OWN_INITIATIVE.value:
            if len(applicants) + len(respondents) < 2:
                bad("被申请人", _("a case taken up by the committee needs two parties"))
        else:
            if not applicants:
                bad("申请人", _("is required"))
            if not respondents:
                bad("被申请人", _("is required"))
        party_data = ([{"role": PartyRole.APPLICANT.value, "name": n} for n in applicants]
                      + [{"role": PartyRole.RESPONDENT.value, "name": n} for n in respondents])
        try:
            parties = m.validate_parties(party_data)
        except ValidationError as e:
            problems.extend(("申请人/被申请人", p.message) for p in e.problems)

        outcome = canon["outcome"]
        closed_on, form, visited_on = canon["closed_on"], canon["agreement_form"], canon["visited_on"]
        if outcome == MediationOutcome.IN_PROGRESS.value:
            for header, value in (("结案日期", closed_on), ("协议形式", form), ("回访日期", visited_on)):
                if value is not None:
                    bad(header, _("must be empty while the case is 调解中 (in progress)"))
        else:
            if closed_on is None:
                bad("结案日期", _("is required once the case is closed"))
            elif canon["accepted_on"] and closed_on < canon["accepted_on"]:
                bad("结案日期", _("cannot be before the case was accepted ({isoformat})", isoformat=canon['accepted_on'].isoformat()))
            success = outcome == MediationOutcome.SUCCESS.value
            if not success and form is not None:
                bad("协议形式", _("a case that was not settled has no agreement"))
            closing_ok = not any(h in ("结案日期", "协议形式") for h, _ in problems)
            if closed_on is not None and closing_ok:
                try:
                    close = _validated(self, m.CLOSE_SPECS, m.validate_close, {
                        "outcome": outcome, "closed_on": closed_on, "agreement_form": form if success else None,
                        "agreement_terms": AGREEMENT_PLACEHOLDER if success else None,
                        "failure_reason": None if success else FAILURE_PLACEHOLDER,
                        # The ledger has no reason column: the meaning every 0.1.0 调解不成 was given (migration 0008).
                        "termination_reason": None if success else TerminationReason.NO_AGREEMENT.value})
                except RowError as e:
                    problems.extend(e.problems)
            if visited_on is not None:
                if closed_on is not None and visited_on < closed_on:
                    bad("回访日期", _("cannot be before the case was closed ({isoformat})", isoformat=closed_on.isoformat()))
                else:
                    try:
                        followup = _validated(self, m.FOLLOWUP_SPECS, m.validate_followup, {
                            "visited_on": visited_on, "visitor": canon["mediator"] or VISITOR_PLACEHOLDER,
                            "performance": canon["performance"]})
                    except RowError as e:
                        problems.extend(e.problems)
        if problems:
            raise RowError(problems)
        assert case is not None and parties is not None
        if canon["performance"]:
            case["performance_status"] = canon["performance"]
        return MediationPayload(case, parties, close, followup)

    def add(self, ctx: ImportContext, payload: MediationPayload) -> MediationCase:
        from station_app.services import mediation as m

        def run() -> MediationCase:
            case = m.open_case_in(ctx.w, dict(payload.case), [dict(p) for p in payload.parties])
            if payload.close is not None:
                # The ledger row is a summary: the session records are in the paper case file.
                m.close_case_in(ctx.w, case, dict(payload.close), records_on_paper=True)
            if payload.followup is not None:
                m.add_followup_in(ctx.w, case, dict(payload.followup))
            return case

        specs = {**m.CASE_SPECS, **m.CLOSE_SPECS, **m.FOLLOWUP_SPECS}
        return _in_write(self, specs, run)

    def export_rows(self, session, station_id, year):
        stmt = (select(MediationCase).where(
            MediationCase.station_id == station_id, MediationCase.deleted.is_(False),
            MediationCase.accepted_on >= date(year, 1, 1), MediationCase.accepted_on < date(year + 1, 1, 1))
            .order_by(MediationCase.accepted_on, MediationCase.case_no, MediationCase.id))
        cases = list(session.execute(stmt).scalars())
        ids = [c.id for c in cases]
        parties: dict[str, dict[str, list[str]]] = {}
        visits: dict[str, list[MediationFollowUp]] = {}
        if ids:
            for p in session.execute(select(MediationParty).where(
                    MediationParty.case_id.in_(ids), MediationParty.deleted.is_(False))
                    .order_by(MediationParty.created_at, MediationParty.id)).scalars():
                parties.setdefault(p.case_id, {}).setdefault(p.role, []).append(p.name)
            for f in session.execute(select(MediationFollowUp).where(
                    MediationFollowUp.case_id.in_(ids), MediationFollowUp.deleted.is_(False))
                    .order_by(MediationFollowUp.visited_on, MediationFollowUp.id)).scalars():
                visits.setdefault(f.case_id, []).append(f)
        for c in cases:
            ps = parties.get(c.id, {})
            # A third party has no column of its own; it is listed with the respondents so nobody is lost.
            respondents = ps.get(PartyRole.RESPONDENT.value, []) + ps.get(PartyRole.THIRD_PARTY.value, [])
            first = visits.get(c.id, [None])[0]
            settled = c.outcome == MediationOutcome.SUCCESS.value
            yield c.id, {"受理日期": c.accepted_on, "申请人": "、".join(ps.get(PartyRole.APPLICANT.value, [])) or None,
                         "被申请人": "、".join(respondents) or None, "纠纷类型": c.dispute_type, "案件来源": c.source,
                         "纠纷简要情况": c.summary, "调解员": c.mediator, "调解结果": c.outcome,
                         "结案日期": c.closed_on, "协议形式": c.agreement_form if settled else None,
                         "履行情况": c.performance_status or (first.performance if first else None),
                         "回访日期": first.visited_on if first else None, "案号": c.case_no}


MEDIATION = MediationLayout(
    "mediation", "人民调解台账", N_("mediation ledger"), "mediation_cases",
    (
        Column("受理日期", "accepted_on", cell_date, required=True, width=12),
        Column("申请人", "applicants", cell_names, width=12),
        Column("被申请人", "respondents", cell_names, width=12),
        Column("纠纷类型", "dispute_type", cell_code(DisputeType), required=True, width=12),
        Column("案件来源", "source", cell_code(CaseSource), required=True, width=14),
        Column("纠纷简要情况", "summary", cell_text(), required=True, width=40),
        Column("调解员", "mediator", cell_text(64), width=10),
        Column("调解结果", "outcome", cell_code(MediationOutcome), default=MediationOutcome.IN_PROGRESS.value, width=10),
        Column("结案日期", "closed_on", cell_date, width=12),
        Column("协议形式", "agreement_form", cell_code(AgreementForm), width=10),
        Column("履行情况", "performance", cell_text(64), width=16),
        Column("回访日期", "visited_on", cell_date, width=12),
        # The paper file's number: an imported case keeps it (without one, the next number is given).
        Column("案号", "case_no", cell_text(32), width=16, optional=True),
    ),
    {"accepted_on": "受理日期", "dispute_type": "纠纷类型", "source": "案件来源", "summary": "纠纷简要情况",
     "mediator": "调解员", "outcome": "调解结果", "closed_on": "结案日期", "agreement_form": "协议形式",
     "signed_on": "结案日期", "performance_due_on": "结案日期", "visited_on": "回访日期", "visitor": "调解员",
     "performance": "履行情况", "case_no": "案号"},
)


# -- posting --------------------------------------------------------------------------------------------------

class PostingLayout(Layout):
    def validate(self, canon: dict[str, Any]) -> dict[str, Any]:
        from station_app.services import postings

        data = {k: canon[k] for k in ("category", "title", "period", "posted_on", "taken_down_on", "medium",
                                      "reviewer", "immediate", "reviewed_on", "review_opinion", "audited_by",
                                      "audited_on", "approved_by", "approved_on")}
        # A ledger records postings made on paper: a review it does not name is "see the paper record".
        return _validated(self, postings.SPECS, lambda d: postings.validate_posting(d, paper=True), data)

    def add(self, ctx: ImportContext, payload: dict[str, Any]) -> Posting:
        from station_app.services import postings

        return _in_write(self, postings.SPECS, lambda: postings.add_posting(ctx.w, dict(payload)))

    def export_rows(self, session, station_id, year):
        # A posting belongs to the year of the period it covers (a 2021-12 finance posting made in January 2022
        # is in the 2021 ledger), as in the posting list and the statistics.
        stmt = (select(Posting).where(Posting.station_id == station_id, Posting.deleted.is_(False),
                                      Posting.period.like(f"{year:04d}%"))
                .order_by(Posting.posted_on, Posting.category, Posting.created_at, Posting.id))
        for p in session.execute(stmt).scalars():
            yield p.id, {"公开类别": p.category, "公开事项": p.title, "所属期间": p.period, "公开日期": p.posted_on,
                         "撤下日期": p.taken_down_on, "公开形式": p.medium, "审核人": p.reviewer,
                         "随时公开": "是" if p.immediate else None, "审核日期": p.reviewed_on,
                         "审核意见": p.review_opinion, "党务审核人": p.audited_by, "党务审核日期": p.audited_on,
                         "审批人": p.approved_by, "审批日期": p.approved_on}


POSTING = PostingLayout(
    "posting", "三务公开台账", N_("posting ledger"), "postings",
    (
        Column("公开类别", "category", cell_code(PostingCategory), required=True, width=10),
        Column("公开事项", "title", cell_text(200), required=True, width=40),
        Column("所属期间", "period", cell_period, required=True, width=10),
        Column("公开日期", "posted_on", cell_date, required=True, width=12),
        Column("撤下日期", "taken_down_on", cell_date, width=12),
        Column("公开形式", "medium", cell_code(PostingMedium), default=PostingMedium.BOARD.value, width=10),
        Column("审核人", "reviewer", cell_text(64), width=10),
        Column("随时公开", "immediate", cell_bool, default=False, width=8, optional=True),
        Column("审核日期", "reviewed_on", cell_date, width=12, optional=True),
        Column("审核意见", "review_opinion", cell_text(2000), width=24, optional=True),
        Column("党务审核人", "audited_by", cell_text(64), width=10, optional=True),
        Column("党务审核日期", "audited_on", cell_date, width=12, optional=True),
        Column("审批人", "approved_by", cell_text(64), width=10, optional=True),
        Column("审批日期", "approved_on", cell_date, width=12, optional=True),
    ),
    {"category": "公开类别", "title": "公开事项", "period": "所属期间", "posted_on": "公开日期",
     "taken_down_on": "撤下日期", "medium": "公开形式", "reviewer": "审核人", "immediate": "随时公开",
     "reviewed_on": "审核日期", "review_opinion": "审核意见", "audited_by": "党务审核人", "audited_on": "党务审核日期",
     "approved_by": "审批人", "approved_on": "审批日期"},
)


# -- outreach -------------------------------------------------------------------------------------------------

class OutreachLayout(Layout):
    def validate(self, canon: dict[str, Any]) -> dict[str, Any]:
        from station_app.services import outreach

        data = {"held_on": canon["held_on"], "kind": canon["kind"], "topic": canon["topic"],
                "speaker": canon["speaker"], "attendees": canon["attendees"], "materials": canon["materials"],
                "organiser": canon["organiser"], "theme": canon["theme"], "occasion": canon["occasion"],
                "audience": canon["audience"], "villages": list(canon["villages"]) if canon["villages"] else None}
        # The organiser is settled in add(), once it is known whether the speaker is an adviser.
        organiser = data.pop("organiser")
        values = _validated(self, outreach.SPECS, outreach.validate_event, data)
        values["organiser"] = organiser
        return values

    def add(self, ctx: ImportContext, payload: dict[str, Any]) -> OutreachEvent:
        from station_app.services import outreach

        from station_app.core.codes import Organiser as Org

        values = dict(payload)
        if values.get("speaker"):
            # The speaker is often the village adviser: link a known one; a judge or police officer is no adviser.
            values["adviser_id"] = ctx.adviser_id(values["speaker"], create=False, label="主讲人")
        if not values.get("organiser"):
            values["organiser"] = Org.ADVISER.value if values.get("adviser_id") else Org.OTHER.value
        elif values["organiser"] == Org.ADVISER.value and not values.get("adviser_id"):
            raise RowError([("主讲人", _("an event organised by a village adviser needs an adviser as speaker"))])
        return _in_write(self, outreach.SPECS, lambda: outreach.add_event(ctx.w, values))

    def export_rows(self, session, station_id, year):
        stmt = (select(OutreachEvent, Adviser.name).outerjoin(Adviser, Adviser.id == OutreachEvent.adviser_id)
                .where(OutreachEvent.station_id == station_id, OutreachEvent.deleted.is_(False),
                       OutreachEvent.held_on >= date(year, 1, 1), OutreachEvent.held_on < date(year + 1, 1, 1))
                .order_by(OutreachEvent.held_on, OutreachEvent.created_at, OutreachEvent.id))
        for e, adviser in session.execute(stmt):
            codes = dict(session.execute(select(Station.id, Station.code)).all()) if e.villages else {}
            yield e.id, {"日期": e.held_on, "活动形式": e.kind, "主题": e.topic, "主讲人": e.speaker or adviser,
                         "参加人数": e.attendees, "发放资料份数": e.materials, "组织单位": e.organiser,
                         "宣讲主题": e.theme, "时间节点": e.occasion, "法律六进": e.audience,
                         "覆盖村": "、".join(codes.get(v, v) for v in e.villages or []) or None}


OUTREACH = OutreachLayout(
    "outreach", "普法活动台账", N_("outreach ledger"), "outreach_events",
    (
        Column("日期", "held_on", cell_date, required=True, width=12),
        Column("活动形式", "kind", cell_code(OutreachKind), required=True, width=12),
        Column("主题", "topic", cell_text(200), required=True, width=36),
        Column("主讲人", "speaker", cell_text(64), width=10),
        Column("参加人数", "attendees", cell_count, default=0, width=10),
        Column("发放资料份数", "materials", cell_count, default=0, width=14),
        Column("组织单位", "organiser", cell_code(Organiser), width=10, optional=True),
        Column("宣讲主题", "theme", cell_text(64), width=16, optional=True),
        Column("时间节点", "occasion", cell_code(Occasion), width=8, optional=True),
        Column("法律六进", "audience", cell_code(Audience), width=8, optional=True),
        Column("覆盖村", "villages", cell_names, width=16, optional=True),
    ),
    {"held_on": "日期", "kind": "活动形式", "topic": "主题", "speaker": "主讲人", "adviser_id": "主讲人",
     "attendees": "参加人数", "materials": "发放资料份数", "organiser": "组织单位", "theme": "宣讲主题",
     "occasion": "时间节点", "audience": "法律六进", "villages": "覆盖村"},
)


# -- screening (矛盾纠纷排查) ------------------------------------------------------------------------------------

class ScreeningLayout(Layout):
    personal_data = True  # parties' names

    def validate(self, canon: dict[str, Any]) -> dict[str, Any]:
        from station_app.services import screening

        data = {k: canon[k] for k in ("found_on", "village_station_id", "found_by", "parties", "dispute_type",
                                      "description", "risk_level", "action", "handed_to", "mediation_case_id",
                                      "resolved_on", "result")}
        if data["action"] is None:
            # A ledger often leaves 处置方式 empty: what else it says tells which it was.
            data["action"] = ("转人民调解" if data["mediation_case_id"] else "移交其他部门" if data["handed_to"]
                              else "就地化解" if data["resolved_on"] else "待处置")
        return _validated(self, screening.SPECS, screening.validate_item, data)

    def add(self, ctx: ImportContext, payload: dict[str, Any]) -> Any:
        from station_app.services import screening

        return _in_write(self, screening.SPECS, lambda: screening.add_item(ctx.w, dict(payload)))

    def export_rows(self, session, station_id, year):
        from station_app.store.models import ScreeningItem

        village = Station.__table__.alias("village")
        stmt = (select(ScreeningItem, village.c.code, MediationCase.case_no)
                .join(village, village.c.id == ScreeningItem.village_station_id)
                .outerjoin(MediationCase, MediationCase.id == ScreeningItem.mediation_case_id)
                .where(ScreeningItem.station_id == station_id, ScreeningItem.deleted.is_(False),
                       ScreeningItem.found_on >= date(year, 1, 1), ScreeningItem.found_on < date(year + 1, 1, 1))
                .order_by(ScreeningItem.found_on, ScreeningItem.created_at, ScreeningItem.id))
        for i, code, case_no in session.execute(stmt):
            yield i.id, {"排查日期": i.found_on, "村": code, "排查人": i.found_by, "当事人": i.parties,
                         "纠纷类型": i.dispute_type, "纠纷情况": i.description, "风险等级": i.risk_level,
                         "处置方式": i.action, "移交单位": i.handed_to, "调解案号": case_no, "化解日期": i.resolved_on,
                         "处置结果": i.result}


SCREENING = ScreeningLayout(
    "screening", "矛盾纠纷排查台账", N_("dispute screening ledger"), "screening_items",
    (
        Column("排查日期", "found_on", cell_date, required=True, width=12),
        Column("村", "village_station_id", cell_text(100), width=10),
        Column("排查人", "found_by", cell_text(64), required=True, width=10),
        Column("当事人", "parties", cell_text(255), width=14),
        Column("纠纷类型", "dispute_type", cell_code(DisputeType), required=True, width=12),
        Column("纠纷情况", "description", cell_text(), required=True, width=40),
        Column("风险等级", "risk_level", cell_code(RiskLevel), default=RiskLevel.LOW.value, width=8),
        Column("处置方式", "action", cell_code(ScreeningAction), width=12),
        Column("移交单位", "handed_to", cell_text(128), width=14),
        Column("调解案号", "mediation_case_id", cell_text(64), width=14),
        Column("化解日期", "resolved_on", cell_date, width=12),
        Column("处置结果", "result", cell_text(), width=30),
    ),
    {"found_on": "排查日期", "village_station_id": "村", "found_by": "排查人", "parties": "当事人",
     "dispute_type": "纠纷类型", "description": "纠纷情况", "risk_level": "风险等级", "action": "处置方式",
     "handed_to": "移交单位", "mediation_case_id": "调解案号", "resolved_on": "化解日期", "result": "处置结果"},
)


LAYOUTS: dict[str, Layout] = {lay.kind: lay for lay in (CONSULTATION, DUTY, MEDIATION, POSTING, OUTREACH,
                                                          SCREENING)}


def layout(kind: str) -> Layout:
    try:
        return LAYOUTS[kind]
    except KeyError:
        raise ValidationError.single(pgettext("station_app.ledger.layouts", "kind"), _(
            "'{kind}' is not a ledger kind: {kinds}", kind=kind, kinds=_(", ").join(LAYOUTS))) from None


def export_cells(lay: Layout, values: dict[str, Any]) -> list[Any]:
    """A record's cells in layout order."""
    return [values.get(h) for h in lay.headers]


def canonical_from_cells(lay: Layout, cells: dict[str, Any]) -> dict[str, Any]:
    """Read exported cells back as an import would (used to fingerprint exported rows)."""
    return lay.parse_cells({h: (None if c is None or c == "" else c) for h, c in cells.items()})


def all_kinds() -> Iterable[str]:
    return LAYOUTS.keys()
