"""What the warehouse holds: the current load of each file, reconciled counts, last refresh.

Each file shows whether it is the catalog's known release (``verification``) and, when its newest
attempt failed after its current load (a shrink or reject guard refused it, a truncated file),
that failure's message (``refused``): the raw table still holds the current load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import psycopg
from psycopg import sql

from etl.ingest import FILE_SPECS


@dataclass
class FileStatus:
    file_name: str
    path: str | None
    sha256: str | None
    status: str
    rows_read: int | None
    rows_loaded: int | None
    rows_rejected: int | None
    rows_in_raw: int | None
    rejected_in_table: int | None
    finished_at: dt.datetime | None
    verification: str | None = None  # verified | unverified | None (not in the catalog)
    refused: str | None = None  # the error of a failed attempt newer than the current load

    @property
    def reconciles(self) -> bool:
        """rows read = loaded + rejected, and the raw table and rejects table hold exactly those."""
        if self.rows_read is None:
            return False
        return (
            self.rows_read == (self.rows_loaded or 0) + (self.rows_rejected or 0)
            # files that fill several raw tables (treaties, coalitions) are checked by the ledger
            and (self.rows_in_raw is None or self.rows_in_raw == self.rows_loaded)
            and self.rejected_in_table == self.rows_rejected
        )


def file_statuses(conn: psycopg.Connection) -> list[FileStatus]:
    """The current (newest successful) load of every catalog file, or its newest failure."""
    statuses = []
    for spec in FILE_SPECS.values():
        row = conn.execute(
            """
            select load_id, path, sha256, status, rows_read, rows_loaded, rows_rejected,
                finished_at, verification,
                (select f.error from raw.load_ledger as f
                 where f.file_name = l.file_name and f.status = 'failed'
                     and f.load_id > l.load_id and l.status = 'loaded'
                 order by f.load_id desc limit 1)
            from raw.load_ledger as l
            where file_name = %s
            order by (status = 'loaded') desc, load_id desc
            limit 1
            """,
            (spec.file_name,),
        ).fetchone()
        if row is None:
            statuses.append(FileStatus(spec.file_name, None, None, "never loaded", None, None,
                                       None, None, None, None))
            continue
        load_id = row[0]
        in_raw = conn.execute(
            sql.SQL("select count(*) from {} where load_id = %s").format(
                sql.Identifier("raw", spec.table)),
            (load_id,),
        ).fetchone()[0]  # type: ignore[index]
        rejected = conn.execute(
            "select count(*) from raw.rejected_rows where load_id = %s", (load_id,)
        ).fetchone()[0]  # type: ignore[index]
        statuses.append(FileStatus(spec.file_name, row[1], row[2], row[3], row[4], row[5],
                                   row[6], in_raw, rejected, row[7], row[8], row[9]))
    statuses.extend(_loader_file_statuses(conn))
    return statuses


def _loader_file_statuses(conn: psycopg.Connection) -> list[FileStatus]:
    """Files found at run time (coalition lists, treaty texts): the newest load of each."""
    rows = conn.execute(
        """
        select distinct on (file_name)
            file_name, path, sha256, status, rows_read, rows_loaded, rows_rejected, finished_at,
            (select count(*) from raw.rejected_rows as r where r.load_id = l.load_id),
            verification,
            (select f.error from raw.load_ledger as f
             where f.file_name = l.file_name and f.status = 'failed'
                 and f.load_id > l.load_id and l.status = 'loaded'
             order by f.load_id desc limit 1)
        from raw.load_ledger as l
        where not (file_name = any(%s))
        order by file_name, (status = 'loaded') desc, load_id desc
        """,
        (list(FILE_SPECS),),
    ).fetchall()
    return [FileStatus(r[0], r[1], r[2], r[3], r[4], r[5], r[6], None, r[8], r[7], r[9], r[10])
            for r in rows]


def last_refresh(conn: psycopg.Connection) -> tuple | None:
    return conn.execute(
        """
        select run_id, started_at, finished_at, status, is_full, files_loaded, files_unchanged,
            error
        from raw.refresh_runs order by run_id desc limit 1
        """
    ).fetchone()


MART_TABLES_SQL = """
    select table_name, table_type = 'VIEW' from information_schema.tables
    where table_schema = 'marts' order by table_name
"""


def mart_row_counts(conn: psycopg.Connection) -> list[tuple[str, int, bool]]:
    """(mart, rows, estimated) per table and view of schema marts. A table's rows are counted;
    a view's are the planner's estimate (counting a view runs its whole query: the affinity
    views compute their measures over 7.6 million rows each, seconds that `status` need not
    spend)."""
    counts = []
    for name, is_view in conn.execute(MART_TABLES_SQL).fetchall():
        relation = sql.Identifier("marts", name)
        if is_view:
            plan = conn.execute(sql.SQL("explain (format json) select * from {}").format(
                relation)).fetchone()[0]  # type: ignore[index]
            counts.append((name, int(plan[0]["Plan"]["Plan Rows"]), True))
        else:
            n = conn.execute(sql.SQL("select count(*) from {}").format(relation)).fetchone()[0]
            counts.append((name, int(n), False))  # type: ignore[index]
    return counts


def sources_loaded_since_last_completed(conn: psycopg.Connection) -> list[str] | None:
    """The source systems with a file loaded since the last completed refresh ended: what a
    refresh that failed or was killed left unbuilt (write-audit-publish published none of it,
    or all of it). ``None``: no refresh ever completed, so nothing is known."""
    row = conn.execute(
        "select max(finished_at) from raw.refresh_runs where status = 'completed'").fetchone()
    if row is None or row[0] is None:
        return None
    return [r[0] for r in conn.execute(
        """
        select distinct source from raw.load_ledger
        where status = 'loaded' and started_at >= %s order by source
        """,
        (row[0],),
    ).fetchall()]


INTERRUPTED = ("the refresh stopped before it finished (its process or the server was killed); "
               "nothing of it was published")


def start_refresh(conn: psycopg.Connection, *, full: bool) -> int:
    """Record a new refresh as running. Called under the refresh lock, so a refresh still
    marked running is one whose process died (killed, crashed, server stopped): it is marked
    interrupted, and never blocks or misleads the next one."""
    with conn.transaction():
        conn.execute(
            """
            update raw.refresh_runs set status = 'interrupted', finished_at = now(), error = %s
            where status = 'running'
            """,
            (INTERRUPTED,),
        )
        return int(conn.execute(
            """
            insert into raw.refresh_runs (started_at, status, is_full)
            values (now(), 'running', %s) returning run_id
            """,
            (full,),
        ).fetchone()[0])  # type: ignore[index]


def finish_refresh(conn: psycopg.Connection, run_id: int, *, status: str, files_loaded: int = 0,
                   files_unchanged: int = 0, error: str | None = None) -> None:
    with conn.transaction():
        conn.execute(
            """
            update raw.refresh_runs set finished_at = now(), status = %s, files_loaded = %s,
                files_unchanged = %s, error = %s
            where run_id = %s
            """,
            (status, files_loaded, files_unchanged, error, run_id),
        )
