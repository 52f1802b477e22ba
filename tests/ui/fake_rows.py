"""An in-memory list behind PagedTableModel for the model tests: rows numbered 0..total-1, filtered by `q` in the
name, sorted by number, paged by offset or (keyset) after the last row shown; it logs each read."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class Row:
    n: int
    name: str

    @property
    def id(self) -> str:
        return f"id{self.n:05d}"


class Source:
    def __init__(self, total: int, delay: float = 0.0):
        self.rows = [Row(i, f"张{i}") for i in range(total)]
        self.delay = delay
        self.reads: list[tuple[int, tuple | None]] = []
        self.lock = threading.Lock()

    def fetch(self, filters, sort, descending, offset, limit, after=None):
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.reads.append((offset, after))
        data = [r for r in self.rows if filters.get("q", "") in r.name]
        data.sort(key=lambda r: r.n, reverse=descending)
        if after is not None:  # keyset: seek past the last row shown, ignore the offset
            data = [r for r in data if (r.n < after[0] if descending else r.n > after[0])]
            return data[:limit]
        return data[offset:offset + limit]

    def count(self, filters):
        return sum(1 for r in self.rows if filters.get("q", "") in r.name)
