"""Migration 0004's roles against the real server: the analyst reads marts and nothing else.

Roles are cluster-wide, so each test gives the roles names of its own (settings
``analyst_role``/``loader_role``) and passwords of its own: the tests never touch the roles of a
warehouse that shares the server, and they drop their roles at the end (through the downgrade).
The tests connect *as* the roles, with their passwords, as a BI tool would.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import errors
from sqlalchemy.engine import make_url

from etl import migrate
from etl.config import Settings, get_settings
from etl.db import connect

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Roles:
    settings: Settings
    analyst: str
    analyst_password: str
    loader: str
    loader_password: str

    def url(self, user: str, password: str, database: str | None = None) -> str:
        url = make_url(self.settings.database_url.get_secret_value())  # type: ignore[union-attr]
        url = url.set(username=user, password=password, database=database or url.database)
        return url.render_as_string(hide_password=False)


def _drop_roles(server_url: str, *names: str) -> None:
    """Drop test roles left behind by a failing test (grants in dropped databases vanish)."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in names:
            with contextlib.suppress(psycopg.Error):
                conn.execute(f'drop role if exists "{name}"')


@pytest.fixture()
def roles(throwaway_db: Settings, server_url: str,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Roles]:
    """A migrated throwaway database whose roles have test-only names and passwords."""
    suffix = uuid.uuid4().hex[:8]
    made = Roles(throwaway_db, f"analyst_t{suffix}", secrets.token_urlsafe(16),
                 f"loader_t{suffix}", secrets.token_urlsafe(16))
    monkeypatch.setenv("ALLIANCES_ANALYST_ROLE", made.analyst)
    monkeypatch.setenv("ALLIANCES_ANALYST_PASSWORD", made.analyst_password)
    monkeypatch.setenv("ALLIANCES_LOADER_ROLE", made.loader)
    monkeypatch.setenv("ALLIANCES_LOADER_PASSWORD", made.loader_password)
    get_settings.cache_clear()
    settings = get_settings()
    migrate.upgrade(settings)
    # a marts table as dbt makes it: created by the owner *after* the migration ran
    with connect(settings, autocommit=True) as conn:
        conn.execute("create table marts.fct_example (ccode integer, agree double precision)")
        conn.execute("insert into marts.fct_example values (2, 1.0), (200, 0.6)")
    made = Roles(settings, made.analyst, made.analyst_password, made.loader, made.loader_password)
    try:
        yield made
    finally:
        get_settings.cache_clear()
        _drop_roles(server_url, made.analyst, made.loader)


def _denied(conn: psycopg.Connection, sql: str) -> bool:
    """Whether ``sql`` fails for lack of privilege (the transaction is rolled back either way)."""
    try:
        conn.execute(sql)
    except errors.InsufficientPrivilege:
        conn.rollback()
        return True
    conn.rollback()
    return False


def test_analyst_reads_marts_including_tables_dbt_rebuilds(roles: Roles) -> None:
    with psycopg.connect(roles.url(roles.analyst, roles.analyst_password)) as conn:
        assert conn.execute("select count(*) from marts.fct_example").fetchone() == (2,)
    # dbt drops and recreates a table on every build: the new table is readable too
    with connect(roles.settings, autocommit=True) as owner:
        owner.execute("drop table marts.fct_example")
        owner.execute("create table marts.fct_example as select 365 as ccode, 0.2::float8 as agree")
    with psycopg.connect(roles.url(roles.analyst, roles.analyst_password)) as conn:
        assert conn.execute("select ccode from marts.fct_example").fetchall() == [(365,)]


def test_analyst_cannot_write_create_or_read_raw(roles: Roles) -> None:
    with psycopg.connect(roles.url(roles.analyst, roles.analyst_password)) as conn:
        assert _denied(conn, "insert into marts.fct_example values (20, 0.5)")
        assert _denied(conn, "update marts.fct_example set agree = 0")
        assert _denied(conn, "delete from marts.fct_example")
        assert _denied(conn, "truncate marts.fct_example")
        assert _denied(conn, "create table marts.mine (x integer)")
        assert _denied(conn, "create view marts.mine as select 1 as x")
        assert _denied(conn, "select count(*) from raw.load_ledger")
        assert _denied(conn, "select count(*) from raw.unga_voeten_votes")
        assert _denied(conn, "create table public.mine (x integer)")
        assert _denied(conn, "create schema mine")
        # the rows are as they were
        assert conn.execute("select count(*) from marts.fct_example").fetchone() == (2,)


def test_loader_writes_raw_and_reads_no_marts(roles: Roles) -> None:
    with psycopg.connect(roles.url(roles.loader, roles.loader_password)) as conn:
        conn.execute("""
            insert into raw.load_ledger (source, file_name, path, sha256, target_table,
                                         started_at, status)
            values ('unga', 'test', '/dev/null', repeat('0', 64), 'raw.x', now(), 'loaded')
        """)
        conn.commit()
        assert conn.execute("select count(*) from raw.load_ledger").fetchone() == (1,)
        assert _denied(conn, "select count(*) from marts.fct_example")
        assert _denied(conn, "create table raw.mine (x integer)")
        assert _denied(conn, "update raw.alembic_version set version_num = '0001'")


