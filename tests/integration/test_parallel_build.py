"""contract_build='create_table_as' (dbt_project/macros/parallel_build.sql) keeps the contract.

The macro replaces dbt-postgres's CREATE TABLE + INSERT with CREATE TABLE AS + ALTER TABLE for
the models that opt in, so that PostgreSQL may run their query in parallel. A small dbt project
in a temporary directory, using the project's macro file, checks that such a model still gets
its contracted types, its NOT NULL and model-level constraints, and that a violating row fails
the build and leaves the previous table in place.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.config import PROJECT_ROOT, Settings
from etl.db import connect
from etl.transform import dbt_env

pytestmark = pytest.mark.integration

MODEL = """
{{ config(materialized='table', contract_build='create_table_as') }}
select {{ var('id') }}::integer as id, 'label'::varchar(5) as label
"""

SCHEMA = """
version: 2
models:
  - name: probe
    config:
      contract: {enforced: true}
    constraints:
      - type: check
        expression: "id > 0"
    columns:
      - name: id
        data_type: integer
        constraints: [{type: not_null}]
      - name: label
        data_type: varchar(5)
"""


@pytest.fixture()
def probe_project(tmp_path: Path, throwaway_db: Settings,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    project = tmp_path / "probe"
    (project / "models").mkdir(parents=True)
    (project / "macros").mkdir()
    shutil.copy(PROJECT_ROOT / "dbt_project" / "profiles.yml", project)
    shutil.copy(PROJECT_ROOT / "dbt_project" / "macros" / "parallel_build.sql",
                project / "macros")
    (project / "dbt_project.yml").write_text(
        "name: probe\nversion: '1.0.0'\nconfig-version: 2\nprofile: alliance_warehouse\n"
        "flags: {send_anonymous_usage_stats: false}\n"
    )
    (project / "models" / "probe.sql").write_text(MODEL)
    (project / "models" / "schema.yml").write_text(SCHEMA)
    for key, value in dbt_env(throwaway_db).items():
        monkeypatch.setenv(key, value)
    yield project


def _run(project: Path, probe_id: str) -> bool:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([
        "run", "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(project / "target"), "--log-path", str(project / "logs"),
        "--vars", f"{{id: {probe_id}}}",
    ])
    return result.success


def test_contract_holds_when_built_as_create_table_as(
        probe_project: Path, throwaway_db: Settings) -> None:
    assert _run(probe_project, "1")
    with connect(throwaway_db) as conn:
        columns = conn.execute("""
            select column_name, data_type, character_maximum_length, is_nullable
            from information_schema.columns
            where table_schema = 'analytics' and table_name = 'probe'
            order by ordinal_position
        """).fetchall()
        checks = conn.execute("""
            select pg_get_constraintdef(oid) from pg_constraint
            where conrelid = 'analytics.probe'::regclass and contype = 'c'
        """).fetchall()
        rows = conn.execute("select id, label from analytics.probe").fetchall()
    assert columns == [
        ("id", "integer", None, "NO"),
        ("label", "character varying", 5, "YES"),
    ]
    assert checks == [("CHECK ((id > 0))",)]
    assert rows == [(1, "label")]
    # and it was built by the macro's path, not dbt-postgres's CREATE TABLE + INSERT
    ddl = (probe_project / "target" / "run" / "probe" / "models" / "probe.sql").read_text()
    assert "insert into" not in ddl
    assert "alter column id set not null" in ddl


@pytest.mark.parametrize("bad_id", ["null", "-1"])
def test_violating_row_fails_and_keeps_the_previous_table(
        probe_project: Path, throwaway_db: Settings, bad_id: str) -> None:
    assert _run(probe_project, "7")
    assert not _run(probe_project, bad_id)
    with connect(throwaway_db) as conn:
        rows = conn.execute("select id from analytics.probe").fetchall()
    assert rows == [(7,)]
