"""``alliances cite``: the references of the sources behind a mart, as text or BibTeX.

A mart's sources come from the dbt lineage (the manifest's parent map, up to the ``source()``
tables); each raw table leads to its catalog files (``etl.ingest.FILE_SPECS``, or the whole
source system for the treaties and coalitions), and each file to its references: the
publisher's data citation of the catalog (``etl/sources/catalog.py``) and the publications the
publishers ask users to cite beside it (:data:`PUBLICATIONS`). The coalition lists cite the
sources of ``etl/data/coalitions/coalitions.csv``. peacesciencer users know this as
``ps_cite()``.

The versions of the files actually loaded (and their sha256) are in ``marts.build_info``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from etl.sources import catalog

# The release of each catalog file, as its publisher names it (marts.build_info.version).
SOURCE_VERSIONS: dict[str, str] = {
    "unga_voeten_votes": "Voeten UNGA voting data, sessions 1-70 (1946-2015)",
    "unvotes_votes": "unvotes R package, 2021 release (sessions 1-74)",
    "unvotes_roll_calls": "unvotes R package, 2021 release (sessions 1-74)",
    "unvotes_roll_call_issues": "unvotes R package, 2021 release (sessions 1-74)",
    "unga_bridging_pairs": "Bailey, Strezhnev & Voeten (2017) replication files, Matches.csv",
    "atop_alliances": "ATOP 4.01",
    "atop_members": "ATOP 4.01",
    "cow_nmc": "COW NMC 7.0 (abridged)",
    "cow_states": "COW State System Membership v2016",
    "cow_majors": "COW Major Powers v2016",
    "troops_country_years": "troopdata rebuild, US troops per host country-year 1950-2024",
    "troops_bases": "troopdata basedata (Vine 2015)",
    "treaty_manifest": "project manifest (sha256)",
    "treaty_nato_1949": "North Atlantic Treaty 1949, text of BWBV0005760",
    "treaty_anzus_1951": "ANZUS Treaty 1951, text of Act No. 6 of 1952",
}


@dataclass(frozen=True)
class Reference:
    """One BibTeX entry; ``text`` is the line printed without ``--bibtex``."""

    key: str
    entry_type: str
    fields: dict[str, str]
    text: str

    def bibtex(self) -> str:
        body = ",\n".join(
            f"  {name} = {{{value if name in _VERBATIM else _escape(value)}}}"
            for name, value in self.fields.items())
        return f"@{self.entry_type}{{{self.key},\n{body}\n}}"


_VERBATIM = frozenset({"url", "doi"})


def _escape(value: str) -> str:
    """BibTeX-safe text: braces balanced, the special characters escaped."""
    value = value.replace("{", "(").replace("}", ")")
    return re.sub(r"(?<!\\)([&%$#_])", r"\\\1", value)


# Publications the publishers ask to be cited with their data, by catalog name.
_BAILEY_2017 = Reference(
    "bailey2017", "article",
    {"author": "Bailey, Michael A. and Strezhnev, Anton and Voeten, Erik",
     "title": "Estimating Dynamic State Preferences from United Nations Voting Data",
     "journal": "Journal of Conflict Resolution", "volume": "61", "number": "2",
     "pages": "430--456", "year": "2017", "doi": "10.1177/0022002715595700"},
    "Bailey, Strezhnev & Voeten (2017), Estimating Dynamic State Preferences from United "
    "Nations Voting Data, Journal of Conflict Resolution 61(2): 430-456.")
_LEEDS_2002 = Reference(
    "leeds2002", "article",
    {"author": "Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin and "
               "Long, Andrew G.",
     "title": "Alliance Treaty Obligations and Provisions, 1815--1944",
     "journal": "International Interactions", "volume": "28", "number": "3",
     "pages": "237--260", "year": "2002", "doi": "10.1080/03050620213653"},
    "Leeds, Ritter, Mitchell & Long (2002), Alliance Treaty Obligations and Provisions, "
    "1815-1944, International Interactions 28(3): 237-260.")
_SINGER_1972 = Reference(
    "singer1972", "incollection",
    {"author": "Singer, J. David and Bremer, Stuart and Stuckey, John",
     "title": "Capability Distribution, Uncertainty, and Major Power War, 1820--1965",
     "booktitle": "Peace, War, and Numbers", "editor": "Russett, Bruce",
     "publisher": "Sage", "address": "Beverly Hills", "pages": "19--48", "year": "1972"},
    "Singer, Bremer & Stuckey (1972), Capability Distribution, Uncertainty, and Major Power "
    "War, 1820-1965, in B. Russett (ed.), Peace, War, and Numbers, Sage: 19-48.")
PUBLICATIONS: dict[str, tuple[Reference, ...]] = {
    "unga_voeten_votes": (_BAILEY_2017,),
    "unvotes_votes": (_BAILEY_2017,),
    "atop_alliances": (_LEEDS_2002,),
    "atop_members": (_LEEDS_2002,),
    "cow_nmc": (_SINGER_1972,),
}
# Raw tables filled by a whole source system rather than one catalog file.
_SYSTEM_TABLES = {"treaties": "treaties", "coalitions": "coalitions"}


def _key(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()


def data_references(entries: Iterable[catalog.CatalogEntry]) -> list[Reference]:
    """The catalog's data citations, as BibTeX @misc: one per citation, listing its files."""
    groups: dict[str, list[catalog.CatalogEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.citation, []).append(entry)
    refs = []
    for citation, group in groups.items():
        first = group[0]
        versions = list(dict.fromkeys(SOURCE_VERSIONS.get(e.name, "") for e in group))
        files = ", ".join(e.relpath for e in group)
        fields = {"title": citation,
                  "note": f"{'; '.join(v for v in versions if v)}; files {files}; "
                          f"licence: {first.licence}"}
        if first.url:
            fields["url"] = first.url
        refs.append(Reference(f"data_{_key(first.name)}", "misc", fields,
                              f"{citation} [{files}]"))
    return refs


def coalition_references() -> list[Reference]:
    """The publishers of the curated coalition lists (etl/data/coalitions/coalitions.csv)."""
    from etl.sources import coalitions

    path = coalitions.COALITIONS_DIR / "coalitions.csv"
    refs = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            fields = {"title": f"Coalition list {row['coalition']}: {row['purpose']}",
                      "note": row["source_citation"]}
            if row.get("source_url"):
                fields["url"] = row["source_url"]
            refs.append(Reference(f"coalition_{_key(row['coalition'])}", "misc", fields,
                                  f"{row['coalition']}: {row['source_citation']}"))
    return refs


def references_for_tables(tables: Iterable[str]) -> list[Reference]:
    """The references behind dbt source tables (``source_name.table``), without duplicates."""
    from etl.ingest import FILE_SPECS

    by_table: dict[str, list[str]] = {}
    for spec in FILE_SPECS.values():
        by_table.setdefault(spec.table, []).append(spec.file_name)
    entries: list[catalog.CatalogEntry] = []
    refs: dict[str, Reference] = {}
    for qualified in sorted(set(tables)):
        system, _, table = qualified.partition(".")
        names = by_table.get(table, [])
        if not names and system == "treaties":
            names = [e.name for e in catalog.for_source("treaties")]
        entries.extend(catalog.get(name) for name in names if catalog.get(name) not in entries)
        if system == "coalitions":
            for ref in coalition_references():
                refs.setdefault(ref.key, ref)
    return _with_publications(entries, list(refs.values()))


def _with_publications(entries: list[catalog.CatalogEntry],
                       others: list[Reference]) -> list[Reference]:
    out: dict[str, Reference] = {}
    for ref in data_references(entries):
        out[ref.key] = ref
    for entry in entries:
        for pub in PUBLICATIONS.get(entry.name, ()):
            out.setdefault(pub.key, pub)
    for ref in others:
        out.setdefault(ref.key, ref)
    return list(out.values())


def all_references() -> list[Reference]:
    """Every source the warehouse reads."""
    return _with_publications(list(catalog.entries()), coalition_references())


@dataclass
class Citation:
    mart: str | None
    sources: list[str]
    references: list[Reference] = field(default_factory=list)


def cite(mart: str | None, manifest: dict[str, Any] | None) -> Citation:
    """The references behind ``mart`` (from the dbt lineage), or every source (``None``)."""
    from etl.errors import WarehouseError
    from etl.export import model_node, upstream_sources

    if mart is None:
        return Citation(None, [], all_references())
    if manifest is None:
        raise WarehouseError("no dbt manifest yet: run `alliances refresh` (or `alliances dbt "
                             "parse`) first")
    node = model_node(manifest, mart)
    if node is None:
        marts = sorted(n["name"] for n in manifest.get("nodes", {}).values()
                       if n.get("resource_type") == "model" and "marts" in n.get("fqn", []))
        raise WarehouseError(f"{mart!r} is not a model; marts: {', '.join(marts)}")
    sources = [s for s in upstream_sources(manifest, node["unique_id"])
               if not s.startswith(("seed.", "warehouse."))]
    return Citation(mart, sources, references_for_tables(sources))
