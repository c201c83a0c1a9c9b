"""``alliances docs``: the dbt docs site (every mart and column described, the lineage graph).

``dbt docs generate --static`` writes ``index.html``, ``manifest.json`` and ``catalog.json`` (the
columns as the database has them) and a one-file ``static_index.html`` into
``<warehouse>/dbt/target``; ``dbt docs serve`` serves that directory. After generating, the
columns that the database has in schema ``marts`` are checked against the descriptions of the
YAML files, so an undocumented mart column is reported by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from etl.config import Settings, get_settings
from etl.errors import WarehouseError
from etl.transform import run_dbt

MARTS_SCHEMA = "marts"


class DocsError(WarehouseError):
    """The docs could not be generated or read."""


@dataclass
class DocsResult:
    target_dir: Path
    n_models: int = 0
    n_exposures: int = 0
    n_analyses: int = 0
    undocumented: list[str] = field(default_factory=list)

    @property
    def index_html(self) -> Path:
        return self.target_dir / "index.html"

    @property
    def static_index_html(self) -> Path:
        return self.target_dir / "static_index.html"


def target_dir(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return settings.warehouse_dir / "dbt" / "target"


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DocsError(f"cannot read {path}: {exc}") from exc


def undocumented_mart_columns(manifest: dict, catalog: dict) -> list[str]:
    """``model.column`` for every column of a mart table without a description.

    The columns are those of the database (catalog.json); a column the YAML does not list, or
    lists with an empty description, counts as undocumented; so does a mart with no description.
    """
    missing = []
    for unique_id, node in manifest.get("nodes", {}).items():
        if node.get("resource_type") != "model" or node.get("schema") != MARTS_SCHEMA:
            continue
        name = node["name"]
        if not (node.get("description") or "").strip():
            missing.append(f"{name} (the model itself)")
        described = {c.lower(): (col.get("description") or "").strip()
                     for c, col in node.get("columns", {}).items()}
        in_database = catalog.get("nodes", {}).get(unique_id, {}).get("columns", {})
        for column in in_database:
            if not described.get(column.lower()):
                missing.append(f"{name}.{column}")
    return sorted(missing)


def generate(settings: Settings | None = None) -> DocsResult:
    """``dbt docs generate --static`` against the warehouse, then check the mart columns."""
    settings = settings or get_settings()
    run_dbt(["docs", "generate", "--static"], settings)
    target = target_dir(settings)
    manifest = _load(target / "manifest.json")
    catalog = _load(target / "catalog.json")
    nodes = manifest.get("nodes", {}).values()
    return DocsResult(
        target_dir=target,
        n_models=sum(n.get("resource_type") == "model" for n in nodes),
        n_exposures=len(manifest.get("exposures", {})),
        n_analyses=sum(n.get("resource_type") == "analysis" for n in nodes),
        undocumented=undocumented_mart_columns(manifest, catalog),
    )


def serve(port: int, host: str = "127.0.0.1", settings: Settings | None = None) -> None:
    """Serve the generated site with ``dbt docs serve`` until interrupted."""
    settings = settings or get_settings()
    if not (target_dir(settings) / "index.html").exists():
        raise DocsError(f"no docs in {target_dir(settings)}; run `alliances docs` to generate")
    run_dbt(["docs", "serve", "--port", str(port), "--host", host, "--no-browser"], settings)
