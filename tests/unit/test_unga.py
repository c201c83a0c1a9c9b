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


# ---- the loader's COPY text: blocks by columns, and row by row where a block needs it ----------


def _copy_text_and_rows(parse, path: Path, monkeypatch: pytest.MonkeyPatch,
                        block_bytes: int, split_bytes: int = 1 << 30,
                        split_rows: int = 1 << 30) -> tuple[dict[str, int], tuple, tuple]:
    """(how the blocks went, (COPY text, rejects, counts) of ``copy_text``, the same of the
    typed rows, formatted as COPY text by ``copy_row_text``)."""
    from etl.sources import base

    monkeypatch.setattr(base, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(base, "SPLIT_BYTES", split_bytes)
    monkeypatch.setattr(base, "SPLIT_ROWS", split_rows)
    taken = {"by_columns": 0, "csv_module": 0, "row_by_row": 0}
    columns, csv_rows, rows = base.CsvBatches._columns, base.CsvBatches._csv_rows, \
        base.ColumnBlock.rows

    def spy_columns(self, block, n):  # type: ignore[no-untyped-def]
        found = columns(self, block, n)
        taken["by_columns"] += found is not None
        return found

    def spy_csv_rows(self, *args):  # type: ignore[no-untyped-def]
        taken["csv_module"] += 1
        return csv_rows(self, *args)

    def spy_rows(self):  # type: ignore[no-untyped-def]
        taken["row_by_row"] += 1
        return rows(self)

    monkeypatch.setattr(base.CsvBatches, "_columns", spy_columns)
    monkeypatch.setattr(base.CsvBatches, "_csv_rows", spy_csv_rows)
    monkeypatch.setattr(base.ColumnBlock, "rows", spy_rows)
    fast = parse(path)
    assert fast.has_copy_text
    text = b"".join(fast.copy_text(42)).decode()
    slow = parse(path)
    reference = "".join(f"42\t{base.copy_row_text(row)}\n" for row in slow)

    def counts(stream):  # type: ignore[no-untyped-def]
        return (stream.rows_read, stream.rows_loaded, stream.rows_rejected, stream.last_line)

    return taken, (text, fast.rejects, counts(fast)), (reference, slow.rejects, counts(slow))


def _voeten_file(tmp_path: Path) -> tuple[Path, dict[int, str]]:
    """300 rows of one roll call per 60 countries' votes, with Voeten's quirks and bad rows
    (their lines -> the reason's start), a quoted newline and a blank line."""
    ccodes = sorted(unga.known_ccodes())[:60]
    lines = [VOETEN_HEADER]
    bad: dict[int, str] = {}
    for i in range(300):
        rcid = 3 + i // 60
        vote, date, ccode, unres = "1", "1/1/1946", str(ccodes[i % 60]), f"R/1/{rcid}"
        if i == 7:
            vote = "7"
        if i == 150:
            date = "2003-02-30"
        if i == 299:
            ccode = "999"
        if i == 100:  # the quirk of rcid 1429: quotes, in an otherwise plain stretch
            lines.append(f'{rcid},1,{vote},{ccode},1,0,{date},{unres},0,0,0,0,0,"0\\""",1946')
            continue
        if i == 200:  # a record over two lines: the next rows' numbers move by one
            lines.append(f'{rcid},1,{vote},{ccode},1,0,{date},"R/1/\n{rcid}",0,0,0,0,0,0,1946')
            continue
        if i == 250:
            lines.append("")
        lines.append(f"{rcid},1,{vote},{ccode},,0,{date},{unres},0,0,0,0,0,0,1946")
        if vote == "7" or date != "1/1/1946" or ccode == "999":
            bad[sum(line.count("\n") + 1 for line in lines)] = {
                "7": "vote must be one of", "2003-02-30": "date is not a date",
                "999": "ccode 999 is not a COW state"}[
                vote if vote == "7" else date if date != "1/1/1946" else ccode]
    path = tmp_path / "v.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, bad


@pytest.mark.parametrize("block_bytes, split_bytes, split_rows", [
    (1 << 20, 1 << 30, 1 << 30),  # one block: the csv module for all of it (it has quotes)
    (2_000, 1 << 30, 1 << 30),  # blocks of ~40 rows: plain ones by columns, the rest not
    (20_000, 3_000, 25),  # blocks cut again where a quote or a bad value is
    (64, 1 << 30, 1 << 30),  # a block a line: the quoted newline runs on into the next block
])
def test_voeten_copy_text_is_the_rows_with_the_same_rejects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int, split_bytes: int,
    split_rows: int,
) -> None:
    path, bad = _voeten_file(tmp_path)
    taken, fast, slow = _copy_text_and_rows(unga.stream_voeten_votes, path, monkeypatch,
                                            block_bytes, split_bytes, split_rows)
    assert fast == slow
    text, rejects, (read, loaded, rejected, last) = fast
    assert (read, loaded, rejected) == (300, 297, 3)
    assert last == 303  # 300 rows, a header, a blank line and a record over two lines
    assert [r.line for r in rejects] == sorted(bad)
    for reject in rejects:
        assert reject.reason.startswith(bad[reject.line])
        assert reject.raw == path.read_text().splitlines()[reject.line - 1]
    assert "\t1946-01-01\t" in text and "\tR/1/\\n6\t" in text  # the newline escaped
    assert "\t\\N\t" in text  # an empty member is null, not ''
    if block_bytes == 1 << 20:
        assert taken["by_columns"] == 0
    else:  # both paths were taken: plain blocks by columns, and a bad block row by row
        assert taken["by_columns"] > 0 and taken["csv_module"] > 0
        assert taken["row_by_row"] > 0


