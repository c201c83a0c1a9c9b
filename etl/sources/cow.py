"""Correlates of War: state system membership (and, later, capabilities and major powers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.sources.base import CsvRows, ParseResult, Rejected, parse_int

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
