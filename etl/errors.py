"""Errors a user can meet, each naming the file and the line or row at fault."""

from __future__ import annotations

from pathlib import Path


class WarehouseError(Exception):
    """Base class of the project's own errors; the CLI prints these without a traceback."""


class SourceFileError(WarehouseError):
    """A source file cannot be read as the publisher's layout: the whole load stops.

    Raised for truncated or corrupt files (a broken gzip stream, a row with the wrong number of
    fields, a missing header column). Row-level bad values are *rejected*, not raised.
    """

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class ConfigurationError(WarehouseError):
    """Settings or environment that cannot work (no data directory, bad DATABASE_URL, ...)."""
