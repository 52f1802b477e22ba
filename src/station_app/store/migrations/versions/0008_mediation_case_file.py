"""the mediation case file as the law sees it: committee settings, agents, investigations, obligations and their
performance, extensions; structured fields on cases, parties, sessions and follow-ups

Existing records keep their meaning: new columns start empty, and an existing 调解不成 gets the reason 未能达成协议
(the only reason the earlier version could mean).

Revision ID: 0008_mediation_case_file
Revises: 0005_bigram_search
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_mediation_case_file"
down_revision = "0007_sync_recovery"
branch_labels = None
depends_on = None


def _synced(table: str, *columns, case_fk: bool = True, indexes=(), unique=None) -> None:
    cols = list(columns)
    cols += [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f(f"fk_{table}_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]
    if case_fk:
        cols.append(sa.ForeignKeyConstraint(["case_id"], ["mediation_cases.id"],
                                            name=op.f(f"fk_{table}_case_id_mediation_cases")))
    if unique:
        cols.append(sa.UniqueConstraint(*unique, name=op.f(f"uq_{table}_{'_'.join(unique)}")))
    op.create_table(table, *cols)
    with op.batch_alter_table(table, schema=None) as batch_op:
        for col in (["case_id"] if case_fk else []) + list(indexes):
            batch_op.create_index(batch_op.f(f"ix_{table}_{col}"), [col], unique=False)
        batch_op.create_index(f"ix_{table}_origin_counter", ["station_id", "counter"], unique=False)


_CASE_COLUMNS = [
    ("mediators", sa.JSON()), ("transferring_body", sa.String(length=100)), ("consent_on", sa.Date()),
    ("consent_note", sa.String(length=255)), ("registered_by", sa.String(length=64)),
    ("accepted_by", sa.String(length=64)), ("rights_notice_on", sa.Date()), ("rights_notice_to", sa.String(length=255)),
    ("termination_reason", sa.String(length=16)), ("agreement_no", sa.String(length=64)), ("facts", sa.Text()),
    ("matters", sa.Text()), ("responsibility", sa.Text()), ("agreement_copies", sa.Integer()),
    ("confirmation_applied_on", sa.Date()), ("confirmed_on", sa.Date()), ("confirmation_court", sa.String(length=100)),
    ("retention_period", sa.String(length=16)), ("filed_by", sa.String(length=64)), ("checked_by", sa.String(length=64)),
    ("file_note", sa.Text()),
]
_PARTY_COLUMNS = [("kind", sa.String(length=8)), ("ethnicity", sa.String(length=16)), ("birth_date", sa.Date()),
                  ("occupation", sa.String(length=128)), ("legal_rep", sa.String(length=64))]
_SESSION_COLUMNS = [("mediators", sa.JSON()), ("parties_present", sa.JSON()), ("invited", sa.JSON()),
                    ("recorder", sa.String(length=64)), ("statements", sa.Text()), ("process", sa.Text()),
                    ("result", sa.Text())]
_FOLLOWUP_COLUMNS = [("method", sa.String(length=8)), ("person_visited", sa.String(length=64))]
_ADDED = {"mediation_cases": _CASE_COLUMNS, "mediation_parties": _PARTY_COLUMNS,
          "mediation_sessions": _SESSION_COLUMNS, "mediation_followups": _FOLLOWUP_COLUMNS}


def upgrade() -> None:
    for table, columns in _ADDED.items():
        for name, type_ in columns:
            op.add_column(table, sa.Column(name, type_, nullable=True))
    op.execute("UPDATE mediation_cases SET termination_reason = '未能达成协议' WHERE outcome = '调解不成'")

    _synced("mediation_committees",
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column("village_committee", sa.String(length=100), nullable=True),
            sa.Column("number_prefix", sa.String(length=32), nullable=True),
            sa.Column("mediators", sa.JSON(), nullable=True),
            sa.Column("holidays", sa.JSON(), nullable=True),
            sa.Column("workdays", sa.JSON(), nullable=True),
            case_fk=False, unique=("station_id",))
    _synced("mediation_agents",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("party_id", sa.String(length=36), nullable=False),
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("kind", sa.String(length=8), nullable=False),
            sa.Column("authority", sa.String(length=255), nullable=True),
            sa.Column("phone", sa.String(length=32), nullable=True),
            sa.Column("id_number", sa.String(length=18), nullable=True),
            sa.Column("address", sa.String(length=128), nullable=True),
            sa.ForeignKeyConstraint(["party_id"], ["mediation_parties.id"],
                                    name=op.f("fk_mediation_agents_party_id_mediation_parties")),
            indexes=("party_id",))
    _synced("mediation_investigations",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("held_at", sa.DateTime(), nullable=False),
            sa.Column("place", sa.String(length=128), nullable=True),
            sa.Column("investigators", sa.JSON(), nullable=True),
            sa.Column("recorder", sa.String(length=64), nullable=True),
            sa.Column("subject", sa.String(length=64), nullable=False),
            sa.Column("subject_details", sa.String(length=255), nullable=True),
            sa.Column("present", sa.String(length=255), nullable=True),
            sa.Column("content", sa.Text(), nullable=False))
    _synced("mediation_obligations",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("obligor", sa.String(length=128), nullable=False),
            sa.Column("obligee", sa.String(length=128), nullable=True),
            sa.Column("content", sa.Text(), nullable=False),
            sa.Column("method", sa.String(length=128), nullable=True),
            sa.Column("due_on", sa.Date(), nullable=True),
            sa.Column("amount_fen", sa.Integer(), nullable=True))
    _synced("mediation_performances",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("obligation_id", sa.String(length=36), nullable=False),
            sa.Column("performed_on", sa.Date(), nullable=False),
            sa.Column("amount_fen", sa.Integer(), nullable=True),
            sa.Column("complete", sa.Boolean(), nullable=False),
            sa.Column("note", sa.String(length=255), nullable=True),
            sa.ForeignKeyConstraint(["obligation_id"], ["mediation_obligations.id"],
                                    name=op.f("fk_mediation_performances_obligation_id_mediation_obligations")),
            indexes=("obligation_id",))
    _synced("mediation_extensions",
            sa.Column("case_id", sa.String(length=36), nullable=False),
            sa.Column("agreed_on", sa.Date(), nullable=False),
            sa.Column("until", sa.Date(), nullable=False),
            sa.Column("reason", sa.String(length=255), nullable=True),
            sa.Column("consent", sa.String(length=255), nullable=False))


def downgrade() -> None:
    for table in ("mediation_extensions", "mediation_performances", "mediation_obligations",
                  "mediation_investigations", "mediation_agents", "mediation_committees"):
        op.drop_table(table)
    for table, columns in _ADDED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _type in columns:
                batch_op.drop_column(name)
