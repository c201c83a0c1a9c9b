"""The load ledger, and the atomic, idempotent, guarded load of one source file into a raw table.

A load is one transaction: the ledger row, the rejected rows, the removal of the file's previous
rows and the COPY of its new rows commit together or not at all. The rows are parsed and copied
as a stream (``etl.sources.base.ParseStream``), so the loader's memory does not grow with the
file. A file whose sha256 matches the current load of the same catalog entry is skipped
(``--full`` reloads it anyway). Counts reconcile: rows_read = rows_loaded + rows_rejected.

Guards (``Guards``, from the settings), checked once the file has been read, inside the same
transaction, so that a file that breaks one leaves the raw table as it was:

- **rejects**: more rejected rows than ``max_reject_share`` of the rows read (for small files
  too: 5 of 14 is 36%), or more than ``max_rejected_rows`` in all, refuses the file;
- **shrink**: a file with fewer rows loaded than its previous load by more than
  ``max_shrink_share`` (a file cut at a line boundary, a header-only file) is refused, unless its
  name is given to ``--accept-shrink``;
- **duplicates**: two rows with the same key (``unique_key``) refuse the file, naming both lines;
- **verification**: a file whose sha256 differs from the catalog's known release is loaded but
  marked ``unverified`` in the ledger (``verified`` when it matches; null for files the catalog
  does not list).

Each refusal raises ``SourceFileError`` naming the file and line; the failure gets a ledger row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from etl.download import sha256_file
from etl.errors import SourceFileError
from etl.sources.base import KEEP_REJECTS, ParseResult, ParseStream, as_stream

# A file with more rejected rows than this share is taken as corrupt: nothing is loaded from it.
MAX_REJECT_SHARE = 0.01
MAX_REJECTED_ROWS = 1_000
MAX_SHRINK_SHARE = 0.05


@dataclass(frozen=True)
class Guards:
    """What a file may do before it is refused (``Settings.max_reject_share`` and so on)."""

    max_reject_share: float = MAX_REJECT_SHARE
    max_rejected_rows: int = MAX_REJECTED_ROWS
    max_shrink_share: float = MAX_SHRINK_SHARE

    @classmethod
    def from_settings(cls, settings: Any) -> Guards:
        return cls(settings.max_reject_share, settings.max_rejected_rows,
                   settings.max_shrink_share)


@dataclass(frozen=True)
class PreviousLoad:
    """The current (newest successful) load of a catalog file."""

    load_id: int
    sha256: str
    rows_loaded: int
    finished_at: dt.datetime | None


@dataclass
class LoadOutcome:
    """What happened to one file."""

    file_name: str
    path: str
    sha256: str
    status: str  # loaded | unchanged | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    load_id: int | None = None
    seconds: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)
    verification: str | None = None  # verified | unverified | None (not in the catalog)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def current_load(conn: psycopg.Connection, file_name: str) -> PreviousLoad | None:
    """The newest successful load of a catalog file, if any."""
    row = conn.execute(
        """
        select load_id, sha256, rows_loaded, finished_at from raw.load_ledger
        where file_name = %s and status = 'loaded'
        order by load_id desc limit 1
        """,
        (file_name,),
    ).fetchone()
    return PreviousLoad(int(row[0]), str(row[1]), int(row[2] or 0), row[3]) if row else None


def _record_failure(
    conn: psycopg.Connection, *, source: str, file_name: str, path: Path, sha256: str,
    table: str, started: dt.datetime, error: str, verification: str | None = None,
) -> None:
    with conn.transaction():
        conn.execute(
            """
            insert into raw.load_ledger (source, file_name, path, sha256, target_table,
                started_at, finished_at, status, error, verification)
            values (%s, %s, %s, %s, %s, %s, %s, 'failed', %s, %s)
            """,
            (source, file_name, str(path), sha256, table, started, _now(), error, verification),
        )


def copy_rows(
    conn: psycopg.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY rows into ``raw.<table>``; returns the number written."""
    schema, _, name = table.rpartition(".")
    stmt = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(schema or "raw", name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with conn.cursor() as cur, cur.copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_text(
    conn: psycopg.Connection, table: str, columns: Sequence[str], blocks: Iterable[bytes]
) -> None:
    """COPY blocks of rows already in COPY's text format into ``raw.<table>``."""
    schema, _, name = table.rpartition(".")
    stmt = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(schema or "raw", name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cur, cur.copy(stmt) as copy:
        for block in blocks:
            copy.write(block)


def verification_of(digest: str, expected_sha256: str | None) -> str | None:
    """``verified`` when the file is the catalog's known release, ``unverified`` when it differs,
    None when the catalog has no checksum for it."""
    if expected_sha256 is None:
        return None
    return "verified" if digest == expected_sha256 else "unverified"


def load_file(
    conn: psycopg.Connection,
    *,
    source: str,
    file_name: str,
    path: Path,
    table: str,
    parse: Callable[[Path], ParseResult | ParseStream],
    full: bool = False,
    guards: Guards | None = None,
    accept_shrink: bool = False,
    unique_key: Sequence[str] = (),
    expected_sha256: str | None = None,
) -> LoadOutcome:
    """Parse ``path`` and replace the rows of ``file_name`` in ``raw.<table>``, atomically.

    ``parse`` returns a ``ParseStream`` (or a ``ParseResult``) whose rows start with
    ``line_number``; ``load_id`` is prepended here. The rows are copied as they are parsed; the
    guards (module docstring) are checked at the end of the file, before the commit, and a file
    that breaks one is rolled back whole, recorded as failed and raised as ``SourceFileError``.
    """
    guards = guards or Guards()
    started = _now()
    digest = sha256_file(path)
    previous = current_load(conn, file_name)
    # end the implicit read transaction, so that each ``conn.transaction()`` below is a real
    # transaction that commits on its own, not a savepoint inside a longer one
    conn.commit()
    verification = verification_of(digest, expected_sha256)
    if previous and previous.sha256 == digest and not full:
        return LoadOutcome(file_name, str(path), digest, "unchanged", load_id=previous.load_id,
                           verification=verification)
    try:
        with conn.transaction():
            load_id, stream = _copy_file(conn, source=source, file_name=file_name, path=path,
                                         table=table, parse=parse, digest=digest,
                                         started=started, guards=guards,
                                         verification=verification)
            check_rejects(path, stream, guards)
            if not accept_shrink:
                check_shrink(path, file_name, stream, previous, guards)
            check_unique(conn, path, table, load_id, unique_key)
            copy_rows(
                conn, "rejected_rows",
                ["load_id", "file_name", "line_number", "reason", "raw_line"],
                ((load_id, file_name, r.line, r.reason, r.raw) for r in stream.rejects),
            )
            meta = dict(stream.meta or {})
            if expected_sha256 is not None and verification == "unverified":
                meta["catalog_sha256"] = expected_sha256
            conn.execute(
                """
                update raw.load_ledger set status = 'loaded', finished_at = %s, rows_read = %s,
                    rows_loaded = %s, rows_rejected = %s, meta = %s
                where load_id = %s
                """,
                (_now(), stream.rows_read, stream.rows_loaded, stream.rows_rejected,
                 json.dumps(meta, default=str), load_id),
            )
    except SourceFileError as exc:
        _record_failure(conn, source=source, file_name=file_name, path=path, sha256=digest,
                        table=table, started=started, error=str(exc), verification=verification)
        raise
    return LoadOutcome(
        file_name, str(path), digest, "loaded", rows_read=stream.rows_read,
        rows_loaded=stream.rows_loaded, rows_rejected=stream.rows_rejected, load_id=load_id,
        seconds=(_now() - started).total_seconds(), meta=meta, verification=verification,
    )


def _only_file_of(conn: psycopg.Connection, table: str, file_name: str) -> bool:
    """Whether ``file_name`` is the only file the ledger has loaded into ``raw.<table>`` and
    the connection may truncate it (a loader role of one's own may not)."""
    return bool(conn.execute(
        """
        select not exists (
                select from raw.load_ledger where target_table = %s and file_name <> %s)
            and has_table_privilege(format('raw.%%I', %s::text), 'TRUNCATE')
        """,
        (table, file_name, table),
    ).fetchone()[0])  # type: ignore[index]


def _copy_file(
    conn: psycopg.Connection, *, source: str, file_name: str, path: Path, table: str,
    parse: Callable[[Path], ParseResult | ParseStream], digest: str, started: dt.datetime,
    guards: Guards, verification: str | None,
) -> tuple[int, ParseStream]:
    """Inside the caller's transaction: the ledger row, the removal of the file's previous rows
    and the COPY of its rows as they are parsed."""
    load_id = conn.execute(
        """
        insert into raw.load_ledger (source, file_name, path, sha256, target_table,
            started_at, status, verification)
        values (%s, %s, %s, %s, %s, %s, 'loading', %s)
        returning load_id
        """,
        (source, file_name, str(path), digest, table, started, verification),
    ).fetchone()[0]  # type: ignore[index]
    # the file's previous rows and rejects are replaced (its ledger rows stay, as history). A
    # table no other file loads into is emptied with TRUNCATE: in this transaction as DELETE is
    # (a failed load leaves the old rows), but the COPY then fills a new file of the table,
    # which a server at wal_level=minimal (the embedded one) writes without the write-ahead
    # log, and leaves no dead rows behind.
    targets = ["rejected_rows"]
    if _only_file_of(conn, table, file_name):
        conn.execute(sql.SQL("truncate {}").format(sql.Identifier("raw", table)))
    else:
        targets.append(table)
    for target in targets:
        conn.execute(
            sql.SQL(
                "delete from {} where load_id in "
                "(select load_id from raw.load_ledger where file_name = %s and load_id <> %s)"
            ).format(sql.Identifier("raw", target)),
            (file_name, load_id),
        )
    stream = as_stream(parse(path), Path(path))
    # keep every reject of a file the cap lets through, so raw.rejected_rows reconciles
    stream.keep_rejects = max(stream.keep_rejects, KEEP_REJECTS, guards.max_rejected_rows)
    try:
        if stream.has_copy_text:  # the big files: blocks of COPY text, no tuple per row
            copy_text(conn, table, ["load_id", *stream.columns], stream.copy_text(load_id))
        else:
            copy_rows(conn, table, ["load_id", *stream.columns],
                      ((load_id, *row) for row in stream))
    except psycopg.errors.DataError as exc:
        raise SourceFileError(
            path, stream.last_line,
            f"a value does not fit raw.{table} (near this line): {exc.diag.message_primary}",
        ) from exc
    return int(load_id), stream


def check_rejects(path: Path, stream: ParseStream, guards: Guards) -> None:
    """Refuse a file with more rejects than the share of its rows, or than the absolute cap."""
    rejected, read = stream.rows_rejected, stream.rows_read
    if not rejected:
        return
    over_share = rejected > guards.max_reject_share * read
    over_cap = rejected > guards.max_rejected_rows
    if over_share or over_cap:
        first = stream.rejects[0]
        limit = (f"over {guards.max_reject_share:.0%} of its rows" if over_share
                 else f"over the cap of {guards.max_rejected_rows:,} rows")
        raise SourceFileError(
            path, first.line,
            f"{rejected:,} of {read:,} rows rejected ({rejected / read:.0%}, {limit}); "
            f"first: {first.reason}. The file looks corrupt; nothing was loaded from it",
        )


def check_shrink(path: Path, file_name: str, stream: ParseStream, previous: PreviousLoad | None,
                 guards: Guards) -> None:
    """Refuse a file with fewer rows than its previous load by more than the allowed share."""
    if previous is None or previous.rows_loaded <= 0:
        return
    now, before = stream.rows_loaded, previous.rows_loaded
    drop = (before - now) / before
    if drop > guards.max_shrink_share:
        when = f" of {previous.finished_at:%Y-%m-%d}" if previous.finished_at else ""
        raise SourceFileError(
            path, stream.last_line,
            f"the file ends here with {now:,} rows against {before:,} in its previous load "
            f"(load {previous.load_id}{when}): {drop:.0%} fewer, over the "
            f"{guards.max_shrink_share:.0%} a file may shrink by (truncated?). Nothing was "
            f"loaded from it; if it is meant to be smaller, run again with "
            f"--accept-shrink {file_name}",
        )


def check_unique(conn: psycopg.Connection, path: Path, table: str, load_id: int,
                 key: Sequence[str]) -> None:
    """Refuse a file in which two rows share ``key``, naming both lines."""
    if not key:
        return
    cols = sql.SQL(", ").join(map(sql.Identifier, key))
    row = conn.execute(
        sql.SQL(
            "select {cols}, (array_agg(line_number order by line_number))[1:2] from {table} "
            "where load_id = %s group by {cols} having count(*) > 1 "
            "order by min(line_number) limit 1"
        ).format(cols=cols, table=sql.Identifier("raw", table)),
        (load_id,),
    ).fetchone()
    if row is not None:
        values = ", ".join(f"{k}={v!r}" for k, v in zip(key, row[:-1], strict=True))
        first, second = row[-1]
        raise SourceFileError(
            path, int(second),
            f"duplicate row: {values} is already on line {first}; expected one row per "
            f"({', '.join(key)}). Nothing was loaded from the file",
        )
