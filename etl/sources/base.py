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

import collections
import csv
import datetime as dt
import functools
import gzip
import io
import math
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl import progress
from etl.errors import SourceFileError

if TYPE_CHECKING:
    import pyarrow as pa

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


@dataclass(frozen=True)
class CopyChunk:
    """Rows already in COPY's text format (one line per row, ``load_id`` and ``line_number``
    first), with how many rows they are and the file line of the last one."""

    data: bytes
    rows: int
    last_line: int


class ParseStream:
    """The rows of one file, produced while it is read; rejects and counts collected on the way.

    ``items`` yields row tuples (in ``columns`` order, ``line_number`` first) and ``Rejected``
    entries, in file order; it is consumed once. Iterating the stream yields the rows only. After
    the iteration ``rows_loaded``, ``rows_rejected``, ``rejects`` (the first ``keep_rejects``),
    ``last_line`` and ``meta`` (which the parser may fill at the end of the file) are final.

    A parser of a big file may also give ``copy_items``: called with the load's id, it yields
    the same rows as ``CopyChunk`` blocks of COPY text (``load_id`` first), and the same
    ``Rejected`` entries. The loader then reads the stream with ``copy_text`` instead of
    iterating it (no Python tuple per row); the counts and rejects come out the same. Either
    way the stream is read once.
    """

    def __init__(self, path: Path, columns: Sequence[str],
                 items: Iterable[tuple[Any, ...] | Rejected],
                 meta: dict[str, Any] | None = None, keep_rejects: int = KEEP_REJECTS,
                 copy_items: Callable[[int], Iterable[CopyChunk | Rejected]] | None = None,
                 ) -> None:
        self.path = Path(path)
        self.columns = list(columns)
        self.meta: dict[str, Any] = meta if meta is not None else {}
        self.keep_rejects = keep_rejects
        self.rejects: list[Rejected] = []
        self.rows_loaded = 0
        self.rows_rejected = 0
        self.last_line = 1
        self._items = items
        self._copy_items = copy_items
        self._consumed = False

    @property
    def rows_read(self) -> int:
        return self.rows_loaded + self.rows_rejected

    @property
    def has_copy_text(self) -> bool:
        """Whether ``copy_text`` can read this stream."""
        return self._copy_items is not None

    def _consume(self) -> None:
        if self._consumed:
            raise RuntimeError(f"{self.path}: a parse stream is read once")
        self._consumed = True

    def _reject(self, item: Rejected) -> None:
        self.rows_rejected += 1
        self.last_line = max(self.last_line, item.line)
        if len(self.rejects) < self.keep_rejects:
            self.rejects.append(item)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        self._consume()
        for item in self._items:
            if isinstance(item, Rejected):
                self._reject(item)
                continue
            self.rows_loaded += 1
            self.last_line = item[0]
            yield item

    def copy_text(self, load_id: int) -> Iterator[bytes]:
        """The rows as blocks of COPY text (``load_id``, ``line_number``, ``columns``...)."""
        if self._copy_items is None:
            raise TypeError(f"{self.path}: this stream has no COPY text; iterate it")
        self._consume()
        for item in self._copy_items(load_id):
            if isinstance(item, Rejected):
                self._reject(item)
                continue
            self.rows_loaded += item.rows
            self.last_line = max(self.last_line, item.last_line)
            yield item.data

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
    batch_converter: Callable[[dict[str, int]], BatchConvert] | None = None,
) -> ParseStream:
    """The common parser: each CSV row through ``convert`` (header index, fields) -> values.

    ``converter`` instead of ``convert``: called once with the file's header index, it returns
    the row function (fields -> values), which can then look its columns up once per file
    rather than once per row (the million-row vote files). A ``ValueError`` or ``TypeError``
    from either rejects the row with its message as the reason; the file is opened when the
    stream is first read.

    ``batch_converter`` (with ``converter``): called once with the header index, it returns a
    function from a block of rows as columns of strings to the output columns as COPY text
    (see ``BatchConvert``). The stream then also has ``copy_text`` for the loader: each block of
    the file goes through that function, and a block in which it finds any bad value goes row
    by row through ``converter``'s function instead, so every reject is the one ``converter``
    gives, with its own line.
    """
    path = Path(path)
    if (convert is None) == (converter is None):
        raise TypeError("stream_records takes one of convert and converter")
    if batch_converter is not None and converter is None:
        raise TypeError("stream_records takes batch_converter with converter")

    def values_of(index: dict[str, int]) -> Callable[[list[str]], tuple[Any, ...]]:
        return (converter(index) if converter is not None
                else functools.partial(convert, index))  # type: ignore[arg-type]

    def convert_row(row_values: Callable[[list[str]], tuple[Any, ...]], line: int,
                    row: Sequence[str]) -> tuple[Any, ...] | Rejected:
        try:
            return row_values(row)  # type: ignore[arg-type]
        except NonFiniteNumber as exc:
            raise SourceFileError(path, line, f"{exc}: a non-finite number; the file looks "
                                  "corrupt, nothing was loaded from it") from None
        except (ValueError, TypeError) as exc:
            return Rejected(line, str(exc), ",".join(row))

    def items() -> Iterator[tuple[Any, ...] | Rejected]:
        csv_rows = CsvRows(path, required)
        row_values = values_of(csv_rows.index)
        for line, row in csv_rows:
            values = convert_row(row_values, line, row)
            yield values if isinstance(values, Rejected) else (line, *values)

    def copy_items(load_id: int) -> Iterator[CopyChunk | Rejected]:
        assert batch_converter is not None
        batches = CsvBatches(path, required)
        row_values = values_of(batches.index)
        to_text = batch_converter(batches.index)
        prefix = f"{load_id}\t"

        def by_rows(rows: Iterable[tuple[int, Sequence[str]]]
                    ) -> Iterator[CopyChunk | Rejected]:
            lines: list[str] = []
            last = 0
            for line, row in rows:
                values = convert_row(row_values, line, row)
                if isinstance(values, Rejected):
                    yield values
                    continue
                lines.append(f"{prefix}{line}\t{copy_row_text(values)}\n")
                last = line
            if lines:
                yield CopyChunk("".join(lines).encode(), len(lines), last)

        def by_columns(block: ColumnBlock) -> Iterator[CopyChunk | Rejected]:
            try:
                data = block.copy_text(load_id, to_text(block.columns))
            except (ValueError, TypeError):  # a bad value: find it in smaller parts, row by row
                if block.n <= SPLIT_ROWS:
                    yield from by_rows(block.rows())
                else:
                    for part in block.split(SPLIT_ROWS):
                        yield from by_columns(part)
            else:
                yield CopyChunk(data, block.n, block.last_line)

        for block in batches:
            yield from by_columns(block) if isinstance(block, ColumnBlock) else by_rows(block)

    return ParseStream(path, ["line_number", *columns], items(),
                       copy_items=copy_items if batch_converter is not None else None)


