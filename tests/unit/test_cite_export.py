"""`alliances cite --bibtex` parses as BibTeX; the export's filter check and Stata names."""

from __future__ import annotations

import bibtexparser
import pytest
from typer.testing import CliRunner

from etl import cite
from etl.cli import app
from etl.export import ExportError, check_where, stata_names
from etl.sources import catalog


def test_cite_bibtex_parses_and_covers_every_source() -> None:
    result = CliRunner().invoke(app, ["cite", "--all", "--bibtex"])
    assert result.exit_code == 0, result.output
    db = bibtexparser.loads(result.stdout)
    keys = [e["ID"] for e in db.entries]
    assert len(keys) == len(set(keys)) == len(cite.all_references())
    assert {"bailey2017", "leeds2002", "singer1972", "coalition_iraq_2003"} <= set(keys)
    # every catalog file is named in the note of a data entry
    notes = " ".join(e.get("note", "") for e in db.entries).replace("\\_", "_")
    for entry in catalog.entries():
        assert entry.relpath in notes, entry.name
    leeds = next(e for e in db.entries if e["ID"] == "leeds2002")
    assert leeds["ENTRYTYPE"] == "article" and leeds["year"] == "2002"
    assert leeds["doi"] == "10.1080/03050620213653"


def test_lineage_picks_the_references_of_the_sources_behind_a_mart() -> None:
    manifest = {
        "nodes": {"model.p.m": {"resource_type": "model", "name": "m", "unique_id": "model.p.m"},
                  "model.p.i": {"resource_type": "model", "name": "i", "unique_id": "model.p.i"}},
        "sources": {"source.p.atop.atop_members": {"source_name": "atop",
                                                   "name": "atop_members"}},
        "parent_map": {"model.p.m": ["model.p.i", "seed.p.country_crosswalk"],
                       "model.p.i": ["source.p.atop.atop_members"]},
    }
    result = cite.cite("m", manifest)
    assert result.sources == ["atop.atop_members"]
    assert [r.key for r in result.references] == ["data_atop_members", "leeds2002"]


def test_special_characters_are_escaped() -> None:
    ref = cite.Reference("k", "misc", {"title": "A & B_c 50%", "url": "http://x/a_b"}, "")
    parsed = bibtexparser.loads(ref.bibtex()).entries[0]
    assert parsed["title"] == r"A \& B\_c 50\%"
    assert parsed["url"] == "http://x/a_b"


@pytest.mark.parametrize("where, expected", [
    ("year >= 2000 AND ccode IN (2, 200)", "year >= 2000 and ccode in ( 2 , 200 )"),
    ("name like 'O''Brien%' or name is not null", "name like 'O''Brien%' or name is not null"),
    ("not (year between 1990 and 1999)", "not ( year between 1990 and 1999 )"),
])
def test_plain_filters_pass(where: str, expected: str) -> None:
    assert check_where(where, {"year", "ccode", "name"}) == expected


@pytest.mark.parametrize("where", [
    "year = 1; delete from marts.x", "year = 1 -- x", "year = 1 /* x */", "ccode::text = '2'",
    "version() is not null", "raw.load_ledger is null", "(year = 1", "year = 1)", "",
    "\"year\" = 1", "year = $1", "year = 1 union select 1",
])
def test_anything_else_is_refused(where: str) -> None:
    with pytest.raises(ExportError):
        check_where(where, {"year", "ccode", "name"})


def test_stata_names_are_cut_to_32_and_stay_unique() -> None:
    a, b = "x" * 40, "x" * 35
    names = stata_names(["ccode", a, b])
    assert names[0] == "ccode"
    assert all(len(n) <= 32 for n in names) and len(set(names)) == 3
    assert names[1] == "x" * 32 and names[2] == "x" * 30 + "_1"


def test_citation_cff_names_the_package_version_and_licence() -> None:
    import tomllib

    import yaml

    from etl.config import PROJECT_ROOT

    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text())
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == project["version"]
    assert cff["license"] == project["license"]["text"] == "MIT"
    assert (PROJECT_ROOT / "LICENSE").read_text().startswith("MIT License")
