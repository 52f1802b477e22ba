"""Consultation search on PostgreSQL with the same results as the SQLite FTS5 indexes (store/search.py).

What SQLite answers, per query `q` (stripped), over name, phone, address, question and answer:
- three characters or more: the trigram FTS5 index, i.e. `q` is a substring of one column, case folded;
- two letters or digits: the bigram FTS5 index, again a case-folded substring of one column;
- anything else (one character, two with punctuation): `column LIKE '%q%'`, SQLite's LIKE, which folds ASCII
  letters only and takes `%` and `_` in `q` as wildcards, with no escape character.
PostgreSQL gets the same three rules in plain SQL: `lower(column) LIKE '%' || lower(q) || '%'` (q's wildcards
escaped) for the first two, served by one trigram GIN index per column on `lower(column)` (pg_trgm), and for the
third a LIKE over the ASCII-folded column with no escape character. The databases are made with a UTF-8, C.UTF-8
collation server default or not: lower() folds letters by the server's ctype, which for Chinese text (no case)
changes nothing.
"""

from __future__ import annotations

import string

from sqlalchemy import bindparam, text

SEARCH_INDEX_PREFIX = "ix_consultations_search_"
_UPPER, _LOWER = string.ascii_uppercase, string.ascii_lowercase


def create_trigram_indexes(op, columns: tuple[str, ...]) -> None:
    """Used by the migrations (frozen column list passed in): pg_trgm and one GIN index per searched column."""
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The operator class lives in the schema the extension was installed in (another township's schema when many
    # share one database): qualify it so the index works whatever the search_path.
    schema = op.get_bind().exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'").scalar()
    for col in columns:
        op.execute(f"CREATE INDEX {SEARCH_INDEX_PREFIX}{col} ON consultations "
                   f"USING gin (lower({col}) {schema}.gin_trgm_ops)")


def drop_trigram_indexes(op, columns: tuple[str, ...]) -> None:
    for col in columns:
        op.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX_PREFIX}{col}")


def _escape_like(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def postgres_clause(query: str, columns: tuple[str, ...]):
    from station_app.store.search import bigram_query

    q = query.strip()
    if len(q) >= 3 or bigram_query(q) is not None:
        cond = " OR ".join(f"lower(consultations.{c}) LIKE :pg_search_pattern ESCAPE '\\'" for c in columns)
        return text(f"({cond})").bindparams(
            bindparam("pg_search_pattern", "%" + _escape_like(q).lower() + "%"))
    # SQLite's LIKE: ASCII case folding only, wildcards in q kept, no escape character.
    cond = " OR ".join(f"translate(consultations.{c}, '{_UPPER}', '{_LOWER}') LIKE :pg_like_pattern ESCAPE ''"
                       for c in columns)
    return text(f"({cond})").bindparams(
        bindparam("pg_like_pattern", "%" + q.translate(str.maketrans(_UPPER, _LOWER)) + "%"))
