"""Curated coalition lists: who belonged to which coalition, in what role, on whose word.

The project keeps its own lists under ``etl/data/coalitions/`` (UTF-8 CSV, in git):

* ``coalitions.csv``: one row per coalition
  (``coalition,leader_ccode,start_date,end_date,purpose,source_citation,source_url``), read by
  ``parse_coalitions_meta``;
* one file per coalition, one row per coalition x member x role
  (``coalition,member_name,ccode,org_code,role,joined,left,source_citation,source_url,note``),
  read by ``parse_coalition_file``. ``joined``/``left`` are ``YYYY-MM-DD`` or ``YYYY``.

Users may add a plain list of names instead (``.txt``: one name per line, with header lines
``# coalition: NAME`` and ``# source: CITATION``; optional ``# source_url: URL`` and
``# role: ROLE``, default ``member``).

These are facts researchers publish with, so a file is taken whole or not at all: any row without
a source, a repeated (coalition, member, role), a date that does not parse or a name that is
neither a COW state nor a known organisation raises ``SourceFileError`` naming the file and line.
Parsing is pure: the name resolver is passed in (``etl.countries.CountryResolver``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

from etl.errors import SourceFileError
from etl.sources.base import ParseResult, open_text, read_csv_records

COALITIONS_DIR = Path(__file__).resolve().parent.parent / "data" / "coalitions"
META_FILE = "coalitions.csv"

MEMBER_FILE_COLUMNS = ("coalition", "member_name", "ccode", "org_code", "role", "joined", "left",
                       "source_citation", "source_url", "note")
META_FILE_COLUMNS = ("coalition", "leader_ccode", "start_date", "end_date", "purpose",
                     "source_citation", "source_url")

# Column order of the parsed rows (the raw table's, after load_id).
MEMBER_COLUMNS = ("line_number", "coalition", "member_name", "ccode", "org_code", "role",
                  "joined_date", "joined_precision", "left_date", "left_precision",
                  "source_citation", "source_url", "note")
META_COLUMNS = ("line_number", "coalition", "leader_ccode", "start_date", "end_date", "purpose",
                "source_citation", "source_url")

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
Precision = Literal["day", "year"]


class _Resolution(Protocol):
    kind: str
    ccode: int | None
    org_code: str | None


class NameResolver(Protocol):
    """What the parser needs of ``etl.countries.CountryResolver``."""

    def resolve(self, name: str, *, on_date: date | None = None) -> _Resolution | None: ...


def parse_partial_date(text: str) -> tuple[date | None, Precision | None]:
    """``YYYY-MM-DD`` -> (that day, "day"); ``YYYY`` -> (1 January, "year"); "" -> (None, None)."""
    text = text.strip()
    if not text:
        return None, None
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1), "year"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text), "day"  # raises ValueError for 2003-02-30
    raise ValueError(f"expected YYYY-MM-DD or YYYY, found {text!r}")


def _check_identifier(path: Path, line: int, what: str, value: str) -> None:
    if not _NAME_RE.match(value):
        raise SourceFileError(
            path, line, f"{what} must be lower-case letters, digits and _ (found {value!r})"
        )


def _check_url(path: Path, line: int, url: str) -> None:
    if url and not re.match(r"^https?://\S+$", url):
        raise SourceFileError(path, line, f"source_url must be an http(s) address, found {url!r}")


class _MemberChecker:
    """Validates member rows one by one and remembers what it has seen, for duplicates."""

    def __init__(self, path: Path, resolver: NameResolver) -> None:
        self.path = path
        self.resolver = resolver
        self.seen: dict[tuple[str, str, str], int] = {}

    def row(self, line: int, rec: dict[str, str]) -> tuple[Any, ...]:
        path = self.path
        coalition, name, role = rec["coalition"], rec["member_name"], rec["role"]
        if not coalition:
            raise SourceFileError(path, line, "coalition is empty")
        _check_identifier(path, line, "coalition", coalition)
        if not name:
            raise SourceFileError(path, line, "member_name is empty")
        if not role:
            raise SourceFileError(path, line, f"role is empty for {name!r}")
        _check_identifier(path, line, "role", role)
        if not rec["source_citation"]:
            raise SourceFileError(
                path, line, f"{name!r} ({role}) has no source_citation: every row needs a source"
            )
        _check_url(path, line, rec["source_url"])
        try:
            joined, joined_prec = parse_partial_date(rec["joined"])
            left, left_prec = parse_partial_date(rec["left"])
        except ValueError as exc:
            raise SourceFileError(path, line, f"{name!r}: joined/left: {exc}") from exc
        if joined and left and left < joined:
            raise SourceFileError(path, line, f"{name!r}: left {rec['left']} before joined "
                                              f"{rec['joined']}")

        res = self.resolver.resolve(name, on_date=joined)
        if res is None:
            raise SourceFileError(
                path, line,
                f"unknown country or organisation name {name!r}: add it to "
                "etl/data/country_aliases.csv or etl/data/organisations.csv",
            )
        ccode = res.ccode if res.kind == "state" else None
        org_code = res.org_code if res.kind == "organisation" else None
        if rec["ccode"]:
            try:
                given = int(rec["ccode"])
            except ValueError:
                raise SourceFileError(path, line, f"ccode must be an integer, found "
                                                  f"{rec['ccode']!r}") from None
            if given != ccode:
                raise SourceFileError(
                    path, line, f"{name!r} has ccode {given} but resolves to "
                                f"{ccode if ccode is not None else 'organisation ' + str(org_code)}"
                )
        if rec["org_code"] and rec["org_code"] != org_code:
            raise SourceFileError(
                path, line, f"{name!r} has org_code {rec['org_code']} but resolves to "
                            f"{org_code if org_code else 'ccode ' + str(ccode)}"
            )
        member_key = f"ccode:{ccode}" if ccode is not None else f"org:{org_code}"
        key = (coalition, member_key, role)
        if key in self.seen:
            raise SourceFileError(
                path, line, f"duplicate row: {name!r} is already listed in {coalition} as {role} "
                            f"on line {self.seen[key]}"
            )
        self.seen[key] = line
        return (line, coalition, name, ccode, org_code, role, joined, joined_prec, left, left_prec,
                rec["source_citation"], rec["source_url"] or None, rec["note"] or None)


def _strip(rec: dict[str, str]) -> dict[str, str]:
    return {k: (v or "").strip() for k, v in rec.items()}


def _parse_member_csv(path: Path, resolver: NameResolver) -> ParseResult:
    result = ParseResult(columns=MEMBER_COLUMNS)
    checker = _MemberChecker(path, resolver)
    required = [c for c in MEMBER_FILE_COLUMNS if c not in ("ccode", "org_code", "note")]
    for line, rec, _raw in read_csv_records(path, required):
        rec = {c: "" for c in MEMBER_FILE_COLUMNS} | _strip(rec)
        result.rows.append(checker.row(line, rec))
    if not result.rows:
        raise SourceFileError(path, None, "no member rows")
    result.meta["coalitions"] = sorted({r[1] for r in result.rows})
    return result


def _text_lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with open_text(path) as fh:
            for number, text in enumerate(fh, start=1):
                yield number, text.rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise SourceFileError(path, None, f"not UTF-8 text: {exc}") from exc


def _parse_name_list(path: Path, resolver: NameResolver) -> ParseResult:
    """A plain list: ``# key: value`` header lines, then one member name per line."""
    result = ParseResult(columns=MEMBER_COLUMNS)
    checker = _MemberChecker(path, resolver)
    header: dict[str, str] = {"role": "member"}
    for line, text in _text_lines(path):
        stripped = text.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            m = re.match(r"^#\s*(coalition|source|source_url|role)\s*:\s*(.*)$", stripped, re.I)
            if m:
                if result.rows:
                    raise SourceFileError(
                        path, line, f"header line '# {m.group(1)}:' after the first name"
                    )
                header[m.group(1).lower()] = m.group(2).strip()
            continue
        if not header.get("coalition"):
            raise SourceFileError(path, line, "a name before the '# coalition: NAME' header line")
        if not header.get("source"):
            raise SourceFileError(
                path, line, "a name before the '# source: CITATION' header line: every list "
                            "needs a source"
            )
        rec = {c: "" for c in MEMBER_FILE_COLUMNS} | {
            "coalition": header["coalition"], "member_name": stripped, "role": header["role"],
            "source_citation": header["source"], "source_url": header.get("source_url", ""),
        }
        result.rows.append(checker.row(line, rec))
    if not result.rows:
        raise SourceFileError(path, None, "no member names")
    result.meta["coalitions"] = [header["coalition"]]
    return result


