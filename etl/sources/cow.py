"""Correlates of War: state system membership, National Material Capabilities, major powers.

Parsers are pure: a path in, a ``ParseStream`` out (``stream_*``; ``parse_*`` collects it into a
``ParseResult``); columns are read by header name, so the publisher's extra columns
(``stateabb``, ``version``) are accepted; ``-9`` and empty are missing. Values out of their domain
are rejected with line and reason: a ccode outside 1-999, a year outside COW's years (1816 to
this year), a month or day that is not one, a non-finite number (``nan``, ``inf``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
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
    stream_records,
)

# The COW data sets start with the Congress of Vienna's system (1816); nothing is after this year.
FIRST_YEAR = 1816
LAST_YEAR = dt.date.today().year
_RANGES = {"ccode": (1, 999), "styear": (FIRST_YEAR, LAST_YEAR), "endyear": (FIRST_YEAR, LAST_YEAR),
           "stmonth": (1, 12), "endmonth": (1, 12), "stday": (1, 31), "endday": (1, 31)}

STATE_COLUMNS = ["stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear",
                 "endmonth", "endday", "version"]


def _state_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    values: list[Any] = []
    for name in STATE_COLUMNS:
        text = row[ix[name]].strip()
        if name in ("stateabb", "statenme"):
            if not text:
                raise ValueError(f"{name} is missing")
            values.append(text)
        elif name == "version":
            values.append(parse_int(text))
        else:
            number = parse_int(text)
            if number is None:
                raise ValueError(f"{name} is missing")
            values.append(check_range(number, name, *_RANGES[name]))
    return tuple(values)


def stream_states(path: Path) -> ParseStream:
    """COW ``states2016.csv``: one row per state-system membership period; as a stream."""
    path = Path(path)

    def items() -> Iterator[tuple[Any, ...] | Rejected]:
        csv_rows = CsvRows(path, STATE_COLUMNS[:-1])
        for line, row in csv_rows:
            try:
                if "version" not in csv_rows.index:
                    row = [*row, ""]
                    csv_rows.index["version"] = len(row) - 1
                yield (line, *_state_row(csv_rows.index, row))
            except ValueError as exc:
                yield Rejected(line, str(exc), ",".join(row))

    return ParseStream(path, ["line_number", *STATE_COLUMNS], items())


def parse_states(path: Path) -> ParseResult:
    """COW ``states2016.csv``: one row per state-system membership period."""
    return stream_states(path).collect()


# National Material Capabilities: the six components and the composite index. The publisher
# writes -9 for missing (the warehouse copy leaves it empty); both read as missing.
NMC_MEASURES = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
NMC_COLUMNS = ["ccode", "year", "stateabb", *NMC_MEASURES, "version"]


def _nmc_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    ccode = parse_int(row[ix["ccode"]])
    year = parse_int(row[ix["year"]])
    if ccode is None:
        raise ValueError("ccode is missing")
    check_range(ccode, "ccode", 1, 999)
    if year is None:
        raise ValueError("year is missing")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year must be a year of COW's ({FIRST_YEAR}-{LAST_YEAR}), "
                         f"found {row[ix['year']]!r}")
    measures = []
    for name in NMC_MEASURES:
        if name not in ix:
            measures.append(None)
            continue
        try:
            value = parse_float(row[ix[name]])
        except ValueError as exc:  # NonFiniteNumber stays what it is: the file is refused
            raise type(exc)(f"{name}: {exc}") from None
        if value is not None and value < 0:
            raise ValueError(f"{name} must not be negative, found {row[ix[name]]!r}")
        if name == "cinc" and value is not None and value > 1:
            raise ValueError(f"cinc must be between 0 and 1, found {row[ix[name]]!r}")
        measures.append(value)
    stateabb = (row[ix["stateabb"]].strip() or None) if "stateabb" in ix else None
    version = parse_int(row[ix["version"]]) if "version" in ix else None
    return (ccode, year, stateabb, *measures, version)


def stream_nmc(path: Path) -> ParseStream:
    """COW National Material Capabilities (``NMC-70-abridged.csv`` or the publisher's v7 file).

    One row per state-year. The publisher's ``stateabb`` and ``version`` columns are read when
    present; -9 and empty are missing; a negative value other than -9, a CINC above 1, a
    non-number or a non-finite one (``nan``, ``inf``) is rejected with its line.
    """
    return stream_records(path, NMC_COLUMNS, ("ccode", "year", "cinc"), _nmc_row)


def parse_nmc(path: Path) -> ParseResult:
    """``stream_nmc``, collected."""
    return stream_nmc(path).collect()


MAJOR_COLUMNS = ["ccode", "stateabb", "styear", "stmonth", "stday", "endyear", "endmonth",
                 "endday", "version"]
_MAJOR_DATE_PARTS = ("styear", "stmonth", "stday", "endyear", "endmonth", "endday")


def _major_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    ccode = parse_int(row[ix["ccode"]])
    if ccode is None:
        raise ValueError("ccode is missing")
    check_range(ccode, "ccode", 1, 999)
    parts: list[int] = []
    for name in _MAJOR_DATE_PARTS:
        try:
            number = parse_int(row[ix[name]])
        except ValueError:
            raise ValueError(f"{name}: expected an integer, found {row[ix[name]]!r}") from None
        if number is None:
            raise ValueError(f"{name} is missing")
        parts.append(check_range(number, name, *_RANGES[name]))
    start, end = (parts[0], parts[1], parts[2]), (parts[3], parts[4], parts[5])
    if end < start:
        raise ValueError(f"the period ends ({'-'.join(map(str, end))}) before it starts "
                         f"({'-'.join(map(str, start))})")
    stateabb = (row[ix["stateabb"]].strip() or None) if "stateabb" in ix else None
    version = parse_int(row[ix["version"]]) if "version" in ix else None
    return (ccode, stateabb, *parts, version)


def stream_majors(path: Path) -> ParseStream:
    """COW major powers (``majors2016.csv``): one row per period of major-power status."""
    return stream_records(path, MAJOR_COLUMNS, ("ccode", *_MAJOR_DATE_PARTS), _major_row)


def parse_majors(path: Path) -> ParseResult:
    """``stream_majors``, collected."""
    return stream_majors(path).collect()
