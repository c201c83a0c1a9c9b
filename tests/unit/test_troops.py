"""Troop and base parsers (etl/sources/troops.py): domains, "NA" as text, encodings, rejects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.errors import SourceFileError
from etl.sources.troops import BASE_COLUMNS, TROOP_COLUMNS, parse_bases, parse_troops
from tests.conftest import write_csv

TROOP_HEADER = "countryname,year,ccode,iso3c,region,troops_ad,army_ad,marine_corps_ad"
BASE_HEADER = "countryname,ccode,iso3c,basename,lat,lon,base,lilypad,fundedsite"


def _troops(rows: list[tuple]) -> list[dict]:
    return [dict(zip(["line_number", *TROOP_COLUMNS], r, strict=True)) for r in rows]


def _bases(rows: list[tuple]) -> list[dict]:
    return [dict(zip(["line_number", *BASE_COLUMNS], r, strict=True)) for r in rows]


def test_troops_keep_zero_namibia_and_na_iso_as_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "troopdata-rebuild-country-year.csv", f"""
        {TROOP_HEADER}
        Germany,2003,255,DEU,Europe & Central Asia,74796,56000,-17
        Namibia,1990,565,NAM,Sub-Saharan Africa,0,0,0
        Aden,1965,1029,NA,Middle East & North Africa,2,0,0
    """)
    result = parse_troops(path)
    assert not result.rejects and result.meta == {"encoding": "utf-8-sig"}
    germany, namibia, aden = _troops(result.rows)
    assert (germany["line_number"], germany["ccode"], germany["year"], germany["troops_ad"]) == (
        2, 255, 2003, 74796)
    # the branch figures are kept as published, the publisher's negative corrections included
    assert json.loads(germany["attributes"])["marine_corps_ad"] == "-17"
    assert (namibia["iso3c"], namibia["troops_ad"]) == ("NAM", 0)
    assert aden["iso3c"] == "NA" and aden["ccode"] == 1029


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("Germany,1949,255,DEU,Europe,10,0,0",
         "year must be 1950 or later (the source's first year), found '1949'"),
        ("Germany,2003,255,DEU,Europe,-5,0,0", "troops_ad must not be negative, found '-5'"),
        ("Germany,2003,255,DEU,Europe,12.5,0,0",
         "troops_ad: expected a whole number of personnel, found '12.5'"),
        ("Germany,2003,255,DEU,Europe,NA,0,0",
         "troops_ad: expected a whole number of personnel, found 'NA'"),
        ("Germany,2003,,DEU,Europe,10,0,0", "ccode is missing"),
        ("Germany,2003,0,DEU,Europe,10,0,0", "ccode must be a positive COW code, found '0'"),
        ("Germany,abc,255,DEU,Europe,10,0,0", "year: expected a year, found 'abc'"),
    ],
)
def test_troop_values_out_of_domain_are_rejected_with_line_and_reason(
    tmp_path: Path, row: str, reason: str
) -> None:
    path = write_csv(tmp_path / "troops.csv", f"""
        {TROOP_HEADER}
        Japan,2003,740,JPN,East Asia & Pacific,40519,0,0
        {row}
    """)
    result = parse_troops(path)
    assert len(result.rows) == 1
    assert [(r.line, r.reason) for r in result.rejects] == [(3, reason)]
    assert result.rejects[0].raw == row


def test_truncated_troop_file_stops_with_file_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "troops.csv", f"""
        {TROOP_HEADER}
        Japan,2003,740,JPN,East Asia & Pacific,40519,0,0
        Korea,2003,732,KOR
    """)
    with pytest.raises(SourceFileError) as info:
        parse_troops(path)
    assert info.value.line == 3 and "expected 8 fields, found 4" in str(info.value)
    assert str(path) in str(info.value)


def test_troop_file_without_troops_column_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "troops.csv", """
        countryname,year,ccode
        Japan,2003,740
    """)
    with pytest.raises(SourceFileError, match="header lacks column.s. troops_ad"):
        parse_troops(path)


def test_bases_windows_1252_na_coordinates_and_flags(tmp_path: Path) -> None:
    text = (f"{BASE_HEADER}\n"
            'Chile,155,CHL,"Fuerte Aguayo NB, Concón",-32.947314,-71.4,0,1,0\n'
            "Namibia,565,NAM,NA,NA,NA,0,0,1\n")
    path = tmp_path / "basedata.csv"
    path.write_bytes(text.encode("cp1252"))
    result = parse_bases(path)
    assert not result.rejects and result.meta == {"encoding": "cp1252"}
    chile, namibia = _bases(result.rows)
    assert chile["basename"] == "Fuerte Aguayo NB, Concón"
    assert (chile["lat"], chile["lon"], chile["base"], chile["lilypad"]) == (
        -32.947314, -71.4, 0, 1)
    # ISO and names keep "NA" as text; in the numeric columns NA is missing
    assert (namibia["iso3c"], namibia["basename"], namibia["lat"], namibia["lon"]) == (
        "NAM", "NA", None, None)


def test_bases_in_utf8_are_read_as_utf8(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "basedata.csv", f"""
        {BASE_HEADER}
        Chile,155,CHL,Concón,-32.9,-71.4,1,0,0
    """)
    result = parse_bases(path)
    assert result.meta == {"encoding": "utf-8-sig"}
    assert _bases(result.rows)[0]["basename"] == "Concón"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("Japan,740,JPN,Misawa AB,40.7,141.4,2,0,0", "base must be 0 or 1, found '2'"),
        ("Japan,740,JPN,Misawa AB,95.0,141.4,1,0,0",
         "lat must be between -90 and 90, found '95.0'"),
        ("Japan,740,JPN,Misawa AB,40.7,east,1,0,0", "lon: expected a number, found 'east'"),
        ("Japan,NA,JPN,Misawa AB,40.7,141.4,1,0,0",
         "ccode: expected a COW country code, found 'NA'"),
    ],
)
def test_base_values_out_of_domain_are_rejected(tmp_path: Path, row: str, reason: str) -> None:
    path = write_csv(tmp_path / "basedata.csv", f"""
        {BASE_HEADER}
        {row}
    """)
    result = parse_bases(path)
    assert not result.rows
    assert [(r.line, r.reason) for r in result.rejects] == [(2, reason)]
