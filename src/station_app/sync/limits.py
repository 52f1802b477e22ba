"""Realistic maxima of the numbers a bundle header carries (docs/bundle-format.md, "Limits").

A signed header is trusted to come from the station whose key signed it, not to be sane: a stolen key or a buggy
copy could claim bundle number 10^17, and everything downstream (gap reports, marks, receipts) must stay bounded.
The caps are far above what a station can produce and far below what could hurt:

- bundle numbers: a station exporting ten bundles a day for 100 years makes ~365,000;
- epochs: one per restore of a station to a new PC; a thousand is beyond any real station;
- change counters: each epoch owns EPOCH_SPAN (10^9) counter values, so counters stay below
  (MAX_EPOCH + 1) * EPOCH_SPAN, about 10^12, well inside SQLite's 64-bit integers.

Missing bundle numbers are reported as [first, last] ranges (at most MISSING_RANGES_MAX of them) and, for the
old `missing` list, at most MISSING_LIST_MAX numbers: never one entry per missing number.
"""

from __future__ import annotations

MAX_BUNDLE_NUMBER = 1_000_000
MAX_EPOCH = 1_000
#: Counter values per epoch (a restored station continues at epoch * EPOCH_SPAN; sync/restore.py).
EPOCH_SPAN = 1_000_000_000
MAX_COUNTER = (MAX_EPOCH + 1) * EPOCH_SPAN
MISSING_LIST_MAX = 100
MISSING_RANGES_MAX = 100


def header_problem(number: int, epoch: int, counter_from: int, counter_to: int) -> str | None:
    """The message saying which header number is beyond its limit, or None."""
    from station_app.core.i18n import _

    for name, value, cap in (("number", number, MAX_BUNDLE_NUMBER), ("epoch", epoch, MAX_EPOCH),
                             ("from", counter_from, MAX_COUNTER), ("to", counter_to, MAX_COUNTER)):
        if value > cap:
            return _("the bundle header's {name}={value} is beyond the limit {cap} (no real station produces it); "
                     "refused", name=name, value=value, cap=cap)
    return None
