"""CPU and wall time of each hierarchy model, on the built warehouse (issue 13).

Wall-clock times on a shared machine measure the other users as much as the query, so this
script also reads the CPU time the PostgreSQL backend spent on each model (utime + stime of the
backend process, from /proc: the server must run on this machine, as the embedded one does).
Each model's compiled SQL runs into a temporary table, in dependency order, on the warehouse
that `alliances refresh` built; nothing is written to it:

    .venv/bin/python benchmarks/hierarchy_models_cpu.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.config import get_settings  # noqa: E402
from etl.db import database_url  # noqa: E402
from etl.transform import run_dbt  # noqa: E402

MODELS = (
    "intermediate/hierarchy/int_alliance_ties_undirected",
    "intermediate/hierarchy/int_alliance_network_degrees_counted",
    "intermediate/hierarchy/int_alliance_network_eigenvectors_iterated",
    "intermediate/hierarchy/int_hegemon_partners_enumerated",
    "intermediate/hierarchy/int_hegemon_partner_ties_listed",
    "intermediate/hierarchy/int_troop_host_years_deduplicated",
    "marts/hierarchy/mart_hegemon_system_year",
    "marts/hierarchy/mart_hegemon_system_region_year",
    "marts/hierarchy/mart_hegemon_partner_hierarchy",
)


def main() -> None:
    settings = get_settings()
    run_dbt(["compile", "-s", "intermediate.hierarchy", "marts.hierarchy"], settings)
    compiled = settings.warehouse_dir / "dbt" / "target" / "compiled" / "alliance_warehouse"
    tick = os.sysconf("SC_CLK_TCK")
    with psycopg.connect(database_url(settings), autocommit=True) as conn:
        pid = conn.execute("select pg_backend_pid()").fetchone()[0]  # type: ignore[index]
        conn.execute("set jit = off")

        def cpu_seconds() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick

        total_cpu = total_wall = 0.0
        print(f"{'model':<46} {'cpu s':>7} {'wall s':>7}")
        for model in MODELS:
            sql = (compiled / "models" / f"{model}.sql").read_text()
            cpu0, wall0 = cpu_seconds(), time.perf_counter()
            conn.execute(f"create temp table bench_{len(model)}_{abs(hash(model))} as {sql}")
            cpu, wall = cpu_seconds() - cpu0, time.perf_counter() - wall0
            total_cpu, total_wall = total_cpu + cpu, total_wall + wall
            print(f"{model.rsplit('/', 1)[1]:<46} {cpu:7.2f} {wall:7.2f}")
        print(f"{'all hierarchy models':<46} {total_cpu:7.2f} {total_wall:7.2f}")
        print(f"load average (1 min) during the run: {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
