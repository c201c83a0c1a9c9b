"""``alliances report``: the research analyses as PNG charts and one self-contained HTML page.

The numbers come from the marts through the analyses of ``dbt_project/analyses/`` (compiled by
dbt, run here as they are), so the page and an analyst running the same SQL in psql see the same
rows. Each chart is written as a PNG and embedded in ``index.html`` as a data URI: the page has
no external resource and can be mailed or archived as one file. Each analysis's rows are also
written as CSV beside it.

Each chart carries its source line and its N (in the PNG and in the caption); state-years on
fewer joint roll calls than ``min_joint_votes`` (setting ``ALLIANCES_MIN_JOINT_VOTES``, default
10) are left out by the analyses, and the page says so. Fits are ordinary least squares from
statsmodels, drawn with their 95% confidence band. The page is rendered from the Jinja2
template ``etl/templates/report.html`` (autoescaped) and ends with ``marts.build_info``: the
versions and sha256 of the source files and the git commit of the models behind the numbers.

Charts are a plain list (:data:`ANALYSES`): to add one, append an :class:`Analysis` with its
analysis SQL, chart and table functions.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import math
import shutil
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from etl.config import Settings, get_settings
from etl.db import database_url
from etl.errors import WarehouseError
from etl.sources import catalog
from etl.transform import dbt_args

DBT_PROJECT_NAME = "alliance_warehouse"
STATUS_ORDER = ("treaty_ally", "other_atop_ally", "non_ally")
STATUS_LABELS = {
    "treaty_ally": "Treaty allies (defence obligation)",
    "other_atop_ally": "Other ATOP allies",
    "non_ally": "Non-allies",
}
STATUS_COLOURS = {"treaty_ally": "#1f4e9c", "other_atop_ally": "#5fa8d3", "non_ally": "#d1495b"}
MEMBERSHIP_COLOURS = {"member": "#1f4e9c", "non_member": "#d1495b"}
# the catalog entries whose data the analyses use, in the order the page cites them
CITED_ENTRIES = ("unga_voeten_votes", "unvotes_votes", "atop_alliances", "cow_nmc", "cow_states",
                 "troops_country_years", "troops_bases")


class ReportError(WarehouseError):
    """The report cannot be made: an analysis does not compile or a mart it reads is missing."""


@dataclass(frozen=True)
class Rows:
    """The result of one query: column names and rows."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Analysis:
    """One research question: its analysis (dbt_project/analyses/<name>.sql) and its chart."""

    name: str
    anchor: str
    title: str
    question: str
    chart: Callable[[Rows, str], bytes]
    table: Callable[[Rows], Rows]
    reading: str
    sources: Sequence[str] = ()  # catalog names (etl/cite.py SOURCE_VERSIONS) of its source line
    n_text: Callable[[Rows], str] = lambda rows: f"N = {len(rows):,} rows."


@dataclass
class Section:
    analysis: Analysis
    rows: Rows
    png: bytes
    table: Rows

    @property
    def source_line(self) -> str:
        return source_line(self.analysis.sources) if self.analysis.sources else ""

    @property
    def n_text(self) -> str:
        return self.analysis.n_text(self.rows)

    @property
    def data_uri(self) -> str:
        return _data_uri(self.png)

    @property
    def table_html(self) -> str:
        return html_table(self.table)


@dataclass
class ReportResult:
    html_path: Path
    chart_paths: list[Path] = field(default_factory=list)
    csv_paths: list[Path] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)


# --- compiling and running the analyses ----------------------------------------------------------

def compile_analyses(names: Sequence[str], settings: Settings | None = None) -> dict[str, str]:
    """The SQL of each analysis, compiled by dbt against the warehouse's settings.

    Compiles into ``<warehouse>/dbt/report-target`` so that a report never rewrites the target
    directory of a refresh that may be running.
    """
    from dbt.cli.main import dbtRunner

    settings = settings or get_settings()
    target = settings.warehouse_dir / "dbt" / "report-target"
    args = dbt_args(["--log-level", "none", "compile", "--select", *names], settings,
                    target_path=target)
    compiled_dir = target / "compiled" / DBT_PROJECT_NAME / "analyses"
    shutil.rmtree(compiled_dir, ignore_errors=True)  # no stale SQL of a removed analysis
    result = dbtRunner().invoke(args)
    if not result.success:
        raise ReportError(f"dbt could not compile the analyses {', '.join(names)}: "
                          f"{result.exception or 'see the dbt log in .warehouse/dbt/logs'}")
    compiled = {}
    for name in names:
        path = compiled_dir / f"{name}.sql"
        if not path.is_file():
            raise ReportError(f"dbt compiled no SQL for analysis {name!r} (expected {path}); is "
                              f"dbt_project/analyses/{name}.sql there?")
        compiled[name] = path.read_text(encoding="utf-8")
    return compiled


