"""Database roles: ``analyst`` reads the marts, ``loader`` writes the raw schema.

- ``analyst`` (settings ``analyst_role``): CONNECT on this database, USAGE on schema ``marts``
  and SELECT on its tables, nothing else: no raw, staging, intermediate or seeds schema, no
  CREATE anywhere. Tables that dbt creates later in ``marts`` (every build drops and recreates
  them) are readable too, through ``alter default privileges`` for the role that runs this
  migration, which is the role dbt connects as (both read the same settings).
- ``loader`` (settings ``loader_role``): CONNECT, USAGE on schema ``raw`` and read/write on its
  tables and sequences (present and future), except the Alembic version table.
- The owner is the role of ``DATABASE_URL`` (or the embedded server's ``postgres``): it runs the
  migrations and dbt and owns every schema.

Passwords come from the environment only (``ALLIANCES_ANALYST_PASSWORD``,
``ALLIANCES_LOADER_PASSWORD``, read through ``etl.config.Settings``); they are hashed
(SCRAM-SHA-256) on the client, so the server and its logs never see them in clear. A role whose
password is unset is created NOLOGIN: it exists for grants but cannot connect until someone runs
``alter role analyst login password '...'``. A role that already exists (roles are
cluster-wide: another warehouse on the server, or a DBA, made it) is kept as it is, and given
LOGIN and the password only when the password is set.

The migration also revokes CREATE on schema ``public`` from PUBLIC (PostgreSQL 15's default;
PostgreSQL 14 still grants it), so that no role but the owner creates objects there; the
downgrade leaves that in place.

The downgrade revokes every grant made here and drops both roles, unless another database on
the server still grants them something: then the role stays (a NOTICE says so).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pydantic import SecretStr

from etl.config import get_settings
from etl.errors import WarehouseError

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARTS_SCHEMA = "marts"
RAW_SCHEMA = "raw"
_LOADER_TABLE_PRIVILEGES = "select, insert, update, delete, truncate"
_LOADER_SEQUENCE_PRIVILEGES = "usage, select, update"


class RoleSetupError(WarehouseError):
    """A role the warehouse needs is missing and the migrating user may not create it."""


def _exec(sql: str) -> None:
    """Run one statement as written: no bind-parameter parsing of ``:name`` (SCRAM verifiers
    contain ``=:``), ``%`` passed through to PostgreSQL."""
    op.get_bind().exec_driver_sql(sql.replace("%", "%%"))


def _ident(name: str) -> str:
    """A quoted SQL identifier (names are already validated by Settings' pattern)."""
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    """A quoted SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1)."""
    return "'" + value.replace("'", "''") + "'"


def _role_exists(name: str) -> bool:
    bind = op.get_bind()
    return bind.execute(
        sa.text("select 1 from pg_catalog.pg_roles where rolname = :name"), {"name": name}
    ).first() is not None


def _ensure_role(name: str) -> None:
    """Create the role NOLOGIN unless it exists; a concurrent creation elsewhere is fine."""
    if _role_exists(name):
        return
    bind = op.get_bind()
    may_create = bind.execute(sa.text(
        "select rolsuper or rolcreaterole from pg_catalog.pg_roles where rolname = current_user"
    )).scalar()
    if not may_create:
        user = bind.execute(sa.text("select current_user")).scalar()
        raise RoleSetupError(
            f"migration 0004: role {name!r} does not exist and {user!r} may not create roles; "
            f"ask a database administrator to run `create role {name} nologin;` (or to grant "
            f"CREATEROLE to {user}), then run `alliances migrate` again"
        )
    _exec(f"""
        do $$
        begin
            if not exists (select from pg_catalog.pg_roles where rolname = {_literal(name)}) then
                create role {_ident(name)} nologin;
            end if;
        exception when duplicate_object then
            null;  -- created meanwhile by the migration of another database on this server
        end
        $$
    """)


def _hashed_password(role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password``, computed by libpq on the client."""
    dbapi = op.get_bind().connection.dbapi_connection
    pgconn = getattr(dbapi, "pgconn", None)
    if pgconn is None:  # another driver than psycopg 3: let the server hash it
        return password
    verifier = pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    return bytes(verifier).decode()


def _set_login(role: str, password: str | None) -> None:
    """Give the role LOGIN and its password when one is set; otherwise leave the role as it is."""
    if password:
        verifier = _literal(_hashed_password(role, password))
        _exec(f"alter role {_ident(role)} with login password {verifier}")


def _secret(value: SecretStr | None) -> str | None:
    """The clear text of an optional SecretStr; an empty value counts as unset."""
    if value is None:
        return None
    return value.get_secret_value() or None


def upgrade() -> None:
    settings = get_settings()
    analyst, loader = _ident(settings.analyst_role), _ident(settings.loader_role)
    for role, password in ((settings.analyst_role, settings.analyst_password),
                           (settings.loader_role, settings.loader_password)):
        _ensure_role(role)
        _set_login(role, _secret(password))

    database = op.get_bind().execute(sa.text("select current_database()")).scalar()
    _exec(f"grant connect on database {_ident(str(database))} to {analyst}, {loader}")
    _exec("""
        do $$
        begin
            if exists (select from pg_catalog.pg_namespace where nspname = 'public') then
                revoke create on schema public from public;
            end if;
        end
        $$
    """)

    # analyst: read the marts, now and whatever dbt (this same user) creates there later
    _exec(f"create schema if not exists {MARTS_SCHEMA}")
    _exec(f"grant usage on schema {MARTS_SCHEMA} to {analyst}")
    _exec(f"grant select on all tables in schema {MARTS_SCHEMA} to {analyst}")
    _exec(f"alter default privileges in schema {MARTS_SCHEMA} grant select on tables to {analyst}")

    # loader: read and write the raw landing tables and the ledger, not the migration state
    _exec(f"grant usage on schema {RAW_SCHEMA} to {loader}")
    _exec(f"grant {_LOADER_TABLE_PRIVILEGES} on all tables in schema {RAW_SCHEMA} to {loader}")
    _exec(
        f"grant {_LOADER_SEQUENCE_PRIVILEGES} on all sequences in schema {RAW_SCHEMA} to {loader}"
    )
    _exec(f"revoke all on table {RAW_SCHEMA}.alembic_version from {loader}")
    _exec(f"alter default privileges in schema {RAW_SCHEMA} "
          f"grant {_LOADER_TABLE_PRIVILEGES} on tables to {loader}")
    _exec(f"alter default privileges in schema {RAW_SCHEMA} "
          f"grant {_LOADER_SEQUENCE_PRIVILEGES} on sequences to {loader}")


def _drop_role_unless_used(name: str) -> None:
    """Drop the role, or keep it (with a NOTICE) while another database still grants it."""
    _exec(f"""
        do $$
        begin
            drop role if exists {_ident(name)};
        exception when dependent_objects_still_exist then
            raise notice 'role % kept: other databases on this server still grant it privileges',
                {_literal(name)};
        end
        $$
    """)


def downgrade() -> None:
    settings = get_settings()
    database = _ident(str(op.get_bind().execute(sa.text("select current_database()")).scalar()))
    if _role_exists(settings.loader_role):
        loader = _ident(settings.loader_role)
        for kind in ("tables", "sequences"):
            _exec(f"alter default privileges in schema {RAW_SCHEMA} "
                  f"revoke all on {kind} from {loader}")
        _exec(f"revoke all on all tables in schema {RAW_SCHEMA} from {loader}")
        _exec(f"revoke all on all sequences in schema {RAW_SCHEMA} from {loader}")
        _exec(f"revoke all on schema {RAW_SCHEMA} from {loader}")
        _exec(f"revoke all on database {database} from {loader}")
        _drop_role_unless_used(settings.loader_role)
    if _role_exists(settings.analyst_role):
        analyst = _ident(settings.analyst_role)
        _exec(f"alter default privileges in schema {MARTS_SCHEMA} "
              f"revoke all on tables from {analyst}")
        _exec(f"revoke all on all tables in schema {MARTS_SCHEMA} from {analyst}")
        _exec(f"revoke all on schema {MARTS_SCHEMA} from {analyst}")
        _exec(f"revoke all on database {database} from {analyst}")
        _drop_role_unless_used(settings.analyst_role)
