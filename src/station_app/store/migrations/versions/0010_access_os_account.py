"""sign-in: the OS account in the access log; every installation has an administrator account

Revision ID: 0010_access_os_account
Revises: 0005_bigram_search
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0010_access_os_account"
down_revision = "0009_records"
branch_labels = None
depends_on = None

#: No password can match this hash: the administrator made here signs in only through the command line on this PC
#: (as the OS user who owns the data directory) until `user password admin` sets one.
NO_PASSWORD = "!"


def upgrade() -> None:
    with op.batch_alter_table("access_log") as t:
        t.add_column(sa.Column("os_account", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    # Booleans and times bound as parameters: SQLite stores 1 and the text below, PostgreSQL has real types.
    has_admin = conn.execute(sa.text("SELECT 1 FROM users WHERE role = '管理员' AND active = :yes LIMIT 1"),
                             {"yes": True}).first()
    if has_admin is None:
        login = "admin"
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        if conn.dialect.name == "sqlite":
            now = now.strftime("%Y-%m-%d %H:%M:%S.%f")
        if conn.execute(sa.text("SELECT 1 FROM users WHERE login = 'admin'")).first() is not None:
            login = "admin-" + uuid.uuid4().hex[:6]
        conn.execute(sa.text("INSERT INTO users (id, login, display_name, role, password_hash, active, created_at) "
                             "VALUES (:id, :login, :login, '管理员', :pw, :yes, :now)"),
                     {"id": str(uuid.uuid4()), "login": login, "pw": NO_PASSWORD, "yes": True, "now": now})


def downgrade() -> None:
    with op.batch_alter_table("access_log") as t:
        t.drop_column("os_account")
