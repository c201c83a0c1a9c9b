"""dbt, run in-process through dbt's programmatic runner with a profile derived from settings."""

from __future__ import annotations

import os
import shutil
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


def build(*, full: bool = False, sources_changed: bool = True,
          settings: Settings | None = None) -> list[DbtNodeTiming]:
    """``dbt build`` as a refresh needs it.

    - ``full``: every model rebuilt from scratch (``--full-refresh``).
    - no source changed since a successful build: only the models whose code or config changed
      since then (``state:modified+``, compared with the manifest saved after that build); with
      none changed this is a no-op of a few seconds.
    - otherwise: a normal build, in which the incremental vote models rebuild only the years
      whose inputs changed.
    The manifest of each successful build is saved as the state for the next one.
    """
    settings = settings or get_settings()
    dbt_dir = settings.warehouse_dir / "dbt"
    state_dir = dbt_dir / "state"
    if full:
        timings = run_dbt(["build", "--full-refresh"], settings)
    elif not sources_changed and (state_dir / "manifest.json").exists():
        timings = run_dbt(["build", "--select", "state:modified+", "--state", str(state_dir)],
                          settings)
    else:
        timings = run_dbt(["build"], settings)
    state_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(dbt_dir / "target" / "manifest.json", state_dir / "manifest.json")
    return timings


def forget_build_state(settings: Settings | None = None) -> None:
    """Drop the saved manifest, so that the next refresh runs a complete ``dbt build``."""
    settings = settings or get_settings()
    (settings.warehouse_dir / "dbt" / "state" / "manifest.json").unlink(missing_ok=True)
