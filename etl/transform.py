"""dbt, run in-process through dbt's programmatic runner with a profile derived from settings."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from etl import progress
from etl.cite import SOURCE_VERSIONS
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
        # a URL without credentials takes libpq's PGUSER / PGPASSWORD, as psycopg does
        "ALLIANCES_DBT_USER": url.username or os.environ.get("PGUSER") or "postgres",
        "DBT_ENV_SECRET_ALLIANCES_PASSWORD": url.password or os.environ.get("PGPASSWORD", ""),
        "ALLIANCES_DBT_DBNAME": url.database or "postgres",
        "ALLIANCES_DBT_THREADS": str(settings.dbt_threads),
        "ALLIANCES_DBT_PARALLEL_WORKERS": str(settings.parallel_workers),
    }


def dbt_vars(settings: Settings | None = None) -> dict[str, object]:
    """The dbt vars of every invocation, from the settings (each declared in dbt_project.yml).

    This is the one way settings reach dbt: the refresh, ``alliances dbt``, the docs, the report
    and the benchmark all call dbt through :func:`dbt_args`.
    """
    settings = settings or get_settings()
    rivals = {str(h): list(settings.hegemon_rivals.get(h, [])) for h in settings.hegemon_ccodes}
    primary_rivals = settings.hegemon_rivals.get(settings.hegemon_ccode) or [365]
    return {
        "hegemon_ccodes": list(settings.hegemon_ccodes),
        "hegemon_rivals": rivals,
        "hegemon_ccode": settings.hegemon_ccode,
        "rival_ccode": primary_rivals[0],
        "legitimacy_window_years": settings.legitimacy_window_years,
        # what marts.build_info records (etl.build_state leaves the last two out of its
        # fingerprint: they describe a build, they do not shape the tables)
        "min_joint_votes": settings.min_joint_votes,
        "analyst_role": settings.analyst_role,
        "source_versions": dict(SOURCE_VERSIONS),
        "models_git_commit": models_git_commit(settings),
        "tool_versions": tool_versions(),
    }


def models_git_commit(settings: Settings | None = None) -> str:
    """The git commit of the dbt project ("-dirty" with uncommitted changes), or "unknown"."""
    settings = settings or get_settings()
    project = settings.dbt_project_dir
    try:
        head = subprocess.run(["git", "-C", str(project), "rev-parse", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=True)
        dirty = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


# the packages whose versions marts.build_info records: dbt, the warehouse's own code (the
# measures' SQL and the ETL) and the report's estimator
_TOOLS = ("dbt-core", "dbt-postgres", "alliance-warehouse", "statsmodels")


def tool_versions() -> dict[str, str]:
    from importlib import metadata

    versions = {}
    for name in _TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def dbt_args(
    args: Sequence[str], settings: Settings | None = None, *, target_path: Path | None = None
) -> list[str]:
    """``args`` with the project, profile, target and log paths and the vars of the settings.

    Sets the profile's environment variables (:func:`dbt_env`) as a side effect.
    """
    settings = settings or get_settings()
    os.environ.update(dbt_env(settings))
    project_dir = str(settings.dbt_project_dir)
    target = target_path or settings.warehouse_dir / "dbt" / "target"
    log_path = str(settings.warehouse_dir / "dbt" / "logs")
    return [*args, "--project-dir", project_dir, "--profiles-dir", project_dir,
            "--target-path", str(target), "--log-path", log_path,
            "--vars", json.dumps(dbt_vars(settings), sort_keys=True)]


# `alliances refresh --verbose` turns this on: dbt's full log on the console as well.
_verbose = False
# dbt warnings that are no news to the user of a refresh ("Nothing to do" on a no-op selection)
_QUIET_EVENTS = frozenset({"NothingToDo", "NoNodesForSelectionCriteria"})


def set_verbose(verbose: bool) -> None:
    """Show dbt's whole console log (``True``) or only its warnings and errors (default)."""
    global _verbose
    _verbose = verbose


def dbt_log_file(settings: Settings | None = None) -> Path:
    """dbt's log of every invocation (debug level, no colour codes), appended to."""
    settings = settings or get_settings()
    return settings.warehouse_dir / "dbt" / "logs" / "dbt.log"


def _console_flags(verbose: bool) -> list[str]:
    """dbt's console: the full log only when verbose; colours only on a terminal."""
    colours = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    flags = ["--use-colors" if colours else "--no-use-colors", "--no-use-colors-file",
             "--log-level-file", "debug"]
    if not verbose:
        flags += ["--log-level", "none"]
    return flags


