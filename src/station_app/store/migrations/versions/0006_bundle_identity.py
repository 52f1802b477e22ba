"""bundle identity and escrow signing keys: the received-bundle log keys on what is signed (the file's sha256
kept beside it); own and trusted keys carry the township's escrow kit signing key

Revision ID: 0006_bundle_identity
Revises: 0005_bigram_search

From this revision `sync_received_bundles.sha256` (and `prev` in headers, receipts, forks, the exported-bundle log)
holds the bundle id (docs/bundle-format.md: sha256 over the trusted comment and the signed body), never the file's
bytes. Rows written before hold the file's sha256, which release 0.1.0 used as the identity and which its bundles
name as `prev`: it is copied into the new `file_sha256` column so both chains keep joining.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_bundle_identity"
down_revision = "0005_bigram_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_received_bundles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_sha256", sa.String(length=64), nullable=True))
    op.execute("UPDATE sync_received_bundles SET file_sha256 = sha256 WHERE file_sha256 IS NULL")
    for table in ("own_keys", "trusted_keys"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("escrow_minisign_public", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in ("own_keys", "trusted_keys"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("escrow_minisign_public")
    with op.batch_alter_table("sync_received_bundles", schema=None) as batch_op:
        batch_op.drop_column("file_sha256")
