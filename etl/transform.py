"""dbt, run in-process through dbt's programmatic runner with a profile derived from settings."""

from __future__ import annotations

import ctypes
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from etl import progress
from etl.cite import SOURCE_VERSIONS
from etl.config import Settings, get_settings
from etl.db import connect, database_url
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
    }


def dbt_vars(settings: Settings | None = None, *, shadow: bool = False) -> dict[str, object]:
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
        # not a setting: a refresh builds into the shadow schemas (write-audit-publish)
        "wap_schema_suffix": SHADOW_SUFFIX if shadow else "",
        "ideal_point_dyad_vote_sets": list(settings.ideal_points_dyad_vote_sets),
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
    args: Sequence[str], settings: Settings | None = None, *, target_path: Path | None = None,
    shadow: bool = False,
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
            "--vars", json.dumps(dbt_vars(settings, shadow=shadow), sort_keys=True)]


# `alliances refresh --verbose` turns this on: dbt's full log on the console as well.
_verbose = False
# dbt warnings that are no news to the user of a refresh ("Nothing to do" on a no-op selection)
_QUIET_EVENTS = frozenset({"NothingToDo", "NoNodesForSelectionCriteria"})


def set_verbose(verbose: bool) -> None:
    """Show dbt's whole console log (``True``) or only its warnings and errors (default)."""
    global _verbose
    _verbose = verbose


def dbt_log_file(settings: Settings | None = None) -> Path:
    """dbt's log of every invocation (no colour codes), appended to: each node's start, result
    and time, warnings and errors; with ``--verbose`` at debug level (every query dbt sends)."""
    settings = settings or get_settings()
    return settings.warehouse_dir / "dbt" / "logs" / "dbt.log"


def _console_flags(verbose: bool) -> list[str]:
    """dbt's console: the full log only when verbose; colours only on a terminal. The log file
    at info level, debug when verbose: a full build of the shared data at debug level took 14.2
    CPU seconds of dbt's process, at info 10.2 (getrusage around transform.build)."""
    colours = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    flags = ["--use-colors" if colours else "--no-use-colors", "--no-use-colors-file",
             "--log-level-file", "debug" if verbose else "info"]
    if not verbose:
        flags += ["--log-level", "none"]
    return flags


class _DbtEvents:
    """dbt's event callback: the step's progress (nodes done of the total) and, when the console
    log is off, its warnings and errors printed to stderr."""

    def __init__(self, advance: progress.Advance, show_warnings: bool,
                 on_node: NodeFinished | None = None) -> None:
        self.advance = advance
        self.show_warnings = show_warnings
        self.on_node = on_node
        self.total: int | None = None
        self.messages: list[str] = []

    def __call__(self, event: Any) -> None:
        name = event.info.name
        if name == "LogStartLine" and self.total is None and event.data.total:
            self.total = int(event.data.total)
            self.advance.set_total(self.total)
        elif name == "NodeFinished":
            self.advance(1)
            if self.on_node is not None:
                node = event.data.node_info
                self.on_node(node.unique_id, node.node_status)
        if self.show_warnings and event.info.level in ("warn", "error") \
                and name not in _QUIET_EVENTS and event.info.msg.strip():
            self.messages.append(event.info.msg)
            print(f"dbt {event.info.level}: {event.info.msg}", file=sys.stderr, flush=True)


#: Called by dbt's thread as each node finishes: its unique id (``model.<project>.fct_vote``)
#: and status (``success``, ``pass``, ``error``, ``fail``, ``skipped``...).
NodeFinished = Callable[[str, str], None]


