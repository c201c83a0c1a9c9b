"""Bridging pairs of UNGA roll calls (Bailey, Strezhnev & Voeten 2017, ``Matches.csv``).

Each row ``v1, rcid1, rcid2`` says that two roll calls, in different sessions, are votes on the
identical resolution, so the ideal-point model gives them the same item parameters; chains of
pairs are one item (``etl.ideal_points.link_items``). The parser is pure: a path in, a
``ParseStream`` out; a row with a missing or non-integer rcid, a pair of a roll call with
itself, or a pair already listed is rejected with its line and reason.
"""

from __future__ import annotations

from pathlib import Path

from etl.sources.base import ParseResult, ParseStream, parse_int, stream_records

BRIDGING_COLUMNS = ["line_number", "pair_id", "rcid1", "rcid2"]


def _rcid(value: str, name: str) -> int:
    try:
        number = parse_int(value)
    except ValueError:
        raise ValueError(f"{name}: expected an integer roll-call id, found {value!r}") from None
    if number is None or number <= 0:
        raise ValueError(f"{name}: expected a positive roll-call id, found {value!r}")
    return number


def stream_bridging_pairs(path: Path) -> ParseStream:
    """``Matches.csv``: one row per bridged pair (``v1`` its number, ``rcid1``, ``rcid2``)."""
    seen: dict[tuple[int, int], int] = {}
    line = [1]

    def convert(ix: dict[str, int], row: list[str]) -> tuple[int | None, int, int]:
        line[0] += 1
        first = _rcid(row[ix["rcid1"]], "rcid1")
        second = _rcid(row[ix["rcid2"]], "rcid2")
        if first == second:
            raise ValueError(f"roll call {first} is paired with itself")
        key = (min(first, second), max(first, second))
        if key in seen:
            raise ValueError(f"pair {key[0]}-{key[1]} is already listed on line {seen[key]}")
        seen[key] = line[0]
        pair_id = parse_int(row[ix["v1"]]) if "v1" in ix else None
        return pair_id, first, second

    return stream_records(path, BRIDGING_COLUMNS[1:], ("rcid1", "rcid2"), convert)


def parse_bridging_pairs(path: Path) -> ParseResult:
    """``stream_bridging_pairs``, collected."""
    return stream_bridging_pairs(path).collect()
