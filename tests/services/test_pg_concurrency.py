"""Two writers at once on a PostgreSQL hub (issue 14): READ COMMITTED does not serialise writers as SQLite's BEGIN
IMMEDIATE does, so case numbers and change counters must hold their own locks."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from station_app.services import consultations as cs
from station_app.services import mediation as md
from station_app.store.models import Consultation, MediationCase, RecordHistory
from tests.services.test_mediation import APPLICANT, CASE, RESPONDENT

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("db_backend", ["postgresql"], indirect=True)]

WRITERS, EACH = 3, 3


def _run_at_once(work) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def run():
        start.wait()
        for _ in range(EACH):
            try:
                work()
            except BaseException as e:  # collected: the test reports what went wrong
                errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def _open_cases_at_once(township, monkeypatch) -> tuple[list[str], list[BaseException]]:
    original = md.next_case_no

    def slow_next_case_no(session, station_id, year):
        number = original(session, station_id, year)
        time.sleep(0.2)  # widen the gap between reading the highest number and writing the next one
        return number

    monkeypatch.setattr(md, "next_case_no", slow_next_case_no)
    errors = _run_at_once(lambda: md.open_case(township, "mediator", CASE, [APPLICANT, RESPONDENT]))
    with township.read() as s:
        numbers = list(s.execute(select(MediationCase.case_no)).scalars())
    return numbers, errors


def test_case_numbers_stay_unique_with_writers_at_once(township, monkeypatch):
    numbers, errors = _open_cases_at_once(township, monkeypatch)
    assert errors == []
    assert sorted(numbers) == [f"T00-2021-{i:03d}" for i in range(1, WRITERS * EACH + 1)]


def test_without_the_lock_the_same_writers_collide(township, monkeypatch):
    # Shows the test above is not vacuous: with the lock taken out, READ COMMITTED lets two writers read
    # the same highest number; the unique key then refuses the second case (or, without it, numbers would repeat).
    monkeypatch.setattr(md, "lock_counter", lambda *a, **k: None)
    numbers, errors = _open_cases_at_once(township, monkeypatch)
    assert errors or len(set(numbers)) < len(numbers)
    assert len(set(numbers)) < WRITERS * EACH


def test_change_counters_are_unique_and_in_commit_order(township):
    data = {"occurred_at": "2021-03-05 09:30", "channel": "来访", "consultant_name": "张伟", "phone": "13812345678",
            "category": "婚姻家庭", "summary": "离婚后子女抚养费如何计算"}
    errors = _run_at_once(lambda: cs.record_consultation(township, "tester", data))
    assert errors == []
    with township.read() as s:
        counters = list(s.execute(select(Consultation.counter)).scalars())
        history = list(s.execute(select(RecordHistory.counter).where(
            RecordHistory.table_name == "consultations")).scalars())
    assert len(counters) == WRITERS * EACH == len(set(counters))
    assert sorted(history) == sorted(counters)
    assert township.counter() >= max(counters)


def test_duty_log_positions_stay_unique_with_writers_at_once(township):
    from station_app.services import advisers as ad
    from station_app.services import duty as du
    from station_app.store.models import DutyLogEntry

    adviser = ad.record_adviser(township, "a", {"name": "王明"}).first("advisers")
    sid = du.record_shift(township, "a", {"adviser_id": adviser, "start_at": "2021-03-05 09:00",
                                          "end_at": "2021-03-05 12:30", "people_served": "4",
                                          "summary": "接待来访村民"}).first("duty_shifts")
    errors = _run_at_once(lambda: du.add_log_entry(township, "a", sid, {"served": "张三", "content": "宅基地边界"}))
    assert errors == []
    with township.read() as s:
        positions = sorted(s.execute(select(DutyLogEntry.position).where(DutyLogEntry.shift_id == sid)).scalars())
    assert positions == list(range(1, WRITERS * EACH + 1))


def test_serialise_makes_a_second_transaction_wait_for_the_first(township):
    from station_app.store.locks import serialise

    held, times = threading.Event(), {}

    def first():
        with township.raw_write() as s:
            serialise(s, "import", "S01")
            held.set()
            time.sleep(0.5)
            times["first_done"] = time.monotonic()

    def second():
        held.wait(10)
        with township.raw_write() as s:
            serialise(s, "import", "S01")
            times["second_got"] = time.monotonic()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert times["second_got"] >= times["first_done"]
