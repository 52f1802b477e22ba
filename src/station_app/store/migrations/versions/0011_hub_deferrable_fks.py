"""township hub on PostgreSQL: foreign keys deferrable, as SQLite's PRAGMA defer_foreign_keys allows

Revision ID: 0011_hub_deferrable_fks
Revises: 0010_access_os_account

A write transaction checks foreign keys at commit (store/stationdb.py): the unit of work does not order inserts by
foreign keys that have no relationship(). SQLite defers any foreign key on request; PostgreSQL only those declared
DEFERRABLE. Nothing changes on SQLite. Later migrations that add a foreign key on PostgreSQL call
`make_foreign_keys_deferrable` again (it only touches keys that are not deferrable yet).
"""
from __future__ import annotations

from alembic import op

revision = "0011_hub_deferrable_fks"
down_revision = "0010_access_os_account"
branch_labels = None
depends_on = None


def make_foreign_keys_deferrable(deferrable: bool = True) -> None:
    conn = op.get_bind()
    rows = conn.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.contype = 'f' AND n.nspname = current_schema() AND c.condeferrable <> %(want)s "
        "ORDER BY 1, 2", {"want": deferrable}).all()
    clause = "DEFERRABLE INITIALLY IMMEDIATE" if deferrable else "NOT DEFERRABLE"
    for table, name in rows:
        op.execute(f'ALTER TABLE {table} ALTER CONSTRAINT "{name}" {clause}')


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        make_foreign_keys_deferrable(True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        make_foreign_keys_deferrable(False)
