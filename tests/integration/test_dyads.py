"""The dyad-year universe and alliance-portfolio similarity on the real COW, ATOP and NMC files.

One module database: migrate, load the shared COW state list, NMC, major powers and ATOP 4.01
(no UNGA file: its columns are null), build fct_dyad_year, fct_dyad_year_alliance_similarity
and mart_hegemon_partners with dbt, then check them against independent computations in Python:
the universe year by year from the state list's dates (day overlaps, false dyads), the one-way
US-Japan guarantee, the coverage table, and every similarity measure of every dyad in 1914 and
2003 recomputed item by item from the portfolios (numpy) with the textbook formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from etl import migrate
from etl.config import Settings
from etl.db import connect
from etl.ingest import FILE_SPECS, ingest_files
from etl.transform import run_dbt

pytestmark = pytest.mark.integration

FILES = ("cow_states", "cow_nmc", "cow_majors", "atop_alliances", "atop_members")
MODELS = ["+fct_dyad_year", "+fct_dyad_year_alliance_similarity", "+mart_hegemon_partners",
          "fct_dyad_year_undirected", "dim_source_coverage"]


@pytest.fixture(scope="module")
def built(module_db: Settings, shared_data: Path) -> Settings:
    migrate.upgrade(module_db)
    paths = {
        "cow_states": shared_data / "cow" / "states2016.csv",
        "cow_nmc": shared_data / "cow" / "NMC-70-abridged.csv",
        "cow_majors": shared_data / "cow" / "majors2016.csv",
        "atop_alliances": shared_data / "atop" / "atop4_01a.csv",
        "atop_members": shared_data / "atop" / "atop4_01m.csv",
    }
    outcomes = ingest_files([FILE_SPECS[name] for name in FILES], paths, settings=module_db)
    assert [o.status for o in outcomes] == ["loaded"] * len(FILES)
    run_dbt(["build", "--indirect-selection", "cautious", "-s", *MODELS], module_db)
    return module_db


def _rows(settings: Settings, sql: str, *params: object) -> list[tuple]:
    with connect(settings) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def _spells(shared_data: Path) -> list[tuple[int, dt.date, dt.date]]:
    with (shared_data / "cow" / "states2016.csv").open(newline="", encoding="utf-8") as f:
        return [
            (int(r["ccode"]),
             dt.date(int(r["styear"]), int(r["stmonth"]), int(r["stday"])),
             dt.date(int(r["endyear"]), int(r["endmonth"]), int(r["endday"])))
            for r in csv.DictReader(f)
        ]


def _expected_pairs_per_year(shared_data: Path) -> Counter[int]:
    """Directed pairs of distinct members with a common day of membership, per year."""
    spells = _spells(shared_data)
    counts: Counter[int] = Counter()
    for year in range(1816, 2017):
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        in_year = [(c, max(s, first), min(e, last)) for c, s, e in spells
                   if s <= last and e >= first]
        pairs = {(a, b) for a, sa, ea in in_year for b, sb, eb in in_year
                 if a != b and sa <= eb and sb <= ea}
        counts[year] = len(pairs)
    return counts


def test_universe_is_every_pair_of_members_with_a_common_day(built: Settings,
                                                             shared_data: Path) -> None:
    expected = _expected_pairs_per_year(shared_data)
    got = dict(_rows(built, "select year, count(*) from marts.fct_dyad_year group by year"))
    assert got == dict(expected)
    # 2003: no state enters or leaves, so the count is sum over states of (n - 1) = n (n - 1)
    members_2003 = {c for c, s, e in _spells(shared_data)
                    if s <= dt.date(2003, 12, 31) and e >= dt.date(2003, 1, 1)}
    n = len(members_2003)
    assert got[2003] == sum(n - 1 for _ in members_2003) == n * (n - 1)
    # 1975: Suriname (115) enters on 25 November, the Republic of Vietnam (817) leaves on
    # 30 April: both are members in 1975, never on the same day: no row either way
    assert _rows(built, """
        select count(*) from marts.fct_dyad_year
        where year = 1975 and ((ccode_a, ccode_b) in ((115, 817), (817, 115)))
    """) == [(0,)]
    assert _rows(built, """
        select count(*) from marts.fct_dyad_year where year = 1975 and 115 in (ccode_a, ccode_b)
    """)[0][0] > 0


def test_no_row_outside_both_states_membership(built: Settings) -> None:
    assert _rows(built, """
        select count(*) from marts.fct_dyad_year as d
        where not exists (
            select 1 from staging.stg_cow__states as a, staging.stg_cow__states as b
            where a.ccode = d.ccode_a and b.ccode = d.ccode_b
                and greatest(a.start_date, b.start_date, make_date(d.year, 1, 1))
                <= least(a.end_date, b.end_date, make_date(d.year, 12, 31))
        )
    """) == [(0,)]
    assert _rows(built, "select count(*) from marts.fct_dyad_year where ccode_a = ccode_b") == [
        (0,)]
    # the undirected view: one row per pair, half the universe
    assert _rows(built, "select count(*) * 2 from marts.fct_dyad_year_undirected") == _rows(
        built, "select count(*) from marts.fct_dyad_year")


def test_usa_japan_2003_one_way_guarantee_stays_one_way(built: Settings) -> None:
    rows = _rows(built, """
        select ccode_a, defense_a_to_b, defense_b_to_a, consul_a_to_b, atop_ordinal_a_to_b,
            atop_ordinal_b_to_a, is_allied
        from marts.fct_dyad_year
        where year = 2003 and (ccode_a, ccode_b) in ((2, 740), (740, 2)) order by ccode_a
    """)
    # ATOP: the US promises to defend Japan, Japan promises the US consultation only
    assert rows == [(2, 1, 0, 1, 3, 2, True), (740, 0, 1, 1, 2, 3, True)]


def test_coverage_is_computed_from_the_data_and_drives_the_nulls(built: Settings) -> None:
    assert _rows(built, """
        select source, first_year, last_year from marts.dim_source_coverage order by source
    """) == [
        ("atop", 1815, 2016), ("cow_majors", 1816, 2016), ("cow_nmc", 1816, 2022),
        ("cow_states", 1816, 2016), ("unga", None, None),
    ]
    # inside ATOP's years a pair without an alliance is an explicit zero, never a missing row;
    # UNGA was not loaded: its columns are null everywhere, not 0
    assert _rows(built, """
        select count(*) filter (where is_allied is null or defense_a_to_b is null),
            count(*) filter (where not is_allied and n_alliances = 0 and defense_a_to_b = 0),
            count(*) filter (where unga_n_joint is not null or unga_agree_exact is not null)
        from marts.fct_dyad_year where year = 2016
    """) == [(0, 37830 - _rows(built, """
        select count(*) from marts.fct_dyad_year where year = 2016 and is_allied""")[0][0], 0)]


def _portfolios(settings: Settings, year: int) -> tuple[list[int], np.ndarray, np.ndarray]:
    codes = [r[0] for r in _rows(settings, """
        select ccode from intermediate.int_state_years_enumerated where year = %s order by ccode
    """, year)]
    index = {c: i for i, c in enumerate(codes)}
    x = np.zeros((len(codes), len(codes)))
    np.fill_diagonal(x, 3)
    for a, b, v in _rows(settings, """
        select ccode_a, ccode_b, atop_ordinal_a_to_b from marts.fct_dyad_year
        where year = %s and atop_ordinal_a_to_b > 0
    """, year):
        x[index[a], index[b]] = v
    cinc = dict(_rows(settings, """
        select ccode, cinc from intermediate.int_state_years_enumerated where year = %s
    """, year))
    w = np.array([cinc[c] or 0.0 for c in codes])
    return codes, x, w / w.sum()


def _kappa_pi(u: np.ndarray, v: np.ndarray, values: range) -> tuple[float, float]:
    """Textbook chance-corrected agreement with squared-distance weights over tie values."""
    d_o = np.mean((u - v) ** 2)
    pu = np.array([np.mean(u == k) for k in values])
    pv = np.array([np.mean(v == k) for k in values])
    dist = np.array([[(k - m) ** 2 for m in values] for k in values], dtype=float)
    d_e = pu @ dist @ pv
    pooled = (pu + pv) / 2
    return 1 - d_o / d_e, 1 - d_o / (pooled @ dist @ pooled)


@pytest.mark.parametrize("year", [1914, 2003])
def test_similarity_matches_item_by_item_computation(built: Settings, year: int) -> None:
    codes, x, w = _portfolios(built, year)
    b = (x > 0).astype(float)
    got = {(r[0], r[1]): r[2:] for r in _rows(built, """
        select ccode_a, ccode_b, n_items, kappa_valued, pi_valued, kappa_binary, pi_binary,
            s_valued_abs, s_valued_sq, s_valued_abs_weighted, s_valued_sq_weighted, s_binary,
            s_binary_weighted
        from marts.fct_dyad_year_alliance_similarity where year = %s
    """, year)}
    n = len(codes)
    assert len(got) == n * (n - 1) // 2
    for i in range(n):
        for j in range(i + 1, n):
            xi, xj, bi, bj = x[i], x[j], b[i], b[j]
            kv, pv = _kappa_pi(xi, xj, range(4))
            kb, pb = _kappa_pi(bi, bj, range(2))
            expected = (
                n, kv, pv, kb, pb,
                1 - 2 * np.abs(xi - xj).sum() / (3 * n),
                1 - 2 * ((xi - xj) ** 2).sum() / (9 * n),
                1 - 2 * (w * np.abs(xi - xj)).sum() / 3,
                1 - 2 * (w * (xi - xj) ** 2).sum() / 9,
                1 - 2 * np.abs(bi - bj).sum() / n,
                1 - 2 * (w * np.abs(bi - bj)).sum(),
            )
            assert got[(codes[i], codes[j])] == pytest.approx(expected, abs=1e-9), (
                codes[i], codes[j])


def test_hegemon_partners_are_the_universe_rows_of_each_hegemon(built: Settings) -> None:
    assert _rows(built, """
        select h.hegemon_ccode, count(*), count(*) filter (where h.is_allied)
        from marts.mart_hegemon_partners as h where h.year = 2003
        group by h.hegemon_ccode order by h.hegemon_ccode
    """) == _rows(built, """
        select ccode_a, count(*), count(*) filter (where is_allied)
        from marts.fct_dyad_year where year = 2003 and ccode_a in (2, 365, 710)
        group by ccode_a order by ccode_a
    """)
    # Japan is a partner of the USA with a one-way guarantee; China is a non-partner row with
    # explicit zeros
    assert _rows(built, """
        select partner_ccode, is_allied, defense_commitment, tie_structure, n_alliances
        from marts.mart_hegemon_partners
        where hegemon_ccode = 2 and year = 2003 and partner_ccode in (710, 740)
        order by partner_ccode
    """) == [(710, False, "none", "none", 0), (740, True, "hegemon_only", "bilateral_only", 1)]