def run_dbt(args: Sequence[str], settings: Settings | None = None, *,
            verbose: bool | None = None, shadow: bool = False,
            on_node: NodeFinished | None = None) -> list[DbtNodeTiming]:
    """Run one dbt command (e.g. ``["build"]``) against the warehouse; raise on failure.

    ``shadow``: build into the shadow schemas (write-audit-publish, see :func:`build`).
    ``on_node``: called as each node finishes (:data:`NodeFinished`), from dbt's thread.
    A failure raises :class:`DbtBuildFailed`, which names the failing tests and models.

    dbt's log goes to :func:`dbt_log_file`; the console shows only warnings and errors unless
    ``verbose`` (default: :func:`set_verbose`), and one progress step (nodes done of the total).
    """
    from dbt.cli.main import dbtRunner

    settings = settings or get_settings()
    verbose = _verbose if verbose is None else verbose
    with progress.step(f"dbt {' '.join(args[:1])}") as advance:
        events = _DbtEvents(advance, show_warnings=not verbose, on_node=on_node)
        result = dbtRunner(callbacks=[events]).invoke(
            [*dbt_args(args, settings, shadow=shadow), *_console_flags(verbose)])
    timings = []
    if result.result is not None and hasattr(result.result, "results"):
        timings = [DbtNodeTiming(node.node.name, str(node.status), float(node.execution_time or 0))
                   for node in result.result.results]
    success, exception = result.success, result.exception
    del result  # the run's results, which hold the manifest's nodes
    release_memory()
    if not success:
        failed = [t.name for t in timings if t.status.lower() in ("error", "fail")]
        raise DbtBuildFailed(args, failed, exception, dbt_log_file(settings))
    return timings


def release_memory() -> None:
    """Collect what an in-process dbt run left behind and return the free heap to the OS.

    dbt's results, its manifest's nodes and the many small objects of its threads are garbage
    once a run is over; ``malloc_trim`` (glibc; a no-op elsewhere) gives back the pages that
    freeing them left empty, in every malloc arena (dbt's worker threads have their own), so
    the refresh's next steps start from less resident memory. Measured on the shared data it
    gives back little (about 3 MB of the ~120 MB a build adds: the rest is dbt's modules, live
    objects and fragmented heap), but it costs nothing.
    """
    gc.collect()
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)


class DbtBuildFailed(WarehouseError):
    """A dbt command failed: ``failed`` names its failing tests and models."""

    def __init__(self, args: Sequence[str], failed: Sequence[str],
                 exception: BaseException | None, log_file: Path | None = None) -> None:
        self.failed = list(failed)
        self.published = True  # build() sets False: nothing of the failed build was published
        detail = f" (failed: {', '.join(self.failed)})" if self.failed else ""
        log = f" (full log: {log_file})" if log_file else ""
        super().__init__(f"dbt {' '.join(args)} failed{detail}: {exception or ''}{log}")


def changed_source_selectors(source: str, loads: Collection[object]) -> list[str]:
    """What a refresh's loads of one source system changed, as dbt source selectors: the
    source table of each catalog file loaded (``unga.unvotes_votes``; its dbt source table is
    named as its raw table), or the whole system for files a loader of its own finds at run time
    (coalitions, treaties). So only the source tests of the files loaded run."""
    from etl.ingest import FILE_SPECS

    selectors: list[str] = []
    for load in loads:
        if getattr(load, "status", "unchanged") == "unchanged":
            continue
        spec = FILE_SPECS.get(str(getattr(load, "file_name", "")))
        selector = f"{source}.{spec.table}" if spec is not None else source
        if selector not in selectors:
            selectors.append(selector)
    return selectors


def unit_tests_flags(settings: Settings | None = None) -> list[str]:
    """What a refresh's ``dbt build`` adds to leave out dbt's unit tests (setting
    ``dbt_unit_tests``, off by default): they check the models' SQL on fixed inputs, which a
    nightly run of the same code need not repeat; ``make test`` runs them."""
    settings = settings or get_settings()
    return [] if settings.dbt_unit_tests else ["--exclude-resource-type", "unit_test"]


SHADOW_SUFFIX = "__shadow"
# Leftovers of dbt's own table/view swaps; never published.
_DBT_TEMP_SUFFIXES = ("__dbt_tmp", "__dbt_backup")


