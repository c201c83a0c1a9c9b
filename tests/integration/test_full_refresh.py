"""The whole refresh on the whole shared data: the acceptance checks of the UNGA warehouse.

One run (about a minute): every file reconciles, fct_vote has one row per (rcid, country) in the
sources, and agree_exact with the USA matches values computed straight from Voeten's file.
"""

from __future__ import annotations

import pytest

from etl.config import Settings
from etl.db import connect
from etl.status import file_statuses

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def full(module_db: Settings, shared_data, prefect_harness: None) -> Settings:  # type: ignore[no-untyped-def]
    from flows.refresh import refresh

    refresh(source_dir=str(shared_data), allow_download=False)
    return module_db


def test_every_file_reconciles(full: Settings) -> None:
    with connect(full) as conn:
        statuses = file_statuses(conn)
    unga = {s.file_name: s for s in statuses if s.file_name.startswith(("unga", "unvotes"))}
    assert unga["unga_voeten_votes"].rows_read == 1_066_613
    assert unga["unvotes_votes"].rows_read == 870_109
    assert all(s.reconciles for s in statuses if s.rows_read is not None)


def test_one_vote_per_roll_call_and_country_in_the_sources(full: Settings) -> None:
    with connect(full) as conn:
        expected = conn.execute("""
            select count(*) from (
                select rcid, ccode from raw.unga_voeten_votes
                union
                select rcid, ccode from intermediate.int_unvotes_votes_mapped_to_ccode
            ) as pairs
        """).fetchone()[0]
        got = conn.execute(
            "select count(*), count(distinct (rcid, ccode)) from marts.fct_vote"
        ).fetchone()
        unmapped = conn.execute(
            "select count(*) from intermediate.int_unvotes_votes_mapped_to_ccode "
            "where ccode is null"
        ).fetchone()[0]
    assert unmapped == 0
    assert got[0] == got[1] == expected


def test_agreement_with_usa_matches_voetens_file(full: Settings) -> None:
    """agree_exact with the USA per country-year, recomputed from Voeten's codes (1-3) alone."""
    with connect(full) as conn:
        mean_diff, n = conn.execute("""
            with votes as (
                select rcid, ccode, vote, extract(year from vote_date)::int as year
                from raw.unga_voeten_votes
                where vote in (1, 2, 3) and vote_date is not null
            ),
            direct as (
                select o.year, o.ccode, avg((o.vote = u.vote)::int) as agree
                from votes as o
                inner join votes as u on o.rcid = u.rcid and u.ccode = 2
                where o.ccode <> 2
                group by o.year, o.ccode
                having count(*) >= 10
            )
            select avg(abs(direct.agree - m.agree_exact_hegemon)), count(*)
            from direct
            inner join marts.country_year_hegemon_affinity as m using (year, ccode)
            where direct.year <= 2014
        """).fetchone()
    assert n > 6000
    assert mean_diff < 0.02


def test_dyad_years_are_built_in_parallel_and_keep_their_contract(full: Settings) -> None:
    """The speed of fct_dyad_year_affinity rests on a parallel plan (benchmarks/ measures it)."""
    compiled = (full.warehouse_dir / "dbt" / "target" / "compiled" / "alliance_warehouse"
                / "models" / "marts" / "unga" / "fct_dyad_year_affinity.sql").read_text()
    with connect(full) as conn:
        reloptions = conn.execute(
            "select reloptions from pg_class "
            "where oid = 'intermediate.int_country_year_votes_packed'::regclass"
        ).fetchone()[0]
        plan = "\n".join(row[0] for row in conn.execute(f"explain {compiled}"))
        not_null = conn.execute("""
            select column_name from information_schema.columns
            where table_schema = 'marts' and table_name = 'fct_dyad_year_affinity'
                and is_nullable = 'NO'
            order by ordinal_position
        """).fetchall()
        counts_add_up = conn.execute("""
            select bool_and(
                n_agree + n_opposite + n_one_abstains = n_joint
                and n_yes_a + n_abstain_a + n_no_a = n_joint
                and n_yes_b + n_abstain_b + n_no_b = n_joint
                and n_agree_important <= n_joint_important
                and n_joint_important <= n_joint
            )
            from marts.fct_dyad_year_affinity
        """).fetchone()[0]
    assert reloptions == [f"parallel_workers={full.parallel_workers}"]
    assert "Gather" in plan
    assert "Subquery Scan on joint_counts" in plan  # the fence: bit counts computed once
    assert not_null == [("year",), ("ccode_a",), ("ccode_b",)]
    assert counts_add_up
