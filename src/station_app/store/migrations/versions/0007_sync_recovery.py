"""sync recovery: the station's outbox, fork review

Revision ID: 0007_sync_recovery
Revises: 0005_bigram_search
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_sync_recovery"
down_revision = "0006_bundle_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_sync_outbox_kind_number")),
    )
    with op.batch_alter_table("sync_forks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_key_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("offered_header", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("resolution_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_forks", schema=None) as batch_op:
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("resolution_note")
        batch_op.drop_column("resolution")
        batch_op.drop_column("offered_header")
        batch_op.drop_column("offered_key_id")
    op.drop_table("sync_outbox")
