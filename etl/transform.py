"""dbt, run in-process through dbt's programmatic runner with a profile derived from settings."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from etl.config import Settings, get_settings
from etl.db import database_url
from etl.errors import WarehouseError


@dataclass
class DbtNodeTiming:
    name: str
    status: str
    seconds: float


def dbt_env(settings: Settings | None = None) -> dict[str, str]:
    """The variables that ``dbt_project/profiles.yml`` reads, from the one set of settings."""
    settings = settings or get_settings()
    url = make_url(database_url(settings))
    return {
        "ALLIANCES_DBT_HOST": url.host or "127.0.0.1",
        "ALLIANCES_DBT_PORT": str(url.port or 5432),
        "ALLIANCES_DBT_USER": url.username or "postgres",
        "DBT_ENV_SECRET_ALLIANCES_PASSWORD": url.password or "",
        "ALLIANCES_DBT_DBNAME": url.database or "postgres",
        "ALLIANCES_DBT_THREADS": str(settings.dbt_threads),
    }


def run_dbt(args: Sequence[str], settings: Settings | None = None) -> list[DbtNodeTiming]:
    """Run one dbt command (e.g. ``["build"]``) against the warehouse; raise on failure."""
    from dbt.cli.main import dbtRunner

    settings = settings or get_settings()
    os.environ.update(dbt_env(settings))
    project_dir = str(settings.dbt_project_dir)
    target_path = str(settings.warehouse_dir / "dbt" / "target")
    log_path = str(settings.warehouse_dir / "dbt" / "logs")
    cli_args = [*args, "--project-dir", project_dir, "--profiles-dir", project_dir,
                "--target-path", target_path, "--log-path", log_path]
    result = dbtRunner().invoke(cli_args)
    timings = []
    if result.result is not None and hasattr(result.result, "results"):
        for node in result.result.results:
            timings.append(
                DbtNodeTiming(node.node.name, str(node.status), float(node.execution_time or 0))
            )
    if not result.success:
        failed = [t.name for t in timings if t.status.lower() in ("error", "fail")]
        detail = f" (failed: {', '.join(failed)})" if failed else ""
        raise WarehouseError(f"dbt {' '.join(args)} failed{detail}: {result.exception or ''}")
    return timings