def fetch(conn: psycopg.Connection, name: str, sql: str) -> Rows:
    """Run one compiled analysis; a missing mart becomes a ReportError that says what to do."""
    try:
        cursor = conn.execute(sql)  # type: ignore[arg-type]  # compiled SQL, not user input
    except psycopg.errors.UndefinedTable as exc:
        conn.rollback()
        raise ReportError(f"analysis {name}: a mart it reads is not built "
                          f"({str(exc).splitlines()[0]}); run `alliances refresh` first") from exc
    except psycopg.Error as exc:
        conn.rollback()
        raise ReportError(f"analysis {name} failed: {str(exc).splitlines()[0]}") from exc
    columns = tuple(d.name for d in cursor.description or ())
    return Rows(columns, tuple(tuple(r) for r in cursor.fetchall()))


# --- summaries shown as tables -------------------------------------------------------------------

def _weighted_mean(pairs: Sequence[tuple[float, int]]) -> float | None:
    total = sum(n for _, n in pairs)
    return sum(v * n for v, n in pairs) / total if total else None


def allies_by_decade(rows: Rows) -> Rows:
    """Mean agreement per decade and status (weighted by states), and the allies' lead."""
    cells: dict[tuple[int, str], list[tuple[float, int]]] = defaultdict(list)
    for r in rows.dicts():
        if r["mean_agree_exact_hegemon"] is not None:
            cells[(r["year"] // 10 * 10, r["alliance_status"])].append(
                (float(r["mean_agree_exact_hegemon"]), int(r["n_states"])))
    out = []
    for decade in sorted({d for d, _ in cells}):
        means = {s: _weighted_mean(cells.get((decade, s), [])) for s in STATUS_ORDER}
        years = sorted({r["year"] for r in rows.dicts() if r["year"] // 10 * 10 == decade})
        lead = (means["treaty_ally"] - means["non_ally"]
                if means["treaty_ally"] is not None and means["non_ally"] is not None else None)
        out.append((f"{years[0]}-{years[-1]}", *(means[s] for s in STATUS_ORDER), lead))
    return Rows(("years", *(STATUS_LABELS[s] for s in STATUS_ORDER),
                 "treaty allies minus non-allies"), tuple(out))


def coalition_table(rows: Rows) -> Rows:
    """The analysis rows as they are, with readable windows."""
    out = []
    for r in rows.dicts():
        out.append((r["coalition"], r["membership"], r["n_states"], r["n_treaty_allies"],
                    f"{r['first_year_before']}-{r['reference_year'] - 1}",
                    r["mean_agree_exact_before"],
                    f"{r['reference_year'] + 1}-{r['last_year_after']}",
                    r["mean_agree_exact_after"], r["mean_agree_exact_change"]))
    return Rows(("coalition", "membership", "states", "of them treaty allies", "before",
                 "mean agreement before", "after", "mean agreement after", "mean change"),
                tuple(out))


@dataclass(frozen=True)
class Fit:
    """An OLS fit of y on x (statsmodels): the line, Pearson r and the slope's 95% interval."""

    slope: float
    intercept: float
    r: float
    slope_ci: tuple[float, float]
    n: int
    model: Any = field(repr=False, compare=False, default=None)

    def band(self, xs: Sequence[float], alpha: float = 0.05) -> tuple[list[float], list[float]]:
        """The (1 - alpha) confidence band of the fitted mean at ``xs``: lower, upper."""
        import numpy as np

        exog = np.column_stack([np.ones(len(xs)), np.asarray(xs, dtype=float)])
        frame = self.model.get_prediction(exog).summary_frame(alpha=alpha)
        return frame["mean_ci_lower"].tolist(), frame["mean_ci_upper"].tolist()


def ols_fit(xs: Sequence[float], ys: Sequence[float]) -> Fit | None:
    """OLS of y on x with statsmodels; None with fewer than 3 points or no spread in x or y."""
    n = len(xs)
    if n < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    import numpy as np
    import statsmodels.api as sm

    x = np.asarray(xs, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a perfect fit warns about its zero residuals
        model = sm.OLS(np.asarray(ys, dtype=float), sm.add_constant(x, has_constant="add")).fit()
        lo, hi = model.conf_int(alpha=0.05)[1]
    intercept, slope = (float(v) for v in model.params)
    r = math.copysign(math.sqrt(max(model.rsquared, 0.0)), slope)
    return Fit(slope, intercept, r, (float(lo), float(hi)), n, model)


def capability_fits(rows: Rows) -> Rows:
    """Per alliance status (and all states): state-years, Pearson r, the OLS slope, its 95% CI."""
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in rows.dicts():
        point = (float(r["log10_capability_ratio"]), float(r["agree_exact_hegemon"]))
        groups[r["alliance_status"]].append(point)
        groups["all"].append(point)
    out = []
    for status in (*STATUS_ORDER, "all"):
        points = groups.get(status, [])
        fit = ols_fit([p[0] for p in points], [p[1] for p in points])
        out.append((STATUS_LABELS.get(status, "All states"), len(points),
                    fit.r if fit else None, fit.slope if fit else None,
                    fit.slope_ci[0] if fit else None, fit.slope_ci[1] if fit else None))
    return Rows(("states", "state-years", "Pearson r", "agreement per tenfold ratio",
                 "95% CI low", "95% CI high"), tuple(out))


# --- charts --------------------------------------------------------------------------------------

def _figure(width: float = 9.0, height: float = 4.8) -> Any:
    from matplotlib.figure import Figure  # Agg canvas: no display, no pyplot state

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def source_line(names: Sequence[str]) -> str:
    """"Source: ..." naming the releases of the catalog files an analysis reads."""
    from etl.cite import SOURCE_VERSIONS

    known = {**SOURCE_VERSIONS, "coalitions": "curated coalition lists (etl/data/coalitions)"}
    releases = list(dict.fromkeys(known.get(n, n) for n in names))
    return "Source: " + "; ".join(releases) + " (Alliance Warehouse marts)"


def _caption(fig: Any, names: Sequence[str], n_text: str) -> None:
    """The source line and N under the chart, so that the PNG alone says where it comes from."""
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))
    fig.text(0.01, 0.01, f"{source_line(names)}. {n_text}", fontsize=7.5, color="#555555",
             ha="left", va="bottom", wrap=True)


def _min_joint_votes() -> int:
    return get_settings().min_joint_votes


def _no_data(ax: Any, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            fontsize=12, color="#555555")
    ax.set_axis_off()


def chart_allies_by_year(rows: Rows, hegemon: str) -> bytes:
    """(a) Mean agreement with the hegemon per year, one line per alliance status."""
    fig = _figure()
    ax = fig.subplots()
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for r in rows.dicts():
        if r["mean_agree_exact_hegemon"] is not None:
            series[r["alliance_status"]].append((r["year"], float(r["mean_agree_exact_hegemon"])))
    if not series:
        _no_data(ax, "No years with both ATOP and UNGA data in the warehouse")
        return _png(fig)
    for status in STATUS_ORDER:
        points = sorted(series.get(status, []))
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=2.5,
                    linewidth=1.6, color=STATUS_COLOURS[status], label=STATUS_LABELS[status])
    ax.set_ylim(0, 1)
    ax.set_xlabel("Year")
    ax.set_ylabel(f"Mean agreement with {hegemon}\n(share of joint votes identical)")
    ax.set_title(f"UN General Assembly agreement with {hegemon}: allies and non-allies")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", frameon=False)
    _caption(fig, SOURCES_ALLIES, n_allies(rows))
    return _png(fig)


def chart_coalitions_before_after(rows: Rows, hegemon: str) -> bytes:
    """(b) One panel per coalition: members and non-members, before and after."""
    by_coalition: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows.dicts():
        by_coalition[r["coalition"]].append(r)
    fig = _figure(9.0, 4.6)
    if not by_coalition:
        _no_data(fig.subplots(), "No coalition has votes in both windows in the warehouse")
        return _png(fig)
    axes = fig.subplots(1, len(by_coalition), sharey=True, squeeze=False)[0]
    for ax, (coalition, groups) in zip(axes, by_coalition.items(), strict=True):
        first = groups[0]
        labels = [f"before\n{first['first_year_before']}-{first['reference_year'] - 1}",
                  f"after\n{first['reference_year'] + 1}-{first['last_year_after']}"]
        for g in sorted(groups, key=lambda g: g["membership"]):
            values = [g["mean_agree_exact_before"], g["mean_agree_exact_after"]]
            name = "Members" if g["membership"] == "member" else "Non-members"
            ax.plot([0, 1], values, marker="o", linewidth=2.2, markersize=7,
                    color=MEMBERSHIP_COLOURS[g["membership"]], label=f"{name} (n={g['n_states']})")
            for x, v in zip([0, 1], values, strict=True):
                ax.annotate(f"{v:.2f}", (x, v), textcoords="offset points", xytext=(0, 8),
                            ha="center", fontsize=9, color=MEMBERSHIP_COLOURS[g["membership"]])
        ax.set_xticks([0, 1], labels)
        ax.set_xlim(-0.4, 1.4)
        ax.set_ylim(0, 1)
        ax.set_title(f"{coalition} (started {first['coalition_start_date']})", fontsize=11)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(loc="upper center", frameon=False, fontsize=9)
    axes[0].set_ylabel(f"Mean agreement with {hegemon}")
    fig.suptitle(f"Coalition members and non-members: agreement with {hegemon} before and after")
    _caption(fig, SOURCES_COALITIONS, n_coalitions(rows))
    return _png(fig)


def chart_capability_vs_affinity(rows: Rows, hegemon: str) -> bytes:
    """(c) Scatter of log10 capability ratio against agreement, a least-squares line per status."""
    fig = _figure(9.0, 5.4)
    ax = fig.subplots()
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in rows.dicts():
        points[r["alliance_status"]].append(
            (float(r["log10_capability_ratio"]), float(r["agree_exact_hegemon"])))
    if not points:
        _no_data(ax, "No state-years with both capabilities and votes in the warehouse")
        return _png(fig)
    for status in STATUS_ORDER:
        pts = points.get(status, [])
        if not pts:
            continue
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        ax.scatter(xs, ys, s=7, alpha=0.28, color=STATUS_COLOURS[status], linewidths=0)
        fit = ols_fit(xs, ys)
        label = f"{STATUS_LABELS[status]}: {len(pts):,} state-years"
        if fit:
            grid = [min(xs) + (max(xs) - min(xs)) * i / 40 for i in range(41)]
            lower, upper = fit.band(grid)
            ax.fill_between(grid, lower, upper, color=STATUS_COLOURS[status], alpha=0.22,
                            linewidth=0)
            ax.plot(grid, [fit.intercept + fit.slope * x for x in grid], linewidth=2.4,
                    color=STATUS_COLOURS[status],
                    label=f"{label}, OLS r = {fit.r:.2f} (band: 95% CI of the mean)")
        else:
            ax.plot([], [], marker="o", linestyle="", color=STATUS_COLOURS[status], label=label)
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"log10 of capability ratio ({hegemon}'s CINC / the state's CINC)")
    ax.set_ylabel(f"Agreement with {hegemon} that year")
    ax.set_title(f"Capability asymmetry and voting affinity with {hegemon}")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper center", framealpha=0.92, fontsize=8.5)
    _caption(fig, SOURCES_CAPABILITIES, n_capabilities(rows))
    return _png(fig)


