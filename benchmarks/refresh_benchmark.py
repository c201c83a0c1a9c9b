"""Full-refresh benchmark on the shared data: prints times, peak memory and the naive baseline.

Runs in a fresh database on the warehouse's server (the embedded default, or DATABASE_URL's
server), so the user's warehouse is not touched:

    .venv/bin/python benchmarks/refresh_benchmark.py [--keep]

Figures: the full refresh (ingest of each file, dbt build, each slow model), a second refresh
with no new files, a refresh that brings one new session (the shared data less its last session,
then the whole), peak memory (this process and the PostgreSQL server), and the naive self-join
of fct_vote on rcid for the exact-agreement column, timed in the same run against
fct_dyad_year_affinity (with the largest difference between the two, which should be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.utils.slices import make_source_slice  # noqa: E402

REPEATS = 3

NAIVE_SQL = """
    create temp table naive_agreement as
    select
        a.year,
        a.ccode as ccode_a,
        b.ccode as ccode_b,
        count(*) as n_joint,
        avg((a.vote = b.vote)::int) as agree_exact
    from marts.fct_vote as a
    inner join marts.fct_vote as b
        on a.rcid = b.rcid
        and a.ccode < b.ccode
    where a.vote in ('yes', 'no', 'abstain') and b.vote in ('yes', 'no', 'abstain')
    group by a.year, a.ccode, b.ccode
"""

COMPARE_SQL = """
    select count(*), max(abs(n.agree_exact - f.agree_exact)), sum((n.n_joint <> f.n_joint)::int)
    from naive_agreement as n
    inner join marts.fct_dyad_year_affinity as f
        using (year, ccode_a, ccode_b)
    where f.vote_set = 'all'
