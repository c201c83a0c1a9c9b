"""Country identity: the crosswalk and unvotes seeds, the name resolver, the Voeten cross-check."""

from __future__ import annotations

import csv
import gzip
from datetime import date
from pathlib import Path

import pytest

from etl.config import PROJECT_ROOT, get_settings
from etl.countries import (
    CROSSWALK_COLUMNS,
    CROSSWALK_SEED,
    STATES_RELPATH,
    UN_ROLL_CALLS_RELPATH,
    UN_VOTES_RELPATH,
    UNVOTES_MAP_COLUMNS,
    UNVOTES_MAP_SEED,
    VOETEN_RELPATH,
    CountryDataError,
    CountryResolver,
    UnvotesPair,
    build_country_crosswalk,
    build_unvotes_country_map,
    ccode_for_vote,
    check_unvotes_map_against_voeten,
    normalise_name,
    read_cow_states,
    read_seed,
    read_unvotes_pairs,
    write_csv,
)
from etl.errors import SourceFileError


@pytest.fixture(scope="module")
def source_dir() -> Path:
    found = get_settings().source_dir or PROJECT_ROOT.parent / "shared" / "data"
    if not (found / STATES_RELPATH).exists():
        pytest.skip(f"shared data not found under {found}")
    return found


@pytest.fixture(scope="module")
def resolver(source_dir: Path) -> CountryResolver:
    return CountryResolver.from_files(source_dir / STATES_RELPATH)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


STATES_HEADER = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"


# ---- crosswalk ------------------------------------------------------------------------------


def test_crosswalk_seed_regenerates_identically(source_dir: Path) -> None:
    rebuilt = build_country_crosswalk(source_dir / STATES_RELPATH)
    committed = read_seed(CROSSWALK_SEED)
    assert list(committed[0]) == list(CROSSWALK_COLUMNS)
    assert rebuilt == committed, "run `python -m etl.countries` and commit the seed"


def test_crosswalk_has_one_row_per_cow_ccode(source_dir: Path) -> None:
    states = read_cow_states(source_dir / STATES_RELPATH)
    rows = read_seed(CROSSWALK_SEED)
    ccodes = [int(r["ccode"]) for r in rows]
    assert len(ccodes) == len(set(ccodes)) == 217
    assert set(ccodes) == set(states)


def test_crosswalk_keeps_namibia_na_as_text() -> None:
    rows = {r["ccode"]: r for r in read_seed(CROSSWALK_SEED)}
    assert rows["565"]["iso2"] == "NA"
    assert rows["565"]["iso3"] == "NAM"
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(CROSSWALK_SEED, dtype=str, keep_default_na=False)
    assert frame.loc[frame.ccode == "565", "iso2"].item() == "NA"


def test_crosswalk_historical_states_use_former_codes() -> None:
    rows = {int(r["ccode"]): r for r in read_seed(CROSSWALK_SEED)}
    expected = {
        365: ("RU", "RUS"), 260: ("DE", "DEU"), 255: ("DE", "DEU"), 265: ("DD", "DDR"),
        315: ("CS", "CSK"), 316: ("CZ", "CZE"), 345: ("RS", "SRB"), 678: ("YE", "YEM"),
        679: ("YE", "YEM"), 680: ("YD", "YMD"), 347: ("XK", "XKX"), 732: ("KR", "KOR"),
        200: ("GB", "GBR"), 350: ("GR", "GRC"),
    }
    for ccode, codes in expected.items():
        assert (rows[ccode]["iso2"], rows[ccode]["iso3"]) == codes, ccode
    for ccode in (240, 300, 327, 511, 730, 817):  # no ISO code: empty, with a note saying so
        assert rows[ccode]["iso2"] == rows[ccode]["iso3"] == rows[ccode]["iso_numeric"] == ""
        assert rows[ccode]["note"]
    assert rows[305]["iso_numeric"] == "040"  # zero-padded


