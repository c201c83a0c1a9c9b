"""COW parsers (etl/sources/cow.py): capabilities with -9 as missing, major powers, states."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import SourceFileError
from etl.sources.cow import (
    MAJOR_COLUMNS,
    NMC_COLUMNS,
    parse_majors,
    parse_nmc,
    parse_states,
)
from tests.conftest import write_csv


def _nmc(rows: list[tuple], i: int = 0) -> dict:
    return dict(zip(["line_number", *NMC_COLUMNS], rows[i], strict=True))


def test_nmc_warehouse_layout_empty_is_missing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "NMC-70-abridged.csv", """
        ccode,year,milex,milper,irst,pec,tpop,upop,cinc
        2,1816,3823,17,80,254,8659.0,101.0,0.039697491
        4,1816,,4,,,1000,,0.0012
    """)
    result = parse_nmc(path)
    assert result.columns[0] == "line_number" and not result.rejects
    usa, other = _nmc(result.rows, 0), _nmc(result.rows, 1)
    assert (usa["ccode"], usa["year"], usa["milex"], usa["cinc"]) == (2, 1816, 3823.0, 0.039697491)
    assert usa["stateabb"] is None and usa["version"] is None
    assert (other["milex"], other["irst"], other["pec"], other["upop"]) == (None, None, None, None)
    assert other["milper"] == 4.0


def test_nmc_publisher_layout_minus_nine_is_missing(tmp_path: Path) -> None:
    # the publisher's v7 file: stateabb and version columns, -9 for missing
    path = write_csv(tmp_path / "NMC-60-abridged.csv", """
        stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version
        USA,2,1816,3823,17,80,254,8659,101,0.039697491,2021
        HAI,41,1816,-9,-9,0,-9,300,-9,0.000452,2021
    """)
    result = parse_nmc(path)
    assert not result.rejects
    usa, haiti = _nmc(result.rows, 0), _nmc(result.rows, 1)
    assert (usa["stateabb"], usa["version"]) == ("USA", 2021)
    assert (haiti["milex"], haiti["milper"], haiti["pec"], haiti["upop"]) == (None,) * 4
    assert haiti["irst"] == 0.0  # a true zero stays zero


@pytest.mark.parametrize(("values", "reason"), [
    ("2,1817,abc,15,80,277,8899,106,0.03", "milex: expected a number, found 'abc'"),
    ("2,1817,2466,-5,80,277,8899,106,0.03", "milper must not be negative, found '-5'"),
    ("2,1817,2466,15,80,277,8899,106,1.5", "cinc must be between 0 and 1"),
    (",1817,2466,15,80,277,8899,106,0.03", "ccode is missing"),
    ("2,18x7,2466,15,80,277,8899,106,0.03", "expected an integer, found '18x7'"),
])
def test_malformed_nmc_rows_are_rejected_with_line_and_reason(
    tmp_path: Path, values: str, reason: str
) -> None:
    path = write_csv(tmp_path / "nmc.csv", f"""
        ccode,year,milex,milper,irst,pec,tpop,upop,cinc
        2,1816,3823,17,80,254,8659.0,101.0,0.039697491
        {values}
    """)
    result = parse_nmc(path)
    assert len(result.rows) == 1
    assert [(r.line, r.raw) for r in result.rejects] == [(3, values)]
    assert reason in result.rejects[0].reason


def test_nmc_without_cinc_column_stops_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nmc.csv", "ccode,year,milex\n2,1816,1\n")
    with pytest.raises(SourceFileError, match=r"nmc\.csv, line 1: header lacks column\(s\) cinc"):
        parse_nmc(path)


def test_majors_with_and_without_stateabb(tmp_path: Path) -> None:
    ours = write_csv(tmp_path / "majors2016.csv", """
        ccode,styear,stmonth,stday,endyear,endmonth,endday,version
        2,1898,8,13,2016,12,31,2016
    """)
    publisher = write_csv(tmp_path / "majors_pub.csv", """
        stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version
        USA,2,1898,8,13,2016,12,31,2016
        FRN,220,1816,1,1,1940,6,22,2016
    """)
    first = dict(zip(["line_number", *MAJOR_COLUMNS], parse_majors(ours).rows[0], strict=True))
    assert first == {"line_number": 2, "ccode": 2, "stateabb": None, "styear": 1898,
                     "stmonth": 8, "stday": 13, "endyear": 2016, "endmonth": 12, "endday": 31,
                     "version": 2016}
    result = parse_majors(publisher)
    assert [r[2] for r in result.rows] == ["USA", "FRN"] and not result.rejects


def test_malformed_major_rows_are_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "majors.csv", """
        ccode,styear,stmonth,stday,endyear,endmonth,endday,version
        2,1898,8,13,2016,12,31,2016
        220,1817,1,1,1816,6,22,2016
        255,1816,1,,1918,11,11,2016
    """)
    result = parse_majors(path)
    assert len(result.rows) == 1
    assert [r.line for r in result.rejects] == [3, 4]
    assert "ends (1816-6-22) before it starts (1817-1-1)" in result.rejects[0].reason
    assert result.rejects[1].reason == "stday is missing"


def test_shared_cow_files(shared_data: Path) -> None:
    nmc = parse_nmc(shared_data / "cow" / "NMC-70-abridged.csv")
    assert (len(nmc.rows), len(nmc.rejects)) == (17_121, 0)
    milex = NMC_COLUMNS.index("milex") + 1
    assert sum(1 for r in nmc.rows if r[milex] is None) == 2_360  # the empty cells, not zeros
    majors = parse_majors(shared_data / "cow" / "majors2016.csv")
    assert (len(majors.rows), len(majors.rejects)) == (14, 0)
    states = parse_states(shared_data / "cow" / "states2016.csv")
    assert (len(states.rows), len(states.rejects)) == (243, 0)
