"""The nightly deployment: its schedule and its registration.

Runs of the flow through Prefect (a completed run and a failed one, their states and their task
runs' read back from the API as the Prefect UI shows them) are checked in
``tests/flows/test_refresh_flow.py``, on the warehouse that module's first flow run builds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.config import get_settings
from etl.errors import ConfigurationError
from flows.schedule import DEPLOYMENT_NAME, nightly_deployment


def _cron(deployment: Any) -> tuple[str, str]:
    (schedule,) = deployment.schedules
    return schedule.schedule.cron, schedule.schedule.timezone


def test_nightly_deployment_runs_at_three_utc_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ALLIANCES_SCHEDULE_CRON", "ALLIANCES_SCHEDULE_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    deployment = nightly_deployment()
    assert _cron(deployment) == ("0 3 * * *", "UTC")
    assert deployment.name == DEPLOYMENT_NAME and deployment.flow_name == "refresh"
    assert deployment.entrypoint == "flows.refresh.refresh"
    assert deployment.parameters == {"wait_for_lock": True}
    assert deployment.concurrency_limit == 1


def test_schedule_comes_from_settings_or_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCES_SCHEDULE_CRON", "30 1 * * 1-5")
    monkeypatch.setenv("ALLIANCES_SCHEDULE_TIMEZONE", "Europe/Moscow")
    get_settings.cache_clear()
    try:
        assert _cron(nightly_deployment()) == ("30 1 * * 1-5", "Europe/Moscow")
        assert _cron(nightly_deployment(cron="0 4 * * *", timezone="UTC")) == ("0 4 * * *", "UTC")
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(("cron", "timezone", "message"), [
    ("0 25 * * *", "UTC", "is not a cron expression"),
    ("nightly", "UTC", "is not a cron expression"),
    ("0 3 * * *", "Mars/Olympus_Mons", "is not an IANA time zone"),
])
def test_bad_schedules_are_refused_clearly(cron: str, timezone: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        nightly_deployment(cron=cron, timezone=timezone)


def test_schedule_no_serve_registers_the_deployment(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    result = CliRunner().invoke(app, ["schedule", "--no-serve", "--cron", "15 2 * * *"])
    assert result.exit_code == 0, result.output
    assert "registered deployment" in result.output
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(f"refresh/{DEPLOYMENT_NAME}")
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("15 2 * * *", "UTC")
    assert schedule.active
    assert deployment.entrypoint == "flows.refresh.refresh"


def test_schedule_with_a_bad_cron_exits_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    result = CliRunner().invoke(app, ["schedule", "--no-serve", "--cron", "every night"])
    assert result.exit_code == 1
    assert "is not a cron expression" in result.output and "Traceback" not in result.output
