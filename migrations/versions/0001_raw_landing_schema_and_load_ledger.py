"""Raw landing schema and load ledger.

Creates the load ledger (one row per file load), the rejected-rows table, the landing tables of
both UNGA layouts (Voeten's published file; the three unvotes tables) and COW state membership.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 16:39:23.201119
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("create schema if not exists raw")
    op.create_table(
        "cow_states",
        sa.Column("row_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("stateabb", sa.Text(), nullable=False),
        sa.Column("ccode", sa.Integer(), nullable=False),
        sa.Column("statenme", sa.Text(), nullable=False),
        sa.Column("styear", sa.Integer(), nullable=False),
        sa.Column("stmonth", sa.Integer(), nullable=False),
        sa.Column("stday", sa.Integer(), nullable=False),
        sa.Column("endyear", sa.Integer(), nullable=False),
        sa.Column("endmonth", sa.Integer(), nullable=False),
        sa.Column("endday", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
    )
    op.create_index(
        op.f("ix_raw_cow_states_load_id"), "cow_states", ["load_id"], unique=False, schema="raw"
    )
    op.create_table(
        "load_ledger",
        sa.Column("load_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "source", sa.Text(), nullable=False, comment="Source system: unga, atop, cow, ..."
        ),
        sa.Column("file_name", sa.Text(), nullable=False, comment="Catalog name of the file"),
        sa.Column("path", sa.Text(), nullable=False, comment="Path the file was read from"),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("target_table", sa.Text(), nullable=False),
        sa.Column("rows_read", sa.BigInteger(), nullable=True),
        sa.Column("rows_loaded", sa.BigInteger(), nullable=True),
        sa.Column("rows_rejected", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), nullable=False, comment="loaded | failed"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "meta",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Per-source details (e.g. version)",
        ),
        sa.PrimaryKeyConstraint("load_id"),
        schema="raw",
    )
    op.create_index(
        op.f("ix_raw_load_ledger_file_name"),
        "load_ledger",
        ["file_name"],
        unique=False,
        schema="raw",
    )
    op.create_index(
        op.f("ix_raw_load_ledger_sha256"), "load_ledger", ["sha256"], unique=False, schema="raw"
    )
    op.create_table(
        "unga_voeten_votes",
        sa.Column("row_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("rcid", sa.Integer(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column(
            "vote",
            sa.SmallInteger(),
            nullable=False,
            comment="1 yes 2 abstain 3 no 8 absent 9 non-member",
        ),
        sa.Column("ccode", sa.Integer(), nullable=False),
        sa.Column("member", sa.SmallInteger(), nullable=True),
        sa.Column("importantvote", sa.SmallInteger(), nullable=True),
        sa.Column("vote_date", sa.Date(), nullable=True),
        sa.Column("unres", sa.Text(), nullable=True),
        sa.Column("me", sa.SmallInteger(), nullable=True),
        sa.Column("nu", sa.SmallInteger(), nullable=True),
        sa.Column("di", sa.SmallInteger(), nullable=True),
        sa.Column("hr", sa.SmallInteger(), nullable=True),
        sa.Column("co", sa.SmallInteger(), nullable=True),
        sa.Column("ec", sa.SmallInteger(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
        comment="Voeten, UNGA voting data (Harvard Dataverse), as published",
    )
    op.create_index(
        op.f("ix_raw_unga_voeten_votes_load_id"),
        "unga_voeten_votes",
        ["load_id"],
        unique=False,
        schema="raw",
    )
    op.create_table(
        "unvotes_roll_call_issues",
        sa.Column("row_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("rcid", sa.Integer(), nullable=False),
        sa.Column("short_name", sa.Text(), nullable=False),
        sa.Column("issue", sa.Text(), nullable=True),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
    )
    op.create_index(
        op.f("ix_raw_unvotes_roll_call_issues_load_id"),
        "unvotes_roll_call_issues",
        ["load_id"],
        unique=False,
        schema="raw",
    )
    op.create_table(
        "unvotes_roll_calls",
        sa.Column("row_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("rcid", sa.Integer(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("importantvote", sa.SmallInteger(), nullable=True),
        sa.Column("vote_date", sa.Date(), nullable=False),
        sa.Column("unres", sa.Text(), nullable=True),
        sa.Column("amend", sa.SmallInteger(), nullable=True),
        sa.Column("para", sa.SmallInteger(), nullable=True),
        sa.Column("short", sa.Text(), nullable=True),
        sa.Column("descr", sa.Text(), nullable=True),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
    )
    op.create_index(
        op.f("ix_raw_unvotes_roll_calls_load_id"),
        "unvotes_roll_calls",
        ["load_id"],
        unique=False,
        schema="raw",
    )
    op.create_table(
        "unvotes_votes",
        sa.Column("row_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("rcid", sa.Integer(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("country_code", sa.Text(), nullable=True),
        sa.Column("vote", sa.Text(), nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
    )
    op.create_index(
        op.f("ix_raw_unvotes_votes_load_id"),
        "unvotes_votes",
        ["load_id"],
        unique=False,
        schema="raw",
    )
    op.create_table(
        "refresh_runs",
        sa.Column("run_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), nullable=False, comment="running | completed | failed"),
        sa.Column("is_full", sa.Boolean(), nullable=False),
        sa.Column("files_loaded", sa.Integer(), nullable=True),
        sa.Column("files_unchanged", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id"),
        schema="raw",
    )
    op.create_table(
        "rejected_rows",
        sa.Column("rejected_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw_line", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["load_id"], ["raw.load_ledger.load_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("rejected_id"),
        schema="raw",
    )
    op.create_index(
        op.f("ix_raw_rejected_rows_load_id"),
        "rejected_rows",
        ["load_id"],
        unique=False,
        schema="raw",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_raw_rejected_rows_load_id"), table_name="rejected_rows", schema="raw")
    op.drop_table("rejected_rows", schema="raw")
    op.drop_table("refresh_runs", schema="raw")
    op.drop_index(op.f("ix_raw_unvotes_votes_load_id"), table_name="unvotes_votes", schema="raw")
    op.drop_table("unvotes_votes", schema="raw")
    op.drop_index(
        op.f("ix_raw_unvotes_roll_calls_load_id"), table_name="unvotes_roll_calls", schema="raw"
    )
    op.drop_table("unvotes_roll_calls", schema="raw")
    op.drop_index(
        op.f("ix_raw_unvotes_roll_call_issues_load_id"),
        table_name="unvotes_roll_call_issues",
        schema="raw",
    )
    op.drop_table("unvotes_roll_call_issues", schema="raw")
    op.drop_index(
        op.f("ix_raw_unga_voeten_votes_load_id"), table_name="unga_voeten_votes", schema="raw"
    )
    op.drop_table("unga_voeten_votes", schema="raw")
    op.drop_index(op.f("ix_raw_load_ledger_sha256"), table_name="load_ledger", schema="raw")
    op.drop_index(op.f("ix_raw_load_ledger_file_name"), table_name="load_ledger", schema="raw")
    op.drop_table("load_ledger", schema="raw")
    op.drop_index(op.f("ix_raw_cow_states_load_id"), table_name="cow_states", schema="raw")
    op.drop_table("cow_states", schema="raw")