# ---- COPY text ---------------------------------------------------------------------------------

COPY_NULL = r"\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def copy_value_text(value: Any) -> str:
    """One value as PostgreSQL's COPY text format writes it (as psycopg's ``write_row`` does for
    these types): None is ``\\N``; text escapes backslash, tab, newline and carriage return."""
    if value is None:
        return COPY_NULL
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    raise NotImplementedError(f"no COPY text for {type(value).__name__} values")


def copy_row_text(values: Iterable[Any]) -> str:
    """The values of one row as one line of COPY text, without its newline."""
    return "\t".join(map(copy_value_text, values))


# A block's output columns as COPY text: an array per column (a row each) or one value for all.
BatchConvert = Callable[[Sequence["pa.Array"]], Sequence["pa.Array | str"]]

# distinct values remembered per column before the memo starts again (memory stays flat)
_MEMO_LIMIT = 10_000


def text_column(column: pa.Array, convert: Callable[[str], Any],
                memo: dict[str, str]) -> pa.Array:
    """``column`` (strings) as COPY text of ``convert(value)``, each distinct value converted
    once (``memo`` keeps them across blocks); ``convert``'s ``ValueError`` or ``TypeError``
    propagates, so that the caller can take the block row by row."""
    import pyarrow as pa

    encoded = column.dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    if len(memo) > _MEMO_LIMIT:
        memo.clear()
    texts = []
    for value in distinct:
        text = memo.get(value)
        if text is None:
            text = memo[value] = copy_value_text(convert(value))
        texts.append(text)
    if texts == distinct:
        return column
    return pa.array(texts, pa.string()).take(encoded.indices)


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