def build(*, full: bool = False, changed_sources: Collection[str] | None = None,
          settings: Settings | None = None, exclude: Sequence[str] = (),
          select: Sequence[str] = (), publish: bool = True,
          keep_shadow: bool = False, on_node: NodeFinished | None = None
          ) -> list[DbtNodeTiming]:
    """``dbt build`` as a refresh needs it: write, audit, then publish.

    Write and audit: every node the refresh rebuilds is built, and tested, in a shadow schema
    beside its published one (``marts__shadow`` beside ``marts``, ...), which analysts cannot
    read; nodes it does not rebuild are read where they are published. Publish: only when every
    model and test passed are the built relations moved into the published schemas, all in one
    transaction (:func:`publish`). A failed test raises :class:`DbtBuildFailed` and publishes
    nothing: the published schemas are exactly as they were, and the failed build stays in the
    shadow schemas for inspection until the next refresh.

    ``changed_sources``: the source systems (dbt source names: unga, cow, ...) or source tables
    (``unga.unvotes_votes``, :func:`changed_source_selectors`) whose raw tables the refresh
    changed; ``None`` when that is not known: all of them.

    - ``full``: every model rebuilt from scratch (``--full-refresh``).
    - with the state of the last successful build of this database saved (its manifest):
      1. the models downstream of a changed source whose code is as it was then, and that do
         not depend on a changed model, are built as usual: the incremental vote models start
         from a copy of their published rows and rebuild only the years whose inputs changed
         (``source:<name>+ --exclude state:modified+``). These models are upstream of the
         changed ones or beside them, so they go first; the tests that run are those of the
         nodes rebuilt and of the changed sources;
      2. the models whose code, config or macros changed since then, and every model
         downstream of them, are rebuilt from scratch (``state:modified+ --full-refresh``): the
         rows an incremental model keeps were computed by the old code, so rebuilding only some
         years would mix the two, and a model whose columns changed could not be updated at all.
      With no source and no code changed, this is a no-op of a few seconds.
    - with no saved state (a first build, or tables built by an earlier version that kept
      none): everything from scratch, as nothing says which code built the tables there.
    The manifest of each successful build is saved as the state for the next one.

    ``exclude``: selectors left out of the from-scratch and source-driven builds (the refresh
    leaves out ``source:ideal_points+``, built after the estimation step); models whose code
    changed are still rebuilt here. ``select``: build (and publish) just these selectors, as
    they are (the refresh's second build, after the estimation step).

    ``publish=False``: build and test into the shadow, publish nothing yet; ``keep_shadow``:
    build on top of what an earlier build of the same refresh left in the shadow (its nodes are
    read there). The refresh builds the vote models and everything else with ``publish=False``,
    estimates the ideal points from the shadow, builds their models with ``keep_shadow`` and
    then publishes it all at once (:func:`finish_build`): a refresh killed anywhere before that
    leaves every mart as it was, never new votes beside old ideal points.

    ``on_node``: called as each node of each dbt command finishes (:func:`run_dbt`).
    """
    settings = settings or get_settings()
    state_dir = build_state_dir(settings)
    if not keep_shadow:
        drop_shadow(settings)  # a crashed or failed build's leftovers: start clean
    excluded = ["--exclude", *exclude] if exclude else []
    try:
        if select:
            timings = run_dbt(["build", "--select", *select, *unit_tests_flags(settings)],
                              settings, shadow=True, on_node=on_node)
        elif full or not (state_dir / "manifest.json").exists():
            timings = run_dbt(["build", "--full-refresh", *excluded, *unit_tests_flags(settings)],
                              settings, shadow=True, on_node=on_node)
        else:
            state = ["--state", str(state_dir)]
            timings = []
            unchanged_code = ["--exclude", "state:modified+", *exclude, *state,
                              *unit_tests_flags(settings)]
            if changed_sources is None:
                timings += run_dbt(["build", *unchanged_code], settings, shadow=True,
                                   on_node=on_node)
            elif changed_sources:
                downstream = [f"source:{name}+" for name in sorted(changed_sources)]
                timings += run_dbt(["build", "--select", *downstream, *unchanged_code],
                                   settings, shadow=True, on_node=on_node)
            timings += run_dbt(
                ["build", "--select", "state:modified+", "--full-refresh", *state,
                 *unit_tests_flags(settings)], settings, shadow=True, on_node=on_node,
            )
    except DbtBuildFailed as exc:
        exc.published = False
        exc.args = (f"{exc}\nnothing was published: the marts are as they were before this "
                    f"refresh (the failed build is kept in the *{SHADOW_SUFFIX} schemas until "
                    "the next refresh)",)
        raise
    if publish:
        finish_build(settings)
    return timings


