"""Coalition lists and treaty texts land in the raw schema through ``ingest.ingest_source``, as the
refresh flow calls it: each file atomic and ledgered, a re-run adds nothing, a bad coalition file
is refused whole with its file and line, and the comparison with ATOP is computed on the real
NATO and ANZUS texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import ingest, migrate, transform
from etl.config import Settings
from etl.db import connect
from etl.errors import SourceFileError
from etl.sources import catalog

pytestmark = pytest.mark.integration

SRC = '"A publisher, a statement, 1999"'
MEMBER_HEADER = ("coalition,member_name,ccode,org_code,role,joined,left,source_citation,"
                 "source_url,note\n")
META_HEADER = "coalition,leader_ccode,start_date,end_date,purpose,source_citation,source_url\n"


def _source_dir(tmp_path: Path, shared_data: Path) -> tuple[Path, dict[str, Path]]:
    """A source directory laid out like ../shared/data (links to the shared files), and the
    catalog paths resolved in it, as ``resolve_sources`` gives them to the flow."""
    root = tmp_path / "sources"
    paths = {}
    for entry in catalog.entries():
        target = root / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(shared_data / entry.relpath)
        paths[entry.name] = target
    return root, paths


def _count(conn, query: str) -> int:  # type: ignore[no-untyped-def]
    return int(conn.execute(query).fetchone()[0])


def _counts(conn) -> dict[str, int]:  # type: ignore[no-untyped-def]
    tables = ("coalitions", "coalition_members", "treaties", "treaty_articles",
              "treaty_provisions", "treaty_atop_links", "load_ledger")
    return {t: _count(conn, f"select count(*) from raw.{t}") for t in tables}


def test_coalitions_and_treaties_ingest_idempotently(
    throwaway_db: Settings, shared_data: Path, tmp_path: Path
) -> None:
    migrate.upgrade(throwaway_db)
    _root, paths = _source_dir(tmp_path, shared_data)

    coalition_loads = ingest.ingest_source("coalitions", paths)
    treaty_loads = ingest.ingest_source("treaties", paths)
    assert {o.status for o in coalition_loads + treaty_loads} == {"loaded"}
    assert all(o.rows_read == o.rows_loaded + o.rows_rejected for o in coalition_loads)
    assert sorted(o.file_name for o in treaty_loads) == [
        "treaties/anzus_security_treaty_1951.txt", "treaties/north_atlantic_treaty_1949.txt",
        "treaty_atop_links"]
    with connect(throwaway_db) as conn:
        first = _counts(conn)
        assert first["coalitions"] == 2
        assert first["coalition_members"] == sum(
            o.rows_loaded for o in coalition_loads
            if o.file_name != "coalitions/curated/coalitions.csv")
        assert (first["treaties"], first["treaty_articles"], first["treaty_provisions"],
                first["treaty_atop_links"]) == (2, 29, 16, 2)
        # one ledger row per file; a treaty's counts span its three tables
        nato = conn.execute(
            "select rows_read, rows_loaded, meta -> 'rows_by_table' from raw.load_ledger "
            "where file_name = 'treaties/north_atlantic_treaty_1949.txt'").fetchone()
        assert nato[0] == nato[1] == 25
        assert nato[2] == {"treaties": 1, "treaty_articles": 16, "treaty_provisions": 8}
        # organisations stay organisations
        assert _count(conn, "select count(*) from raw.coalition_members "
                            "where org_code in ('EU', 'NATO', 'LAS', 'INTERPOL')") == 4
        # every raw span is the snippet
        assert _count(conn, """
            select count(*) from raw.treaty_provisions as p
            inner join raw.treaties as t using (treaty_id)
            where substr(t.treaty_text, p.span_start + 1, p.span_end - p.span_start) <> p.snippet
        """) == 0

    again = ingest.ingest_source("coalitions", paths) + ingest.ingest_source("treaties", paths)
    assert {o.status for o in again} == {"unchanged"}
    with connect(throwaway_db) as conn:
        assert _counts(conn) == first


@pytest.mark.parametrize(("row", "expected"), [
    ("kosovo_1999,Ruritania,,,member,1999,,{src},,",
     "unknown country or organisation name 'Ruritania'"),
    ("kosovo_1999,France,220,,member,1999,,{src},,", "duplicate row: 'France' is already listed"),
    ("kosovo_1999,Italy,325,,member,1999,,,,", "has no source_citation"),
    ("kosovo_1999,Italy,325,,member,1999-02-30,,{src},,", "joined/left"),
])
def test_bad_coalition_file_is_refused_whole(
    throwaway_db: Settings, shared_data: Path, tmp_path: Path, row: str, expected: str
) -> None:
    migrate.upgrade(throwaway_db)
    root, paths = _source_dir(tmp_path, shared_data)
    ingest.ingest_source("coalitions", paths)
    with connect(throwaway_db) as conn:
        before = _counts(conn)

    user = root / "coalitions"
    user.mkdir()
    (user / "coalitions.csv").write_text(
        META_HEADER + f"kosovo_1999,2,1999-03-24,1999-06-10,Operation Allied Force,{SRC},\n",
        encoding="utf-8")
    bad = user / "kosovo_1999.csv"
    bad.write_text(MEMBER_HEADER + f"kosovo_1999,France,220,,member,1999,,{SRC},,\n"
                   + row.format(src=SRC) + "\n", encoding="utf-8")

    with pytest.raises(SourceFileError, match=expected) as err:
        ingest.ingest_source("coalitions", paths)
    assert (err.value.path, err.value.line) == (str(bad), 3)
    assert f"{bad}, line 3" in str(err.value)

    with connect(throwaway_db) as conn:
        after = _counts(conn)
        # nothing loaded from it, nor from its coalitions.csv: only the failure is recorded
        assert _count(conn, "select count(*) from raw.coalition_members "
                            "where coalition = 'kosovo_1999'") == 0
        assert _count(conn, "select count(*) from raw.coalitions "
                            "where coalition = 'kosovo_1999'") == 0
        failure = conn.execute(
            "select file_name, status, error from raw.load_ledger order by load_id desc limit 1"
        ).fetchone()
    assert failure[:2] == ("coalitions/sources/kosovo_1999.csv", "failed")
    assert "line 3" in failure[2]
    assert after == {**before, "load_ledger": before["load_ledger"] + 1}


def test_user_list_loads_and_leaves_when_removed(
    throwaway_db: Settings, shared_data: Path, tmp_path: Path
) -> None:
    migrate.upgrade(throwaway_db)
    root, paths = _source_dir(tmp_path, shared_data)
    user = root / "coalitions"
    user.mkdir()
    (user / "coalitions.csv").write_text(
        META_HEADER + f"kosovo_1999,2,1999-03-24,1999-06-10,Operation Allied Force,{SRC},\n",
        encoding="utf-8")
    names = user / "kosovo_1999.txt"
    names.write_text(f"# coalition: kosovo_1999\n# source: {SRC}\n# role: airstrikes\n"
                     "France\nUnited Kingdom\nNATO\n", encoding="utf-8")

    outcomes = ingest.ingest_source("coalitions", paths)
    by_name = {o.file_name: o for o in outcomes}
    assert by_name["coalitions/sources/kosovo_1999.txt"].rows_loaded == 3
    with connect(throwaway_db) as conn:
        members = conn.execute(
            "select member_name, ccode, org_code, role, line_number from raw.coalition_members "
            "where coalition = 'kosovo_1999' order by line_number").fetchall()
    assert members == [("France", 220, None, "airstrikes", 4),
                       ("United Kingdom", 200, None, "airstrikes", 5),
                       ("NATO", None, "NATO", "airstrikes", 6)]

    names.unlink()
    outcomes = ingest.ingest_source("coalitions", paths)
    removed = [o for o in outcomes if o.status == "removed"]
    assert [o.file_name for o in removed] == ["coalitions/sources/kosovo_1999.txt"]
    with connect(throwaway_db) as conn:
        assert _count(conn, "select count(*) from raw.coalition_members "
                            "where coalition = 'kosovo_1999'") == 0
        assert _count(conn, "select count(*) from raw.coalitions "
                            "where coalition = 'kosovo_1999'") == 1

    # the same file back again is loaded, not skipped as unchanged
    names.write_text(f"# coalition: kosovo_1999\n# source: {SRC}\n# role: airstrikes\n"
                     "France\nUnited Kingdom\nNATO\n", encoding="utf-8")
    outcomes = ingest.ingest_source("coalitions", paths)
    statuses = {o.file_name: o.status for o in outcomes}
    assert statuses["coalitions/sources/kosovo_1999.txt"] == "loaded"


def test_added_treaty_text_is_loaded_and_compared_with_atop(
    throwaway_db: Settings, shared_data: Path, tmp_path: Path
) -> None:
    """A user's text is split and searched like the real ones; the real NATO and ANZUS texts,
    compared with ATOP by dbt, agree on every provision type but the documented ones."""
    migrate.upgrade(throwaway_db)
    root, paths = _source_dir(tmp_path, shared_data)
    manifest = root / "treaties" / "MANIFEST.csv"
    text = manifest.read_text(encoding="utf-8")
    manifest.unlink()  # a symlink to the read-only shared file: write a copy instead
    manifest.write_text(
        text.rstrip("\n") + "\npact.txt,Pact of Guarantee,1960-01-19,Ruritania;Freedonia,,full,\n",
        encoding="utf-8")
    (root / "treaties" / "pact.txt").write_text(
        "Pact of Guarantee\n\nArticle 1\nRuritania undertakes to defend the territory of "
        "Freedonia against armed attack.\n\nArticle 2\nThis Pact shall remain in force for ten "
        "years.\n", encoding="utf-8")

    ingest.ingest_source("atop", paths)
    outcomes = ingest.ingest_source("treaties", paths)
    assert {o.file_name for o in outcomes} >= {"treaties/pact.txt"}
    with connect(throwaway_db) as conn:
        pact = conn.execute(
            "select article_number, provision_type, binding, obligated_party, beneficiary "
            "from raw.treaty_provisions where treaty_id = 'pact' order by provision_ordinal"
        ).fetchall()
    assert pact == [("1", "collective_defence", "one_way", "Ruritania", "Freedonia"),
                    ("2", "duration_withdrawal", "all_parties", "all", "all")]

    transform.run_dbt(["run", "-s", "+treaty_atop_comparison"], throwaway_db)
    with connect(throwaway_db) as conn:
        rows = conn.execute(
            "select treaty_id, provision_type, is_detected, is_atop_coded, agreement, "
            "is_agreement_first_phase from marts.treaty_atop_comparison").fetchall()
        detected = conn.execute(
            "select treaty_id, article_label, binding from marts.fct_treaty_provision "
            "where provision_type = 'collective_defence' and treaty_id <> 'pact' "
            "order by treaty_id, provision_ordinal").fetchall()
    comparison = {(r[0], r[1]): r[2:] for r in rows}
    assert len(comparison) == 16  # the user's pact has no ATOP link: not compared
    disagreements = {k: v[2] for k, v in comparison.items() if v[2] not in ("both", "neither")}
    assert disagreements == {
        ("north_atlantic_treaty_1949", "military_aid"): "text_only",
        ("anzus_security_treaty_1951", "military_aid"): "text_only",
        ("north_atlantic_treaty_1949", "bases_facilities"): "atop_only",
    }
    for treaty_id in ("north_atlantic_treaty_1949", "anzus_security_treaty_1951"):
        for provision_type in ("collective_defence", "consultation", "non_aggression",
                               "duration_withdrawal", "geographic_scope"):
            assert comparison[(treaty_id, provision_type)][:3] == (True, True, "both")
        assert comparison[(treaty_id, "neutrality")][:3] == (False, False, "neither")
    # NATO's bases come from ATOP's second phase: the first phase agrees with the text
    assert comparison[("north_atlantic_treaty_1949", "bases_facilities")][3] is True
    assert ("anzus_security_treaty_1951", "IV", "all_parties") in detected
    assert ("north_atlantic_treaty_1949", "5", "all_parties") in detected
