"""The refresh's steps and their order, with no Prefect in sight.

``run_refresh`` is the whole refresh: take the lock, migrate, resolve the sources, ingest each
source system, build the dbt models (only when a file was loaded or the models changed) and the
ideal points into the shadow schemas, publish them all in one transaction, record the run. It
calls its steps through a :class:`Steps`, so that ``flows/refresh.py`` can pass the same steps
wrapped as Prefect tasks (runs recorded in the Prefect API), while the CLI, with no Prefect API
configured, calls the plain functions here: no Prefect import, no temporary API server, a no-op
refresh in about a second. Steps are one line around ``etl``; heavy modules (httpx, alembic,
dbt) are imported inside them, when a step needs them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("alliances.refresh")


def resolve_sources(source_dir: str | None, allow_download: bool) -> dict[str, Path]:
    from etl import download
    from etl.config import get_settings

    settings = get_settings()
    return download.resolve_sources(
        source_dir=Path(source_dir) if source_dir else settings.source_dir,
        cache_dir=settings.cache_dir, download=allow_download,
        base_url=settings.download_base_url,
    )


def migrate() -> None:
    """``alembic upgrade head``; skipped (no Alembic import) when the database is at the head."""
    from etl import build_state

    if build_state.migrations_at_head():
        return
    from etl import migrate as mig

    mig.upgrade()


def ingest(source: str, paths: dict[str, Path], full: bool,
           accept_shrink: list[str] | None = None) -> list:
    from etl import ingest as ing

    return ing.ingest_source(source, paths, full=full, accept_shrink=accept_shrink or ())


def dbt_build(full: bool, changed_sources: list[str] | None) -> list:
    """``dbt build`` as the refresh needs it; nothing at all when nothing changed.

    With no file loaded (``changed_sources == []``), a good last build and the dbt project as it
    was then (:mod:`etl.build_state`), dbt is not even started.
    """
    from etl import build_state, transform

    if not full and changed_sources == [] and build_state.is_current():
        return []
    # a var only a model's SQL reads (the hegemons) is no change to dbt's state: build it all
    full = full or build_state.vars_changed()
    from etl import ideal_points

    try:
        # the models on the ideal-point estimates are built after the estimation step; all is
        # published at once after it (publish_build)
        return transform.build(full=full, changed_sources=changed_sources,
                               exclude=[ideal_points.DBT_SELECTOR], publish=False)
    except BaseException:
        build_state.forget()
        raise


def publish_build() -> None:
    """Publish what the refresh built (dbt build, then the ideal points' models) in one
    transaction, and record the build as current."""
    from etl import build_state, transform

    try:
        transform.finish_build()
    except BaseException:
        build_state.forget()
        raise
    build_state.record()


def estimate_ideal_points(full: bool, upstream_changed: bool) -> Any:
    """Ideal points re-estimated when the votes or the model's settings changed, then the models
    that read them built (:func:`etl.ideal_points.refresh_step`)."""
    from etl import build_state, ideal_points

    try:
        return ideal_points.refresh_step(full=full, upstream_changed=upstream_changed)
    except BaseException:
        build_state.forget()
        raise


def _info(message: str) -> None:
    log.info(message)


@dataclass
class Steps:
    """The refresh's steps; ``flows/refresh.py`` passes them wrapped as Prefect tasks."""

    migrate: Callable[[], None] = migrate
    resolve_sources: Callable[[str | None, bool], dict[str, Path]] = resolve_sources
    ingest: Callable[..., list] = ingest
    dbt_build: Callable[[bool, list[str] | None], list] = dbt_build
    ideal_points: Callable[[bool, bool], Any] = estimate_ideal_points
    publish: Callable[[], None] = publish_build
    info: Callable[[str], None] = field(default=_info)


def run_refresh(
    source_dir: str | None = None, full: bool = False, allow_download: bool = True,
    wait_for_lock: bool = False, accept_shrink: list[str] | None = None,
    steps: Steps | None = None,
) -> dict[str, Any]:
    """Migrate, ingest every source system, build the dbt models and estimate the ideal points,
    holding the refresh lock.

    A second refresh started meanwhile exits with a clear message (or waits, with
    ``wait_for_lock``); two refreshes never interleave. ``accept_shrink`` names files (catalog
    name, file name or path) that may have fewer rows than their previous load. Returns
    ``{"loads": [LoadOutcome], "dbt": [DbtNodeTiming], "ideal_points": [RunOutcome],
    "run_id": int}``.
    """
    from etl import build_state, status, transform
    from etl import ingest as ing
    from etl.db import connect, refresh_lock

    steps = steps or Steps()
    with refresh_lock(wait=wait_for_lock, timeout_s=3600), connect(autocommit=True) as conn:
        steps.migrate()
        previous = status.last_refresh(conn)
        run_id = status.start_refresh(conn, full=full)
        outcomes: list = []
        try:
            paths = steps.resolve_sources(source_dir, allow_download)
            ing.check_accept_shrink(accept_shrink or (), paths)
            changed_sources: list[str] | None = []
            for source in ing.sources():
                loads = steps.ingest(source, paths, full, accept_shrink)
                outcomes.extend(loads)
                # loaded or removed: the tables of those files (their source tests, downstream)
                changed_sources.extend(transform.changed_source_selectors(source, loads))
            # a failed or interrupted last refresh published nothing: its sources are built too
            last_ok = previous is not None and previous[3] == "completed"
            if not last_ok:
                unbuilt = status.sources_loaded_since_last_completed(conn)
                changed_sources = (None if unbuilt is None
                                   else sorted({*changed_sources, *unbuilt}))
            timings = steps.dbt_build(full, changed_sources)
            # after the vote models, before the models that read the estimates
            estimated = steps.ideal_points(full, bool(timings) or not last_ok)
            timings = [*timings, *estimated.dbt]
            if timings:  # one publish of everything built: no mart changed before this
                steps.publish()
            else:  # nothing built (dbt not needed, or nothing selected): the build is current
                build_state.record()
        except BaseException as exc:
            status.finish_refresh(conn, run_id, status="failed", error=str(exc) or repr(exc),
                                  files_loaded=sum(o.status == "loaded" for o in outcomes))
            raise
        n_loaded = sum(o.status == "loaded" for o in outcomes)
        n_unchanged = sum(o.status == "unchanged" for o in outcomes)
        status.finish_refresh(conn, run_id, status="completed", files_loaded=n_loaded,
                              files_unchanged=n_unchanged)
        steps.info(f"refresh {run_id} completed: {n_loaded} files loaded, {n_unchanged} "
                   f"unchanged, {len(timings)} dbt nodes")
    return {"loads": outcomes, "dbt": timings, "ideal_points": estimated.runs,
            "run_id": run_id}
