"""Treaty texts and coalition lists turned into raw-table rows, without a database.

Treaties: a parsed text becomes one ``treaties`` row, one ``treaty_articles`` row per part and one
``treaty_provisions`` row per provision, with offsets and line numbers that point back into the
text. The curated treaty -> ATOP links name the right alliances. Coalitions: the checks no single
file can make (a coalition defined twice, a list whose coalition has no metadata, a member
listed in two files) refuse the file with its path and line.
"""

from __future__ import annotations

import csv
import textwrap
from datetime import date
from pathlib import Path

import pytest

from etl import ingest
from etl.config import PROJECT_ROOT, get_settings
from etl.countries import STATES_RELPATH, CountryResolver
from etl.errors import SourceFileError
from etl.sources import catalog, coalitions, loaders
from etl.sources.treaties import ParsedTreaty, TreatyMeta, parse_manifest, parse_treaty

SHARED = get_settings().source_dir or PROJECT_ROOT.parent / "shared" / "data"
MANIFEST = SHARED / "treaties" / "MANIFEST.csv"
ATOP_ALLIANCES = SHARED / "atop" / "atop4_01a.csv"
MEMBER_HEADER = ("coalition,member_name,ccode,org_code,role,joined,left,source_citation,"
                 "source_url,note\n")
META_HEADER = "coalition,leader_ccode,start_date,end_date,purpose,source_citation,source_url\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real() -> dict[str, ParsedTreaty]:
    if not MANIFEST.exists():
        pytest.skip(f"shared data not found under {SHARED}")
    return {m.treaty_id: parse_treaty(m) for m in parse_manifest(MANIFEST)}


@pytest.fixture(scope="module")
def real_rows(real: dict[str, ParsedTreaty]) -> dict[str, dict]:
    return {tid: loaders.treaty_rows(p, "0" * 64) for tid, p in real.items()}


def _records(result) -> list[dict]:  # type: ignore[no-untyped-def]
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


# ---- treaty rows ------------------------------------------------------------------------------


def test_sources_include_coalitions_and_treaties_after_the_catalog_sources() -> None:
    sources = ingest.sources()
    assert sources[-2:] == ["coalitions", "treaties"]
    assert sources.index("cow") < sources.index("coalitions")  # names resolve against COW


def test_real_treaties_fill_three_tables(real_rows: dict[str, dict]) -> None:
    nato = real_rows["north_atlantic_treaty_1949"]
    anzus = real_rows["anzus_security_treaty_1951"]
    assert set(nato) == {"treaties", "treaty_articles", "treaty_provisions"}
    # preamble + 14 articles + final clauses; preamble + XI articles + final clauses
    assert (len(nato["treaty_articles"].rows), len(anzus["treaty_articles"].rows)) == (16, 13)
    assert (len(nato["treaty_provisions"].rows), len(anzus["treaty_provisions"].rows)) == (8, 8)
    treaty = _records(nato["treaties"])[0]
    assert treaty["line_number"] == 2  # the manifest row
    assert treaty["signed_date"] == date(1949, 4, 4)
    assert treaty["parties"].split("; ")[-1] == "United States"
    assert len(treaty["parties"].split("; ")) == 12
    assert all(r.rows_read == len(r.rows) for r in nato.values())  # nothing rejected


def test_real_provision_rows_point_back_into_the_text(
    real: dict[str, ParsedTreaty], real_rows: dict[str, dict]
) -> None:
    for treaty_id, rows in real_rows.items():
        text = real[treaty_id].text
        provisions = _records(rows["treaty_provisions"])
        assert [p["provision_ordinal"] for p in provisions] == list(range(1, len(provisions) + 1))
        for p in provisions:
            assert text[p["span_start"]:p["span_end"]] == p["snippet"]
            assert p["line_number"] == text[:p["span_start"]].count("\n") + 1
            assert p["snippet"].split()[0] in text.splitlines()[p["line_number"] - 1]
        for a in _records(rows["treaty_articles"]):
            assert text[a["body_start_offset"]:a["body_end_offset"]] == a["body"]
            if a["kind"] == "article":  # the part starts on its heading's line
                assert text.splitlines()[a["line_number"] - 1].lstrip().lower().startswith(
                    "article")


