"""sync merge: received bundles, high-water marks, forks

Revision ID: 0003_sync
Revises: 0002_keys
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_sync"
down_revision = "0002_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
