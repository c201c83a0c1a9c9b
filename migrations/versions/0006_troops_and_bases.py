"""US troops abroad per host country-year and US bases abroad per site.

Creates the landing tables of the troopdata release (Allen, Flynn & Martinez Machain 2022):
``troops_country_years`` (one row per host country-year, 1950-2024: active duty troops typed,
every column of the source row as text in ``attributes``) and ``troops_bases`` (Vine 2015: one
row per site, with its kind flags and coordinates). ISO codes are text as published (``NA``
kept: the loader never reads it as missing). Every table carries ``load_id`` and
``line_number``.

Revision ID: 0006
Revises: 0004 (the lead chains it after 0005 at merge)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ATTRIBUTES_COMMENT = "Every column of the source row by header name, as text"


def upgrade() -> None:
    op.create_table(
        'troops_country_years',
        sa.Column('row_id', sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column('countryname', sa.Text(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('ccode', sa.Integer(), nullable=False,
                  comment='COW code of the host; >= 1000 non-state'),
        sa.Column('iso3c', sa.Text(), nullable=True,
                  comment="ISO3 code as text, 'NA' as published"),
        sa.Column('region', sa.Text(), nullable=True),
        sa.Column('troops_ad', sa.Integer(), nullable=False, comment='Active duty personnel'),
        sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), nullable=False,
                  comment=_ATTRIBUTES_COMMENT),
        sa.Column('load_id', sa.BigInteger(), nullable=False),
        sa.Column('line_number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('row_id'),
        schema='raw',
        comment='Allen, Flynn & Martinez Machain, US troops per host country-year, as published',
    )
    op.create_index(op.f('ix_raw_troops_country_years_load_id'), 'troops_country_years',
                    ['load_id'], unique=False, schema='raw')
    op.create_table(
        'troops_bases',
        sa.Column('row_id', sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column('countryname', sa.Text(), nullable=False),
        sa.Column('ccode', sa.Integer(), nullable=False, comment='COW code of the host'),
        sa.Column('iso3c', sa.Text(), nullable=True,
                  comment="ISO3 code as text, 'NA' as published"),
        sa.Column('basename', sa.Text(), nullable=True,
                  comment="Site name, 'NA' as published"),
        sa.Column('lat', sa.Double(), nullable=True),
        sa.Column('lon', sa.Double(), nullable=True),
        sa.Column('base', sa.SmallInteger(), nullable=False, comment='1: a base'),
        sa.Column('lilypad', sa.SmallInteger(), nullable=False,
                  comment='1: a lily pad (small site)'),
        sa.Column('fundedsite', sa.SmallInteger(), nullable=False,
                  comment='1: a US-funded host site'),
        sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), nullable=False,
                  comment=_ATTRIBUTES_COMMENT),
        sa.Column('load_id', sa.BigInteger(), nullable=False),
        sa.Column('line_number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('row_id'),
        schema='raw',
        comment='Vine (2015), US military sites abroad, one row per site',
    )
    op.create_index(op.f('ix_raw_troops_bases_load_id'), 'troops_bases', ['load_id'],
                    unique=False, schema='raw')


def downgrade() -> None:
    op.drop_index(op.f('ix_raw_troops_bases_load_id'), table_name='troops_bases', schema='raw')
    op.drop_table('troops_bases', schema='raw')
    op.drop_index(op.f('ix_raw_troops_country_years_load_id'),
                  table_name='troops_country_years', schema='raw')
    op.drop_table('troops_country_years', schema='raw')
