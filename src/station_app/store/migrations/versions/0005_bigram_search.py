"""two-character search: a bigram index over consultations

Revision ID: 0005_bigram_search
Revises: 0004_ledger
"""
from __future__ import annotations

from alembic import op

revision = "0005_bigram_search"
down_revision = "0004_ledger"
branch_labels = None
depends_on = None

# Frozen copy of the columns at this revision (store/search.py may index more later, in a later migration).
_OLD = "station_bigrams(old.consultant_name, old.phone, old.address, old.summary, old.answer)"
_NEW = "station_bigrams(new.consultant_name, new.phone, new.address, new.summary, new.answer)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        # PostgreSQL: the trigram GIN indexes of 0001 answer two-character queries too (store/pgsearch.py).
        return
    # Contentless (the text lives in consultations) and detail=none (only "which rows hold this pair" is asked).
    # station_bigrams() is registered on every connection of the app (store/db.py).
    op.execute("CREATE VIRTUAL TABLE consultation_bigrams USING fts5("
               "body, content='', detail=none, tokenize='unicode61 remove_diacritics 0')")
    op.execute("INSERT INTO consultation_bigrams(rowid, body) SELECT rowid, "
               "station_bigrams(consultant_name, phone, address, summary, answer) FROM consultations")
    op.execute(f"CREATE TRIGGER consultation_bigrams_ai AFTER INSERT ON consultations BEGIN "
               f"INSERT INTO consultation_bigrams(rowid, body) VALUES (new.rowid, {_NEW}); END")
    op.execute(f"CREATE TRIGGER consultation_bigrams_ad AFTER DELETE ON consultations BEGIN "
               f"INSERT INTO consultation_bigrams(consultation_bigrams, rowid, body) "
               f"VALUES ('delete', old.rowid, {_OLD}); END")
    op.execute(f"CREATE TRIGGER consultation_bigrams_au AFTER UPDATE OF consultant_name, phone, address, summary, "
               f"answer ON consultations BEGIN "
               f"INSERT INTO consultation_bigrams(consultation_bigrams, rowid, body) "
               f"VALUES ('delete', old.rowid, {_OLD}); "
               f"INSERT INTO consultation_bigrams(rowid, body) VALUES (new.rowid, {_NEW}); END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS consultation_bigrams_au")
    op.execute("DROP TRIGGER IF EXISTS consultation_bigrams_ad")
    op.execute("DROP TRIGGER IF EXISTS consultation_bigrams_ai")
    op.execute("DROP TABLE IF EXISTS consultation_bigrams")