def finish_build(settings: Settings | None = None) -> list[str]:
    """Publish what the refresh's builds left in the shadow (:func:`publish`), then keep the
    manifest as the state the next refresh compares its models with. Returns the relations
    published."""
    settings = settings or get_settings()
    published = publish(settings)
    state_dir = build_state_dir(settings)
    state_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(settings.warehouse_dir / "dbt" / "target" / "manifest.json",
                 state_dir / "manifest.json")
    return published


def read_relation(conn: psycopg.Connection, schema: str, name: str) -> tuple[str, str]:
    """Where a refresh reads a model it may have just built: its shadow relation when the
    shadow holds it (built by this refresh, not yet published), else the published one."""
    shadow = schema + SHADOW_SUFFIX
    found = conn.execute("select to_regclass(%s)",
                         (sql.Identifier(shadow, name).as_string(conn),)).fetchone()
    return (shadow, name) if found and found[0] is not None else (schema, name)


def _shadow_schemas(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "select nspname from pg_catalog.pg_namespace where right(nspname, %s) = %s "
        "order by nspname",
        (len(SHADOW_SUFFIX), SHADOW_SUFFIX),
    ).fetchall()
    return [r[0] for r in rows]


def drop_shadow(settings: Settings | None = None) -> None:
    """Drop the shadow schemas (of a build that failed, crashed or was published)."""
    with connect(settings, autocommit=True) as conn:
        for schema in _shadow_schemas(conn):
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(
                sql.Identifier(schema)))


_KIND = {"r": "table", "p": "table", "v": "view", "m": "materialized view"}


def _grant_schema_defaults(conn: psycopg.Connection, schema: str, name: str) -> None:
    """Grant a relation moved into ``schema`` what the schema's default privileges would have
    granted had it been created there (``alter default privileges in schema ...``, e.g.
    migration 0004's SELECT to the analyst on ``marts``): they apply at creation only."""
    grants = conn.execute(
        """
        select case when a.grantee = 0 then null else pg_catalog.pg_get_userbyid(a.grantee) end,
            a.privilege_type
        from pg_catalog.pg_default_acl as d
        inner join pg_catalog.pg_namespace as n on n.oid = d.defaclnamespace
        inner join pg_catalog.pg_class as c on c.relname = %s and c.relnamespace = n.oid
        cross join lateral aclexplode(d.defaclacl) as a
        where n.nspname = %s and d.defaclobjtype = 'r' and d.defaclrole = c.relowner
        """,
        (name, schema),
    ).fetchall()
    for grantee, privilege in grants:
        who = sql.SQL("public") if grantee is None else sql.Identifier(grantee)
        conn.execute(sql.SQL("grant {} on {} to {}").format(
            sql.SQL(privilege), sql.Identifier(schema, name), who))


@dataclass
class _KeptView:
    schema: str
    name: str
    kind: str
    definition: str
    owner: str
    grants: list[tuple[str, str]]  # (grantee or PUBLIC, privilege)


