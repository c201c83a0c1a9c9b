"""Progress reporting that stays out of the ETL's logic.

The ETL calls ``step(description)`` for a long step and ``advance(n)`` as it goes; by default
nothing is shown. The CLI installs a reporter (a rich progress bar) with ``set_reporter``.
A module-level reporter (not a context variable) so that Prefect's worker threads see it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Protocol


class Reporter(Protocol):
    def start(self, description: str, total: float | None) -> object: ...
    def advance(self, handle: object, amount: float) -> None: ...
    def finish(self, handle: object) -> None: ...


_reporter: Reporter | None = None


def set_reporter(reporter: Reporter | None) -> None:
    global _reporter
    _reporter = reporter


@contextlib.contextmanager
def step(description: str, total: float | None = None) -> Iterator[Callable[[float], None]]:
    """A long step: yields ``advance(amount)``; a no-op without a reporter."""
    reporter = _reporter
    if reporter is None:
        yield lambda amount: None
        return
    handle = reporter.start(description, total)
    try:
        yield lambda amount: reporter.advance(handle, amount)
    finally:
        reporter.finish(handle)
