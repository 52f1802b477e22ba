import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from station_app.core.errors import StateError, ValidationError
from station_app.services import postings as po
from station_app.store.models import Posting, PostingPhoto, RecordHistory

GOOD = {"category": "财务", "title": "2021年3月村级财务收支公开", "period": "2021年3月", "posted_on": "2021-04-02",
        "reviewed_on": "2021-04-01", "review_opinion": "收支属实",
        "reviewer": "村务监督委员会 刘强"}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def photos(tmp_path):
    d = tmp_path / "camera"
    d.mkdir()
    (d / "IMG_0001.JPG").write_bytes(JPEG)
    (d / "board.png").write_bytes(PNG)
    return d


def _counts(db):
    with db.read() as s:
        return (db.counter(), s.execute(select(func.count()).select_from(Posting)).scalar_one(),
                s.execute(select(func.count()).select_from(PostingPhoto)).scalar_one())


def test_create_with_photos_take_down_delete_keep_history(station, photos):
    r = po.record_posting(station, "alice", GOOD, photos=[photos / "IMG_0001.JPG", photos / "board.png"])
    pid = r.first("postings")
    with station.read() as s:
        p = s.get(Posting, pid)
        assert p.period == "2021-03" and p.medium == "公开栏" and p.taken_down_on is None
        rows = s.execute(select(PostingPhoto).order_by(PostingPhoto.size)).scalars().all()
    assert [(x.file_name, x.media_type, x.size) for x in rows] == [("board.png", "image/png", len(PNG)),
                                                                   ("IMG_0001.JPG", "image/jpeg", len(JPEG))]
    for x in rows:
        stored = po.photo_path(station.paths, x.sha256, x.file_name)
        assert stored.parent.parent == station.paths.photos and stored.name.startswith(x.sha256[:2])
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == x.sha256
    assert po.photo_path(station.paths, rows[1].sha256, "IMG_0001.JPG").suffix == ".jpg"

    r2 = po.take_down(station, "bob", pid, "2021-04-17")
    with pytest.raises(StateError):
        po.take_down(station, "bob", pid, date(2021, 4, 18))
    assert po.list_postings(station, current_only=True) == []
    assert po.list_postings(station)[0].taken_down_on == date(2021, 4, 17)  # archived, still listed
    r3 = po.delete_posting(station, "carol", pid)
    assert r.counter < r2.counter < r3.counter and len(r3.ids("posting_photos")) == 2
    with station.read() as s:
        history = s.execute(select(RecordHistory).where(RecordHistory.record_id == pid)
                            .order_by(RecordHistory.counter)).scalars().all()
    assert [h.action for h in history] == ["create", "update", "delete"]
    assert history[1].changes == {"taken_down_on": [None, "2021-04-17"]} and history[1].created_by == "bob"
    assert po.list_postings(station) == []


def test_take_down_before_posting_is_refused(station):
    pid = po.record_posting(station, "a", GOOD).first("postings")
    before = _counts(station)
    with pytest.raises(ValidationError) as e:
        po.take_down(station, "a", pid, "2021-04-01")
    assert e.value.problems[0].field == "撤下日期"
    with pytest.raises(ValidationError) as e:
        po.take_down(station, "a", pid, "2021-04-31")
    assert e.value.problems[0].field == "撤下日期"
    assert _counts(station) == before


def test_validation_names_fields_and_bad_photos_write_nothing(station, photos, tmp_path):
    (photos / "scan.gif").write_bytes(b"GIF89a")
    (photos / "fake.jpg").write_bytes(b"not an image")
    big = photos / "big.png"
    with open(big, "wb") as f:
        f.write(PNG)
        f.truncate(po.MAX_PHOTO_BYTES + 1)
    before = _counts(station)
    with pytest.raises(ValidationError) as e:
        po.record_posting(station, "a", {**GOOD, "category": "党建", "period": "2021-13",
                                         "taken_down_on": "2021-04-01"})
    assert [p.field for p in e.value.problems] == ["公开类别", "所属期间"]
    with pytest.raises(ValidationError) as e:
        po.record_posting(station, "a", {**GOOD, "taken_down_on": "2021-04-01"})
    assert e.value.problems[0].field == "撤下日期"
    with pytest.raises(ValidationError) as e:
        po.record_posting(station, "a", GOOD, photos=[photos / "board.png", photos / "scan.gif", photos / "fake.jpg",
                                                      big, photos / "missing.jpg"])
    assert [p.field for p in e.value.problems] == ["照片 scan.gif", "照片 fake.jpg", "照片 big.png", "照片 missing.jpg"]
    assert "20 MB" in str(e.value)
    assert _counts(station) == before
    assert list(station.paths.photos.rglob("*.png")) == []  # nothing copied when any photo is bad


def test_photo_path_refuses_names_that_escape(station):
    with pytest.raises(ValueError):
        po.photo_path(station.paths, "../../etc/passwd", "x.jpg")
    with pytest.raises(ValueError):
        po.photo_path(station.paths, "a" * 64, "x.exe")


def test_lists_and_due_for_takedown(station, photos):
    po.record_posting(station, "a", {**GOOD, "period": "2021-Q1", "category": "村务", "posted_on": "2021-04-05"})
    po.record_posting(station, "a", GOOD, photos=[photos / "board.png"])
    po.record_posting(station, "a", {**GOOD, "period": "2020-12", "posted_on": "2021-01-04",
                                     "reviewed_on": "2021-01-04", "taken_down_on": "2021-01-19"})
    gone = po.record_posting(station, "a", {**GOOD, "posted_on": "2021-03-01",
                                            "reviewed_on": "2021-03-01"}).first("postings")
    po.delete_posting(station, "a", gone)
    assert [(r.period, r.photos) for r in po.list_postings(station, year=2021)] == [("2021-Q1", 0), ("2021-03", 1)]
    assert [r.period for r in po.list_postings(station, category="财务")] == ["2021-03", "2020-12"]
    assert [r.period for r in po.list_postings(station, year=2020)] == ["2020-12"]
    assert len(po.list_postings(station, current_only=True)) == 2
    with pytest.raises(ValidationError) as e:
        po.list_postings(station, category="军务")
    assert e.value.problems[0].field == "公开类别"
    assert po.postings_due_for_takedown(station, date(2021, 4, 16)) == []
    assert [r.period for r in po.postings_due_for_takedown(station, date(2021, 4, 17))] == ["2021-03"]
    assert [r.period for r in po.postings_due_for_takedown(station, date(2021, 4, 12), days=7)] == ["2021-03", "2021-Q1"]
    d = po.list_postings(station, year=2020)[0].as_dict()
    assert d["posted_on"] == "2021-01-04" and d["taken_down_on"] == "2021-01-19" and d["current"] is False
