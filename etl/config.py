"""One Settings object for the CLI, the flows, Alembic's env.py and the dbt profile.

Settings come from the environment (prefix ``ALLIANCES_``, plus the conventional
``DATABASE_URL``) or a ``.env`` file in the working directory.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_source_dir() -> Path | None:
    """``../shared/data`` beside the project root, when it exists."""
    candidate = PROJECT_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def _default_parallel_workers() -> int:
    """One parallel worker per core left over beside the query's own process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 2) - 1)


class Settings(BaseSettings):
    """Where the warehouse lives and where its sources come from."""

    model_config = SettingsConfigDict(
        env_prefix="ALLIANCES_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "ALLIANCES_DATABASE_URL"),
        description="PostgreSQL >= 14 to use; unset: the embedded server under warehouse_dir.",
    )
    warehouse_dir: Path = Field(
        default=PROJECT_ROOT / ".warehouse",
        description="Embedded PostgreSQL data, download cache, dbt and Prefect state.",
    )
    source_dir: Path | None = Field(
        default_factory=_default_source_dir,
        description="A directory laid out like ../shared/data; unset: download into the cache.",
    )
    download_base_url: str | None = Field(
        default=None, description="Mirror serving the source layout; unset: the publishers' URLs."
    )
    embedded_database: str = Field(default="alliances", description="Database name when embedded.")
    dbt_threads: int = Field(default=2, ge=1)
    parallel_workers: int = Field(
        default_factory=_default_parallel_workers,
        ge=0,
        description="PostgreSQL workers for the dyad-year build (default: cores - 1; 0: none). "
        "Set it from the server's cores when DATABASE_URL points to another machine.",
    )
    # The hegemons the hegemon marts are built for, and each one's rivals (COW codes). They
    # reach dbt as the vars `hegemon_ccodes` and `hegemon_rivals` (etl.transform.dbt_vars).
    # Environment: ALLIANCES_HEGEMON_CCODES='[2, 365]', ALLIANCES_HEGEMON_RIVALS='{"2": [365]}'.
    hegemon_ccodes: list[int] = Field(
        default_factory=lambda: [2, 365, 710], min_length=1,
        description="Hegemons of the hegemon marts (2 = USA, 365 = Russia/USSR, 710 = China).",
    )
    hegemon_rivals: dict[int, list[int]] = Field(
        default_factory=lambda: {2: [365, 710], 365: [2], 710: [2]},
        description="Rival(s) of each hegemon (COW codes); a hegemon not listed has none.",
    )
    hegemon_ccode: int = Field(
        default=2, description="The hegemon of the report and of single-hegemon views (2 = USA).")
    legitimacy_window_years: int = Field(
        default=3, ge=1, le=10,
        description="Years before and after a coalition's launch pooled in the legitimacy marts.",
    )
    min_joint_votes: int = Field(
        default=10, ge=1,
        description="The report's analyses leave out a state-year (or window) on fewer joint "
        "roll calls with the hegemon than this (dbt var min_joint_votes).",
    )
    # Database roles (migration 0004). Roles are cluster-wide: set the names before the first
    # migration. A role whose password is unset is created NOLOGIN (it cannot connect).
    analyst_role: str = Field(
        default="analyst", pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="Read-only role of analysts and BI tools (select on schema marts only).",
    )
    analyst_password: SecretStr | None = Field(
        default=None, description="Password of the analyst role; unset: the role is NOLOGIN.",
    )
    loader_role: str = Field(
        default="loader", pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="Role that writes the raw schema (landing tables, ledger).",
    )
    loader_password: SecretStr | None = Field(
        default=None, description="Password of the loader role; unset: the role is NOLOGIN.",
    )
    # The nightly deployment of the refresh flow (`alliances schedule`).
    schedule_cron: str = Field(default="0 3 * * *", description="Cron of the nightly refresh.")
    schedule_timezone: str = Field(default="UTC", description="IANA time zone of schedule_cron.")

    @model_validator(mode="after")
    def _hegemons_consistent(self) -> Settings:
        unknown = sorted(set(self.hegemon_rivals) - set(self.hegemon_ccodes))
        if unknown:
            raise ValueError(f"hegemon_rivals names {unknown}, which are not in hegemon_ccodes "
                             f"{self.hegemon_ccodes}")
        return self

    @property
    def cache_dir(self) -> Path:
        return self.warehouse_dir / "cache"

    @property
    def pgdata_dir(self) -> Path:
        return self.warehouse_dir / "pgdata"

    @property
    def dbt_project_dir(self) -> Path:
        return PROJECT_ROOT / "dbt_project"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()
