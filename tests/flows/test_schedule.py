"""The nightly deployment: its schedule, its registration, and runs of the flow through Prefect.

The runs go through Prefect's temporary API (the session's ``prefect_harness``), on a one-session
slice of the shared data; the run's state, and each task run's, are read back from the API as
the Prefect UI shows them.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.config import Settings, get_settings
from etl.errors import ConfigurationError
from flows.schedule import DEPLOYMENT_NAME, nightly_deployment
from tests.utils.slices import make_source_slice

SESSIONS = {58}


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


# --- runs through Prefect ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def source_slice(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_source_slice(shared_data, tmp_path_factory.mktemp("sources"), SESSIONS)


def _task_runs(flow_run_id: Any) -> dict[str, Any]:
    """Task runs of a flow run by name, read from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {run.name: run for run in runs}


@pytest.fixture(scope="module")
def completed_run(module_db: Settings, source_slice: Path, prefect_harness: None) -> Any:
    """The refresh flow run once through Prefect on the slice; its final state."""
    from flows.refresh import refresh

    return refresh(source_dir=str(source_slice), allow_download=False, return_state=True)


@pytest.mark.integration
def test_a_flow_run_through_prefect_completes(completed_run: Any) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType

    assert completed_run.is_completed(), completed_run.message
    flow_run_id = completed_run.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    assert flow_run.state.type == StateType.COMPLETED
    tasks = _task_runs(flow_run_id)
    for task in ("migrate", "resolve-sources", "ingest-unga", "dbt-build"):
        assert any(name.startswith(task) for name in tasks), f"no task run {task} in {tasks}"
    assert {run.state.type for run in tasks.values()} == {StateType.COMPLETED}


@pytest.mark.integration
def test_a_failed_run_shows_the_failing_task_and_its_error(
    completed_run: Any, source_slice: Path, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType

    from flows.refresh import refresh

    broken = tmp_path / "sources"
    shutil.copytree(source_slice, broken, symlinks=True)
    votes = broken / "unga/unvotes/un_votes.csv.gz"
    data = votes.read_bytes()
    votes.unlink()
    votes.write_bytes(data[: len(data) // 2])

    state = refresh(source_dir=str(broken), allow_download=False, return_state=True)

    assert state.is_failed()
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(state.state_details.flow_run_id)
    assert flow_run.state.type == StateType.FAILED
    assert "un_votes.csv.gz" in (flow_run.state.message or "")
    failed = {name: run for name, run in _task_runs(flow_run.id).items()
              if run.state.type == StateType.FAILED}
    assert list(failed) == ["ingest-unga"]
    assert "un_votes.csv.gz, line" in (failed["ingest-unga"].state.message or "")