# --- (e) security hierarchy against legitimacy supply (mart_hegemon_partner_hierarchy) ---------

HIERARCHY_COALITION_COLOURS = ("#1f4e9c", "#d1495b", "#edae49", "#00798c")


def hierarchy_points(rows: Rows) -> dict[str, list[tuple[float, float, int]]]:
    """Per measure: (mean hierarchy index, mean value, states) for each band, in band order."""
    points: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for r in sorted(rows.dicts(), key=lambda r: (r["measure"], r["band"])):
        if r["mean_value"] is None or r["mean_hierarchy_index"] is None:
            continue
        points[r["measure"]].append(
            (float(r["mean_hierarchy_index"]), float(r["mean_value"]), int(r["n_states"])))
    return dict(points)


def hierarchy_table(rows: Rows) -> Rows:
    """The analysis rows with readable bands."""
    out = []
    for r in sorted(rows.dicts(), key=lambda r: (r["measure"] != "agree_exact", r["measure"],
                                                 r["band"])):
        out.append((r["measure"], f"{float(r['band_lower']):.1f}-{float(r['band_upper']):.1f}",
                    r["n_states"], r["n_observations"], r["mean_hierarchy_index"],
                    r["mean_value"]))
    return Rows(("measure", "hierarchy band", "states", "observations", "mean index",
                 "mean agreement / share joined"), tuple(out))