class _LineError(Exception):
    """An error while reading a file, at its line ``line`` (1-based)."""

    def __init__(self, line: int, error: BaseException) -> None:
        super().__init__(line, error)
        self.line = line
        self.error = error


class _LineDecodeError(_LineError):
    """A line that is not valid in the file's encoding."""


_READ_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, OSError)


def _width_error(path: Path, start: int, end: int, width: int, found: int) -> SourceFileError:
    """A record (lines ``start``-``end``) of another number of fields than the header's."""
    span = f" (the record runs to line {end}: an unbalanced quote?)" if end > start else ""
    return SourceFileError(path, start, f"expected {width} fields, found {found}{span} "
                           "(truncated or corrupt file?)")


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
                    raise _width_error(self.path, start, lines.count, width, len(row))
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


# Bytes of the file read per block by ``CsvBatches`` (a block ends at a line end): about 20,000
# rows of the vote files. pyarrow's working memory grows with it (about 90 MB above the imports
# at 1 MB, 120 MB at 2 MB, for the same time).
BLOCK_BYTES = 1 << 20
# A block that is not plain (``CsvBatches``) is read again in parts of this size, so that only
# the part with the quote goes through the csv module; and a block with a bad value is
# converted again in parts of ``SPLIT_ROWS``, so that only the part with it goes row by row.
SPLIT_BYTES = 64 << 10
SPLIT_ROWS = 1_000


def release_arrow_memory() -> None:
    """Give the pages ``pyarrow``'s allocator (mimalloc) keeps for reuse back to the OS once a
    file is read. It keeps them for the next file; the refresh's later steps (dbt, the
    ideal-point fit) allocate with glibc's malloc and cannot reuse them. Measured on the shared
    vote files: about 20 MB less resident memory after the ingest, at no cost in time
    (``benchmarks/refresh_memory.py``)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


@dataclass
class ColumnBlock:
    """Consecutive data rows of a CSV file, one per line from ``first_line``, as columns of
    strings (``pyarrow`` arrays, in header order)."""

    first_line: int
    n: int
    columns: list[pa.Array]

    @property
    def last_line(self) -> int:
        return self.first_line + self.n - 1

    def split(self, rows: int) -> list[ColumnBlock]:
        """The block in parts of ``rows`` rows (the arrays are sliced, not copied)."""
        return [ColumnBlock(self.first_line + start, min(rows, self.n - start),
                            [column.slice(start, rows) for column in self.columns])
                for start in range(0, self.n, rows)]

    def rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """``(line number, fields)`` of each row, as ``CsvRows`` gives them."""
        values = [column.to_pylist() for column in self.columns]
        return zip(range(self.first_line, self.first_line + self.n),
                   zip(*values, strict=True), strict=True)

    def copy_text(self, load_id: int, columns: Sequence[pa.Array | str]) -> bytes:
        """The block as COPY text: ``load_id``, the line number, then ``columns``."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lines = pa.array(np.arange(self.first_line, self.first_line + self.n, dtype=np.int64))
        parts = [pa.scalar(str(load_id)), lines.cast(pa.string()),
                 *(pa.scalar(c) if isinstance(c, str) else c for c in columns)]
        joined = pc.binary_join_element_wise(*parts, "\t")
        joined = pc.binary_join_element_wise(joined, pa.scalar(""), "\n")
        offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32)[
            joined.offset:joined.offset + self.n + 1]
        return memoryview(joined.buffers()[2])[int(offsets[0]):int(offsets[-1])].tobytes()


