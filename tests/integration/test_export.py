"""`alliances export`: typed files that read back the same, codebooks, and a --where that is
checked and runs as the analyst role in a read-only transaction.

A throwaway database gets a small schema `marts` whose table has every type the marts use
(nullable integers and booleans, decimals, text, dates, an array, jsonb, a column name over
Stata's 32 characters) and dbt-style column comments.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.config import Settings
from etl.db import connect
from etl.export import ExportError, export_mart

pytestmark = pytest.mark.integration

LONG = "n_other_partners_allied_without_hegemon"  # 39 characters


@pytest.fixture(scope="module")
def marts(module_db: Settings) -> Settings:
    with connect(module_db) as conn:
        conn.execute(f"""
            create schema marts;
            create table marts.sample (
                ccode integer not null, year integer not null, score double precision,
                n_votes bigint, is_member boolean, name text, entry_date date,
                atopids integer[], attrs jsonb, {LONG} integer,
                constraint sample_pkey primary key (ccode, year));
            comment on column marts.sample.ccode is 'COW country code.';
            comment on column marts.sample.is_member is 'Member that year.';
            comment on column marts.sample.{LONG} is 'A long name.';
            insert into marts.sample values
                (200, 2001, 0.25, 7, false, 'United Kingdom', '1816-01-01', '{{3180,3215}}',
                 '{{"a": 1}}', 3),
                (2, 2001, null, null, null, null, null, null, null, null),
                (2, 2000, 0.5, 12, true, 'United States', '1816-01-01', '{{3180}}',
                 '{{"a": 2}}', 4);
            create table marts.unreadable (x integer);
            insert into marts.unreadable values (1);
            grant usage on schema marts to analyst;
            grant select on marts.sample to analyst;
        """)
        conn.commit()
    return module_db


def test_dta_round_trips_with_stata_types_labels_and_names(marts: Settings,
                                                           tmp_path: Path) -> None:
    result = export_mart("sample", "dta", out_dir=tmp_path, settings=marts)
    assert result.n_rows == 3
    back = pd.read_stata(result.path)
    # deterministic order: the primary key (ccode, year)
    assert back[["ccode", "year"]].values.tolist() == [[2, 2000], [2, 2001], [200, 2001]]
    assert back["ccode"].dtype.kind == "i"  # no missing: an integer type
    assert back["is_member"].tolist()[0] == 1 and back["is_member"].tolist()[2] == 0
    assert pd.isna(back["is_member"].tolist()[1])  # NULL stays missing, not 0
    assert back["atopids"].tolist() == ["3180", "", "3180,3215"]
    assert back["entry_date"].tolist()[0] == pd.Timestamp("1816-01-01")
    short = LONG[:32]
    assert short in back.columns and LONG not in back.columns
    with pd.io.stata.StataReader(result.path) as reader:
        labels = reader.variable_labels()
        assert reader.data_label.startswith("marts.sample")
    assert labels["ccode"] == "COW country code."
    assert labels[short] == "A long name."


def test_parquet_and_feather_keep_nullable_types(marts: Settings, tmp_path: Path) -> None:
    for fmt, read in (("parquet", pd.read_parquet), ("feather", pd.read_feather)):
        result = export_mart("sample", fmt, out_dir=tmp_path, settings=marts)
        back = read(result.path, dtype_backend="numpy_nullable")
        assert str(back["n_votes"].dtype) == "Int64"
        assert str(back["is_member"].dtype) == "boolean"
        assert back["is_member"].tolist()[0] is True
        assert back["is_member"].isna().tolist() == [False, True, False]
        assert back["score"].tolist()[0] == 0.5
        assert back["name"].tolist()[2] == "United Kingdom"
        assert LONG in back.columns  # only Stata cuts names
        assert back["entry_date"].tolist()[0].date() == dt.date(1816, 1, 1)


def test_csv_and_its_codebook_list_every_column(marts: Settings, tmp_path: Path) -> None:
    result = export_mart("sample", "csv", out_dir=tmp_path, settings=marts)
    back = pd.read_csv(result.path)
    assert len(back) == 3 and back["is_member"].tolist()[0] is True
    book = pd.read_csv(result.codebook_csv)
    assert book["column"].tolist() == ["ccode", "year", "score", "n_votes", "is_member", "name",
                                      "entry_date", "atopids", "attrs", LONG]
    assert book.set_index("column").loc["is_member", "description"] == "Member that year."
    md = result.codebook_md.read_text()
    assert "| `atopids` |" in md and "comma-separated" in md


def test_where_filters_and_is_checked(marts: Settings, tmp_path: Path) -> None:
    result = export_mart("sample", "csv", where="year = 2001 and name like 'United%'",
                         out_dir=tmp_path, settings=marts)
    assert result.n_rows == 1
    for bad in ("1=1; drop table marts.sample", "pg_sleep(10) is null",
                "year = 2001 -- comment", "ccode::text = '2'", "year in (select 1)"):
        with pytest.raises(ExportError):
            export_mart("sample", "csv", where=bad, out_dir=tmp_path, settings=marts)
    with connect(marts) as conn:
        assert conn.execute("select count(*) from marts.sample").fetchone()[0] == 3


def test_a_filtered_export_runs_as_the_analyst_role(marts: Settings, tmp_path: Path) -> None:
    # the analyst may not read marts.unreadable: a filtered export of it must fail
    assert export_mart("unreadable", "csv", out_dir=tmp_path, settings=marts).n_rows == 1
    with pytest.raises(ExportError, match="permission denied"):
        export_mart("unreadable", "csv", where="x = 1", out_dir=tmp_path, settings=marts)


def test_unknown_mart_and_format_are_refused(marts: Settings, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="not a mart"):
        export_mart("raw_stuff", "csv", out_dir=tmp_path, settings=marts)
    result = CliRunner().invoke(app, ["export", "sample", "--format", "xlsx", "--out",
                                      str(tmp_path)])
    assert result.exit_code == 1
    assert "not one of csv, parquet, dta, feather" in result.output
