"""The refresh at 1x, 4x (and 16x) the roll calls, with DuckDB and numpy peers of the dyad-years.

    .venv/bin/python benchmarks/refresh_benchmark.py [--factors 1,4] [--x16] [--work DIR]
        [--seed 15] [--repeats 3] [--keep]
    .venv/bin/python benchmarks/refresh_benchmark.py --summarize benchmarks/results/scale_*.json

Per factor N, the commands run as a user runs them: ``alliances refresh --no-download`` in a
subprocess, with ``ALLIANCES_SOURCE_DIR`` at a source directory of N times the roll calls
(``benchmarks/scale.py``; at 1x the shared data themselves) and ``ALLIANCES_WAREHOUSE_DIR`` at a
fresh directory, so each factor starts its own embedded PostgreSQL from nothing (initdb and
server start are inside the full refresh's time). ``DATABASE_URL`` is ignored. Figures:

- full refresh: wall time; in-process breakdown from the ledger (ingest of each file) and dbt's
  run_results.json (node time of models, data tests and unit tests, summed over threads);
- no-change refresh: the same command again;
- one-new-session refresh: the warehouse is taken back to the data less its last session
  (``scale.py --max-session``, same seed), then the full directory again: the second command is
  the figure (the first is printed too);
- ``fct_dyad_year_affinity``: its node time in the full build, with the packing of the votes
  (``int_country_year_votes_packed``) it reads, warm rebuilds of both (``--repeats`` times,
  median), and its size on disk (table, indexes and TOAST);
- peak memory, sampled every 0.2 s (PostgreSQL's PSS every 2 s, see :class:`MemorySampler`):
  RSS of the refresh process (ETL and the in-process dbt), of its whole process tree less
  PostgreSQL, and of the PostgreSQL server (sum of PSS over the
  postmaster and its backends, so shared buffers count once; the sum of RSS beside it);
- the peers, from the same votes (``marts.fct_vote`` joined to ``marts.dim_roll_call``, exported
  once): the nine counts of every dyad-year by a plain DuckDB self-join on rcid, and by per-year
  numpy matrix products (the in-memory bound), each ``--repeats`` times, median; every count of
  both is checked equal to the model's on every dyad-year;
- growth ratios: each time at N over the same time at the smallest factor.

The figures go to stdout as JSON and to ``benchmarks/results/scale_<time>.json``. The machine is
shared: run it when it is quiet, and compare figures of the same run only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

# One BLAS thread for the numpy bound: on a machine whose cores are busy, OpenBLAS's threads spin
# against each other and the products run 10-30x slower than on one thread.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import scale  # noqa: E402

ALLIANCES = str(ROOT / ".venv" / "bin" / "alliances")
SHARED = ROOT.parent / "shared" / "data"

COUNTS = ("n_joint", "n_agree", "n_opposite", "n_yes_a", "n_no_a", "n_yes_b", "n_no_b",
          "n_joint_important", "n_agree_important")
KEYS = ("year", "ccode_a", "ccode_b")
# The model's rows the peers are compared with: vote set `all` (every reconciled roll call), the
# set the peers compute. fct_dyad_year_affinity is a view of the measures over the stored counts
# of int_dyad_year_votes_counted, one row per dyad-year with every vote set's counts (about 3.7
# times the joint votes of `all`): the model's time is that table's build, for all ten sets.
MODEL_WHERE = "where vote_set = 'all'"
COUNTS_MODEL = "int_dyad_year_votes_counted"

# The votes both peers start from: one row per (roll call, country) with a choice;
# vote 0 yes, 1 abstain, 2 no.
VOTES_SQL = """
    select v.year, v.rcid, v.ccode,
        case v.vote when 'yes' then 0 when 'abstain' then 1 else 2 end as vote,
        r.is_important
    from marts.fct_vote as v
    inner join marts.dim_roll_call as r on v.rcid = r.rcid
    where v.vote in ('yes', 'abstain', 'no')