def test_unvotes_copy_text_keeps_namibia_and_names_the_bad_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = []
    for i in range(1, 201):
        rows.append(f"{i},Namibia,NA,yes")
        rows.append(f"{i},Federal Republic of Germany,,no")
        rows.append(f"{i},Cuba,CU,{'maybe' if i == 120 else 'Abstain'}")
    rows.append("201,Atlantis,,yes")
    path = write_csv(tmp_path / "u.csv", "rcid,country,country_code,vote\n" + "\n".join(rows))
    taken, fast, slow = _copy_text_and_rows(unga.stream_unvotes_votes, path, monkeypatch, 2_000)
    assert fast == slow
    text, rejects, (read, loaded, rejected, _) = fast
    assert taken["by_columns"] > 0 and taken["row_by_row"] > 0
    assert [(r.line, r.reason.split(";")[0]) for r in rejects] == [
        (2 + 119 * 3 + 2, "vote must be yes, no or abstain"),
        (602, "unknown country 'Atlantis' (no ISO2 code): not in the unvotes country map "
              "(dbt_project/seeds/unvotes_country_map.csv)"),
    ]
    assert (read, loaded, rejected) == (601, 599, 2)
    assert text.startswith("42\t2\t1\tNamibia\tNA\tyes\n42\t3\t1\tFederal Republic of Germany"
                           "\t\\N\tno\n42\t4\t1\tCuba\tCU\tabstain\n")


@pytest.mark.parametrize("damage, line, message", [
    (lambda rows: rows[:500] + ["3,Cuba"] + rows[500:], 502, "expected 4 fields, found 2"),
    (lambda rows: rows[:500] + ["3,Cura\udce7ao,CW,yes"] + rows[500:], 502, "not UTF-8 text"),
])
def test_a_damaged_plain_block_fails_on_the_same_line_as_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage, line: int, message: str,  # type: ignore[no-untyped-def]
) -> None:
    from etl.sources import base

    monkeypatch.setattr(base, "BLOCK_BYTES", 4_000)
    rows = damage([f"{i},Cuba,CU,yes" for i in range(1, 1001)])
    path = tmp_path / "u.csv"
    path.write_bytes(("rcid,country,country_code,vote\n" + "\n".join(rows) + "\n").encode(
        "utf-8", "surrogateescape"))
    errors = []
    for read in (lambda s: list(s), lambda s: list(s.copy_text(1))):
        with pytest.raises(SourceFileError) as caught:
            read(unga.stream_unvotes_votes(path))
        assert caught.value.line == line and message in str(caught.value)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]


def test_copy_text_of_a_truncated_gzip_names_the_file(tmp_path: Path) -> None:
    body = "rcid,country,country_code,vote\n" + "".join(
        f"{i},Namibia,NA,yes\n" for i in range(1, 200_000))
    data = gzip.compress(body.encode())
    path = tmp_path / "un_votes.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFileError, match="cannot read compressed data") as caught:
        list(unga.stream_unvotes_votes(path).copy_text(1))
    assert "un_votes.csv.gz" in str(caught.value) and caught.value.line > 1
