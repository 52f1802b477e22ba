"""Issue 10's records travel: outreach photos (stored like posting photos) and the screening register."""

from __future__ import annotations

from sqlalchemy import select

from station_app.services import outreach, screening
from station_app.store.models import OutreachPhoto, ScreeningItem
from station_app.sync import merge
from tests.sync.bundles import Outbox

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(200))


def test_outreach_photos_and_screening_items_travel(station, township, tmp_path):
    photo = tmp_path / "lecture.jpg"
    photo.write_bytes(JPEG)
    outreach.record_event(station, "tester", {"kind": "法治讲座", "held_on": "2024-03-15", "topic": "民法典",
                                              "organiser": "村委会", "villages": "S01"}, photos=[photo])
    screening.record_item(station, "tester", {"found_on": "2024-03-16", "found_by": "网格员", "dispute_type": "邻里",
                                              "description": "排水沟", "action": "就地化解", "resolved_on": "2024-03-16"})
    b = Outbox(station).export()
    assert len(b.payload.files) == 1
    sha = next(iter(b.payload.files))
    assert merge.apply_changes(township, b).status == "imported"
    assert (township.paths.photos / sha[:2] / f"{sha}.jpg").read_bytes() == JPEG
    with township.read() as s:
        assert s.execute(select(OutreachPhoto)).scalar_one().sha256 == sha
        assert s.execute(select(ScreeningItem)).scalar_one().description == "排水沟"
