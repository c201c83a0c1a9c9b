"""Loads are atomic and idempotent; rejected rows are kept; counts reconcile; the guards refuse
what a file may not do (too many rejects, a shrink, duplicate keys) and mark a file that is not
the catalog's release as unverified."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import migrate
from etl.config import Settings
from etl.db import connect
from etl.errors import SourceFileError
from etl.ledger import Guards, load_file
from etl.sources import unga
from etl.sources.base import ParseStream, Rejected
from tests.conftest import write_csv

pytestmark = pytest.mark.integration

HEADER = "rcid,country,country_code,vote"
# lenient guards, for the tests of atomicity and idempotence on tiny files
LENIENT = Guards(max_reject_share=0.5, max_shrink_share=1.0)
KEY = ("rcid", "country")


def _load(conn, path: Path, full: bool = False, guards: Guards = LENIENT,  # type: ignore[no-untyped-def]
          **kwargs):
    return load_file(conn, source="unga", file_name="unvotes_votes", path=path,
                     table="unvotes_votes", parse=unga.stream_unvotes_votes, full=full,
                     guards=guards, **kwargs)


def _votes(n: int, start: int = 1) -> str:
    return "".join(f"{i},Canada,CA,yes\n" for i in range(start, start + n))


def _count(conn, sql: str) -> int:  # type: ignore[no-untyped-def]
    return int(conn.execute(sql).fetchone()[0])


def test_load_is_idempotent_atomic_and_reconciles(throwaway_db: Settings, tmp_path: Path) -> None:
    migrate.upgrade(throwaway_db)
    good = write_csv(tmp_path / "v1.csv", f"""
        {HEADER}
        3,Namibia,NA,yes
        3,Canada,CA,no
        3,Cuba,CU,perhaps
    """)
    with connect(throwaway_db) as conn:
        first = _load(conn, good)
        assert (first.status, first.rows_read, first.rows_loaded, first.rows_rejected) == (
            "loaded", 3, 2, 1)
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 2
        assert _count(conn, "select count(*) from raw.rejected_rows where line_number = 4") == 1
        assert conn.execute(
            "select country_code from raw.unvotes_votes where country = 'Namibia'"
        ).fetchone()[0] == "NA"

        # the same file again adds nothing
        again = _load(conn, good)
        assert again.status == "unchanged"
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 2
        assert _count(conn, "select count(*) from raw.load_ledger") == 1

        # --full reloads: the file's rows are replaced, not added to
        full = _load(conn, good, full=True)
        assert full.status == "loaded"
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 2
        assert _count(conn, "select count(*) from raw.rejected_rows") == 1

        # a new version replaces the old rows
        newer = write_csv(tmp_path / "v2.csv", f"{HEADER}\n3,Namibia,NA,no\n")
        assert _load(conn, newer).rows_loaded == 1
        assert conn.execute("select vote from raw.unvotes_votes").fetchall() == [("no",)]

        # a truncated file fails, is recorded as failed, and leaves the contents intact
        broken = write_csv(tmp_path / "v3.csv", f"{HEADER}\n3,Canada,CA,yes\n3,Cuba\n")
        with pytest.raises(SourceFileError, match=r"v3\.csv, line 3"):
            _load(conn, broken)
        assert conn.execute("select vote from raw.unvotes_votes").fetchall() == [("no",)]
        status = conn.execute(
            "select status, error from raw.load_ledger order by load_id desc limit 1"
        ).fetchone()
        assert status[0] == "failed" and "line 3" in status[1]

        # ledger counts reconcile for every successful load
        bad = _count(conn, """
            select count(*) from raw.load_ledger
            where status = 'loaded' and rows_read <> rows_loaded + rows_rejected
        """)
        assert bad == 0


def test_too_many_rejects_refuses_the_file(throwaway_db: Settings, tmp_path: Path) -> None:
    migrate.upgrade(throwaway_db)
    rows = "".join(f"{i},Canada,CA,{'yes' if i % 2 else 'garbage'}\n" for i in range(1, 101))
    path = write_csv(tmp_path / "v.csv", f"{HEADER}\n{rows}")
    with connect(throwaway_db) as conn:
        with pytest.raises(SourceFileError, match="rejected .*nothing was loaded"):
            _load(conn, path, guards=Guards())
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 0


def test_the_reject_share_applies_to_small_files(throwaway_db: Settings, tmp_path: Path) -> None:
    """5 bad rows of 14 (36%) used to pass under max(10, 1%); now the share holds for any size."""
    migrate.upgrade(throwaway_db)
    rows = _votes(9) + "".join(f"{i},Cuba,CU,perhaps\n" for i in range(10, 15))
    path = write_csv(tmp_path / "small.csv", f"{HEADER}\n{rows}")
    with connect(throwaway_db) as conn:
        with pytest.raises(SourceFileError,
                           match=r"small\.csv, line 11: 5 of 14 rows rejected \(36%, over 1%"):
            _load(conn, path, guards=Guards())
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 0
        assert _count(conn, "select count(*) from raw.rejected_rows") == 0
        # one bad row in 200 (0.5%) is under the share: loaded, the row kept aside
        ok = write_csv(tmp_path / "ok.csv", f"{HEADER}\n{_votes(199)}200,Cuba,CU,perhaps\n")
        outcome = _load(conn, ok, guards=Guards())
        assert (outcome.rows_loaded, outcome.rows_rejected) == (199, 1)


def test_the_absolute_reject_cap_holds_for_big_files(throwaway_db: Settings,
                                                     tmp_path: Path) -> None:
    migrate.upgrade(throwaway_db)
    rows = _votes(996) + "".join(f"{i},Cuba,CU,perhaps\n" for i in range(997, 1001))
    path = write_csv(tmp_path / "big.csv", f"{HEADER}\n{rows}")
    with connect(throwaway_db) as conn:
        with pytest.raises(SourceFileError, match=r"4 of 1,000 rows rejected .*over the cap of 3"):
            _load(conn, path, guards=Guards(max_reject_share=0.5, max_rejected_rows=3))
        # under the cap, every reject is kept, even beyond the parser's default of 1,000 kept
        outcome = _load(conn, path, guards=Guards(max_reject_share=0.5, max_rejected_rows=4))
        assert outcome.rows_rejected == 4
        assert _count(conn, "select count(*) from raw.rejected_rows") == 4


def test_a_file_that_shrinks_is_refused_unless_accepted(throwaway_db: Settings,
                                                        tmp_path: Path) -> None:
    migrate.upgrade(throwaway_db)
    full = write_csv(tmp_path / "full.csv", f"{HEADER}\n{_votes(100)}")
    cut = write_csv(tmp_path / "cut.csv", f"{HEADER}\n{_votes(58)}")  # cut at a line boundary
    header_only = write_csv(tmp_path / "header.csv", f"{HEADER}\n")
    slightly = write_csv(tmp_path / "slightly.csv", f"{HEADER}\n{_votes(95)}")
    with connect(throwaway_db) as conn:
        first = _load(conn, full, guards=Guards()).load_id
        with pytest.raises(SourceFileError,
                           match=r"cut\.csv, line 59: .*58 rows against 100 .*42% fewer.*"
                                 r"--accept-shrink unvotes_votes"):
            _load(conn, cut, guards=Guards())
        with pytest.raises(SourceFileError, match=r"header\.csv, line 1: .* 0 rows .*100% fewer"):
            _load(conn, header_only, guards=Guards())
        # the warehouse keeps the full file's rows; the refusals are in the ledger
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 100
        in_first = f"select count(*) from raw.unvotes_votes where load_id = {first}"
        assert _count(conn, in_first) == 100
        assert _count(conn, "select count(*) from raw.load_ledger where status = 'failed'") == 2
        # 5% fewer is within the default share
        assert _load(conn, slightly, guards=Guards()).rows_loaded == 95
        # and --accept-shrink lets the cut file through
        assert _load(conn, cut, guards=Guards(), accept_shrink=True).rows_loaded == 58
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 58


def test_duplicate_keys_refuse_the_file(throwaway_db: Settings, tmp_path: Path) -> None:
    migrate.upgrade(throwaway_db)
    path = write_csv(tmp_path / "dup.csv", f"{HEADER}\n{_votes(5)}3,Canada,CA,no\n")
    with connect(throwaway_db) as conn:
        with pytest.raises(SourceFileError,
                           match=r"dup\.csv, line 7: duplicate row: rcid=3, country='Canada' "
                                 r"is already on line 4"):
            _load(conn, path, unique_key=KEY)
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 0
        # the same rows without the duplicate load
        ok = write_csv(tmp_path / "ok.csv", f"{HEADER}\n{_votes(5)}")
        assert _load(conn, ok, unique_key=KEY).rows_loaded == 5


def test_a_file_that_is_not_the_catalogs_release_is_loaded_unverified(
    throwaway_db: Settings, tmp_path: Path
) -> None:
    from etl.download import sha256_file

    migrate.upgrade(throwaway_db)
    path = write_csv(tmp_path / "v.csv", f"{HEADER}\n{_votes(3)}")
    with connect(throwaway_db) as conn:
        other = _load(conn, path, expected_sha256="0" * 64)
        assert (other.status, other.verification) == ("loaded", "unverified")
        same = _load(conn, path, full=True, expected_sha256=sha256_file(path))
        assert same.verification == "verified"
        assert conn.execute(
            "select verification, meta ->> 'catalog_sha256' from raw.load_ledger order by load_id"
        ).fetchall() == [("unverified", "0" * 64), ("verified", None)]
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 3


def test_a_stream_that_fails_midway_loads_nothing(throwaway_db: Settings, tmp_path: Path) -> None:
    """Rows already copied when the file turns out corrupt are rolled back with the rest."""
    migrate.upgrade(throwaway_db)
    path = write_csv(tmp_path / "v.csv", f"{HEADER}\n{_votes(3)}")

    def rows():  # type: ignore[no-untyped-def]
        for i in range(1, 50_001):
            yield (i + 1, i, "Canada", "CA", "yes")
        yield Rejected(50_002, "vote must be yes, no or abstain", "x")
        raise SourceFileError(path, 50_003, "cannot read compressed data (truncated?)")

    def parse(p: Path) -> ParseStream:
        return ParseStream(p, ["line_number", "rcid", "country", "country_code", "vote"], rows())

    with connect(throwaway_db) as conn:
        _load(conn, path)
        with pytest.raises(SourceFileError, match="line 50003: cannot read compressed"):
            load_file(conn, source="unga", file_name="unvotes_votes", path=path,
                      table="unvotes_votes", parse=parse, full=True)
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 3
        assert _count(conn, "select count(*) from raw.rejected_rows") == 0
        assert conn.execute(
            "select status from raw.load_ledger order by load_id desc limit 1"
        ).fetchone()[0] == "failed"


def test_migrations_round_trip(throwaway_db: Settings) -> None:
    migrate.upgrade(throwaway_db)
    migrate.downgrade(throwaway_db, "base")
    with connect(throwaway_db) as conn:
        assert _count(conn, """
            select count(*) from information_schema.tables
            where table_schema = 'raw' and table_name <> 'alembic_version'
        """) == 0
    migrate.upgrade(throwaway_db)
    with connect(throwaway_db) as conn:
        assert _count(conn, "select count(*) from raw.load_ledger") == 0


def test_a_coalition_list_that_shrinks_is_refused_unless_accepted(
    throwaway_db: Settings, tmp_path: Path, shared_data: Path
) -> None:
    from etl.sources import loaders

    migrate.upgrade(throwaway_db)
    header = ("coalition,member_name,ccode,org_code,role,joined,left,source_citation,source_url,"
              "note\n")
    rows = "".join(f"iraq_2003,{name},,,trainers_or_ground,2003,,A press release,,\n"
                   for name in ("Canada", "Mexico", "Chile"))
    user_dir = tmp_path / "coalitions"
    listed = write_csv(user_dir / "extra.csv", header + rows)
    paths = {"cow_states": shared_data / "cow" / "states2016.csv"}

    def ingest(**kwargs):  # type: ignore[no-untyped-def]
        return loaders.ingest_coalitions(paths, settings=throwaway_db, user_dir=user_dir,
                                         **kwargs)

    assert {o.status for o in ingest()} == {"loaded"}
    # (a header-only list is refused by the parser: "no member rows")
    listed.write_text(header + rows.splitlines(keepends=True)[0], encoding="utf-8")
    with pytest.raises(SourceFileError, match=r"extra\.csv: 1 rows against 3 .*67% fewer.*"
                                              r"--accept-shrink coalitions/sources/extra\.csv"):
        ingest()
    with connect(throwaway_db) as conn:
        assert _count(conn, "select count(*) from raw.coalition_members "
                            "inner join raw.load_ledger using (load_id) "
                            "where file_name = 'coalitions/sources/extra.csv'") == 3
    outcomes = {o.file_name: o for o in ingest(accept_shrink=["extra.csv"])}
    assert outcomes["coalitions/sources/extra.csv"].rows_loaded == 1


def test_a_reload_replaces_only_its_own_rows(throwaway_db: Settings, tmp_path: Path) -> None:
    """A table only one file loads into is emptied by TRUNCATE (a new file of the table, no dead
    rows); a table another file also loads into keeps that file's rows (DELETE of the file's)."""
    migrate.upgrade(throwaway_db)
    first = write_csv(tmp_path / "a.csv", f"{HEADER}\n{_votes(3)}")
    second = write_csv(tmp_path / "b.csv", f"{HEADER}\n{_votes(2, start=10)}")
    with connect(throwaway_db) as conn:
        _load(conn, first)
        filenode = "select pg_relation_filenode('raw.unvotes_votes')"
        before = conn.execute(filenode).fetchone()
        _load(conn, first, full=True)  # the only file of the table: truncated, a new file
        assert conn.execute(filenode).fetchone() != before
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 3
        # another file into the same table: the reload of the first keeps the second's rows
        load_file(conn, source="unga", file_name="other_votes", path=second,
                  table="unvotes_votes", parse=unga.stream_unvotes_votes, full=False,
                  guards=LENIENT)
        _load(conn, first, full=True)
        rcids = [r[0] for r in conn.execute("select rcid from raw.unvotes_votes order by rcid")]
        assert rcids == [1, 2, 3, 10, 11]