"""

# The nine counts by a plain self-join of the votes on rcid. Country-years that cast a choice
# that year pair up even without a joint roll call (n_joint = 0), as in the model.
DUCKDB_SQL = """
    create or replace table duck_counts as
    with country_years as (
        select distinct year, ccode from votes
    ),
    joint as (
        select
            a.year, a.ccode as ccode_a, b.ccode as ccode_b,
            count(*) as n_joint,
            count(*) filter (where a.vote = b.vote) as n_agree,
            count(*) filter (where a.vote + b.vote = 2 and a.vote <> 1) as n_opposite,
            count(*) filter (where a.vote = 0) as n_yes_a,
            count(*) filter (where a.vote = 2) as n_no_a,
            count(*) filter (where b.vote = 0) as n_yes_b,
            count(*) filter (where b.vote = 2) as n_no_b,
            count(*) filter (where a.is_important) as n_joint_important,
            count(*) filter (where a.is_important and a.vote = b.vote) as n_agree_important
        from votes as a
        inner join votes as b on a.rcid = b.rcid and a.ccode < b.ccode
        group by a.year, a.ccode, b.ccode
    )
    select a.year, a.ccode as ccode_a, b.ccode as ccode_b,
        {coalesced}
    from country_years as a
    inner join country_years as b on a.year = b.year and a.ccode < b.ccode
    left join joint on joint.year = a.year and joint.ccode_a = a.ccode and joint.ccode_b = b.ccode
