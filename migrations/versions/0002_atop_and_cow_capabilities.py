"""ATOP alliances, COW National Material Capabilities and COW major powers.

Creates the landing tables of the ATOP alliance-level file (``atop_alliances``: one row per
alliance) and member-level file (``atop_members``: one row per member x alliance phase), of COW
National Material Capabilities (``cow_nmc``: one row per state-year; -9 and empty land as null)
and of COW major powers (``cow_majors``: one row per period of major-power status). The ATOP
tables type the columns the warehouse uses and keep every column of the source row, known or
not, as text in ``attributes`` (jsonb), so newer ATOP layouts load without loss; the version is
kept per row and per load (``load_ledger.meta``). Every table carries ``load_id`` and
``line_number``.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'atop_alliances',
        sa.Column('row_id', sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column('atopid', sa.Integer(), nullable=False),
        sa.Column('begyr', sa.Integer(), nullable=False),
        sa.Column('begmo', sa.SmallInteger(), nullable=True),
        sa.Column('begday', sa.SmallInteger(), nullable=True),
        sa.Column('endyr', sa.Integer(), nullable=True),
        sa.Column('endmo', sa.SmallInteger(), nullable=True),
        sa.Column('endday', sa.SmallInteger(), nullable=True),
        sa.Column('ineffect', sa.SmallInteger(), nullable=True),
        sa.Column('bilat', sa.SmallInteger(), nullable=True),
        sa.Column('maxphase', sa.SmallInteger(), nullable=True),
        sa.Column('wartime', sa.SmallInteger(), nullable=True),
        sa.Column('estmode', sa.SmallInteger(), nullable=True),
        sa.Column('pubsecr', sa.SmallInteger(), nullable=True),
        sa.Column('secrart', sa.SmallInteger(), nullable=True),
        sa.Column('defense', sa.SmallInteger(), nullable=True),
        sa.Column('offense', sa.SmallInteger(), nullable=True),
        sa.Column('neutral', sa.SmallInteger(), nullable=True),
        sa.Column('nonagg', sa.SmallInteger(), nullable=True),
        sa.Column('consul', sa.SmallInteger(), nullable=True),
        sa.Column('active', sa.SmallInteger(), nullable=True),
        sa.Column('conditio', sa.SmallInteger(), nullable=True),
        sa.Column('defcon', sa.SmallInteger(), nullable=True),
        sa.Column('offcon', sa.SmallInteger(), nullable=True),
        sa.Column('neucon', sa.SmallInteger(), nullable=True),
        sa.Column('concon', sa.SmallInteger(), nullable=True),
        sa.Column('asymm', sa.SmallInteger(), nullable=True),
        sa.Column('specthrt', sa.SmallInteger(), nullable=True),
        sa.Column('milcon', sa.SmallInteger(), nullable=True),
        sa.Column('milaid', sa.SmallInteger(), nullable=True),
        sa.Column('intcom', sa.SmallInteger(), nullable=True),
        sa.Column('subord', sa.SmallInteger(), nullable=True),
        sa.Column('organ1', sa.SmallInteger(), nullable=True),
        sa.Column('organ2', sa.SmallInteger(), nullable=True),
        sa.Column('base', sa.SmallInteger(), nullable=True),
        sa.Column('contrib', sa.SmallInteger(), nullable=True),
        sa.Column('armred', sa.SmallInteger(), nullable=True),
        sa.Column('ecaid', sa.SmallInteger(), nullable=True),
        sa.Column('milinst', sa.SmallInteger(), nullable=True),
        sa.Column('version', sa.Text(), nullable=True,
                  comment='ATOP version, e.g. 4.01'),
        sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), nullable=False,
                  comment='Every column of the source row by header name, as text'),
        sa.Column('load_id', sa.BigInteger(), nullable=False),
        sa.Column('line_number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('row_id'),
        schema='raw',
        comment='Leeds et al., ATOP alliance-level file, as published',
    )
    op.create_index(op.f('ix_raw_atop_alliances_load_id'), 'atop_alliances', ['load_id'],
                    unique=False, schema='raw')
    op.create_table(
        'atop_members',
        sa.Column('row_id', sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column('atopid', sa.Integer(), nullable=False),
        sa.Column('member', sa.Integer(), nullable=False),
        sa.Column('cowsys', sa.SmallInteger(), nullable=True),
        sa.Column('yrent', sa.Integer(), nullable=False),
        sa.Column('moent', sa.SmallInteger(), nullable=True),
        sa.Column('dayent', sa.SmallInteger(), nullable=True),
        sa.Column('yrexit', sa.Integer(), nullable=False),
        sa.Column('moexit', sa.SmallInteger(), nullable=True),
        sa.Column('dayexit', sa.SmallInteger(), nullable=True),
        sa.Column('ineffect', sa.SmallInteger(), nullable=True),
        sa.Column('bilat', sa.SmallInteger(), nullable=True),
        sa.Column('phase', sa.SmallInteger(), nullable=True),
        sa.Column('maxphase', sa.SmallInteger(), nullable=True),
        sa.Column('wartime', sa.SmallInteger(), nullable=True),
        sa.Column('estmode', sa.SmallInteger(), nullable=True),
        sa.Column('pubsecr', sa.SmallInteger(), nullable=True),
        sa.Column('defense', sa.SmallInteger(), nullable=True),
        sa.Column('offense', sa.SmallInteger(), nullable=True),
        sa.Column('neutral', sa.SmallInteger(), nullable=True),
        sa.Column('nonagg', sa.SmallInteger(), nullable=True),
        sa.Column('consul', sa.SmallInteger(), nullable=True),
        sa.Column('active', sa.SmallInteger(), nullable=True),
        sa.Column('conditio', sa.SmallInteger(), nullable=True),
        sa.Column('defcon', sa.SmallInteger(), nullable=True),
        sa.Column('offcon', sa.SmallInteger(), nullable=True),
        sa.Column('neucon', sa.SmallInteger(), nullable=True),
        sa.Column('concon', sa.SmallInteger(), nullable=True),
        sa.Column('asymm', sa.SmallInteger(), nullable=True),
        sa.Column('obvary', sa.SmallInteger(), nullable=True),
        sa.Column('milaid', sa.SmallInteger(), nullable=True),
        sa.Column('base', sa.SmallInteger(), nullable=True),
        sa.Column('subord', sa.SmallInteger(), nullable=True),
        sa.Column('organ1', sa.SmallInteger(), nullable=True),
        sa.Column('version', sa.Text(), nullable=True,
                  comment='ATOP version, e.g. 4.01'),
        sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), nullable=False,
                  comment='Every column of the source row by header name, as text'),
        sa.Column('load_id', sa.BigInteger(), nullable=False),
        sa.Column('line_number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('row_id'),
        schema='raw',
        comment='Leeds et al., ATOP member-level file, as published',
    )
    op.create_index(op.f('ix_raw_atop_members_load_id'), 'atop_members', ['load_id'],
                    unique=False, schema='raw')
    op.create_table(
        'cow_nmc',
        sa.Column('row_id', sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column('ccode', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('stateabb', sa.Text(), nullable=True),
        sa.Column('milex', sa.Double(), nullable=True,
                  comment='Military expenditure, thousands'),
        sa.Column('milper', sa.Double(), nullable=True,
                  comment='Military personnel, thousands'),
        sa.Column('irst', sa.Double(), nullable=True,
                  comment='Iron and steel, thousand tons'),
        sa.Column('pec', sa.Double(), nullable=True,
                  comment='Primary energy, thousand coal-ton eq.'),
        sa.Column('tpop', sa.Double(), nullable=True,
                  comment='Total population, thousands'),
        sa.Column('upop', sa.Double(), nullable=True,
                  comment='Urban population, thousands'),
        sa.Column('cinc', sa.Double(), nullable=True,
                  comment='Composite Index of National Capability'),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('load_id', sa.BigInteger(), nullable=False),
        sa.Column('line_number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('row_id'),
        schema='raw',
    )
    op.create_index(op.f('ix_raw_cow_nmc_load_id'), 'cow_nmc', ['load_id'],
                    unique=False, schema='raw')
    op.create_table(
        'cow_majors',
        sa.Column('row_id', sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column('ccode', sa.Integer(), nullable=False),
        sa.Column('stateabb', sa.Text(), nullable=True),
        sa.Column('styear', sa.Integer(), nullable=False),
        sa.Column('stmonth', sa.Integer(), nullable=False),
        sa.Column('stday', sa.Integer(), nullable=False),
        sa.Column('endyear', sa.Integer(), nullable=False),
        sa.Column('endmonth', sa.Integer(), nullable=False),
        sa.Column('endday', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('load_id', sa.BigInteger(), nullable=False),
        sa.Column('line_number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('row_id'),
        schema='raw',
    )
    op.create_index(op.f('ix_raw_cow_majors_load_id'), 'cow_majors', ['load_id'],
                    unique=False, schema='raw')


def downgrade() -> None:
    op.drop_index(op.f('ix_raw_cow_majors_load_id'), table_name='cow_majors', schema='raw')
    op.drop_table('cow_majors', schema='raw')
    op.drop_index(op.f('ix_raw_cow_nmc_load_id'), table_name='cow_nmc', schema='raw')
    op.drop_table('cow_nmc', schema='raw')
    op.drop_index(op.f('ix_raw_atop_members_load_id'), table_name='atop_members', schema='raw')
    op.drop_table('atop_members', schema='raw')
    op.drop_index(op.f('ix_raw_atop_alliances_load_id'), table_name='atop_alliances', schema='raw')
    op.drop_table('atop_alliances', schema='raw')
