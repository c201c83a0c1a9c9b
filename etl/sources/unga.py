"""UN General Assembly roll-call votes, in the two published layouts.

- Voeten's published file (``UNVotesPublished.csv``): one row per country x roll call, COW
  ``ccode``, numeric vote codes 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member.
- The ``unvotes`` R package release: ``un_votes`` (rcid, country, ISO2 country_code, vote as
  yes/no/abstain), ``un_roll_calls`` and ``un_roll_call_issues``.

Parsers are pure: a path in, a ``ParseStream`` out (``stream_*``; ``parse_*`` collects it into a
``ParseResult``), with each unparsable or out-of-domain row rejected with its line and reason:
a non-positive rcid or session, an unknown vote code, a date outside the UNGA's years (1946 to
this year), an unknown country: a Voeten ccode that is not a COW state of the warehouse's
crosswalk (``dbt_project/seeds/country_crosswalk.csv``), an unvotes country (its ISO2 code, or its
name where the code is empty) missing from ``dbt_project/seeds/unvotes_country_map.csv``. Those
two seeds are the tables dbt maps the votes with, so a vote that passes here has a country there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl import countries
from etl.sources.base import (
    COPY_NULL,
    BatchConvert,
    ParseResult,
    ParseStream,
    check_range,
    parse_int,
    stream_records,
    text_column,
)

if TYPE_CHECKING:
    import pyarrow as pa

VOETEN_VOTE_CODES = frozenset({1, 2, 3, 8, 9})
UNVOTES_VOTES = frozenset({"yes", "no", "abstain"})
ISSUE_CODES = frozenset({"me", "nu", "di", "hr", "co", "ec"})
_FLAGS = ("me", "nu", "di", "hr", "co", "ec")
# The General Assembly's first session met in 1946; no vote is dated after this year.
FIRST_YEAR = 1946
LAST_YEAR = dt.date.today().year


@lru_cache(maxsize=65536)
def parse_date(value: str) -> dt.date:
    """A vote date as either publisher writes it: ISO ``1946-01-01`` or US ``1/1/1946``."""
    text = value.strip()
    if "-" in text:
        return dt.date.fromisoformat(text)
    month, day, year = text.split("/")
    return dt.date(int(year), int(month), int(day))


@lru_cache(maxsize=1)
def known_ccodes() -> frozenset[int]:
    """The COW codes of the warehouse's country crosswalk (every state system member)."""
    return frozenset(int(r["ccode"]) for r in countries.read_seed(countries.CROSSWALK_SEED))


@lru_cache(maxsize=1)
def known_unvotes_countries() -> tuple[frozenset[str], frozenset[str]]:
    """(ISO2 codes, names of countries without a code) the unvotes country map knows."""
    rows = countries.read_seed(countries.UNVOTES_MAP_SEED)
    return (frozenset(r["country_code"] for r in rows if r["country_code"]),
            frozenset(r["country_name"] for r in rows if not r["country_code"]))


# Memoised: a file repeats each roll call's date, flags and codes on every one of its ~180 vote
# rows, so the parsers below see a few thousand distinct values in a million rows (the Voeten
# file parses in about a third of the time). Pure functions; errors are not cached, so every bad
# row still raises with its own line.
@lru_cache(maxsize=65536)
def _vote_date(text: str) -> dt.date:
    try:
        date = parse_date(text)
    except ValueError:
        raise ValueError(f"date is not a date: {text!r}") from None
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise ValueError(f"date {text!r} is outside the UNGA's years ({FIRST_YEAR}-{LAST_YEAR})")
    return date


@lru_cache(maxsize=4096)
def _flag(value: str, name: str) -> int | None:
    # Voeten's file carries CSV-escaping debris in one roll call's flag (``0\\"``, rcid 1429):
    # backslashes and quotes are stripped before reading the 0/1.
    number = parse_int(value.replace("\\", "").replace('"', ""))
    if number not in (None, 0, 1):
        raise ValueError(f"{name} must be 0 or 1, found {value!r}")
    return number


@lru_cache(maxsize=65536)
def _required_int(value: str, name: str) -> int:
    number = parse_int(value)
    if number is None:
        raise ValueError(f"{name} is missing")
    return number


@lru_cache(maxsize=65536)
def _positive(value: str, name: str) -> int:
    number = _required_int(value, name)
    if number <= 0:
        raise ValueError(f"{name} must be a positive integer, found {value!r}")
    return number


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


