"""Where the refresh's memory goes: `alliances refresh` in this process, its resident memory
sampled every 50 ms and printed at the start and end of each step.

    .venv/bin/alliances db stop; rm -rf .warehouse; .venv/bin/python benchmarks/refresh_memory.py

Each line: seconds since start, VmRSS and VmHWM (the peak so far) of the process in MB, the
peak RSS sampled within the step, and the step (`>` entering, `<` leaving): the refresh's steps
(migrate, ingest per source system, dbt build, ideal points, publish) and, inside the ideal
points, reading the votes and each vote set's preparation and fit. A measurement only: the
refresh is the plain one (`etl.cli`), its steps wrapped, nothing else changed.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_STARTED = time.monotonic()
_PEAK = {"step": 0}


def _rss_mb() -> tuple[int, int]:
    """VmRSS and VmHWM of this process, MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines()
                  if line.startswith(("VmRSS", "VmHWM")))
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def _sample() -> None:
    while True:
        _PEAK["step"] = max(_PEAK["step"], _rss_mb()[0])
        time.sleep(0.05)


def _mark(message: str) -> None:
    rss, hwm = _rss_mb()
    print(f"{time.monotonic() - _STARTED:7.1f} s  rss {rss:4d}  hwm {hwm:4d}  "
          f"step peak {_PEAK['step']:4d}  {message}", file=sys.stderr, flush=True)


def _wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        _mark(f"> {name}")
        _PEAK["step"] = _rss_mb()[0]
        try:
            return fn(*args, **kwargs)
        finally:
            _mark(f"< {name}")
    return inner


def main() -> int:
    import flows.pipeline as pipeline
    from etl import ideal_points
    from etl.cli import app

    steps = pipeline.Steps
    pipeline.Steps = lambda: steps(  # type: ignore[assignment, misc]
        migrate=_wrap("migrate", pipeline.migrate), ingest=_wrap("ingest", pipeline.ingest),
        dbt_build=_wrap("dbt build", pipeline.dbt_build),
        ideal_points=_wrap("ideal points", pipeline.estimate_ideal_points),
        publish=_wrap("publish", pipeline.publish_build))
    for name in ("read_votes", "prepare", "fit"):
        setattr(ideal_points, name, _wrap(name, getattr(ideal_points, name)))
    threading.Thread(target=_sample, daemon=True).start()
    _mark("start (imports)")
    sys.argv = ["alliances", "refresh"]
    try:
        app()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        _mark("end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
