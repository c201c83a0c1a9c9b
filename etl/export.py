"""``alliances export``: a mart as a typed file for R, Stata or pandas, with its codebook.

One mart, one file (CSV, Parquet, Stata .dta or Feather) and, beside it, a codebook in Markdown
and CSV (column, name in the file, type, description, sources) generated from the dbt docs (the
manifest of the last build), and the build information (``marts.build_info``: each source
file's version and sha256, the models' git commit, the tool versions, the build time).

Types travel as types: integers stay integers (nullable), booleans are booleans (0/1 bytes in
Stata, with Stata's missing for NULL), dates are dates; arrays become comma-separated text and
jsonb its JSON text, so no file holds a type its reader cannot take. Rows come in the order of
the mart's primary key (or of all its columns), so two exports of the same data are the same.

Stata: names are cut to 32 characters (kept unique; the codebook gives both names), variable
labels are the first 80 characters of the descriptions, the dataset label names the mart and
the models' commit.

``where``: a filter such as ``year >= 2000 and ccode in (2, 200)``. It is checked before it
reaches the database (only the mart's column names, literals, comparisons, ``and``/``or``/
``not``, ``in``, ``between``, ``is [not] null``, ``like``; no function call, cast, comment or
second statement) and then runs in a read-only transaction as the analyst role, which reads the
marts and nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from etl.config import Settings, get_settings
from etl.errors import WarehouseError

FORMATS = ("csv", "parquet", "dta", "feather")
STATA_NAME_MAX = 32
STATA_LABEL_MAX = 80


class ExportError(WarehouseError):
    """A mart, a format or a filter that cannot be exported."""


@dataclass(frozen=True)
class Column:
    """A mart column as the export writes it."""

    name: str
    pg_type: str  # information_schema data_type (ARRAY -> element type + "[]")
    kind: str  # integer | float | boolean | text | date | timestamp
    description: str = ""
    file_name: str = ""  # the name in the file (differs for Stata when cut to 32 characters)


@dataclass
class ExportResult:
    mart: str
    path: Path
    codebook_md: Path
    codebook_csv: Path
    n_rows: int
    columns: list[Column]
    build_info: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The filter: tokens the export accepts in --where
# ---------------------------------------------------------------------------------------------

_KEYWORDS = frozenset({"and", "or", "not", "in", "between", "is", "null", "like", "ilike",
                       "true", "false"})
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><>|!=|<=|>=|=|<|>|\(|\)|,|\+|-|\*|/)
""", re.VERBOSE)


def check_where(where: str, columns: set[str]) -> str:
    """``where`` if it is a plain filter on ``columns``; else :class:`ExportError` naming why.

    The filter is rebuilt from its tokens (each word lower-cased and checked), so what reaches
    the database is exactly what was checked.
    """
    out: list[str] = []
    pos = 0
    tokens: list[tuple[str, str]] = []
    while pos < len(where):
        m = _TOKEN.match(where, pos)
        if m is None:
            raise ExportError(f"--where: unexpected {where[pos:pos + 10]!r} at character "
                              f"{pos + 1} (allowed: column names, numbers, 'text', comparisons, "
                              "and/or/not, in, between, is null, like)")
        pos = m.end()
        if m.lastgroup != "space":
            tokens.append((m.lastgroup or "", m.group()))
    if not tokens:
        raise ExportError("--where is empty")
    depth = 0
    for i, (kind, text) in enumerate(tokens):
        if kind == "word":
            word = text.lower()
            if word not in _KEYWORDS and word not in columns:
                raise ExportError(f"--where: {text!r} is not a column of this mart "
                                  f"(columns: {', '.join(sorted(columns))})")
            following = tokens[i + 1][1] if i + 1 < len(tokens) else ""
            if following == "(" and word not in _KEYWORDS:
                raise ExportError(f"--where: function calls are not allowed ({text}(...))")
            out.append(word)
        else:
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
                if depth < 0:
                    raise ExportError("--where: unbalanced parentheses")
            out.append(text)
    if depth:
        raise ExportError("--where: unbalanced parentheses")
    return " ".join(out)


# ---------------------------------------------------------------------------------------------
# Columns, descriptions (dbt docs), build information
# ---------------------------------------------------------------------------------------------

_KINDS = {
    "smallint": "integer", "integer": "integer", "bigint": "integer",
    "numeric": "float", "double precision": "float", "real": "float",
    "boolean": "boolean", "date": "date",
    "timestamp with time zone": "timestamp", "timestamp without time zone": "timestamp",
}


