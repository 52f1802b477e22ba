"""Substring search over Chinese text, which has no spaces between words.

Two FTS5 indexes over the consultations (name, phone, address, question, answer):
- `consultation_search` (trigram tokenizer) answers queries of three characters or more;
- `consultation_bigrams` answers two-character queries (a two-character name such as 张伟 is common): it indexes
  every pair of neighbouring characters, which the trigram index cannot match. The pairs are made by the
  application function `station_bigrams`, which every connection of the app registers (store/db.py), so the
  triggers that keep the index in step work for the app's own writes, merges and migrations alike.
One-character queries fall back to LIKE.
"""

from __future__ import annotations

import sqlite3

BIGRAM_FUNCTION = "station_bigrams"
SEARCH_COLUMNS = ("consultant_name", "phone", "address", "summary", "answer")


def bigrams(*texts: str | None) -> str:
    """The distinct pairs of neighbouring letters or digits in `texts`, space-separated, in first-seen order."""
    # One string (the space between texts makes no pair: a pair with a space is not alphanumeric); pairs taken
    # by slicing in a comprehension and de-duplicated by dict.fromkeys: the triggers call this for every row.
    t = " ".join(x for x in texts if x).lower()
    return " ".join(dict.fromkeys(filter(str.isalnum, [t[i:i + 2] for i in range(len(t) - 1)])))


def register_functions(con: sqlite3.Connection) -> None:
    con.create_function(BIGRAM_FUNCTION, -1, bigrams, deterministic=True)


def bigram_query(query: str) -> str | None:
    """The FTS5 MATCH expression for a two-character query, or None if it cannot use the bigram index."""
    q = query.strip().lower()
    if len(q) != 2 or not q.isalnum():
        return None
    return '"' + q + '"'
