"""US military deployments abroad: troops per host country-year, and US bases per site.

Two files of the ``troopdata`` release (Allen, Flynn & Martinez Machain 2022, extending Kane
2005; bases from Vine 2015), in the publisher's layouts:

- ``troopdata-rebuild-country-year.csv``: one row per host country-year (1950-2024), active duty
  troops (``troops_ad``) and the personnel by branch, reserve and civilian component.
- ``basedata.csv``: one row per US military site abroad, with its kind (``base``, ``lilypad``,
  ``fundedsite``: 0/1 flags).

Parsers are pure: a path in, a ``ParseResult`` out, columns read by header name. The columns the
warehouse uses are typed; every column of the source row is also kept as text in ``attributes``
(the branch figures include the publisher's own negative corrections, e.g. ``marine_corps_ad``
-17, so they are kept as published rather than validated). Host codes are COW codes (>= 1000:
non-state locations such as Guam or Diego Garcia; 2: the USA itself).

The ISO code columns are read as text, never as missing: ``NA`` is Namibia's ISO2 code. In these
ISO3 columns the publisher (an R export) writes ``NA`` where a location has no ISO3 code
(Namibia is ``NAM``); the raw table keeps the text as published, staging reads ``NA`` as null.
In the numeric columns (``lat``, ``lon``) ``NA`` and empty are missing.

The bases file is Windows-1252 text (``Concón``), the troop file UTF-8: each file is decoded as
UTF-8 when it is valid UTF-8, else as Windows-1252, and the encoding read is in ``meta``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from etl.sources.base import CsvRows, ParseResult, ParseStream, Rejected, parse_float, parse_int

# The first year of the deployment data (Kane 2005 begins in 1950); a year past 2100 is a typo.
# Which years a release covers is read from its rows in dbt (stg_troops__country_years).
FIRST_TROOP_YEAR = 1950
LAST_PLAUSIBLE_YEAR = 2100

TROOP_COLUMNS = ["countryname", "year", "ccode", "iso3c", "region", "troops_ad", "attributes"]
BASE_COLUMNS = ["countryname", "ccode", "iso3c", "basename", "lat", "lon", "base", "lilypad",
                "fundedsite", "attributes"]
_BASE_FLAGS = ("base", "lilypad", "fundedsite")
# R writes NA for missing; in a numeric column it can only mean that.
_NUMERIC_MISSING = frozenset({"NA"})


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the file is valid UTF-8, else ``cp1252`` (the publisher's R export)."""
    data = Path(path).read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _attributes(header: list[str], row: list[str]) -> str:
    return json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False,
                      separators=(",", ":"))


def _ccode(text: str) -> int:
    try:
        ccode = parse_int(text)
    except ValueError:
        raise ValueError(f"ccode: expected a COW country code, found {text!r}") from None
    if ccode is None:
        raise ValueError("ccode is missing")
    if ccode < 1:
        raise ValueError(f"ccode must be a positive COW code, found {text!r}")
    return ccode


def _count(name: str, text: str) -> int:
    try:
        value = parse_int(text)
    except ValueError:
        raise ValueError(f"{name}: expected a whole number of personnel, found {text!r}") from None
    if value is None:
        raise ValueError(f"{name} is missing")
    if value < 0:
        raise ValueError(f"{name} must not be negative, found {text!r}")
    return value


def _troop_row(ix: dict[str, int], header: list[str], row: list[str]) -> tuple[Any, ...]:
    year_text = row[ix["year"]]
    try:
        year = parse_int(year_text)
    except ValueError:
        raise ValueError(f"year: expected a year, found {year_text!r}") from None
    if year is None:
        raise ValueError("year is missing")
    if not FIRST_TROOP_YEAR <= year <= LAST_PLAUSIBLE_YEAR:
        raise ValueError(f"year must be {FIRST_TROOP_YEAR} or later (the source's first year), "
                         f"found {year_text!r}")
    ccode = _ccode(row[ix["ccode"]])
    troops = _count("troops_ad", row[ix["troops_ad"]])
    name = row[ix["countryname"]].strip()
    if not name:
        raise ValueError("countryname is missing")
    iso3c = row[ix["iso3c"]].strip() if "iso3c" in ix else ""
    region = row[ix["region"]].strip() if "region" in ix else ""
    return (name, year, ccode, iso3c or None, region or None, troops,
            _attributes(header, row))