def mart_names(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "order by table_name").fetchall()
    return [r[0] for r in rows]


def mart_columns(conn: psycopg.Connection, mart: str) -> list[Column]:
    rows = conn.execute(
        """
        select c.column_name, c.data_type, c.udt_name,
            col_description(format('marts.%%I', c.table_name)::regclass, c.ordinal_position)
        from information_schema.columns as c
        where c.table_schema = 'marts' and c.table_name = %s
        order by c.ordinal_position
        """, (mart,)).fetchall()
    columns = []
    for name, data_type, udt, comment in rows:
        pg_type = f"{udt.lstrip('_')}[]" if data_type == "ARRAY" else data_type
        kind = _KINDS.get(data_type, "text")  # text, arrays (joined), jsonb (its text)
        columns.append(Column(name, pg_type, kind, comment or ""))
    return columns


def primary_key(conn: psycopg.Connection, mart: str) -> list[str]:
    rows = conn.execute(
        """
        select a.attname
        from pg_constraint as k
        cross join lateral unnest(k.conkey) with ordinality as u(attnum, n)
        inner join pg_attribute as a on a.attrelid = k.conrelid and a.attnum = u.attnum
        where k.contype = 'p' and k.conrelid = format('marts.%%I', %s::text)::regclass
        order by u.n
        """, (mart,)).fetchall()
    return [r[0] for r in rows]


def load_manifest(settings: Settings | None = None) -> dict[str, Any] | None:
    """The manifest of the last successful build of this database (else of the last dbt run)."""
    from etl.transform import build_state_dir

    settings = settings or get_settings()
    for path in (build_state_dir(settings) / "manifest.json",
                 settings.warehouse_dir / "dbt" / "target" / "manifest.json"):
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    return None


def model_node(manifest: dict[str, Any], mart: str) -> dict[str, Any] | None:
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "model" and node.get("name") == mart:
            return node
    return None


def upstream_sources(manifest: dict[str, Any], unique_id: str) -> list[str]:
    """The dbt sources (``source.table``) a node is built from, through the whole lineage."""
    parents = manifest.get("parent_map", {})
    seen: set[str] = set()
    stack = [unique_id]
    found: set[str] = set()
    while stack:
        node = stack.pop()
        for parent in parents.get(node, []):
            if parent in seen:
                continue
            seen.add(parent)
            if parent.startswith("source."):
                src = manifest["sources"][parent]
                found.add(f"{src['source_name']}.{src['name']}")
            elif parent.startswith("seed."):
                found.add(f"seed.{parent.split('.')[-1]}")
            else:
                stack.append(parent)
    return sorted(found)


