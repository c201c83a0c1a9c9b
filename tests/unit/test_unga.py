"""Parsers of both UNGA layouts: typed rows, rejected rows with line and reason, corrupt files."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from etl.errors import SourceFileError
from etl.sources import unga
from tests.conftest import write_csv

VOETEN_HEADER = "rcid,session,vote,ccode,member,importantvote,date,unres,me,nu,di,hr,co,ec,year"


def test_voeten_rows_are_typed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "v.csv", f"""
        {VOETEN_HEADER}
        3,1,1,2,1,0,1/1/1946,R/1/66,0,0,0,0,0,0,1946
        3,1,9,31,,0,1/1/1946,R/1/66,0,0,0,0,0,1,1946
    """)
    result = unga.parse_voeten_votes(path)
    assert result.rejects == []
    assert result.columns[0] == "line_number"
    first, second = result.rows
    assert first == (2, 3, 1, 1, 2, 1, 0, dt.date(1946, 1, 1), "R/1/66", 0, 0, 0, 0, 0, 0, 1946)
    assert second[5] is None  # member empty -> missing
    assert second[-2] == 1


def test_voeten_bad_values_are_rejected_with_line_and_reason(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "v.csv", f"""
        {VOETEN_HEADER}
        3,1,7,2,1,0,1/1/1946,R/1/66,0,0,0,0,0,0,1946
        3,1,1,xx,1,0,1/1/1946,R/1/66,0,0,0,0,0,0,1946
        3,1,1,20,1,0,31/31/1946,R/1/66,0,0,0,0,0,0,1946
        3,1,1,40,1,0,1/1/1946,R/1/66,0,0,0,0,0,0,1946
    """)
    result = unga.parse_voeten_votes(path)
    assert [r.line for r in result.rejects] == [2, 3, 4]
    assert "vote must be one of" in result.rejects[0].reason
    assert "xx" in result.rejects[1].reason
    assert "date" in result.rejects[2].reason
    assert result.rejects[0].raw.startswith("3,1,7,2")
    assert len(result.rows) == 1 and result.rows_read == 4


def test_voeten_quirks_of_the_published_file_are_kept(tmp_path: Path) -> None:
    # The real file has escaping debris in a flag (rcid 1429) and a missing date (rcid 4592).
    path = write_csv(tmp_path / "v.csv", f"""
        {VOETEN_HEADER}
        1429,28,3,2,1,0,12/1/1973,R/28/3181D,0,0,0,0,0,"0\\\"\"",1973
        4592,60,1,2,1,0,,R/60/260,0,0,0,0,0,0,2006
    """)
    result = unga.parse_voeten_votes(path)
    assert result.rejects == []
    assert result.rows[0][-2] == 0
    assert result.rows[1][7] is None


def test_truncated_row_stops_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "v.csv", f"""
        {VOETEN_HEADER}
        3,1,1,2,1,0,1/1/1946,R/1/66,0,0,0,0,0,0,1946
        3,1,1,20,1,0,1/1/19
    """)
    with pytest.raises(SourceFileError) as info:
        unga.parse_voeten_votes(path)
    assert info.value.line == 3
    assert "v.csv, line 3" in str(info.value)
    assert "expected 15 fields, found 7" in str(info.value)


def test_truncated_gzip_names_the_file(tmp_path: Path) -> None:
    body = "rcid,country,country_code,vote\n" + "".join(
        f"{i},Namibia,NA,yes\n" for i in range(20000)
    )
    data = gzip.compress(body.encode())
    path = tmp_path / "un_votes.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFileError) as info:
        unga.parse_unvotes_votes(path)
    assert "un_votes.csv.gz" in str(info.value)
    assert info.value.line is not None and info.value.line > 1


def test_missing_header_column_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "u.csv", "rcid,country,vote\n3,Canada,yes\n")
    with pytest.raises(SourceFileError, match="header lacks column.*country_code"):
        unga.parse_unvotes_votes(path)


def test_unvotes_namibia_is_not_missing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "u.csv", """
        rcid,country,country_code,vote
        3,Namibia,NA,yes
        3,Federal Republic of Germany,,no
        3,Canada,CA,maybe
    """)
    result = unga.parse_unvotes_votes(path)
    assert result.rows[0] == (2, 3, "Namibia", "NA", "yes")
    assert result.rows[1][3] is None
    assert result.rejects[0].line == 4 and "maybe" in result.rejects[0].reason


def test_roll_calls_and_issues(tmp_path: Path) -> None:
    calls = write_csv(tmp_path / "rc.csv", """
        rcid,session,importantvote,date,unres,amend,para,short,descr
        3,1,0,1946-01-01,R/1/66,1,0,"AMENDMENTS, RULES","TO ADOPT, A ""QUOTED"" TEXT"
        4,1,,1946-01-02,R/1/79,0,0,x,y
    """)
    result = unga.parse_unvotes_roll_calls(calls)
    assert result.rows[0] == (2, 3, 1, 0, dt.date(1946, 1, 1), "R/1/66", 1, 0,
                              "AMENDMENTS, RULES", 'TO ADOPT, A "QUOTED" TEXT')
    assert result.rows[1][3] is None
    issues = write_csv(tmp_path / "i.csv", """
        rcid,short_name,issue
        77,me,Palestinian conflict
        78,zz,Unknown
    """)
    parsed = unga.parse_unvotes_roll_call_issues(issues)
    assert parsed.rows == [(2, 77, "me", "Palestinian conflict")]
    assert parsed.rejects[0].line == 3


@pytest.mark.parametrize("text,expected", [
    ("1946-01-01", dt.date(1946, 1, 1)), ("12/1/1973", dt.date(1973, 12, 1)),
    ("2/29/2000", dt.date(2000, 2, 29)),
])
def test_parse_date_both_layouts(text: str, expected: dt.date) -> None:
    assert unga.parse_date(text) == expected
