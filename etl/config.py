"""One Settings object for the CLI, the flows, Alembic's env.py and the dbt profile.

Settings come from the environment (prefix ``ALLIANCES_``, plus the conventional
``DATABASE_URL``) or a ``.env`` file in the working directory.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_source_dir() -> Path | None:
    """``../shared/data`` beside the project root, when it exists."""
    candidate = PROJECT_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


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
    dbt_unit_tests: bool = Field(
        default=False,
        description="Run dbt's unit tests (hand-worked cases of the models' SQL) in every "
        "refresh. Off by default, as dbt advises for production: their inputs are fixed, so "
        "they test the code, not the data; the test suite (make test) turns them on.",
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
    # What a source file may do before the loader refuses it (etl.ledger.Guards).
    max_reject_share: float = Field(
        default=0.01, ge=0, le=1,
        description="Share of a file's rows that may be rejected (small files too: 1 of 14 is 7%).",
    )
    max_rejected_rows: int = Field(
        default=1000, ge=0, description="Rejected rows a file may have at most, whatever its size.",
    )
    max_shrink_share: float = Field(
        default=0.05, ge=0, le=1,
        description="Share by which a file's rows may drop against its previous load "
        "(more: refused unless `--accept-shrink FILE`).",
    )
    # Dynamic ordinal ideal points (etl/ideal_points.py; Bailey, Strezhnev & Voeten 2017).
    ideal_points_vote_sets: list[str] = Field(
        default_factory=lambda: ["all", "important", "me", "nu", "di", "hr", "co", "ec"],
        min_length=1,
        description="Vote sets estimated on each refresh: all, important, or the issue codes "
        "me, nu, di, hr, co, ec (ALLIANCES_IDEAL_POINTS_VOTE_SETS='[\"all\", \"hr\"]').",
    )
    # reaches dbt as the var `ideal_point_dyad_vote_sets` (etl.transform.dbt_vars)
    ideal_points_dyad_vote_sets: list[str] = Field(
        default_factory=lambda: ["all"],
        description="Vote sets of fct_dyad_session_ideal_point_distance (about 0.8 million "
        "dyad-sessions each).",
    )
    ideal_points_random_walk_variance: float = Field(
        default=0.5, gt=0,
        description="sigma^2 of the random walk theta_t ~ N(theta_t-1, sigma^2) per session, on "
        "the standardised scale (smaller: smoother paths).",
    )
    ideal_points_position_prior_variance: float = Field(
        default=1.0, gt=0, description="tau^2 of the prior theta ~ N(0, tau^2) of every position.")
    ideal_points_paragraph_cutoff_year: int | None = Field(
        default=1989,
        description="Paragraph (and, with drop_amendments, amendment) votes dated after this "
        "year are dropped, as BSV do from session 44 on; unset: none dropped.",
    )
    ideal_points_drop_amendments: bool = Field(
        default=True, description="Drop amendment votes after the cutoff year too (as BSV).")
    ideal_points_skip_sessions: list[int] = Field(
        default_factory=lambda: [19], description="Sessions left out (19: no recorded votes).")
    ideal_points_beside_build: bool = Field(
        default=True,
        description="The refresh estimates the ideal points beside the rest of the dbt build, "
        "once the votes are built, instead of after it (false: after it, as before).")
    ideal_points_max_iterations: int = Field(default=500, ge=1)
    ideal_points_tolerance: float = Field(
        default=1e-4, gt=0, description="Converged when no position moves more in a sweep.")
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
    def _ideal_point_vote_sets_known(self) -> Settings:
        known = ("all", "important", "me", "nu", "di", "hr", "co", "ec")
        unknown = [v for v in [*self.ideal_points_vote_sets, *self.ideal_points_dyad_vote_sets]
                   if v not in known]
        if unknown:
            raise ValueError(f"ideal_points_vote_sets has {unknown}; known: {', '.join(known)}")
        return self

    @model_validator(mode="after")
    def _hegemons_consistent(self) -> Settings:
        unknown = sorted(set(self.hegemon_rivals) - set(self.hegemon_ccodes))
        if unknown and "hegemon_rivals" not in self.model_fields_set:
            # the default rivals of hegemons the user left out of hegemon_ccodes
            self.hegemon_rivals = {h: r for h, r in self.hegemon_rivals.items()
                                   if h in self.hegemon_ccodes}
        elif unknown:
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
