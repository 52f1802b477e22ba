"""ledger imports: rows already imported

Revision ID: 0004_ledger
Revises: 0003_sync
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_ledger"
down_revision = "0003_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
