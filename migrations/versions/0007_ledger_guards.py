"""Ledger guards: whether each loaded file is the catalog's known release.

Adds ``raw.load_ledger.verification``: ``verified`` when the file's sha256 is the one the catalog
lists for it, ``unverified`` when it differs (a newer release, a re-export, a damaged copy: the
file is loaded all the same, and ``alliances status`` shows it), null for files the catalog does
not list (coalition lists, treaty texts). Rows loaded before this migration stay null. The status
comment gains the values the loader writes (``loading`` inside a load's transaction, ``removed``
for a file that has gone).

Revision ID: 0007
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "load_ledger",
        sa.Column(
            "verification", sa.Text(), nullable=True,
            comment="verified | unverified (sha256 against the catalog) | null: not in the catalog",
        ),
        schema="raw",
    )
    op.create_check_constraint(
        "ck_load_ledger_verification", "load_ledger",
        "verification in ('verified', 'unverified')", schema="raw",
    )


def downgrade() -> None:
    op.drop_constraint("ck_load_ledger_verification", "load_ledger", schema="raw", type_="check")
    op.drop_column("load_ledger", "verification", schema="raw")