""".format(coalesced=", ".join(f"coalesce(joint.{c}, 0) as {c}" for c in COUNTS))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- memory -------------------------------------------------------------------------------


def _pss(pid: int) -> int:
    """Proportional set size of a process in bytes (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak memory of one command's process, its tree less PostgreSQL, and the server."""

    def __init__(self, pid: int, pgdata: Path) -> None:
        super().__init__(daemon=True)
        self.pid, self.pgdata = pid, pgdata
        self.peak = {"process_rss": 0, "tree_rss": 0, "postgres_pss": 0, "postgres_rss": 0}
        self._halt = threading.Event()

    def _postgres(self) -> list[psutil.Process]:
        try:
            pid = int((self.pgdata / "postmaster.pid").read_text().split()[0])
            postmaster = psutil.Process(pid)
            return [postmaster, *postmaster.children(recursive=True)]
        except (OSError, ValueError, IndexError, psutil.Error):
            return []

    # PSS every 10th sample (2 s): reading smaps_rollup walks a backend's page tables, and with
    # 2 GB of shared buffers mapped that costs ~10 ms per process, ~90 ms for a server's dozen:
    # every 0.2 s it took half a core from the refresh it measured (the server's memory moves
    # slowly, shared buffers filling; the refresh's RSS is still sampled every 0.2 s).
    PSS_EVERY = 10

    def sample(self, with_pss: bool = True) -> None:
        postgres = self._postgres()
        pg_pids = {p.pid for p in postgres}
        try:
            me = psutil.Process(self.pid)
            tree = [me, *me.children(recursive=True)]
            process_rss = me.memory_info().rss
        except psutil.Error:
            return
        tree_rss = 0
        for proc in tree:
            try:
                if proc.pid not in pg_pids and proc.name() not in ("postgres", "pg_ctl"):
                    tree_rss += proc.memory_info().rss
            except psutil.Error:
                pass
        pg_rss = 0
        for proc in postgres:
            try:
                pg_rss += proc.memory_info().rss
            except psutil.Error:
                pass
        pg_pss = sum(_pss(pid) for pid in pg_pids) if with_pss else 0
        for key, value in (("process_rss", process_rss), ("tree_rss", tree_rss),
                           ("postgres_pss", pg_pss), ("postgres_rss", pg_rss)):
            self.peak[key] = max(self.peak[key], value)

    def run(self) -> None:
        n = 0
        while not self._halt.is_set():
            self.sample(with_pss=n % self.PSS_EVERY == 0)
            n += 1
            time.sleep(0.2)

    def stop(self) -> dict[str, int]:
        self._halt.set()
        self.join()
        return {f"peak_{k}_mb": round(v / 2**20) for k, v in self.peak.items()}


# --- one warehouse --------------------------------------------------------------------------


class Warehouse:
    """A fresh warehouse directory and the commands a user runs on it."""

    def __init__(self, directory: Path, logs: Path) -> None:
        self.dir = directory
        self.logs = logs
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "ALLIANCES_DATABASE_URL")}
        self.env.update({"ALLIANCES_WAREHOUSE_DIR": str(directory),
                         "PREFECT_LOGGING_LEVEL": "WARNING"})
        self._url: str | None = None
        if directory.exists():  # a warehouse left by an interrupted run: stop it, start afresh
            self.run(["db", "stop"], label="stop_stale", measure=False)
            shutil.rmtree(directory)
        directory.mkdir(parents=True)

    def run(self, args: list[str], *, label: str, source: Path | None = None,
            measure: bool = True, extra_env: dict[str, str] | None = None) -> dict[str, Any]:
        """Run ``alliances ARGS``; wall time and peak memory; raise with the log's tail."""
        env = {**self.env, **(extra_env or {})}
        if source is not None:
            env["ALLIANCES_SOURCE_DIR"] = str(source)
        out = self.logs / f"{label}.log"
        started = time.perf_counter()
        with open(out, "w") as fh:
            proc = subprocess.Popen([ALLIANCES, *args], stdout=fh, stderr=subprocess.STDOUT,
                                    env=env, cwd=ROOT)
            sampler = MemorySampler(proc.pid, self.dir / "pgdata")
            if measure:
                sampler.start()
            code = proc.wait()
        seconds = time.perf_counter() - started
        memory = sampler.stop() if measure else {}
        if code != 0:
            tail = out.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"alliances {' '.join(args)} exited {code}; {out}:\n{tail}")
        return {"seconds": round(seconds, 1), **memory}

    @property
    def dbt_log(self) -> Path:
        return self.dir / "dbt" / "logs" / "dbt.log"

    def refresh(self, source: Path, label: str,
                extra_env: dict[str, str] | None = None) -> dict[str, Any]:
        began = time.time()
        offset = self.dbt_log.stat().st_size if self.dbt_log.exists() else 0
        figures = self.run(["refresh", "--no-download"], label=label, source=source,
                           extra_env=extra_env)
        figures.update(self.breakdown(since=began, log_offset=offset))
        return figures

    @property
    def url(self) -> str:
        if self._url is None:
            result = subprocess.run([ALLIANCES, "db", "url"], env=self.env, cwd=ROOT,
                                    capture_output=True, text=True, check=True)
            self._url = result.stdout.strip().splitlines()[-1]
        return self._url

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def copy_out(self, sql: str, path: Path) -> None:
        import psycopg

        with psycopg.connect(self.url) as conn, open(path, "wb") as fh:
            with conn.cursor().copy(f"copy ({sql}) to stdout (format csv, header)") as copy:
                for chunk in copy:
                    fh.write(chunk)

    def run_results(self) -> list[dict[str, Any]]:
        path = self.dir / "dbt" / "target" / "run_results.json"
        return json.loads(path.read_text())["results"] if path.exists() else []

    def breakdown(self, since: float, log_offset: int) -> dict[str, Any]:
        """Ingest per file (ledger) and dbt node times (dbt's log) of the refresh just run.

        A refresh may invoke dbt twice (the incremental build, then the changed models), and
        run_results.json keeps the last invocation only: the node times come from the part of
        dbt.log the refresh wrote.
        """
        loads = self.query(
            "select file_name, extract(epoch from finished_at - started_at)::float8 "
            "from raw.load_ledger where status = 'loaded' and started_at >= to_timestamp(%s) "
            "order by load_id", (since,))
        nodes, wall = dbt_log_nodes(self.dbt_log, log_offset)
        kinds: dict[str, list[float]] = {"model": [], "test": [], "unit_test": [], "seed": []}
        for kind, _name, seconds in nodes:
            kinds[kind].append(seconds)
        slowest = sorted(((n, s) for k, n, s in nodes if k == "model"), key=lambda x: -x[1])[:6]
        return {
            "ingest_s": round(sum(s for _, s in loads), 1),
            "ingest_by_file_s": {name: round(s, 1) for name, s in loads},
            "dbt_wall_s": round(wall, 1),
            "dbt_models_s": round(sum(kinds["model"]), 1),
            "dbt_data_tests_s": round(sum(kinds["test"]), 1),
            "dbt_unit_tests_s": round(sum(kinds["unit_test"]), 1),
            "dbt_nodes_run": {k: len(v) for k, v in kinds.items() if v},
            "slowest_models_s": {n: round(s, 2) for n, s in slowest},
            "_nodes": {n: s for k, n, s in nodes if k == "model"},
        }


