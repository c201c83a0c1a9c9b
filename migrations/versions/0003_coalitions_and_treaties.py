"""Coalition lists and treaty texts.

Creates the landing tables of the curated coalition lists (``coalitions``: one row per coalition;
``coalition_members``: one row per coalition x member x role) and of the treaty texts
(``treaties``: manifest row and full text; ``treaty_articles``: the parts of each text;
``treaty_provisions``: the provisions the documented rules find, with their spans;
``treaty_atop_links``: the curated treaty -> ATOP atopid mapping). Every table carries
``load_id`` (the ledger row that wrote it) and ``line_number`` (the line of the source file: the
CSV line, the manifest line for a treaty, the line of the text where an article or a provision's
span starts).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (
    "coalitions", "coalition_members", "treaties", "treaty_articles", "treaty_provisions",
    "treaty_atop_links",
)


def _landing() -> list[sa.Column]:
    return [
        sa.Column("row_id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "coalitions",
        *_landing(),
        sa.Column("coalition", sa.Text(), nullable=False),
        sa.Column("leader_ccode", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("source_citation", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
        comment="Curated coalition list metadata (coalitions.csv): one row per coalition",
    )
    op.create_table(
        "coalition_members",
        *_landing(),
        sa.Column("coalition", sa.Text(), nullable=False),
        sa.Column("member_name", sa.Text(), nullable=False, comment="Name as the list gives it"),
        sa.Column("ccode", sa.Integer(), nullable=True, comment="COW code (states)"),
        sa.Column("org_code", sa.Text(), nullable=True, comment="Organisation code (EU, NATO...)"),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("joined_date", sa.Date(), nullable=True),
        sa.Column("joined_precision", sa.Text(), nullable=True, comment="day | year"),
        sa.Column("left_date", sa.Date(), nullable=True),
        sa.Column("left_precision", sa.Text(), nullable=True, comment="day | year"),
        sa.Column("source_citation", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
        comment="Curated coalition lists: one row per coalition x member x role",
    )
    op.create_table(
        "treaties",
        *_landing(),
        sa.Column("treaty_id", sa.Text(), nullable=False),
        sa.Column("text_file", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("signed_date", sa.Date(), nullable=False),
        sa.Column("parties", sa.Text(), nullable=False, comment="Party names separated by '; '"),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("completeness", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("treaty_text", sa.Text(), nullable=False, comment="The full text as read"),
        sa.Column("text_sha256", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
        comment="Treaty texts: the manifest row (line_number) and the full text",
    )
    op.create_table(
        "treaty_articles",
        *_landing(),
        sa.Column("treaty_id", sa.Text(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False, comment="Place in the document"),
        sa.Column("article_number", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False,
                  comment="preamble | article | final_clauses | annex"),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("body_start_offset", sa.Integer(), nullable=False),
        sa.Column("body_end_offset", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
        comment="Parts of each treaty text (line_number: where the part starts in the text)",
    )
    op.create_table(
        "treaty_provisions",
        *_landing(),
        sa.Column("treaty_id", sa.Text(), nullable=False),
        sa.Column("provision_ordinal", sa.Integer(), nullable=False,
                  comment="Order of the provision in the treaty"),
        sa.Column("article_number", sa.Text(), nullable=False),
        sa.Column("provision_type", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False,
                  comment="Character offset in the full text"),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("snippet", sa.Text(), nullable=False),
        sa.Column("binding", sa.Text(), nullable=False, comment="all_parties | one_way"),
        sa.Column("obligated_party", sa.Text(), nullable=True),
        sa.Column("beneficiary", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
        comment="Rule-based provisions (line_number: where the span starts in the text)",
    )
    op.create_table(
        "treaty_atop_links",
        *_landing(),
        sa.Column("treaty_id", sa.Text(), nullable=False),
        sa.Column("atopid", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("row_id"),
        schema="raw",
        comment="Curated mapping of treaty texts to ATOP alliances",
    )
    for table in _TABLES:
        op.create_index(op.f(f"ix_raw_{table}_load_id"), table, ["load_id"], unique=False,
                        schema="raw")


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.drop_index(op.f(f"ix_raw_{table}_load_id"), table_name=table, schema="raw")
        op.drop_table(table, schema="raw")