def _views_on_replaced_relations(conn: psycopg.Connection) -> list[_KeptView]:
    """Views not built by dbt (a BI tool's, an analyst's) that read a published relation this
    publish replaces, directly or through other such views, shallowest first. A view binds to
    the table it was created on, so the replaced table would take it along when dropped."""
    rows = conn.execute(
        """
        with recursive replaced as (
            select c.oid
            from pg_catalog.pg_class as c
            inner join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
            inner join pg_catalog.pg_class as s
                on s.relname = c.relname and s.relkind in ('r', 'p', 'v', 'm')
            inner join pg_catalog.pg_namespace as sn
                on sn.oid = s.relnamespace and sn.nspname = n.nspname || %(suffix)s
            where c.relkind in ('r', 'p', 'v', 'm')
        ),
        dependents (oid, depth) as (
            select distinct r.ev_class, 1
            from pg_catalog.pg_depend as d
            inner join pg_catalog.pg_rewrite as r on r.oid = d.objid
            where d.classid = 'pg_catalog.pg_rewrite'::regclass
                and d.refobjid in (select oid from replaced)
                and r.ev_class not in (select oid from replaced)
                and r.ev_class <> d.refobjid
            union
            select r.ev_class, dependents.depth + 1
            from dependents
            inner join pg_catalog.pg_depend as d
                on d.refobjid = dependents.oid
                and d.classid = 'pg_catalog.pg_rewrite'::regclass
            inner join pg_catalog.pg_rewrite as r on r.oid = d.objid
            where r.ev_class <> dependents.oid and dependents.depth < 20
        )
        select n.nspname, v.relname, v.relkind, pg_catalog.pg_get_viewdef(v.oid),
            pg_catalog.pg_get_userbyid(v.relowner),
            coalesce((select array_agg(array[
                    case when a.grantee = 0 then 'PUBLIC'
                         else pg_catalog.pg_get_userbyid(a.grantee) end,
                    a.privilege_type])
                from aclexplode(v.relacl) as a where a.grantee <> v.relowner), '{}'),
            max(dependents.depth)
        from dependents
        inner join pg_catalog.pg_class as v on v.oid = dependents.oid
        inner join pg_catalog.pg_namespace as n on n.oid = v.relnamespace
        where right(n.nspname, %(n)s) <> %(suffix)s
        group by n.nspname, v.relname, v.relkind, v.oid, v.relowner, v.relacl
        order by max(dependents.depth), n.nspname, v.relname
        """,
        {"suffix": SHADOW_SUFFIX, "n": len(SHADOW_SUFFIX)},
    ).fetchall()
    return [_KeptView(r[0], r[1], r[2], r[3], r[4], [tuple(g) for g in r[5]]) for r in rows]


def _recreate_views(conn: psycopg.Connection, views: list[_KeptView]) -> None:
    """Create the kept views again, on the published relations, with their owner and grants.
    A view that no longer fits the new relations (a column it read is gone) is left dropped,
    with a warning: it would otherwise block every publish."""
    for view in views:
        kind = "materialized view" if view.kind == "m" else "view"
        name = sql.Identifier(view.schema, view.name)
        try:
            with conn.transaction():
                conn.execute(sql.SQL("create {} {} as {}").format(
                    sql.SQL(kind), name, sql.SQL(view.definition.rstrip().rstrip(";"))))
                conn.execute(sql.SQL("alter {} {} owner to {}").format(
                    sql.SQL(kind), name, sql.Identifier(view.owner)))
                for grantee, privilege in view.grants:
                    who = sql.SQL("public") if grantee == "PUBLIC" else sql.Identifier(grantee)
                    conn.execute(sql.SQL("grant {} on {} to {}").format(
                        sql.SQL(privilege), name, who))
        except psycopg.Error as exc:
            warnings.warn(f"view {view.schema}.{view.name} no longer fits the marts it read "
                          f"and was dropped: {exc}", stacklevel=2)