@pytest.mark.parametrize(("treaty_id", "article", "provision_type"), [
    ("north_atlantic_treaty_1949", "5", "collective_defence"),
    ("north_atlantic_treaty_1949", "4", "consultation"),
    ("anzus_security_treaty_1951", "4", "collective_defence"),  # Article IV
    ("anzus_security_treaty_1951", "3", "consultation"),  # Article III
])
def test_acceptance_provisions_as_loaded(
    real_rows: dict[str, dict], treaty_id: str, article: str, provision_type: str
) -> None:
    rows = _records(real_rows[treaty_id]["treaty_provisions"])
    found = [r for r in rows if r["article_number"] == article
             and r["provision_type"] == provision_type]
    assert found
    assert {(r["binding"], r["obligated_party"], r["beneficiary"]) for r in found} == {
        ("all_parties", "all", "all")}


def _meta(tmp_path: Path, text: str, parties: tuple[str, ...]) -> TreatyMeta:
    path = _write(tmp_path / "pact.txt", text)
    return TreatyMeta("pact", "pact.txt", path, "A Pact", date(1960, 1, 19), parties, "", "full",
                      "", 2)


def test_hand_made_one_way_guarantee_rows(tmp_path: Path) -> None:
    text = """
        Treaty of Guarantee

        Article 1
        The Parties will consult together whenever the security of either of them is threatened.

        Article 2
        Ruritania undertakes to defend the territory of Freedonia against armed attack.

        Article 3
        Freedonia grants Ruritania the right to station land, sea and air forces at its bases.
    """
    meta = _meta(tmp_path, text, ("Ruritania", "Freedonia"))
    rows = loaders.treaty_rows(parse_treaty(meta), "f" * 64)
    provisions = {(p["article_number"], p["provision_type"]): p
                  for p in _records(rows["treaty_provisions"])}
    assert set(provisions) == {("1", "consultation"), ("2", "collective_defence"),
                               ("3", "bases_facilities")}
    defence = provisions[("2", "collective_defence")]
    assert (defence["binding"], defence["obligated_party"], defence["beneficiary"]) == (
        "one_way", "Ruritania", "Freedonia")
    assert defence["line_number"] == 7
    bases = provisions[("3", "bases_facilities")]
    assert (bases["obligated_party"], bases["beneficiary"]) == ("Freedonia", "Ruritania")
    assert provisions[("1", "consultation")]["binding"] == "all_parties"
    assert [a["article_number"] for a in _records(rows["treaty_articles"])] == [
        "preamble", "1", "2", "3"]
    assert _records(rows["treaties"])[0]["text_sha256"] == "f" * 64


def test_a_text_with_a_nul_character_is_refused(tmp_path: Path) -> None:
    meta = _meta(tmp_path, "Article 1\nThe Parties agree.\x00\n", ("A", "B"))
    with pytest.raises(SourceFileError, match="NUL") as err:
        loaders.treaty_rows(parse_treaty(meta), "0" * 64)
    assert err.value.line == 2


# ---- treaty -> ATOP links ---------------------------------------------------------------------


def test_curated_links_name_the_alliances_the_treaties_founded(
    real: dict[str, ParsedTreaty],
) -> None:
    """Each linked atopid begins on the treaty's signing date with exactly its original parties."""
    if not ATOP_ALLIANCES.exists():
        pytest.skip("ATOP alliance file not found")
    parsed = loaders.parse_treaty_atop_links(loaders.TREATY_ATOP_LINKS_CSV)
    links = {r[1]: r[2] for r in parsed.rows}
    assert links == {"north_atlantic_treaty_1949": 3180, "anzus_security_treaty_1951": 3215}
    with open(ATOP_ALLIANCES, encoding="utf-8", newline="") as fh:
        atop = {int(r["atopid"]): r for r in csv.DictReader(fh)}
    original_parties = {
        "north_atlantic_treaty_1949": {2, 20, 200, 210, 211, 212, 220, 235, 325, 385, 390, 395},
        "anzus_security_treaty_1951": {2, 900, 920},
    }
    for treaty_id, atopid in links.items():
        row = atop[atopid]
        signed = real[treaty_id].meta.signed_date
        assert (int(row["begyr"]), int(row["begmo"]), int(row["begday"])) == (
            signed.year, signed.month, signed.day)
        members = {int(row[f"mem{i}"]) for i in range(1, 60) if row[f"mem{i}"] not in ("", "0")}
        assert original_parties[treaty_id] <= members
        assert len(real[treaty_id].meta.parties) == len(original_parties[treaty_id])
        if treaty_id == "anzus_security_treaty_1951":
            assert members == {2, 900, 920}  # not 3205, the Arab League's joint defence treaty


