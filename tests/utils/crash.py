"""A harness that kills refreshes (SIGKILL) and the embedded server, for crash-safety checks.

Used by ``tests/integration/test_crash_safety.py`` (a few kills) and ``benchmarks/crash_soak.py``
(ten). Everything runs on an embedded PostgreSQL of its own (under a temporary warehouse
directory), so that killing it touches no other test's server.

The refresh runs in a child process (``python -m tests.utils.crash SOURCES``): the CLI's refresh
(``flows.pipeline.run_refresh``: lock, migrate, ledger row, ingest every source, dbt's
write-audit-publish build, ideal points, ledger row closed), without Prefect. It prints a line
when it enters each phase and one per dbt node done, so the harness can kill it at a random point
*of ingest* or *of dbt*.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from etl.config import PROJECT_ROOT

Checksums = dict[str, tuple[int, str]]
# dbt's progress lines of nodes: "12 of 313 START sql table model ..." (not of its hooks)
_DBT_PROGRESS = re.compile(r"\b(\d+) of (\d+) (?:START|OK|PASS|ERROR|FAIL) (?!hook)")


# Columns that record which estimation run made a row, and when: a recovered refresh that
# re-estimates has its own run, so they differ from a clean build by design (as build_info does).
PROVENANCE_COLUMNS = frozenset({"run_id", "estimated_at"})


def _published_tables(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """The tables behind what analysts read: every table of ``marts``, and the tables (of any
    schema) that the views of ``marts`` read, followed through views on views. A view's rows are
    a function of those tables, so checksumming the tables covers the view, once, without
    running its query (fct_dyad_year reads its 956,145-row table twice)."""
    rows = conn.execute("""
        with recursive reads(schema, name, kind) as (
            select table_schema::text, table_name::text, table_type::text
            from information_schema.tables where table_schema = 'marts'
            union
            select u.table_schema::text, u.table_name::text, t.table_type::text
            from reads
            inner join information_schema.view_table_usage as u
                on u.view_schema = reads.schema and u.view_name = reads.name
            inner join information_schema.tables as t
                on t.table_schema = u.table_schema and t.table_name = u.table_name
            where reads.kind = 'VIEW'
        )
        select distinct schema, name from reads where kind = 'BASE TABLE' order by 1, 2
    """).fetchall()
    return [(r[0], r[1]) for r in rows]


def mart_checksums(conn: psycopg.Connection) -> Checksums:
    """Row count and an order-independent checksum of the rows of every table behind the marts
    (:func:`_published_tables`; keys ``name`` in marts, ``schema.name`` elsewhere), over every
    column but the :data:`PROVENANCE_COLUMNS`."""
    sums: Checksums = {}
    for schema, name in _published_tables(conn):
        if (schema, name) == ("marts", "build_info"):  # when and from what: differs by design
            continue
        sums[name if schema == "marts" else f"{schema}.{name}"] = table_checksum(
            conn, schema, name)
    return sums


def table_checksum(conn: psycopg.Connection, schema: str, name: str,
                   skip: frozenset[str] = PROVENANCE_COLUMNS) -> tuple[int, str]:
    """Row count and an order-independent checksum of the rows of one table or view, over
    every column but ``skip``."""
    columns = [sql.Identifier(r[0]) for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = %s "
        "and table_name = %s order by ordinal_position", (schema, name)).fetchall()
        if r[0] not in skip]
    # the sum of each row's 64-bit hash: order-independent with no sort (three times as
    # fast as an md5 of the sorted rows' md5s), exact (a numeric sum). The row is hashed as
    # a record, value by value with each type's own hash, not as its text (half the time).
    # A record's hash is a linear mix of its values' hashes, and NULL hashes as 0 (as does
    # 0.0): so each value goes in beside whether it is null, and the record's hash through
    # a hash of its own, or a sum over rows would miss NULL -> 0 or two rows swapping a
    # value. Only values SQL holds equal hash alike (1.0 and 1.00; 0 and -0).
    values = sql.SQL(", ").join(
        sql.SQL("{0}, {0} is null").format(column) for column in columns)
    count, digest = conn.execute(sql.SQL(
        "select count(*), coalesce(sum(hashint8extended("
        "hash_record_extended(row({}), 0), 0)), 0)::text from {}"
    ).format(values, sql.Identifier(schema, name))).fetchone()  # type: ignore[misc]
    return int(count), str(digest)


class _NodeLines:
    """A progress reporter that prints dbt's progress as lines ("12 of 313 OK node") on stdout,
    where the harness reads them: the refresh's console shows no dbt node lines of its own."""

    def start(self, description: str, total: float | None) -> dict[str, object]:
        return {"dbt": description.startswith("dbt"), "done": 0, "total": total}

    def advance(self, handle: dict[str, object], amount: float) -> None:
        handle["done"] = int(handle["done"]) + int(amount)  # type: ignore[call-overload]
        if handle["dbt"] and handle["total"]:
            print(f"{handle['done']} of {int(handle['total'])} OK node", flush=True)  # type: ignore[call-overload]

    def set_total(self, handle: dict[str, object], total: float) -> None:
        handle["total"] = total

    def finish(self, handle: dict[str, object]) -> None:
        pass