"""


class MemorySampler(threading.Thread):
    """Samples the RSS of this process (with children) and of the PostgreSQL server."""

    def __init__(self, postgres_pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.postgres_pids = postgres_pids
        self.peak_python = 0
        self.peak_postgres = 0
        self._halt = threading.Event()

    @staticmethod
    def _tree_rss(proc: psutil.Process) -> int:
        total = 0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def run(self) -> None:
        me = psutil.Process()
        while not self._halt.is_set():
            self.peak_python = max(self.peak_python, self._tree_rss(me))
            pg = 0
            for pid in self.postgres_pids:
                try:
                    pg += self._tree_rss(psutil.Process(pid))
                except psutil.Error:
                    pass
            self.peak_postgres = max(self.peak_postgres, pg)
            time.sleep(0.2)

    def stop(self) -> None:
        self._halt.set()


def _postmaster_pids(url: str) -> list[int]:
    port = make_url(url).port or 5432
    pids = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmd = " ".join(proc.info.get("cmdline") or [])
        if proc.info.get("name") == "postgres" and (f"-p {port}" in cmd or "-D" in cmd):
            if proc.ppid() == 1 or not psutil.Process(proc.ppid()).name().startswith("postgres"):
                pids.append(proc.pid)
    return pids


def affinity_facts_figures(url: str, timings: list) -> dict[str, object]:
    """Build time (inside the full refresh) and on-disk size of the affinity facts at both
    grains: the packed votes, the stored counts, the views; and the alternative of storing the
    measures too (a table of the long fact, timed alone on a warm cache, then dropped)."""
    seconds = {t.name: t.seconds for t in timings}
    out: dict[str, object] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for period in ("year", "session"):
            packed = f"int_country_{period}_votes_packed"
            counts = f"int_dyad_{period}_votes_counted"
            size, rows = conn.execute(
                "select pg_total_relation_size(%s::regclass), "
                f"(select count(*) from intermediate.{counts})",
                (f"intermediate.{counts}",),
            ).fetchone()
            started = time.perf_counter()
            conn.execute(f"create table public.bench_long_{period} as "
                         f"select * from marts.fct_dyad_{period}_affinity")
            materialize_s = time.perf_counter() - started
            long_size = conn.execute(
                f"select pg_total_relation_size('public.bench_long_{period}')").fetchone()[0]
            conn.execute(f"drop table public.bench_long_{period}")
            out[period] = {
                "rows": rows,
                "packing_s_in_build": round(seconds.get(packed, 0.0), 2),
                "counting_s_in_build": round(seconds.get(counts, 0.0), 2),
                "counts_table_mb": round(size / 2**20),
                "alternative_table_with_measures_mb": round(long_size / 2**20),
                "alternative_extra_s_to_store_measures_alone": round(materialize_s, 2),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from etl.config import get_settings
    from etl.db import database_url

    server = make_url(database_url(get_settings())).set(database="postgres")
    server_url = server.render_as_string(hide_password=False)
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    bench_url = server.set(database=name).render_as_string(hide_password=False)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["PREFECT_HOME"] = str(get_settings().warehouse_dir / "prefect")
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    get_settings.cache_clear()

    from flows.refresh import refresh

    sampler = MemorySampler(_postmaster_pids(server_url))
    sampler.start()
    figures: dict[str, object] = {"database": name}
    try:
        started = time.perf_counter()
        result = refresh(allow_download=False)
        figures["full_refresh_s"] = round(time.perf_counter() - started, 1)
        figures["ingest_s"] = {o.file_name: round(o.seconds, 1) for o in result["loads"]}
        figures["ingest_total_s"] = round(sum(o.seconds for o in result["loads"]), 1)
        timings = result["dbt"]
        figures["dbt_models_s"] = round(sum(t.seconds for t in timings if t.status == "success"), 1)
        figures["dbt_tests_s"] = round(sum(t.seconds for t in timings if t.status == "pass"), 1)
        figures["slowest_models_s"] = {
            t.name: round(t.seconds, 1)
            for t in sorted(timings, key=lambda t: -t.seconds)
            if t.status == "success"
        }
        figures["slowest_models_s"] = dict(list(figures["slowest_models_s"].items())[:8])
        # the dyad-year counts of all ten vote sets (fct_dyad_year_affinity is a view over them)
        affinity_s = next(t.seconds for t in timings if t.name == "int_dyad_year_votes_counted")
        # the whole chain from fct_vote: packing the votes, then the dyadic measures
        packing_s = next(t.seconds for t in timings if t.name == "int_country_year_votes_packed")

        started = time.perf_counter()
        again = refresh(allow_download=False)
        figures["refresh_no_new_files_s"] = round(time.perf_counter() - started, 1)
        figures["files_unchanged"] = sum(o.status == "unchanged" for o in again["loads"])

        # one new session: the warehouse as of the shared data less its last session, then all
        settings = get_settings()
        # autocommit: an open read transaction would hold a lock that the refresh's DDL waits on
        with (
            tempfile.TemporaryDirectory() as tmp,
            psycopg.connect(bench_url, autocommit=True) as conn,
        ):
            last = conn.execute("select max(session) from marts.dim_roll_call").fetchone()[0]
            earlier = make_source_slice(settings.source_dir, Path(tmp), set(range(1, last)))
            refresh(source_dir=str(earlier), allow_download=False)
            started = time.perf_counter()
            grown = refresh(allow_download=False)
            figures["refresh_one_new_session_s"] = round(time.perf_counter() - started, 1)
            figures["one_new_session"] = {
                "session": last,
                "files_loaded": sum(o.status == "loaded" for o in grown["loads"]),
                "years_of_new_session": [
                    r[0]
                    for r in conn.execute(
                        "select distinct year from marts.dim_roll_call where session = %s "
                        "order by 1",
                        (last,),
                    )
                ],
                "dbt_s": round(sum(t.seconds for t in grown["dbt"]), 1),
            }

        # The model against the naive join, each run alone on a warm cache, REPEATS times
        # (median reported). The naive join gets fresh statistics on fct_vote: its best plan.
        from etl.transform import run_dbt

        model_runs, naive_runs = [], []
        with psycopg.connect(bench_url, autocommit=True) as conn:
            conn.execute("analyze marts.fct_vote")
        for _ in range(REPEATS):
            # with the view over the counts: replacing the table drops the view (cascade)
            rebuilt = run_dbt(["run", "-s", "int_dyad_year_votes_counted",
                               "fct_dyad_year_affinity", "--full-refresh"])
            model_runs.append(
                next(t.seconds for t in rebuilt if t.name == "int_dyad_year_votes_counted"))
            with psycopg.connect(bench_url) as conn:
                started = time.perf_counter()
                conn.execute(NAIVE_SQL)
                naive_runs.append(time.perf_counter() - started)
                pairs, max_diff, n_joint_diff = conn.execute(COMPARE_SQL).fetchone()
        with psycopg.connect(bench_url) as conn:
            rows = {
                t: conn.execute(f"select count(*) from marts.{t}").fetchone()[0]
                for (t,) in conn.execute(
                    "select table_name from information_schema.tables "
                    "where table_schema = 'marts' order by 1"
                ).fetchall()
            }
        naive_s = statistics.median(naive_runs)
        figures["fct_dyad_year_affinity_warm_runs_s"] = [round(x, 2) for x in model_runs]
        figures["naive_self_join_runs_s"] = [round(x, 2) for x in naive_runs]
        figures["fct_dyad_year_affinity_warm_s"] = round(statistics.median(model_runs), 2)
        figures["fct_dyad_year_affinity_s"] = round(affinity_s, 2)
        figures["naive_self_join_exact_agreement_s"] = round(naive_s, 2)
        figures["int_country_year_votes_packed_s"] = round(packing_s, 2)
        # like for like: the model and the naive join each alone on a warm cache
        figures["speedup_vs_naive_alone"] = round(
            naive_s / figures["fct_dyad_year_affinity_warm_s"], 1)
        # the model's time inside the full build, where it shares the cores with another thread
        figures["speedup_vs_naive_in_build"] = round(naive_s / affinity_s, 1)
        figures["speedup_vs_naive_in_build_with_packing"] = round(
            naive_s / (affinity_s + packing_s), 1)
        figures["naive_vs_mart"] = {
            "dyad_years_compared": pairs,
            "max_abs_diff_agree_exact": float(max_diff or 0),
            "n_joint_mismatches": n_joint_diff,
        }
        figures["mart_rows"] = rows
        figures["affinity_facts"] = affinity_facts_figures(bench_url, timings)
    finally:
        sampler.stop()
        sampler.join()
        figures["peak_rss_python_mb"] = round(sampler.peak_python / 2**20)
        figures["peak_rss_postgres_mb"] = round(sampler.peak_postgres / 2**20)
        if not args.keep:
            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute(f'drop database if exists "{name}" with (force)')

    print(json.dumps(figures, indent=2))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / f"refresh_{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(
        json.dumps(figures, indent=2)
    )


if __name__ == "__main__":
    main()
