"""Alliance Treaty Obligations and Provisions (ATOP): the alliance-level and member-level files.

- Alliance level (``atop4_01a.csv``): one row per alliance (``atopid``) with its provisions.
- Member level (``atop4_01m.csv``): one row per member x alliance phase, with that member's own
  entry and exit dates and obligations.

Columns are read by header name, so the 4.x and 5.x layouts both load. The columns the warehouse
uses are typed into raw columns; every column of the row, known or not, is also kept as text in
``attributes`` (a JSON object by header name), so nothing a newer layout adds is lost. The ATOP
version comes from the ``version`` column (4.01 writes ``4.0100002`` in the alliance file), or
else from the file name (``atop5_1m.csv`` -> 5.1), and is returned in ``meta["atop_version"]``.

Parsers are pure: a path in, a ``ParseStream`` out (``stream_*``; ``parse_*`` collects it into a
``ParseResult``). A row whose values cannot be read or are out of their domain (a non-integer
year, a year outside ATOP's 1815 to this year, a 0/1 flag coded 7, a non-positive atopid or
member code, an exit before the entry) is rejected with its line and reason; a file whose
layout cannot be read (no ``atopid`` column, a row with the wrong number of fields) raises
``SourceFileError``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from etl.sources.base import (
    CsvRows,
    ParseResult,
    ParseStream,
    Rejected,
    check_range,
    parse_float,
    parse_int,
)

# ATOP codes alliances signed from 1815 on; no date is after this year.
FIRST_YEAR = 1815
LAST_YEAR = dt.date.today().year

# 0/1 indicators: any other value is a coding error and the row is rejected.
_FLAGS = frozenset({
    "ineffect", "bilat", "wartime", "defense", "offense", "neutral", "nonagg", "consul", "active",
    "conditio", "defcon", "offcon", "neucon", "concon", "asymm", "obvary", "cowsys",
})

# Typed raw columns, in table order (besides line_number, version and attributes). Columns a
# layout lacks are null; the remaining columns of the file live in ``attributes`` only.
ALLIANCE_INT_COLUMNS: tuple[str, ...] = (
    "atopid", "begyr", "begmo", "begday", "endyr", "endmo", "endday", "ineffect", "bilat",
    "maxphase", "wartime", "estmode", "pubsecr", "secrart", "defense", "offense", "neutral",
    "nonagg", "consul", "active", "conditio", "defcon", "offcon", "neucon", "concon", "asymm",
    "specthrt", "milcon", "milaid", "intcom", "subord", "organ1", "organ2", "base", "contrib",
    "armred", "ecaid", "milinst",
)
MEMBER_INT_COLUMNS: tuple[str, ...] = (
    "atopid", "member", "cowsys", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit",
    "ineffect", "bilat", "phase", "maxphase", "wartime", "estmode", "pubsecr", "defense",
    "offense", "neutral", "nonagg", "consul", "active", "conditio", "defcon", "offcon", "neucon",
    "concon", "asymm", "obvary", "milaid", "base", "subord", "organ1",
)

ALLIANCE_COLUMNS: list[str] = [*ALLIANCE_INT_COLUMNS, "version", "attributes"]
MEMBER_COLUMNS: list[str] = [*MEMBER_INT_COLUMNS, "version", "attributes"]

_ALLIANCE_REQUIRED = ("atopid", "begyr")
_MEMBER_REQUIRED = ("atopid", "member", "yrent", "yrexit")

_FILE_VERSION = re.compile(r"atop[ _-]?v?(\d+)[._](\d+)", re.IGNORECASE)


def normalise_version(value: str) -> str | None:
    """ATOP's version as written in its files, tidied: ``4.0100002`` -> ``4.01``, ``5`` -> ``5.0``.

    Returns None for an empty value; raises ``ValueError`` for text that is not a number.
    """
    number = parse_float(value)
    if number is None:
        return None
    text = f"{round(number, 2):.2f}"
    return text[:-1] if text.endswith("0") else text


def version_from_file_name(path: Path) -> str | None:
    """The version in an ATOP file name (``atop4_01a.csv`` -> 4.01, ``atop5_1m.csv`` -> 5.1)."""
    match = _FILE_VERSION.search(path.name)
    if not match:
        return None
    return normalise_version(f"{match.group(1)}.{match.group(2)}")


def _int(record: dict[str, str], name: str) -> int | None:
    if name not in record:
        return None
    try:
        number = parse_int(record[name])
    except ValueError:
        raise ValueError(f"{name}: expected an integer, found {record[name]!r}") from None
    if name in _FLAGS and number not in (None, 0, 1):
        raise ValueError(f"{name} must be 0 or 1, found {record[name]!r}")
    return number


def _check_date(values: dict[str, int | None], year: str, month: str, day: str) -> None:
    # ATOP writes 0 for "no date" (an exit of 0 = still in effect at the end of the data).
    m, d = values.get(month), values.get(day)
    if m is not None and not 0 <= m <= 12:
        raise ValueError(f"{month} must be 0-12, found {m}")
    if d is not None and not 0 <= d <= 31:
        raise ValueError(f"{day} must be 0-31, found {d}")
    y = values.get(year)
    if y is not None and y != 0 and not FIRST_YEAR <= y <= LAST_YEAR:
        raise ValueError(f"{year} must be a year of ATOP's ({FIRST_YEAR}-{LAST_YEAR}) or 0, "
                         f"found {y}")


def _typed(
    record: dict[str, str], int_columns: Sequence[str], required: Sequence[str]
) -> dict[str, int | None]:
    values = {name: _int(record, name) for name in int_columns}
    for name in required:
        if values[name] is None:
            raise ValueError(f"{name} is missing")
    check_range(values.get("atopid"), "atopid", 1, 10**9)
    if "member" in values:  # COW codes, and ATOP's own codes >= 1000 for non-system states
        check_range(values["member"], "member", 1, 10**6)
    return values


def _alliance_values(record: dict[str, str]) -> dict[str, int | None]:
    values = _typed(record, ALLIANCE_INT_COLUMNS, _ALLIANCE_REQUIRED)
    _check_date(values, "begyr", "begmo", "begday")
    _check_date(values, "endyr", "endmo", "endday")
    begyr, endyr = values["begyr"], values["endyr"]
    if endyr and begyr and endyr < begyr:
        raise ValueError(f"endyr {endyr} is before begyr {begyr}")
    return values


def _member_values(record: dict[str, str]) -> dict[str, int | None]:
    values = _typed(record, MEMBER_INT_COLUMNS, _MEMBER_REQUIRED)
    _check_date(values, "yrent", "moent", "dayent")
    _check_date(values, "yrexit", "moexit", "dayexit")
    yrent, yrexit = values["yrent"], values["yrexit"]
    if yrent == 0:
        raise ValueError("yrent is 0; expected the year the member entered")
    if yrexit and yrent and yrexit < yrent:
        raise ValueError(f"yrexit {yrexit} is before yrent {yrent}")
    return values


def _stream(path: Path, required: tuple[str, ...], int_columns: Sequence[str],
            convert: Any) -> ParseStream:
    path = Path(path)
    meta: dict[str, Any] = {}
    return ParseStream(path, ["line_number", *int_columns, "version", "attributes"],
                       _items(path, required, int_columns, convert, meta), meta=meta)


def _items(path: Path, required: tuple[str, ...], int_columns: Sequence[str], convert: Any,
           meta: dict[str, Any]) -> Iterator[tuple[Any, ...] | Rejected]:
    """The rows of an ATOP file; ``meta`` (version, extra columns) is filled at its end."""
    csv_rows = CsvRows(path, required)
    header = csv_rows.header
    has_version = "version" in csv_rows.index
    file_version = version_from_file_name(Path(path))
    versions: Counter[str] = Counter()
    for line, row in csv_rows:
        record = dict(zip(header, row, strict=True))
        try:
            values = convert(record)
            row_version = normalise_version(record["version"]) if has_version else None
        except ValueError as exc:
            reason = str(exc)
            if reason.startswith("expected a number"):
                reason = f"version: {reason}"
            yield Rejected(line, reason, ",".join(row))
            continue
        version = row_version or file_version
        if version:
            versions[version] += 1
        attributes = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        yield (line, *(values[c] for c in int_columns), version, attributes)
    if versions:
        meta["atop_version"] = versions.most_common(1)[0][0]
        meta["version_source"] = "column" if has_version else "file name"
        if len(versions) > 1:
            meta["atop_versions"] = dict(versions)
    else:
        meta["atop_version"] = None
        meta["version_source"] = "unknown"
    known = set(int_columns) | {"version"}
    meta["extra_columns"] = [name for name in header if name not in known]


def stream_atop_alliances(path: Path) -> ParseStream:
    """ATOP alliance-level file (``atop4_01a.csv``, ``atop5_1a.csv``): one row per alliance."""
    return _stream(path, _ALLIANCE_REQUIRED, ALLIANCE_INT_COLUMNS, _alliance_values)


def stream_atop_members(path: Path) -> ParseStream:
    """ATOP member-level file (``atop4_01m.csv``, ``atop5_1m.csv``): one row per member x phase."""
    return _stream(path, _MEMBER_REQUIRED, MEMBER_INT_COLUMNS, _member_values)


def parse_atop_alliances(path: Path) -> ParseResult:
    """``stream_atop_alliances``, collected."""
    return stream_atop_alliances(path).collect()


def parse_atop_members(path: Path) -> ParseResult:
    """``stream_atop_members``, collected."""
    return stream_atop_members(path).collect()
