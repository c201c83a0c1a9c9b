"""Parsing BSV's bridging pairs (Matches.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import SourceFileError
from etl.sources.bridging import parse_bridging_pairs
from tests.conftest import write_csv


def test_pairs_are_read_with_their_lines(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "Matches.csv", """
        v1,rcid1,rcid2
        1,299,331
        2,392,423
    """)
    result = parse_bridging_pairs(path)
    assert result.rows == [(2, 1, 299, 331), (3, 2, 392, 423)]
    assert result.rejects == []


def test_bad_rows_are_rejected_with_line_and_reason(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "Matches.csv", """
        v1,rcid1,rcid2
        1,299,331
        2,x,423
        3,500,500
        4,331,299
        5,,12
    """)
    result = parse_bridging_pairs(path)
    assert result.rows == [(2, 1, 299, 331)]
    assert [(r.line, r.reason) for r in result.rejects] == [
        (3, "rcid1: expected an integer roll-call id, found 'x'"),
        (4, "roll call 500 is paired with itself"),
        (5, "pair 299-331 is already listed on line 2"),
        (6, "rcid1: expected a positive roll-call id, found ''"),
    ]


def test_a_file_without_the_rcid_columns_names_file_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "Matches.csv", "v1,first,second\n1,2,3\n")
    with pytest.raises(SourceFileError, match=r"Matches.csv, line 1: header lacks column\(s\) "
                                              r"rcid1, rcid2"):
        parse_bridging_pairs(path)


@pytest.mark.usefixtures("shared_data")
def test_the_shared_file_parses_whole(shared_data: Path) -> None:
    result = parse_bridging_pairs(shared_data / "unga/voeten/Matches.csv")
    assert len(result.rows) == 955 and result.rejects == []
