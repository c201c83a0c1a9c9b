"""`alliances report` and `alliances docs` on a warehouse built from a slice of the shared data.

The slice has the UNGA sessions around both coalitions' start years (2002, 2004, 2013, 2015),
so every analysis has rows. The page is then looked at as a person would: rendered by headless
Chromium (Debian's chromium package; `make install` installs it), whose DOM must hold the three
charts as decoded PNG data URIs and whose screenshot must show the charts' colours, which a copy
of the page with its images removed does not.
"""

from __future__ import annotations

import base64
import html.parser
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.config import Settings
from etl.report import ANALYSES, MEMBERSHIP_COLOURS, STATUS_COLOURS
from tests.utils.slices import make_source_slice

pytestmark = pytest.mark.integration

SESSIONS = {57, 59, 68, 70}
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def built(without_dbt_unit_tests: None, module_db: Settings, shared_data: Path,
          prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    sources = make_source_slice(shared_data, tmp_path_factory.mktemp("sources"), SESSIONS)
    result = CliRunner().invoke(app, ["refresh", "--sources", str(sources), "--no-download"])
    assert result.exit_code == 0, result.output
    return module_db


@pytest.fixture(scope="module")
def report_dir(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "report written" in result.output
    return out


def test_report_writes_a_chart_and_the_rows_of_every_analysis(report_dir: Path) -> None:
    from PIL import Image

    for analysis in ANALYSES:
        png = report_dir / f"{analysis.name}.png"
        with Image.open(png) as image:
            assert image.format == "PNG" and image.width > 600 and image.height > 300
        rows = (report_dir / f"{analysis.name}.csv").read_text().splitlines()
        assert len(rows) > 1, f"{analysis.name} has no rows"
    coalitions = (report_dir / "coalition_members_agreement_before_after.csv").read_text()
    assert "iraq_2003,2003-03-20" in coalitions and "defeat_isis_2014" in coalitions


def test_page_is_self_contained_and_cites_the_sources(report_dir: Path) -> None:
    page = (report_dir / "index.html").read_text()
    # nothing is fetched: no stylesheet, script or image from elsewhere
    assert "<script" not in page and "<link" not in page
    assert page.count('src="data:image/png;base64,') == len(ANALYSES)
    for cited in ("Voeten", "unvotes", "ATOP", "v4.01", "National Material Capabilities v7.0",
                  "State System Membership List, v2016", "Congressional Research Service",
                  "The White House"):
        assert cited in page, f"the page does not cite {cited}"


class _Images(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images[a.get("id") or ""] = a.get("src") or ""


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium not found (Debian: apt-get install chromium; `make install` "
                "does it)")


def _chromium(binary: str, page: Path, profile: Path,
              *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )


def _chart_pixels(screenshot: Path) -> dict[str, int]:
    """Pixels of each chart colour in a screenshot (within a small tolerance)."""
    from PIL import Image

    targets = {name: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
               for name, c in {**STATUS_COLOURS, **MEMBERSHIP_COLOURS}.items()}
    counts = dict.fromkeys(targets, 0)
    with Image.open(screenshot) as image:
        for count, colour in image.convert("RGB").getcolors(maxcolors=1 << 24):
            for name, target in targets.items():
                if all(abs(a - b) <= 12 for a, b in zip(colour, target, strict=True)):
                    counts[name] += count
    return counts


def test_chromium_shows_the_three_charts(report_dir: Path, chromium: str, tmp_path: Path) -> None:
    from PIL import Image

    page = report_dir / "index.html"
    dom = _chromium(chromium, page, tmp_path / "profile-dom", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    parser = _Images()
    parser.feed(dom.stdout)
    assert set(parser.images) == {f"chart-{a.anchor}" for a in ANALYSES}
    for image_id, src in parser.images.items():
        assert src.startswith("data:image/png;base64,"), image_id
        with Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))) as image:
            assert image.width > 600 and image.height > 300, image_id

    shot = tmp_path / "page.png"
    run = _chromium(chromium, page, tmp_path / "profile-shot", f"--screenshot={shot}",
                    "--window-size=1200,4400")
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    shown = _chart_pixels(shot)

    # the same page without its images: the colours must vanish, or they came from elsewhere
    blank = tmp_path / "blank.html"
    text = page.read_text()
    for src in parser.images.values():
        text = text.replace(src, "data:,")
    blank.write_text(text)
    blank_shot = tmp_path / "blank.png"
    run = _chromium(chromium, blank, tmp_path / "profile-blank", f"--screenshot={blank_shot}",
                    "--window-size=1200,4400")
    assert run.returncode == 0 and blank_shot.exists(), run.stderr[-2000:]
    hidden = _chart_pixels(blank_shot)

    for colour in ("treaty_ally", "non_ally", "other_atop_ally"):
        assert shown[colour] > 400, f"{colour} pixels on screen: {shown}"
        assert hidden[colour] < 20, f"{colour} pixels without images: {hidden}"
    with Image.open(shot) as image:
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 24)) > 500


