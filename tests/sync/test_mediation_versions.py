"""Bundles across versions: rows from a station still on 0.1.0 (without the columns migration 0008 added) are
accepted and get those columns' meaning; rows from a newer version (columns or tables this one does not know) are
refused with "update the app"."""

import copy

import pytest

from station_app.services import mediation as md
from station_app.store.compat import ADDED_COLUMNS
from station_app.sync.payload import collect_changes, validate_payload
from station_app.sync.results import BundleRefused


def _payload(station):
    cid = md.open_case(station, "m", {"accepted_on": "2021-03-01", "source": "当事人申请", "dispute_type": "邻里",
                                      "summary": "x"}, [{"role": "申请人", "name": "甲"}, {"role": "被申请人", "name": "乙"}]
                       ).first("mediation_cases")
    md.add_session(station, "m", cid, {"held_at": "2021-03-02 09:00", "record": "x"})
    md.close_case(station, "m", cid, {"outcome": "调解不成", "closed_on": "2021-03-03",
                                      "termination_reason": "当事人撤回申请", "failure_reason": "x"})
    return collect_changes(station, 0, station.counter()).tables


def test_rows_of_the_previous_version_are_filled(station):
    tables = _payload(station)
    for table, added in ADDED_COLUMNS.items():
        for row in tables[table]:
            for key in added:
                row.pop(key)
    parsed = validate_payload(tables, {}, {}, kind="changes", signer_station_id=station.station_id).parsed
    case = parsed["mediation_cases"][0]
    assert case["termination_reason"] == "未能达成协议" and case["agreement_no"] is None
    assert parsed["mediation_parties"][0]["ethnicity"] is None


def test_a_missing_column_that_is_not_new_is_still_refused(station):
    tables = _payload(station)
    tables["mediation_cases"][0].pop("summary")
    with pytest.raises(BundleRefused) as e:
        validate_payload(tables, {}, {}, kind="changes", signer_station_id=station.station_id)
    assert "summary" in str(e.value)


def test_a_newer_version_is_told_to_update(station):
    tables = _payload(station)
    newer = copy.deepcopy(tables)
    newer["mediation_cases"][0]["field_of_a_later_version"] = 1
    with pytest.raises(BundleRefused) as e:
        validate_payload(newer, {}, {}, kind="changes", signer_station_id=station.station_id)
    assert "更新" in str(e.value)
    newer = copy.deepcopy(tables)
    newer["table_of_a_later_version"] = []
    with pytest.raises(BundleRefused) as e:
        validate_payload(newer, {}, {}, kind="changes", signer_station_id=station.station_id)
    assert "更新" in str(e.value)