def test_crosswalk_from_a_small_states_file(tmp_path: Path) -> None:
    states = _write(tmp_path / "states.csv", STATES_HEADER
                    + "NAM,565,Namibia,1990,3,21,2016,12,31,2016\n"
                    + "GDR,265,German Democratic Republic,1954,3,25,1990,10,2,2016\n")
    overrides = _write(tmp_path / "over.csv", "ccode,iso2,iso3,iso_numeric,note\n"
                       "265,DD,DDR,278,former code\n")
    rows = build_country_crosswalk(states, overrides)
    assert rows == [
        {"ccode": "265", "stateabb": "GDR", "iso2": "DD", "iso3": "DDR", "iso_numeric": "278",
         "note": "former code"},
        {"ccode": "565", "stateabb": "NAM", "iso2": "NA", "iso3": "NAM", "iso_numeric": "516",
         "note": ""},
    ]
    write_csv(rows, tmp_path / "seed.csv", CROSSWALK_COLUMNS)
    assert read_seed(tmp_path / "seed.csv") == rows  # "NA" survives the round trip


def test_crosswalk_refuses_a_state_without_match_or_override(tmp_path: Path) -> None:
    states = _write(tmp_path / "states.csv", STATES_HEADER
                    + "HAN,240,Hanover,1837,6,20,1866,7,26,2016\n")
    overrides = _write(tmp_path / "over.csv", "ccode,iso2,iso3,iso_numeric,note\n")
    with pytest.raises(CountryDataError, match="Hanover"):
        build_country_crosswalk(states, overrides)


def test_override_without_a_note_is_refused(tmp_path: Path) -> None:
    states = _write(tmp_path / "states.csv", STATES_HEADER
                    + "HAN,240,Hanover,1837,6,20,1866,7,26,2016\n")
    overrides = _write(tmp_path / "over.csv", "ccode,iso2,iso3,iso_numeric,note\n240,,,,\n")
    with pytest.raises(SourceFileError) as err:
        build_country_crosswalk(states, overrides)
    assert err.value.line == 2 and err.value.path.endswith("over.csv")


# ---- unvotes map ----------------------------------------------------------------------------


def test_unvotes_seed_regenerates_identically(source_dir: Path, resolver: CountryResolver) -> None:
    pairs = read_unvotes_pairs(source_dir / UN_VOTES_RELPATH, source_dir / UN_ROLL_CALLS_RELPATH)
    rebuilt = build_unvotes_country_map(pairs, resolver)
    committed = read_seed(UNVOTES_MAP_SEED)
    assert list(committed[0]) == list(UNVOTES_MAP_COLUMNS)
    assert rebuilt == committed, "run `python -m etl.countries` and commit the seed"


def test_every_unvotes_pair_maps_on_every_vote_date(source_dir: Path) -> None:
    pairs = read_unvotes_pairs(source_dir / UN_VOTES_RELPATH, source_dir / UN_ROLL_CALLS_RELPATH)
    assert len(pairs) == 200
    seed = read_seed(UNVOTES_MAP_SEED)
    known = {int(r["ccode"]) for r in read_seed(CROSSWALK_SEED)}
    for p in pairs:
        for on in (p.first_vote, p.last_vote):
            ccode = ccode_for_vote(seed, p.country_code, p.country_name, on)
            assert ccode in known, (p, on)
    names = [r["country_name"] for r in seed]
    assert len({(r["country_name"], r["valid_from"]) for r in seed}) == len(seed)
    assert len(set(names)) == 200  # the name alone identifies a pair


