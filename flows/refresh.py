"""The nightly refresh: resolve sources, migrate, ingest each source system, dbt build.

Runs locally with no Prefect server (Prefect starts a temporary API for the run). Tasks are one
line around ``etl``; retries only where there is network I/O (the download).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task

from etl import download, ingest, migrate, status, transform
from etl.config import get_settings
from etl.db import connect, refresh_lock
from etl.ledger import LoadOutcome
from etl.transform import DbtNodeTiming


@task(name="resolve-sources", retries=2, retry_delay_seconds=[5, 30])
def resolve_sources_task(source_dir: str | None, allow_download: bool) -> dict[str, Path]:
    settings = get_settings()
    return download.resolve_sources(
        source_dir=Path(source_dir) if source_dir else settings.source_dir,
        cache_dir=settings.cache_dir, download=allow_download,
        base_url=settings.download_base_url,
    )


@task(name="migrate")
def migrate_task() -> None:
    migrate.upgrade()


@task(name="ingest", task_run_name="ingest-{source}")
def ingest_task(source: str, paths: dict[str, Path], full: bool) -> list[LoadOutcome]:
    return ingest.ingest_source(source, paths, full=full)


@task(name="dbt-build")
def dbt_build_task(full: bool, changed_sources: list[str] | None) -> list[DbtNodeTiming]:
    return transform.build(full=full, changed_sources=changed_sources)


@flow(name="refresh", log_prints=True)
def refresh(
    source_dir: str | None = None, full: bool = False, allow_download: bool = True,
    wait_for_lock: bool = False,
) -> dict[str, list]:
    """Migrate, ingest every source system and build the dbt models, holding the refresh lock.

    A second refresh started meanwhile exits with a clear message (or waits, with
    ``wait_for_lock``); two refreshes never interleave.
    """
    logger = get_run_logger()
    with refresh_lock(wait=wait_for_lock, timeout_s=3600), connect(autocommit=True) as conn:
        migrate_task()
        previous = status.last_refresh(conn)
        run_id = status.start_refresh(conn, full=full)
        outcomes: list[LoadOutcome] = []
        try:
            paths = resolve_sources_task(source_dir, allow_download)
            changed_sources = []
            for source in ingest.sources():
                loads = ingest_task(source, paths, full)
                outcomes.extend(loads)
                # loaded or removed: the tables of those files (their source tests, downstream)
                changed_sources.extend(transform.changed_source_selectors(source, loads))
            # a failed or interrupted last refresh published nothing: its sources are built too
            last_ok = previous is not None and previous[3] == "completed"
            if not last_ok:
                unbuilt = status.sources_loaded_since_last_completed(conn)
                changed_sources = (None if unbuilt is None
                                   else sorted({*changed_sources, *unbuilt}))
            timings = dbt_build_task(full, changed_sources)
        except Exception as exc:
            status.finish_refresh(conn, run_id, status="failed", error=str(exc),
                                  files_loaded=sum(o.status == "loaded" for o in outcomes))
            raise
        status.finish_refresh(
            conn, run_id, status="completed",
            files_loaded=sum(o.status == "loaded" for o in outcomes),
            files_unchanged=sum(o.status == "unchanged" for o in outcomes),
        )
        logger.info("refresh %s completed: %d files loaded", run_id, len(outcomes))
    return {"loads": outcomes, "dbt": timings}