def stream_troops(path: Path) -> ParseStream:
    """``troopdata-rebuild-country-year.csv``: US active duty troops per host country-year.

    A row is rejected (with its line and reason) when its year is not a year from 1950 on, its
    ``ccode`` is not a positive integer, or ``troops_ad`` is missing, not a whole number or
    negative. A reported 0 is kept as 0.
    """
    encoding = detect_encoding(path)
    return _stream(path, TROOP_COLUMNS, ("countryname", "year", "ccode", "troops_ad"),
                   encoding, _troop_row)


def parse_troops(path: Path) -> ParseResult:
    """``stream_troops``, collected."""
    return stream_troops(path).collect()


def _stream(path: Path, columns: Sequence[str], required: Sequence[str], encoding: str,
            convert: Callable[[dict[str, int], list[str], list[str]], tuple[Any, ...]],
            ) -> ParseStream:
    """Each row of the file through ``convert`` as it is read; a ``ValueError`` rejects the
    row with its line and reason."""
    def items() -> Iterator[tuple[Any, ...] | Rejected]:
        csv_rows = CsvRows(path, required, encoding=encoding)
        for line, row in csv_rows:
            try:
                yield (line, *convert(csv_rows.index, csv_rows.header, row))
            except ValueError as exc:
                yield Rejected(line, str(exc), ",".join(row))

    return ParseStream(path, ["line_number", *columns], items(), meta={"encoding": encoding})


def _coordinate(name: str, text: str, bound: float) -> float | None:
    if text.strip() in _NUMERIC_MISSING:
        return None
    try:
        value = parse_float(text)
    except ValueError:
        raise ValueError(f"{name}: expected a number, found {text!r}") from None
    if value is not None and not (math.isfinite(value) and -bound <= value <= bound):
        raise ValueError(f"{name} must be between {-bound:g} and {bound:g}, found {text!r}")
    return value


def _flag(name: str, text: str) -> int:
    try:
        value = parse_int(text)
    except ValueError:
        value = -1
    if value not in (0, 1):
        raise ValueError(f"{name} must be 0 or 1, found {text!r}")
    return value


def _base_row(ix: dict[str, int], header: list[str], row: list[str]) -> tuple[Any, ...]:
    ccode = _ccode(row[ix["ccode"]])
    name = row[ix["countryname"]].strip()
    if not name:
        raise ValueError("countryname is missing")
    flags = [_flag(flag, row[ix[flag]]) for flag in _BASE_FLAGS]
    lat = _coordinate("lat", row[ix["lat"]], 90) if "lat" in ix else None
    lon = _coordinate("lon", row[ix["lon"]], 180) if "lon" in ix else None
    iso3c = row[ix["iso3c"]].strip() if "iso3c" in ix else ""
    basename = row[ix["basename"]].strip()
    return (name, ccode, iso3c or None, basename or None, lat, lon, *flags,
            _attributes(header, row))


def stream_bases(path: Path) -> ParseStream:
    """``basedata.csv``: US military sites abroad (Vine 2015), one row per site.

    A row is rejected when its ``ccode`` is not a positive integer, a flag (``base``,
    ``lilypad``, ``fundedsite``) is not 0 or 1, or a coordinate is out of range.
    """
    encoding = detect_encoding(path)
    return _stream(path, BASE_COLUMNS, ("countryname", "ccode", "basename", *_BASE_FLAGS),
                   encoding, _base_row)


def parse_bases(path: Path) -> ParseResult:
    """``stream_bases``, collected."""
    return stream_bases(path).collect()
