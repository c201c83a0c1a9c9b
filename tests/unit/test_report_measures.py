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
    ols_fit,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_ols_fit_on_hand_worked_lines() -> None:
    # y = 0.5 - 0.1 x exactly: slope -0.1, intercept 0.5, r = -1, an interval of width 0
    fit = ols_fit([0.0, 1.0, 2.0, 3.0], [0.5, 0.4, 0.3, 0.2])
    assert fit is not None
    assert fit.slope == pytest.approx(-0.1) and fit.intercept == pytest.approx(0.5)
    assert fit.r == pytest.approx(-1.0)
    assert fit.slope_ci == (pytest.approx(-0.1), pytest.approx(-0.1))
    # x = 0, 1, 2; y = 0, 1, 1: mean x 1, mean y 2/3, sxy = 1, sxx = 2, syy = 2/3
    # slope 1/2, intercept 1/6; residuals -1/6, 1/3, -1/6: SSE 1/6 on 1 df, so
    # se(slope) = sqrt((1/6) / 2) = 0.288675; t(0.975, 1 df) = 12.7062 -> 0.5 +- 3.66799
    fit = ols_fit([0.0, 1.0, 2.0], [0.0, 1.0, 1.0])
    assert fit is not None
    assert fit.slope == pytest.approx(0.5) and fit.intercept == pytest.approx(1 / 6)
    assert fit.r == pytest.approx(1 / math.sqrt(2 * 2 / 3))
    assert fit.slope_ci[0] == pytest.approx(0.5 - 3.66799, abs=1e-4)
    assert fit.slope_ci[1] == pytest.approx(0.5 + 3.66799, abs=1e-4)
    # the band of the mean at x = 1 (the mean of x): yhat 2/3 +- t * s / sqrt(n)
    lower, upper = fit.band([1.0])
    half = 12.7062 * math.sqrt(1 / 6) / math.sqrt(3)
    assert lower[0] == pytest.approx(2 / 3 - half, abs=1e-3)
    assert upper[0] == pytest.approx(2 / 3 + half, abs=1e-3)


def test_ols_fit_needs_three_points_and_spread() -> None:
    assert ols_fit([1.0, 2.0], [0.1, 0.2]) is None
    assert ols_fit([1.0, 1.0, 1.0], [0.1, 0.2, 0.3]) is None


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
    assert fits["Treaty allies (defence obligation)"][1:4] == (3, pytest.approx(-1.0),
                                                               pytest.approx(-0.1))
    assert fits["Non-allies"][1:] == (1, None, None, None, None)
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
