"""What a refresh asks dbt to build: the source tables of the files it loaded, and no more."""

from __future__ import annotations

from etl.config import Settings
from etl.ledger import LoadOutcome
from etl.transform import changed_source_selectors, dbt_vars, unit_tests_flags


def _load(name: str, status: str) -> LoadOutcome:
    return LoadOutcome(name, f"/data/{name}", "0" * 64, status)


def test_only_the_tables_of_loaded_files_are_selected() -> None:
    loads = [_load("unvotes_votes", "loaded"), _load("unga_voeten_votes", "unchanged"),
             _load("unvotes_roll_calls", "loaded")]
    assert changed_source_selectors("unga", loads) == ["unga.unvotes_votes",
                                                       "unga.unvotes_roll_calls"]


def test_nothing_loaded_selects_nothing_and_run_time_files_select_their_system() -> None:
    assert changed_source_selectors("cow", [_load("cow_nmc", "unchanged")]) == []
    loads = [_load("coalitions/iraq_2003.csv", "loaded"), _load("coalitions/x.csv", "loaded")]
    assert changed_source_selectors("coalitions", loads) == ["coalitions"]


def test_only_a_refresh_builds_into_the_shadow_schemas() -> None:
    assert dbt_vars()["wap_schema_suffix"] == ""
    assert dbt_vars(shadow=True)["wap_schema_suffix"] == "__shadow"


def test_a_refresh_leaves_out_dbt_unit_tests_unless_asked() -> None:
    assert unit_tests_flags(Settings(dbt_unit_tests=False)) == [
        "--exclude-resource-type", "unit_test"]
    assert unit_tests_flags(Settings(dbt_unit_tests=True)) == []