def chart_hierarchy_vs_legitimacy(rows: Rows, hegemon: str) -> bytes:
    """(e) Hierarchy bands against agreement (left) and coalition joining (right), with n."""
    fig = _figure(10.0, 4.8)
    left, right = fig.subplots(1, 2, sharex=True)
    points = hierarchy_points(rows)
    if not points:
        _no_data(left, "No partner-years with a hierarchy index")
        _no_data(right, "(the index needs the US troop data)")
        return _png(fig)

    def _draw(ax: Any, series: list[tuple[float, float, int]], colour: str, label: str) -> None:
        xs, ys, ns = zip(*series, strict=True)
        ax.plot(xs, ys, marker="o", linewidth=1.4, color=colour, label=label)
        for x, y, n in series:
            ax.annotate(f"{n}", (x, y), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=7.5, color=colour)

    if "agree_exact" in points:
        _draw(left, points["agree_exact"], STATUS_COLOURS["treaty_ally"], "partner-years")
    else:
        _no_data(left, "No votes for these partner-years")
    coalitions = [m for m in points if m != "agree_exact"]
    for i, coalition in enumerate(coalitions):
        _draw(right, points[coalition],
              HIERARCHY_COALITION_COLOURS[i % len(HIERARCHY_COALITION_COLOURS)], coalition)
    for ax in (left, right):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.08)
        ax.set_xlabel("Security hierarchy index (band mean)")
        ax.grid(True, alpha=0.3)
    left.set_ylabel(f"Mean agreement with {hegemon}")
    left.set_title("UN General Assembly votes", fontsize=10)
    right.set_ylabel("Share of partners that joined")
    right.set_title("Coalitions, partners in the start year", fontsize=10)
    if coalitions:
        right.legend(loc="lower right", frameon=False, fontsize=8)
    fig.suptitle(f"Security hierarchy under {hegemon} and legitimacy supply "
                 "(labels: states behind each point)", fontsize=11)
    _caption(fig, SOURCES_HIERARCHY, n_hierarchy(rows))
    return _png(fig)


