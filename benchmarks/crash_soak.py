"""Crash soak: ten random kill -9s of the refresh (in ingest, in dbt) and of the embedded server
(mid-dbt), each followed by a refresh that must succeed and equal a clean build.

Runs on slices of the shared data (sessions 58 and 58-59, switched at every kill so that each
killed refresh has real work to do) on an embedded PostgreSQL of its own under a temporary
directory, which it stops at the end. Prints one line per kill and the tally:

    .venv/bin/python benchmarks/crash_soak.py [--kills 10] [--seed 12]
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.config import PROJECT_ROOT  # noqa: E402
from tests.utils.crash import CrashHarness  # noqa: E402
from tests.utils.slices import make_source_slice  # noqa: E402


def main() -> int:
    # stopped with SIGTERM: still stop the soak's server and remove its directory
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    kinds = ["ingest", "dbt", "server"]
    with tempfile.TemporaryDirectory(prefix="crash_soak_") as tmp:
        base = Path(tmp)
        sources = {"a": make_source_slice(args.shared, base / "a", {58}),
                   "b": make_source_slice(args.shared, base / "b", {58, 59})}
        harness = CrashHarness(base / "warehouse", sources, seed=args.seed)
        try:
            started = time.monotonic()
            harness.clean_build("b")
            harness.clean_build("a")
            print(f"clean builds of both slices: {time.monotonic() - started:.1f} s "
                  f"(ingest {harness.phase_seconds['clean_ingest']:.1f} s, dbt "
                  f"{harness.phase_seconds['clean_dbt']:.1f} s)", flush=True)
            tally = {"kills": 0, "intact": 0, "recovered": 0, "equal_to_clean": 0}
            current = "a"
            for i in range(args.kills):
                kind = harness.rng.choice(kinds)
                target = "b" if current == "a" else "a"
                t0 = time.monotonic()
                try:
                    outcome = harness.kill_and_recover(current, target, kind)
                except Exception as exc:  # a refresh after the kill failed: count, go on
                    print(f"kill {i + 1:2d}: {kind:6s} next refresh FAILED: {exc}", flush=True)
                    harness.start_server()
                    harness.refresh(target)
                    current = target
                    continue
                tally["kills"] += outcome.killed
                tally["intact"] += outcome.left_previous_or_new
                tally["recovered"] += outcome.recovered
                tally["equal_to_clean"] += outcome.equals_clean_build
                print(f"kill {i + 1:2d}: {kind:6s} {outcome.after_s:5.2f} s into {outcome.phase:6s}"
                      f" killed={outcome.killed} intact={outcome.left_previous_or_new} "
                      f"next refresh ok={outcome.recovered} equals clean build="
                      f"{outcome.equals_clean_build} {outcome.note} "
                      f"({time.monotonic() - t0:.0f} s)", flush=True)
                current = target
        finally:
            harness.stop()
    print(f"tally: {tally['kills']} kills, {tally['intact']} left the marts whole (previous or "
          f"new), {tally['recovered']} next refreshes succeeded, {tally['equal_to_clean']} "
          f"equal to a clean build (row counts and checksums of every mart)")
    ok = tally["kills"] == tally["intact"] == tally["recovered"] == tally["equal_to_clean"]
    return 0 if ok and tally["kills"] == args.kills else 1


if __name__ == "__main__":
    raise SystemExit(main())
