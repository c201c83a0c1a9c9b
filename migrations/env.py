"""Alembic environment: the URL and the target metadata come from the project itself."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from etl.db import sqlalchemy_url
from etl.models import RAW_SCHEMA, Base

config = context.config
target_metadata = Base.metadata


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Compare only the raw schema: dbt owns every other schema."""
    schema = getattr(obj, "schema", None) or getattr(getattr(obj, "table", None), "schema", None)
    return schema in (None, RAW_SCHEMA)


def run_migrations_offline() -> None:
    context.configure(
        url=config.attributes.get("url") or sqlalchemy_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        version_table_schema=RAW_SCHEMA,
        include_schemas=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(
        config.attributes.get("url") or sqlalchemy_url(), poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    connection.execute(text(f"create schema if not exists {RAW_SCHEMA}"))
    connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table_schema=RAW_SCHEMA,
        include_schemas=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
