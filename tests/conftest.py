"""Shared fixtures: the shared data directory and throwaway warehouse databases.

Integration tests run against a real PostgreSQL: the embedded default (the project's own server
under .warehouse/) or the server of DATABASE_URL when it is set. Each test module gets a fresh
database on that server, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from etl.config import PROJECT_ROOT, Settings, get_settings

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def server_url() -> str:
    """A URL of the test server's maintenance database (embedded default or DATABASE_URL)."""
    from etl.db import database_url

    get_settings.cache_clear()
    url = make_url(database_url(get_settings()))
    return url.set(database="postgres").render_as_string(hide_password=False)


@contextlib.contextmanager
def _throwaway(server_url: str, workdir: Path) -> Iterator[Settings]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        mp.setenv("ALLIANCES_WAREHOUSE_DIR", str(workdir / "warehouse"))
        get_settings.cache_clear()
        try:
            yield get_settings()
        finally:
            get_settings.cache_clear()
            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute(f'drop database if exists "{name}" with (force)')
    get_settings.cache_clear()


@pytest.fixture()
def throwaway_db(server_url: str, tmp_path: Path) -> Iterator[Settings]:
    """A fresh, empty database; DATABASE_URL points at it for the test; dropped afterwards."""
    with _throwaway(server_url, tmp_path) as settings:
        yield settings


@pytest.fixture(scope="module")
def module_db(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """As throwaway_db, shared by the tests of one module."""
    with _throwaway(server_url, tmp_path_factory.mktemp("db")) as settings:
        yield settings


@pytest.fixture(scope="module")
def without_dbt_unit_tests() -> Iterator[None]:
    """The module's refreshes leave out dbt's unit tests, as a user's refresh does.

    For the modules about what a refresh does with files, failures and readers, not about the
    models' SQL: dbt's unit tests run on fixed inputs, whatever the warehouse holds, and every one
    of them runs in the builds of tests/integration/test_full_refresh.py and
    tests/flows/test_refresh_flow.py. Request it before ``module_db`` (it must be set before the
    module's settings are read)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCES_DBT_UNIT_TESTS", "0")
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """Prefect's test harness: a temporary API and database for flow runs."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def write_csv(path: Path, text: str) -> Path:
    """Write a small CSV the test makes itself (dedented, trailing newline)."""
    import textwrap

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# every refresh of the suite runs dbt's unit tests too (a user's refresh leaves them out), but
# in the modules that ask for ``without_dbt_unit_tests``
os.environ.setdefault("ALLIANCES_DBT_UNIT_TESTS", "1")