IDEAL_POINT_COLOURS = ("#1f4e9c", "#d1495b", "#2a9d5c", "#8e5ea2", "#e08e29")


def chart_ideal_points_over_time(rows: Rows, hegemon: str) -> bytes:
    """(d) Each hegemon's ideal point per session (solid) and its treaty allies' mean (dashed)."""
    del hegemon  # every hegemon of the marts is drawn
    fig = _figure()
    ax = fig.subplots()
    series: dict[tuple[int, str], list[tuple[int, float]]] = defaultdict(list)
    names: dict[int, str] = {}
    for r in rows.dicts():
        if r["mean_ideal_point"] is not None:
            key = (int(r["hegemon_ccode"]), str(r["series"]))
            series[key].append((int(r["session_year"]), float(r["mean_ideal_point"])))
            names[key[0]] = r["hegemon_name"] or f"COW state {key[0]}"
    if not series:
        _no_data(ax, "No ideal points in the warehouse (run alliances refresh)")
        return _png(fig)
    for i, ccode in enumerate(sorted(names)):
        colour = IDEAL_POINT_COLOURS[i % len(IDEAL_POINT_COLOURS)]
        for kind, style, label in (("hegemon", "-", names[ccode]),
                                   ("treaty_allies", "--", f"{names[ccode]}: treaty allies")):
            points = sorted(series.get((ccode, kind), []))
            if points:
                xs: list[float] = []
                ys: list[float] = []
                for year, value in points:  # a gap of over two years breaks the line
                    if xs and year - xs[-1] > 2:
                        xs.append(math.nan)
                        ys.append(math.nan)
                    xs.append(year)
                    ys.append(value)
                ax.plot(xs, ys, linestyle=style, marker="o", markersize=2, linewidth=1.6,
                        color=colour, label=label)
    ax.axhline(0.0, color="#888888", linewidth=0.8)
    ax.set_xlabel("Year the UNGA session opened")
    ax.set_ylabel("Ideal point (all votes; sd 1, USA positive)")
    ax.set_title("Dynamic ideal points of the hegemons and their treaty allies")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", frameon=False, fontsize=8.5, ncol=2)
    _caption(fig, SOURCES_IDEAL_POINTS, n_ideal_points(rows))
    return _png(fig)


