"""UN General Assembly roll-call votes, in the two published layouts.

- Voeten's published file (``UNVotesPublished.csv``): one row per country x roll call, COW
  ``ccode``, numeric vote codes 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member.
- The ``unvotes`` R package release: ``un_votes`` (rcid, country, ISO2 country_code, vote as
  yes/no/abstain), ``un_roll_calls`` and ``un_roll_call_issues``.

Parsers are pure: a path in, a ``ParseResult`` out, with each unparsable row rejected with its
line and reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from etl.sources.base import CsvRows, ParseResult, Rejected, parse_int

VOETEN_VOTE_CODES = frozenset({1, 2, 3, 8, 9})
UNVOTES_VOTES = frozenset({"yes", "no", "abstain"})
ISSUE_CODES = frozenset({"me", "nu", "di", "hr", "co", "ec"})
_FLAGS = ("me", "nu", "di", "hr", "co", "ec")


@lru_cache(maxsize=65536)
def parse_date(value: str) -> dt.date:
    """A vote date as either publisher writes it: ISO ``1946-01-01`` or US ``1/1/1946``."""
    text = value.strip()
    if "-" in text:
        return dt.date.fromisoformat(text)
    month, day, year = text.split("/")
    return dt.date(int(year), int(month), int(day))


def _flag(value: str, name: str) -> int | None:
    # Voeten's file carries CSV-escaping debris in one roll call's flag (``0\\"``, rcid 1429):
    # backslashes and quotes are stripped before reading the 0/1.
    number = parse_int(value.replace("\\", "").replace('"', ""))
    if number not in (None, 0, 1):
        raise ValueError(f"{name} must be 0 or 1, found {value!r}")
    return number


def _required_int(value: str, name: str) -> int:
    number = parse_int(value)
    if number is None:
        raise ValueError(f"{name} is missing")
    return number


def _parse_rows(
    path: Path,
    required: tuple[str, ...],
    columns: list[str],
    convert: Callable[[dict[str, int], list[str]], tuple[Any, ...]],
) -> ParseResult:
    csv_rows = CsvRows(path, required)
    result = ParseResult(columns=["line_number", *columns])
    index = csv_rows.index
    for line, row in csv_rows:
        try:
            result.rows.append((line, *convert(index, row)))
        except (ValueError, TypeError) as exc:
            result.rejects.append(Rejected(line, str(exc), ",".join(row)))
    return result


VOETEN_COLUMNS = [
    "rcid",
    "session",
    "vote",
    "ccode",
    "member",
    "importantvote",
    "vote_date",
    "unres",
    *_FLAGS,
    "year",
]


def _voeten_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    vote = _required_int(row[ix["vote"]], "vote")
    if vote not in VOETEN_VOTE_CODES:
        raise ValueError(f"vote must be one of 1, 2, 3, 8, 9; found {row[ix['vote']]!r}")
    # A missing date is kept as missing (rcid 4592 has none in Voeten's file); the roll-call
    # date then comes from the other release in dbt.
    raw_date = row[ix["date"]].strip()
    try:
        vote_date = parse_date(raw_date) if raw_date else None
    except ValueError:
        raise ValueError(f"date is not a date: {raw_date!r}") from None
    return (
        _required_int(row[ix["rcid"]], "rcid"),
        _required_int(row[ix["session"]], "session"),
        vote,
        _required_int(row[ix["ccode"]], "ccode"),
        _flag(row[ix["member"]], "member") if "member" in ix else None,
        _flag(row[ix["importantvote"]], "importantvote") if "importantvote" in ix else None,
        vote_date,
        (row[ix["unres"]].strip() or None) if "unres" in ix else None,
        *(_flag(row[ix[f]], f) if f in ix else None for f in _FLAGS),
        parse_int(row[ix["year"]]) if "year" in ix else None,
    )


def parse_voeten_votes(path: Path) -> ParseResult:
    """Voeten's UNVotesPublished layout."""
    return _parse_rows(
        path, ("rcid", "session", "vote", "ccode", "date"), VOETEN_COLUMNS, _voeten_row
    )


def _unvotes_vote_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    vote = row[ix["vote"]].strip().lower()
    if vote not in UNVOTES_VOTES:
        raise ValueError(f"vote must be yes, no or abstain; found {row[ix['vote']]!r}")
    country = row[ix["country"]].strip()
    if not country:
        raise ValueError("country is missing")
    code = row[ix["country_code"]].strip()  # "NA" is Namibia, never missing
    return (_required_int(row[ix["rcid"]], "rcid"), country, code or None, vote)


def parse_unvotes_votes(path: Path) -> ParseResult:
    """unvotes ``un_votes``: rcid, country, country_code (ISO2), vote."""
    return _parse_rows(
        path,
        ("rcid", "country", "country_code", "vote"),
        ["rcid", "country", "country_code", "vote"],
        _unvotes_vote_row,
    )


def _roll_call_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    try:
        vote_date = parse_date(row[ix["date"]])
    except ValueError:
        raise ValueError(f"date is not a date: {row[ix['date']]!r}") from None
    return (
        _required_int(row[ix["rcid"]], "rcid"),
        _required_int(row[ix["session"]], "session"),
        _flag(row[ix["importantvote"]], "importantvote"),
        vote_date,
        row[ix["unres"]].strip() or None,
        _flag(row[ix["amend"]], "amend"),
        _flag(row[ix["para"]], "para"),
        row[ix["short"]].strip() or None,
        row[ix["descr"]].strip() or None,
    )


def parse_unvotes_roll_calls(path: Path) -> ParseResult:
    """unvotes ``un_roll_calls``: one row per roll call."""
    columns = [
        "rcid",
        "session",
        "importantvote",
        "vote_date",
        "unres",
        "amend",
        "para",
        "short",
        "descr",
    ]
    required = (
        "rcid",
        "session",
        "importantvote",
        "date",
        "unres",
        "amend",
        "para",
        "short",
        "descr",
    )
    return _parse_rows(path, required, columns, _roll_call_row)


def _issue_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    code = row[ix["short_name"]].strip().lower()
    if code not in ISSUE_CODES:
        raise ValueError(
            f"short_name must be one of {', '.join(sorted(ISSUE_CODES))}; found {code!r}"
        )
    return (_required_int(row[ix["rcid"]], "rcid"), code, row[ix["issue"]].strip() or None)


def parse_unvotes_roll_call_issues(path: Path) -> ParseResult:
    """unvotes ``un_roll_call_issues``: rcid, short_name, issue."""
    return _parse_rows(
        path, ("rcid", "short_name", "issue"), ["rcid", "short_name", "issue"], _issue_row
    )
