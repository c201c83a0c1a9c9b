"""Typed SQLAlchemy 2 ORM of the ``raw`` schema: the landing tables and the load ledger.

Alembic owns the schema (``migrations/``); these classes mirror it so that Alembic's autogenerate
and the loaders agree on table and column names. Every landing table carries ``load_id`` (the
ledger row that wrote it) and ``line_number`` (the line in the source file), so any raw row can be
traced to its file and line.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, MetaData, SmallInteger, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

RAW_SCHEMA = "raw"


class Base(DeclarativeBase):
    metadata = MetaData(schema=RAW_SCHEMA)


class LoadLedger(Base):
    """One row per attempt to load one source file."""

    __tablename__ = "load_ledger"

    load_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(Text, comment="Source system: unga, atop, cow, ...")
    file_name: Mapped[str] = mapped_column(Text, index=True, comment="Catalog name of the file")
    path: Mapped[str] = mapped_column(Text, comment="Path the file was read from")
    sha256: Mapped[str] = mapped_column(Text, index=True)
    target_table: Mapped[str] = mapped_column(Text)
    rows_read: Mapped[int | None] = mapped_column(BigInteger)
    rows_loaded: Mapped[int | None] = mapped_column(BigInteger)
    rows_rejected: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, comment="loaded | failed")
    error: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict | None] = mapped_column(JSONB, comment="Per-source details (e.g. version)")


class RefreshRun(Base):
    """One row per refresh (ingest + dbt build), for ``alliances status``."""

    __tablename__ = "refresh_runs"

    run_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, comment="running | completed | failed")
    is_full: Mapped[bool] = mapped_column(Boolean)
    files_loaded: Mapped[int | None] = mapped_column(Integer)
    files_unchanged: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class RejectedRow(Base):
    """A source row that could not be loaded, with its file, line and reason."""

    __tablename__ = "rejected_rows"

    rejected_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    load_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("raw.load_ledger.load_id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(Text)
    line_number: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    raw_line: Mapped[str] = mapped_column(Text)


class _Landing:
    load_id: Mapped[int] = mapped_column(BigInteger, index=True)
    line_number: Mapped[int] = mapped_column(BigInteger)


class UngaVoetenVote(_Landing, Base):
    """Voeten's published layout (UNVotesPublished): one row per country x roll call."""

    __tablename__ = "unga_voeten_votes"
    __table_args__ = {"comment": "Voeten, UNGA voting data (Harvard Dataverse), as published"}

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    rcid: Mapped[int] = mapped_column(Integer)
    session: Mapped[int] = mapped_column(Integer)
    vote: Mapped[int] = mapped_column(SmallInteger, comment="1 yes 2 abstain 3 no 8 absent 9 non-member")
    ccode: Mapped[int] = mapped_column(Integer)
    member: Mapped[int | None] = mapped_column(SmallInteger)
    importantvote: Mapped[int | None] = mapped_column(SmallInteger)
    vote_date: Mapped[dt.date | None] = mapped_column(Date)
    unres: Mapped[str | None] = mapped_column(Text)
    me: Mapped[int | None] = mapped_column(SmallInteger)
    nu: Mapped[int | None] = mapped_column(SmallInteger)
    di: Mapped[int | None] = mapped_column(SmallInteger)
    hr: Mapped[int | None] = mapped_column(SmallInteger)
    co: Mapped[int | None] = mapped_column(SmallInteger)
    ec: Mapped[int | None] = mapped_column(SmallInteger)
    year: Mapped[int | None] = mapped_column(Integer)


class UnvotesVote(_Landing, Base):
    """The unvotes R package layout: rcid, country, ISO2 country_code, vote (yes/no/abstain)."""

    __tablename__ = "unvotes_votes"

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    rcid: Mapped[int] = mapped_column(Integer)
    country: Mapped[str] = mapped_column(Text)
    country_code: Mapped[str | None] = mapped_column(Text)
    vote: Mapped[str] = mapped_column(Text)


class UnvotesRollCall(_Landing, Base):
    """The unvotes layout: one row per roll call."""

    __tablename__ = "unvotes_roll_calls"

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    rcid: Mapped[int] = mapped_column(Integer)
    session: Mapped[int] = mapped_column(Integer)
    importantvote: Mapped[int | None] = mapped_column(SmallInteger)
    vote_date: Mapped[dt.date] = mapped_column(Date)
    unres: Mapped[str | None] = mapped_column(Text)
    amend: Mapped[int | None] = mapped_column(SmallInteger)
    para: Mapped[int | None] = mapped_column(SmallInteger)
    short: Mapped[str | None] = mapped_column(Text)
    descr: Mapped[str | None] = mapped_column(Text)


class UnvotesRollCallIssue(_Landing, Base):
    """The unvotes layout: issue codes per roll call."""

    __tablename__ = "unvotes_roll_call_issues"

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    rcid: Mapped[int] = mapped_column(Integer)
    short_name: Mapped[str] = mapped_column(Text)
    issue: Mapped[str | None] = mapped_column(Text)


class CowState(_Landing, Base):
    """COW State System Membership (states2016): one row per membership period."""

    __tablename__ = "cow_states"

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    stateabb: Mapped[str] = mapped_column(Text)
    ccode: Mapped[int] = mapped_column(Integer)
    statenme: Mapped[str] = mapped_column(Text)
    styear: Mapped[int] = mapped_column(Integer)
    stmonth: Mapped[int] = mapped_column(Integer)
    stday: Mapped[int] = mapped_column(Integer)
    endyear: Mapped[int] = mapped_column(Integer)
    endmonth: Mapped[int] = mapped_column(Integer)
    endday: Mapped[int] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer)