def ideal_points_by_decade(rows: Rows) -> Rows:
    """Per hegemon, series and decade: the mean ideal point over the decade's sessions."""
    groups: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    for r in rows.dicts():
        if r["mean_ideal_point"] is not None:
            decade = int(r["session_year"]) // 10 * 10
            groups[(r["hegemon_name"] or str(r["hegemon_ccode"]), r["series"], decade)].append(
                float(r["mean_ideal_point"]))
    out = tuple((name, kind, f"{decade}s", round(sum(v) / len(v), 3), len(v))
                for (name, kind, decade), v in sorted(groups.items()))
    return Rows(("hegemon", "series", "decade", "mean_ideal_point", "n_sessions"), out)


# the catalog files behind each analysis (their releases make the source line)
SOURCES_ALLIES = ("unga_voeten_votes", "unvotes_votes", "atop_members", "cow_states")
SOURCES_COALITIONS = ("unga_voeten_votes", "unvotes_votes", "atop_members", "cow_states",
                      "coalitions")
SOURCES_IDEAL_POINTS = ("unga_voeten_votes", "unvotes_votes", "unga_bridging_pairs",
                        "atop_members", "cow_states")
SOURCES_HIERARCHY = ("unga_voeten_votes", "unvotes_votes", "atop_members", "cow_nmc",
                     "cow_states", "troops_country_years", "troops_bases", "coalitions")
SOURCES_CAPABILITIES = ("unga_voeten_votes", "unvotes_votes", "atop_members", "cow_nmc",
                        "cow_states")


def n_allies(rows: Rows) -> str:
    years = {r["year"] for r in rows.dicts()}
    total = sum(int(r["n_states"]) for r in rows.dicts())
    return (f"N = {total:,} state-years over {len(years):,} years; state-years on fewer than "
            f"{_min_joint_votes()} joint roll calls left out.")


def n_coalitions(rows: Rows) -> str:
    parts = [f"{r['coalition']} {r['membership'].replace('_', '-')}s {r['n_states']}"
             for r in rows.dicts()]
    return (f"N = states with at least {_min_joint_votes()} joint roll calls in each window: "
            + (", ".join(parts) or "none") + ".")


def n_ideal_points(rows: Rows) -> str:
    sessions = {r["session_year"] for r in rows.dicts() if r["mean_ideal_point"] is not None}
    return (f"N = {len(rows):,} hegemon and treaty-ally series points over {len(sessions):,} "
            "sessions.")


def n_hierarchy(rows: Rows) -> str:
    states = max((int(r["n_states"]) for r in rows.dicts()), default=0)
    return (f"N = {len(rows):,} band points; up to {states:,} partner states behind one point "
            "(each point's label).")


def n_capabilities(rows: Rows) -> str:
    return (f"N = {len(rows):,} state-years, each on at least {_min_joint_votes()} joint roll "
            "calls with the hegemon.")


