"""Correlates of War: state system membership, National Material Capabilities, major powers.

Parsers are pure: a path in, a ``ParseResult`` out; columns are read by header name, so the
publisher's extra columns (``stateabb``, ``version``) are accepted; ``-9`` and empty are missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.sources.base import CsvRows, ParseResult, Rejected, parse_float, parse_int

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
            values.append(number)
    return tuple(values)


def parse_states(path: Path) -> ParseResult:
    """COW ``states2016.csv``: one row per state-system membership period."""
    csv_rows = CsvRows(path, STATE_COLUMNS[:-1])
    result = ParseResult(columns=["line_number", *STATE_COLUMNS])
    for line, row in csv_rows:
        try:
            if "version" not in csv_rows.index:
                row = [*row, ""]
                csv_rows.index["version"] = len(row) - 1
            result.rows.append((line, *_state_row(csv_rows.index, row)))
        except ValueError as exc:
            result.rejects.append(Rejected(line, str(exc), ",".join(row)))
    return result


# National Material Capabilities: the six components and the composite index. The publisher
# writes -9 for missing (the warehouse copy leaves it empty); both read as missing.
NMC_MEASURES = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
NMC_COLUMNS = ["ccode", "year", "stateabb", *NMC_MEASURES, "version"]


def _nmc_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    ccode = parse_int(row[ix["ccode"]])
    year = parse_int(row[ix["year"]])
    if ccode is None:
        raise ValueError("ccode is missing")
    if year is None:
        raise ValueError("year is missing")
    if not 1800 <= year <= 2100:
        raise ValueError(f"year must be a year, found {row[ix['year']]!r}")
    measures = []
    for name in NMC_MEASURES:
        if name not in ix:
            measures.append(None)
            continue
        try:
            value = parse_float(row[ix[name]])
        except ValueError:
            raise ValueError(f"{name}: expected a number, found {row[ix[name]]!r}") from None
        if value is not None and value < 0:
            raise ValueError(f"{name} must not be negative, found {row[ix[name]]!r}")
        if name == "cinc" and value is not None and value > 1:
            raise ValueError(f"cinc must be between 0 and 1, found {row[ix[name]]!r}")
        measures.append(value)
    stateabb = (row[ix["stateabb"]].strip() or None) if "stateabb" in ix else None
    version = parse_int(row[ix["version"]]) if "version" in ix else None
    return (ccode, year, stateabb, *measures, version)


def parse_nmc(path: Path) -> ParseResult:
    """COW National Material Capabilities (``NMC-70-abridged.csv`` or the publisher's v7 file).

    One row per state-year. The publisher's ``stateabb`` and ``version`` columns are read when
    present; -9 and empty are missing; a negative value other than -9, a CINC above 1 or a
    non-number is rejected with its line.
    """
    csv_rows = CsvRows(path, ("ccode", "year", "cinc"))
    result = ParseResult(columns=["line_number", *NMC_COLUMNS])
    for line, row in csv_rows:
        try:
            result.rows.append((line, *_nmc_row(csv_rows.index, row)))
        except ValueError as exc:
            result.rejects.append(Rejected(line, str(exc), ",".join(row)))
    return result


MAJOR_COLUMNS = ["ccode", "stateabb", "styear", "stmonth", "stday", "endyear", "endmonth",
                 "endday", "version"]
_MAJOR_DATE_PARTS = ("styear", "stmonth", "stday", "endyear", "endmonth", "endday")


def _major_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    ccode = parse_int(row[ix["ccode"]])
    if ccode is None:
        raise ValueError("ccode is missing")
    parts: list[int] = []
    for name in _MAJOR_DATE_PARTS:
        try:
            number = parse_int(row[ix[name]])
        except ValueError:
            raise ValueError(f"{name}: expected an integer, found {row[ix[name]]!r}") from None
        if number is None:
            raise ValueError(f"{name} is missing")
        parts.append(number)
    start, end = (parts[0], parts[1], parts[2]), (parts[3], parts[4], parts[5])
    if end < start:
        raise ValueError(f"the period ends ({'-'.join(map(str, end))}) before it starts "
                         f"({'-'.join(map(str, start))})")
    stateabb = (row[ix["stateabb"]].strip() or None) if "stateabb" in ix else None
    version = parse_int(row[ix["version"]]) if "version" in ix else None
    return (ccode, stateabb, *parts, version)


def parse_majors(path: Path) -> ParseResult:
    """COW major powers (``majors2016.csv``): one row per period of major-power status."""
    csv_rows = CsvRows(path, ("ccode", *_MAJOR_DATE_PARTS))
    result = ParseResult(columns=["line_number", *MAJOR_COLUMNS])
    for line, row in csv_rows:
        try:
            result.rows.append((line, *_major_row(csv_rows.index, row)))
        except ValueError as exc:
            result.rejects.append(Rejected(line, str(exc), ",".join(row)))
    return result
