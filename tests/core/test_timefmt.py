import os
import time
from datetime import datetime

import pytest

from station_app.core.timefmt import local_text


@pytest.fixture
def shanghai(monkeypatch):
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX only")
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_utc_metadata_is_shown_in_local_time(shanghai):
    assert local_text(datetime(2021, 3, 5, 1, 30)) == "2021-03-05 09:30"
    assert local_text("2021-03-05T01:30:00Z") == "2021-03-05 09:30"
    assert local_text("2021-03-05T01:30:00", seconds=True) == "2021-03-05 09:30:00"
    assert local_text(None) == ""
    assert os.environ["TZ"] == "Asia/Shanghai"