ANALYSES: list[Analysis] = [
    Analysis(
        name="hegemon_allies_vs_non_allies_agreement",
        anchor="allies",
        title="(a) Treaty allies and non-allies: agreement with the hegemon per year",
        question=("Do the hegemon's treaty allies vote with it in the UN General Assembly more "
                  "than other states do, and how has the gap moved over time?"),
        chart=chart_allies_by_year,
        table=allies_by_decade,
        reading=("Mean over states of agree_exact (the share of roll calls on which both voted "
                 "yes, no or abstain that the two voted alike), per year. Treaty ally: an ATOP "
                 "defence obligation in either direction that year; other ATOP ally: a shared "
                 "alliance without one. The table weights each year by its number of states."),
        sources=SOURCES_ALLIES,
        n_text=n_allies,
    ),
    Analysis(
        name="coalition_members_agreement_before_after",
        anchor="coalitions",
        title="(b) Coalition members and non-members: agreement before and after",
        question=("Did the states that joined the hegemon's coalitions (Iraq 2003, the Global "
                  "Coalition to Defeat ISIS) vote with it more than those that stayed out, and "
                  "did that change after the coalition formed?"),
        chart=chart_coalitions_before_after,
        table=coalition_table,
        reading=("agree_exact pooled over the window years before and after the coalition's "
                 "start year (the start year itself in neither), averaged over the states with "
                 "joint votes in both windows, so before and after compare the same states."),
        sources=SOURCES_COALITIONS,
        n_text=n_coalitions,
    ),
    Analysis(
        name="capability_asymmetry_vs_affinity",
        anchor="capabilities",
        title="(c) Capability asymmetry and voting affinity",
        question=("Are the states much weaker than the hegemon closer to it in the UN General "
                  "Assembly, and does an alliance change that?"),
        chart=chart_capability_vs_affinity,
        table=capability_fits,
        reading=("One point per state and year: the hegemon's CINC over the state's (COW NMC "
                 "v7.0), on a log scale, against the state's agree_exact with the hegemon. The "
                 "slope is the change in agreement per tenfold capability ratio (OLS, "
                 "statsmodels; the shaded band and the table's interval are 95% confidence "
                 "intervals, which treat state-years as independent)."),
        sources=SOURCES_CAPABILITIES,
        n_text=n_capabilities,
    ),
    Analysis(
        name="hegemon_allies_ideal_points",
        anchor="ideal-points",
        title="(d) Ideal points of the hegemons and their treaty allies over time",
        question=("Where do the hegemons and their treaty allies stand on the UN's main "
                  "dimension of conflict, and do the allies move with their hegemon?"),
        chart=chart_ideal_points_over_time,
        table=ideal_points_by_decade,
        reading=("Dynamic ordinal ideal points (Bailey, Strezhnev & Voeten 2017) estimated by "
                 "the warehouse from all its votes (fct_country_session_ideal_point): one "
                 "dimension, standardised over all country-sessions, the USA positive. Solid: "
                 "the hegemon; dashed: the mean of the states with an ATOP defence obligation "
                 "toward it or from it in the session's year (ATOP ends in 2016)."),
        sources=SOURCES_IDEAL_POINTS,
        n_text=n_ideal_points,
    ),
    Analysis(
        name="hierarchy_vs_legitimacy_supply",
        anchor="hierarchy",
        title="(e) Security hierarchy and legitimacy supply",
        question=("Do the partners most subordinated to the hegemon's security hierarchy (US "
                  "troops per head, few alliances of their own) vote with it more, and did they "
                  "join its coalitions (Iraq 2003, Defeat-ISIS) more often?"),
        chart=chart_hierarchy_vs_legitimacy,
        table=hierarchy_table,
        reading=("Partners banded by the Lake-style security hierarchy index of "
                 "mart_hegemon_partner_hierarchy (the mean of min-max normalised log US troops "
                 "per 1,000 inhabitants and inverted independent alliances, over the year's "
                 "partners). Each point is a band: its mean index, and the mean agree_exact "
                 "with the hegemon (left) or the share of the band's partners that joined the "
                 "coalition in its start year (right); the label is the number of states."),
        sources=SOURCES_HIERARCHY,
        n_text=n_hierarchy,
    ),
]


# --- the page ------------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    """One table cell: numbers right-aligned (3 decimals), text left-aligned, null as a dash."""
    if value is None:
        return "<td>&ndash;</td>"
    if isinstance(value, float):
        return f"<td>{value:.3f}</td>"
    if isinstance(value, int):
        return f"<td>{value:,}</td>"
    return f'<td class="text">{html.escape(str(value))}</td>'


