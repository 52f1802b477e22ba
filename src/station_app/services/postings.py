"""三务公开 (党务 / 村务 / 财务): postings, their photo evidence, taking them down.

A posting is taken down and archived, never deleted (a tombstone is only for a posting entered by mistake).
Photos are stored as files under photos/ named by their sha256, so the same photo is kept once and a bundle can
carry it by hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from station_app.config import Paths
from station_app.core import validators as v
from station_app.core.codes import PeriodUnit, PostingCategory, PostingMedium
from station_app.core.errors import FieldProblem, Problems, StateError, ValidationError
from station_app.core.i18n import _, N_, NP_
from station_app.core.periods import parse_period, period_containing
from station_app.services.base import ChangeSet, StationDB, Writer
from station_app.services.fields import Spec, boolean, clean, code_of, text as text_of
from station_app.store.atomic import write_atomic
from station_app.store.models import Posting, PostingPhoto
from station_app.store.photos import (MAX_PHOTO_BYTES, MEDIA_TYPES, PhotoFile, paths_of_writer, photo_path,  # noqa: F401
                                      read_photo, read_photos, store_photo)

#: Practice: a posting stays up this many days, then is taken down and archived (configurable).
DEFAULT_DISPLAY_DAYS = 15

SPECS: dict[str, Spec] = {
    "category": Spec(NP_("station_app.services.postings.SPECS", "category"), code_of(PostingCategory), required=True),
    "title": Spec(N_("title"), text_of(200), required=True),
    "content": Spec(NP_("station_app.services.postings.SPECS", "content"), lambda r: v.optional_text(r, 20000)),
    # Required for a scheduled posting; a 随时公开 item without one belongs to the month it went up.
    "period": Spec(NP_("station_app.services.postings.SPECS", "period"), lambda r: str(parse_period(str(r)))),
    "posted_on": Spec(N_("posted on"), v.parse_date, required=True),
    "taken_down_on": Spec(N_("taken down on"), v.parse_date),
    "medium": Spec(NP_("station_app.services.postings.SPECS", "medium"), code_of(PostingMedium), default=PostingMedium.BOARD.value),
    "reviewer": Spec(NP_("station_app.services.postings.SPECS", "reviewer"), lambda r: v.optional_text(r, 64)),
    "immediate": Spec(N_("immediate"), boolean, default=False),
    "reviewed_on": Spec(N_("reviewed on"), v.parse_date),
    "review_opinion": Spec(N_("review opinion"), lambda r: v.optional_text(r, 2000)),
    "audited_by": Spec(N_("audited by"), lambda r: v.optional_text(r, 64)),
    "audited_on": Spec(N_("audited on"), v.parse_date),
    "approved_by": Spec(N_("approved by"), lambda r: v.optional_text(r, 64)),
    "approved_on": Spec(N_("approved on"), v.parse_date),
}

#: A ledger records postings already made on paper; where it names no review or approval the record says so.
PAPER_PLACEHOLDER = "（由台账导入，见纸质记录）"
#: Fields each category needs before it can be posted (财务: the review; 党务: 审核 then 审批).
_REQUIRED_BY_CATEGORY = {
    PostingCategory.FINANCE.value: ("reviewer", "reviewed_on", "review_opinion"),
    PostingCategory.PARTY.value: ("audited_by", "audited_on", "approved_by", "approved_on"),
}
_TEXT_FIELDS = {"reviewer", "review_opinion", "audited_by", "approved_by"}


def check_rules(values: dict[str, Any], *, paper: bool = False) -> dict[str, Any]:
    """The rules of a posting as a whole; returns the values (a 随时公开 item gets its month as period).

    - a scheduled posting names its period; a posting cannot go up before its period begins;
    - 财务 is reviewed (reviewer, date, opinion) on or before the day it is posted (民主理财小组/村务监督委员会);
    - 党务 goes 审核 → 审批 → 公开, in that order of dates.
    With paper=True (a ledger of postings made before) missing review or approval names are recorded as
    "see the paper record" instead of refusing the row; dates that are given are still checked.
    """
    problems = Problems()
    out = dict(values)
    posted = out.get("posted_on")
    if not out.get("period"):
        if out.get("immediate") and posted is not None:
            out["period"] = str(period_containing(posted, PeriodUnit.MONTH))
        else:
            problems.add(SPECS["period"].label, _("is required (a 随时公开 item may leave it empty)"))
    if out.get("period") and posted is not None:
        start = parse_period(out["period"]).start
        if posted < start:
            problems.add(SPECS["posted_on"].label, _("{posted} is before the period {period} begins ({start})", posted=posted, period=out['period'], start=start))
    for key in _REQUIRED_BY_CATEGORY.get(out.get("category"), ()):
        if out.get(key):
            continue
        if paper and key in _TEXT_FIELDS:
            out[key] = PAPER_PLACEHOLDER
        elif not paper:
            why = (_("finances must be reviewed before posting")
                   if out["category"] == PostingCategory.FINANCE.value
                   else _("Party affairs are audited and approved before posting"))
            problems.add(SPECS[key].label, _("is required: {why}", why=why))
    order = (("reviewed_on", "posted_on"), ("audited_on", "approved_on"), ("approved_on", "posted_on"),
             ("audited_on", "posted_on"))
    for first, then in order:
        a, b = out.get(first), out.get(then)
        if a is not None and b is not None and a > b:
            problems.add(SPECS[first].label, _("{a} is after the {field} date {b}", a=a, field=SPECS[then].label, b=b))
    problems.raise_if_any()
    return out


def _check_dates(posted_on: date | None, taken_down_on: date | None) -> None:
    if posted_on is not None and taken_down_on is not None and taken_down_on < posted_on:
        raise ValidationError.single(SPECS["taken_down_on"].label,
                                     _("{taken_down_on} is before the posting date {posted_on}", taken_down_on=taken_down_on, posted_on=posted_on))


def validate_posting(data: dict[str, Any], *, paper: bool = False) -> dict[str, Any]:
    """Clean raw input into record values; raises ValidationError listing every bad field."""
    values = clean(SPECS, data)
    _check_dates(values["posted_on"], values.get("taken_down_on"))
    return check_rules(values, paper=paper)


# -- photos: stored by store.photos; re-exported here for existing callers ---------------------------------------
def add_photo(w: Writer, posting: Posting, photo: PhotoFile, *, paths: Paths | None = None) -> PostingPhoto:
    # The file is written before the row commits: if the transaction rolls back, an unreferenced file named by
    # its hash is left behind, which is harmless; a row whose file is missing would not be.
    store_photo(paths or paths_of_writer(w), photo)
    return w.add(PostingPhoto(posting_id=posting.id, file_name=photo.file_name, sha256=photo.sha256,
                              size=photo.size, media_type=photo.media_type))


def add_posting(w: Writer, values: dict[str, Any], photos: Iterable[str | Path] = (), *,
                paths: Paths | None = None) -> Posting:
    """Insert a validated posting and copy its photos in, inside an open write."""
    files = read_photos(photos)
    posting = w.add(Posting(**values))
    for photo in files:
        add_photo(w, posting, photo, paths=paths)
    return posting


def record_posting(db: StationDB, actor: str, data: dict[str, Any], *, photos: Iterable[str | Path] = (),
                   source: str | None = None) -> ChangeSet:
    problems: list[FieldProblem] = []
    values: dict[str, Any] = {}
    files: list[PhotoFile] = []
    try:
        values = validate_posting(data)
    except ValidationError as e:
        problems.extend(e.problems)
    try:
        files = read_photos(photos)
    except ValidationError as e:
        problems.extend(e.problems)
    if problems:
        raise ValidationError(problems)
    with db.write(actor, source=source) as w:
        add_posting(w, values, files, paths=db.paths)
    return w.result


def add_posting_photos(db: StationDB, actor: str, posting_id: str, photos: Iterable[str | Path]) -> ChangeSet:
    """Add photo evidence to an existing posting."""
    files = read_photos(photos)
    with db.write(actor) as w:
        posting = db.get(w.session, Posting, posting_id)
        w._check_owner(posting)
        for photo in files:
            add_photo(w, posting, photo, paths=db.paths)
    return w.result


def update_posting(db: StationDB, actor: str, posting_id: str, data: dict[str, Any]) -> ChangeSet:
    values = clean(SPECS, data, partial=True)
    with db.write(actor) as w:
        posting = db.get(w.session, Posting, posting_id)
        _check_dates(values.get("posted_on", posting.posted_on), values.get("taken_down_on", posting.taken_down_on))
        merged = {k: getattr(posting, k) for k in SPECS} | values
        values = {k: val for k, val in check_rules(merged).items() if k in values or k == "period"}
        w.update(posting, **values)
    return w.result


def take_down(db: StationDB, actor: str, posting_id: str, on: date | str) -> ChangeSet:
    """Take a posting down (it stays in the archive). Refuses a date before it went up, or a second take-down."""
    label = SPECS["taken_down_on"].label
    try:
        day = v.parse_date(on)
    except ValidationError as e:
        raise ValidationError([FieldProblem(label, p.message) for p in e.problems]) from None
    with db.write(actor) as w:
        posting = db.get(w.session, Posting, posting_id)
        if posting.taken_down_on is not None:
            raise StateError(_("this posting was already taken down on {taken_down_on}", taken_down_on=posting.taken_down_on))
        _check_dates(posting.posted_on, day)
        w.update(posting, taken_down_on=day)
    return w.result


def delete_posting(db: StationDB, actor: str, posting_id: str) -> ChangeSet:
    """Tombstone a posting entered by mistake, with its photo rows (files stay: another posting may share one)."""
    with db.write(actor) as w:
        posting = db.get(w.session, Posting, posting_id)
        for photo in w.session.execute(select(PostingPhoto).where(PostingPhoto.posting_id == posting.id,
                                                                  PostingPhoto.deleted.is_(False))).scalars():
            w.delete(photo)
        w.delete(posting)
    return w.result


@dataclass(frozen=True)
class PostingRow:
    id: str
    category: str
    title: str
    period: str
    posted_on: date
    taken_down_on: date | None
    medium: str
    reviewer: str | None
    photos: int

    @property
    def current(self) -> bool:
        return self.taken_down_on is None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "category": self.category, "title": self.title, "period": self.period,
                "posted_on": self.posted_on.isoformat(),
                "taken_down_on": self.taken_down_on.isoformat() if self.taken_down_on else None,
                "medium": self.medium, "reviewer": self.reviewer, "photos": self.photos, "current": self.current}


def _photo_counts():
    return (select(PostingPhoto.posting_id, func.count().label("n")).where(PostingPhoto.deleted.is_(False))
            .group_by(PostingPhoto.posting_id).subquery())


def list_postings(db: StationDB, *, year: int | None = None, category: str | None = None,
                  current_only: bool = False) -> list[PostingRow]:
    """Postings, newest first. `year` is the year of the period they cover (a 2021-12 finance posting made in
    January 2022 belongs to 2021); `current_only` keeps those still up."""
    counts = _photo_counts()
    stmt = (select(Posting, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.posting_id == Posting.id)
            .where(Posting.deleted.is_(False)))
    if year is not None:
        stmt = stmt.where(Posting.period.like(f"{year:04d}%"))
    if category is not None:
        stmt = stmt.where(Posting.category == clean(SPECS, {"category": category}, partial=True)["category"])
    if current_only:
        stmt = stmt.where(Posting.taken_down_on.is_(None))
    stmt = stmt.order_by(Posting.posted_on.desc(), Posting.id)
    with db.read() as s:
        return [_row(p, n) for p, n in s.execute(stmt)]


def _row(p: Posting, n: int) -> PostingRow:
    return PostingRow(p.id, p.category, p.title, p.period, p.posted_on, p.taken_down_on, p.medium, p.reviewer, n)


def postings_due_for_takedown(db: StationDB, today: date, days: int = DEFAULT_DISPLAY_DAYS) -> list[PostingRow]:
    """Postings still up whose display period (posted_on + days) has run out by `today`, oldest first."""
    counts = _photo_counts()
    stmt = (select(Posting, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.posting_id == Posting.id)
            .where(Posting.deleted.is_(False), Posting.taken_down_on.is_(None),
                   Posting.posted_on <= today - timedelta(days=days))
            .order_by(Posting.posted_on, Posting.id))
    with db.read() as s:
        return [_row(p, n) for p, n in s.execute(stmt)]


def get_posting(db: StationDB, posting_id: str) -> Posting:
    return db.fetch(Posting, posting_id)


def posting_photos(db: StationDB, posting_id: str) -> list[PostingPhoto]:
    with db.read() as s:
        return list(s.execute(select(PostingPhoto).where(PostingPhoto.posting_id == posting_id,
                                                         PostingPhoto.deleted.is_(False))
                              .order_by(PostingPhoto.created_at, PostingPhoto.id)).scalars())
