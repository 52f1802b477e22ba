"""sync/gaps.py: a gap is closed only when the bundles held really carry every change the missing ones did
(checked against the true ranges of random export histories), and the usual re-sends do close it."""

from __future__ import annotations

import random

from station_app.sync import gaps


def _history(rng: random.Random, n: int) -> list[tuple[int, int, int]]:
    """(number, from, to) of n exports as the station's exporter makes them: normal, --full or --from."""
    out, last_to, counter = [], 0, 0
    for number in range(1, n + 1):
        counter += rng.randint(1, 5)
        mode = rng.random()
        if mode < 0.7:
            after = last_to
        elif mode < 0.85:
            after = 0
        else:
            after = rng.randint(0, last_to)
        out.append((number, after, counter))
        last_to = counter
    return out


def _covered(held, lo, hi, still_missing=()) -> bool:
    """Every counter in (lo, hi] is held, or is one an earlier, still open gap owes (it is reported there)."""
    return all(any(f < c <= t for _, f, t in held) or any(f < c <= t for _, f, t in still_missing)
               for c in range(lo + 1, hi + 1))


def test_closed_gaps_are_really_covered():
    rng = random.Random(7)
    closed_seen = 0
    for _ in range(3000):
        history = _history(rng, rng.randint(2, 9))
        held = [b for b in history if rng.random() < 0.6] or [history[-1]]
        runs = gaps.runs(held)
        open_bundles = [history[n - 1] for r in runs if not r.closed for n in range(r.first, r.last + 1)]
        for run in runs:
            for number in range(run.first, run.last + 1):
                _, f, t = history[number - 1]
                if run.closed:
                    closed_seen += 1
                    earlier_open = [b for b in open_bundles if b[0] < number]
                    assert _covered(held, f, t, earlier_open), (history, held, number)
        if not open_bundles:  # no gap reported: the township holds every change of every bundle
            assert _covered(held, 0, history[-1][2] if held[-1] == history[-1] else held[-1][2]), (history, held)
    assert closed_seen > 100  # the property is not vacuous


def test_the_usual_resends_close_the_gap():
    normal = [(1, 0, 10), (2, 10, 20), (3, 20, 30)]
    assert [(r.first, r.last, r.closed) for r in gaps.runs([normal[0], normal[2]])] == [(2, 2, False)]
    assert gaps.runs(normal) == []  # --resend 2: the bundle itself
    assert gaps.runs([normal[0], normal[2], (4, 1, 30)])[0].closed  # --from 2
    assert gaps.runs([normal[0], normal[2], (4, 0, 30)])[0].closed  # --full
    assert not gaps.runs([normal[0], normal[2], (4, 15, 30)])[0].closed  # --from too late


def test_resend_spec_and_command():
    assert gaps.spec([2, 3, 4, 7, 9, 10]) == "2-4,7,9-10"
    assert gaps.resend_command([2]) == "station-app bundle export --resend 2 --out DIR"
    # A hostile number never costs memory: the listing stops.
    assert len(gaps.expand(gaps.runs([(1, 0, 1), (10**15, 5, 9)]), closed=False)) == gaps.MAX_LISTED