@pytest.mark.parametrize(("row", "line", "expected"), [
    ("nato,abc,,src", 2, "atopid must be a positive integer"),
    ("nato,0,,src", 2, "atopid must be a positive integer"),
    ("NATO Treaty,3180,,src", 2, "treaty_id must be lower-case"),
    ("nato,3180,a note,", 2, "has no source"),
    ("nato,3180,,src\nnato,3181,,src", 3, "already linked on line 2"),
])
def test_bad_link_rows_name_the_line(tmp_path: Path, row: str, line: int, expected: str) -> None:
    path = _write(tmp_path / "links.csv", "treaty_id,atopid,note,source\n" + row + "\n")
    with pytest.raises(SourceFileError, match=expected) as err:
        loaders.parse_treaty_atop_links(path)
    assert (err.value.path, err.value.line) == (str(path), line)


# ---- coalition files across files -------------------------------------------------------------


@pytest.fixture(scope="module")
def resolver() -> CountryResolver:
    if not (SHARED / STATES_RELPATH).exists():
        pytest.skip(f"shared data not found under {SHARED}")
    return CountryResolver.from_files(SHARED / STATES_RELPATH)


SRC = '"A publisher, a statement, 2003"'


def _files(curated: Path, user: Path | None) -> list:  # type: ignore[type-arg]
    return loaders.coalition_source_files(curated, user)


def test_curated_lists_pass_the_cross_file_checks(resolver: CountryResolver) -> None:
    files = _files(coalitions.COALITIONS_DIR, None)
    loaders.check_coalition_files(files, resolver)
    assert [f.error for f in files] == [None] * len(files)
    assert files[0].file_name == "coalitions/curated/coalitions.csv"
    assert {f.file_name for f in files[1:]} >= {"coalitions/curated/iraq_2003.csv",
                                                "coalitions/curated/defeat_isis_2014.csv"}


def test_user_list_repeating_a_curated_member_is_refused(
    tmp_path: Path, resolver: CountryResolver
) -> None:
    user = tmp_path / "coalitions"
    _write(user / "extra.csv", MEMBER_HEADER
           + f"iraq_2003,Fiji,950,,listed_coalition,2003,,{SRC},,\n"
           + f"iraq_2003,Great Britain,,,invasion_troops,2003,,{SRC},,\n")
    files = _files(coalitions.COALITIONS_DIR, user)
    loaders.check_coalition_files(files, resolver)
    bad = [f for f in files if f.error is not None]
    assert [f.file_name for f in bad] == ["coalitions/sources/extra.csv"]
    assert bad[0].error.line == 3
    assert "United Kingdom" not in str(bad[0].error)  # the message names the row as written
    assert "already listed in iraq_2003 as invasion_troops" in str(bad[0].error)
    assert "iraq_2003.csv" in str(bad[0].error)


def test_user_list_without_coalition_metadata_is_refused(
    tmp_path: Path, resolver: CountryResolver
) -> None:
    user = tmp_path / "coalitions"
    _write(user / "kosovo.txt", f"# coalition: kosovo_1999\n# source: {SRC}\nFrance\n")
    files = _files(coalitions.COALITIONS_DIR, user)
    loaders.check_coalition_files(files, resolver)
    (bad,) = [f for f in files if f.error is not None]
    assert (bad.path.name, bad.error.line) == ("kosovo.txt", 3)
    assert "kosovo_1999 has no row in coalitions.csv" in str(bad.error)

    # with a coalitions.csv beside it, the same list is accepted
    _write(user / "coalitions.csv", META_HEADER + f"kosovo_1999,2,1999-03-24,1999-06-10,,{SRC},\n")
    files = _files(coalitions.COALITIONS_DIR, user)
    loaders.check_coalition_files(files, resolver)
    assert all(f.error is None for f in files)
    assert [f.file_name for f in files[:2]] == ["coalitions/curated/coalitions.csv",
                                                "coalitions/sources/coalitions.csv"]


def test_coalition_defined_twice_is_refused(tmp_path: Path, resolver: CountryResolver) -> None:
    user = tmp_path / "coalitions"
    _write(user / "coalitions.csv", META_HEADER + f"iraq_2003,2,2003-03-20,,,{SRC},\n")
    files = _files(coalitions.COALITIONS_DIR, user)
    loaders.check_coalition_files(files, resolver)
    (bad,) = [f for f in files if f.error is not None]
    assert (bad.file_name, bad.error.line) == ("coalitions/sources/coalitions.csv", 2)
    assert "already defined" in str(bad.error)


