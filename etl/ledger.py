"""The load ledger and the atomic, idempotent loading of one source file into one raw table.

A load is one transaction: the ledger row, the rejected rows, the removal of the file's previous
rows and the COPY of its new rows commit together or not at all. A file whose sha256 matches the
current load of the same catalog entry is skipped (``--full`` reloads it anyway).
Counts reconcile: rows_read = rows_loaded + rows_rejected.
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
from etl.sources.base import ParseResult

# A file with more rejected rows than this share is taken as corrupt: nothing is loaded from it.
MAX_REJECT_SHARE = 0.01


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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def current_load(conn: psycopg.Connection, file_name: str) -> tuple[int, str] | None:
    """(load_id, sha256) of the newest successful load of a catalog file, if any."""
    row = conn.execute(
        """
        select load_id, sha256 from raw.load_ledger
        where file_name = %s and status = 'loaded'
        order by load_id desc limit 1
        """,
        (file_name,),
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _record_failure(
    conn: psycopg.Connection, *, source: str, file_name: str, path: Path, sha256: str,
    table: str, started: dt.datetime, error: str,
) -> None:
    with conn.transaction():
        conn.execute(
            """
            insert into raw.load_ledger (source, file_name, path, sha256, target_table,
                started_at, finished_at, status, error)
            values (%s, %s, %s, %s, %s, %s, %s, 'failed', %s)
            """,
            (source, file_name, str(path), sha256, table, started, _now(), error),
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


def load_file(
    conn: psycopg.Connection,
    *,
    source: str,
    file_name: str,
    path: Path,
    table: str,
    parse: Callable[[Path], ParseResult],
    full: bool = False,
    max_reject_share: float = MAX_REJECT_SHARE,
) -> LoadOutcome:
    """Parse ``path`` and replace the rows of ``file_name`` in ``raw.<table>``, atomically.

    ``parse`` returns rows whose first two columns are filled in here (load_id, line_number
    come from the parser as ``line_number`` first; load_id is prepended).
    """
    started = _now()
    digest = sha256_file(path)
    previous = current_load(conn, file_name)
    # end the implicit read transaction, so that each ``conn.transaction()`` below is a real
    # transaction that commits on its own, not a savepoint inside a longer one
    conn.commit()
    if previous and previous[1] == digest and not full:
        return LoadOutcome(file_name, str(path), digest, "unchanged", load_id=previous[0])
    try:
        result = parse(path)
        _check_reject_share(path, result, max_reject_share)
    except SourceFileError as exc:
        _record_failure(conn, source=source, file_name=file_name, path=path, sha256=digest,
                        table=table, started=started, error=str(exc))
        raise
    with conn.transaction():
        load_id = conn.execute(
            """
            insert into raw.load_ledger (source, file_name, path, sha256, target_table,
                rows_read, rows_loaded, rows_rejected, started_at, status, meta)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'loading', %s)
            returning load_id
            """,
            (source, file_name, str(path), digest, table, result.rows_read, len(result.rows),
             len(result.rejects), started, json.dumps(result.meta or {})),
        ).fetchone()[0]  # type: ignore[index]
        # the file's previous rows and rejects are replaced (its ledger rows stay, as history)
        for target in (table, "rejected_rows"):
            conn.execute(
                sql.SQL(
                    "delete from {} where load_id in "
                    "(select load_id from raw.load_ledger where file_name = %s and load_id <> %s)"
                ).format(sql.Identifier("raw", target)),
                (file_name, load_id),
            )
        loaded = copy_rows(
            conn, table, ["load_id", *result.columns],
            ((load_id, *row) for row in result.rows),
        )
        copy_rows(
            conn, "rejected_rows", ["load_id", "file_name", "line_number", "reason", "raw_line"],
            ((load_id, file_name, r.line, r.reason, r.raw) for r in result.rejects),
        )
        conn.execute(
            "update raw.load_ledger set status = 'loaded', finished_at = %s where load_id = %s",
            (_now(), load_id),
        )
    return LoadOutcome(
        file_name, str(path), digest, "loaded", rows_read=result.rows_read, rows_loaded=loaded,
        rows_rejected=len(result.rejects), load_id=load_id,
        seconds=(_now() - started).total_seconds(), meta=result.meta,
    )


def _check_reject_share(path: Path, result: ParseResult, limit: float) -> None:
    if result.rejects and len(result.rejects) > max(10, limit * result.rows_read):
        first = result.rejects[0]
        raise SourceFileError(
            path, first.line,
            f"{len(result.rejects)} of {result.rows_read} rows rejected (over {limit:.0%}); "
            f"first: {first.reason}. The file looks corrupt; nothing was loaded from it",
        )
