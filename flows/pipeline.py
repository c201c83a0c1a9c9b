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
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("alliances.refresh")


class EstimationBesideBuild:
    """The ideal-point estimation started in a thread as soon as the dbt build has built the two
    models it reads (``fct_vote`` and ``dim_roll_call``, in the shadow schemas), so that it runs
    beside the rest of the build (one core of the two is idle for much of it) instead of after.

    dbt's callback (:func:`etl.transform.build`'s ``on_node``) calls :meth:`node_finished`;
    :meth:`result` waits for the estimation. When the build does not build both models (a
    refresh that changes no vote), the estimation never starts here and the refresh's
    estimation step runs it after the build, as before. Estimates are written with the
    fingerprint of the votes they came from (:func:`etl.ideal_points.estimate`): should a
    later node of the build fail, nothing is published, and the next refresh reuses or
    re-estimates them by that fingerprint, as after a failure following the estimation step.
    """

    READS = frozenset({"fct_vote", "dim_roll_call"})

    def __init__(self, full: bool) -> None:
        self.full = full
        self._built: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._runs: Any = None
        self._error: BaseException | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def node_finished(self, unique_id: str, status: str) -> None:
        # model.<project>.<name>; partition never raises inside dbt's callback
        kind, _, rest = unique_id.partition(".")
        name = rest.rpartition(".")[2]
        if kind != "model" or name not in self.READS or status != "success":
            return
        with self._lock:
            self._built.add(name)
            if self._built == self.READS and self._thread is None:
                log.info("ideal points: estimating beside the rest of the dbt build")
                self._thread = threading.Thread(target=self._estimate, name="ideal-points",
                                                daemon=True)
                self._thread.start()

    def _estimate(self) -> None:
        from etl import ideal_points

        try:
            self._runs = ideal_points.estimate(full=self.full, check_votes=True, shadow=True)
        except BaseException as exc:  # raised in the refresh's thread, by result()
            self._error = exc

    def result(self) -> Any:
        """Wait for the estimation: its runs (``None`` if it never started); its error raised."""
        if self._thread is None:
            return None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._runs

    def wait(self) -> None:
        """Wait for the estimation, if started, and log its error: the build failed, and the
        refresh must not end while the thread still writes."""
        try:
            self.result()
        except BaseException as exc:
            log.warning("ideal points (beside the failed build): %s", exc)


# The estimation the refresh's dbt build started, for its estimation step (one refresh at a
# time per database: the refresh lock).
_beside_build: EstimationBesideBuild | None = None


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
    global _beside_build
    from etl import build_state, transform
    from etl.config import get_settings

    _discard_beside_build()
    if not full and changed_sources == [] and build_state.is_current():
        return []
    beside = EstimationBesideBuild(full) if get_settings().ideal_points_beside_build else None
    # a var only a model's SQL reads (the hegemons) is no change to dbt's state: build it all
    full = full or build_state.vars_changed()
    from etl import ideal_points

    try:
        # the models on the ideal-point estimates are built after the estimation step; all is
        # published at once after it (publish_build)
        timings = transform.build(full=full, changed_sources=changed_sources,
                                  exclude=[ideal_points.DBT_SELECTOR], publish=False,
                                  on_node=beside.node_finished if beside else None)
    except BaseException:
        build_state.forget()
        if beside is not None:
            beside.wait()
        raise
    _beside_build = beside
    return timings


def _discard_beside_build() -> None:
    """An estimation left by a build whose estimation step never ran: waited for, dropped."""
    global _beside_build
    if _beside_build is not None:
        _beside_build.wait()
        _beside_build = None


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
    that read them built (:func:`etl.ideal_points.refresh_step`). When the dbt build started
    the estimation beside itself (:class:`EstimationBesideBuild`), its runs are waited for and
    taken instead."""
    global _beside_build
    from etl import build_state, ideal_points

    beside, _beside_build = _beside_build, None
    try:
        runs = beside.result() if beside is not None else None
        return ideal_points.refresh_step(full=full, upstream_changed=upstream_changed, runs=runs)
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
