"""Role hardening: the analyst reads the marts and nothing else; a working analyst login.

Migration 0004 made the roles and their grants. What PostgreSQL grants every role (PUBLIC) by
default still let the analyst do more than read the marts; this migration takes it back, in
this database:

- ``TEMPORARY`` on the database (temporary tables, and temporary functions in ``pg_temp``)
  and ``CONNECT``: revoked from PUBLIC; ``CONNECT`` is granted again to the analyst and the
  loader (0004 did so already), ``TEMPORARY`` to the loader only. The owner keeps both as the
  database's owner.
- Schema ``public``: every privilege revoked from PUBLIC (PostgreSQL 14 still grants CREATE
  there, every version USAGE), so the analyst sees no schema but ``marts``.
- Large objects (``lo_create``, ``lo_creat``, ``lo_from_bytea``, ``lo_import``): EXECUTE
  revoked from PUBLIC, when the migrating role may (a superuser; the functions belong to the
  bootstrap superuser): else an analyst could still create objects of that kind.
- The analyst's ``search_path`` in this database is ``marts``, so BI tools list the marts first.
- Embedded server only (no ``DATABASE_URL``) and no ``ALLIANCES_ANALYST_PASSWORD``: the analyst
  role gets LOGIN and a generated password, kept with the server's data
  (``pgdata/alliances_analyst.password``, mode 0600; ``alliances db url --analyst`` prints the
  URL). The password is hashed (SCRAM-SHA-256) on the client. With ``DATABASE_URL`` the
  password is the user's business (``ALLIANCES_ANALYST_PASSWORD``, migration 0004).

COPY TO/FROM PROGRAM or files, ``pg_read_file`` and ``SET ROLE`` were never granted to the
analyst (they need superuser or membership of ``pg_execute_server_program``,
``pg_read_server_files``, ``pg_write_server_files``); the tests check that they stay refused.

The downgrade gives PUBLIC back what it had (CONNECT and TEMPORARY on the database, USAGE on
``public``, EXECUTE on the large-object functions) and resets the analyst's search_path; it
leaves the analyst's login and password as they are.

Revision ID: 0008
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from etl.config import get_settings

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LARGE_OBJECT_FUNCTIONS = (
    "lo_create(oid)", "lo_creat(integer)", "lo_from_bytea(oid, bytea)", "lo_import(text)",
    "lo_import(text, oid)",
)


def _exec(statement: str) -> None:
    """One statement as written (no ``:name`` bind parsing; SCRAM verifiers contain ``=:``)."""
    op.get_bind().exec_driver_sql(statement.replace("%", "%%"))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _role_exists(name: str) -> bool:
    return op.get_bind().execute(
        sa.text("select 1 from pg_catalog.pg_roles where rolname = :name"), {"name": name}
    ).first() is not None


def _is_superuser() -> bool:
    return bool(op.get_bind().execute(sa.text(
        "select rolsuper from pg_catalog.pg_roles where rolname = current_user")).scalar())


def _database() -> str:
    return _ident(str(op.get_bind().execute(sa.text("select current_database()")).scalar()))


def _embedded_analyst_login(role: str) -> None:
    """On the embedded server, give the analyst LOGIN and its stored (generated) password."""
    from etl.db import embedded, scram_verifier

    settings = get_settings()
    if settings.database_url is not None or settings.analyst_password is not None:
        return
    password = embedded(settings).analyst_password()
    dbapi = op.get_bind().connection.dbapi_connection
    verifier = scram_verifier(dbapi, role, password)  # type: ignore[arg-type]
    _exec(f"alter role {_ident(role)} with login password {_literal(verifier)}")


def upgrade() -> None:
    settings = get_settings()
    database = _database()
    analyst, loader = _ident(settings.analyst_role), _ident(settings.loader_role)
    _exec(f"revoke connect, temporary on database {database} from public")
    _exec(f"grant connect on database {database} to {analyst}, {loader}")
    _exec(f"grant temporary on database {database} to {loader}")
    _exec("""
        do $$
        begin
            if exists (select from pg_catalog.pg_namespace where nspname = 'public') then
                revoke all on schema public from public;
            end if;
        end
        $$
    """)
    if _is_superuser():
        for function in _LARGE_OBJECT_FUNCTIONS:
            _exec(f"revoke execute on function pg_catalog.{function} from public")
    _exec(f"alter role {analyst} in database {database} set search_path = marts")
    if _role_exists(settings.analyst_role):
        _embedded_analyst_login(settings.analyst_role)


def downgrade() -> None:
    settings = get_settings()
    database = _database()
    _exec(f"grant connect, temporary on database {database} to public")
    _exec("""
        do $$
        begin
            if exists (select from pg_catalog.pg_namespace where nspname = 'public') then
                grant usage on schema public to public;
            end if;
        end
        $$
    """)
    if _is_superuser():
        for function in _LARGE_OBJECT_FUNCTIONS:
            _exec(f"grant execute on function pg_catalog.{function} to public")
    if _role_exists(settings.loader_role):
        _exec(f"revoke temporary on database {database} from {_ident(settings.loader_role)}")
    if _role_exists(settings.analyst_role):
        _exec(f"alter role {_ident(settings.analyst_role)} in database {database} "
              "reset search_path")
