"""sync merge: received bundles, high-water marks, forks, receipts, restored chain base

Revision ID: 0003_sync
Revises: 0002_keys
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_sync"
down_revision = "0002_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_received_bundles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("station_code", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("counter_from", sa.Integer(), nullable=False),
        sa.Column("counter_to", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_sha256", sa.String(length=64), nullable=True),
        sa.Column("key_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_received_bundles")),
        sa.UniqueConstraint("sha256", name=op.f("uq_sync_received_bundles_sha256")),
        sa.UniqueConstraint("station_id", "kind", "number",
                            name=op.f("uq_sync_received_bundles_station_id_kind_number")),
    )
    with op.batch_alter_table("sync_received_bundles", schema=None) as batch_op:
        batch_op.create_index("ix_sync_received_bundles_station_kind", ["station_id", "kind"], unique=False)

    op.create_table(
        "sync_station_marks",
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("station_code", sa.String(length=10), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("contiguous_number", sa.Integer(), nullable=False),
        sa.Column("contiguous_counter", sa.Integer(), nullable=False),
        sa.Column("high_counter", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("last_imported_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("station_id", "kind", name=op.f("pk_sync_station_marks")),
    )

    op.create_table(
        "sync_forks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("station_code", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("known_sha256", sa.String(length=64), nullable=True),
        sa.Column("offered_sha256", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_forks")),
    )
    with op.batch_alter_table("sync_forks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_forks_station_id"), ["station_id"], unique=False)

    op.create_table(
        "sync_receipts",
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("township_id", sa.String(length=36), nullable=False),
        sa.Column("reference_number", sa.Integer(), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("last_sha256", sa.String(length=64), nullable=True),
        sa.Column("contiguous_number", sa.Integer(), nullable=False),
        sa.Column("contiguous_counter", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.String(length=40), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("station_id", name=op.f("pk_sync_receipts")),
    )

    op.create_table(
        "sync_chain_base",
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("counter_to", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("restored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("station_id", name=op.f("pk_sync_chain_base")),
    )


def downgrade() -> None:
    op.drop_table("sync_chain_base")
    op.drop_table("sync_receipts")
    with op.batch_alter_table("sync_forks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_forks_station_id"))
    op.drop_table("sync_forks")
    op.drop_table("sync_station_marks")
    with op.batch_alter_table("sync_received_bundles", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_received_bundles_station_kind")
    op.drop_table("sync_received_bundles")
