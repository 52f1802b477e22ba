"""sync identities: keys, enrolled stations, revocations, exported bundles

Revision ID: 0002_keys
Revises: 0001_initial
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_keys"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "own_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("minisign_public", sa.String(length=64), nullable=False),
        sa.Column("age_recipient", sa.String(length=100), nullable=False),
        sa.Column("escrow_recipient", sa.String(length=100), nullable=True),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_own_keys_key_id")),
    )
    op.create_table(
        "trusted_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("station_code", sa.String(length=10), nullable=False),
        sa.Column("station_name", sa.String(length=100), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("minisign_public", sa.String(length=64), nullable=False),
        sa.Column("age_recipient", sa.String(length=100), nullable=False),
        sa.Column("escrow_recipient", sa.String(length=100), nullable=True),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.Column("superseded_by", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_trusted_keys_key_id")),
    )
    with op.batch_alter_table("trusted_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_keys_station_code"), ["station_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_trusted_keys_station_id"), ["station_id"], unique=False)
    op.create_table(
        "key_revocations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("station_code", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_revocations")),
        sa.UniqueConstraint("key_id", name=op.f("uq_key_revocations_key_id")),
    )
    op.create_table(
        "key_rotations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.Column("old_key_id", sa.String(length=16), nullable=False),
        sa.Column("new_key_id", sa.String(length=16), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_rotations")),
        sa.UniqueConstraint("new_key_id", name=op.f("uq_key_rotations_new_key_id")),
    )
    op.create_table(
        "exported_bundles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("counter_from", sa.Integer(), nullable=False),
        sa.Column("counter_to", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("prev_sha256", sa.String(length=64), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exported_bundles")),
        sa.UniqueConstraint("kind", "number", name=op.f("uq_exported_bundles_kind_number")),
    )


def downgrade() -> None:
    op.drop_table("exported_bundles")
    op.drop_table("key_rotations")
    op.drop_table("key_revocations")
    with op.batch_alter_table("trusted_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_keys_station_id"))
        batch_op.drop_index(batch_op.f("ix_trusted_keys_station_code"))
    op.drop_table("trusted_keys")
    op.drop_table("own_keys")
