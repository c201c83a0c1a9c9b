"""Which raw table each catalog file lands in, and the ingest of one source system.

One ``FileSpec`` per catalog file: the parser that reads it, the raw table it replaces and the
key no two of its rows may share. The flows call ``ingest_source`` once per source system (one
Prefect task each).

A new catalog file needs a ``FileSpec`` here (and a catalog entry of the same name, whose sha256
the load is verified against). Its ``parse`` may return a ``ParseStream`` (rows as the file is
read: memory that does not grow with the file) or, for a small file, a ``ParseResult``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.config import Settings, get_settings
from etl.db import connect
from etl.errors import WarehouseError
from etl.ledger import Guards, LoadOutcome, load_file
from etl.sources import atop, bridging, catalog, cow, loaders, troops, unga
from etl.sources.base import ParseResult, ParseStream


@dataclass(frozen=True)
class FileSpec:
    """A catalog file, its parser, its raw table and its rows' key (checked at load time)."""

    file_name: str
    source: str
    table: str
    parse: Callable[[Path], ParseResult | ParseStream]
    key: tuple[str, ...] = ()


FILE_SPECS: dict[str, FileSpec] = {
    spec.file_name: spec
    for spec in (
        FileSpec("unga_voeten_votes", "unga", "unga_voeten_votes", unga.stream_voeten_votes,
                 ("rcid", "ccode")),
        FileSpec("unvotes_votes", "unga", "unvotes_votes", unga.stream_unvotes_votes,
                 ("rcid", "country")),
        FileSpec("unvotes_roll_calls", "unga", "unvotes_roll_calls",
                 unga.stream_unvotes_roll_calls, ("rcid",)),
        FileSpec("unvotes_roll_call_issues", "unga", "unvotes_roll_call_issues",
                 unga.stream_unvotes_roll_call_issues, ("rcid", "short_name")),
        FileSpec("unga_bridging_pairs", "ideal_points", "unga_bridging_pairs",
                 bridging.stream_bridging_pairs, ("rcid1", "rcid2")),
        FileSpec("cow_states", "cow", "cow_states", cow.stream_states,
                 ("ccode", "styear", "stmonth", "stday")),
        FileSpec("cow_nmc", "cow", "cow_nmc", cow.stream_nmc, ("ccode", "year")),
        FileSpec("cow_majors", "cow", "cow_majors", cow.stream_majors,
                 ("ccode", "styear", "stmonth", "stday")),
        FileSpec("atop_alliances", "atop", "atop_alliances", atop.stream_atop_alliances,
                 ("atopid",)),
        # a member can leave and re-enter within a phase: its entry date is part of the key
        FileSpec("atop_members", "atop", "atop_members", atop.stream_atop_members,
                 ("atopid", "member", "phase", "yrent", "moent", "dayent")),
        FileSpec("troops_country_years", "troops", "troops_country_years",
                 troops.stream_troops, ("ccode", "year", "countryname")),
        # Vine's list repeats one site row verbatim: a row is a listed site, with no key
        FileSpec("troops_bases", "troops", "troops_bases", troops.stream_bases, ()),
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


def catalog_sha256(file_name: str) -> str | None:
    """The sha256 of the catalog's known release of a file, if the catalog lists it."""
    try:
        return catalog.get(file_name).sha256
    except catalog.UnknownEntryError:
        return None


def shrink_accepted(spec: FileSpec, path: Path, accept_shrink: Collection[str]) -> bool:
    """Whether ``--accept-shrink`` names this file: by its catalog name (``cow_nmc``), its file
    name (``NMC-70-abridged.csv``) or its path."""
    names = {spec.file_name, Path(path).name, str(path)}
    return any(name in names or Path(name).resolve() == Path(path).resolve()
               for name in accept_shrink)


def unknown_shrink_names(accept_shrink: Collection[str], paths: dict[str, Path]) -> list[str]:
    """The ``--accept-shrink`` names that match no catalog file or coalition list (a typo would
    let nothing through)."""
    if not accept_shrink:
        return []
    lists = loaders.coalition_source_files(loaders.coalitions.COALITIONS_DIR,
                                           loaders.user_coalitions_dir(paths))
    return [name for name in accept_shrink
            if not any(shrink_accepted(spec, paths[spec.file_name], [name])
                       for spec in FILE_SPECS.values() if spec.file_name in paths)
            and not any(loaders.shrink_accepted(f, [name]) for f in lists)]


def ingest_files(
    specs: Iterable[FileSpec], paths: dict[str, Path], *, full: bool = False,
    settings: Settings | None = None, accept_shrink: Collection[str] = (),
) -> list[LoadOutcome]:
    """Load each file into its raw table (each file atomic, guarded; skipped when unchanged)."""
    settings = settings or get_settings()
    guards = Guards.from_settings(settings)
    outcomes = []
    with connect(settings) as conn:
        for spec in specs:
            path = paths[spec.file_name]
            outcomes.append(
                load_file(conn, source=spec.source, file_name=spec.file_name, path=path,
                          table=spec.table, parse=spec.parse, full=full, guards=guards,
                          accept_shrink=shrink_accepted(spec, path, accept_shrink),
                          unique_key=spec.key, expected_sha256=catalog_sha256(spec.file_name))
            )
    return outcomes


def ingest_source(
    source: str, paths: dict[str, Path], *, full: bool = False, settings: Settings | None = None,
    accept_shrink: Collection[str] = (),
) -> list[LoadOutcome]:
    """Load every file of one source system; ``accept_shrink`` names files that may shrink."""
    if source in SOURCE_LOADERS:
        return SOURCE_LOADERS[source](paths, full=full, settings=settings,
                                      accept_shrink=accept_shrink)
    return ingest_files(specs_for(source), paths, full=full, settings=settings,
                        accept_shrink=accept_shrink)


def check_accept_shrink(accept_shrink: Collection[str], paths: dict[str, Path]) -> None:
    """Raise ``WarehouseError`` when ``--accept-shrink`` names a file the refresh does not load."""
    unknown = unknown_shrink_names(accept_shrink, paths)
    if unknown:
        raise WarehouseError(
            f"--accept-shrink {', '.join(unknown)}: no such file; give a catalog name "
            f"({', '.join(FILE_SPECS)}), a file name or a path")
