"""Typed SQLAlchemy 2 ORM of the ``raw`` schema: the landing tables and the load ledger.

Alembic owns the schema (``migrations/``); these classes mirror it so that Alembic's autogenerate
and the loaders agree on table and column names. Every landing table carries ``load_id`` (the
ledger row that wrote it) and ``line_number`` (the line in the source file), so any raw row can be
traced to its file and line.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    Text,
)
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
    # migration 0007
    verification: Mapped[str | None] = mapped_column(
        Text,
        comment="verified | unverified (sha256 against the catalog) | null: not in the catalog",
    )

    __table_args__ = (
        CheckConstraint("verification in ('verified', 'unverified')",
                        name="ck_load_ledger_verification"),
    )


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
    vote: Mapped[int] = mapped_column(
        SmallInteger, comment="1 yes 2 abstain 3 no 8 absent 9 non-member"
    )
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


class Coalition(_Landing, Base):
    """Curated coalition list metadata (``coalitions.csv``): one row per coalition."""

    __tablename__ = "coalitions"
    __table_args__ = {
        "comment": "Curated coalition list metadata (coalitions.csv): one row per coalition"
    }

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    coalition: Mapped[str] = mapped_column(Text)
    leader_ccode: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    purpose: Mapped[str | None] = mapped_column(Text)
    source_citation: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)


class CoalitionMember(_Landing, Base):
    """Curated coalition lists: one row per coalition x member x role, with its source."""

    __tablename__ = "coalition_members"
    __table_args__ = {"comment": "Curated coalition lists: one row per coalition x member x role"}

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    coalition: Mapped[str] = mapped_column(Text)
    member_name: Mapped[str] = mapped_column(Text, comment="Name as the list gives it")
    ccode: Mapped[int | None] = mapped_column(Integer, comment="COW code (states)")
    org_code: Mapped[str | None] = mapped_column(Text, comment="Organisation code (EU, NATO...)")
    role: Mapped[str] = mapped_column(Text)
    joined_date: Mapped[dt.date | None] = mapped_column(Date)
    joined_precision: Mapped[str | None] = mapped_column(Text, comment="day | year")
    left_date: Mapped[dt.date | None] = mapped_column(Date)
    left_precision: Mapped[str | None] = mapped_column(Text, comment="day | year")
    source_citation: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class Treaty(_Landing, Base):
    """A treaty text: its manifest row (``line_number``) and the full text."""

    __tablename__ = "treaties"
    __table_args__ = {"comment": "Treaty texts: the manifest row (line_number) and the full text"}

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    treaty_id: Mapped[str] = mapped_column(Text)
    text_file: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    signed_date: Mapped[dt.date] = mapped_column(Date)
    parties: Mapped[str] = mapped_column(Text, comment="Party names separated by '; '")
    source_url: Mapped[str | None] = mapped_column(Text)
    completeness: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    treaty_text: Mapped[str] = mapped_column(Text, comment="The full text as read")
    text_sha256: Mapped[str] = mapped_column(Text)


class TreatyArticle(_Landing, Base):
    """One part of a treaty text (preamble, article, final clauses, annex)."""

    __tablename__ = "treaty_articles"
    __table_args__ = {
        "comment": "Parts of each treaty text (line_number: where the part starts in the text)"
    }

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    treaty_id: Mapped[str] = mapped_column(Text)
    ordinal: Mapped[int] = mapped_column(Integer, comment="Place in the document")
    article_number: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text, comment="preamble | article | final_clauses | annex")
    heading: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    body_start_offset: Mapped[int] = mapped_column(Integer)
    body_end_offset: Mapped[int] = mapped_column(Integer)


class TreatyProvision(_Landing, Base):
    """A provision found by a documented rule, with the span of text that shows it."""

    __tablename__ = "treaty_provisions"
    __table_args__ = {
        "comment": "Rule-based provisions (line_number: where the span starts in the text)"
    }

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    treaty_id: Mapped[str] = mapped_column(Text)
    provision_ordinal: Mapped[int] = mapped_column(
        Integer, comment="Order of the provision in the treaty")
    article_number: Mapped[str] = mapped_column(Text)
    provision_type: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer, comment="Character offset in the full text")
    span_end: Mapped[int] = mapped_column(Integer)
    snippet: Mapped[str] = mapped_column(Text)
    binding: Mapped[str] = mapped_column(Text, comment="all_parties | one_way")
    obligated_party: Mapped[str | None] = mapped_column(Text)
    beneficiary: Mapped[str | None] = mapped_column(Text)


class TreatyAtopLink(_Landing, Base):
    """The curated link of a treaty text to its ATOP alliance (etl/data/treaty_atop_links.csv)."""

    __tablename__ = "treaty_atop_links"
    __table_args__ = {"comment": "Curated mapping of treaty texts to ATOP alliances"}

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    treaty_id: Mapped[str] = mapped_column(Text)
    atopid: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class AtopAlliance(_Landing, Base):
    """ATOP alliance level: one row per alliance (atopid), typed columns plus the whole record."""

    __tablename__ = "atop_alliances"
    __table_args__ = {"comment": "Leeds et al., ATOP alliance-level file, as published"}

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    atopid: Mapped[int] = mapped_column(Integer)
    begyr: Mapped[int] = mapped_column(Integer)
    begmo: Mapped[int | None] = mapped_column(SmallInteger)
    begday: Mapped[int | None] = mapped_column(SmallInteger)
    endyr: Mapped[int | None] = mapped_column(Integer)
    endmo: Mapped[int | None] = mapped_column(SmallInteger)
    endday: Mapped[int | None] = mapped_column(SmallInteger)
    ineffect: Mapped[int | None] = mapped_column(SmallInteger)
    bilat: Mapped[int | None] = mapped_column(SmallInteger)
    maxphase: Mapped[int | None] = mapped_column(SmallInteger)
    wartime: Mapped[int | None] = mapped_column(SmallInteger)
    estmode: Mapped[int | None] = mapped_column(SmallInteger)
    pubsecr: Mapped[int | None] = mapped_column(SmallInteger)
    secrart: Mapped[int | None] = mapped_column(SmallInteger)
    defense: Mapped[int | None] = mapped_column(SmallInteger)
    offense: Mapped[int | None] = mapped_column(SmallInteger)
    neutral: Mapped[int | None] = mapped_column(SmallInteger)
    nonagg: Mapped[int | None] = mapped_column(SmallInteger)
    consul: Mapped[int | None] = mapped_column(SmallInteger)
    active: Mapped[int | None] = mapped_column(SmallInteger)
    conditio: Mapped[int | None] = mapped_column(SmallInteger)
    defcon: Mapped[int | None] = mapped_column(SmallInteger)
    offcon: Mapped[int | None] = mapped_column(SmallInteger)
    neucon: Mapped[int | None] = mapped_column(SmallInteger)
    concon: Mapped[int | None] = mapped_column(SmallInteger)
    asymm: Mapped[int | None] = mapped_column(SmallInteger)
    specthrt: Mapped[int | None] = mapped_column(SmallInteger)
    milcon: Mapped[int | None] = mapped_column(SmallInteger)
    milaid: Mapped[int | None] = mapped_column(SmallInteger)
    intcom: Mapped[int | None] = mapped_column(SmallInteger)
    subord: Mapped[int | None] = mapped_column(SmallInteger)
    organ1: Mapped[int | None] = mapped_column(SmallInteger)
    organ2: Mapped[int | None] = mapped_column(SmallInteger)
    base: Mapped[int | None] = mapped_column(SmallInteger)
    contrib: Mapped[int | None] = mapped_column(SmallInteger)
    armred: Mapped[int | None] = mapped_column(SmallInteger)
    ecaid: Mapped[int | None] = mapped_column(SmallInteger)
    milinst: Mapped[int | None] = mapped_column(SmallInteger)
    version: Mapped[str | None] = mapped_column(Text, comment="ATOP version, e.g. 4.01")
    attributes: Mapped[dict] = mapped_column(
        JSONB, comment="Every column of the source row by header name, as text"
    )


class AtopMember(_Landing, Base):
    """ATOP member level: one row per member x alliance phase, with its own obligations."""

    __tablename__ = "atop_members"
    __table_args__ = {"comment": "Leeds et al., ATOP member-level file, as published"}

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    atopid: Mapped[int] = mapped_column(Integer)
    member: Mapped[int] = mapped_column(Integer)
    cowsys: Mapped[int | None] = mapped_column(SmallInteger)
    yrent: Mapped[int] = mapped_column(Integer)
    moent: Mapped[int | None] = mapped_column(SmallInteger)
    dayent: Mapped[int | None] = mapped_column(SmallInteger)
    yrexit: Mapped[int] = mapped_column(Integer)
    moexit: Mapped[int | None] = mapped_column(SmallInteger)
    dayexit: Mapped[int | None] = mapped_column(SmallInteger)
    ineffect: Mapped[int | None] = mapped_column(SmallInteger)
    bilat: Mapped[int | None] = mapped_column(SmallInteger)
    phase: Mapped[int | None] = mapped_column(SmallInteger)
    maxphase: Mapped[int | None] = mapped_column(SmallInteger)
    wartime: Mapped[int | None] = mapped_column(SmallInteger)
    estmode: Mapped[int | None] = mapped_column(SmallInteger)
    pubsecr: Mapped[int | None] = mapped_column(SmallInteger)
    defense: Mapped[int | None] = mapped_column(SmallInteger)
    offense: Mapped[int | None] = mapped_column(SmallInteger)
    neutral: Mapped[int | None] = mapped_column(SmallInteger)
    nonagg: Mapped[int | None] = mapped_column(SmallInteger)
    consul: Mapped[int | None] = mapped_column(SmallInteger)
    active: Mapped[int | None] = mapped_column(SmallInteger)
    conditio: Mapped[int | None] = mapped_column(SmallInteger)
    defcon: Mapped[int | None] = mapped_column(SmallInteger)
    offcon: Mapped[int | None] = mapped_column(SmallInteger)
    neucon: Mapped[int | None] = mapped_column(SmallInteger)
    concon: Mapped[int | None] = mapped_column(SmallInteger)
    asymm: Mapped[int | None] = mapped_column(SmallInteger)
    obvary: Mapped[int | None] = mapped_column(SmallInteger)
    milaid: Mapped[int | None] = mapped_column(SmallInteger)
    base: Mapped[int | None] = mapped_column(SmallInteger)
    subord: Mapped[int | None] = mapped_column(SmallInteger)
    organ1: Mapped[int | None] = mapped_column(SmallInteger)
    version: Mapped[str | None] = mapped_column(Text, comment="ATOP version, e.g. 4.01")
    attributes: Mapped[dict] = mapped_column(
        JSONB, comment="Every column of the source row by header name, as text"
    )


class CowNmc(_Landing, Base):
    """COW National Material Capabilities: one row per state-year (-9 and empty land as null)."""

    __tablename__ = "cow_nmc"

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    ccode: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    stateabb: Mapped[str | None] = mapped_column(Text)
    milex: Mapped[float | None] = mapped_column(Double, comment="Military expenditure, thousands")
    milper: Mapped[float | None] = mapped_column(Double, comment="Military personnel, thousands")
    irst: Mapped[float | None] = mapped_column(Double, comment="Iron and steel, thousand tons")
    pec: Mapped[float | None] = mapped_column(
        Double, comment="Primary energy, thousand coal-ton eq."
    )
    tpop: Mapped[float | None] = mapped_column(Double, comment="Total population, thousands")
    upop: Mapped[float | None] = mapped_column(Double, comment="Urban population, thousands")
    cinc: Mapped[float | None] = mapped_column(
        Double, comment="Composite Index of National Capability"
    )
    version: Mapped[int | None] = mapped_column(Integer)


class CowMajor(_Landing, Base):
    """COW major powers (majors2016): one row per period of major-power status."""

    __tablename__ = "cow_majors"

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    ccode: Mapped[int] = mapped_column(Integer)
    stateabb: Mapped[str | None] = mapped_column(Text)
    styear: Mapped[int] = mapped_column(Integer)
    stmonth: Mapped[int] = mapped_column(Integer)
    stday: Mapped[int] = mapped_column(Integer)
    endyear: Mapped[int] = mapped_column(Integer)
    endmonth: Mapped[int] = mapped_column(Integer)
    endday: Mapped[int] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer)


class UngaBridgingPair(_Landing, Base):
    """Bailey-Strezhnev-Voeten bridging pairs (``Matches.csv``): roll calls on one resolution."""

    __tablename__ = "unga_bridging_pairs"
    __table_args__ = {
        "comment": "Bailey-Strezhnev-Voeten bridging pairs (Matches.csv): identical resolutions"
    }

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    pair_id: Mapped[int | None] = mapped_column(Integer, comment="v1: the pair's number")
    rcid1: Mapped[int] = mapped_column(Integer)
    rcid2: Mapped[int] = mapped_column(Integer)


class IdealPointRun(Base):
    """One row per ideal-point estimation of one vote set (the estimation ledger)."""

    __tablename__ = "ideal_point_runs"
    __table_args__ = {"comment": "One row per ideal-point estimation of one vote set"}

    run_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    vote_set: Mapped[str] = mapped_column(Text, comment="all, important or an issue code")
    inputs_sha256: Mapped[str] = mapped_column(
        Text, index=True, comment="Fingerprint of the votes, roll calls and bridging pairs read")
    settings: Mapped[dict] = mapped_column(JSONB)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, comment="running | completed | failed")
    iterations: Mapped[int | None] = mapped_column(Integer)
    converged: Mapped[bool | None] = mapped_column(Boolean)
    max_change: Mapped[float | None] = mapped_column(
        Double, comment="Largest change of a position in the last sweep")
    log_posterior: Mapped[float | None] = mapped_column(Double)
    wall_seconds: Mapped[float | None] = mapped_column(Double)
    n_votes: Mapped[int | None] = mapped_column(BigInteger)
    n_items: Mapped[int | None] = mapped_column(Integer)
    n_roll_calls_unanimous: Mapped[int | None] = mapped_column(Integer)
    n_country_sessions: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class IdealPointEstimate(Base):
    """Ideal point per vote set, country and session, of the current run of the vote set."""

    __tablename__ = "ideal_point_estimates"
    __table_args__ = {
        "comment": "Ideal point per vote set, country and session (the current run of the set)"
    }

    run_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("raw.ideal_point_runs.run_id", ondelete="CASCADE"))
    vote_set: Mapped[str] = mapped_column(Text, primary_key=True)
    ccode: Mapped[int] = mapped_column(Integer, primary_key=True)
    session: Mapped[int] = mapped_column(Integer, primary_key=True)
    ideal_point: Mapped[float] = mapped_column(Double)
    standard_error: Mapped[float] = mapped_column(Double)
    n_votes: Mapped[int] = mapped_column(Integer)


class TroopsCountryYear(_Landing, Base):
    """US active duty troops per host country-year (troopdata rebuild, 1950-2024), as published."""

    __tablename__ = "troops_country_years"
    __table_args__ = {
        "comment": "Allen, Flynn & Martinez Machain, US troops per host country-year, as published"
    }

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    countryname: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    ccode: Mapped[int] = mapped_column(Integer, comment="COW code of the host; >= 1000 non-state")
    iso3c: Mapped[str | None] = mapped_column(Text, comment="ISO3 code as text, 'NA' as published")
    region: Mapped[str | None] = mapped_column(Text)
    troops_ad: Mapped[int] = mapped_column(Integer, comment="Active duty personnel")
    attributes: Mapped[dict] = mapped_column(
        JSONB, comment="Every column of the source row by header name, as text"
    )


class TroopsBase(_Landing, Base):
    """US military sites abroad (Vine 2015, troopdata's basedata): one row per site."""

    __tablename__ = "troops_bases"
    __table_args__ = {"comment": "Vine (2015), US military sites abroad, one row per site"}

    row_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    countryname: Mapped[str] = mapped_column(Text)
    ccode: Mapped[int] = mapped_column(Integer, comment="COW code of the host")
    iso3c: Mapped[str | None] = mapped_column(Text, comment="ISO3 code as text, 'NA' as published")
    basename: Mapped[str | None] = mapped_column(Text, comment="Site name, 'NA' as published")
    lat: Mapped[float | None] = mapped_column(Double)
    lon: Mapped[float | None] = mapped_column(Double)
    base: Mapped[int] = mapped_column(SmallInteger, comment="1: a base")
    lilypad: Mapped[int] = mapped_column(SmallInteger, comment="1: a lily pad (small site)")
    fundedsite: Mapped[int] = mapped_column(SmallInteger, comment="1: a US-funded host site")
    attributes: Mapped[dict] = mapped_column(
        JSONB, comment="Every column of the source row by header name, as text"
    )
