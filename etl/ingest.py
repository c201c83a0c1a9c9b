"""Which raw table each catalog file lands in, and the ingest of one source system.

One ``FileSpec`` per catalog file: the parser that reads it and the raw table it replaces. The
flows call ``ingest_source`` once per source system (one Prefect task each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.config import Settings, get_settings
from etl.db import connect
from etl.ledger import LoadOutcome, load_file
from etl.sources import atop, cow, loaders, troops, unga
from etl.sources.base import ParseResult


@dataclass(frozen=True)
class FileSpec:
    """A catalog file, its parser and its raw table."""

    file_name: str
    source: str
    table: str
    parse: Callable[[Path], ParseResult]


FILE_SPECS: dict[str, FileSpec] = {
    spec.file_name: spec
    for spec in (
        FileSpec("unga_voeten_votes", "unga", "unga_voeten_votes", unga.parse_voeten_votes),
        FileSpec("unvotes_votes", "unga", "unvotes_votes", unga.parse_unvotes_votes),
        FileSpec("unvotes_roll_calls", "unga", "unvotes_roll_calls", unga.parse_unvotes_roll_calls),
        FileSpec("unvotes_roll_call_issues", "unga", "unvotes_roll_call_issues",
                 unga.parse_unvotes_roll_call_issues),
        FileSpec("cow_states", "cow", "cow_states", cow.parse_states),
        FileSpec("cow_nmc", "cow", "cow_nmc", cow.parse_nmc),
        FileSpec("cow_majors", "cow", "cow_majors", cow.parse_majors),
        FileSpec("atop_alliances", "atop", "atop_alliances", atop.parse_atop_alliances),
        FileSpec("atop_members", "atop", "atop_members", atop.parse_atop_members),
        FileSpec("troops_country_years", "troops", "troops_country_years", troops.parse_troops),
        FileSpec("troops_bases", "troops", "troops_bases", troops.parse_bases),
    )
}


# Sources whose files are found at run time (curated lists in git, a user's folder, a treaty
# manifest) rather than named one by one in the catalog, or whose files fill several raw tables:
# each has a loader of its own that keeps the ledger's rules (etl/sources/loaders.py). They load
# after the catalog sources (the coalition lists need cow_states to resolve names).
SOURCE_LOADERS: dict[str, Callable[..., list[LoadOutcome]]] = {
    loaders.COALITIONS_SOURCE: loaders.ingest_coalitions,
    loaders.TREATIES_SOURCE: loaders.ingest_treaties,
}


def sources() -> list[str]:
    """Source systems in load order."""
    return list(dict.fromkeys([*(spec.source for spec in FILE_SPECS.values()), *SOURCE_LOADERS]))


def specs_for(source: str) -> list[FileSpec]:
    return [spec for spec in FILE_SPECS.values() if spec.source == source]


def ingest_files(
    specs: Iterable[FileSpec], paths: dict[str, Path], *, full: bool = False,
    settings: Settings | None = None,
) -> list[LoadOutcome]:
    """Load each file into its raw table (each file atomic; skipped when unchanged)."""
    settings = settings or get_settings()
    outcomes = []
    with connect(settings) as conn:
        for spec in specs:
            outcomes.append(
                load_file(conn, source=spec.source, file_name=spec.file_name,
                          path=paths[spec.file_name], table=spec.table, parse=spec.parse,
                          full=full)
            )
    return outcomes


def ingest_source(
    source: str, paths: dict[str, Path], *, full: bool = False, settings: Settings | None = None
) -> list[LoadOutcome]:
    """Load every file of one source system."""
    if source in SOURCE_LOADERS:
        return SOURCE_LOADERS[source](paths, full=full, settings=settings)
    return ingest_files(specs_for(source), paths, full=full, settings=settings)
