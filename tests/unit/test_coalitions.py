"""Curated coalition lists: the committed files validate, and bad files are refused by line."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from etl.config import PROJECT_ROOT, get_settings
from etl.countries import STATES_RELPATH, CountryResolver
from etl.errors import SourceFileError
from etl.sources.coalitions import (
    COALITIONS_DIR,
    MEMBER_COLUMNS,
    META_FILE,
    coalition_files,
    parse_coalition_file,
    parse_coalitions_meta,
    parse_partial_date,
)

HEADER = "coalition,member_name,ccode,org_code,role,joined,left,source_citation,source_url,note\n"
SRC = '"Some publisher, a statement, 1 January 2003"'  # quoted: it holds commas


@pytest.fixture(scope="module")
def resolver() -> CountryResolver:
    source_dir = get_settings().source_dir or PROJECT_ROOT.parent / "shared" / "data"
    if not (source_dir / STATES_RELPATH).exists():
        pytest.skip(f"shared data not found under {source_dir}")
    return CountryResolver.from_files(source_dir / STATES_RELPATH)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _col(rows: list[tuple], name: str) -> list:
    i = MEMBER_COLUMNS.index(name)
    return [r[i] for r in rows]


def _by_role(rows: list[tuple], role: str, key: str = "ccode") -> set:
    return {r[MEMBER_COLUMNS.index(key)] for r in rows if r[MEMBER_COLUMNS.index("role")] == role}


# ---- the committed files ----------------------------------------------------------------------


def test_every_curated_file_validates(resolver: CountryResolver) -> None:
    meta = parse_coalitions_meta(COALITIONS_DIR / META_FILE)
    known = {r[1] for r in meta.rows}
    files = coalition_files()
    assert {p.name for p in files} >= {"iraq_2003.csv", "defeat_isis_2014.csv"}
    for path in files:
        result = parse_coalition_file(path, resolver)
        assert result.rows and not result.rejects
        assert set(result.meta["coalitions"]) <= known, path
        assert all(_col(result.rows, "source_citation")), path


def test_iraq_2003_lists(resolver: CountryResolver) -> None:
    rows = parse_coalition_file(COALITIONS_DIR / "iraq_2003.csv", resolver).rows
    listed = _by_role(rows, "listed_coalition")
    assert len(listed) == 49 and 2 in listed  # the White House list of 27 March 2003, US included
    assert {316, 343, 987, 732, 955, 983, 986} <= listed  # Czech Rep., Macedonia, Micronesia, ...
    assert _by_role(rows, "invasion_troops") == {2, 200, 900, 290}
    mnf = _by_role(rows, "mnf_iraq")
    assert {2, 200, 290, 900, 230, 325, 369, 210, 732} <= mnf
    assert None not in listed | mnf  # all states


def test_defeat_isis_lists(resolver: CountryResolver) -> None:
    rows = parse_coalition_file(COALITIONS_DIR / "defeat_isis_2014.csv", resolver).rows
    members = [r for r in rows if r[MEMBER_COLUMNS.index("role")] == "member"]
    orgs = {r[MEMBER_COLUMNS.index("org_code")] for r in members} - {None}
    assert orgs == {"EU", "LAS", "NATO", "INTERPOL", "ECCAS", "CENSAD"}
    for r in members:  # an organisation never carries a ccode, a state never an org_code
        assert (r[MEMBER_COLUMNS.index("ccode")] is None) != (r[MEMBER_COLUMNS.index("org_code")]
                                                             is None)
    assert {2, 645, 713, 347} <= _by_role(rows, "member")  # US, Iraq, Taiwan, Kosovo
    assert _by_role(rows, "airstrikes_iraq") >= {2, 200, 220, 900}
    assert _by_role(rows, "airstrikes_syria") >= {2, 692, 663, 670, 696}
    assert _by_role(rows, "trainers_or_ground")


def test_curated_rows_per_role(resolver: CountryResolver) -> None:
    counts: Counter[str] = Counter()
    for path in coalition_files():
        counts.update(_col(parse_coalition_file(path, resolver).rows, "role"))
    assert counts["listed_coalition"] == 49
    assert counts["invasion_troops"] == 4


# ---- refusals ---------------------------------------------------------------------------------


def test_unknown_country_is_refused_with_file_and_line(tmp_path: Path,
                                                       resolver: CountryResolver) -> None:
    path = _write(tmp_path / "c.csv", HEADER
                  + f"c,United Kingdom,,,member,2003,,{SRC},,\n"
                  + f"c,Atlantis,,,member,2003,,{SRC},,\n")
    with pytest.raises(SourceFileError) as err:
        parse_coalition_file(path, resolver)
    assert err.value.path == str(path) and err.value.line == 3
    assert "Atlantis" in str(err.value)


def test_duplicate_member_and_role_is_refused(tmp_path: Path, resolver: CountryResolver) -> None:
    path = _write(tmp_path / "c.csv", HEADER
                  + f"c,United Kingdom,200,,member,2003,,{SRC},,\n"
                  + f"c,Poland,290,,member,2003,,{SRC},,\n"
                  + f"c,UK,,,member,2004,,{SRC},,\n")  # the same state under another name
    with pytest.raises(SourceFileError) as err:
        parse_coalition_file(path, resolver)
    assert err.value.line == 4 and "line 2" in err.value.message
    # The same member in another role is fine.
    ok = _write(tmp_path / "ok.csv", HEADER
                + f"c,United Kingdom,200,,member,2003,,{SRC},,\n"
                + f"c,UK,,,invasion_troops,2003-03-20,,{SRC},,\n")
    assert len(parse_coalition_file(ok, resolver).rows) == 2


def test_row_without_source_is_refused(tmp_path: Path, resolver: CountryResolver) -> None:
    path = _write(tmp_path / "c.csv", HEADER
                  + f"c,Poland,290,,member,2003,,{SRC},,\n"
                  + "c,Spain,230,,member,2003,,,,\n")
    with pytest.raises(SourceFileError) as err:
        parse_coalition_file(path, resolver)
    assert err.value.line == 3 and "source" in err.value.message


@pytest.mark.parametrize("joined", ["2003-02-30", "March 2003", "03/20/2003", "203"])
def test_bad_dates_are_refused(tmp_path: Path, resolver: CountryResolver, joined: str) -> None:
    path = _write(tmp_path / "c.csv", HEADER + f"c,Poland,290,,member,{joined},,{SRC},,\n")
    with pytest.raises(SourceFileError) as err:
        parse_coalition_file(path, resolver)
    assert err.value.line == 2


def test_left_before_joined_is_refused(tmp_path: Path, resolver: CountryResolver) -> None:
    path = _write(tmp_path / "c.csv", HEADER + f"c,Poland,290,,member,2005,2003,{SRC},,\n")
    with pytest.raises(SourceFileError, match="before joined"):
        parse_coalition_file(path, resolver)


def test_ccode_that_contradicts_the_name_is_refused(tmp_path: Path,
                                                    resolver: CountryResolver) -> None:
    path = _write(tmp_path / "c.csv", HEADER + f"c,Poland,200,,member,2003,,{SRC},,\n")
    with pytest.raises(SourceFileError, match="resolves to 290"):
        parse_coalition_file(path, resolver)


def test_organisations_are_kept_as_organisations(tmp_path: Path,
                                                 resolver: CountryResolver) -> None:
    path = _write(tmp_path / "c.csv", HEADER
                  + f"c,European Union,,EU,member,2014,,{SRC},,\n"
                  + f"c,Arab League,,,member,2014,,{SRC},,\n"
                  + f"c,Iraq,645,,member,2014,,{SRC},,\n")
    rows = parse_coalition_file(path, resolver).rows
    assert list(zip(_col(rows, "ccode"), _col(rows, "org_code"), strict=True)) == [
        (None, "EU"), (None, "LAS"), (645, None)]
    forced = _write(tmp_path / "bad.csv", HEADER + f"c,NATO,2,,member,2017,,{SRC},,\n")
    with pytest.raises(SourceFileError, match="organisation NATO"):
        parse_coalition_file(forced, resolver)


def test_dates_keep_their_precision(tmp_path: Path, resolver: CountryResolver) -> None:
    path = _write(tmp_path / "c.csv", HEADER
                  + f"c,Poland,290,,member,2003-03-20,2008,{SRC},https://example.org/x,a note\n")
    (row,) = parse_coalition_file(path, resolver).rows
    rec = dict(zip(MEMBER_COLUMNS, row, strict=True))
    assert rec["joined_date"] == date(2003, 3, 20) and rec["joined_precision"] == "day"
    assert rec["left_date"] == date(2008, 1, 1) and rec["left_precision"] == "year"
    assert rec["line_number"] == 2 and rec["note"] == "a note"
    assert parse_partial_date("") == (None, None)


# ---- plain lists of names ---------------------------------------------------------------------


def test_plain_name_list_is_parsed(tmp_path: Path, resolver: CountryResolver) -> None:
    path = _write(tmp_path / "mine.txt",
                  "# coalition: my_list\n# source: A newspaper, 2 May 2020\n\n"
                  "Burma\nIvory Coast\n# a comment\nEU\nNamibia\n")
    result = parse_coalition_file(path, resolver)
    assert _col(result.rows, "ccode") == [775, 437, None, 565]
    assert _col(result.rows, "org_code") == [None, None, "EU", None]
    assert set(_col(result.rows, "role")) == {"member"}
    assert set(_col(result.rows, "coalition")) == {"my_list"}
    assert _col(result.rows, "line_number") == [4, 5, 7, 8]


def test_plain_name_list_needs_a_source(tmp_path: Path, resolver: CountryResolver) -> None:
    path = _write(tmp_path / "mine.txt", "# coalition: my_list\nBurma\n")
    with pytest.raises(SourceFileError) as err:
        parse_coalition_file(path, resolver)
    assert err.value.line == 2 and "source" in err.value.message


def test_plain_name_list_refuses_unknown_and_repeated_names(tmp_path: Path,
                                                            resolver: CountryResolver) -> None:
    head = "# coalition: my_list\n# source: A newspaper\n"
    unknown = _write(tmp_path / "a.txt", head + "Burma\nNarnia\n")
    with pytest.raises(SourceFileError) as err:
        parse_coalition_file(unknown, resolver)
    assert err.value.line == 4
    repeated = _write(tmp_path / "b.txt", head + "Burma\nMyanmar\n")
    with pytest.raises(SourceFileError) as err:
        parse_coalition_file(repeated, resolver)
    assert err.value.line == 4 and "duplicate" in err.value.message


# ---- coalitions.csv ---------------------------------------------------------------------------

META_HEADER = "coalition,leader_ccode,start_date,end_date,purpose,source_citation,source_url\n"


def test_meta_file_is_parsed_and_checked(tmp_path: Path) -> None:
    rows = parse_coalitions_meta(COALITIONS_DIR / META_FILE).rows
    by_name = {r[1]: r for r in rows}
    assert by_name["iraq_2003"][2] == 2 and by_name["iraq_2003"][3] == date(2003, 3, 20)
    assert by_name["defeat_isis_2014"][4] is None  # still open
    dup = _write(tmp_path / "m.csv", META_HEADER + f"x,2,2003,,p,{SRC},\nx,2,2004,,p,{SRC},\n")
    with pytest.raises(SourceFileError) as err:
        parse_coalitions_meta(dup)
    assert err.value.line == 3
    nosrc = _write(tmp_path / "n.csv", META_HEADER + "x,2,2003,,p,,\n")
    with pytest.raises(SourceFileError, match="source"):
        parse_coalitions_meta(nosrc)


def test_unsupported_file_type_is_refused(tmp_path: Path, resolver: CountryResolver) -> None:
    with pytest.raises(SourceFileError):
        parse_coalition_file(_write(tmp_path / "c.json", "{}"), resolver)