_LOG_START = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) .*?: (\d+) of (\d+) START "
                        r"(?:sql \w+ (model)|(seed) file|(test)|(unit_test)) (\S+)")
_LOG_DONE = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) .*?: (\d+) of (\d+) (?!START).*"
                       r" in (\d+\.\d+)s\]")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def dbt_log_nodes(path: Path, offset: int) -> tuple[list[tuple[str, str, float]], float]:
    """(kind, name, seconds) of each dbt node finished in ``path`` past ``offset``; wall time.

    Kind is model, seed, test or unit_test; a model's name loses its schema. The wall time runs
    from the first node's start to the last node's end (0 when no node ran).
    """
    if not path.exists():
        return [], 0.0
    with open(path, "rb") as fh:
        fh.seek(offset)
        text = fh.read().decode("utf-8", errors="replace")
    pending: dict[tuple[str, str], tuple[str, str]] = {}
    nodes: list[tuple[str, str, float]] = []
    stamps: list[dt.datetime] = []
    for line in _ANSI.sub("", text).splitlines():
        if (m := _LOG_START.match(line)) is not None:
            kind = next(k for k in m.group(4, 5, 6, 7) if k)
            pending[(m.group(2), m.group(3))] = (kind, m.group(8).split(".")[-1])
            stamps.append(dt.datetime.strptime(m.group(1), "%H:%M:%S.%f"))
        elif (m := _LOG_DONE.match(line)) is not None and (m.group(2), m.group(3)) in pending:
            kind, name = pending.pop((m.group(2), m.group(3)))
            nodes.append((kind, name, float(m.group(4))))
            stamps.append(dt.datetime.strptime(m.group(1), "%H:%M:%S.%f"))
    wall = (max(stamps) - min(stamps)).total_seconds() % 86400 if stamps else 0.0
    return nodes, wall


# --- the peers ------------------------------------------------------------------------------


def _median_of(repeats: int, fn: Callable[[], None]) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs), 2), [round(r, 2) for r in runs]


def numpy_counts(year: Any, rcid: Any, ccode: Any, vote: Any, important: Any) -> dict[str, Any]:
    """The nine counts of every dyad-year by matrix products, one year at a time.

    Per year, 0/1 matrices countries x roll calls: Y (yes), A (abstain), N (no), J = Y + A + N
    (voted), C = [Y A N] side by side, and the important roll calls' columns kept in J_I, C_I.
    Then n_joint = J J', n_agree = C C', n_opposite = Y N' + N Y', n_yes_a = Y J' (and
    n_yes_b its transpose), n_no_a = N J', n_joint_important = J_I J',
    n_agree_important = C_I C'. float32 is exact below 2^24.
    """
    import numpy as np

    out: dict[str, list[Any]] = {k: [] for k in (*KEYS, *COUNTS)}
    bounds = np.flatnonzero(np.diff(year)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(year)], strict=True):
        countries, ci = np.unique(ccode[lo:hi], return_inverse=True)
        _calls, ri = np.unique(rcid[lo:hi], return_inverse=True)
        n_c, n_r = len(countries), len(_calls)
        choice = np.zeros((3, n_c, n_r), dtype=np.float32)
        choice[vote[lo:hi], ci, ri] = 1.0
        yes, no = choice[0], choice[2]
        voted = choice.sum(axis=0)
        stacked = np.concatenate(choice, axis=1)
        is_important = np.zeros(n_r, dtype=np.float32)
        is_important[ri[important[lo:hi]]] = 1.0
        yes_no = yes @ no.T
        yes_voted, no_voted = yes @ voted.T, no @ voted.T
        counts = {
            "n_joint": voted @ voted.T,
            "n_agree": stacked @ stacked.T,
            "n_opposite": yes_no + yes_no.T,
            "n_yes_a": yes_voted, "n_no_a": no_voted, "n_yes_b": yes_voted.T,
            "n_no_b": no_voted.T,
            "n_joint_important": (voted * is_important) @ voted.T,
            "n_agree_important": (stacked * np.tile(is_important, 3)) @ stacked.T,
        }
        a, b = np.triu_indices(n_c, k=1)
        out["year"].append(np.full(len(a), year[lo]))
        out["ccode_a"].append(countries[a])
        out["ccode_b"].append(countries[b])
        for name, matrix in counts.items():
            out[name].append(matrix[a, b].astype(np.int64))
    return {k: np.concatenate(v) for k, v in out.items()}


