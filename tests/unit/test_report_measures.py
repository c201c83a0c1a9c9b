"""The report's summaries and the docs check, on hand-worked tiny cases (no database)."""

from __future__ import annotations

import math

import pytest

from etl.docs import undocumented_mart_columns
from etl.report import (
    Rows,
    allies_by_decade,
    capability_fits,
    chart_allies_by_year,
    chart_capability_vs_affinity,
    chart_coalitions_before_after,
    html_table,
    least_squares,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_least_squares_on_a_hand_worked_line() -> None:
    # y = 0.5 - 0.1 x exactly: slope -0.1, intercept 0.5, r = -1
    slope, intercept, r = least_squares([0.0, 1.0, 2.0, 3.0], [0.5, 0.4, 0.3, 0.2])  # type: ignore[misc]
    assert slope == pytest.approx(-0.1) and intercept == pytest.approx(0.5)
    assert r == pytest.approx(-1.0)
    # x = 0, 1, 2; y = 0, 1, 1: mean x 1, mean y 2/3, sxy = 1, sxx = 2, syy = 2/3
    slope, intercept, r = least_squares([0.0, 1.0, 2.0], [0.0, 1.0, 1.0])  # type: ignore[misc]
    assert slope == pytest.approx(0.5) and intercept == pytest.approx(1 / 6)
    assert r == pytest.approx(1 / math.sqrt(2 * 2 / 3))


def test_least_squares_needs_three_points_and_spread() -> None:
    assert least_squares([1.0, 2.0], [0.1, 0.2]) is None
    assert least_squares([1.0, 1.0, 1.0], [0.1, 0.2, 0.3]) is None


def _allies_rows() -> Rows:
    columns = ("year", "hegemon_ccode", "alliance_status", "n_states",
               "mean_agree_exact_hegemon", "median_agree_exact_hegemon", "mean_s_score_hegemon")
    return Rows(columns, (
        (1990, 2, "treaty_ally", 10, 0.6, 0.6, 0.2),
        (1991, 2, "treaty_ally", 30, 0.2, 0.2, 0.1),
        (1990, 2, "non_ally", 50, 0.1, 0.1, -0.5),
        (2001, 2, "non_ally", 40, 0.3, 0.3, -0.1),
    ))


def test_decade_means_weight_each_year_by_its_states() -> None:
    table = allies_by_decade(_allies_rows())
    by_years = {row[0]: row for row in table.rows}
    # 1990s treaty allies: (10 * 0.6 + 30 * 0.2) / 40 = 0.3; non-allies 0.1; lead 0.2
    assert by_years["1990-1991"][1] == pytest.approx(0.3)
    assert by_years["1990-1991"][2] is None  # no other ATOP ally: missing, not 0
    assert by_years["1990-1991"][3] == pytest.approx(0.1)
    assert by_years["1990-1991"][4] == pytest.approx(0.2)
    assert by_years["2001-2001"][1] is None and by_years["2001-2001"][4] is None


def test_capability_fits_per_status_and_for_all() -> None:
    rows = Rows(("alliance_status", "log10_capability_ratio", "agree_exact_hegemon"), (
        ("treaty_ally", 0.0, 0.5), ("treaty_ally", 1.0, 0.4), ("treaty_ally", 2.0, 0.3),
        ("non_ally", 1.0, 0.2),
    ))
    fits = {row[0]: row for row in capability_fits(rows).rows}
    assert fits["Treaty allies (defence obligation)"][1:] == (3, pytest.approx(-1.0),
                                                              pytest.approx(-0.1))
    assert fits["Non-allies"][1:] == (1, None, None)
    assert fits["All states"][1] == 4


def test_charts_are_pngs_with_or_without_rows() -> None:
    assert chart_allies_by_year(_allies_rows(), "USA").startswith(PNG_SIGNATURE)
    assert chart_allies_by_year(Rows(_allies_rows().columns, ()), "USA").startswith(PNG_SIGNATURE)
    assert chart_capability_vs_affinity(
        Rows(("alliance_status", "log10_capability_ratio", "agree_exact_hegemon"), ()), "USA"
    ).startswith(PNG_SIGNATURE)
    assert chart_coalitions_before_after(Rows(("coalition",), ()), "USA").startswith(PNG_SIGNATURE)


def test_table_cells_are_escaped_and_missing_shows_as_a_dash() -> None:
    table = html_table(Rows(("name", "value"), (("<b>Iraq</b>", None), ("x", 0.12345))))
    assert "&lt;b&gt;Iraq&lt;/b&gt;" in table and "<b>" not in table
    assert "<td>&ndash;</td>" in table and "<td>0.123</td>" in table


def test_undocumented_mart_columns_are_named() -> None:
    manifest = {"nodes": {
        "model.p.mart_a": {"resource_type": "model", "schema": "marts", "name": "mart_a",
                           "description": "One row per x.",
                           "columns": {"x": {"description": "X."}, "y": {"description": " "}}},
        "model.p.mart_b": {"resource_type": "model", "schema": "marts", "name": "mart_b",
                           "description": "", "columns": {}},
        "model.p.stg_c": {"resource_type": "model", "schema": "staging", "name": "stg_c",
                          "description": "", "columns": {}},
    }}
    catalog = {"nodes": {
        "model.p.mart_a": {"columns": {"x": {}, "y": {}, "z": {}}},
        "model.p.mart_b": {"columns": {"k": {}}},
        "model.p.stg_c": {"columns": {"q": {}}},
    }}
    assert undocumented_mart_columns(manifest, catalog) == [
        "mart_a.y", "mart_a.z", "mart_b (the model itself)", "mart_b.k"]
