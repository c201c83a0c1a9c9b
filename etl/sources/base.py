"""Types and helpers shared by every source parser.

A parser is pure: bytes (or a path) in, a ``ParseResult`` out. Rows that cannot be parsed become
``Rejected`` entries with their line number and reason; a file that cannot be read as its
publisher's layout at all raises ``SourceFileError``.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl import progress
from etl.errors import SourceFileError

# Strings read as missing. Never "NA": Namibia's ISO2 code is "NA".
MISSING = frozenset({"", "-9", "-9.0"})


@dataclass(frozen=True)
class Rejected:
    """A row kept aside with the reason it could not be loaded."""

    line: int
    reason: str
    raw: str


@dataclass
class ParseResult:
    """Rows ready for COPY (tuples in the raw table's column order) and the rows rejected."""

    columns: Sequence[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    rejects: list[Rejected] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.rejects)


def open_text(path: Path, encoding: str = "utf-8-sig") -> io.TextIOBase:
    """Open a plain or gzip-compressed text file (by its magic bytes) as text (UTF-8 unless
    the publisher's file is known to use another ``encoding``)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


class CsvRows:
    """The data rows of a CSV file, with its header; values stay strings (no "NA" guessing).

    Iterating yields ``(line number, fields)``. Raises ``SourceFileError`` naming the file and line
    when the header lacks a required column, a row has the wrong number of fields (a truncated or
    corrupt file), the gzip stream is broken or the text is not UTF-8.
    """

    def __init__(
        self, path: Path, required: Sequence[str] = (), encoding: str = "utf-8-sig"
    ) -> None:
        self.path = Path(path)
        self._fh = open_text(self.path, encoding)
        self._reader = csv.reader(self._fh)
        self.line = 1
        try:
            header = next(self._reader)
        except StopIteration:
            self._fh.close()
            raise SourceFileError(path, 1, "the file is empty; expected a CSV header") from None
        except (EOFError, zlib.error, gzip.BadGzipFile, OSError, UnicodeDecodeError) as exc:
            self._fh.close()
            raise SourceFileError(path, 1, f"cannot read the file: {exc}") from exc
        self.header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in required if c not in self.header]
        if missing:
            self._fh.close()
            raise SourceFileError(
                path,
                1,
                f"header lacks column(s) {', '.join(missing)}; found {', '.join(self.header)}",
            )
        self.index = {name: i for i, name in enumerate(self.header)}

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        with progress.step(f"read {self.path.name}") as advance:
            yield from self._rows(advance)

    def _rows(self, advance: Callable[[float], None]) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        reader = self._reader
        try:
            for row in reader:
                self.line = reader.line_num
                if not self.line % 100_000:
                    advance(100_000)
                if len(row) != width:
                    if not row:
                        continue
                    raise SourceFileError(
                        self.path,
                        self.line,
                        f"expected {width} fields, found {len(row)} (truncated or corrupt file?)",
                    )
                yield self.line, row
        except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
            raise SourceFileError(
                self.path, self.line + 1, f"cannot read compressed data (truncated?): {exc}"
            ) from exc
        except UnicodeDecodeError as exc:
            raise SourceFileError(self.path, self.line + 1, f"not UTF-8 text: {exc}") from exc
        except csv.Error as exc:
            raise SourceFileError(self.path, self.line + 1, f"malformed CSV: {exc}") from exc
        finally:
            self._fh.close()


def read_csv_records(
    path: Path, required: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str], str]]:
    """Yield (line number, record by header name, raw line) for each data row of a CSV file."""
    rows = CsvRows(path, required)
    for line, row in rows:
        yield line, dict(zip(rows.header, row, strict=True)), ",".join(row)


def parse_int(value: str) -> int | None:
    """An integer ("3" or "3.0"), or None for a missing value (empty or the publishers' -9)."""
    text = value.strip()
    if text in MISSING:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected an integer, found {value!r}") from None
    if not number.is_integer():
        raise ValueError(f"expected an integer, found {value!r}")
    return int(number)


def parse_float(value: str) -> float | None:
    """A number, or None for a missing value (empty or the publishers' -9)."""
    text = value.strip()
    if text in MISSING:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number, found {value!r}") from None
