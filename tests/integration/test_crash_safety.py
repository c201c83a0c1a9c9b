"""Crash safety: SIGKILL a refresh at random points of ingest and of dbt, and kill the embedded
server mid-refresh; each time the warehouse keeps its previous contents (or, when the kill came
after the publish, the new ones: never a mix), nothing left behind blocks the next refresh, and
that refresh succeeds and equals a clean build.

Bounded: three kills (one per kind) on a slice of the shared data, on an embedded server of the
test's own (killing it disturbs no other test). ``benchmarks/crash_soak.py`` does ten and prints
the tally.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.utils.crash import CrashHarness
from tests.utils.slices import make_source_slice

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def harness(shared_data: Path) -> Iterator[CrashHarness]:
    # Not under pytest's basetemp: its directories are mode 0700 (the server's own system user
    # could not traverse them once another pytest run resets them) and pruned by later runs.
    with tempfile.TemporaryDirectory(prefix="alliances_crash_") as tmp:
        yield from _harness(shared_data, Path(tmp))


def _harness(shared_data: Path, base: Path) -> Iterator[CrashHarness]:
    sources = {"a": make_source_slice(shared_data, base / "a", {58}),
               "b": make_source_slice(shared_data, base / "b", {58, 59})}
    made = CrashHarness(base / "warehouse", sources, seed=2026)
    try:
        made.clean_build("b")
        made.clean_build("a")
        assert made.clean["a"] != made.clean["b"]
        yield made
    finally:
        made.stop()


@pytest.mark.parametrize("kill, current, target", [
    ("ingest", "a", "b"),
    ("dbt", "b", "a"),
    ("server", "a", "b"),
])
def test_a_killed_refresh_leaves_the_warehouse_whole_and_the_next_one_succeeds(
    harness: CrashHarness, kill: str, current: str, target: str
) -> None:
    outcome = harness.kill_and_recover(current, target, kill)
    assert outcome.killed, outcome
    assert outcome.left_previous_or_new, outcome
    assert outcome.recovered and outcome.equals_clean_build, outcome
    assert outcome.note == "", outcome
