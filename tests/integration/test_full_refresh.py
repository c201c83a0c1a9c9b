"""The whole refresh on the whole shared data: the acceptance checks of the UNGA warehouse.

One run (about a minute): every file reconciles, fct_vote has one row per (rcid, country) in the
sources, and agree_exact with the USA matches values computed straight from Voeten's file, per
calendar year and, on the vote set of Voeten's release, per session. The last test rebuilds the
hegemon marts with other settings.
"""

from __future__ import annotations

import re

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
            where direct.year <= 2014 and m.vote_set = 'all' and m.hegemon_ccode = 2
        """).fetchone()
    assert n > 6000
    assert mean_diff < 0.02


def test_session_agreement_with_usa_on_voetens_release_reproduces_his_file(full: Settings) -> None:
    """The published series: agree_exact with the USA per country-session over the roll calls of
    Voeten's release (vote set voeten_2015), against the same share computed from his file's
    codes (1-3) alone, for sessions 1-67 (1946-2012)."""
    with connect(full) as conn:
        mean_diff, max_diff, n, n_sessions = conn.execute("""
            with votes as (
                select rcid, session, ccode, vote
                from raw.unga_voeten_votes
                where vote in (1, 2, 3)
            ),
            direct as (
                select o.session, o.ccode, avg((o.vote = u.vote)::int) as agree
                from votes as o
                inner join votes as u on o.rcid = u.rcid and u.ccode = 2
                where o.ccode <> 2 and o.session <= 67
                group by o.session, o.ccode
            )
            select avg(abs(direct.agree - m.agree_exact_hegemon)),
                max(abs(direct.agree - m.agree_exact_hegemon)), count(*),
                count(distinct direct.session)
            from direct
            inner join marts.country_session_hegemon_affinity as m using (session, ccode)
            where m.vote_set = 'voeten_2015' and m.hegemon_ccode = 2
        """).fetchone()
        by_year = conn.execute("""
            select avg(abs(direct.agree - m.agree_exact_hegemon)) from (
                select o.session, o.ccode, avg((o.vote = u.vote)::int) as agree
                from raw.unga_voeten_votes as o
                inner join raw.unga_voeten_votes as u
                    on o.rcid = u.rcid and u.ccode = 2 and u.vote in (1, 2, 3)
                where o.ccode <> 2 and o.vote in (1, 2, 3) and o.session <= 67
                group by o.session, o.ccode
            ) as direct
            inner join marts.country_year_hegemon_affinity as m
                on m.year = 1945 + direct.session and m.ccode = direct.ccode
            where m.vote_set = 'all' and m.hegemon_ccode = 2
        """).fetchone()[0]
    assert n_sessions == 67 and n > 7000
    assert mean_diff < 0.01, (mean_diff, max_diff)
    assert by_year > 0.01  # calendar years over every roll call do not reproduce the series


def test_every_vote_set_and_the_default_hegemons_are_present(full: Settings) -> None:
    with connect(full) as conn:
        sets = {r[0] for r in conn.execute("select vote_set from marts.dim_vote_set")}
        in_facts = {
            table: {r[0] for r in conn.execute(f"select distinct vote_set from marts.{table}")}
            for table in ("fct_dyad_year_affinity", "fct_dyad_session_affinity")
        }
        hegemons = {
            table: {r[0] for r in conn.execute(f"select distinct hegemon_ccode from marts.{table}")}
            for table in ("country_year_hegemon_affinity", "country_session_hegemon_affinity",
                          "mart_legitimacy_exchange", "dim_hegemon")
        }
        rivals = dict(conn.execute("select hegemon_ccode, rival_ccodes from marts.dim_hegemon"))
        last_sessions = dict(conn.execute("""
            select vote_set, max(session) from marts.fct_dyad_session_affinity
            where vote_set in ('all', 'voeten_2015') group by vote_set
        """).fetchall())
        china_1960 = conn.execute("""
            select count(*), count(agree_exact_hegemon) from marts.country_session_hegemon_affinity
            where hegemon_ccode = 710 and session_year = 1960 and vote_set = 'all'
        """).fetchone()
    assert sets == {"all", "resolutions", "important", "me", "nu", "di", "hr", "co", "ec",
                    "voeten_2015"}
    assert all(found == sets for found in in_facts.values())
    assert all(found == {2, 365, 710} for found in hegemons.values()), hegemons
    assert rivals == {2: "365,710", 365: "2", 710: "2"}
    # Voeten's release ends with session 70: after it the set has no rows (missing, not zero)
    assert last_sessions == {"all": 74, "voeten_2015": 70}
    # the PRC took China's seat in 1971: before, agreement with 710 is missing, not zero
    assert china_1960[0] > 50 and china_1960[1] == 0


@pytest.mark.parametrize("period", ["year", "session"])
def test_dyad_counts_are_built_in_parallel_and_add_up(full: Settings, period: str) -> None:
    """The packed tables ask for parallel workers (the hegemon marts' joins use them). The
    counts themselves: with ten vote sets the planner prefers a serial merge join (the Gather of
    7.6 million rows costs more than it saves, in its model), and the two grains are built at
    the same time on dbt's two threads (benchmarks/ measures it); the plan must not be a
    nested loop over the packed table."""
    compiled = (full.warehouse_dir / "dbt" / "target" / "compiled" / "alliance_warehouse"
                / "models" / "intermediate" / "unga" / f"int_dyad_{period}_votes_counted.sql"
                ).read_text().replace("__shadow\"", "\"")  # built in the shadow, now published
    with connect(full) as conn:
        reloptions = conn.execute(
            "select reloptions from pg_class "
            f"where oid = 'intermediate.int_country_{period}_votes_packed'::regclass"
        ).fetchone()[0]
        plan = "\n".join(row[0] for row in conn.execute(f"explain {compiled}"))
        counts_add_up = conn.execute(f"""
            select bool_and(
                n_agree + n_opposite + n_one_abstains = n_joint
                and n_yes_a + n_abstain_a + n_no_a = n_joint
                and n_yes_b + n_abstain_b + n_no_b = n_joint
                and n_agree_important <= n_joint_important
                and n_joint_important <= n_joint
            )
            from marts.fct_dyad_{period}_affinity
            where {period} in (1950, 1990, 30, 60)
        """).fetchone()[0]
    assert reloptions == [f"parallel_workers={full.parallel_workers}"]
    assert "Hash Join" in plan or "Merge Join" in plan
    assert "Nested Loop" not in plan
    assert counts_add_up


def test_the_hegemon_settings_change_the_marts(
    full: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ALLIANCES_HEGEMON_CCODES / _RIVALS reach dbt: the USA alone, with China as its rival.
    (Last in the module: it leaves the hegemon marts built for these settings.)"""
    from etl.config import get_settings
    from etl.transform import run_dbt

    monkeypatch.setenv("ALLIANCES_HEGEMON_CCODES", "[2]")
    monkeypatch.setenv("ALLIANCES_HEGEMON_RIVALS", '{"2": [710]}')
    get_settings.cache_clear()
    try:
        # the hegemon marts and the legitimacy views whose SQL names the hegemons
        run_dbt(["run", "-s", "dim_hegemon", "country_year_hegemon_affinity",
                 "country_session_hegemon_affinity", "path:models/intermediate/legitimacy",
                 "mart_legitimacy_exchange"])
    finally:
        get_settings.cache_clear()
    with connect(full) as conn:
        hegemons = {
            table: {r[0] for r in conn.execute(
                f"select distinct hegemon_ccode from marts.{table}")}
            for table in ("country_year_hegemon_affinity", "country_session_hegemon_affinity",
                          "mart_legitimacy_exchange", "dim_hegemon")
        }
        rivals = {r[0] for r in conn.execute(
            "select distinct rival_ccode from marts.country_year_hegemon_affinity")}
    assert all(found == {2} for found in hegemons.values()), hegemons
    assert rivals == {710}


def test_vote_sets_within_all_catches_a_set_larger_than_all(full: Settings) -> None:
    """The dbt test that every vote set is a subset of `all` fails where it should: its compiled
    SQL, pointed at a small table of hand-made rows, returns exactly the dyad-year whose `hr`
    count exceeds its `all` count and the one that has no `all` row, not the valid one."""
    compiled = (full.warehouse_dir / "dbt" / "target" / "compiled" / "alliance_warehouse"
                / "models" / "marts" / "unga" / "_unga__models.yml"
                / "vote_sets_within_all_fct_dyad_year_affinity_year.sql").read_text()
    # the fact as dbt compiled it: "<database>"."marts__shadow"."fct_dyad_year_affinity"
    relation = re.compile(r'"[^"]+"\."marts(?:__shadow)?"\."fct_dyad_year_affinity"')
    assert relation.search(compiled), compiled
    probe = relation.sub("pg_temp.probe", compiled)
    with connect(full) as conn:
        conn.execute("""
            create temporary table probe as
            select * from (values
                (1990, 'all', 2, 20, 10), (1990, 'hr', 2, 20, 10),  -- equal: fine
                (1990, 'all', 2, 200, 10), (1990, 'hr', 2, 200, 11),  -- hr > all
                (1990, 'hr', 2, 365, 3),  -- no `all` row
                (1991, 'all', 2, 20, 0)  -- `all` alone: fine
            ) as t (year, vote_set, ccode_a, ccode_b, n_joint)
        """)
        flagged = conn.execute(
            f"select year, ccode_a, ccode_b from ({probe}) as t order by 1, 2, 3").fetchall()
    assert flagged == [(1990, 2, 200), (1990, 2, 365)]