def _voeten_fields(ix: dict[str, int]) -> dict[str, tuple[int | None, Callable[[str], Any]]]:
    """Each output column of one Voeten file: its column in the file (None when the release
    lacks it: the value is then None) and the function of one field's text to its value."""
    ccodes = known_ccodes()

    def vote(text: str) -> int:
        number = _required_int(text, "vote")
        if number not in VOETEN_VOTE_CODES:
            raise ValueError(f"vote must be one of 1, 2, 3, 8, 9; found {text!r}")
        return number

    def vote_date(text: str) -> dt.date | None:
        # A missing date is kept as missing (rcid 4592 has none in Voeten's file); the
        # roll-call date then comes from the other release in dbt.
        raw = text.strip()
        return _vote_date(raw) if raw else None

    def ccode(text: str) -> int:
        number = _required_int(text, "ccode")
        if number not in ccodes:
            raise ValueError(f"ccode {number} is not a COW state of the warehouse's country "
                             "crosswalk (dbt_project/seeds/country_crosswalk.csv)")
        return number

    def flag(name: str) -> Callable[[str], int | None]:
        return lambda text: _flag(text, name)

    functions: dict[str, Callable[[str], Any]] = {
        "rcid": lambda text: _positive(text, "rcid"),
        "session": lambda text: _positive(text, "session"),
        "vote": vote,
        "ccode": ccode,
        "member": flag("member"),
        "importantvote": flag("importantvote"),
        "vote_date": vote_date,
        "unres": lambda text: text.strip() or None,
        **{f: flag(f) for f in _FLAGS},
        "year": lambda text: check_range(parse_int(text), "year", FIRST_YEAR, LAST_YEAR),
    }
    return {c: (ix.get("date" if c == "vote_date" else c), functions[c]) for c in VOETEN_COLUMNS}


def _voeten_converter(ix: dict[str, int]) -> Callable[[list[str]], tuple[Any, ...]]:
    """The row function of one Voeten file: its columns looked up once, from its header (the
    optional ones, absent from some releases, give None). A row's vote, date and ccode are
    checked first, so a reject names the first of them that is wrong."""
    fields = _voeten_fields(ix)
    (i_vote, vote), (i_date, vote_date), (i_ccode, ccode), (i_rcid, rcid), (i_session, session) = (
        fields[c] for c in ("vote", "vote_date", "ccode", "rcid", "session"))
    # member, importantvote | unres, the flags, year (vote_date, checked first, between them)
    before = [fields[c] for c in VOETEN_COLUMNS[4:6]]
    after = [fields[c] for c in VOETEN_COLUMNS[7:]]

    def row_values(row: list[str]) -> tuple[Any, ...]:
        checked = (vote(row[i_vote]), vote_date(row[i_date]), ccode(row[i_ccode]))
        return (
            rcid(row[i_rcid]), session(row[i_session]), checked[0], checked[2],
            *[fn(row[i]) if i is not None else None for i, fn in before],
            checked[1],
            *[fn(row[i]) if i is not None else None for i, fn in after],
        )

    return row_values


def _voeten_batch_converter(ix: dict[str, int]) -> BatchConvert:
    """The block function of one Voeten file (``stream_records``' ``batch_converter``): each
    column's distinct values converted once."""
    fields = [_voeten_fields(ix)[c] for c in VOETEN_COLUMNS]
    memos: list[dict[str, str]] = [{} for _ in fields]

    def convert(columns: Sequence[pa.Array]) -> list[pa.Array | str]:
        return [text_column(columns[i], fn, memo) if i is not None else COPY_NULL
                for (i, fn), memo in zip(fields, memos, strict=True)]

    return convert


def stream_voeten_votes(path: Path) -> ParseStream:
    """Voeten's UNVotesPublished layout, as a stream."""
    return stream_records(
        path, VOETEN_COLUMNS, ("rcid", "session", "vote", "ccode", "date"),
        converter=_voeten_converter, batch_converter=_voeten_batch_converter,
    )


def parse_voeten_votes(path: Path) -> ParseResult:
    """Voeten's UNVotesPublished layout."""
    return stream_voeten_votes(path).collect()


def _unvotes_vote(text: str) -> str:
    vote = text.strip().lower()
    if vote not in UNVOTES_VOTES:
        raise ValueError(f"vote must be yes, no or abstain; found {text!r}")
    return vote


def _unvotes_country(text: str) -> str:
    country = text.strip()
    if not country:
        raise ValueError("country is missing")
    return country


def _unvotes_code(text: str) -> str | None:
    """An ISO2 code the country map knows, or None when empty ("NA" is Namibia, never
    missing); its country is then checked against the map's names (``_unvotes_named``)."""
    code = text.strip()
    if code and not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise ValueError(f"country_code must be a two-letter ISO code, found {code!r}")
    return code or None