def _scram_matches(verifier: str, password: str) -> bool:
    """Whether a stored SCRAM-SHA-256 verifier was made from ``password`` (RFC 5802/7677)."""
    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key, server_key = keys.split(":")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt),
                                 int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return (method == "SCRAM-SHA-256"
            and base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key
            and base64.b64encode(hmac.new(salted, b"Server Key", "sha256").digest()).decode()
            == server_key)


def test_passwords_come_from_the_environment_hashed(roles: Roles) -> None:
    with connect(roles.settings) as conn:
        stored = dict(conn.execute(
            "select rolname, rolpassword from pg_authid where rolname in (%s, %s)",
            (roles.analyst, roles.loader)).fetchall())
    assert _scram_matches(stored[roles.analyst], roles.analyst_password)
    assert _scram_matches(stored[roles.loader], roles.loader_password)
    assert not _scram_matches(stored[roles.analyst], roles.loader_password)


def test_role_without_password_cannot_log_in(
    throwaway_db: Settings, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"analyst_t{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("ALLIANCES_ANALYST_ROLE", name)
    monkeypatch.delenv("ALLIANCES_ANALYST_PASSWORD", raising=False)
    monkeypatch.setenv("ALLIANCES_LOADER_ROLE", name.replace("analyst", "loader"))
    get_settings.cache_clear()
    try:
        migrate.upgrade(get_settings())
        with connect(get_settings()) as conn:
            can_login = conn.execute(
                "select rolcanlogin from pg_roles where rolname = %s", (name,)).fetchone()
        assert can_login == (False,)
        url = make_url(get_settings().database_url.get_secret_value()).set(  # type: ignore[union-attr]
            username=name, password="anything")
        # trust (a server of DATABASE_URL) lets it reach the login check; password
        # authentication (the embedded server) refuses it first, as it has no password
        refused = "not permitted to log in|password authentication failed"
        with pytest.raises(psycopg.OperationalError, match=refused):
            psycopg.connect(url.render_as_string(hide_password=False)).close()
    finally:
        get_settings.cache_clear()
        _drop_roles(server_url, name, name.replace("analyst", "loader"))


def test_a_second_database_reuses_the_roles_and_downgrade_drops_them(
    roles: Roles, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def role_names() -> set[str]:
        with psycopg.connect(server_url) as conn:
            return {r[0] for r in conn.execute(
                "select rolname from pg_roles where rolname in (%s, %s)",
                (roles.analyst, roles.loader))}

    other = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'create database "{other}"')
    try:
        other_url = make_url(server_url).set(database=other).render_as_string(hide_password=False)
        monkeypatch.setenv("DATABASE_URL", other_url)
        get_settings.cache_clear()
        migrate.upgrade(get_settings())  # the roles exist already: no error, same grants
        with psycopg.connect(roles.url(roles.analyst, roles.analyst_password, other)) as conn:
            assert conn.execute("select count(*) from pg_tables where schemaname = 'marts'"
                                ).fetchone() == (0,)
        # the first database goes down to 0003: the other one still grants the roles something
        monkeypatch.setenv("DATABASE_URL", roles.settings.database_url.get_secret_value())  # type: ignore[union-attr]
        get_settings.cache_clear()
        migrate.downgrade(get_settings(), "0003")
        assert role_names() == {roles.analyst, roles.loader}
        with psycopg.connect(roles.url(roles.analyst, roles.analyst_password)) as conn:
            assert _denied(conn, "select count(*) from marts.fct_example")
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{other}" with (force)')
    # with the other database gone, the downgrade of this one drops the roles
    get_settings.cache_clear()
    migrate.upgrade(get_settings())
    migrate.downgrade(get_settings(), "0003")
    assert role_names() == set()


def test_analyst_makes_no_temp_tables_functions_or_large_objects_and_runs_no_program(
    roles: Roles,
) -> None:
    """Migration 0008: what PUBLIC is granted by default is taken back from the analyst."""
    with connect(roles.settings, autocommit=True) as owner:
        owner.execute("create schema if not exists staging")
        owner.execute("create table staging.hidden as select 1 as x")
        superuser = owner.execute("select rolsuper from pg_roles where rolname = current_user"
                                  ).fetchone() == (True,)
    with psycopg.connect(roles.url(roles.analyst, roles.analyst_password)) as conn:
        assert _denied(conn, "create temp table mine (x integer)")
        assert _denied(conn, "create function pg_temp.f() returns int language sql "
                             "as 'select 1'")
        assert _denied(conn, "create function marts.f() returns int language sql as 'select 1'")
        assert _denied(conn, "copy (select 1) to program 'id'")
        assert _denied(conn, "copy marts.fct_example to '/tmp/analyst.csv'")
        assert _denied(conn, "select pg_read_file('/etc/passwd')")
        assert _denied(conn, "select * from staging.hidden")
        assert _denied(conn, "set role postgres")
        if superuser:  # only a superuser may revoke the large-object functions
            assert _denied(conn, "select lo_create(0)")
        # BI tools see the marts first
        assert conn.execute("show search_path").fetchone() == ("marts",)
        assert conn.execute("select count(*) from fct_example").fetchone() == (2,)
    with psycopg.connect(roles.url(roles.loader, roles.loader_password)) as conn:
        conn.execute("create temp table staged (x integer)")  # the loader may stage rows
