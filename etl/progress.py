"""Progress reporting that stays out of the ETL's logic.

The ETL calls ``step(description, total)`` for a long step and ``advance(n)`` as it goes (and
``advance.set_total(n)`` once the total is known, e.g. dbt's node count); by default nothing is
shown. The CLI installs a reporter (one rich progress bar per step) with ``set_reporter``.
A module-level reporter (not a context variable) so that worker threads (dbt's, Prefect's) see it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Protocol


class Reporter(Protocol):
    def start(self, description: str, total: float | None) -> object: ...
    def advance(self, handle: object, amount: float) -> None: ...
    def set_total(self, handle: object, total: float) -> None: ...
    def finish(self, handle: object) -> None: ...


class Advance:
    """What ``step`` yields: call it with an amount; ``set_total`` when the total is known."""

    def __init__(self, reporter: Reporter | None = None, handle: object = None) -> None:
        self._reporter = reporter
        self._handle = handle
        self.done = 0.0

    def __call__(self, amount: float) -> None:
        self.done += amount
        if self._reporter is not None:
            self._reporter.advance(self._handle, amount)

    def set_total(self, total: float) -> None:
        if self._reporter is not None:
            self._reporter.set_total(self._handle, total)


_reporter: Reporter | None = None


def set_reporter(reporter: Reporter | None) -> None:
    global _reporter
    _reporter = reporter


@contextlib.contextmanager
def step(description: str, total: float | None = None) -> Iterator[Advance]:
    """A long step: yields ``advance(amount)``; a no-op without a reporter."""
    reporter = _reporter
    if reporter is None:
        yield Advance()
        return
    handle = reporter.start(description, total)
    try:
        yield Advance(reporter, handle)
    finally:
        reporter.finish(handle)
