"""Security of the embedded server and of every value that reaches SQL.

- The embedded server listens on 127.0.0.1 only, has no Unix socket and no ``trust`` line: every
  role needs its SCRAM password; a wrong or missing one is refused. The owner's password is
  kept with the server's data, mode 0600. A warehouse initialised with trust authentication (an
  earlier version) is converted on its next start.
- ``alliances db url --analyst`` gives a login that psql uses to read the marts and nothing
  else (embedded default).
- No password in dbt's target and log files, the server's log, ``alliances status``, or the
  command line of ``alliances db psql``.
- Hostile values (quotes, semicolons) from the CLI and the settings are bound or quoted.
"""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from etl import migrate
from etl.config import Settings, get_settings
from etl.db import EmbeddedPostgres, _bin, connect, database_url, embedded
from etl.errors import ConfigurationError

pytestmark = pytest.mark.integration

embedded_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="checks the embedded server")


def _refused(url: str) -> str:
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(url, connect_timeout=10).close()
    return str(refused.value)


@embedded_only
def test_embedded_server_wants_a_scram_password_from_every_role(server_url: str) -> None:
    server = embedded(get_settings())
    hba = [line.split() for line in server.hba_file.read_text().splitlines()
           if line.strip() and not line.lstrip().startswith("#")]
    assert hba == [["host", "all", "all", "127.0.0.1/32", "scram-sha-256"]]
    mode = stat.S_IMODE(server.owner_password_file.stat().st_mode)
    assert mode == 0o600
    with psycopg.connect(server_url) as conn:
        settings = dict(conn.execute(
            "select name, setting from pg_settings where name in "
            "('listen_addresses', 'unix_socket_directories', 'password_encryption')").fetchall())
    assert settings == {"listen_addresses": "127.0.0.1", "unix_socket_directories": "",
                        "password_encryption": "scram-sha-256"}
    url = make_url(server_url)
    assert "password authentication failed" in _refused(
        url.set(password="wrong").render_as_string(hide_password=False))
    missing = _refused(url._replace(password=None).render_as_string(hide_password=False))
    assert "no password supplied" in missing
    # the analyst too, and nobody reaches the maintenance database without its grant
    analyst = url.set(username=get_settings().analyst_role, password="wrong")
    assert "password authentication failed" in _refused(
        analyst.render_as_string(hide_password=False))


def test_a_trust_warehouse_is_converted_to_passwords() -> None:
    # not under pytest's basetemp (mode 0700, which the server's system user cannot traverse)
    with tempfile.TemporaryDirectory(prefix="alliances_trust_") as tmp:
        _convert_a_trust_warehouse(Path(tmp))


def _convert_a_trust_warehouse(tmp: Path) -> None:
    server = EmbeddedPostgres(tmp / "pgdata")
    try:
        server.start()
        first = server.owner_password()
        server.stop()
        # as an earlier version left it: trust for everyone, no password file
        server.hba_file.write_text("host all all 127.0.0.1/32 trust\n")
        server.owner_password_file.unlink()
        server.start()
        assert "trust" not in server.hba_file.read_text().replace("No trust line", "")
        assert stat.S_IMODE(server.owner_password_file.stat().st_mode) == 0o600
        assert server.owner_password() != first
        with psycopg.connect(server.url("postgres")) as conn:
            assert conn.execute("select current_user").fetchone() == ("postgres",)
        missing = make_url(server.url("postgres"))._replace(password=None)
        assert "no password supplied" in _refused(missing.render_as_string(hide_password=False))
    finally:
        server.stop()