def test_docs_describe_every_mart_column_and_the_exposures(built: Settings) -> None:
    result = CliRunner().invoke(app, ["docs", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "have no description" not in result.output
    target = built.warehouse_dir / "dbt" / "target"
    assert (target / "index.html").exists() and (target / "static_index.html").exists()
    manifest = json.loads((target / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert {"metabase_voting_with_the_hegemon", "metabase_allies_and_asymmetry",
            "metabase_coalitions_and_legitimacy", "alliances_report"} <= set(exposures)
    assert ("model.alliance_warehouse.mart_legitimacy_exchange"
            in exposures["metabase_coalitions_and_legitimacy"]["depends_on"]["nodes"])
    analyses = {n["name"]: n for n in manifest["nodes"].values()
                if n["resource_type"] == "analysis"}
    assert set(analyses) == {a.name for a in ANALYSES}
    assert all(a["description"] for a in analyses.values())
    catalog = json.loads((target / "catalog.json").read_text())
    marts = [k for k, n in catalog["nodes"].items() if n["metadata"]["schema"] == "marts"]
    assert "model.alliance_warehouse.mart_hegemon_partners" in marts


def test_analyst_reads_every_mart_dbt_built_and_nothing_else(built: Settings) -> None:
    """Migration 0004's default privileges cover the tables a real `dbt build` created."""
    from etl.db import connect

    with connect(built) as conn:
        privileges = conn.execute("""
            select n.nspname, c.relname, has_table_privilege(%s, c.oid, 'select')
            from pg_class as c
            inner join pg_namespace as n on c.relnamespace = n.oid
            where c.relkind in ('r', 'v', 'm', 'p')
                and n.nspname in ('marts', 'raw', 'staging', 'intermediate', 'seeds')
        """, (built.analyst_role,)).fetchall()
    marts = {name: ok for schema, name, ok in privileges if schema == "marts"}
    others = {f"{schema}.{name}" for schema, name, ok in privileges if schema != "marts" and ok}
    assert {"mart_hegemon_partners", "mart_legitimacy_exchange", "fct_vote"} <= set(marts)
    assert all(marts.values()), [name for name, ok in marts.items() if not ok]
    assert others == set()


def test_page_gives_each_chart_its_source_n_threshold_and_the_build(report_dir: Path) -> None:
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    figcaptions = page.split("<figcaption>")[1:]
    assert len(figcaptions) == len(ANALYSES)
    for caption in figcaptions:
        caption = caption.split("</figcaption>")[0]
        assert "Source: " in caption and "N = " in caption
    assert "fewer than 10 joint roll calls" in page
    assert "95% CI low" in page  # the capability fits' intervals (statsmodels)
    assert 'id="build"' in page and "source_file" in page and "dbt-core" in page


def test_marts_have_clean_primary_keys_and_foreign_keys(built: Settings) -> None:
    from etl.db import connect

    with connect(built) as conn:
        rows = conn.execute("""
            select conrelid::regclass::text, conname, contype, confrelid::regclass::text
            from pg_constraint
            where connamespace = 'marts'::regnamespace and contype in ('p', 'f')
        """).fetchall()
    names = {(table, name) for table, name, _, _ in rows}
    assert not [n for _, n in names if "__dbt" in n], names
    pkeys = {table: name for table, name, kind, _ in rows if kind == "p"}
    for table in ("dim_country", "dim_alliance", "fct_capability_year", "build_info",
                  "fct_alliance_membership", "mart_alliance_asymmetry"):
        assert pkeys.get(f"marts.{table}") == f"{table}_pkey", pkeys
    fkeys = {(table, target) for table, _, kind, target in rows if kind == "f"}
    assert ("marts.fct_capability_year", "marts.dim_country") in fkeys
    assert ("marts.fct_alliance_membership", "marts.dim_alliance") in fkeys
    assert ("marts.mart_alliance_asymmetry", "marts.dim_country") in fkeys
    assert ("marts.mart_legitimacy_exchange", "marts.dim_coalition") in fkeys
    assert ("marts.fct_treaty_provision", "marts.dim_treaty") in fkeys
    # (fct_dyad_year_affinity is a view over the stored counts: a view has no key)
    for table in ("fct_vote", "country_year_hegemon_affinity",
                  "mart_legitimacy_exchange", "fct_coalition_participation"):
        assert pkeys.get(f"marts.{table}") == f"{table}_pkey", pkeys


def test_bi_views_have_country_names_and_no_arrays_or_jsonb(built: Settings) -> None:
    from etl.db import connect

    with connect(built) as conn:
        columns = conn.execute("""
            select table_name, column_name, data_type from information_schema.columns
            where table_schema = 'bi'
        """).fetchall()
        views = {t for t, _, _ in columns}
        marts = {r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'")}
        conn.execute(f"set role {built.analyst_role}")
        named = conn.execute("select count(*), count(country_name_a), count(country_name_b) "
                             "from bi.fct_alliance_dyad_year where ccode_a = 2").fetchone()
        atopids = conn.execute("select atopids from bi.fct_alliance_dyad_year "
                               "where atopids like '%,%' limit 1").fetchone()
    assert views == marts
    assert not [(t, c, d) for t, c, d in columns if d in ("ARRAY", "json", "jsonb")]
    by_view = {(t, c) for t, c, _ in columns}
    assert ("fct_capability_year", "country_name") in by_view
    assert ("mart_hegemon_partners", "hegemon_name") in by_view
    assert named[0] > 0 and named[1] == named[0] and named[2] > 0
    assert atopids is not None and all(p.isdigit() for p in atopids[0].split(","))


def test_build_info_names_every_loaded_file_and_the_models_commit(built: Settings) -> None:
    from etl.db import connect

    with connect(built) as conn:
        loaded = {r[0]: r[1] for r in conn.execute(
            "select distinct on (file_name) file_name, sha256 from raw.load_ledger "
            "where status = 'loaded' order by file_name, load_id desc")}
        conn.execute(f"set role {built.analyst_role}")  # the analyst reads it
        info = conn.execute("select component_type, component, version, sha256 "
                            "from marts.build_info").fetchall()
    files = {c: sha for kind, c, _, sha in info if kind == "source_file"}
    assert files == loaded
    versions = {c: v for _, c, v, _ in info}
    assert versions["atop_members"] == "ATOP 4.01"
    assert len(versions["models"].removesuffix("-dirty")) in (40, 7) or \
        versions["models"] == "unknown"
    assert versions["dbt-core"].startswith("1.")


def test_cite_follows_the_lineage_of_a_mart(built: Settings) -> None:
    result = CliRunner().invoke(app, ["cite", "fct_capability_year"])
    assert result.exit_code == 0, result.output
    assert "cow.cow_nmc" in result.output and "Singer" in result.output
    assert "Voeten" not in result.output  # capabilities do not come from the votes
