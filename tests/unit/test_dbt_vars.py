"""Settings reach dbt as vars, the one way in; dbt_project.yml declares each with its default."""

from __future__ import annotations

import json

import pytest
import yaml

from etl.build_state import VOLATILE_VARS
from etl.config import PROJECT_ROOT, Settings
from etl.transform import dbt_args, dbt_vars


def _declared_vars() -> dict:
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project" / "dbt_project.yml").read_text())
    return project["vars"]


def test_every_var_passed_is_declared_with_the_settings_default(monkeypatch):
    monkeypatch.delenv("ALLIANCES_HEGEMON_CCODES", raising=False)
    passed = dbt_vars(Settings(_env_file=None))
    declared = _declared_vars()
    assert set(passed) == set(declared)
    # the build's description (git commit, tool versions) is the run's, not a default
    stable = set(declared) - VOLATILE_VARS
    assert {k: passed[k] for k in stable} == {k: declared[k] for k in stable}
    assert passed["tool_versions"]["dbt-core"].startswith("1.")
    assert passed["models_git_commit"] != ""


def test_hegemon_settings_from_the_environment_reach_dbt(monkeypatch):
    monkeypatch.setenv("ALLIANCES_HEGEMON_CCODES", "[365, 710]")
    monkeypatch.setenv("ALLIANCES_HEGEMON_RIVALS", '{"365": [2, 710]}')
    monkeypatch.setenv("ALLIANCES_HEGEMON_CCODE", "365")
    settings = Settings(_env_file=None)
    args = dbt_args(["build"], settings)
    passed = json.loads(args[args.index("--vars") + 1])
    assert passed["hegemon_ccodes"] == [365, 710]
    assert passed["hegemon_rivals"] == {"365": [2, 710], "710": []}
    assert passed["hegemon_ccode"] == 365
    assert passed["rival_ccode"] == 2


def test_rivals_of_an_unlisted_hegemon_are_refused(monkeypatch):
    monkeypatch.setenv("ALLIANCES_HEGEMON_CCODES", "[2]")
    monkeypatch.setenv("ALLIANCES_HEGEMON_RIVALS", '{"710": [2]}')
    with pytest.raises(ValueError, match="not in hegemon_ccodes"):
        Settings(_env_file=None)


def test_a_changed_hegemon_setting_is_a_change_of_the_build(monkeypatch, tmp_path):
    """dbt's state does not see a var only a model's SQL reads: the refresh compares the vars
    of the last good build (etl.build_state.vars_changed) and then rebuilds from scratch."""
    from etl import build_state
    from etl.config import get_settings

    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:5999/vars_probe")
    monkeypatch.setenv("ALLIANCES_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.delenv("ALLIANCES_HEGEMON_CCODES", raising=False)
    get_settings.cache_clear()
    try:
        assert not build_state.vars_changed()  # nothing saved yet: dbt's state decides
        build_state.record()
        assert not build_state.vars_changed()
        monkeypatch.setenv("ALLIANCES_HEGEMON_CCODES", "[2]")
        get_settings.cache_clear()
        assert build_state.vars_changed()
        assert not build_state.is_current()
    finally:
        get_settings.cache_clear()