def peers(wh: Warehouse, work: Path, repeats: int) -> dict[str, Any]:
    """DuckDB self-join and numpy products of the same votes, checked against the model."""
    import duckdb
    import pandas as pd

    figures: dict[str, Any] = {}
    votes_csv, model_csv = work / "votes.csv", work / "model_counts.csv"
    started = time.perf_counter()
    wh.copy_out(VOTES_SQL, votes_csv)
    wh.copy_out(f"select {', '.join((*KEYS, *COUNTS))} from marts.fct_dyad_year_affinity "
                f"{MODEL_WHERE}", model_csv)
    figures["export_s"] = round(time.perf_counter() - started, 1)

    con = duckdb.connect()
    started = time.perf_counter()
    con.execute(f"create table votes as select * from read_csv('{votes_csv}', header = true, "
                "columns = {'year': 'INTEGER', 'rcid': 'INTEGER', 'ccode': 'INTEGER', "
                "'vote': 'INTEGER', 'is_important': 'BOOLEAN'}) order by year, rcid, ccode")
    figures["duckdb_load_s"] = round(time.perf_counter() - started, 1)
    figures["votes"] = con.execute("select count(*) from votes").fetchone()[0]
    con.execute(f"create table model as select * from read_csv('{model_csv}', header = true)")
    figures["duckdb_threads"] = con.execute("select current_setting('threads')").fetchone()[0]
    figures["duckdb_self_join_s"], figures["duckdb_self_join_runs_s"] = _median_of(
        repeats, lambda: con.execute(DUCKDB_SQL))

    arrays = con.execute("select year, rcid, ccode, vote, is_important from votes "
                         "order by year").fetchnumpy()
    args = [arrays[c] for c in ("year", "rcid", "ccode", "vote", "is_important")]
    args = [a.to_numpy() if hasattr(a, "to_numpy") else a for a in args]
    result: dict[str, Any] = {}

    def run_numpy() -> None:
        result.update(numpy_counts(*args))

    figures["numpy_products_s"], figures["numpy_products_runs_s"] = _median_of(repeats, run_numpy)
    con.register("numpy_frame", pd.DataFrame(result))
    con.execute("create table numpy_counts as select * from numpy_frame")

    def mismatches(table: str) -> dict[str, int]:
        differs = " or ".join(f"m.{c} is distinct from p.{c}" for c in COUNTS)
        row = con.execute(
            f"select count(*) filter (where m.year is null), count(*) filter (where p.year is "
            f"null), count(*) filter (where m.year is not null and p.year is not null and "
            f"({differs})), count(*) from model as m full outer join {table} as p "
            f"using ({', '.join(KEYS)})").fetchone()
        return {"only_in_peer": row[0], "only_in_model": row[1], "counts_differ": row[2],
                "dyad_years": row[3]}

    figures["check_duckdb"] = mismatches("duck_counts")
    figures["check_numpy"] = mismatches("numpy_counts")
    figures["identical"] = all(
        figures[k][m] == 0 for k in ("check_duckdb", "check_numpy")
        for m in ("only_in_peer", "only_in_model", "counts_differ"))
    con.close()
    for path in (votes_csv, model_csv):
        path.unlink()
    return figures


# --- one factor -----------------------------------------------------------------------------


