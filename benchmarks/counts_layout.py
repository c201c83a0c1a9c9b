"""The dyad counts stored wide (the model) against the long layout it replaced (built warehouse).

``int_dyad_year_votes_counted`` holds one row per dyad-year with the nine counts of every vote set
side by side; ``fct_dyad_year_affinity`` lays it out one row per vote set. Before, the table was
long: one row per dyad, year and vote set (7.6 million rows). This script builds both layouts
from the same packed votes (``intermediate.int_country_year_votes_packed``), checks that they hold
the same counts, and prints for each: the time to build the table (wall and the PostgreSQL
backend's CPU), its rows and size on disk, and the time of the subset test (every set's n_joint at
most `all`'s), the costliest data test of the long layout.

    .venv/bin/python benchmarks/counts_layout.py            # --repeats N (3), --grain session

Each query runs serially (max_parallel_workers_per_gather = 0), so CPU and wall agree on an idle
machine. Results also go to ``benchmarks/results/counts_layout.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTS = {
    "n_joint": "voted_bits_a & voted_bits_b",
    "n_agree": "choice_bits_a & choice_bits_b",
    "n_opposite": "yes_no_bits_a & no_yes_bits_b",
    "n_yes_a": "yes_bits_a & voted_bits_b",
    "n_no_a": "no_bits_a & voted_bits_b",
    "n_yes_b": "voted_bits_a & yes_bits_b",
    "n_no_b": "voted_bits_a & no_bits_b",
    "n_joint_important": "important_voted_bits_a & voted_bits_b",
    "n_agree_important": "important_choice_bits_a & choice_bits_b",
}
STRINGS = ("yes_bits", "no_bits", "voted_bits", "choice_bits", "yes_no_bits", "no_yes_bits",
           "important_voted_bits", "important_choice_bits")


def _side(expression: str, vote_set: str | None = None) -> str:
    """``x_a & y_b`` as columns of the join's two sides (a.x & b.y), per vote set if wide."""
    left, right = (part.strip() for part in expression.split("&"))
    suffix = f"__{vote_set}" if vote_set else ""
    return f"a.{left[:-2]}{suffix} & b.{right[:-2]}{suffix}"


def long_sql(period: str, packed: str) -> str:
    """The long layout: one row per dyad, period and vote set (a self-join per period and set)."""
    counts = ",\n    ".join(f"bit_count({_side(e)})::smallint as {name}"
                            for name, e in COUNTS.items())
    return (f"select a.{period}, a.vote_set, a.ccode as ccode_a, b.ccode as ccode_b,"
            f"\n    {counts}\n"
            f"from {packed} as a join {packed} as b on a.{period} = b.{period} "
            "and a.vote_set = b.vote_set and a.ccode < b.ccode")


def wide_sql(period: str, packed: str, vote_sets: list[str]) -> str:
    """The wide layout, as the model builds it: each country-period's sets side by side, one
    self-join per period, every set's nine counts in one row (null where a side has no votes)."""
    pivot = ",\n    ".join(
        f"(array_agg({string}) filter (where vote_set = '{s}'))[1] as {string}__{s}"
        for s in vote_sets for string in STRINGS)
    counts = ",\n    ".join(f"bit_count({_side(e, s)})::smallint as {name}__{s}"
                            for s in vote_sets for name, e in COUNTS.items())
    return (f"with countries as (select {period}, ccode,\n    {pivot}\n"
            f"  from {packed} group by {period}, ccode)\n"
            f"select a.{period}, a.ccode as ccode_a, b.ccode as ccode_b,\n    {counts}\n"
            f"from countries as a join countries as b on a.{period} = b.{period} "
            "and a.ccode < b.ccode")


def subset_test_long(period: str, table: str) -> str:
    return (f"select {period}, ccode_a, ccode_b from {table} group by {period}, ccode_a, ccode_b "
            "having max(n_joint) filter (where vote_set <> 'all') "
            "> coalesce(max(n_joint) filter (where vote_set = 'all'), -1)")


def subset_test_wide(period: str, table: str, vote_sets: list[str]) -> str:
    checks = " or ".join(f"n_joint__{s} > coalesce(n_joint__all, -1)"
                         for s in vote_sets if s != "all")
    return f"select {period}, ccode_a, ccode_b from {table} where {checks}"


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (the PostgreSQL backend, on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--grain", choices=["year", "session"], default="year")
    args = parser.parse_args(argv)

    from etl.db import connect

    period = args.grain
    packed = f"intermediate.int_country_{period}_votes_packed"
    figures: dict[str, Any] = {"grain": period, "repeats": args.repeats}
    with connect(autocommit=True) as conn:
        local = conn.info.host in ("127.0.0.1", "localhost", "::1")
        pid = conn.execute("select pg_backend_pid()").fetchone()[0]
        conn.execute("set max_parallel_workers_per_gather = 0")
        vote_sets = [row[0] for row in conn.execute(
            "select vote_set from marts.dim_vote_set order by sort_order")]

        def timed(sql: str) -> tuple[float, float | None]:
            cpu = _cpu_s(pid) if local else None
            started = time.perf_counter()
            conn.execute(sql)
            wall = time.perf_counter() - started
            return wall, (_cpu_s(pid) - cpu if cpu is not None else None)

        for layout, select, test in (
            ("long", long_sql(period, packed),
             subset_test_long(period, "public.bench_counts_long")),
            ("wide", wide_sql(period, packed, vote_sets),
             subset_test_wide(period, "public.bench_counts_wide", vote_sets)),
        ):
            table = f"public.bench_counts_{layout}"
            builds, tests = [], []
            for _ in range(args.repeats):
                conn.execute(f"drop table if exists {table}")
                builds.append(timed(f"create table {table} as {select}"))
                conn.execute(f"analyze {table}")
                tests.append(timed(f"select count(*) from ({test}) as failing"))
            rows, size = conn.execute(
                f"select count(*), pg_total_relation_size('{table}') from {table}").fetchone()
            figures[layout] = {
                "rows": rows,
                "mb": round(size / 2**20, 1),
                "build_wall_s": round(statistics.median(w for w, _ in builds), 2),
                "build_cpu_s": (round(statistics.median(c for _, c in builds), 2)
                                if local else None),
                "subset_test_wall_s": round(statistics.median(w for w, _ in tests), 2),
            }
            print(f"{layout}: {figures[layout]}", flush=True)
        # the same counts: every (dyad, period, set) of the long table, in the wide one
        unpivot = " union all ".join(
            f"select {period}, '{s}' as vote_set, ccode_a, ccode_b, "
            + ", ".join(f"{name}__{s} as {name}" for name in COUNTS)
            + f" from public.bench_counts_wide where n_joint__{s} is not null" for s in vote_sets)
        keys = f"{period}, vote_set, ccode_a, ccode_b, " + ", ".join(COUNTS)
        differ = conn.execute(
            f"select (select count(*) from (select {keys} from public.bench_counts_long except all "
            f"select {keys} from ({unpivot}) as w) as x) + (select count(*) from (select {keys} "
            f"from ({unpivot}) as w except all select {keys} from public.bench_counts_long) as y)"
        ).fetchone()[0]
        figures["rows_differing"] = differ
        conn.execute("drop table public.bench_counts_long, public.bench_counts_wide")
        print(f"rows in one layout and not the other: {differ}", flush=True)
    out = ROOT / "benchmarks" / "results" / "counts_layout.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
