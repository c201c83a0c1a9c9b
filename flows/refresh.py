"""The refresh as a Prefect flow: the steps of ``flows/pipeline.py``, each a Prefect task.

Used when runs are to be recorded in a Prefect API: ``alliances schedule`` (the nightly
deployment) and ``alliances refresh`` with ``PREFECT_API_URL`` set. Without an API the CLI runs
``flows.pipeline.run_refresh`` directly (no Prefect, no temporary server). Tasks are one line
around the pipeline's steps; retries only where there is network I/O (the download).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from flows import pipeline


@task(name="resolve-sources", retries=2, retry_delay_seconds=[5, 30])
def resolve_sources_task(source_dir: str | None, allow_download: bool) -> dict[str, Path]:
    return pipeline.resolve_sources(source_dir, allow_download)


@task(name="migrate")
def migrate_task() -> None:
    pipeline.migrate()


@task(name="ingest", task_run_name="ingest-{source}")
def ingest_task(source: str, paths: dict[str, Path], full: bool,
                accept_shrink: list[str] | None = None) -> list:
    return pipeline.ingest(source, paths, full, accept_shrink)


@task(name="dbt-build")
def dbt_build_task(full: bool, changed_sources: list[str] | None) -> list:
    return pipeline.dbt_build(full, changed_sources)


@task(name="ideal-points")
def ideal_points_task(full: bool, upstream_changed: bool) -> Any:
    return pipeline.estimate_ideal_points(full, upstream_changed)


@task(name="publish")
def publish_task() -> None:
    pipeline.publish_build()


@flow(name="refresh", log_prints=True)
def refresh(
    source_dir: str | None = None, full: bool = False, allow_download: bool = True,
    wait_for_lock: bool = False, accept_shrink: list[str] | None = None,
) -> dict[str, list]:
    """Migrate, ingest, build the dbt models and estimate the ideal points, holding the refresh
    lock (:func:`flows.pipeline.run_refresh`, each step a Prefect task).

    A second refresh started meanwhile exits with a clear message (or waits, with
    ``wait_for_lock``); two refreshes never interleave. ``accept_shrink`` names files (catalog
    name, file name or path) that may have fewer rows than their previous load.
    """
    steps = pipeline.Steps(migrate=migrate_task, resolve_sources=resolve_sources_task,
                           ingest=ingest_task, dbt_build=dbt_build_task,
                           ideal_points=ideal_points_task, publish=publish_task,
                           info=get_run_logger().info)
    return pipeline.run_refresh(source_dir=source_dir, full=full, allow_download=allow_download,
                                wait_for_lock=wait_for_lock, accept_shrink=accept_shrink,
                                steps=steps)