def _source_dirs(factor: int, work: Path, seed: int) -> tuple[Path, Path, int, float]:
    """The full and the less-its-last-session source directories, the last session, time."""
    last = scale.last_session(SHARED)
    started = time.perf_counter()
    full = SHARED
    if factor > 1:
        full = work / f"source_x{factor}"
        log(f"x{factor}: generating {full}")
        scale.generate(SHARED, full, factor=factor, seed=seed, log=log, reuse=True)
    earlier = work / f"source_x{factor}_to_{last - 1}"
    log(f"x{factor}: generating {earlier} (sessions up to {last - 1})")
    scale.generate(SHARED, earlier, factor=factor, seed=seed, max_session=last - 1, log=log,
                   reuse=True)
    return full, earlier, last, time.perf_counter() - started


def bench_factor(factor: int, work: Path, seed: int, repeats: int,
                 figures: dict[str, Any], save: Callable[[], None]) -> None:
    """Fill ``figures`` for one factor, saving after each stage (a long run keeps what it did).

    The order puts first what matters most when time runs out: the full refresh, the affinity
    facts and the peers; then the no-change and one-new-session refreshes.
    """
    figures["factor"] = factor
    full, earlier, last, gen_s = _source_dirs(factor, work, seed)
    figures["generate_s"] = round(gen_s, 1)
    logs = work / f"logs_x{factor}"
    logs.mkdir(parents=True, exist_ok=True)
    wh = Warehouse(work / f"warehouse_x{factor}", logs)
    try:
        log(f"x{factor}: full refresh (fresh warehouse, cold start)")
        figures["full_refresh"] = wh.refresh(full, "full_refresh")
        nodes = figures["full_refresh"].pop("_nodes")
        affinity = {
            "fct_dyad_year_affinity_in_build_s": round(nodes[COUNTS_MODEL], 2),
            "int_country_year_votes_packed_in_build_s": round(
                nodes["int_country_year_votes_packed"], 2),
        }
        figures["affinity"] = affinity
        save()
        log(f"x{factor}: full refresh {figures['full_refresh']['seconds']} s; warm rebuilds of "
            "the packed votes and fct_dyad_year_affinity")
        warm_affinity, warm_packed = [], []
        for i in range(repeats):
            # the view over the counts goes with them when they are rebuilt: select it too
            wh.run(["dbt", "run", "--threads", "1", "--full-refresh", "-s",
                    "int_country_year_votes_packed", COUNTS_MODEL, "fct_dyad_year_affinity"],
                   label=f"warm_rebuild_{i}", measure=False)
            times = {r["unique_id"].split(".")[-1]: r["execution_time"]
                     for r in wh.run_results()}
            warm_affinity.append(times[COUNTS_MODEL])
            warm_packed.append(times["int_country_year_votes_packed"])
        (size, rows, view_rows), = wh.query(
            f"select pg_total_relation_size('intermediate.{COUNTS_MODEL}'), "
            f"(select count(*) from intermediate.{COUNTS_MODEL}), "
            "(select count(*) from marts.fct_dyad_year_affinity)")
        affinity.update({
            "fct_dyad_year_affinity_warm_s": round(statistics.median(warm_affinity), 2),
            "fct_dyad_year_affinity_warm_runs_s": [round(x, 2) for x in warm_affinity],
            "int_country_year_votes_packed_warm_s": round(statistics.median(warm_packed), 2),
            "fct_dyad_year_affinity_mb": round(size / 2**20, 1),
            "fct_dyad_year_affinity_rows": view_rows,
            "counts_table_rows": rows,
            "fct_vote_rows": wh.query("select count(*) from marts.fct_vote")[0][0],
            "fct_vote_mb": round(wh.query(
                "select pg_total_relation_size('marts.fct_vote')")[0][0] / 2**20, 1),
            "database_mb": round(wh.query(
                "select pg_database_size(current_database())")[0][0] / 2**20),
        })
        save()
        log(f"x{factor}: peers (DuckDB self-join, numpy products)")
        peer = peers(wh, work, repeats)
        model_s = affinity["fct_dyad_year_affinity_warm_s"]
        with_packing = model_s + affinity["int_country_year_votes_packed_warm_s"]
        peer["model_warm_s"] = model_s
        peer["model_with_packing_warm_s"] = round(with_packing, 2)
        peer["duckdb_over_model"] = round(peer["duckdb_self_join_s"] / model_s, 2)
        peer["duckdb_over_model_with_packing"] = round(peer["duckdb_self_join_s"] / with_packing, 2)
        peer["model_over_numpy"] = round(model_s / max(peer["numpy_products_s"], 0.01), 2)
        figures["peers"] = peer
        save()
        log(f"x{factor}: identical counts: {peer['identical']}; no-change refresh")
        figures["no_change_refresh"] = wh.refresh(full, "no_change_refresh")
        figures["no_change_refresh"].pop("_nodes")
        save()
        log(f"x{factor}: back to sessions up to {last - 1}")
        # the files less their last session are smaller on purpose: past the shrink guard
        figures["back_one_session_refresh"] = wh.refresh(
            earlier, "back_one_session", extra_env={"ALLIANCES_MAX_SHRINK_SHARE": "1"})
        figures["back_one_session_refresh"].pop("_nodes")
        save()
        log(f"x{factor}: one-new-session refresh (session {last})")
        figures["one_new_session_refresh"] = wh.refresh(full, "one_new_session")
        figures["one_new_session_refresh"].pop("_nodes")
        figures["one_new_session_refresh"]["session"] = last
        figures["one_new_session_share_of_full"] = round(
            figures["one_new_session_refresh"]["seconds"] / figures["full_refresh"]["seconds"], 2)
        save()
    finally:
        wh.run(["db", "stop"], label="db_stop", measure=False)


