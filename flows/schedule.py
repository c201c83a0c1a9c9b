"""The nightly deployment of the refresh flow, registered or served by ``alliances schedule``.

``nightly_deployment()`` describes it: the ``refresh`` flow, a cron schedule (settings
``schedule_cron``, default ``0 3 * * *``, in ``schedule_timezone``, default UTC), one run at a
time, and ``wait_for_lock`` so that a nightly run that finds a manual refresh running waits for
it instead of failing. ``serve()`` registers it with the Prefect API (``PREFECT_API_URL``, or the
local temporary API) and runs its scheduled runs in this process until stopped; ``register()``
only registers it. Runs that fail are Failed in Prefect, with the failing task and its error.
"""

from __future__ import annotations

import zoneinfo
from uuid import UUID

from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron, Schedule

from etl.config import Settings, get_settings
from etl.errors import ConfigurationError
from flows.refresh import refresh

DEPLOYMENT_NAME = "nightly"


def nightly_schedule(cron: str, timezone: str) -> Schedule:
    """The cron schedule, with a clear error for a bad expression or time zone."""
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(
            f"schedule time zone {timezone!r} is not an IANA time zone (e.g. UTC, Europe/Moscow)"
        ) from exc
    try:
        return Cron(cron, timezone=timezone)
    except ValueError as exc:
        raise ConfigurationError(
            f"schedule {cron!r} is not a cron expression (minute hour day month weekday, "
            f"e.g. '0 3 * * *'): {exc}"
        ) from exc


def nightly_deployment(cron: str | None = None, timezone: str | None = None,
                       settings: Settings | None = None) -> RunnerDeployment:
    """The deployment of ``flows.refresh.refresh`` on the nightly cron schedule."""
    settings = settings or get_settings()
    cron = cron or settings.schedule_cron
    timezone = timezone or settings.schedule_timezone
    return refresh.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[nightly_schedule(cron, timezone)],
        parameters={"wait_for_lock": True},
        concurrency_limit=1,
        description=(f"Nightly refresh of the Alliance Warehouse ({cron}, {timezone}): migrate, "
                     "ingest every source, dbt build."),
        tags=["alliance-warehouse", "nightly"],
        # importable wherever the project is installed, whatever the working directory
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def register(deployment: RunnerDeployment) -> UUID:
    """Register (create or update) the deployment with the Prefect API; return its id."""
    return deployment.apply()  # type: ignore[no-any-return]


def serve(deployment: RunnerDeployment) -> None:
    """Register the deployment and run its scheduled runs in this process until stopped."""
    from prefect import serve as prefect_serve

    prefect_serve(deployment, limit=1, print_starting_message=False)
