"""US troops and bases end to end on the real files: raw -> staging -> hierarchy marts.

One module database: migrate, load the real ATOP, COW and base files and a slice of the real
troop file (the years 1950, 2002-2004 and 2024), build the hierarchy marts with dbt (their data
and unit tests included), then check the acceptance lines: US troops in 2003 in Germany, Japan
and South Korea are present and positive; a year of the troop data that does not report a host
is null, not 0 (2001 is not in the slice); a reported 0 is 0; years before 1950 are outside the
source; the system mart has one row per default hegemon and ATOP year; the hub-and-spoke index
of the US system is higher in East Asia & Pacific than in Europe in 1955, 1980 and 2003.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from etl import migrate
from etl.config import Settings
from etl.db import connect
from etl.ingest import FILE_SPECS, ingest_files
from etl.transform import run_dbt

pytestmark = pytest.mark.integration

FILES = ("cow_states", "cow_nmc", "cow_majors", "atop_alliances", "atop_members",
         "troops_country_years", "troops_bases")
SLICE_YEARS = {"1950", "2002", "2003", "2004", "2024"}
MODELS = ["+mart_hegemon_system_year", "+mart_hegemon_partner_hierarchy",
          "+mart_hegemon_system_region_year"]


def _troop_slice(shared: Path, dest: Path) -> tuple[Path, int]:
    """The real troop file cut to SLICE_YEARS (the publisher's layout, every column)."""
    with open(shared / "troops" / "troopdata-rebuild-country-year.csv", newline="",
              encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [row for row in reader if row[header.index("year")] in SLICE_YEARS]
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return dest, len(rows)


@pytest.fixture(scope="module")
def built(module_db: Settings, shared_data: Path,
          tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, Path], int]:
    migrate.upgrade(module_db)
    troops, n_rows = _troop_slice(shared_data, tmp_path_factory.mktemp("sources") / "troops.csv")
    paths = {
        "cow_states": shared_data / "cow" / "states2016.csv",
        "cow_nmc": shared_data / "cow" / "NMC-70-abridged.csv",
        "cow_majors": shared_data / "cow" / "majors2016.csv",
        "atop_alliances": shared_data / "atop" / "atop4_01a.csv",
        "atop_members": shared_data / "atop" / "atop4_01m.csv",
        "troops_country_years": troops,
        "troops_bases": shared_data / "troops" / "basedata.csv",
    }
    outcomes = ingest_files([FILE_SPECS[name] for name in FILES], paths, settings=module_db)
    assert [o.status for o in outcomes] == ["loaded"] * len(FILES)
    run_dbt(["build", "--indirect-selection", "cautious", "-s", *MODELS], module_db)
    return module_db, paths, n_rows


def _rows(settings: Settings, sql: str, *params: object) -> list[tuple]:
    with connect(settings) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def test_troop_files_reconcile_in_the_ledger_and_reload_as_unchanged(built) -> None:  # type: ignore[no-untyped-def]
    settings, paths, n_rows = built
    ledger = _rows(settings, """
        select file_name, rows_read, rows_loaded, rows_rejected, meta->>'encoding'
        from raw.load_ledger where source = 'troops' order by file_name
    """)
    assert ledger == [("troops_bases", 414, 414, 0, "cp1252"),
                      ("troops_country_years", n_rows, n_rows, 0, "utf-8-sig")]
    again = ingest_files([FILE_SPECS["troops_country_years"], FILE_SPECS["troops_bases"]],
                         paths, settings=settings)
    assert [o.status for o in again] == ["unchanged", "unchanged"]
    assert _rows(settings, "select count(*) from raw.troops_country_years") == [(n_rows,)]


def test_us_troops_2003_in_germany_japan_and_south_korea_are_positive(built) -> None:  # type: ignore[no-untyped-def]
    settings, _, _ = built
    rows = _rows(settings, """
        select partner_ccode, troop_data_status, us_troops, us_troops_per_1000_inhabitants > 0,
               has_us_base_2015
        from marts.mart_hegemon_partner_hierarchy
        where hegemon_ccode = 2 and year = 2003 and partner_ccode in (255, 732, 740)
        order by partner_ccode
    """)
    assert [r[0] for r in rows] == [255, 732, 740]
    for _, status, troops, per_head_positive, has_base in rows:
        assert status == "reported" and troops > 0 and per_head_positive and has_base
    # the troop file's own figures, as published (active duty)
    assert {r[0]: r[2] for r in rows} == {255: 74796, 732: 41145, 740: 40519}


def test_unreported_host_year_is_null_and_a_reported_zero_is_zero(built) -> None:  # type: ignore[no-untyped-def]
    settings, _, _ = built
    # 2001 is a year of the troop data (1950-2024) that the slice does not report at all
    unreported = _rows(settings, """
        select count(*), count(us_troops), count(security_hierarchy_index),
               bool_and(troop_data_status = 'not_reported')
        from marts.mart_hegemon_partner_hierarchy where hegemon_ccode = 2 and year = 2001
    """)
    n, n_troops, n_index, all_not_reported = unreported[0]
    assert n > 50 and n_troops == 0 and n_index == 0 and all_not_reported
    # Dominica, Grenada, St. Lucia: the file reports 0 US troops in 2003
    zeros = _rows(settings, """
        select partner_ccode, us_troops, troop_data_status, security_hierarchy_index is not null
        from marts.mart_hegemon_partner_hierarchy
        where hegemon_ccode = 2 and year = 2003 and partner_ccode in (54, 55, 56)
        order by partner_ccode
    """)
    assert zeros == [(54, 0, "reported", True), (55, 0, "reported", True),
                     (56, 0, "reported", True)]


def test_troop_measures_are_null_outside_the_source_years_and_for_other_hegemons(built) -> None:  # type: ignore[no-untyped-def]
    settings, _, _ = built
    rows = _rows(settings, """
        select hegemon_ccode, year, troop_data_status, us_troops_abroad, us_troops_in_partners
        from marts.mart_hegemon_system_year
        where (hegemon_ccode = 2 and year in (1949, 1950)) or (hegemon_ccode = 365 and year = 2003)
        order by hegemon_ccode, year
    """)
    assert rows[0] == (2, 1949, "outside_source_years", None, None)
    assert rows[1][:3] == (2, 1950, "in_source_years") and rows[1][3] > 0
    assert rows[2] == (365, 2003, "not_us_hegemon", None, None)
    hierarchy = _rows(settings, """
        select count(*), count(us_troops), count(has_us_base_2015), count(security_hierarchy_index)
        from marts.mart_hegemon_partner_hierarchy where hegemon_ccode <> 2
    """)
    assert hierarchy[0][0] > 0 and hierarchy[0][1:] == (0, 0, 0)


def test_system_mart_has_every_default_hegemon_and_atop_year(built) -> None:  # type: ignore[no-untyped-def]
    settings, _, _ = built
    rows = _rows(settings, """
        select hegemon_ccode, count(*), min(year), max(year)
        from marts.mart_hegemon_system_year group by hegemon_ccode order by hegemon_ccode
    """)
    assert rows == [(2, 202, 1815, 2016), (365, 202, 1815, 2016), (710, 202, 1815, 2016)]


def test_us_hub_and_spokes_higher_in_east_asia_than_in_europe(built) -> None:  # type: ignore[no-untyped-def]
    settings, _, _ = built
    rows = _rows(settings, """
        select year, partner_region, hub_and_spoke_index
        from marts.mart_hegemon_system_region_year
        where hegemon_ccode = 2 and year in (1955, 1980, 2003)
            and partner_region in ('East Asia & Pacific', 'Europe')
    """)
    index = {(year, region): value for year, region, value in rows}
    for year in (1955, 1980, 2003):
        assert index[(year, "East Asia & Pacific")] > index[(year, "Europe")] + 0.5


def test_orm_matches_migration_0006(built) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from etl.db import database_url
    from etl.models import Base

    def raw_only(name: str | None, kind: str, _: object) -> bool:
        return kind != "schema" or name == "raw"

    settings, _, _ = built
    engine = create_engine(database_url(settings))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_schemas": True, "compare_type": True,
                            "version_table_schema": "raw",
                            "include_name": raw_only})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    ours = [d for d in diffs if "troops_" in repr(d)]
    assert ours == [], ours
