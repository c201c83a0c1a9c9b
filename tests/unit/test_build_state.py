"""When a refresh may skip Alembic and dbt: the migration head read as text, the fingerprint."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import build_state
from etl.config import Settings


def _script(directory: Path, name: str, revision: str, down: str | None) -> None:
    down_text = "None" if down is None else f'"{down}"'
    (directory / name).write_text(
        f'"""x"""\nrevision: str = "{revision}"\ndown_revision: str | None = {down_text}\n')


def test_the_head_is_the_revision_nobody_revises(tmp_path: Path) -> None:
    _script(tmp_path, "0001_a.py", "0001", None)
    _script(tmp_path, "0002_b.py", "0002", "0001")
    assert build_state.migration_head(tmp_path) == "0002"
    _script(tmp_path, "0003_c.py", "0003", "0001")  # two heads: let Alembic decide
    assert build_state.migration_head(tmp_path) is None


def test_a_script_in_another_shape_means_unsure(tmp_path: Path) -> None:
    _script(tmp_path, "0001_a.py", "0001", None)
    (tmp_path / "0002_b.py").write_text("revision = compute()\n")
    assert build_state.migration_head(tmp_path) is None


def test_the_project_has_one_head() -> None:
    assert build_state.migration_head() is not None


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    dbt = tmp_path / "dbt_project"
    (dbt / "models").mkdir(parents=True)
    (dbt / "target").mkdir()
    (dbt / "dbt_project.yml").write_text("name: x\n")
    (dbt / "models" / "m.sql").write_text("select 1\n")
    monkeypatch.setattr(Settings, "dbt_project_dir", property(lambda self: dbt))
    return Settings(_env_file=None)


def test_fingerprint_follows_the_code_and_the_table_shaping_vars(project: Settings) -> None:
    base = {"hegemon_ccode": 2, "models_git_commit": "a" * 40, "tool_versions": {"x": "1"}}
    first = build_state.fingerprint(project, base)
    # a new commit or tool version alone does not make the tables stale
    assert build_state.fingerprint(project, {**base, "models_git_commit": "b" * 40,
                                             "tool_versions": {"x": "2"}}) == first
    assert build_state.fingerprint(project, {**base, "hegemon_ccode": 365}) != first
    (project.dbt_project_dir / "target" / "run.sql").write_text("ignored")  # build output
    assert build_state.fingerprint(project, base) == first
    (project.dbt_project_dir / "models" / "m.sql").write_text("select 2\n")
    assert build_state.fingerprint(project, base) != first