def test_unvotes_map_historical_states() -> None:
    seed = read_seed(UNVOTES_MAP_SEED)

    def at(code: str, name: str, on: str) -> int | None:
        return ccode_for_vote(seed, code, name, date.fromisoformat(on))

    assert at("NA", "Namibia", "2000-01-01") == 565
    assert at("YU", "Yugoslavia", "1970-01-01") == at("YU", "Yugoslavia", "2015-01-01") == 345
    assert at("CS", "Czechoslovakia", "1980-01-01") == 315
    assert at("DD", "German Democratic Republic", "1980-01-01") == 265
    assert at("YD", "Yemen People's Republic", "1980-01-01") == 680
    assert at("RU", "Russia", "1960-01-01") == 365
    assert at("DE", "Germany", "2000-01-01") == 255
    assert at("YE", "Yemen", "2000-01-01") == 679
    assert at("", "Zanzibar", "1963-12-03") == 511
    assert at("", "Federal Republic of Germany", "1990-10-02") == 260
    assert at("", "Federal Republic of Germany", "1990-10-03") == 255
    assert at("", "Yemen Arab Republic", "1990-05-21") == 678
    assert at("", "Yemen Arab Republic", "1990-05-22") == 679


def test_a_label_spanning_two_cow_states_is_split_at_cow_dates(resolver: CountryResolver) -> None:
    pair = UnvotesPair("", "Federal Republic of Germany", date(1973, 10, 1), date(1990, 12, 6), 9)
    rows = build_unvotes_country_map([pair], resolver, overrides={})
    assert [(r["ccode"], r["valid_from"], r["valid_to"]) for r in rows] == [
        ("260", "", "1990-10-02"), ("255", "1990-10-03", ""),
    ]
    # The same label used only before unification is not split.
    early = UnvotesPair("", "Federal Republic of Germany", date(1973, 10, 1), date(1989, 12, 6), 9)
    rows = build_unvotes_country_map([early], resolver, overrides={})
    assert [(r["ccode"], r["valid_from"], r["valid_to"]) for r in rows] == [("260", "", "")]


def test_an_unmappable_pair_is_refused(resolver: CountryResolver) -> None:
    pair = UnvotesPair("QQ", "Atlantis", date(2000, 1, 1), date(2001, 1, 1), 3)
    with pytest.raises(CountryDataError, match="Atlantis"):
        build_unvotes_country_map([pair], resolver, overrides={})


# ---- Voeten cross-check ---------------------------------------------------------------------


def _gz(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return path


def test_voeten_check_finds_a_wrong_ccode(tmp_path: Path) -> None:
    roll_calls = _gz(tmp_path / "rc.csv.gz", "rcid,session,importantvote,date\n"
                     "1,1,0,1950-01-01\n2,1,0,1950-01-02\n")
    un_votes = _gz(tmp_path / "v.csv.gz", "rcid,country,country_code,vote\n"
                   "1,Atlantis,AT,yes\n2,Atlantis,AT,no\n1,Lemuria,LM,no\n")
    voeten = _gz(tmp_path / "voeten.csv.gz", "rcid,session,vote,ccode\n"
                 "1,1,1,305\n2,1,3,305\n1,1,3,310\n2,1,1,310\n")
    map_rows = [
        {"country_code": "AT", "country_name": "Atlantis", "ccode": "310", "valid_from": "",
         "valid_to": "", "note": ""},  # wrong: Voeten has Atlantis's votes under 305
        {"country_code": "LM", "country_name": "Lemuria", "ccode": "310", "valid_from": "",
         "valid_to": "", "note": ""},
    ]
    checks = {c.country_name: c for c in
              check_unvotes_map_against_voeten(map_rows, un_votes, roll_calls, voeten)}
    assert (checks["Atlantis"].agree, checks["Atlantis"].compared) == (0, 2)
    assert checks["Atlantis"].voeten_ccodes.most_common(1) == [(305, 2)]
    assert (checks["Lemuria"].agree, checks["Lemuria"].compared) == (1, 1)


def test_unvotes_map_agrees_with_voeten(source_dir: Path) -> None:
    checks = check_unvotes_map_against_voeten(
        read_seed(UNVOTES_MAP_SEED), source_dir / UN_VOTES_RELPATH,
        source_dir / UN_ROLL_CALLS_RELPATH, source_dir / VOETEN_RELPATH)
    disagreeing = {(c.country_name, c.ccode): c for c in checks if c.agree < c.compared}
    # The one known difference: unvotes' "Yemen Arab Republic" votes of session 45 (Sept-Dec
    # 1990) are united Yemen's (COW 679 from 1990-05-22); Voeten codes them 678.
    assert set(disagreeing) == {("Yemen Arab Republic", 679)}
    assert disagreeing[("Yemen Arab Republic", 679)].mismatch_sessions.keys() == {45}
    assert sum(c.agree for c in checks) > 738_000


# ---- resolver -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ccode"),
    [
        ("Burma", 775), ("Zaire", 490), ("Ivory Coast", 437), ("Côte d’Ivoire", 437),
        ("Czech Republic", 316), ("Czechoslovakia", 315), ("Macedonia", 343),
        ("North Macedonia", 343), ("Republic of Korea", 732), ("South Korea", 732),
        ("Korea", 732), ("North Korea", 731), ("Micronesia", 987), ("East Timor", 860),
        ("Swaziland", 572), ("Eswatini", 572), ("Soviet Union", 365), ("USSR", 365),
        ("United Kingdom", 200), ("the Netherlands", 210), ("Namibia", 565), ("Serbia", 345),
        ("Kosovo", 347), ("Taiwan", 713), ("Yemen People's Republic", 680),
        ("Bosnia & Herzegovina", 346), ("Türkiye", 640),
    ],
)
def test_resolve_country_names(resolver: CountryResolver, name: str, ccode: int) -> None:
    assert resolver.resolve_country(name) == ccode