def _refresh_steps(source_dir: Path, *, full: bool) -> None:
    """The refresh itself (``flows.pipeline.run_refresh``, the CLI's, without Prefect), its
    phases announced on stdout ("PHASE ingest", "PHASE dbt") and dbt's nodes as progress lines."""
    from etl import progress
    from flows import pipeline

    announced: set[str] = set()

    def announce(phase: str) -> None:
        if phase not in announced:
            announced.add(phase)
            print(f"PHASE {phase}", flush=True)

    def ingest(*args: object, **kwargs: object) -> list:
        announce("ingest")
        return pipeline.ingest(*args, **kwargs)  # type: ignore[arg-type]

    def dbt_build(*args: object) -> list:
        announce("dbt")
        return pipeline.dbt_build(*args)  # type: ignore[arg-type]

    progress.set_reporter(_NodeLines())
    try:
        pipeline.run_refresh(source_dir=str(source_dir), full=full, allow_download=False,
                             wait_for_lock=True,
                             steps=pipeline.Steps(ingest=ingest, dbt_build=dbt_build))
    finally:
        progress.set_reporter(None)
    print("PHASE done", flush=True)


@dataclass
class KillOutcome:
    """What one killed refresh left, and whether the next refresh put everything right."""

    kind: str
    phase: str  # where it was killed: "ingest" or "dbt node 12/313"
    after_s: float  # seconds into that phase
    killed: bool
    left_previous_or_new: bool = False
    recovered: bool = False
    equals_clean_build: bool = False
    note: str = ""