def parse_coalition_file(path: str | Path, resolver: NameResolver) -> ParseResult:
    """Rows of one coalition member file (``.csv``) or plain list of names (``.txt``).

    Raises ``SourceFileError`` (file and line) at the first row that breaks a rule: the whole
    file is refused.
    """
    path = Path(path)
    if path.suffix.lower() == ".txt":
        return _parse_name_list(path, resolver)
    if path.suffix.lower() == ".csv":
        return _parse_member_csv(path, resolver)
    raise SourceFileError(path, None, "expected a .csv member file or a .txt list of names")


def parse_coalitions_meta(path: str | Path) -> ParseResult:
    """``coalitions.csv``: one row per coalition, with its leader, dates, purpose and source."""
    path = Path(path)
    result = ParseResult(columns=META_COLUMNS)
    seen: dict[str, int] = {}
    for line, rec, _raw in read_csv_records(path, META_FILE_COLUMNS):
        rec = _strip(rec)
        name = rec["coalition"]
        if not name:
            raise SourceFileError(path, line, "coalition is empty")
        _check_identifier(path, line, "coalition", name)
        if name in seen:
            raise SourceFileError(path, line, f"coalition {name} already defined on line "
                                              f"{seen[name]}")
        seen[name] = line
        if not rec["source_citation"]:
            raise SourceFileError(path, line, f"coalition {name} has no source_citation")
        _check_url(path, line, rec["source_url"])
        try:
            leader = int(rec["leader_ccode"]) if rec["leader_ccode"] else None
        except ValueError:
            raise SourceFileError(path, line, f"leader_ccode must be an integer, found "
                                              f"{rec['leader_ccode']!r}") from None
        try:
            start, _ = parse_partial_date(rec["start_date"])
            end, _ = parse_partial_date(rec["end_date"])
        except ValueError as exc:
            raise SourceFileError(path, line, f"coalition {name}: {exc}") from exc
        if start is None:
            raise SourceFileError(path, line, f"coalition {name} has no start_date")
        if end is not None and end < start:
            raise SourceFileError(path, line, f"coalition {name} ends before it starts")
        result.rows.append((line, name, leader, start, end, rec["purpose"] or None,
                            rec["source_citation"], rec["source_url"] or None))
    return result


def coalition_files(directory: str | Path = COALITIONS_DIR) -> list[Path]:
    """The member files of a coalitions directory (every ``.csv`` and ``.txt`` but the meta)."""
    directory = Path(directory)
    return sorted(p for p in directory.iterdir()
                  if p.suffix.lower() in (".csv", ".txt") and p.name != META_FILE)
