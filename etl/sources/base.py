"""Types and helpers shared by every source parser.

A parser is pure: a path in, rows and rejects out. Rows that cannot be parsed become ``Rejected``
entries with their line number and reason; a file that cannot be read as its publisher's layout
at all raises ``SourceFileError``.

Two shapes of the same contract:

- ``ParseStream``: the rows produced as the file is read (a generator), for COPY in a stream, so
  the loader's memory does not grow with the file. Rejects and counts are collected on the way;
  only the first ``keep_rejects`` rejects are kept (every one is counted). The catalog files'
  parsers (``stream_*``) return one.
- ``ParseResult``: every row in a list, for small files whose parse needs the whole file (coalition
  lists, treaties) and for tests. ``ParseStream.collect()`` turns a stream into one, and
  ``as_stream()`` a result into a stream, so the loader takes either.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import math
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
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


# Rejects kept (with line, reason and raw text) per file; beyond this they are only counted. The
# loader refuses a file with more rejects than its absolute cap anyway, and keeps at least that
# many, so every reject of a file that loads is in ``raw.rejected_rows``.
KEEP_REJECTS = 1_000


class ParseStream:
    """The rows of one file, produced while it is read; rejects and counts collected on the way.

    ``items`` yields row tuples (in ``columns`` order, ``line_number`` first) and ``Rejected``
    entries, in file order; it is consumed once. Iterating the stream yields the rows only. After
    the iteration ``rows_loaded``, ``rows_rejected``, ``rejects`` (the first ``keep_rejects``),
    ``last_line`` and ``meta`` (which the parser may fill at the end of the file) are final.
    """

    def __init__(self, path: Path, columns: Sequence[str],
                 items: Iterable[tuple[Any, ...] | Rejected],
                 meta: dict[str, Any] | None = None, keep_rejects: int = KEEP_REJECTS) -> None:
        self.path = Path(path)
        self.columns = list(columns)
        self.meta: dict[str, Any] = meta if meta is not None else {}
        self.keep_rejects = keep_rejects
        self.rejects: list[Rejected] = []
        self.rows_loaded = 0
        self.rows_rejected = 0
        self.last_line = 1
        self._items = items
        self._consumed = False

    @property
    def rows_read(self) -> int:
        return self.rows_loaded + self.rows_rejected

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        if self._consumed:
            raise RuntimeError(f"{self.path}: a parse stream is read once")
        self._consumed = True
        for item in self._items:
            if isinstance(item, Rejected):
                self.rows_rejected += 1
                self.last_line = item.line
                if len(self.rejects) < self.keep_rejects:
                    self.rejects.append(item)
                continue
            self.rows_loaded += 1
            self.last_line = item[0]
            yield item

    def collect(self) -> ParseResult:
        """Every row in a list (for tests and small files); every reject kept."""
        self.keep_rejects = max(self.keep_rejects, 2**62)
        rows = list(self)
        return ParseResult(columns=self.columns, rows=rows, rejects=self.rejects, meta=self.meta)


def as_stream(parsed: ParseResult | ParseStream, path: Path) -> ParseStream:
    """A stream over a parse result (a stream is returned as it is)."""
    if isinstance(parsed, ParseStream):
        return parsed
    items: list[tuple[Any, ...] | Rejected] = [*parsed.rows, *parsed.rejects]
    items.sort(key=lambda item: item.line if isinstance(item, Rejected) else item[0])
    return ParseStream(path, parsed.columns, items, meta=parsed.meta,
                       keep_rejects=max(KEEP_REJECTS, len(parsed.rejects)))


def stream_records(
    path: Path, columns: Sequence[str], required: Sequence[str],
    convert: Callable[[dict[str, int], list[str]], tuple[Any, ...]] | None = None, *,
    converter: Callable[[dict[str, int]], Callable[[list[str]], tuple[Any, ...]]] | None = None,
) -> ParseStream:
    """The common parser: each CSV row through ``convert`` (header index, fields) -> values.

    ``converter`` instead of ``convert``: called once with the file's header index, it returns
    the row function (fields -> values), which can then look its columns up once per file
    rather than once per row (the million-row vote files). A ``ValueError`` or ``TypeError``
    from either rejects the row with its message as the reason; the file is opened when the
    stream is first read.
    """
    path = Path(path)
    if (convert is None) == (converter is None):
        raise TypeError("stream_records takes one of convert and converter")

    def items() -> Iterator[tuple[Any, ...] | Rejected]:
        csv_rows = CsvRows(path, required)
        index = csv_rows.index
        row_values = (converter(index) if converter is not None
                      else functools.partial(convert, index))  # type: ignore[arg-type]
        for line, row in csv_rows:
            try:
                yield (line, *row_values(row))
            except NonFiniteNumber as exc:
                raise SourceFileError(path, line, f"{exc}: a non-finite number; the file looks "
                                      "corrupt, nothing was loaded from it") from None
            except (ValueError, TypeError) as exc:
                yield Rejected(line, str(exc), ",".join(row))

    return ParseStream(path, ["line_number", *columns], items())


def open_text(path: Path, encoding: str = "utf-8-sig") -> io.TextIOBase:
    """Open a plain or gzip-compressed text file (by its magic bytes) as text (UTF-8 unless
    the publisher's file is known to use another ``encoding``)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open a plain or gzip-compressed file (by its magic bytes) as bytes."""
    fh = open(path, "rb")
    if fh.read(2) == b"\x1f\x8b":
        fh.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]
    fh.seek(0)
    return fh