def html_table(rows: Rows) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows.columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows.rows)
    if not rows.rows:
        body = f'<tr><td colspan="{len(rows.columns)}">no rows</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def source_items(coalitions: Rows) -> list[dict[str, str | None]]:
    """The publishers of every source the analyses use: text, URL, licence."""
    items: list[dict[str, str | None]] = []
    for name in CITED_ENTRIES:
        entry = catalog.get(name)
        items.append({"text": entry.citation, "url": entry.url,
                      "extra": f"Licence: {entry.licence}."})
    for c in coalitions.dicts():
        items.append({"text": f"Coalition list {c['coalition']}: {c['source_citation']}",
                      "url": c["source_url"], "extra": ""})
    return items


def _template() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html")


def render_html(sections: Sequence[Section], *, hegemon: str, database: str,
                coalitions: Rows, generated_at: dt.datetime,
                build_info: Rows | None = None) -> str:
    """The whole page: charts inline as data URIs, tables, the sources; no external resource."""
    from markupsafe import Markup

    return _template().render(
        sections=[{"analysis": s.analysis, "rows": s.rows, "data_uri": s.data_uri,
                   "table_html": Markup(s.table_html), "source_line": s.source_line,
                   "n_text": s.n_text} for s in sections],
        hegemon=hegemon, database=database, generated_at=generated_at,
        sources=source_items(coalitions), min_joint_votes=_min_joint_votes(),
        build_info=Markup(html_table(build_info)) if build_info is not None and build_info.rows
        else None)


# --- putting it together -------------------------------------------------------------------------

def _hegemon_ccode(results: Iterable[Rows], default: int) -> int:
    """The hegemon the marts were built for (their hegemon_ccode column), else ``default``."""
    ccodes = {r["hegemon_ccode"] for rows in results for r in rows.dicts()}
    return int(ccodes.pop()) if len(ccodes) == 1 else default


def _country_name(conn: psycopg.Connection, ccode: int) -> str:
    row = conn.execute("select country_name from marts.dim_country where ccode = %s",
                       (ccode,)).fetchone()
    return str(row[0]) if row and row[0] else f"COW state {ccode}"


def _build_info(conn: psycopg.Connection) -> Rows | None:
    """marts.build_info (None on a warehouse built before it existed)."""
    exists = conn.execute("select to_regclass('marts.build_info') is not null").fetchone()
    if not exists or not exists[0]:
        return None
    cursor = conn.execute(
        "select component_type, component, version, left(sha256, 16) as sha256_prefix, "
        "to_char(built_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as built_at_utc "
        "from marts.build_info order by component_type desc, component")
    return Rows(tuple(d.name for d in cursor.description or ()),
                tuple(tuple(r) for r in cursor.fetchall()))


def _write_csv(path: Path, rows: Rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(rows.columns)
        writer.writerows(rows.rows)


def build_report(out_dir: Path, settings: Settings | None = None) -> ReportResult:
    """Run every analysis on the marts; write its chart (PNG), its rows (CSV) and index.html."""
    settings = settings or get_settings()
    compiled = compile_analyses([a.name for a in ANALYSES], settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ReportResult(html_path=out_dir / "index.html")
    with psycopg.connect(database_url(settings)) as conn:
        conn.read_only = True
        results = {a.name: fetch(conn, a.name, compiled[a.name]) for a in ANALYSES}
        coalitions = fetch(conn, "dim_coalition", "select coalition, source_citation, source_url "
                           "from marts.dim_coalition order by start_date")
        hegemon = _country_name(conn, _hegemon_ccode(results.values(), settings.hegemon_ccode))
        build_info = _build_info(conn)
    sections = []
    for a in ANALYSES:
        rows = results[a.name]
        section = Section(a, rows, a.chart(rows, hegemon), a.table(rows))
        sections.append(section)
        png_path = out_dir / f"{a.name}.png"
        png_path.write_bytes(section.png)
        csv_path = out_dir / f"{a.name}.csv"
        _write_csv(csv_path, rows)
        result.chart_paths.append(png_path)
        result.csv_paths.append(csv_path)
        result.row_counts[a.name] = len(rows)
    database = make_url(database_url(settings)).database or ""
    page = render_html(sections, hegemon=hegemon, database=database, coalitions=coalitions,
                       generated_at=dt.datetime.now(dt.UTC), build_info=build_info)
    result.html_path.write_text(page, encoding="utf-8")
    return result
