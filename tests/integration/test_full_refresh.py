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
def test_dyad_counts_are_one_join_and_add_up(full: Settings, period: str) -> None:
    """The counts of every vote set come from one self-join of the countries' packed strings
    per period (hashed or merged, not a nested loop over them), and the facts laid out from
    them add up: agreements, oppositions and one-abstains make n_joint, and so on."""
    compiled = (full.warehouse_dir / "dbt" / "target" / "compiled" / "alliance_warehouse"
                / "models" / "intermediate" / "unga" / f"int_dyad_{period}_votes_counted.sql"
                ).read_text().replace("__shadow\"", "\"")  # built in the shadow, now published
    with connect(full) as conn:
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


def _probe_counts_test(settings: Settings, test_file: str, rows: list[dict[str, int]]) -> list:
    """The compiled SQL of a dbt test of int_dyad_year_votes_counted, pointed at a temporary
    table of hand-made rows (every other count column null): the rows it flags."""
    compiled = (settings.warehouse_dir / "dbt" / "target" / "compiled" / "alliance_warehouse"
                / "models" / "intermediate" / "unga" / "_unga__models.yml" / test_file
                ).read_text()
    # as dbt compiled it: "<database>"."intermediate__shadow"."int_dyad_year_votes_counted"
    relation = re.compile(r'"[^"]+"\."intermediate(?:__shadow)?"\."int_dyad_year_votes_counted"')
    assert relation.search(compiled), compiled
    with connect(settings) as conn:
        conn.execute("create temporary table probe (like intermediate.int_dyad_year_votes_counted)")
        for row in rows:
            columns = ", ".join(row)
            values = ", ".join(str(v) for v in row.values())
            conn.execute(f"insert into probe ({columns}) values ({values})")
        return conn.execute(f"select * from ({relation.sub('pg_temp.probe', compiled)}) as t"
                            ).fetchall()


def test_vote_sets_within_all_catches_a_set_larger_than_all(full: Settings) -> None:
    """The dbt test that every vote set is a subset of `all` fails where it should: it returns
    exactly the dyad-year whose `hr` count exceeds its `all` count and the one whose `hr` has
    counts where `all` has none, not the valid ones."""
    test_file = "vote_sets_within_all_int_dyad_year_votes_counted_year.sql"
    flagged = _probe_counts_test(full, test_file, [
        {"year": 1990, "ccode_a": 2, "ccode_b": 20, "n_joint__all": 10, "n_joint__hr": 10},  # equal
        {"year": 1990, "ccode_a": 2, "ccode_b": 200, "n_joint__all": 10, "n_joint__hr": 11},
        {"year": 1990, "ccode_a": 2, "ccode_b": 365, "n_joint__hr": 3},  # no `all` counts
        {"year": 1991, "ccode_a": 2, "ccode_b": 20, "n_joint__all": 0},  # `all` alone: fine
    ])
    assert sorted(flagged) == [(1990, 2, 200), (1990, 2, 365)]


def test_vote_counts_consistent_catches_impossible_counts(full: Settings) -> None:
    """The dbt test of the counts' relations flags a set with more agreements than joint roll
    calls and a set with some of its nine counts missing, not a set whose counts are all
    missing (a country that cast no vote in it) or a valid one."""
    nine = ["n_joint", "n_agree", "n_opposite", "n_yes_a", "n_no_a", "n_yes_b", "n_no_b",
            "n_joint_important", "n_agree_important"]
    valid = dict(zip([f"{c}__all" for c in nine], [5, 2, 1, 3, 1, 2, 2, 2, 1], strict=True))
    test_file = "vote_counts_consistent_int_dyad_year_votes_counted_.sql"
    flagged = _probe_counts_test(full, test_file, [
        {"year": 1990, "ccode_a": 2, "ccode_b": 20, **valid},  # valid; every other set missing
        {"year": 1990, "ccode_a": 2, "ccode_b": 200, **valid, "n_agree__all": 6},  # 6 > 5 joint
        {"year": 1990, "ccode_a": 2, "ccode_b": 365, **valid, "n_joint__me": 3},  # 1 of 9 counts
    ])
    assert sorted((row[0], row[1], row[2]) for row in flagged) == [(1990, 2, 200), (1990, 2, 365)]