@pytest.fixture()
def embedded_warehouse(monkeypatch: pytest.MonkeyPatch, server_url: str) -> Iterator[Settings]:
    """A migrated database on the embedded server, used as the embedded default (no
    DATABASE_URL), with one mart table; dropped afterwards."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("checks the embedded server's analyst login")
    name = f"test_{uuid.uuid4().hex[:12]}"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ALLIANCES_ANALYST_PASSWORD", raising=False)
    monkeypatch.setenv("ALLIANCES_EMBEDDED_DATABASE", name)
    get_settings.cache_clear()
    try:
        settings = get_settings()
        migrate.upgrade(settings)
        with connect(settings, autocommit=True) as conn:
            conn.execute("create table marts.fct_example as select 2 as ccode, 1.0 as agree")
            conn.execute("grant select on marts.fct_example to analyst")
            conn.execute("create schema if not exists staging")
            conn.execute("create table staging.hidden as select 1 as x")
        yield settings
    finally:
        get_settings.cache_clear()
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def _psql(url: str, statement: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_bin("psql"), url, "-X", "-v", "ON_ERROR_STOP=1", "-c", statement],
                          capture_output=True, text=True, timeout=60)


def test_analyst_url_reads_marts_with_psql_and_nothing_else(embedded_warehouse: Settings) -> None:
    from etl.cli import app

    result = CliRunner().invoke(app, ["db", "url", "--analyst"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert make_url(url).username == "analyst" and make_url(url).password
    assert stat.S_IMODE(embedded(embedded_warehouse).analyst_password_file.stat().st_mode) == 0o600
    read = _psql(url, "select ccode from fct_example")  # search_path: marts
    assert read.returncode == 0 and " 2" in read.stdout, read.stderr
    denied = {
        "select count(*) from raw.load_ledger": "permission denied",
        "select * from staging.hidden": "permission denied",
        "insert into marts.fct_example values (20, 0.5)": "permission denied",
        "create table marts.mine (x integer)": "permission denied",
        "create table public.mine (x integer)": "permission denied",
        "create temp table mine (x integer)": "permission denied",
        "create function pg_temp.f() returns int language sql as 'select 1'":
            "permission denied",
        "create function marts.f() returns int language sql as 'select 1'": "permission denied",
        "create schema mine": "permission denied",
        "copy (select 1) to program 'id'": "permission denied",
        "copy marts.fct_example to '/tmp/out.csv'": "permission denied",
        "select pg_read_file('/etc/passwd')": "permission denied",
        "select lo_create(0)": "permission denied",
        "set role postgres": "permission denied",
    }
    for statement, message in denied.items():
        outcome = _psql(url, statement)
        assert outcome.returncode != 0 and message in outcome.stderr, (statement, outcome)
    other = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    assert "permission denied" in _refused(other)
    wrong = make_url(url).set(password="wrong").render_as_string(hide_password=False)
    assert "password authentication failed" in _refused(wrong)


def test_no_password_in_dbt_files_logs_status_or_command_lines(
    module_db: Settings, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl import cli
    from etl.transform import run_dbt

    password = make_url(database_url(module_db)).password
    if not password:
        pytest.skip("the server of DATABASE_URL takes no password")
    migrate.upgrade(module_db)
    run_dbt(["parse"], module_db)
    run_dbt(["ls", "-s", "dim_country"], module_db)
    files = [p for p in (module_db.warehouse_dir / "dbt").rglob("*") if p.is_file()]
    assert any(p.name == "manifest.json" for p in files)
    with psycopg.connect(server_url) as conn:  # the server's log, when it is the embedded one
        data_directory = conn.execute("show data_directory").fetchone()[0]  # type: ignore[index]
    files.append(Path(data_directory).parent / "postgres.log")
    leaked = [str(p) for p in files if p.exists() and password.encode() in p.read_bytes()]
    assert leaked == []
    result = CliRunner().invoke(cli.app, ["status"])
    assert password not in result.output
    up = CliRunner().invoke(cli.app, ["db", "up"])
    assert password not in up.output
    # psql gets the password in its environment, not on its command line (ps shows that)
    seen: dict[str, object] = {}

    def fake_execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        seen.update(argv=argv, env=env)

    monkeypatch.setattr(os, "execve", fake_execve)
    CliRunner().invoke(cli.app, ["db", "psql", "-c", "select 1"])
    assert seen and not any(password in arg for arg in seen["argv"])  # type: ignore[union-attr]
    assert seen["env"]["PGPASSWORD"] == password  # type: ignore[index]


def test_hostile_database_name_is_quoted(server_url: str, tmp_path: Path) -> None:
    name = f'it\'s"; drop database postgres; --{uuid.uuid4().hex[:6]}'
    server = EmbeddedPostgres(tmp_path / "unused")
    server.url = lambda database="postgres", **_: make_url(server_url).set(  # type: ignore[method-assign]
        database=database).render_as_string(hide_password=False)
    server.ensure_database(name)
    try:
        with psycopg.connect(server_url) as conn:
            names = {r[0] for r in conn.execute("select datname from pg_database")}
        assert name in names and "postgres" in names
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("drop database if exists {}").format(
                psycopg.sql.Identifier(name)))


def test_a_bad_database_url_is_refused_without_echoing_its_password(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://me:s3cret';drop@host:notaport/db")
    with pytest.raises(ConfigurationError) as refused:
        database_url(Settings(_env_file=None))
    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize("variable, value", [
    ("ALLIANCES_HEGEMON_CCODES", '[2, "365; drop table raw.load_ledger"]'),
    ("ALLIANCES_HEGEMON_CCODE", "2; drop table raw.load_ledger"),
    ("ALLIANCES_LEGITIMACY_WINDOW_YEARS", "3' or '1'='1"),
    ("ALLIANCES_ANALYST_ROLE", 'analyst"; drop role postgres; --'),
    ("ALLIANCES_LOADER_ROLE", "loader; select 1"),
])
def test_hostile_settings_are_refused(monkeypatch: pytest.MonkeyPatch, variable: str,
                                      value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_hostile_sources_path_is_bound(module_db: Settings, shared_data: Path,
                                       tmp_path: Path) -> None:
    """A source directory named with quotes and semicolons loads, and is recorded as it is."""
    from etl import download, ingest

    hostile = tmp_path / "it's\"; drop table raw.load_ledger; --"
    hostile.mkdir()
    for child in shared_data.iterdir():
        (hostile / child.name).symlink_to(child)
    migrate.upgrade(module_db)
    paths = download.resolve_sources(source_dir=hostile, cache_dir=module_db.cache_dir,
                                     download=False, base_url=None)
    outcomes = ingest.ingest_source("cow", paths)
    assert outcomes and all(o.status == "loaded" for o in outcomes)
    with connect(module_db) as conn:
        recorded = {r[0] for r in conn.execute(
            "select path from raw.load_ledger where source = 'cow'")}
    assert recorded and all(p.startswith(str(hostile)) for p in recorded)


def test_database_url_naming_a_hostile_database_is_quoted(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migrations grant on the database of DATABASE_URL by name: the name is quoted."""
    name = f"it's;\"drop_database_postgres;--{uuid.uuid4().hex[:6]}"
    create = psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(name))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(create)
    try:
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        migrate.upgrade(get_settings())
        with connect(get_settings()) as conn:
            assert conn.execute("select current_database()").fetchone() == (name,)
            assert conn.execute("select to_regclass('raw.load_ledger') is not null").fetchone() \
                == (True,)
        with psycopg.connect(server_url) as conn:
            assert conn.execute(
                "select count(*) from pg_database where datname = 'postgres'").fetchone() == (1,)
    finally:
        get_settings.cache_clear()
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("drop database if exists {} with (force)").format(
                psycopg.sql.Identifier(name)))
