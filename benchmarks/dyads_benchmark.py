"""Dyad-year universe and alliance-portfolio similarity: build times and sizes.

Runs on the built warehouse (``make warehouse`` first), rebuilding only these models:

    .venv/bin/python benchmarks/dyads_benchmark.py [--repeats N]

Prints, for the median of N runs (default 3) of each step run alone:
- the universe: int_dyad_years_enumerated (view) + int_dyad_years_joined (the table, each
  pair once; fct_dyad_year and its undirected twin are views over it), its rows, years and size
  and the directed view's rows;
- the similarity step: int_alliance_ties_valued + fct_dyad_year_alliance_similarity (every
  variant, every dyad-year), its rows and size;
the dbt node times of each step and the wall time of the dbt invocation, and the size of the
similarity's sparse self-join (non-zero ties, products, dyad-years sharing a tie). The figures
are also written to benchmarks/results/dyads.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.config import get_settings  # noqa: E402
from etl.db import connect  # noqa: E402
from etl.transform import run_dbt  # noqa: E402

STEPS = {
    # the two views too: replacing the table drops them (dbt's drop ... cascade)
    "universe": ["int_dyad_years_enumerated", "int_dyad_years_joined",
                 "fct_dyad_year_undirected", "fct_dyad_year"],
    "similarity": ["int_alliance_ties_valued", "fct_dyad_year_alliance_similarity"],
}
TABLES = {"universe": "intermediate.int_dyad_years_joined",
          "similarity": "marts.fct_dyad_year_alliance_similarity"}


def _time_step(models: list[str]) -> tuple[float, float]:
    """(wall seconds of the dbt run, sum of the dbt node times)."""
    started = time.perf_counter()
    timings = run_dbt(["run", "-s", *models])
    return time.perf_counter() - started, sum(t.seconds for t in timings)


def _size(table: str) -> dict[str, object]:
    with connect(get_settings()) as conn:
        rows, first, last = conn.execute(
            f"select count(*), min(year), max(year) from {table}"  # noqa: S608
        ).fetchone()
        size = conn.execute(
            "select pg_total_relation_size(%s::regclass)", (table,)
        ).fetchone()[0]
        directed = conn.execute("select count(*) from marts.fct_dyad_year").fetchone()[0]
    return {"rows": rows, "first_year": first, "last_year": last, "mb": round(size / 2**20, 1),
            "directed_rows": directed}


SPARSITY_SQL = """
    select
        (select count(*) from intermediate.int_alliance_ties_valued),
        (select count(*) from intermediate.int_alliance_ties_valued as a
            inner join intermediate.int_alliance_ties_valued as b
                on a.year = b.year and a.ccode_k = b.ccode_k and a.ccode < b.ccode),
        (select count(*) from (
            select distinct a.year, a.ccode, b.ccode
            from intermediate.int_alliance_ties_valued as a
            inner join intermediate.int_alliance_ties_valued as b
                on a.year = b.year and a.ccode_k = b.ccode_k and a.ccode < b.ccode) as d)
"""


def _sparsity() -> dict[str, int]:
    """The self-join's size: non-zero ties (self-ties included), products, dyads sharing one."""
    with connect(get_settings()) as conn:
        ties, products, dyads = conn.execute(SPARSITY_SQL).fetchone()
    return {"nonzero_ties": ties, "products": products, "dyad_years_sharing_a_tie": dyads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, dict[str, object]] = {}
    for step, models in STEPS.items():
        runs = [_time_step(models) for _ in range(args.repeats)]
        results[step] = {
            "wall_s": [round(w, 2) for w, _ in runs],
            "dbt_node_s": [round(n, 2) for _, n in runs],
            "median_dbt_node_s": round(statistics.median(n for _, n in runs), 2),
            **_size(TABLES[step]),
        }
    results["similarity"].update(_sparsity())
    for step, r in results.items():
        print(f"{step:<11} {TABLES[step]}: {r['rows']:,} rows {r['first_year']}-{r['last_year']}, "
              f"{r['mb']} MB; dbt node time median {r['median_dbt_node_s']} s "
              f"(runs {r['dbt_node_s']}; wall {r['wall_s']})")
    sparse = results["similarity"]
    print(f"similarity self-join: {sparse['nonzero_ties']:,} non-zero ties, "
          f"{sparse['products']:,} products, {sparse['dyad_years_sharing_a_tie']:,} dyad-years "
          "sharing a tie")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "dyads.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
