"""ATOP parsers (etl/sources/atop.py): typed values, rejects by line, unknown columns, versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.errors import SourceFileError
from etl.sources.atop import (
    ALLIANCE_COLUMNS,
    MEMBER_COLUMNS,
    normalise_version,
    parse_atop_alliances,
    parse_atop_members,
    version_from_file_name,
)
from tests.conftest import write_csv

MEMBER_HEADER = (
    "atopid,cowid,cow4id,member,cowsys,yrent,moent,dayent,yrexit,moexit,dayexit,ineffect,bilat,"
    "phase,maxphase,defense,offense,neutral,nonagg,consul,asymm,obvary,version"
)
ALLIANCE_HEADER = (
    "atopid,begyr,begmo,begday,endyr,endmo,endday,ineffect,bilat,defense,offense,neutral,nonagg,"
    "consul,asymm,milaid,base,pubsecr,mem1,mem2,mem3,version"
)


def _member(rows: list[tuple], i: int = 0) -> dict:
    return dict(zip(["line_number", *MEMBER_COLUMNS], rows[i], strict=True))


def _alliance(rows: list[tuple], i: int = 0) -> dict:
    return dict(zip(["line_number", *ALLIANCE_COLUMNS], rows[i], strict=True))


def test_members_typed_by_header_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "atop4_01m.csv", f"""
        {MEMBER_HEADER}
        3180,,,2,1,1949,4,4,0,0,0,1,0,1,2,1,0,0,0,1,0,0,4.01
        3375,,,740,1,1960,1,19,1975,6,,0,1,0,0,0,0,0,0,1,1,1,4.01
    """)
    result = parse_atop_members(path)
    assert result.columns[0] == "line_number"
    assert not result.rejects and len(result.rows) == 2
    first, second = _member(result.rows, 0), _member(result.rows, 1)
    assert first["line_number"] == 2 and second["line_number"] == 3
    assert (first["atopid"], first["member"], first["yrent"], first["yrexit"]) == (3180, 2, 1949, 0)
    assert (first["defense"], first["consul"], first["phase"]) == (1, 1, 1)
    assert second["dayexit"] is None  # empty day: missing, not 0
    assert (second["asymm"], second["obvary"], second["defense"]) == (1, 1, 0)
    assert first["version"] == "4.01"
    assert result.meta["atop_version"] == "4.01" and result.meta["version_source"] == "column"


def test_every_column_is_kept_in_attributes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "atop4_01m.csv", f"""
        {MEMBER_HEADER}
        3180,,,2,1,1949,4,4,0,0,0,1,0,1,2,1,0,0,0,1,0,0,4.01
    """)
    row = _member(parse_atop_members(path).rows)
    attributes = json.loads(row["attributes"])
    assert list(attributes) == MEMBER_HEADER.split(",")
    assert attributes["member"] == "2" and attributes["cowid"] == ""


def test_a_5x_layout_with_extra_columns_loads_without_loss(tmp_path: Path) -> None:
    # ATOP 5.1-like: columns reordered, new columns (sign dates, econ provisions) the 4.01 layout
    # lacks, some known columns absent, version written as 5.1
    header = ("version,atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,defense,offense,"
              "neutral,nonagg,consul,signyr,ecaid_new,notes")
    path = write_csv(tmp_path / "atop5_1m.csv", f"""
        {header}
        5.1,3180,20,1949,4,4,0,0,0,1,0,0,0,1,1949,2,"free text, with a comma"
    """)
    result = parse_atop_members(path)
    assert not result.rejects
    row = _member(result.rows)
    assert (row["atopid"], row["member"], row["defense"], row["version"]) == (3180, 20, 1, "5.1")
    assert row["phase"] is None and row["asymm"] is None  # absent from this layout: null
    attributes = json.loads(row["attributes"])
    assert attributes["signyr"] == "1949" and attributes["notes"] == "free text, with a comma"
    assert result.meta["atop_version"] == "5.1"
    assert {"signyr", "ecaid_new", "notes"} <= set(result.meta["extra_columns"])


def test_version_from_the_file_name_when_no_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "atop5_1m.csv", """
        atopid,member,yrent,yrexit,defense
        1001,200,1816,1820,1
    """)
    result = parse_atop_members(path)
    assert _member(result.rows)["version"] == "5.1"
    assert result.meta == {**result.meta, "atop_version": "5.1", "version_source": "file name"}


def test_unknown_version(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "members.csv", "atopid,member,yrent,yrexit\n1001,200,1816,1820\n")
    result = parse_atop_members(path)
    assert result.meta["atop_version"] is None and result.meta["version_source"] == "unknown"


@pytest.mark.parametrize(("text", "expected"), [
    ("4.0100002", "4.01"), ("4.01", "4.01"), ("5", "5.0"), ("5.0", "5.0"), ("5.1", "5.1"),
    ("3.0", "3.0"), ("", None),
])
def test_normalise_version(text: str, expected: str | None) -> None:
    assert normalise_version(text) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("atop4_01a.csv", "4.01"), ("atop5_1m.csv", "5.1"), ("ATOP 5.0 m.csv", "5.0"),
    ("members.csv", None),
])
def test_version_from_file_name(name: str, expected: str | None) -> None:
    assert version_from_file_name(Path(name)) == expected


@pytest.mark.parametrize(("values", "reason"), [
    ("3180,,,x,1,1949,4,4,0,0,0,1,0,1,2,1,0,0,0,1,0,0,4.01",
     "member: expected an integer, found 'x'"),
    ("3180,,,2,1,1949,4,4,0,0,0,1,0,1,2,7,0,0,0,1,0,0,4.01", "defense must be 0 or 1, found '7'"),
    ("3180,,,2,1,,4,4,0,0,0,1,0,1,2,1,0,0,0,1,0,0,4.01", "yrent is missing"),
    ("3180,,,2,1,1949,13,4,0,0,0,1,0,1,2,1,0,0,0,1,0,0,4.01", "moent must be 0-12, found 13"),
    ("3180,,,2,1,1949,4,4,1940,1,1,1,0,1,2,1,0,0,0,1,0,0,4.01", "yrexit 1940 is before yrent 1949"),
    ("3180,,,2,1,1949,4,4,0,0,0,1,0,1,2,1,0,0,0,1,0,0,four", "version: expected a number"),
    ("3180,,,-9,1,1949,4,4,0,0,0,1,0,1,2,1,0,0,0,1,0,0,4.01", "member is missing"),
])
def test_malformed_member_rows_are_rejected_with_line_and_reason(
    tmp_path: Path, values: str, reason: str
) -> None:
    path = write_csv(tmp_path / "atop4_01m.csv", f"""
        {MEMBER_HEADER}
        3180,,,20,1,1949,4,4,0,0,0,1,0,1,2,1,0,0,0,1,0,0,4.01
        {values}
    """)
    result = parse_atop_members(path)
    assert len(result.rows) == 1
    assert [(r.line, r.raw) for r in result.rejects] == [(3, values)]
    assert reason in result.rejects[0].reason


def test_alliances_typed_with_members_list_in_attributes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "atop4_01a.csv", f"""
        {ALLIANCE_HEADER}
        3180,1949,4,4,0,0,0,1,0,1,0,0,0,1,0,0,0,0,2,20,200,4.0100002
        1320,1874,3,15,1883,8,,0,1,0,0,0,1,1,0,3,0,2,220,8152,,4.0100002
    """)
    result = parse_atop_alliances(path)
    assert not result.rejects
    nato, other = _alliance(result.rows, 0), _alliance(result.rows, 1)
    assert (nato["atopid"], nato["begyr"], nato["endyr"], nato["defense"]) == (3180, 1949, 0, 1)
    assert (other["endday"], other["milaid"], other["pubsecr"]) == (None, 3, 2)
    assert nato["version"] == "4.01" and result.meta["atop_version"] == "4.01"
    assert json.loads(other["attributes"])["mem2"] == "8152"
    assert {"mem1", "mem2", "mem3"} <= set(result.meta["extra_columns"])


def test_malformed_alliance_row_is_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "atop4_01a.csv", f"""
        {ALLIANCE_HEADER}
        3180,1949,4,4,0,0,0,1,0,1,0,0,0,1,0,0,0,0,2,20,200,4.01
        3181,1949,4,4,1948,0,0,1,0,1,0,0,0,1,0,0,0,0,2,20,200,4.01
        3182,1949,4,4,0,0,0,1,0,1,0,0,0,1,0,abc,0,0,2,20,200,4.01
    """)
    result = parse_atop_alliances(path)
    assert [r.line for r in result.rejects] == [3, 4]
    assert "endyr 1948 is before begyr 1949" in result.rejects[0].reason
    assert "milaid: expected an integer, found 'abc'" in result.rejects[1].reason


def test_missing_key_column_or_ragged_row_stops_the_file(tmp_path: Path) -> None:
    no_key = write_csv(tmp_path / "a.csv", "begyr,endyr\n1949,0\n")
    with pytest.raises(SourceFileError, match=r"a\.csv, line 1: header lacks column\(s\) atopid"):
        parse_atop_alliances(no_key)
    ragged = write_csv(tmp_path / "m.csv", "atopid,member,yrent,yrexit\n1,2,1900,0\n1,20\n")
    with pytest.raises(SourceFileError, match=r"m\.csv, line 3: expected 4 fields, found 2"):
        parse_atop_members(ragged)


def test_shared_atop_files(shared_data: Path) -> None:
    alliances = parse_atop_alliances(shared_data / "atop" / "atop4_01a.csv")
    members = parse_atop_members(shared_data / "atop" / "atop4_01m.csv")
    assert (len(alliances.rows), len(alliances.rejects)) == (745, 0)
    assert (len(members.rows), len(members.rejects)) == (2398, 0)
    assert alliances.meta["atop_version"] == members.meta["atop_version"] == "4.01"
    nato = {_member(members.rows, i)["member"] for i in range(len(members.rows))
            if _member(members.rows, i)["atopid"] == 3180}
    assert {2, 20, 200, 220, 255, 640} <= nato
