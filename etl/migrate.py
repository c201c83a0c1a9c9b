"""Run the Alembic migrations of the raw schema from Python (the CLI and the flow call this)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from etl.config import PROJECT_ROOT, Settings, get_settings
from etl.db import sqlalchemy_url


def alembic_config(settings: Settings | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["url"] = sqlalchemy_url(settings or get_settings())
    return config


def upgrade(settings: Settings | None = None, revision: str = "head") -> None:
    """Bring the raw schema up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(settings), revision)