@dataclass
class CrashHarness:
    """A warehouse on its own embedded server, switched between two source directories."""

    warehouse_dir: Path
    sources: dict[str, Path]
    seed: int = 12
    env: dict[str, str] = field(default_factory=dict)
    clean: dict[str, Checksums] = field(default_factory=dict)
    phase_seconds: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.env = {k: v for k, v in os.environ.items()
                    if k != "DATABASE_URL" and not k.startswith("ALLIANCES_")}
        # the harness switches the warehouse between two slices on purpose: going back to the
        # smaller one is no truncated file, so the shrink guard lets it through
        self.env.update({"ALLIANCES_WAREHOUSE_DIR": str(self.warehouse_dir),
                         "ALLIANCES_DBT_THREADS": "2", "PYTHONUNBUFFERED": "1",
                         "ALLIANCES_MAX_SHRINK_SHARE": "1"})

    # the server ---------------------------------------------------------------------------
    def server(self):  # type: ignore[no-untyped-def]
        from etl.db import EmbeddedPostgres

        return EmbeddedPostgres(self.warehouse_dir / "pgdata")

    def connect(self) -> psycopg.Connection:
        server = self.server()
        server.start()
        return psycopg.connect(server.url("alliances"), autocommit=True)

    def kill_server(self) -> None:
        """SIGKILL the postmaster and every backend (as an OOM kill or a crash would)."""
        pid_file = self.warehouse_dir / "pgdata" / "postmaster.pid"
        with contextlib.suppress(FileNotFoundError):
            postmaster = int(pid_file.read_text().split()[0])
            children = [int(p) for p in _children(postmaster)]
            for pid in (postmaster, *children):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and any(_alive(p) for p in (postmaster, *children)):
                time.sleep(0.1)

    def start_server(self) -> None:
        """Start the server after a kill (a few tries while the dead backends' memory goes)."""
        for attempt in range(10):
            try:
                self.server().start()
                return
            except Exception:
                if attempt == 9:
                    raise
                time.sleep(1.0)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.server().stop()

    # refreshes ----------------------------------------------------------------------------
    def refresh(self, target: str, *, full: bool = False, kill: str | None = None,
                timeout_s: float = 600) -> KillOutcome:
        """Run a refresh of ``sources[target]``; ``kill``: 'ingest', 'dbt' (SIGKILL the refresh
        at a random point of that phase) or 'server' (SIGKILL the server at a random point of
        dbt). Returns what happened; raises if an unkilled refresh fails."""
        args = [sys.executable, "-m", "tests.utils.crash", str(self.sources[target])]
        if full:
            args.append("--full")
        started = time.monotonic()
        proc = subprocess.Popen(args, cwd=PROJECT_ROOT, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        phase, phase_started, lines = "start", started, []
        want = {"ingest": "ingest", "dbt": "dbt", "server": "dbt"}.get(kill or "")
        outcome = KillOutcome(kill or "none", "", 0.0, killed=False)
        assert proc.stdout is not None
        threshold: int | None = None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("PHASE "):
                now = time.monotonic()
                self.phase_seconds.setdefault(phase, now - phase_started)
                phase, phase_started = line.split()[1], now
                if want == "ingest" and phase == "ingest":
                    # a random point of ingest, within its length in a clean refresh
                    span = self.phase_seconds.get("clean_ingest", 2.0)
                    delay = self.rng.uniform(0.05, max(0.1, 0.9 * span))
                    time.sleep(delay)
                    outcome.phase, outcome.after_s = phase, round(delay, 2)
                    self._kill(proc, kill, outcome)
                    break
                continue
            progress = _DBT_PROGRESS.search(line)
            if want == "dbt" and phase == "dbt" and progress:
                done, total = int(progress.group(1)), int(progress.group(2))
                if threshold is None:  # a random node of this dbt run
                    threshold = self.rng.randint(1, max(1, int(0.9 * total)))
                if done >= threshold:
                    outcome.phase = f"dbt node {done}/{total}"
                    outcome.after_s = round(time.monotonic() - phase_started, 2)
                    self._kill(proc, kill, outcome)
                    break
        with contextlib.suppress(Exception):
            proc.communicate(timeout=timeout_s)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if not outcome.killed and proc.returncode != 0:
            tail = "".join(lines[-30:])
            raise RuntimeError(f"refresh of {target} failed ({proc.returncode}):\n{tail}")
        return outcome

    def _kill(self, proc: subprocess.Popen[str], kill: str | None,
              outcome: KillOutcome) -> None:
        if proc.poll() is None:
            if kill == "server":
                self.kill_server()
            else:
                proc.kill()
            outcome.killed = True

    def clean_build(self, target: str) -> Checksums:
        """A from-scratch refresh of ``target``; remembers its phase lengths and checksums."""
        self.phase_seconds = {}
        started = time.monotonic()
        self.refresh(target, full=True)
        self.phase_seconds["clean_total"] = time.monotonic() - started
        self.phase_seconds["clean_ingest"] = self.phase_seconds.get("ingest", 5.0)
        self.phase_seconds["clean_dbt"] = self.phase_seconds.get("dbt", 10.0)
        with self.connect() as conn:
            self.clean[target] = mart_checksums(conn)
        return self.clean[target]

    def kill_and_recover(self, current: str, target: str, kill: str) -> KillOutcome:
        """Kill a refresh from ``current`` to ``target``, check what it left, refresh again."""
        clean = {k: v for k, v in self.phase_seconds.items() if k.startswith("clean_")}
        outcome = self.refresh(target, kill=kill)
        self.phase_seconds = clean
        if kill == "server":
            self.start_server()
        with self.connect() as conn:
            left = mart_checksums(conn)
            running = conn.execute(
                "select count(*) from raw.load_ledger where status = 'loading'").fetchone()
        outcome.left_previous_or_new = left in (self.clean[current], self.clean[target])
        if running and running[0]:
            outcome.note = f"{running[0]} ledger rows left 'loading'"
        self.refresh(target)  # must succeed: no dangling lock or ledger row blocks it
        outcome.recovered = True
        with self.connect() as conn:
            sums = mart_checksums(conn)
            outcome.equals_clean_build = sums == self.clean[target]
            differ = sorted(t for t in {*sums, *self.clean[target]}
                            if sums.get(t) != self.clean[target].get(t))
            if differ:
                outcome.note += f" marts that differ from a clean build: {', '.join(differ)}"
            stale = conn.execute(
                "select count(*) from raw.refresh_runs where status = 'running'").fetchone()
        if stale and stale[0]:
            outcome.note += f" {stale[0]} refresh_runs rows left 'running'"
        return outcome


def _children(pid: int) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(entry.name)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return False


if __name__ == "__main__":
    _refresh_steps(Path(sys.argv[1]), full="--full" in sys.argv[2:])
