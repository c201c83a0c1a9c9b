"""Two refreshes never interleave: the second exits with a clear message, or waits."""

from __future__ import annotations

import threading
import time

import pytest
from typer.testing import CliRunner

from etl import migrate
from etl.cli import app
from etl.config import Settings
from etl.db import connect, refresh_lock
from etl.errors import WarehouseError

pytestmark = pytest.mark.integration


def test_second_lock_is_refused_then_waits(throwaway_db: Settings) -> None:
    with refresh_lock(throwaway_db):
        with pytest.raises(WarehouseError, match="another refresh is running"):
            with refresh_lock(throwaway_db):
                pass

    holder_started = threading.Event()

    def hold() -> None:
        with refresh_lock(throwaway_db):
            holder_started.set()
            time.sleep(1.5)

    thread = threading.Thread(target=hold)
    thread.start()
    holder_started.wait(10)
    started = time.monotonic()
    with refresh_lock(throwaway_db, wait=True, timeout_s=30):
        waited = time.monotonic() - started
    thread.join()
    assert waited >= 1.0


def test_refresh_exits_cleanly_while_another_runs(throwaway_db: Settings) -> None:
    migrate.upgrade(throwaway_db)
    with refresh_lock(throwaway_db):
        result = CliRunner().invoke(app, ["refresh", "--no-download"])
    assert result.exit_code == 1
    assert "another refresh is running" in result.output
    assert "Traceback" not in result.output
    with connect(throwaway_db) as conn:
        assert conn.execute("select count(*) from raw.load_ledger").fetchone()[0] == 0
        assert conn.execute("select count(*) from raw.refresh_runs").fetchone()[0] == 0
