"""Ingest of the sources whose files are found at run time: coalition lists and treaty texts.

The catalog names every UNGA, ATOP and COW file one by one, and ``etl.ingest.FILE_SPECS`` maps
each to one raw table. Coalition lists and treaty texts do not fit that shape: the project keeps
its own files in git, users drop more beside them, and one treaty text fills three raw tables. So
each of the two sources has one loader here (``ingest_coalitions``, ``ingest_treaties``), called
by ``etl.ingest.ingest_source``, which keeps the ledger's rules:

* **one ledger row per file load**, named by a stable ``file_name``:

  ====================================================  ==========================================
  file_name                                             file
  ====================================================  ==========================================
  ``coalitions/curated/<name>``                         ``etl/data/coalitions/<name>`` (in git)
  ``coalitions/sources/<name>``                         ``<source dir>/coalitions/<name>``
  ``treaties/<file>``                                   a treaty text listed in ``MANIFEST.csv``
                                                        (its manifest row goes with it)
  ``treaty_atop_links``                                 ``etl/data/treaty_atop_links.csv``
  ====================================================  ==========================================

* **atomic**: a file's ledger row, the removal of its previous rows and the COPY of its new rows
  (in every table it fills) commit together or not at all;
* **idempotent**: a file is skipped when its sha256 *and* its fingerprint (the code and curated
  tables its rows are derived from: the parser module, the country alias and organisation tables,
  the manifest row of a treaty) are those of its current load; ``full`` reloads anyway;
* **reconciled**: ``rows_read = rows_loaded + rows_rejected`` (these files have no rejects: a bad
  row refuses the whole file);
* **whole or nothing**: every file of the source is parsed and checked before any is loaded. A
  coalition file with an unknown name, a repeated (coalition, member, role) — within the file or
  across files —, a row without a source, a date that does not parse or a coalition missing from
  ``coalitions.csv`` raises ``SourceFileError`` naming the file and line; the failure is written to
  the ledger and nothing of the source is loaded, so the refresh stops;
* a file that has gone (a user removed a list, or a treaty from the manifest) has its rows deleted
  and a ledger row with status ``removed``;
* **no silent shrink** of a coalition list: a list with fewer rows than its previous load by more
  than ``Settings.max_shrink_share`` (a header-only file: 100%) is refused, naming the file,
  unless ``--accept-shrink`` names it (``coalitions/sources/<name>``, the file name or its path).

The user's directory is the ``coalitions/`` folder of the source directory the catalog files were
found in (the folder laid out like ``../shared/data``). The treaty texts are the ones
``MANIFEST.csv`` lists beside it, so a user adds a treaty by adding its text and a manifest row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from etl import countries
from etl.config import Settings, get_settings
from etl.db import connect
from etl.download import sha256_file
from etl.errors import SourceFileError
from etl.ledger import Guards, LoadOutcome, copy_rows
from etl.sources import catalog, coalitions, treaties
from etl.sources.base import ParseResult, read_csv_records

COALITIONS_SOURCE = "coalitions"
TREATIES_SOURCE = "treaties"

COALITIONS_TABLE = "coalitions"
COALITION_MEMBERS_TABLE = "coalition_members"
TREATY_TABLES = ("treaties", "treaty_articles", "treaty_provisions")
TREATY_LINKS_TABLE = "treaty_atop_links"

TREATY_ATOP_LINKS_CSV = Path(__file__).resolve().parent.parent / "data" / "treaty_atop_links.csv"
TREATY_LINKS_FILE_NAME = "treaty_atop_links"

# Column order of the rows for each raw table (after load_id).
TREATY_COLUMNS = ("line_number", "treaty_id", "text_file", "title", "signed_date", "parties",
                  "source_url", "completeness", "notes", "treaty_text", "text_sha256")
ARTICLE_COLUMNS = ("line_number", "treaty_id", "ordinal", "article_number", "label", "kind",
                   "heading", "body", "start_offset", "end_offset", "body_start_offset",
                   "body_end_offset")
PROVISION_COLUMNS = ("line_number", "treaty_id", "provision_ordinal", "article_number",
                     "provision_type", "rule", "span_start", "span_end", "snippet", "binding",
                     "obligated_party", "beneficiary")
LINK_FILE_COLUMNS = ("treaty_id", "atopid", "note", "source")
LINK_COLUMNS = ("line_number", "treaty_id", "atopid", "note", "source")

_TREATY_ID_RE = re.compile(r"^[a-z0-9_]+$")


# --------------------------------------------------------------------------------------------
# Pure: rows of the raw tables
# --------------------------------------------------------------------------------------------


def line_of(text: str, offset: int) -> int:
    """The 1-based line of ``text`` on which the character at ``offset`` sits."""
    return text.count("\n", 0, offset) + 1


def treaty_rows(parsed: treaties.ParsedTreaty, text_sha256: str) -> dict[str, ParseResult]:
    """The rows of one treaty for ``raw.treaties``, ``raw.treaty_articles`` and
    ``raw.treaty_provisions``.

    ``line_number`` is the manifest line for the treaty row and the line of the text where the
    part (or the provision's span) starts for the others; offsets are character offsets in the
    full text, so ``treaty_text[span_start:span_end] == snippet``.
    """
    meta, text = parsed.meta, parsed.text
    if "\x00" in text:
        raise SourceFileError(meta.path, line_of(text, text.index("\x00")),
                              "the text holds a NUL character; expected plain UTF-8 text")
    treaty = ParseResult(columns=TREATY_COLUMNS, rows=[(
        meta.manifest_line, meta.treaty_id, meta.file, meta.title, meta.signed_date,
        "; ".join(meta.parties), meta.source_url or None, meta.completeness or None,
        meta.notes or None, text, text_sha256,
    )])
    articles = ParseResult(columns=ARTICLE_COLUMNS, rows=[
        (line_of(text, a.start), meta.treaty_id, a.ordinal, a.number, a.label, a.kind, a.heading,
         a.body, a.start, a.end, a.body_start, a.body_end)
        for a in parsed.articles
    ])
    provisions = ParseResult(columns=PROVISION_COLUMNS, rows=[
        (line_of(text, p.start), meta.treaty_id, ordinal, p.article_number, p.provision_type,
         p.rule, p.start, p.end, p.snippet, p.binding, p.obligated_party, p.beneficiary)
        for ordinal, p in enumerate(parsed.provisions, start=1)
    ])
    return {"treaties": treaty, "treaty_articles": articles, "treaty_provisions": provisions}


def parse_treaty_atop_links(path: str | Path) -> ParseResult:
    """``treaty_atop_links.csv``: one row per treaty text linked to its ATOP alliance.

    Columns ``treaty_id,atopid,note,source``. Raises ``SourceFileError`` (file and line) for an
    empty or malformed treaty_id, an atopid that is not a positive integer, a row without a
    source, or a treaty_id listed twice: the file is curated, so it is taken whole or not at all.
    """
    path = Path(path)
    result = ParseResult(columns=LINK_COLUMNS)
    seen: dict[str, int] = {}
    for line, rec, _raw in read_csv_records(path, ("treaty_id", "atopid", "source")):
        treaty_id = rec["treaty_id"].strip()
        if not _TREATY_ID_RE.match(treaty_id):
            raise SourceFileError(path, line, "treaty_id must be lower-case letters, digits and _ "
                                              f"(the text's file stem), found {treaty_id!r}")
        if treaty_id in seen:
            raise SourceFileError(path, line, f"treaty_id {treaty_id} already linked on line "
                                              f"{seen[treaty_id]}")
        seen[treaty_id] = line
        raw_atopid = rec["atopid"].strip()
        if not raw_atopid.isdigit() or int(raw_atopid) <= 0:
            raise SourceFileError(path, line, f"atopid must be a positive integer, found "
                                              f"{raw_atopid!r}")
        source = rec["source"].strip()
        if not source:
            raise SourceFileError(path, line, f"the link of {treaty_id} has no source")
        note = (rec.get("note") or "").strip() or None
        result.rows.append((line, treaty_id, int(raw_atopid), note, source))
    return result


# --------------------------------------------------------------------------------------------
# The ledger, for loads that fill several tables
# --------------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fingerprint(*parts: bytes | str) -> str:
    """A sha256 over the given parts (code, curated tables, manifest rows)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Previous:
    load_id: int
    sha256: str
    status: str
    fingerprint: str | None
    rows_loaded: int = 0


def _previous(conn: psycopg.Connection, file_name: str) -> _Previous | None:
    """The newest load or removal of ``file_name`` (failures leave the rows as they were)."""
    row = conn.execute(
        """
        select load_id, sha256, status, meta ->> 'fingerprint', rows_loaded from raw.load_ledger
        where file_name = %s and status in ('loaded', 'removed')
        order by load_id desc limit 1
        """,
        (file_name,),
    ).fetchone()
    return _Previous(int(row[0]), str(row[1]), str(row[2]), row[3], int(row[4] or 0)) if row \
        else None


def shrink_error(path: Path, file_name: str, rows: int, previous: _Previous | None,
                 max_share: float) -> SourceFileError | None:
    """The refusal of a file with fewer rows than its previous load by more than ``max_share``."""
    if previous is None or previous.status != "loaded" or previous.rows_loaded <= 0:
        return None
    drop = (previous.rows_loaded - rows) / previous.rows_loaded
    if drop <= max_share:
        return None
    return SourceFileError(
        path, None,
        f"{rows:,} rows against {previous.rows_loaded:,} in its previous load (load "
        f"{previous.load_id}): {drop:.0%} fewer, over the {max_share:.0%} a file may shrink by. "
        f"Nothing was loaded from it; if it is meant to be smaller, run again with "
        f"--accept-shrink {file_name}",
    )


def record_failure(
    conn: psycopg.Connection, *, source: str, file_name: str, path: Path, tables: Sequence[str],
    error: SourceFileError, started: dt.datetime | None = None,
) -> None:
    """A ledger row with status ``failed`` and the error's message (file and line)."""
    conn.rollback()
    digest = sha256_file(path) if path.is_file() else ""
    with conn.transaction():
        conn.execute(
            """
            insert into raw.load_ledger (source, file_name, path, sha256, target_table,
                started_at, finished_at, status, error)
            values (%s, %s, %s, %s, %s, %s, %s, 'failed', %s)
            """,
            (source, file_name, str(path), digest, ", ".join(tables), started or _now(), _now(),
             str(error)),
        )


def _delete_previous(conn: psycopg.Connection, table: str, file_name: str,
                     keep_load_id: int | None) -> None:
    conn.execute(
        sql.SQL(
            "delete from {} where load_id in (select load_id from raw.load_ledger "
            "where file_name = %s and load_id is distinct from %s)"
        ).format(sql.Identifier("raw", table)),
        (file_name, keep_load_id),
    )


def load_tables(
    conn: psycopg.Connection,
    *,
    source: str,
    file_name: str,
    path: Path,
    parse: Callable[[], Mapping[str, ParseResult]],
    tables: Sequence[str],
    fingerprint: str | None = None,
    full: bool = False,
    max_shrink_share: float | None = None,
) -> LoadOutcome:
    """Replace the rows of ``file_name`` in every table of ``tables``, in one transaction.

    ``parse`` returns a ``ParseResult`` per raw table (rows led by ``line_number``; ``load_id`` is
    prepended here). Skipped when the file's sha256 and ``fingerprint`` match its current load
    (unless ``full``); a ``SourceFileError`` from ``parse`` is written to the ledger and re-raised.
    With ``max_shrink_share``, a file with that much fewer rows than its previous load is refused
    the same way.
    """
    started = _now()
    digest = sha256_file(path)
    previous = _previous(conn, file_name)
    conn.commit()  # end the read, so that the load below is a transaction of its own
    if (previous and previous.status == "loaded" and previous.sha256 == digest
            and previous.fingerprint == fingerprint and not full):
        return LoadOutcome(file_name, str(path), digest, "unchanged", load_id=previous.load_id)
    try:
        results = dict(parse())
        if max_shrink_share is not None:
            error = shrink_error(path, file_name, sum(len(r.rows) for r in results.values()),
                                 previous, max_shrink_share)
            if error is not None:
                raise error
    except SourceFileError as exc:
        record_failure(conn, source=source, file_name=file_name, path=path, tables=tables,
                       error=exc, started=started)
        raise
    unknown = sorted(set(results) - set(tables))
    if unknown:  # pragma: no cover - a programming error, not a user's
        raise ValueError(f"{file_name}: rows for tables {unknown} not in {list(tables)}")
    rows_read = sum(r.rows_read for r in results.values())
    rows_loaded = sum(len(r.rows) for r in results.values())
    rejects = [rej for r in results.values() for rej in r.rejects]
    meta: dict[str, Any] = {"fingerprint": fingerprint,
                            "rows_by_table": {t: len(r.rows) for t, r in results.items()}}
    for r in results.values():
        meta.update(r.meta)
    with conn.transaction():
        load_id = conn.execute(
            """
            insert into raw.load_ledger (source, file_name, path, sha256, target_table,
                rows_read, rows_loaded, rows_rejected, started_at, status, meta)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'loading', %s)
            returning load_id
            """,
            (source, file_name, str(path), digest, ", ".join(tables), rows_read, rows_loaded,
             len(rejects), started, json.dumps(meta, default=str)),
        ).fetchone()[0]  # type: ignore[index]
        loaded = 0
        for table in tables:
            _delete_previous(conn, table, file_name, load_id)
            result = results.get(table)
            if result is not None:
                loaded += copy_rows(conn, table, ["load_id", *result.columns],
                                    ((load_id, *row) for row in result.rows))
        copy_rows(
            conn, "rejected_rows", ["load_id", "file_name", "line_number", "reason", "raw_line"],
            ((load_id, file_name, r.line, r.reason, r.raw) for r in rejects),
        )
        conn.execute(
            "update raw.load_ledger set status = 'loaded', finished_at = %s where load_id = %s",
            (_now(), load_id),
        )
    return LoadOutcome(
        file_name, str(path), digest, "loaded", rows_read=rows_read, rows_loaded=loaded,
        rows_rejected=len(rejects), load_id=load_id,
        seconds=(_now() - started).total_seconds(), meta=meta,
    )


def retire_missing(
    conn: psycopg.Connection, *, source: str, present: Iterable[str], tables: Sequence[str],
    prefix: str = "",
) -> list[LoadOutcome]:
    """Delete the rows of files of ``source`` (names starting with ``prefix``) that are no longer
    ``present``, each with a ledger row of status ``removed``."""
    keep = set(present)
    current = conn.execute(
        """
        select distinct on (file_name) file_name, status, path, sha256 from raw.load_ledger
        where source = %s and file_name like %s and status in ('loaded', 'removed')
        order by file_name, load_id desc
        """,
        (source, prefix.replace("%", r"\%").replace("_", r"\_") + "%"),
    ).fetchall()
    conn.commit()
    outcomes = []
    for file_name, status, path, digest in current:
        if status != "loaded" or file_name in keep:
            continue
        with conn.transaction():
            for table in tables:
                _delete_previous(conn, table, file_name, None)
            now = _now()
            load_id = conn.execute(
                """
                insert into raw.load_ledger (source, file_name, path, sha256, target_table,
                    rows_read, rows_loaded, rows_rejected, started_at, finished_at, status,
                    error)
                values (%s, %s, %s, %s, %s, 0, 0, 0, %s, %s, 'removed', %s)
                returning load_id
                """,
                (source, file_name, path, digest, ", ".join(tables), now, now,
                 "the file is no longer among the source's files; its rows were deleted"),
            ).fetchone()[0]  # type: ignore[index]
        outcomes.append(LoadOutcome(file_name, path, digest, "removed", load_id=load_id))
    return outcomes


# --------------------------------------------------------------------------------------------
# Where the files are
# --------------------------------------------------------------------------------------------


def source_roots(paths: Mapping[str, Path]) -> list[Path]:
    """The directories laid out like ``../shared/data`` that the resolved catalog files sit in
    (the source directory first, as the catalog lists its files; then the download cache)."""
    roots: list[Path] = []
    for entry in catalog.entries():
        path = paths.get(entry.name)
        if path is None:
            continue
        parts = Path(entry.relpath).parts
        if Path(path).parts[-len(parts):] == parts:
            root = Path(*Path(path).parts[:-len(parts)])
            if root not in roots:
                roots.append(root)
    return roots


def user_coalitions_dir(paths: Mapping[str, Path]) -> Path | None:
    """``<source dir>/coalitions`` of the first source root that has one, if any."""
    for root in source_roots(paths):
        candidate = root / "coalitions"
        if candidate.is_dir():
            return candidate
    return None


# --------------------------------------------------------------------------------------------
# Coalitions
# --------------------------------------------------------------------------------------------


@dataclass
class CoalitionFile:
    """One coalition file of the source: its ledger name, path, raw table, and once checked,
    its rows or the first problem found in it."""

    file_name: str
    path: Path
    table: str
    result: ParseResult | None = None
    error: SourceFileError | None = None


def _coalition_fingerprint(states_csv: Path) -> str:
    data = countries.DATA_DIR
    return fingerprint(
        Path(coalitions.__file__).read_bytes(), Path(countries.__file__).read_bytes(),
        *(p.read_bytes() for p in (data / "country_aliases.csv", data / "organisations.csv",
                                   data / "country_overrides.csv")),
        sha256_file(states_csv),
    )


def _changed_meanwhile(f: CoalitionFile) -> dict[str, ParseResult]:
    raise SourceFileError(f.path, 1, "the file changed while the refresh was reading it; run "
                          "the refresh again")


def _coalitions_unchanged(conn: psycopg.Connection, files: Sequence[CoalitionFile],
                          meta_print: str, member_print: str) -> bool:
    """True when every file's current load has its sha256 and fingerprint (see load_tables)."""
    for f in files:
        previous = _previous(conn, f.file_name)
        expected = meta_print if f.table == COALITIONS_TABLE else member_print
        if not (previous and previous.status == "loaded" and previous.fingerprint == expected
                and previous.sha256 == sha256_file(f.path)):
            conn.commit()
            return False
    conn.commit()
    return True


def coalition_source_files(curated_dir: Path, user_dir: Path | None) -> list[CoalitionFile]:
    """Meta files first (curated, then the user's), then member files (curated, then the user's)."""
    dirs = [("curated", curated_dir), *([("sources", user_dir)] if user_dir else [])]
    metas = [
        CoalitionFile(f"coalitions/{origin}/{coalitions.META_FILE}", d / coalitions.META_FILE,
                       COALITIONS_TABLE)
        for origin, d in dirs if (d / coalitions.META_FILE).is_file()
    ]
    members = [
        CoalitionFile(f"coalitions/{origin}/{p.name}", p, COALITION_MEMBERS_TABLE)
        for origin, d in dirs for p in coalitions.coalition_files(d)
    ]
    return metas + members


def check_coalition_files(
    files: Sequence[CoalitionFile], resolver: coalitions.NameResolver
) -> None:
    """Parse every file and check what no single file can: a coalition defined twice, a member
    file whose coalition has no metadata, a (coalition, member, role) listed in two files.
    The first problem of each file is kept in its ``error``."""
    defined: dict[str, tuple[Path, int]] = {}
    listed: dict[tuple[str, str, str], tuple[Path, int]] = {}
    for f in files:
        try:
            if f.table == COALITIONS_TABLE:
                f.result = coalitions.parse_coalitions_meta(f.path)
                for row in f.result.rows:
                    line, name = row[0], row[1]
                    if name in defined:
                        where = defined[name]
                        raise SourceFileError(f.path, line, f"coalition {name} is already defined "
                                                            f"in {where[0]}, line {where[1]}")
                    defined[name] = (f.path, line)
            else:
                f.result = coalitions.parse_coalition_file(f.path, resolver)
                for row in f.result.rows:
                    line, name, member, ccode, org_code, role = row[:6]
                    if name not in defined:
                        raise SourceFileError(
                            f.path, line,
                            f"coalition {name} has no row in coalitions.csv (add one with its "
                            "leader, start date, purpose and source, in etl/data/coalitions/ or "
                            "beside this file)",
                        )
                    key = (name, f"ccode:{ccode}" if ccode is not None else f"org:{org_code}",
                           role)
                    if key in listed:
                        where = listed[key]
                        raise SourceFileError(
                            f.path, line, f"duplicate row: {member!r} is already listed in {name} "
                                          f"as {role} in {where[0]}, line {where[1]}")
                    listed[key] = (f.path, line)
        except SourceFileError as exc:
            f.result, f.error = None, exc


def shrink_accepted(f: CoalitionFile, accept_shrink: Iterable[str]) -> bool:
    """Whether ``--accept-shrink`` names this coalition file (ledger name, file name or path)."""
    names = {f.file_name, f.path.name, str(f.path)}
    return any(name in names or Path(name).resolve() == f.path.resolve()
               for name in accept_shrink)


def ingest_coalitions(
    paths: Mapping[str, Path], *, full: bool = False, settings: Settings | None = None,
    curated_dir: Path = coalitions.COALITIONS_DIR, user_dir: Path | None = None,
    accept_shrink: Iterable[str] = (),
) -> list[LoadOutcome]:
    """Load the curated coalition lists and the user's, each file whole or not at all.

    ``user_dir`` defaults to the ``coalitions/`` folder of the source directory (see
    ``user_coalitions_dir``). Raises ``SourceFileError`` (file and line) for the first file that
    breaks a rule, after writing the failure to the ledger; nothing is loaded then. A list that
    shrinks (module docstring) is refused unless ``accept_shrink`` names it.
    """
    settings = settings or get_settings()
    if user_dir is None:
        user_dir = user_coalitions_dir(paths)
    states_csv = Path(paths["cow_states"])
    files = coalition_source_files(Path(curated_dir), user_dir)
    member_print = _coalition_fingerprint(states_csv)
    meta_print = fingerprint(Path(coalitions.__file__).read_bytes())
    # every file as it was loaded, with the same code and states, was checked then: the
    # country resolver (seconds, for country_converter) is not built again on a no-op refresh
    with connect(settings) as conn:
        checked_before = not full and _coalitions_unchanged(conn, files, meta_print,
                                                            member_print)
    if not checked_before:
        resolver = countries.CountryResolver.from_files(states_csv)
        check_coalition_files(files, resolver)
    guards = Guards.from_settings(settings)
    accept_shrink = list(accept_shrink)
    outcomes: list[LoadOutcome] = []
    with connect(settings) as conn:
        failed = next((f for f in files if f.error is not None), None)
        if failed is not None:
            assert failed.error is not None
            record_failure(conn, source=COALITIONS_SOURCE, file_name=failed.file_name,
                           path=failed.path, tables=[failed.table], error=failed.error)
            raise failed.error
        for f in files:
            result = f.result
            assert result is not None or checked_before
            outcomes.append(load_tables(
                conn, source=COALITIONS_SOURCE, file_name=f.file_name, path=f.path,
                parse=(lambda table=f.table, result=result: {table: result}) if result
                else lambda f=f: _changed_meanwhile(f),
                tables=[f.table],
                fingerprint=meta_print if f.table == COALITIONS_TABLE else member_print,
                full=full,
                max_shrink_share=(None if shrink_accepted(f, accept_shrink)
                                  else guards.max_shrink_share),
            ))
        outcomes += retire_missing(conn, source=COALITIONS_SOURCE,
                                   present=[f.file_name for f in files],
                                   tables=[COALITIONS_TABLE, COALITION_MEMBERS_TABLE],
                                   prefix="coalitions/")
    return outcomes


# --------------------------------------------------------------------------------------------
# Treaties
# --------------------------------------------------------------------------------------------


def _treaty_fingerprint(meta: treaties.TreatyMeta) -> str:
    row = json.dumps({
        "treaty_id": meta.treaty_id, "title": meta.title, "signed_date": str(meta.signed_date),
        "parties": list(meta.parties), "source_url": meta.source_url,
        "completeness": meta.completeness, "notes": meta.notes, "line": meta.manifest_line,
    }, sort_keys=True)
    return fingerprint(Path(treaties.__file__).read_bytes(), Path(__file__).read_bytes(), row)


def parse_treaty_files(manifest: Path) -> list[tuple[treaties.TreatyMeta, dict[str, ParseResult]]]:
    """Every treaty the manifest lists, split and with its provisions, as raw-table rows."""
    out = []
    for meta in treaties.parse_manifest(manifest):
        parsed = treaties.parse_treaty(meta)
        out.append((meta, treaty_rows(parsed, sha256_file(meta.path))))
    return out


def ingest_treaties(
    paths: Mapping[str, Path], *, full: bool = False, settings: Settings | None = None,
    links_csv: Path = TREATY_ATOP_LINKS_CSV, accept_shrink: Iterable[str] = (),
) -> list[LoadOutcome]:
    """Load the treaty texts of ``MANIFEST.csv`` (one ledger load per text, filling three
    tables) and the curated treaty -> atopid links.

    Every text is read and parsed before any is loaded; a bad manifest row or text raises
    ``SourceFileError`` after the failure is written to the ledger. (No shrink guard: a text's
    rows are its articles and provisions, which change with the parser's rules; an empty text is
    refused by the parser. ``accept_shrink`` is taken for the common signature.)
    """
    settings = settings or get_settings()
    manifest = Path(paths["treaty_manifest"])
    links_csv = Path(links_csv)
    with connect(settings) as conn:
        try:
            links = parse_treaty_atop_links(links_csv)
        except SourceFileError as exc:
            record_failure(conn, source=TREATIES_SOURCE, file_name=TREATY_LINKS_FILE_NAME,
                           path=links_csv, tables=[TREATY_LINKS_TABLE], error=exc)
            raise
        try:
            parsed = parse_treaty_files(manifest)
        except SourceFileError as exc:
            failed_path = Path(exc.path)
            record_failure(conn, source=TREATIES_SOURCE,
                           file_name=("treaty_manifest" if failed_path == manifest
                                      else f"treaties/{failed_path.name}"),
                           path=failed_path, tables=TREATY_TABLES, error=exc)
            raise
        outcomes = [load_tables(
            conn, source=TREATIES_SOURCE, file_name=TREATY_LINKS_FILE_NAME, path=links_csv,
            parse=lambda: {TREATY_LINKS_TABLE: links}, tables=[TREATY_LINKS_TABLE],
            fingerprint=fingerprint(Path(__file__).read_bytes()), full=full,
        )]
        for meta, rows in parsed:
            outcomes.append(load_tables(
                conn, source=TREATIES_SOURCE, file_name=f"treaties/{meta.file}", path=meta.path,
                parse=lambda rows=rows: rows, tables=TREATY_TABLES,
                fingerprint=_treaty_fingerprint(meta), full=full,
            ))
        outcomes += retire_missing(conn, source=TREATIES_SOURCE,
                                   present=[f"treaties/{meta.file}" for meta, _ in parsed],
                                   tables=TREATY_TABLES, prefix="treaties/")
    return outcomes
