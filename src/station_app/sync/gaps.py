"""Gaps in a station's bundle numbers at the township, and when a later bundle closes one.

A missing run of numbers a..b sits between the held bundles p (the highest below a, or none) and q (the lowest
above b). The changes the missing bundles carried lie in the counter range (to_p, to_q]: each bundle starts at or
after its predecessor's end (a normal export starts exactly there; `--full`/`--from` start earlier) and no bundle
reaches beyond a later one (a rollback is refused at the merge). So the run is *closed* once the bundles held cover
(to_p, to_q] without a hole: what the missing bundles carried is here. Bundle q always covers (from_q, to_q]; a
run after a normal export stays open until the lost bundle itself (`--resend`) or a bundle reaching back over its
range (`--full`, `--from`) arrives.

Nothing here materialises a range of numbers: runs are computed from the sorted held numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    first: int
    last: int
    closed: bool  # covered by later bundles (the township holds what the missing bundles carried)


def _covered(intervals: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether the union of half-open counter intervals (from, to] (sorted by from) covers (lo, hi]."""
    reach = lo
    for a, b in intervals:
        if a > reach:
            if a >= hi:
                break
            return False
        reach = max(reach, b)
        if reach >= hi:
            return True
    return reach >= hi


def runs(bundles: Iterable[tuple[int, int, int]]) -> list[Run]:
    """Missing runs of numbers from (number, counter_from, counter_to) of the bundles held."""
    held = sorted(set(bundles))
    intervals = sorted((f, t) for _, f, t in held if t > f)
    out: list[Run] = []
    prev_number, prev_to = 0, 0
    for number, _f, to in held:
        if number > prev_number + 1:
            out.append(Run(prev_number + 1, number - 1, _covered(intervals, prev_to, to)))
        prev_number, prev_to = number, max(prev_to, to)
    return out


#: Lists of numbers are for people; a run longer than a station could ever produce is listed by its first numbers
#: only (the header's number bound is the real guard: a hostile number must never cost memory).
MAX_LISTED = 100_000


def expand(rs: list[Run], *, closed: bool, limit: int = MAX_LISTED) -> list[int]:
    """The numbers of the open (or closed) runs, the first `limit` of them."""
    out: list[int] = []
    for r in rs:
        if r.closed == closed:
            out.extend(range(r.first, min(r.last, r.first + limit - len(out) - 1) + 1))
            if len(out) >= limit:
                break
    return out


def spec(numbers: list[int]) -> str:
    """The `--resend` argument for these numbers: `2`, `2-4`, `2,5-7` (no spaces, so it can be typed as shown)."""
    parts: list[str] = []
    for n in sorted(set(numbers)):
        if parts and parts[-1].split("-")[-1] == str(n - 1):
            parts[-1] = parts[-1].split("-")[0] + f"-{n}"
        else:
            parts.append(str(n))
    return ",".join(parts)


def resend_command(numbers: list[int]) -> str:
    return f"station-app bundle export --resend {spec(numbers)} --out DIR"