class _DbtEvents:
    """dbt's event callback: the step's progress (nodes done of the total) and, when the console
    log is off, its warnings and errors printed to stderr."""

    def __init__(self, advance: progress.Advance, show_warnings: bool) -> None:
        self.advance = advance
        self.show_warnings = show_warnings
        self.total: int | None = None
        self.messages: list[str] = []

    def __call__(self, event: Any) -> None:
        name = event.info.name
        if name == "LogStartLine" and self.total is None and event.data.total:
            self.total = int(event.data.total)
            self.advance.set_total(self.total)
        elif name == "NodeFinished":
            self.advance(1)
        if self.show_warnings and event.info.level in ("warn", "error") \
                and name not in _QUIET_EVENTS and event.info.msg.strip():
            self.messages.append(event.info.msg)
            print(f"dbt {event.info.level}: {event.info.msg}", file=sys.stderr, flush=True)


def run_dbt(args: Sequence[str], settings: Settings | None = None, *,
            verbose: bool | None = None) -> list[DbtNodeTiming]:
    """Run one dbt command (e.g. ``["build"]``) against the warehouse; raise on failure.

    dbt's log goes to :func:`dbt_log_file`; the console shows only warnings and errors unless
    ``verbose`` (default: :func:`set_verbose`), and one progress step (nodes done of the total).
    """
    from dbt.cli.main import dbtRunner

    settings = settings or get_settings()
    verbose = _verbose if verbose is None else verbose
    with progress.step(f"dbt {' '.join(args[:1])}") as advance:
        events = _DbtEvents(advance, show_warnings=not verbose)
        result = dbtRunner(callbacks=[events]).invoke(
            [*dbt_args(args, settings), *_console_flags(verbose)])
    timings = []
    if result.result is not None and hasattr(result.result, "results"):
        for node in result.result.results:
            timings.append(
                DbtNodeTiming(node.node.name, str(node.status), float(node.execution_time or 0))
            )
    if not result.success:
        failed = [t.name for t in timings if t.status.lower() in ("error", "fail")]
        detail = f" (failed: {', '.join(failed)})" if failed else ""
        raise WarehouseError(f"dbt {' '.join(args)} failed{detail}: {result.exception or ''} "
                             f"(full log: {dbt_log_file(settings)})")
    return timings


def build(*, full: bool = False, changed_sources: Collection[str] | None = None,
          settings: Settings | None = None) -> list[DbtNodeTiming]:
    """``dbt build`` as a refresh needs it.

    ``changed_sources``: the source systems (dbt source names: unga, cow, ...) whose raw tables
    the refresh changed; ``None`` when that is not known (a failed last refresh): all of them.

    - ``full``: every model rebuilt from scratch (``--full-refresh``).
    - with the state of the last successful build of this database saved (its manifest):
      1. the models downstream of a changed source whose code is as it was then, and that do
         not depend on a changed model, are built as usual: the incremental vote models rebuild
         only the years whose inputs changed (``source:<name>+ --exclude state:modified+``).
         These models are upstream of the changed ones or beside them, so they go first;
      2. the models whose code, config or macros changed since then, and every model
         downstream of them, are rebuilt from scratch (``state:modified+ --full-refresh``): the
         rows an incremental model keeps were computed by the old code, so rebuilding only some
         years would mix the two, and a model whose columns changed could not be updated at all.
      With no source and no code changed, this is a no-op of a few seconds.
    - with no saved state (a first build, or tables built by an earlier version that kept
      none): everything from scratch, as nothing says which code built the tables there.
    The manifest of each successful build is saved as the state for the next one.
    """
    settings = settings or get_settings()
    dbt_dir = settings.warehouse_dir / "dbt"
    state_dir = build_state_dir(settings)
    if full or not (state_dir / "manifest.json").exists():
        timings = run_dbt(["build", "--full-refresh"], settings)
    else:
        state = ["--state", str(state_dir)]
        timings = []
        unchanged_code = ["--exclude", "state:modified+", *state]
        if changed_sources is None:
            timings += run_dbt(["build", *unchanged_code], settings)
        elif changed_sources:
            downstream = [f"source:{name}+" for name in sorted(changed_sources)]
            timings += run_dbt(["build", "--select", *downstream, *unchanged_code], settings)
        timings += run_dbt(
            ["build", "--select", "state:modified+", "--full-refresh", *state], settings
        )
    state_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(dbt_dir / "target" / "manifest.json", state_dir / "manifest.json")
    return timings


def build_state_dir(settings: Settings | None = None) -> Path:
    """Where the manifest of the last successful build of this database is kept.

    One directory per server and database, so that a build against another database (the
    benchmark's, a test's) is never compared with this one's.
    """
    settings = settings or get_settings()
    url = make_url(database_url(settings))
    key = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{url.host}_{url.port}_{url.database}")
    return settings.warehouse_dir / "dbt" / "state" / key