def growth(results: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each time at N over the same time at the smallest factor."""
    base = results[0]
    picks = {
        "full_refresh": lambda f: f["full_refresh"]["seconds"],
        "ingest": lambda f: f["full_refresh"]["ingest_s"],
        "dbt_models": lambda f: f["full_refresh"]["dbt_models_s"],
        "dbt_data_tests": lambda f: f["full_refresh"]["dbt_data_tests_s"],
        "no_change_refresh": lambda f: f["no_change_refresh"]["seconds"],
        "one_new_session_refresh": lambda f: f["one_new_session_refresh"]["seconds"],
        "fct_dyad_year_affinity_warm": lambda f: f["affinity"]["fct_dyad_year_affinity_warm_s"],
        "duckdb_self_join": lambda f: f["peers"]["duckdb_self_join_s"],
        "numpy_products": lambda f: f["peers"]["numpy_products_s"],
        "peak_process_rss": lambda f: f["full_refresh"]["peak_process_rss_mb"],
        "peak_postgres_pss": lambda f: f["full_refresh"]["peak_postgres_pss_mb"],
    }
    out = {}
    for f in results[1:]:
        ratios = {}
        for name, pick in picks.items():
            try:
                ratios[name] = round(pick(f) / max(pick(base), 0.01), 1)
            except KeyError:  # a stage the run did not reach
                continue
        out[f"x{f['factor']}_over_x{base['factor']}"] = ratios
    return out


ROWS: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
    ("full refresh, wall (s)", lambda f: f["full_refresh"]["seconds"]),
    ("  ingest, sum over files (s)", lambda f: f["full_refresh"]["ingest_s"]),
    ("  of which Voeten's file (s)",
     lambda f: f["full_refresh"]["ingest_by_file_s"]["unga_voeten_votes"]),
    ("  dbt wall (s)", lambda f: f["full_refresh"]["dbt_wall_s"]),
    ("  dbt models, node time (s)", lambda f: f["full_refresh"]["dbt_models_s"]),
    ("  dbt data tests, node time (s)", lambda f: f["full_refresh"]["dbt_data_tests_s"]),
    ("  dbt unit tests, node time (s)", lambda f: f["full_refresh"]["dbt_unit_tests_s"]),
    ("no-change refresh (s)", lambda f: f["no_change_refresh"]["seconds"]),
    ("one-new-session refresh (s)", lambda f: f["one_new_session_refresh"]["seconds"]),
    ("  share of the full refresh", lambda f: f["one_new_session_share_of_full"]),
    ("peak RSS, refresh process (MB)", lambda f: f["full_refresh"]["peak_process_rss_mb"]),
    ("peak PSS, PostgreSQL (MB)", lambda f: f["full_refresh"]["peak_postgres_pss_mb"]),
    ("fct_vote rows", lambda f: f"{f['affinity']['fct_vote_rows']:,}"),
    ("database size (MB)", lambda f: f["affinity"]["database_mb"]),
    ("fct_dyad_year_affinity rows", lambda f: f"{f['affinity']['fct_dyad_year_affinity_rows']:,}"),
    ("fct_dyad_year_affinity size (MB)", lambda f: f["affinity"]["fct_dyad_year_affinity_mb"]),
    ("  its counts table's rows (one per dyad-year)",
     lambda f: f"{f['affinity'].get('counts_table_rows', 0):,}"),
    ("fct_dyad_year_affinity in the build (s)",
     lambda f: f["affinity"]["fct_dyad_year_affinity_in_build_s"]),
    ("fct_dyad_year_affinity warm (s)", lambda f: f["affinity"]["fct_dyad_year_affinity_warm_s"]),
    ("  plus packing the votes, warm (s)", lambda f: f["peers"]["model_with_packing_warm_s"]),
    ("DuckDB self-join, same nine counts (s)", lambda f: f["peers"]["duckdb_self_join_s"]),
    ("  DuckDB / model (model with packing)", lambda f: f"{f['peers']['duckdb_over_model']} "
     f"({f['peers']['duckdb_over_model_with_packing']})"),
    ("numpy per-year products (s)", lambda f: f["peers"]["numpy_products_s"]),
    ("counts identical on every dyad-year",
     lambda f: "yes" if f["peers"]["identical"] else "NO"),
)


def summarize(paths: list[Path]) -> str:
    """A markdown table of the factors in result files (the last run of each factor wins)."""
    by_factor: dict[int, tuple[str, dict[str, Any]]] = {}
    for path in paths:
        data = json.loads(path.read_text())
        for f in data["factors"]:
            if "factor" in f:
                by_factor[f["factor"]] = (path.name, f)
    factors = sorted(by_factor)
    lines = ["| figure | " + " | ".join(f"{n}x" for n in factors) + " |",
             "|---|" + "---|" * len(factors)]
    for label, pick in ROWS:
        cells = []
        for n in factors:
            try:
                cells.append(str(pick(by_factor[n][1])))
            except KeyError:
                cells.append("not reached")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| result file | " + " | ".join(by_factor[n][0] for n in factors) + " |")
    runs = [by_factor[n][1] for n in factors]
    if len(runs) > 1:
        lines.append("")
        for name, ratios in growth(runs).items():
            lines.append(f"- {name}: " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summarize", type=Path, nargs="+", metavar="RESULT_JSON",
                        help="only print the table of earlier result files (several runs)")
    parser.add_argument("--factors", default="1,4", help="comma-separated, e.g. 1,4,16")
    parser.add_argument("--x16", action="store_true", help="add factor 16 (long: ~1 h)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/alliances-bench"),
                        help="where generated sources and warehouses go (not the repository)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated sources and warehouses")
    args = parser.parse_args()
    if args.summarize:
        print(summarize(args.summarize))
        return
    factors = sorted({int(x) for x in args.factors.split(",")} | ({16} if args.x16 else set()))
    args.work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                               "cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg(),
                               "blas_threads": os.environ["OPENBLAS_NUM_THREADS"],
                               "factors": []}
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"scale_{time.strftime('%Y%m%dT%H%M%S')}.json"
    def save() -> None:
        out.write_text(json.dumps(figures, indent=2))

    try:
        for factor in factors:
            result: dict[str, Any] = {}
            figures["factors"].append(result)
            bench_factor(factor, args.work, args.seed, args.repeats, result, save)
            log(f"x{factor} done:\n" + json.dumps(result, indent=2))
            figures["growth"] = growth(figures["factors"])
            save()
    finally:
        figures["load_avg_at_end"] = os.getloadavg()
        out.write_text(json.dumps(figures, indent=2))
        if not args.keep:  # the logs stay
            for pattern in ("source_x*", "warehouse_x*"):
                for path in args.work.glob(pattern):
                    shutil.rmtree(path, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    log(f"written to {out}")
    print(summarize([out]))


if __name__ == "__main__":
    main()