def test_source_roots_follow_the_resolved_catalog_paths(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    source = tmp_path / "data"
    paths = {e.name: (source if e.source == "treaties" else cache) / e.relpath
             for e in catalog.entries()}
    assert set(loaders.source_roots(paths)) == {source, cache}
    assert loaders.user_coalitions_dir(paths) is None
    (source / "coalitions").mkdir(parents=True)
    assert loaders.user_coalitions_dir(paths) == source / "coalitions"


# ---- streams, bounded rejects and domain checks of the catalog parsers ------------------------


def test_every_catalog_file_is_parsed_as_a_stream_with_a_key() -> None:
    from etl.sources.base import ParseStream

    # Vine's list of bases repeats one site row verbatim (a site, not a key, per row): no key
    keyless = {"troops_bases"}
    for spec in ingest.FILE_SPECS.values():
        assert bool(spec.key) != (spec.file_name in keyless), spec.file_name
        assert ingest.catalog_sha256(spec.file_name) is not None, spec.file_name
        stream = spec.parse(SHARED / catalog.get(spec.file_name).relpath)
        assert isinstance(stream, ParseStream), spec.file_name
        assert set(spec.key) <= set(stream.columns), spec.file_name


def test_a_stream_yields_rows_as_it_reads_and_keeps_only_the_first_rejects(tmp_path: Path) -> None:
    from etl.sources import unga

    rows = "".join(f"{i},Cuba,CU,{'yes' if i % 3 else 'perhaps'}\n" for i in range(1, 31))
    path = _write(tmp_path / "v.csv", "rcid,country,country_code,vote\n" + rows)
    stream = unga.stream_unvotes_votes(path)
    stream.keep_rejects = 4
    it = iter(stream)
    assert next(it) == (2, 1, "Cuba", "CU", "yes")
    assert (stream.rows_loaded, stream.rows_read) == (1, 1)  # nothing read ahead
    rest = list(it)
    assert len(rest) == 19 and stream.rows_loaded == 20
    assert stream.rows_rejected == 10  # every reject counted ...
    assert [r.line for r in stream.rejects] == [4, 7, 10, 13]  # ... the first four kept
    assert stream.last_line == 31
    with pytest.raises(RuntimeError, match="read once"):
        list(stream)


def test_a_parse_result_is_streamed_in_line_order(tmp_path: Path) -> None:
    from etl.sources.base import ParseResult, Rejected, as_stream

    result = ParseResult(columns=["line_number", "x"], rows=[(2, "a"), (4, "c")],
                         rejects=[Rejected(3, "bad", "b")])
    stream = as_stream(result, tmp_path / "f.csv")
    assert list(stream) == [(2, "a"), (4, "c")]
    assert (stream.rows_read, stream.rows_rejected, stream.last_line) == (3, 1, 4)


@pytest.mark.parametrize(("parser", "header", "row", "reason"), [
    ("unga.parse_voeten_votes", "rcid,session,vote,ccode,date", "-5,58,1,2,2003-12-09",
     "rcid must be a positive integer, found '-5'"),
    ("unga.parse_voeten_votes", "rcid,session,vote,ccode,date", "0,58,1,2,2003-12-09",
     "rcid must be a positive integer, found '0'"),
    ("unga.parse_voeten_votes", "rcid,session,vote,ccode,date", "5,58,7,2,2003-12-09",
     "vote must be one of 1, 2, 3, 8, 9; found '7'"),
    ("unga.parse_voeten_votes", "rcid,session,vote,ccode,date", "5,58,1,2,1903-12-09",
     "outside the UNGA's years (1946-"),
    ("unga.parse_voeten_votes", "rcid,session,vote,ccode,date", "5,58,1,-2,2003-12-09",
     "ccode -2 is not a COW state"),
    ("unga.parse_voeten_votes", "rcid,session,vote,ccode,date", "5,58,1,2,2003-13-09",
     "date is not a date"),
    ("unga.parse_unvotes_votes", "rcid,country,country_code,vote", "-5,Cuba,CU,yes",
     "rcid must be a positive integer"),
    ("unga.parse_unvotes_votes", "rcid,country,country_code,vote", "5,Cuba,C1,yes",
     "country_code must be a two-letter ISO code, found 'C1'"),
    ("unga.parse_voeten_votes", "rcid,session,vote,ccode,date", "5,58,1,999,2003-12-09",
     "ccode 999 is not a COW state"),
    ("unga.parse_unvotes_votes", "rcid,country,country_code,vote", "5,Atlantis,ZZ,yes",
     "unknown country 'Atlantis' (ZZ)"),
    ("unga.parse_unvotes_votes", "rcid,country,country_code,vote", "5,Atlantis,,yes",
     "unknown country 'Atlantis' (no ISO2 code)"),
    ("unga.parse_unvotes_roll_calls", "rcid,session,importantvote,date,unres,amend,para,short,"
     "descr", "5,-1,0,2003-12-09,R/58/1,0,0,s,d", "session must be a positive integer"),
    ("unga.parse_unvotes_roll_call_issues", "rcid,short_name,issue", "-5,hr,Human rights",
     "rcid must be a positive integer"),
    ("cow.parse_nmc", "ccode,year,milex,milper,irst,pec,tpop,upop,cinc",
     "2,1815,1,17,80,254,1,101,0.03", "year must be a year of COW's (1816-"),
    ("cow.parse_majors", "ccode,styear,stmonth,stday,endyear,endmonth,endday",
     "2,1898,13,13,2016,12,31", "stmonth must be between 1 and 12, found 13"),
    ("cow.parse_states", "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday",
     "USA,0,United States,1816,1,1,2016,12,31", "ccode must be between 1 and 999, found 0"),
    ("atop.parse_atop_members", "atopid,member,yrent,yrexit,defense",
     "1320,2,1874,1883,7", "defense must be 0 or 1, found '7'"),
    ("atop.parse_atop_members", "atopid,member,yrent,yrexit,defense",
     "-3,2,1874,1883,1", "atopid must be between 1 and"),
    ("atop.parse_atop_alliances", "atopid,begyr,offense", "1320,1874,nan",
     "offense: expected an integer, found 'nan'"),
    ("atop.parse_atop_alliances", "atopid,begyr,offense", "1320,3003,1",
     "begyr must be a year of ATOP's (1815-"),
])
def test_values_outside_their_domain_are_rejected_with_line_and_reason(
    tmp_path: Path, parser: str, header: str, row: str, reason: str
) -> None:
    import importlib

    module, name = parser.split(".")
    parse = getattr(importlib.import_module(f"etl.sources.{module}"), name)
    path = _write(tmp_path / "f.csv", f"{header}\n{row}\n")
    result = parse(path)
    assert result.rows == []
    assert [r.line for r in result.rejects] == [2]
    assert reason in result.rejects[0].reason


@pytest.mark.parametrize("row, reason", [
    ("2,1900,nan,17,80,254,8659,101,0.03", "milex: expected a finite number, found 'nan'"),
    ("2,1900,1,17,80,254,inf,101,0.03", "tpop: expected a finite number, found 'inf'"),
])
def test_a_non_finite_number_refuses_the_whole_file_with_its_line(
    tmp_path: Path, row: str, reason: str
) -> None:
    """nan or inf is no value a publisher writes: the file is corrupt, not one row of it."""
    from etl.sources import cow

    good = "2,1899,1,17,80,254,8659,101,0.03"
    path = _write(tmp_path / "nmc.csv", "ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n"
                  f"{good}\n{row}\n")
    with pytest.raises(SourceFileError, match=reason) as caught:
        cow.parse_nmc(path)
    assert "line 3" in str(caught.value) and "nmc.csv" in str(caught.value)


def test_accept_shrink_names_a_file_by_catalog_name_file_name_or_path(tmp_path: Path) -> None:
    spec = ingest.FILE_SPECS["cow_nmc"]
    path = tmp_path / "cow" / "NMC-70-abridged.csv"
    assert ingest.shrink_accepted(spec, path, ["cow_nmc"])
    assert ingest.shrink_accepted(spec, path, ["NMC-70-abridged.csv"])
    assert ingest.shrink_accepted(spec, path, [str(path)])
    assert not ingest.shrink_accepted(spec, path, ["cow_states", "nmc"])
    paths = {"cow_nmc": path}
    assert ingest.unknown_shrink_names(["cow_nmc", "cow_nmcc"], paths) == ["cow_nmcc"]
