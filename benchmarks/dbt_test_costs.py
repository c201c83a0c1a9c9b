"""What the dbt tests of the last build cost: per folder of the model tested, and the slowest.

    .venv/bin/alliances dbt build        # or any refresh that ran dbt
    .venv/bin/python benchmarks/dbt_test_costs.py [--target .warehouse/dbt/target] [--top 15]

Reads dbt's ``run_results.json`` (node execution times of the last dbt invocation) and
``manifest.json`` (which model each test reads) from the target directory. Times are summed
over dbt's threads, so they add up to more than the wall time of the build.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_costs(
    run_results: Path, manifest: Path
) -> tuple[dict[str, tuple[int, float]], list[tuple[float, str]]]:
    """(folder -> (tests, seconds)) and the tests by time, slowest first."""
    results = json.loads(run_results.read_text())["results"]
    nodes = json.loads(manifest.read_text())["nodes"]
    seconds = {r["unique_id"]: r["execution_time"] for r in results
               if r["unique_id"].startswith("test.")}
    folders: dict[str, list[float]] = defaultdict(list)
    for uid, spent in seconds.items():
        depends = nodes.get(uid, {}).get("depends_on", {}).get("nodes", [])
        tested = [d for d in depends if d.startswith("model.")] or depends
        if tested and tested[0] in nodes:
            folder = nodes[tested[0]]["original_file_path"].rsplit("/", 1)[0]
        else:
            folder = tested[0].rsplit(".", 1)[0] if tested else "?"
        folders[folder].append(spent)
    by_folder = {f: (len(v), sum(v)) for f, v in folders.items()}
    slowest = sorted(((s, uid.split(".")[2]) for uid, s in seconds.items()), reverse=True)
    return by_folder, slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=ROOT / ".warehouse" / "dbt" / "target")
    parser.add_argument("--run-results", type=Path, help="default: TARGET/run_results.json")
    parser.add_argument("--manifest", type=Path, help="default: TARGET/manifest.json")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    by_folder, slowest = test_costs(args.run_results or args.target / "run_results.json",
                                    args.manifest or args.target / "manifest.json")
    if not by_folder:
        raise SystemExit("no data test ran in that dbt invocation: run `alliances dbt build`")
    total = sum(s for _, s in by_folder.values())
    print(f"{sum(n for n, _ in by_folder.values())} data tests, {total:.1f} s of node time")
    for folder, (n, s) in sorted(by_folder.items(), key=lambda kv: -kv[1][1]):
        print(f"  {s:6.2f} s  {n:4d} tests  {folder}")
    print(f"slowest {args.top}:")
    for s, name in slowest[: args.top]:
        print(f"  {s:6.2f} s  {name}")


if __name__ == "__main__":
    main()
