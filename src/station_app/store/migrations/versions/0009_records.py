"""records that match the work: 三务 review and approval, adviser kinds and assignments, work-log service type and
mode, month confirmations, consultation persons and referrals, outreach organisers and photos, the 矛盾纠纷排查
register, local settings

Revision ID: 0009_records
Revises: 0005_bigram_search

Every existing record is kept: advisers become 律师 (the only kind 0.1.0 accepted), work-log entries 其他 / 现场,
consultations 1 person, outreach events organised by 村法律顾问 when an adviser is linked (其他 otherwise).
Independent of the other branches' tables (re-chained by the lead at merge).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_records"
down_revision = "0008_mediation_case_file"
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("station_id", sa.String(length=36), nullable=False),
    ]


def _create(name: str, columns: list, fks: list[tuple[str, str]], indexes: list[tuple[str, list[str]]]) -> None:
    op.create_table(
        name, *columns, *_synced(),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=f"fk_{name}_station_id_stations"),
        *[sa.ForeignKeyConstraint([col], [f"{ref}.id"], name=f"fk_{name}_{col}_{ref}") for col, ref in fks],
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )
    with op.batch_alter_table(name) as b:
        b.create_index(f"ix_{name}_origin_counter", ["station_id", "counter"], unique=False)
        for ix, cols in indexes:
            b.create_index(ix, cols, unique=False)


def upgrade() -> None:
    with op.batch_alter_table("advisers") as b:
        b.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="律师"))
    with op.batch_alter_table("duty_log_entries") as b:
        b.add_column(sa.Column("service_type", sa.String(length=16), nullable=False, server_default="其他"))
        b.add_column(sa.Column("mode", sa.String(length=8), nullable=False, server_default="现场"))
    with op.batch_alter_table("consultations") as b:
        b.add_column(sa.Column("persons", sa.Integer(), nullable=False, server_default="1"))
        b.add_column(sa.Column("referral_to", sa.String(length=128), nullable=True))
        b.add_column(sa.Column("referral_result", sa.Text(), nullable=True))
        b.add_column(sa.Column("answered_on", sa.Date(), nullable=True))
    with op.batch_alter_table("postings") as b:
        b.add_column(sa.Column("immediate", sa.Boolean(), nullable=False, server_default=sa.false()))
        b.add_column(sa.Column("reviewed_on", sa.Date(), nullable=True))
        b.add_column(sa.Column("review_opinion", sa.Text(), nullable=True))
        b.add_column(sa.Column("audited_by", sa.String(length=64), nullable=True))
        b.add_column(sa.Column("audited_on", sa.Date(), nullable=True))
        b.add_column(sa.Column("approved_by", sa.String(length=64), nullable=True))
        b.add_column(sa.Column("approved_on", sa.Date(), nullable=True))
    with op.batch_alter_table("outreach_events") as b:
        b.add_column(sa.Column("organiser", sa.String(length=8), nullable=False, server_default="其他"))
        b.add_column(sa.Column("theme", sa.String(length=64), nullable=True))
        b.add_column(sa.Column("occasion", sa.String(length=8), nullable=True))
        b.add_column(sa.Column("audience", sa.String(length=4), nullable=True))
        b.add_column(sa.Column("villages", sa.JSON(), nullable=True))
    # 0.1.0 linked an event to an adviser only when the adviser gave it.
    op.execute("UPDATE outreach_events SET organiser = '村法律顾问' WHERE adviser_id IS NOT NULL")

    _create("outreach_photos", [
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
    ], [("event_id", "outreach_events")], [("ix_outreach_photos_event_id", ["event_id"])])
    _create("adviser_assignments", [
        sa.Column("adviser_id", sa.String(length=36), nullable=False),
        sa.Column("village_station_id", sa.String(length=36), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("contract_no", sa.String(length=64), nullable=True),
    ], [("adviser_id", "advisers"), ("village_station_id", "stations")],
        [("ix_adviser_assignments_adviser_id", ["adviser_id"])])
    _create("duty_confirmations", [
        sa.Column("adviser_id", sa.String(length=36), nullable=False),
        sa.Column("place_station_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
    ], [("adviser_id", "advisers"), ("place_station_id", "stations")],
        [("ix_duty_confirmations_adviser_id", ["adviser_id"])])
    _create("screening_items", [
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("village_station_id", sa.String(length=36), nullable=False),
        sa.Column("found_by", sa.String(length=64), nullable=False),
        sa.Column("parties", sa.String(length=255), nullable=True),
        sa.Column("dispute_type", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("risk_level", sa.String(length=4), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("handed_to", sa.String(length=128), nullable=True),
        sa.Column("mediation_case_id", sa.String(length=36), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
    ], [("village_station_id", "stations"), ("mediation_case_id", "mediation_cases")],
        [("ix_screening_items_found_on", ["found_on"])])
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_app_settings"),
    )


def downgrade() -> None:
    for name in ("app_settings", "screening_items", "duty_confirmations", "adviser_assignments", "outreach_photos"):
        op.drop_table(name)
    with op.batch_alter_table("outreach_events") as b:
        for c in ("villages", "audience", "occasion", "theme", "organiser"):
            b.drop_column(c)
    with op.batch_alter_table("postings") as b:
        for c in ("approved_on", "approved_by", "audited_on", "audited_by", "review_opinion", "reviewed_on",
                  "immediate"):
            b.drop_column(c)
    with op.batch_alter_table("consultations") as b:
        for c in ("answered_on", "referral_result", "referral_to", "persons"):
            b.drop_column(c)
    with op.batch_alter_table("duty_log_entries") as b:
        b.drop_column("mode")
        b.drop_column("service_type")
    with op.batch_alter_table("advisers") as b:
        b.drop_column("kind")
