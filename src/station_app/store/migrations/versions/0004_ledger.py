"""ledger imports: rows already imported

Revision ID: 0004_ledger
Revises: 0003_sync
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_ledger"
down_revision = "0003_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_rows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("record_table", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sheet", sa.String(length=64), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_rows")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_ledger_rows_fingerprint")),
    )


def downgrade() -> None:
    op.drop_table("ledger_rows")