class CsvBatches(CsvRows):
    """The data rows of a CSV file in blocks, for the loader's fast path; the same rows, line
    numbers and errors as ``CsvRows``.

    Iterating yields, for each block of about ``block_bytes`` of the file (ending at a line end):

    - a ``ColumnBlock`` when the block is plain, one row per line: no quote, carriage return,
      NUL or blank line, every line with the header's number of fields and valid UTF-8. Such a
      block is split by ``pyarrow`` (fields are the text between commas, as the ``csv`` module
      splits such lines); no Python object is made per row;
    - otherwise a list of ``(line number, fields)``, read by the ``csv`` module exactly as
      ``CsvRows`` reads it (a record with a quoted newline may run on into the next blocks), so
      a damaged line raises the same ``SourceFileError`` with the same line.
    """

    def __init__(self, path: Path, required: Sequence[str] = (), encoding: str = "utf-8-sig",
                 block_bytes: int | None = None) -> None:
        super().__init__(path, required, encoding)
        self.block_bytes = block_bytes or BLOCK_BYTES
        self._delivered = self._lines.count  # lines handed out in blocks so far
        self._fast = self._lines._encoding.replace("_", "-").lower() in ("utf-8", "utf8")

    def __iter__(self) -> Iterator[ColumnBlock | list[tuple[int, list[str]]]]:  # type: ignore[override]
        with progress.step(f"read {self.path.name}") as advance:
            try:
                yield from self._blocks(advance)
            except _LineDecodeError as exc:
                raise SourceFileError(self.path, exc.line,
                                      f"not UTF-8 text: {exc.error}") from None
            except _BlockReadError as exc:
                raise SourceFileError(
                    self.path, exc.line, f"cannot read compressed data (truncated?): {exc.error}"
                ) from exc.error
            except csv.Error as exc:
                raise SourceFileError(
                    self.path, getattr(exc, "line", self.line),
                    f"malformed CSV: {exc} (the record starting on this line)") from exc
            finally:
                self._fh.close()
                release_arrow_memory()

    def _raw_blocks(self) -> Iterator[bytes]:
        """The rest of the file in blocks that end at a line end (the last may not)."""
        carry = b""
        while True:
            try:
                data = self._fh.read(self.block_bytes)
            except _READ_ERRORS as exc:
                raise _BlockReadError(self._delivered + 1, exc) from exc
            if not data:
                if carry:
                    self._delivered += 1
                    yield carry
                return
            data = carry + data
            cut = data.rfind(b"\n") + 1
            if not cut:
                carry = data
                continue
            block, carry = data[:cut], data[cut:]
            self._delivered += block.count(b"\n")
            yield block

    def _blocks(self, advance: Callable[[float], None]
                ) -> Iterator[ColumnBlock | list[tuple[int, list[str]]]]:
        next_line = self._lines.count + 1
        # the parts of a block that is not plain, read before the next block of the file
        parts: collections.deque[bytes] = collections.deque()
        raw_blocks = self._raw_blocks()
        is_part = False  # whether the block last given is one of those parts

        def source() -> Iterator[bytes]:
            nonlocal is_part
            while True:
                if parts:
                    is_part = True
                    yield parts.popleft()
                    continue
                block = next(raw_blocks, None)
                if block is None:
                    return
                is_part = False
                yield block

        blocks = source()
        for block in blocks:
            plain = self._plain(block)
            if not plain and not is_part and len(block) > SPLIT_BYTES:
                parts.extend(_split_lines(block, SPLIT_BYTES))
                continue
            n = block.count(b"\n") + (not block.endswith(b"\n"))
            columns = self._columns(block, n) if plain else None
            if columns is not None:
                yield ColumnBlock(next_line, n, columns)
                next_line += n
                advance(n)
                continue
            rows, after = self._csv_rows(block, next_line, blocks)
            advance(after - next_line)
            next_line = after
            if rows:
                yield rows

    def _plain(self, block: bytes) -> bool:
        """No quote, carriage return, NUL or blank line: each line one record, split at commas."""
        return self._fast and not block.startswith(b"\n") and not any(
            c in block for c in (b'"', b"\r", b"\x00", b"\n\n"))

    def _columns(self, block: bytes, n: int) -> list[pa.Array] | None:
        """The fields of a plain block as columns; None when ``pyarrow`` finds a line of another
        width or text that is not UTF-8 (the csv module then reads it, and names the line)."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        width = len(self.header)
        try:
            table = pacsv.read_csv(
                pa.py_buffer(block),
                read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=False,
                                               block_size=len(block) + 1),
                parse_options=pacsv.ParseOptions(quote_char=False, double_quote=False,
                                                 escape_char=False, newlines_in_values=False,
                                                 ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    column_types={f"f{i}": pa.string() for i in range(width)},
                    null_values=[], strings_can_be_null=False, quoted_strings_can_be_null=False,
                    check_utf8=True),
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # a line of other width, not UTF-8...
            return None
        if table.num_rows != n or table.num_columns != width or any(
                not pa.types.is_string(t) for t in table.schema.types):
            return None
        return [column.combine_chunks() for column in table.columns]

    def _csv_rows(self, block: bytes, first_line: int, more: Iterator[bytes]
                  ) -> tuple[list[tuple[int, list[str]]], int]:
        """The records of ``block`` (and of the next blocks, while a record runs on), read as
        ``CsvRows`` reads them; and the number of the line after them."""
        lines = _BlockLines(block, first_line, more, self._lines._encoding)
        width = len(self.header)
        rows: list[tuple[int, list[str]]] = []
        start = first_line
        reader = csv.reader(lines)
        try:
            for row in reader:
                if len(row) != width and row:
                    raise _width_error(self.path, start, lines.count, width, len(row))
                if row:
                    rows.append((start, row))
                start = lines.count + 1
                if lines.at_block_end:
                    break
        except csv.Error as exc:
            exc.line = start  # type: ignore[attr-defined]
            raise
        return rows, start


def _split_lines(block: bytes, size: int) -> list[bytes]:
    """``block`` in parts of about ``size`` bytes, each ending at a line end (the last as the
    block ends)."""
    parts = []
    start = 0
    while start < len(block):
        cut = block.find(b"\n", start + size)
        end = len(block) if cut == -1 else cut + 1
        parts.append(block[start:end])
        start = end
    return parts


class _BlockLines:
    """The lines of a block decoded one by one (as ``_Lines`` does), numbered from
    ``first_line``; when the csv reader wants a line past the block, the next block of ``more``
    follows."""

    def __init__(self, block: bytes, first_line: int, more: Iterator[bytes],
                 encoding: str) -> None:
        self._more = more
        self._encoding = encoding
        self.count = first_line - 1
        self._load(block)

    def _load(self, block: bytes) -> None:
        parts = block.split(b"\n")
        self._raw = [part + b"\n" for part in parts[:-1]]
        if parts[-1]:
            self._raw.append(parts[-1])
        self._pos = 0

    @property
    def at_block_end(self) -> bool:
        return self._pos >= len(self._raw)

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        while self._pos >= len(self._raw):
            self._load(next(self._more))
        raw = self._raw[self._pos]
        self._pos += 1
        self.count += 1
        try:
            return raw.decode(self._encoding)
        except UnicodeDecodeError as exc:
            raise _LineDecodeError(self.count, exc) from exc


class _BlockReadError(_LineError):
    """A file that cannot be read on (a broken gzip stream) past its line ``line``."""


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