def publish(settings: Settings | None = None) -> list[str]:
    """Move every relation of the shadow schemas into its published schema, in one transaction.

    A published relation of the same name is replaced: it is first moved aside into a schema
    that is dropped in the same transaction. ``ALTER ... SET SCHEMA`` only changes the catalog,
    so the transaction is short; it waits for readers of the relations it replaces, and a
    reader that comes meanwhile waits for it and then reads the new relation: no reader ever
    sees a mart missing, empty or half built. Relations not rebuilt stay as they are. Views of
    users' own (outside dbt) on a replaced relation are created again on the new one, with their
    owner and grants (:func:`_views_on_replaced_relations`). Each relation moved gets the
    grants of its schema's default privileges (:func:`_grant_schema_defaults`: they follow the
    schema a table is created in, and dbt created these in the shadow), and the tables of
    ``marts`` are granted to the analyst role.
    Returns the published relations (``schema.name``).
    """
    settings = settings or get_settings()
    published: list[str] = []
    with connect(settings) as conn, conn.transaction():
        kept_views = _views_on_replaced_relations(conn)
        trashes = []
        for shadow in _shadow_schemas(conn):
            target = shadow[: -len(SHADOW_SUFFIX)]
            # one per published schema: bi.x and marts.x may both be replaced
            trash = f"wap__replaced__{target}"[:63]
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(
                sql.Identifier(trash)))
            conn.execute(sql.SQL("create schema {}").format(sql.Identifier(trash)))
            trashes.append(trash)
            conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(target)))
            relations = conn.execute(
                """
                select c.relname, c.relkind, old.relkind
                from pg_catalog.pg_class as c
                inner join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
                left join (
                    select p.relname, p.relkind
                    from pg_catalog.pg_class as p
                    inner join pg_catalog.pg_namespace as pn on pn.oid = p.relnamespace
                    where pn.nspname = %s
                ) as old on old.relname = c.relname
                where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm')
                order by c.relname
                """,
                (target, shadow),
            ).fetchall()
            for name, kind, old_kind in relations:
                if name.endswith(_DBT_TEMP_SUFFIXES):
                    continue
                if old_kind is not None:
                    conn.execute(sql.SQL("alter {} {} set schema {}").format(
                        sql.SQL(_KIND[old_kind]), sql.Identifier(target, name),
                        sql.Identifier(trash)))
                conn.execute(sql.SQL("alter {} {} set schema {}").format(
                    sql.SQL(_KIND[kind]), sql.Identifier(shadow, name), sql.Identifier(target)))
                _grant_schema_defaults(conn, target, name)
                published.append(f"{target}.{name}")
        for trash in trashes:
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(trash)))
        _recreate_views(conn, kept_views)
        for shadow in _shadow_schemas(conn):
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(shadow)))
        analyst = conn.execute(
            "select rolname from pg_catalog.pg_roles where rolname = %s",
            (settings.analyst_role,),
        ).fetchone()
        marts = conn.execute(
            "select 1 from pg_catalog.pg_namespace where nspname = 'marts'").fetchone()
        if analyst and marts:
            conn.execute(sql.SQL("grant select on all tables in schema marts to {}").format(
                sql.Identifier(settings.analyst_role)))
        bi = conn.execute(
            "select 1 from pg_catalog.pg_namespace where nspname = 'bi'").fetchone()
        if analyst and bi:
            # a first refresh creates schema bi here, after dbt's on-run-end (grant_bi_schema)
            # has run: the analyst may use it from this commit on, as after any later refresh
            conn.execute(sql.SQL("grant usage on schema bi to {}").format(
                sql.Identifier(settings.analyst_role)))
    return published


def build_state_dir(settings: Settings | None = None) -> Path:
    """Where the manifest of the last successful build of this database is kept.

    One directory per server and database, so that a build against another database (the
    benchmark's, a test's) is never compared with this one's.
    """
    settings = settings or get_settings()
    url = make_url(database_url(settings))
    key = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{url.host}_{url.port}_{url.database}")
    return settings.warehouse_dir / "dbt" / "state" / key
