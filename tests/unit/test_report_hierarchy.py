"""The report's hierarchy chart (d) and its table, on hand-made analysis rows (no database)."""

from __future__ import annotations

from etl.report import (
    ANALYSES,
    CITED_ENTRIES,
    Rows,
    chart_hierarchy_vs_legitimacy,
    hierarchy_points,
    hierarchy_table,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLUMNS = ("hegemon_ccode", "measure", "band", "band_lower", "band_upper", "n_states",
           "n_observations", "mean_hierarchy_index", "mean_value")


def _rows() -> Rows:
    return Rows(COLUMNS, (
        (2, "iraq_2003", 6, 0.5, 0.6, 40, 40, 0.55, 0.25),
        (2, "agree_exact", 6, 0.5, 0.6, 30, 600, 0.55, 0.4),
        (2, "agree_exact", 5, 0.4, 0.5, 20, 300, 0.45, 0.3),
        (2, "iraq_2003", 10, 0.9, 1.0, 2, 2, 1.0, 1.0),
        (2, "agree_exact", 9, 0.8, 0.9, 3, 10, 0.85, None),
    ))


def test_points_per_measure_in_band_order_without_missing_values() -> None:
    assert hierarchy_points(_rows()) == {
        "agree_exact": [(0.45, 0.3, 20), (0.55, 0.4, 30)],
        "iraq_2003": [(0.55, 0.25, 40), (1.0, 1.0, 2)],
    }


def test_table_lists_votes_first_with_readable_bands() -> None:
    table = hierarchy_table(_rows())
    assert table.columns[:3] == ("measure", "hierarchy band", "states")
    assert [row[:3] for row in table.rows] == [
        ("agree_exact", "0.4-0.5", 20), ("agree_exact", "0.5-0.6", 30),
        ("agree_exact", "0.8-0.9", 3), ("iraq_2003", "0.5-0.6", 40), ("iraq_2003", "0.9-1.0", 2),
    ]


def test_chart_is_a_png_with_and_without_rows() -> None:
    assert chart_hierarchy_vs_legitimacy(_rows(), "United States").startswith(PNG_SIGNATURE)
    assert chart_hierarchy_vs_legitimacy(Rows(COLUMNS, ()), "Russia").startswith(PNG_SIGNATURE)


def test_the_analysis_is_registered_in_the_report_and_cites_the_troop_data() -> None:
    assert {"troops_country_years", "troops_bases"} <= set(CITED_ENTRIES)
    names = [analysis.name for analysis in ANALYSES]
    assert names[-1] == "hierarchy_vs_legitimacy_supply"
    assert len(set(a.anchor for a in ANALYSES)) == len(ANALYSES)
