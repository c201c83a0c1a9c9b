"""Loads are atomic and idempotent; rejected rows are kept; counts reconcile."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import migrate
from etl.config import Settings
from etl.db import connect
from etl.errors import SourceFileError
from etl.ledger import load_file
from etl.sources import unga
from tests.conftest import write_csv

pytestmark = pytest.mark.integration

HEADER = "rcid,country,country_code,vote"


def _load(conn, path: Path, full: bool = False):  # type: ignore[no-untyped-def]
    return load_file(conn, source="unga", file_name="unvotes_votes", path=path,
                     table="unvotes_votes", parse=unga.parse_unvotes_votes, full=full)


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
    rows = "".join(f"{i},Canada,CA,{'yes' if i % 2 else 'garbage'}\n" for i in range(100))
    path = write_csv(tmp_path / "v.csv", f"{HEADER}\n{rows}")
    with connect(throwaway_db) as conn:
        with pytest.raises(SourceFileError, match="rejected .*nothing was loaded"):
            _load(conn, path)
        assert _count(conn, "select count(*) from raw.unvotes_votes") == 0


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
