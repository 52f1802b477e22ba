"""法律咨询登记: record, correct, delete and find consultations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, text

from station_app.core import validators as v
from station_app.core.codes import AgeBand, Channel, ConsultationCategory, Gender, Referral, SpecialGroup
from station_app.core.errors import Problems, StateError, ValidationError
from station_app.core.i18n import _, N_, NP_
from station_app.core.masking import mask_name, mask_phone
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.services.fields import Spec, boolean, clean, code_of, codes_of, text as text_of
from station_app.store.models import Adviser, Consultation, DutyShift
from station_app.store.pgsearch import postgres_clause
from station_app.store.search import SEARCH_COLUMNS, bigram_query

SPECS: dict[str, Spec] = {
    "occurred_at": Spec(NP_("station_app.services.consultations.SPECS", "time"), v.parse_datetime, required=True),
    "channel": Spec(NP_("station_app.services.consultations.SPECS", "channel"), code_of(Channel), required=True),
    "anonymous": Spec(N_("anonymous"), boolean, default=False),
    "consultant_name": Spec(N_("consultant"), v.optional_text),
    "gender": Spec(N_("gender"), code_of(Gender)),
    "age_band": Spec(N_("age band"), code_of(AgeBand)),
    "phone": Spec(NP_("station_app.services.consultations.SPECS", "phone"), v.phone),
    "address": Spec(N_("address"), lambda r: v.optional_text(r, 128)),
    "special_groups": Spec(N_("special groups"), codes_of(SpecialGroup)),
    "category": Spec(NP_("station_app.services.consultations.SPECS", "category"), code_of(ConsultationCategory), required=True),
    "summary": Spec(NP_("station_app.services.consultations.SPECS", "question"), text_of(), required=True),
    "answer": Spec(N_("answer"), v.optional_text),
    "answered_by": Spec(N_("answered by"), lambda r: v.optional_text(r, 64)),
    "adviser_id": Spec(N_("adviser"), str),
    "duty_shift_id": Spec(N_("duty shift"), str),
    "referral": Spec(N_("referral"), code_of(Referral), default=Referral.NONE.value),
    "follow_up_on": Spec(N_("follow-up date"), v.parse_date),
    # A group visit is one record of several persons: the report counts 人次.
    "persons": Spec(N_("persons"), lambda r: _persons(r), default=1),
    "referral_to": Spec(N_("referred to"), lambda r: v.optional_text(r, 128)),
    "referral_result": Spec(N_("referral result"), lambda r: v.optional_text(r, 2000)),
    "answered_on": Spec(N_("answered on"), v.parse_date),
}


def _persons(raw: Any) -> int:
    n = v.non_negative_int(str(raw).strip().removesuffix("人次").removesuffix("人"))
    if not 1 <= n <= 10000:
        raise v._fail(_("persons must be between 1 and 10000: {raw}", raw=raw))
    return n


_IDENTITY = ("consultant_name", "phone", "address")


def _finish(values: dict[str, Any], *, paper: bool = False) -> dict[str, Any]:
    """Rules on the record as a whole (个人信息保护法: collect the minimum).

    Anonymity is explicit: a consultant who refuses to give identity is recorded as anonymous and the record keeps
    no name, phone or address; a record without a name must say it is anonymous. A ledger (paper=True) writes an
    empty or 匿名 name for an anonymous visit: it is anonymous when it keeps no phone or address either.
    A referral names its receiving body only when there is a referral; an answered date belongs to a deferred
    answer and cannot come before the consultation.
    """
    problems = Problems()
    if paper and not values.get("anonymous") and not any(values.get(k) for k in _IDENTITY):
        values["anonymous"] = True
    if values.get("anonymous"):
        for key in _IDENTITY:
            if values.get(key):
                problems.add(SPECS[key].label, _("an anonymous consultant's record keeps no name, phone or address"))
        values["consultant_name"] = None
    elif not values.get("consultant_name") and not paper:
        problems.add(SPECS["consultant_name"].label, _("give the consultant's name, or mark the record anonymous"))
    if values.get("referral_to") and values.get("referral", Referral.NONE.value) == Referral.NONE.value:
        problems.add(SPECS["referral_to"].label, _("there is no referral to receive it"))
    if values.get("answered_on"):
        if not values.get("follow_up_on"):
            problems.add(SPECS["answered_on"].label, _("only a deferred answer (约期答复) has an answered date"))
        occurred = values.get("occurred_at")
        if occurred is not None and values["answered_on"] < occurred.date():
            problems.add(SPECS["answered_on"].label, _("is before the consultation"))
    problems.raise_if_any()
    return values


def _check_refs(session, values: dict[str, Any]) -> None:
    # The adviser by id, id prefix or name and the shift by id or id prefix, as everywhere (services/refs.py).
    from station_app.services.refs import resolve, resolve_record

    if values.get("adviser_id"):
        values["adviser_id"] = resolve(session, "adviser", values["adviser_id"], field=SPECS["adviser_id"].label).id
    if values.get("duty_shift_id"):
        values["duty_shift_id"] = resolve_record(session, DutyShift, values["duty_shift_id"],
                                                 field=SPECS["duty_shift_id"].label).id


def validate_consultation(data: dict[str, Any], *, paper: bool = False) -> dict[str, Any]:
    """Clean raw input into record values; raises ValidationError listing every bad field."""
    return _finish(clean(SPECS, data), paper=paper)


def add_consultation(w: Writer, values: dict[str, Any]) -> Consultation:
    """Insert already validated values inside an open write (ledger imports put many in one transaction)."""
    _check_refs(w.session, values)
    return w.add(Consultation(**values))


def record_consultation(db: StationDB, actor: str, data: dict[str, Any], *, source: str | None = None) -> ChangeSet:
    values = validate_consultation(data)
    with db.write(actor, source=source) as w:
        add_consultation(w, values)
    return w.result


def update_consultation(db: StationDB, actor: str, record_id: str, data: dict[str, Any]) -> ChangeSet:
    values = clean(SPECS, data, partial=True)
    with db.write(actor) as w:
        obj = db.get(w.session, Consultation, record_id)
        current = {k: getattr(obj, k) for k in SPECS}
        if values.get("anonymous"):  # marking a record anonymous drops what identified the person
            values.update({k: None for k in _IDENTITY if k not in values})
        checked = _finish({**current, **values})
        values = {k: checked[k] for k in values} | (
            {"consultant_name": None} if checked.get("anonymous") and current["consultant_name"] else {})
        _check_refs(w.session, values)
        w.update(obj, **values)
    return w.result


def delete_consultation(db: StationDB, actor: str, record_id: str) -> ChangeSet:
    return db.tombstone(actor, Consultation, record_id)


@dataclass(frozen=True)
class ConsultationRow:
    """One line of the consultation list, with personal data masked."""

    id: str
    occurred_at: datetime
    channel: str
    consultant: str
    phone: str
    category: str
    summary: str
    referral: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "occurred_at": self.occurred_at.isoformat(timespec="minutes"),
                "channel": self.channel, "consultant": self.consultant, "phone": self.phone,
                "category": self.category, "summary": self.summary, "referral": self.referral}


def _row(c: Consultation) -> ConsultationRow:
    consultant = _("anonymous") if c.anonymous else mask_name(c.consultant_name)
    return ConsultationRow(c.id, c.occurred_at, c.channel, consultant, mask_phone(c.phone), c.category,
                           c.summary if len(c.summary) <= 60 else c.summary[:59] + "…", c.referral)


def search_ids_clause(query: str, dialect: str = "sqlite"):
    """A SQL condition on Consultation matching `query` as a substring of name, phone, address, question or answer.

    Three characters or more use the trigram index, two the bigram index (a two-character name such as 张伟 is
    common); anything else (one character, or two with punctuation) falls back to LIKE. See store/search.py.
    `dialect` "postgresql" (a township hub): the same rules over pg_trgm indexes (store/pgsearch.py).
    """
    q = query.strip()
    if dialect == "postgresql":
        return postgres_clause(q, SEARCH_COLUMNS)
    if len(q) >= 3:
        quoted = '"' + q.replace('"', '""') + '"'
        return text("consultations.rowid IN (SELECT rowid FROM consultation_search "
                    "WHERE consultation_search MATCH :q)").bindparams(q=quoted)
    pair = bigram_query(q)
    if pair is not None:
        return text("consultations.rowid IN (SELECT rowid FROM consultation_bigrams "
                    "WHERE consultation_bigrams MATCH :p)").bindparams(p=pair)
    like = f"%{q}%"
    return (Consultation.consultant_name.like(like) | Consultation.phone.like(like)
            | Consultation.address.like(like) | Consultation.summary.like(like) | Consultation.answer.like(like))


def list_consultations(db: StationDB, *, year: int | None = None, search: str | None = None,
                       limit: int = 50, offset: int = 0) -> list[ConsultationRow]:
    """Newest first, one page at a time."""
    stmt = select(Consultation).where(Consultation.deleted.is_(False))
    if year is not None:
        stmt = stmt.where(Consultation.occurred_at >= datetime(year, 1, 1),
                          Consultation.occurred_at < datetime(year + 1, 1, 1))
    if search:
        stmt = stmt.where(search_ids_clause(search, db.engine.dialect.name))
    stmt = stmt.order_by(Consultation.occurred_at.desc(), Consultation.id).limit(limit).offset(offset)
    with db.read() as s:
        return [_row(c) for c in s.execute(stmt).scalars()]


def count_consultations(db: StationDB, *, year: int | None = None) -> int:
    stmt = select(func.count()).select_from(Consultation).where(Consultation.deleted.is_(False))  # records
    if year is not None:
        stmt = stmt.where(Consultation.occurred_at >= datetime(year, 1, 1),
                          Consultation.occurred_at < datetime(year + 1, 1, 1))
    with db.read() as s:
        return s.execute(stmt).scalar_one()


def get_consultation(db: StationDB, record_id: str) -> Consultation:
    return db.fetch(Consultation, record_id)


def consultation_details(c: Consultation, *, reveal: bool = False) -> dict[str, Any]:
    """Every field of a consultation; personal data masked unless `reveal`."""
    from station_app.store.rowdata import record_values

    d = record_values(c)
    if not reveal:
        d["consultant_name"] = mask_name(c.consultant_name) or None
        d["phone"] = mask_phone(c.phone) or None
    return d




# -- 约期答复 ---------------------------------------------------------------------------------------------------------
def answer_deferred(db: StationDB, actor: str, record_id: str, on: Any, answer: str | None = None) -> ChangeSet:
    """A deferred answer (约期答复) was given on `on` (optionally with the answer's text)."""
    values = clean(SPECS, {"answered_on": on, **({"answer": answer} if answer else {})}, partial=True)
    with db.write(actor) as w:
        obj = db.get(w.session, Consultation, record_id)
        if obj.answered_on is not None:
            raise StateError(_("this consultation was answered on {answered_on}", answered_on=obj.answered_on))
        _finish({k: getattr(obj, k) for k in SPECS} | values)
        w.update(obj, **values)
    return w.result


def pending_answers(db: StationDB, *, as_of: date | None = None) -> list[dict[str, Any]]:
    """Deferred answers still owed, the earliest promised first; `overdue` when the promised date has passed."""
    as_of = as_of or date.today()
    stmt = (select(Consultation).where(Consultation.deleted.is_(False), Consultation.follow_up_on.is_not(None),
                                       Consultation.answered_on.is_(None),
                                       Consultation.occurred_at < datetime.combine(as_of + timedelta(days=1), time()))
            .order_by(Consultation.follow_up_on, Consultation.occurred_at, Consultation.id))
    with db.read() as s:
        out = []
        for c in s.execute(stmt).scalars():
            row = _row(c).as_dict()
            row.update(follow_up_on=c.follow_up_on.isoformat(), overdue=c.follow_up_on < as_of, persons=c.persons)
            out.append(row)
        return out
