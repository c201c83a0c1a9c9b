"""Wall time of the commands as a user runs them: each one a fresh process (cold Python).

Times ``alliances refresh`` on a built warehouse with nothing new (targets: <= 5 s) and
``alliances status`` (<= 2 s), several runs each, on the warehouse of the current settings
(the embedded server, started first so that its start-up is not counted, or DATABASE_URL).
Prints the figures and writes them to ``benchmarks/results/command_benchmark.json``.

    .venv/bin/python benchmarks/command_benchmark.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLIANCES = Path(sys.executable).parent / "alliances"
COMMANDS = {
    "refresh (nothing new)": ([str(ALLIANCES), "refresh"], 5.0),
    "status": ([str(ALLIANCES), "status"], 2.0),
    "--help (import of the CLI)": ([str(ALLIANCES), "--help"], None),
}


def wall(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # the server up and the warehouse built; a first refresh settles anything new
    subprocess.run([str(ALLIANCES), "db", "up"], cwd=ROOT, check=True, capture_output=True)
    wall([str(ALLIANCES), "refresh"])
    figures = {}
    print(f"{'command':<30} {'median':>8} {'min':>7} {'max':>7}  target  runs")
    for label, (argv, target) in COMMANDS.items():
        times = [wall(argv) for _ in range(args.runs)]
        median = statistics.median(times)
        figures[label] = {"median_s": round(median, 2), "min_s": round(min(times), 2),
                          "max_s": round(max(times), 2), "runs": [round(t, 2) for t in times],
                          "target_s": target}
        verdict = "" if target is None else ("ok" if median <= target else "MISSED")
        print(f"{label:<30} {median:>7.2f}s {min(times):>6.2f}s {max(times):>6.2f}s  "
              f"{'' if target is None else f'<= {target:.0f} s'} {verdict:>3}  {args.runs}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "command_benchmark.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written to {out / 'command_benchmark.json'}")


if __name__ == "__main__":
    main()