def read_build_info(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """The rows of ``marts.build_info`` (empty when the warehouse predates it)."""
    exists = conn.execute("select to_regclass('marts.build_info') is not null").fetchone()
    if not exists or not exists[0]:
        return []
    cur = conn.execute("select * from marts.build_info order by component_type, component")
    names = [d.name for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def stata_names(names: list[str]) -> list[str]:
    """Names within Stata's 32 characters, unique, in the same order (others unchanged)."""
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        candidate = name[:STATA_NAME_MAX]
        n = 1
        while candidate in taken:
            suffix = f"_{n}"
            candidate = name[:STATA_NAME_MAX - len(suffix)] + suffix
            n += 1
        taken.add(candidate)
        out.append(candidate)
    return out


# ---------------------------------------------------------------------------------------------
# The export
# ---------------------------------------------------------------------------------------------


def _select_list(columns: list[Column]) -> sql.Composable:
    parts = []
    for c in columns:
        ident = sql.Identifier(c.name)
        if c.pg_type.endswith("[]"):
            expr = sql.SQL("array_to_string({}, ',')").format(ident)
        elif c.pg_type in ("jsonb", "json"):
            expr = sql.SQL("{}::text").format(ident)
        elif c.kind == "timestamp":
            expr = sql.SQL("({} at time zone 'UTC')").format(ident)
        else:
            expr = ident
        parts.append(sql.SQL("{} as {}").format(expr, ident))
    return sql.SQL(", ").join(parts)


def _frame(columns: list[Column], rows: list[tuple]) -> Any:
    import pandas as pd

    data = {}
    for i, c in enumerate(columns):
        values = [r[i] for r in rows]
        if c.kind == "integer":
            data[c.name] = pd.array(values, dtype="Int64")
        elif c.kind == "float":
            data[c.name] = pd.array([None if v is None else float(v) for v in values],
                                    dtype="Float64")
        elif c.kind == "boolean":
            data[c.name] = pd.array(values, dtype="boolean")
        elif c.kind in ("date", "timestamp"):
            data[c.name] = pd.to_datetime(pd.Series(values, dtype=object))
        else:
            data[c.name] = pd.array(values, dtype="string")
    return pd.DataFrame(data, columns=[c.name for c in columns])


def _for_stata(frame: Any, columns: list[Column]) -> tuple[Any, dict[str, str]]:
    """Stata's types: booleans 0/1 bytes, integers int32 or double where missing, text str."""
    import numpy as np
    import pandas as pd

    out = {}
    dates = {}
    for c in columns:
        s = frame[c.name]
        if c.kind == "boolean":
            out[c.file_name] = (s.astype("Int8").astype("float64") if s.isna().any()
                                else s.astype("int8"))
        elif c.kind == "integer":
            if s.isna().any():
                out[c.file_name] = s.astype("float64")
            else:
                too_big = s.abs().max() > np.iinfo("int32").max if len(s) else False
                out[c.file_name] = s.astype("float64" if too_big else "int32")
        elif c.kind == "float":
            out[c.file_name] = s.astype("float64")
        elif c.kind in ("date", "timestamp"):
            out[c.file_name] = s
            dates[c.file_name] = "td" if c.kind == "date" else "tc"
        else:
            out[c.file_name] = s.astype(object).where(s.notna(), "")
    return pd.DataFrame(out), dates


def _arrow_table(frame: Any, metadata: dict[str, str]) -> Any:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    merged = {**(table.schema.metadata or {}), **{k.encode(): v.encode()
                                                  for k, v in metadata.items()}}
    return table.replace_schema_metadata(merged)


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def export_mart(
    mart: str, fmt: str = "csv", *, where: str | None = None, out_dir: Path | None = None,
    settings: Settings | None = None,
) -> ExportResult:
    """Write ``mart`` as ``<out_dir>/<mart>.<fmt>`` with its codebook beside it."""
    from etl.db import connect

    settings = settings or get_settings()
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    out_dir = out_dir or settings.warehouse_dir / "exports"
    with connect(settings) as conn:
        marts = mart_names(conn)
        if mart not in marts:
            known = ", ".join(marts) or "none yet: run `alliances refresh`"
            raise ExportError(f"{mart!r} is not a mart (marts: {known})")
        columns = mart_columns(conn, mart)
        key = primary_key(conn, mart) or [c.name for c in columns]
        build_info = read_build_info(conn)
        filter_sql = check_where(where, {c.name for c in columns}) if where else None
        query = sql.SQL("select {cols} from {table}{where} order by {order}").format(
            cols=_select_list(columns), table=sql.Identifier("marts", mart),
            where=sql.SQL(" where ({})").format(sql.SQL(filter_sql.replace("%", "%%")))
            if filter_sql else sql.SQL(""),
            order=sql.SQL(", ").join(sql.SQL("{} nulls first").format(sql.Identifier(k))
                                     for k in key))
        with conn.transaction():
            conn.execute("set transaction read only")
            if filter_sql:
                _become_analyst(conn, settings)
                conn.execute("set local statement_timeout = '5min'")
            # parameters force the extended protocol: one statement, nothing after it
            try:
                rows = conn.execute(sql.SQL("{} limit %s").format(query), (None,)).fetchall()
            except psycopg.Error as exc:
                raise ExportError(f"export of marts.{mart} failed: {exc}".strip()) from exc
    manifest = load_manifest(settings)
    node = model_node(manifest, mart) if manifest else None
    sources = upstream_sources(manifest, node["unique_id"]) if manifest and node else []
    if node:  # the dbt docs are the reference; the database comments are their copy
        docs = {name: col.get("description", "")
                for name, col in node.get("columns", {}).items()}
        columns = [Column(c.name, c.pg_type, c.kind, docs.get(c.name) or c.description)
                   for c in columns]
    file_names = stata_names([c.name for c in columns]) if fmt == "dta" else \
        [c.name for c in columns]
    columns = [Column(c.name, c.pg_type, c.kind, c.description, n)
               for c, n in zip(columns, file_names, strict=True)]
    frame = _frame(columns, rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{mart}.{fmt}"
    commit = next((str(b.get("version")) for b in build_info
                   if b.get("component") == "models"), "unknown")
    meta = {"alliances.mart": mart, "alliances.where": where or "",
            "alliances.build_info": json.dumps(build_info, default=_json_default),
            "alliances.descriptions": json.dumps({c.name: c.description for c in columns})}
    tmp = path.with_name(path.name + ".part")
    if fmt == "csv":
        frame.to_csv(tmp, index=False, date_format="%Y-%m-%d")
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(_arrow_table(frame, meta), tmp)
    elif fmt == "feather":
        import pyarrow.feather as feather

        feather.write_feather(_arrow_table(frame, meta), tmp)
    else:
        stata, dates = _for_stata(frame, columns)
        stata.to_stata(
            tmp, write_index=False, version=118, convert_dates=dates,
            data_label=f"marts.{mart}, models {commit[:12]}"[:80],
            variable_labels={c.file_name: c.description[:STATA_LABEL_MAX] for c in columns})
    tmp.replace(path)
    md, csv_path = write_codebook(out_dir, mart, fmt, columns, sources, build_info, where,
                                  len(rows), node)
    return ExportResult(mart, path, md, csv_path, len(rows), columns, build_info)


def _become_analyst(conn: psycopg.Connection, settings: Settings) -> None:
    """Run the filtered query as the analyst role (reads the marts only), when it may."""
    role = settings.analyst_role
    ok = conn.execute(
        "select exists (select from pg_roles where rolname = %s) "
        "and pg_has_role(current_user, %s, 'MEMBER')", (role, role)).fetchone()
    if ok and ok[0]:
        conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))


_TYPE_IN_FILE = {
    "csv": {"integer": "integer", "float": "decimal", "boolean": "true/false", "text": "text",
            "date": "YYYY-MM-DD", "timestamp": "ISO 8601 (UTC)"},
    "parquet": {"integer": "int64", "float": "double", "boolean": "bool", "text": "string",
                "date": "timestamp[ns]", "timestamp": "timestamp[ns] (UTC)"},
    "dta": {"integer": "long (double where missing)", "float": "double",
            "boolean": "byte 0/1 (double where missing)", "text": "strL/str",
            "date": "%td date", "timestamp": "%tc datetime (UTC)"},
}
_TYPE_IN_FILE["feather"] = _TYPE_IN_FILE["parquet"]


def _type_in_file(fmt: str, column: Column) -> str:
    if column.pg_type.endswith("[]"):
        return f"{_TYPE_IN_FILE[fmt]['text']} (comma-separated list)"
    if column.pg_type in ("jsonb", "json"):
        return f"{_TYPE_IN_FILE[fmt]['text']} (JSON)"
    return _TYPE_IN_FILE[fmt][column.kind]


def write_codebook(
    out_dir: Path, mart: str, fmt: str, columns: list[Column], sources: list[str],
    build_info: list[dict[str, Any]], where: str | None, n_rows: int,
    node: dict[str, Any] | None,
) -> tuple[Path, Path]:
    """``<mart>.codebook.md`` and ``<mart>.codebook.csv``: every column, its type, its docs."""
    csv_path = out_dir / f"{mart}.codebook.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["column", "name_in_file", "database_type", "type_in_file", "description",
                    "sources"])
        for c in columns:
            w.writerow([c.name, c.file_name, c.pg_type, _type_in_file(fmt, c),
                        c.description, "; ".join(sources)])
    lines = [f"# Codebook: `marts.{mart}`", ""]
    if node and node.get("description"):
        lines += [" ".join(node["description"].split()), ""]
    lines += [f"- file: `{mart}.{fmt}`, {n_rows:,} rows"
              + (f", filtered by `{where}`" if where else ""),
              f"- sources (dbt lineage): {', '.join(f'`{s}`' for s in sources) or 'unknown'}",
              "- references: `alliances cite " + mart + "` (add `--bibtex` for BibTeX)", "",
              "| column | name in file | type | type in file | description |",
              "|---|---|---|---|---|"]
    for c in columns:
        desc = " ".join(c.description.split()).replace("|", "\\|")
        lines.append(f"| `{c.name}` | `{c.file_name}` | {c.pg_type} | "
                     f"{_type_in_file(fmt, c)} | {desc} |")
    lines += ["", "## Build", ""]
    if build_info:
        lines += ["| component | type | version | sha256 | built at |",
                  "|---|---|---|---|---|"]
        for b in build_info:
            lines.append(f"| {b.get('component')} | {b.get('component_type')} | "
                         f"{b.get('version') or ''} | {b.get('sha256') or ''} | "
                         f"{_json_default(b.get('built_at'))} |")
    else:
        lines.append("No `marts.build_info` in this warehouse (built before it existed).")
    md = out_dir / f"{mart}.codebook.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return md, csv_path