def _unknown_country(country: str, code: str | None) -> ValueError:
    return ValueError(f"unknown country {country!r} ({code or 'no ISO2 code'}): not in "
                      "the unvotes country map (dbt_project/seeds/unvotes_country_map.csv)")


def _unvotes_vote_converter(ix: dict[str, int]) -> Callable[[list[str]], tuple[Any, ...]]:
    """The row function of one unvotes ``un_votes`` file, its columns looked up once."""
    i_rcid, i_country, i_code, i_vote = (
        ix[c] for c in ("rcid", "country", "country_code", "vote"))
    codes, names = known_unvotes_countries()

    def row_values(row: list[str]) -> tuple[Any, ...]:
        vote = _unvotes_vote(row[i_vote])
        country = _unvotes_country(row[i_country])
        code = _unvotes_code(row[i_code])
        if (code and code not in codes) or (not code and country not in names):
            raise _unknown_country(country, code)
        return (_positive(row[i_rcid], "rcid"), country, code, vote)

    return row_values


def _unvotes_batch_converter(ix: dict[str, int]) -> BatchConvert:
    """The block function of one unvotes ``un_votes`` file: each column's distinct values
    converted once, and the names of the rows without an ISO2 code looked up once each."""
    import pyarrow.compute as pc

    i_rcid, i_country, i_code, i_vote = (
        ix[c] for c in ("rcid", "country", "country_code", "vote"))
    codes, names = known_unvotes_countries()
    memos: list[dict[str, str]] = [{}, {}, {}, {}]

    def known_code(text: str) -> str | None:
        code = _unvotes_code(text)
        if code and code not in codes:
            raise _unknown_country("", code)  # the row function names the country
        return code

    def convert(columns: Sequence[pa.Array]) -> list[pa.Array | str]:
        rcid = text_column(columns[i_rcid], lambda text: _positive(text, "rcid"), memos[0])
        country = text_column(columns[i_country], _unvotes_country, memos[1])
        code = text_column(columns[i_code], known_code, memos[2])
        vote = text_column(columns[i_vote], _unvotes_vote, memos[3])
        no_code = pc.equal(code, COPY_NULL)
        if pc.any(no_code).as_py():
            for name in pc.unique(pc.filter(columns[i_country], no_code)).to_pylist():
                if name.strip() not in names:
                    raise _unknown_country(name.strip(), None)
        return [rcid, country, code, vote]

    return convert


def stream_unvotes_votes(path: Path) -> ParseStream:
    """unvotes ``un_votes``: rcid, country, country_code (ISO2), vote; as a stream."""
    return stream_records(
        path,
        ["rcid", "country", "country_code", "vote"],
        ("rcid", "country", "country_code", "vote"),
        converter=_unvotes_vote_converter, batch_converter=_unvotes_batch_converter,
    )


def parse_unvotes_votes(path: Path) -> ParseResult:
    """unvotes ``un_votes``: rcid, country, country_code (ISO2), vote."""
    return stream_unvotes_votes(path).collect()


def _roll_call_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    vote_date = _vote_date(row[ix["date"]])
    return (
        _positive(row[ix["rcid"]], "rcid"),
        _positive(row[ix["session"]], "session"),
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
    return stream_unvotes_roll_calls(path).collect()


def stream_unvotes_roll_calls(path: Path) -> ParseStream:
    """unvotes ``un_roll_calls``: one row per roll call; as a stream."""
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
    return stream_records(path, columns, required, _roll_call_row)


def _issue_row(ix: dict[str, int], row: list[str]) -> tuple[Any, ...]:
    code = row[ix["short_name"]].strip().lower()
    if code not in ISSUE_CODES:
        raise ValueError(
            f"short_name must be one of {', '.join(sorted(ISSUE_CODES))}; found {code!r}"
        )
    return (_positive(row[ix["rcid"]], "rcid"), code, row[ix["issue"]].strip() or None)


def stream_unvotes_roll_call_issues(path: Path) -> ParseStream:
    """unvotes ``un_roll_call_issues``: rcid, short_name, issue; as a stream."""
    return stream_records(
        path, ["rcid", "short_name", "issue"], ("rcid", "short_name", "issue"), _issue_row
    )


def parse_unvotes_roll_call_issues(path: Path) -> ParseResult:
    """unvotes ``un_roll_call_issues``: rcid, short_name, issue."""
    return stream_unvotes_roll_call_issues(path).collect()
