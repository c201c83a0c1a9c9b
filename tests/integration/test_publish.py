"""Write-audit-publish: a refresh publishes its marts only when every test passed.

On a slice of the shared data (two sessions), in a throwaway database. The refresh runs as the
flow runs it, without Prefect (``tests.utils.crash._refresh_steps``). Failures are made in the
raw layer itself, so that they reach dbt whatever the parsers will refuse one day:

- a CINC of NaN fails a staging range test: nothing downstream is built, nothing published;
- a capability row of an unknown state is built into the shadow ``fct_capability_year`` and
  fails that mart's relationships test there: nothing is published either.

Each time every published mart is checked row by row (count and checksum of its rows).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from etl import transform
from etl.config import Settings, get_settings
from etl.db import connect
from tests.utils.crash import _refresh_steps, mart_checksums
from tests.utils.slices import make_source_slice

pytestmark = pytest.mark.integration

SESSIONS = {57, 58}


@pytest.fixture(scope="module")
def analyst() -> Iterator[tuple[str, str]]:
    """A test-only analyst role (roles are server-wide) with a password of its own."""
    name, password = f"analyst_p{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCES_ANALYST_ROLE", name)
        mp.setenv("ALLIANCES_ANALYST_PASSWORD", password)
        get_settings.cache_clear()
        yield name, password
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def built(without_dbt_unit_tests: None, analyst: tuple[str, str], shared_data: Path,
          server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    from tests.conftest import _throwaway

    sources = make_source_slice(shared_data, tmp_path_factory.mktemp("sources"), SESSIONS)
    with _throwaway(server_url, tmp_path_factory.mktemp("db")) as settings:
        _refresh_steps(sources, full=False)
        yield settings
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop role if exists "{analyst[0]}"')


def _checksums(settings: Settings) -> dict[str, tuple[int, str]]:
    with connect(settings, autocommit=True) as conn:
        return mart_checksums(conn)


def _build_cow(settings: Settings) -> None:
    transform.build(changed_sources=["cow"], settings=settings)


def test_nan_capability_fails_and_publishes_nothing(built: Settings) -> None:
    before = _checksums(built)
    assert before["fct_capability_year"][0] > 0
    with connect(built, autocommit=True) as conn:
        conn.execute("update raw.cow_nmc set cinc = 'NaN' where row_id = "
                     "(select min(row_id) from raw.cow_nmc)")
    try:
        with pytest.raises(transform.DbtBuildFailed) as failure:
            _build_cow(built)
        assert failure.value.published is False
        assert any("cinc" in name for name in failure.value.failed), failure.value.failed
        assert "nothing was published" in str(failure.value)
        assert _checksums(built) == before
    finally:
        with connect(built, autocommit=True) as conn:
            conn.execute("update raw.cow_nmc set cinc = 0.001 where cinc = 'NaN'")


def test_failing_mart_test_publishes_nothing_and_status_names_it(built: Settings) -> None:
    from etl.cli import app

    before = _checksums(built)
    with connect(built, autocommit=True) as conn:
        # a CINC of 7 (a share: 0 to 1) fails the range test; an unknown state would fail the
        # mart's foreign key to dim_country already at build time, before any test
        row_id, cinc = conn.execute(
            "select row_id, cinc from raw.cow_nmc order by row_id limit 1").fetchone()
        conn.execute("update raw.cow_nmc set cinc = 7 where row_id = %s", (row_id,))
        run_id = conn.execute(
            "insert into raw.refresh_runs (started_at, status, is_full) "
            "values (now(), 'running', false) returning run_id").fetchone()[0]
    try:
        with pytest.raises(transform.DbtBuildFailed) as failure:
            _build_cow(built)
        failed = failure.value.failed
        assert any("value_between_fct_capability_year_cinc" in name for name in failed), failed
        # the failing mart was built, in the shadow only; the published one is as it was
        with connect(built, autocommit=True) as conn:
            shadow = conn.execute(
                "select count(*) from marts__shadow.fct_capability_year where cinc = 7"
            ).fetchone()
            published = conn.execute(
                "select count(*) from marts.fct_capability_year where cinc = 7").fetchone()
            from etl import status

            status.finish_refresh(conn, run_id, status="failed", error=str(failure.value))
        assert shadow == (1,) and published == (0,)
        assert _checksums(built) == before
        result = CliRunner().invoke(app, ["status"])
        assert "value_between_fct_capability_year_cinc" in result.output
        assert "nothing was published" in result.output
    finally:
        with connect(built, autocommit=True) as conn:
            conn.execute("update raw.cow_nmc set cinc = %s where row_id = %s", (cinc, row_id))


def test_readers_never_see_an_empty_or_half_built_mart(built: Settings) -> None:
    """Readers loop over the mart while a refresh rebuilds it with other values: each read
    sees the old mart or the new one, whole, and never an error."""
    table = "marts.fct_capability_year"
    query = f"select count(*), sum(cinc) from {table}"
    view_query = "select count(*), sum(cinc) from reporting.capabilities"
    with connect(built, autocommit=True) as conn:
        old = conn.execute(query).fetchone()
        conn.execute("update raw.cow_nmc set cinc = cinc / 2 where year = "
                     "(select max(year) from raw.cow_nmc)")
        # a BI tool's own view on the mart, outside dbt, and a view on that view
        conn.execute("create schema reporting")  # a BI tool's own schema
        conn.execute(f"create view reporting.capabilities as select ccode, year, cinc from {table}")
        conn.execute("create view reporting.capabilities_count as select count(*) as n "
                     "from reporting.capabilities")
        conn.execute(sql.SQL("grant select on reporting.capabilities to {}").format(
            sql.Identifier(built.analyst_role)))
        assert conn.execute(view_query).fetchone() == old
    seen: list[tuple] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            with connect(built, autocommit=True) as reader:
                while not stop.is_set():
                    seen.append(tuple(reader.execute(query).fetchone()))  # type: ignore[arg-type]
                    time.sleep(0.01)
        except BaseException as exc:  # noqa: BLE001 - any failure of a reader fails the test
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        _build_cow(built)
    finally:
        time.sleep(0.2)
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
    with connect(built, autocommit=True) as conn:
        new = conn.execute(query).fetchone()
        # the BI views were created again on the new mart, with their grant
        assert conn.execute(view_query).fetchone() == new
        assert conn.execute("select n from reporting.capabilities_count").fetchone() == (new[0],)
        assert conn.execute("select has_table_privilege(%s, 'reporting.capabilities', 'select')",
                            (built.analyst_role,)).fetchone() == (True,)
    assert not errors, errors
    assert new != old and new[0] == old[0]
    assert len(seen) > 10
    assert set(seen) <= {tuple(old), tuple(new)}, set(seen) - {tuple(old), tuple(new)}
    assert tuple(new) in set(seen[-3:])


def test_republished_marts_are_readable_by_the_analyst_url(
    built: Settings, analyst: tuple[str, str]
) -> None:
    """After the swaps, the analyst login of `alliances db url --analyst` reads every mart,
    and no shadow schema is left."""
    from etl.cli import app

    result = CliRunner().invoke(app, ["db", "url", "--analyst"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith(f"postgresql://{analyst[0]}:")
    with connect(built, autocommit=True) as owner:
        marts = [r[0] for r in owner.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by 1").fetchall()]
        shadows = owner.execute(
            "select count(*) from pg_namespace where nspname like '%%\\_\\_shadow'").fetchone()
    assert len(marts) >= 15
    assert shadows == (0,)
    with psycopg.connect(url) as conn:
        for name in marts:
            conn.execute(f'select * from marts."{name}" limit 1').fetchall()
