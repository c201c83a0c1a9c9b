"""Ideal points: bridging pairs, the estimation ledger and the estimates.

Creates the landing table of Bailey, Strezhnev & Voeten's bridging pairs (``unga_bridging_pairs``:
one row per pair of roll calls on the identical resolution, from ``Matches.csv``, with
``load_id`` and ``line_number`` like every landing table), the ledger of ideal-point
estimations (``ideal_point_runs``: one row per estimation of one vote set, with the inputs'
fingerprint, the settings, iterations, convergence and wall time) and the estimates
(``ideal_point_estimates``: one row per vote set, country and session of the run that is
current for its vote set; a newer successful run replaces its rows in one transaction).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unga_bridging_pairs",
        sa.Column("row_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=True, comment="v1: the pair's number"),
        sa.Column("rcid1", sa.Integer(), nullable=False),
        sa.Column("rcid2", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
        comment="Bailey-Strezhnev-Voeten bridging pairs (Matches.csv): identical resolutions",
    )
    op.create_index(op.f("ix_raw_unga_bridging_pairs_load_id"), "unga_bridging_pairs",
                    ["load_id"], unique=False, schema="raw")
    op.create_table(
        "ideal_point_runs",
        sa.Column("run_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("vote_set", sa.Text(), nullable=False, comment="all, important or an issue code"),
        sa.Column("inputs_sha256", sa.Text(), nullable=False,
                  comment="Fingerprint of the votes, roll calls and bridging pairs read"),
        sa.Column("settings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), nullable=False, comment="running | completed | failed"),
        sa.Column("iterations", sa.Integer(), nullable=True),
        sa.Column("converged", sa.Boolean(), nullable=True),
        sa.Column("max_change", sa.Double(), nullable=True,
                  comment="Largest change of a position in the last sweep"),
        sa.Column("log_posterior", sa.Double(), nullable=True),
        sa.Column("wall_seconds", sa.Double(), nullable=True),
        sa.Column("n_votes", sa.BigInteger(), nullable=True),
        sa.Column("n_items", sa.Integer(), nullable=True),
        sa.Column("n_roll_calls_unanimous", sa.Integer(), nullable=True),
        sa.Column("n_country_sessions", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id"),
        schema="raw",
        comment="One row per ideal-point estimation of one vote set",
    )
    op.create_index(op.f("ix_raw_ideal_point_runs_inputs_sha256"), "ideal_point_runs",
                    ["inputs_sha256"], unique=False, schema="raw")
    op.create_table(
        "ideal_point_estimates",
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("vote_set", sa.Text(), nullable=False),
        sa.Column("ccode", sa.Integer(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("ideal_point", sa.Double(), nullable=False),
        sa.Column("standard_error", sa.Double(), nullable=False),
        sa.Column("n_votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["raw.ideal_point_runs.run_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("vote_set", "ccode", "session"),
        schema="raw",
        comment="Ideal point per vote set, country and session (the current run of the set)",
    )


def downgrade() -> None:
    op.drop_table("ideal_point_estimates", schema="raw")
    op.drop_index(op.f("ix_raw_ideal_point_runs_inputs_sha256"), table_name="ideal_point_runs",
                  schema="raw")
    op.drop_table("ideal_point_runs", schema="raw")
    op.drop_index(op.f("ix_raw_unga_bridging_pairs_load_id"), table_name="unga_bridging_pairs",
                  schema="raw")
    op.drop_table("unga_bridging_pairs", schema="raw")