class _Lines:
    """The file's physical lines decoded one by one as UTF-8, counting them, so that a byte
    that is not UTF-8 is reported on its own line (a decoder reading blocks reports the block)."""

    def __init__(self, fh: io.BufferedIOBase, encoding: str = "utf-8-sig") -> None:
        self._fh = fh
        self.count = 0
        # the BOM is dropped by hand below, so "utf-8-sig" decodes each line as plain UTF-8
        self._encoding = "utf-8" if encoding.replace("_", "-").lower() in (
            "utf-8-sig", "utf8-sig") else encoding

    def __iter__(self) -> Iterator[str]:
        for raw in self._fh:
            self.count += 1
            if self.count == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode(self._encoding)
            except UnicodeDecodeError as exc:
                raise _LineDecodeError(self.count, exc) from exc


class _LineDecodeError(Exception):
    def __init__(self, line: int, error: UnicodeDecodeError) -> None:
        super().__init__(line, error)
        self.line = line
        self.error = error


_READ_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, OSError)


class CsvRows:
    """The data rows of a CSV file, with its header; values stay strings (no "NA" guessing).

    Iterating yields ``(line number, fields)``; a record that spans lines (a quoted newline) has
    the number of its first line. Raises ``SourceFileError`` naming the file and line when the
    header lacks a required column, a row has the wrong number of fields (a truncated or corrupt
    file, an unbalanced quote), the gzip stream is broken or the text is not UTF-8.
    """

    def __init__(
        self, path: Path, required: Sequence[str] = (), encoding: str = "utf-8-sig"
    ) -> None:
        self.path = Path(path)
        self._fh = open_binary(self.path)
        self._lines = _Lines(self._fh, encoding)
        self._reader = csv.reader(self._lines)
        self.line = 1
        try:
            header = next(self._reader)
        except StopIteration:
            self._fh.close()
            raise SourceFileError(path, 1, "the file is empty; expected a CSV header") from None
        except _LineDecodeError as exc:
            self._fh.close()
            raise SourceFileError(path, exc.line, f"not UTF-8 text: {exc.error}") from None
        except (*_READ_ERRORS, csv.Error) as exc:
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
        lines = self._lines
        start = lines.count + 1  # the first line of the next record
        try:
            for row in reader:
                self.line = start
                if not lines.count % 100_000:
                    advance(100_000)
                if len(row) != width:
                    if not row:
                        start = lines.count + 1
                        continue
                    span = (f" (the record runs to line {lines.count}: an unbalanced quote?)"
                            if lines.count > start else "")
                    raise SourceFileError(
                        self.path,
                        start,
                        f"expected {width} fields, found {len(row)}{span} "
                        "(truncated or corrupt file?)",
                    )
                yield start, row
                start = lines.count + 1
        except _LineDecodeError as exc:
            raise SourceFileError(self.path, exc.line, f"not UTF-8 text: {exc.error}") from None
        except _READ_ERRORS as exc:
            raise SourceFileError(
                self.path, lines.count + 1, f"cannot read compressed data (truncated?): {exc}"
            ) from exc
        except csv.Error as exc:
            raise SourceFileError(
                self.path, start, f"malformed CSV: {exc} (the record starting on this line)"
            ) from exc
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


class NonFiniteNumber(ValueError):
    """``nan`` or ``inf`` in a numeric column: no publisher writes them, so the file is taken as
    corrupt (a broken export) and refused whole, rather than loaded without those rows."""


def parse_float(value: str) -> float | None:
    """A number, or None for a missing value (empty or the publishers' -9); ``nan`` and ``inf``
    raise :class:`NonFiniteNumber`."""
    text = value.strip()
    if text in MISSING:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"expected a number, found {value!r}") from None
    if not math.isfinite(number):
        raise NonFiniteNumber(f"expected a finite number, found {value!r}")
    return number


def check_range(value: int | None, name: str, low: int, high: int) -> int | None:
    """``value`` when missing or within [low, high]; else a ``ValueError`` naming the column."""
    if value is not None and not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, found {value}")
    return value