def test_resolver_uses_the_date_for_shared_iso_codes(resolver: CountryResolver) -> None:
    assert resolver.resolve_country("Germany") == 255
    assert resolver.resolve_country("Federal Republic of Germany", on_date=date(1980, 1, 1)) == 260
    assert resolver.resolve_country("Federal Republic of Germany", on_date=date(2000, 1, 1)) == 255
    assert resolver.resolve_country("Yemen", on_date=date(1985, 1, 1)) == 678
    assert resolver.resolve_country("Yemen") == 679


@pytest.mark.parametrize(
    ("name", "org_code"),
    [("EU", "EU"), ("European Union", "EU"), ("NATO", "NATO"), ("Arab League", "LAS"),
     ("League of Arab States", "LAS"), ("Interpol", "INTERPOL"), ("CEN-SAD", "CENSAD"),
     ("ECCAS", "ECCAS")],
)
def test_organisations_are_never_countries(resolver: CountryResolver, name: str,
                                           org_code: str) -> None:
    res = resolver.resolve(name)
    assert res is not None and res.kind == "organisation" and res.org_code == org_code
    assert resolver.resolve_country(name) is None


def test_unknown_names_resolve_to_nothing(resolver: CountryResolver) -> None:
    assert resolver.resolve("Atlantis") is None
    assert resolver.resolve_country("") is None
    assert resolver.resolve_country("Holy See") is None  # not a COW state


def test_alias_table_refuses_conflicting_aliases(tmp_path: Path, source_dir: Path) -> None:
    aliases = _write(tmp_path / "aliases.csv", "alias,ccode,note\nBurma,775,\nburma,2,\n")
    with pytest.raises(SourceFileError) as err:
        CountryResolver.from_files(source_dir / STATES_RELPATH, aliases_csv=aliases)
    assert err.value.line == 3


def test_normalise_name() -> None:
    assert normalise_name("  Côte d’Ivoire ") == "cote d ivoire"
    assert normalise_name("The Gambia") == "gambia"
    assert normalise_name("St. Kitts & Nevis") == "st kitts and nevis"


def test_seed_csvs_are_utf8_with_unix_newlines() -> None:
    for seed in (CROSSWALK_SEED, UNVOTES_MAP_SEED):
        data = seed.read_bytes()
        assert b"\r\n" not in data
        data.decode("utf-8")
        with open(seed, encoding="utf-8", newline="") as fh:
            widths = {len(row) for row in csv.reader(fh)}
        assert len(widths) == 1
