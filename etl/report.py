"""``alliances report``: the research analyses as PNG charts and one self-contained HTML page.

The numbers come from the marts through the analyses of ``dbt_project/analyses/`` (compiled by
dbt, run here as they are), so the page and an analyst running the same SQL in psql see the same
rows. Each chart is written as a PNG and embedded in ``index.html`` as a data URI: the page has
no external resource and can be mailed or archived as one file. Each analysis's rows are also
written as CSV beside it.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import math
import shutil
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


@dataclass
class Section:
    analysis: Analysis
    rows: Rows
    png: bytes
    table: Rows


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


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float] | None:
    """Slope, intercept and Pearson r of y on x; None with fewer than 3 points or no spread."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    if sxx == 0 or syy == 0:
        return None
    slope = sxy / sxx
    return slope, my - slope * mx, sxy / math.sqrt(sxx * syy)


def capability_fits(rows: Rows) -> Rows:
    """Per alliance status (and all states): state-years, Pearson r and the least-squares slope."""
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in rows.dicts():
        point = (float(r["log10_capability_ratio"]), float(r["agree_exact_hegemon"]))
        groups[r["alliance_status"]].append(point)
        groups["all"].append(point)
    out = []
    for status in (*STATUS_ORDER, "all"):
        points = groups.get(status, [])
        fit = least_squares([p[0] for p in points], [p[1] for p in points])
        out.append((STATUS_LABELS.get(status, "All states"), len(points),
                    fit[2] if fit else None, fit[0] if fit else None))
    return Rows(("states", "state-years", "Pearson r", "agreement per tenfold ratio"),
                tuple(out))


# --- charts --------------------------------------------------------------------------------------

def _figure(width: float = 9.0, height: float = 4.8) -> Any:
    from matplotlib.figure import Figure  # Agg canvas: no display, no pyplot state

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


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
        fit = least_squares(xs, ys)
        label = f"{STATUS_LABELS[status]}: {len(pts):,} state-years"
        if fit:
            slope, intercept, r = fit
            lo, hi = min(xs), max(xs)
            ax.plot([lo, hi], [intercept + slope * lo, intercept + slope * hi], linewidth=2.4,
                    color=STATUS_COLOURS[status], label=f"{label}, least squares r = {r:.2f}")
        else:
            ax.plot([], [], marker="o", linestyle="", color=STATUS_COLOURS[status], label=label)
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"log10 of capability ratio ({hegemon}'s CINC / the state's CINC)")
    ax.set_ylabel(f"Agreement with {hegemon} that year")
    ax.set_title(f"Capability asymmetry and voting affinity with {hegemon}")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper center", framealpha=0.92, fontsize=8.5)
    return _png(fig)


# --- (d) security hierarchy against legitimacy supply (mart_hegemon_partner_hierarchy) ---------

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
    """(d) Hierarchy bands against agreement (left) and coalition joining (right), with n."""
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
    return _png(fig)


ANALYSES: tuple[Analysis, ...] = (
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
                 "slope is the change in agreement per tenfold capability ratio."),
    ),
    Analysis(
        name="hierarchy_vs_legitimacy_supply",
        anchor="hierarchy",
        title="(d) Security hierarchy and legitimacy supply",
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
    ),
)


# --- the page ------------------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f;
       max-width: 1040px; margin: 2rem auto; padding: 0 1.2rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { margin-top: 2.4rem; font-size: 1.3rem; }
.meta, .reading, figcaption, .sql { color: #555; font-size: .9rem; }
.question { font-style: italic; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .88rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: right; }
th { background: #f3f4f6; } td:first-child, th:first-child, td.text { text-align: left; }
td.text { white-space: nowrap; }
code { background: #f3f4f6; padding: 0 .25rem; border-radius: 3px; }
ol.sources li { margin-bottom: .5rem; }
"""


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


def _citation(text: str, url: str | None, extra: str = "") -> str:
    link = f' <a href="{html.escape(url)}">{html.escape(url)}</a>' if url else ""
    return f"<li>{html.escape(text)}.{link}{html.escape(extra)}</li>"


def sources_html(coalitions: Rows) -> str:
    """The publishers of every source the analyses use, as an ordered list."""
    items = []
    for name in CITED_ENTRIES:
        entry = catalog.get(name)
        items.append(_citation(entry.citation, entry.url, f" Licence: {entry.licence}."))
    for c in coalitions.dicts():
        items.append(_citation(f"Coalition list {c['coalition']}: {c['source_citation']}",
                               c["source_url"]))
    return '<ol class="sources">' + "".join(items) + "</ol>"


def render_html(sections: Sequence[Section], *, hegemon: str, database: str,
                coalitions: Rows, generated_at: dt.datetime) -> str:
    """The whole page: charts inline as data URIs, tables, the sources; no external resource."""
    toc = "".join(f'<li><a href="#{s.analysis.anchor}">{html.escape(s.analysis.title)}</a></li>'
                  for s in sections)
    body = []
    for s in sections:
        a = s.analysis
        body.append(f"""
<section id="{a.anchor}">
<h2>{html.escape(a.title)}</h2>
<p class="question">{html.escape(a.question)}</p>
<figure>
<img id="chart-{a.anchor}" alt="{html.escape(a.title)}" src="{_data_uri(s.png)}">
<figcaption>{html.escape(a.title)}; {len(s.rows):,} rows from the marts
(<code>{a.name}.csv</code> beside this page).</figcaption>
</figure>
{html_table(s.table)}
<p class="reading">{html.escape(a.reading)}</p>
<p class="sql">SQL: <code>dbt_project/analyses/{a.name}.sql</code>
(<code>alliances dbt compile -s {a.name}</code>).</p>
</section>""")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Alliance Warehouse report: {html.escape(hegemon)} and its partners</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>Asymmetric alliances: {html.escape(hegemon)} and its partners</h1>
<p class="meta">Alliance Warehouse report, generated {generated_at:%Y-%m-%d %H:%M} UTC from the
marts of database <code>{html.escape(database)}</code>.</p>
</header>
<nav><ol>{toc}<li><a href="#sources">Sources</a></li></ol></nav>
{''.join(body)}
<section id="sources">
<h2>Sources</h2>
<p>The marts are built from these releases; cite the publishers, not this warehouse.</p>
{sources_html(coalitions)}
</section>
</body>
</html>
"""


# --- putting it together -------------------------------------------------------------------------

def _hegemon_ccode(results: Iterable[Rows], default: int) -> int:
    """The hegemon the marts were built for (their hegemon_ccode column), else ``default``."""
    ccodes = {r["hegemon_ccode"] for rows in results for r in rows.dicts()}
    return int(ccodes.pop()) if len(ccodes) == 1 else default


def _country_name(conn: psycopg.Connection, ccode: int) -> str:
    row = conn.execute("select country_name from marts.dim_country where ccode = %s",
                       (ccode,)).fetchone()
    return str(row[0]) if row and row[0] else f"COW state {ccode}"


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
                       generated_at=dt.datetime.now(dt.UTC))
    result.html_path.write_text(page, encoding="utf-8")
    return result
