"""sync identities: keys, enrolled stations, revocations, exported bundles

Revision ID: 0002_keys
Revises: 0001_initial
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0002_keys"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
