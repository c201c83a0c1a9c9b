"""The catalog of every source file the warehouse reads, one immutable entry per file.

Each entry says where the file sits in a source directory laid out like ``../shared/data``
(``relpath``), its SHA-256 as it sits there, where its publisher ships it (``url``, and
``archive_member`` when the publisher ships a zip) and whom to cite under which terms.

Two facts the downloader relies on:

- ``sha256`` is the checksum of the file *in the warehouse's layout*. A mirror that serves that
  layout (``resolve_sources(base_url=...)``) is verified against it.
- Most publishers do not serve those exact bytes: they ship plain CSV where the layout keeps gzip,
  CRLF line ends, extra columns, ``-9`` for missing, or a newer release. ``publisher_sha256`` holds
  the checksum of the publisher's file when someone has verified it; while it is ``None`` a
  download from the publisher is not checksummed (the downloader records what it got).
  ``downloadable`` is false where the publisher does not ship a file the warehouse can read at all
  (Voeten's Dataverse release, the cleaned treaty texts, the project's own manifest): those come
  from a source directory or a mirror.

The publishers' URLs were chosen without network access; ``note`` says which are unverified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal, get_args

from etl.errors import WarehouseError

SourceSystem = Literal["unga", "atop", "cow", "treaties", "troops"]
SOURCE_SYSTEMS: tuple[str, ...] = get_args(SourceSystem)

_SHA256 = re.compile(r"[0-9a-f]{64}")


class UnknownEntryError(WarehouseError, LookupError):
    """A catalog name or source system that the catalog does not hold."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogEntry:
    """One source file: where it sits, its checksum, where its publisher ships it, whom to cite.

    ``archive_member`` is the member's path inside the publisher's zip; more than one item means
    nested archives, outermost first (COW ships NMC as a zip inside a zip). ``gzip`` means the
    warehouse keeps the file gzip-compressed while the publisher serves it plain, so a download
    from the publisher is compressed on arrival.
    """

    name: str
    source: SourceSystem
    relpath: str
    url: str | None
    sha256: str
    citation: str
    licence: str
    archive_member: tuple[str, ...] | None = None
    gzip: bool = False
    downloadable: bool = True
    publisher_sha256: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        """Reject entries that could not work: bad checksums, absolute or escaping paths."""
        if self.source not in SOURCE_SYSTEMS:
            raise ValueError(f"{self.name}: source {self.source!r} is not one of {SOURCE_SYSTEMS}")
        for label, digest in (("sha256", self.sha256), ("publisher_sha256", self.publisher_sha256)):
            if digest is not None and not _SHA256.fullmatch(digest):
                raise ValueError(f"{self.name}: {label} must be 64 lower-case hex digits")
        path = PurePosixPath(self.relpath)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"{self.name}: relpath {self.relpath!r} must stay inside the source")
        if self.downloadable and not self.url:
            raise ValueError(f"{self.name}: a downloadable entry needs a url")
        if self.archive_member is not None and not self.archive_member:
            raise ValueError(f"{self.name}: archive_member, when given, names at least one member")


_VOETEN_CITATION = (
    "Erik Voeten, Anton Strezhnev and Michael Bailey, United Nations General Assembly Voting "
    "Data, Harvard Dataverse, hdl:1902.1/12379, doi:10.7910/DVN/LEJUQZ"
)
_UNVOTES_CITATION = (
    "Mine Cetinkaya-Rundel, David Robinson and Nicholas Goguen-Compagnoni, unvotes: United "
    "Nations General Assembly Voting Data (R package, CRAN; 2021 release), from Erik Voeten's "
    "data, Harvard Dataverse, doi:10.7910/DVN/LEJUQZ"
)
_UNVOTES_LICENCE = "MIT (the unvotes R package); cite Voeten for the votes"
_UNVOTES_BASE = (
    "https://raw.githubusercontent.com/rfordatascience/tidytuesday/main/data/2021/2021-03-23"
)
_UNVOTES_NOTE = (
    "TidyTuesday's plain-CSV export of the unvotes package tables (2021-03-23), gzip-compressed "
    "on download; not byte-checked against the warehouse copy."
)
_ATOP_CITATION = (
    "Brett Ashley Leeds, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long, "
    "Alliance Treaty Obligations and Provisions (ATOP) v4.01, atopdata.org; Leeds et al. 2002, "
    "International Interactions 28: 237-260"
)
_ATOP_LICENCE = "free for research use with citation (ATOP terms; no open licence stated)"
_ATOP_ZIP = "https://www.atopdata.org/uploads/6/9/1/3/69134503/atop_v4.01_data__csv_.zip"
_ATOP_DIR = "ATOP V4.01 Data (csv)"
_ATOP_NOTE = "Zip URL and member folder inferred from the atopdata.org upload naming; unverified."
_COW_LICENCE = "free for research use with citation (Correlates of War terms of use)"
_COW_STATES_CITATION = (
    "Correlates of War Project, State System Membership List, v2016 (2017), correlatesofwar.org"
)
_COW_UPLOADS = "https://correlatesofwar.org/wp-content/uploads"
_NATO_URL = "https://wetten.overheid.nl/BWBV0005760"
_ANZUS_URL = "https://www.legislation.gov.au/C2004C00611/latest/text"
_TREATY_NOTE = (
    "Cleaned text (see treaties/MANIFEST.csv for source commit and edits); the publisher's page "
    "is HTML, so this file comes from a source directory or a mirror."
)

_TROOPDATA_BASE = "https://raw.githubusercontent.com/meflynn/troopdata/master/data-raw"
_TROOPDATA_LICENCE = "GPL (>= 3) (the troopdata R package); cite the authors"
_TROOPDATA_NOTE = (
    "The file of the troopdata R package's data-raw folder on GitHub (meflynn/troopdata); the "
    "branch in the URL is unverified and the file is not byte-checked against the warehouse copy."
)

_ENTRIES: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        name="unga_voeten_votes",
        source="unga",
        relpath="unga/voeten/UNVotesPublished.csv.gz",
        url="https://dataverse.harvard.edu/api/access/dataset/:persistentId/"
        "?persistentId=doi:10.7910/DVN/LEJUQZ",
        sha256="904e1bd0d3028827814065446d12099cb33b3c2d8525730e0722866b0e8d59c6",
        citation=_VOETEN_CITATION,
        licence="CC0 1.0 (Harvard Dataverse terms); cite the authors",
        downloadable=False,
        note=(
            "The Dataverse release ships UNVotesPublished as RData/tab files in its latest version "
            "(beyond session 70); this gzip CSV of sessions 1-70 is a derived copy, so it comes "
            "from a source directory or a mirror."
        ),
    ),
    CatalogEntry(
        name="unga_bridging_pairs",
        source="unga",
        relpath="unga/voeten/Matches.csv",
        url="https://raw.githubusercontent.com/evoeten/"
        "United-Nations-General-Assembly-Votes-and-Ideal-Points/master/Data/Matches.csv",
        sha256="3aacf8efdbc334ab5242f9fb89a7ccaa6539d4b1600b3a31df441a56f8ad61e3",
        citation=(
            "Michael A. Bailey, Anton Strezhnev and Erik Voeten, 2017, Estimating Dynamic State "
            "Preferences from United Nations Voting Data, Journal of Conflict Resolution 61(2): "
            "430-456; replication files (Data/Matches.csv)"
        ),
        licence="MIT (Voeten's GitHub repository of the ideal-point replication files)",
        note="Bridging pairs for the ideal points; URL not byte-checked against this copy.",
    ),
    CatalogEntry(
        name="unvotes_votes",
        source="unga",
        relpath="unga/unvotes/un_votes.csv.gz",
        url=f"{_UNVOTES_BASE}/unvotes.csv",
        sha256="61028645b4e9c8fb0ec386c8082793f59a3c2b2a89e03238775fb702fb1170d0",
        citation=_UNVOTES_CITATION,
        licence=_UNVOTES_LICENCE,
        gzip=True,
        note=_UNVOTES_NOTE,
    ),
    CatalogEntry(
        name="unvotes_roll_calls",
        source="unga",
        relpath="unga/unvotes/un_roll_calls.csv.gz",
        url=f"{_UNVOTES_BASE}/roll_calls.csv",
        sha256="f25791b999333a1d3ec1985d20849d2b9485a794be3248a7fd6d2b0eb4748b3f",
        citation=_UNVOTES_CITATION,
        licence=_UNVOTES_LICENCE,
        gzip=True,
        note=_UNVOTES_NOTE,
    ),
    CatalogEntry(
        name="unvotes_roll_call_issues",
        source="unga",
        relpath="unga/unvotes/un_roll_call_issues.csv.gz",
        url=f"{_UNVOTES_BASE}/issues.csv",
        sha256="2a829a27e55c88c750c2476a59fbc44cebb54d2ba86d17587be8b87dae47b35f",
        citation=_UNVOTES_CITATION,
        licence=_UNVOTES_LICENCE,
        gzip=True,
        note=_UNVOTES_NOTE,
    ),
    CatalogEntry(
        name="atop_alliances",
        source="atop",
        relpath="atop/atop4_01a.csv",
        url=_ATOP_ZIP,
        archive_member=(f"{_ATOP_DIR}/atop4_01a.csv",),
        sha256="84f6e5a488db64e2b04db3143ebb99b4d1c1a57073e388f44f04b0ccfa3a814e",
        citation=_ATOP_CITATION,
        licence=_ATOP_LICENCE,
        note=_ATOP_NOTE,
    ),
    CatalogEntry(
        name="atop_members",
        source="atop",
        relpath="atop/atop4_01m.csv",
        url=_ATOP_ZIP,
        archive_member=(f"{_ATOP_DIR}/atop4_01m.csv",),
        sha256="37533634acbba64af9b900425fad50fcecb69f4a80f9f1d22d9847911bf21e40",
        citation=_ATOP_CITATION,
        licence=_ATOP_LICENCE,
        note=_ATOP_NOTE,
    ),
    CatalogEntry(
        name="cow_nmc",
        source="cow",
        relpath="cow/NMC-70-abridged.csv",
        url=f"{_COW_UPLOADS}/NMCv7.zip",
        archive_member=("NMCv7/NMC-v7-abridged.zip", "NMC-70-abridged.csv"),
        sha256="81f5863d4d50bc3eea30a7ed0c69c6ad5deab0aef3caaf58b5e6f164edbccda8",
        citation=(
            "Correlates of War Project, National Material Capabilities v7.0, correlatesofwar.org; "
            "J. David Singer, Stuart Bremer and John Stuckey, 1972, Capability Distribution, "
            "Uncertainty, and Major Power War, 1820-1965"
        ),
        licence=_COW_LICENCE,
        note=(
            "The publisher's CSV (zip inside NMCv7.zip) also has stateabb and version columns and "
            "writes -9 for missing; the warehouse copy drops both columns and leaves missing empty."
        ),
    ),
    CatalogEntry(
        name="cow_states",
        source="cow",
        relpath="cow/states2016.csv",
        url=f"{_COW_UPLOADS}/states2016.csv",
        sha256="76733bacf602007038b72e2ebec24d37a34ba6dc36793eb7c894af82e952f735",
        citation=_COW_STATES_CITATION,
        licence=_COW_LICENCE,
    ),
    CatalogEntry(
        name="cow_majors",
        source="cow",
        relpath="cow/majors2016.csv",
        url=f"{_COW_UPLOADS}/majors2016.csv",
        sha256="9e8b72eec51bec8bc175c2d1a1c968828c4571558e281c0b3bd554dca135100e",
        citation=_COW_STATES_CITATION,
        licence=_COW_LICENCE,
        note=(
            "URL inferred from states2016.csv's; unverified. The publisher's file also has a "
            "stateabb column, which the warehouse copy drops."
        ),
    ),
    CatalogEntry(
        name="treaty_manifest",
        source="treaties",
        relpath="treaties/MANIFEST.csv",
        url=None,
        sha256="c7107d752c305e3b7eaca81011a913072b780cd9216a72634f065c08379be810",
        citation="Alliance Warehouse treaty manifest; cites each treaty text's publisher per row",
        licence="the project's own (MIT)",
        downloadable=False,
        note="Curated by the project; no publisher ships it.",
    ),
    CatalogEntry(
        name="treaty_nato_1949",
        source="treaties",
        relpath="treaties/north_atlantic_treaty_1949.txt",
        url=_NATO_URL,
        sha256="aa3dbaaf95ab8fbd9c797810593248b2ffd069d9f69e2ad9785c5eb0aecd2996",
        citation=(
            "North Atlantic Treaty, Washington, 4 April 1949; English text as carried in the Dutch "
            "treaty database (wetten.overheid.nl, BWBV0005760)"
        ),
        licence="public domain (treaty text, official publication)",
        downloadable=False,
        note=_TREATY_NOTE,
    ),
    CatalogEntry(
        name="treaty_anzus_1951",
        source="treaties",
        relpath="treaties/anzus_security_treaty_1951.txt",
        url=_ANZUS_URL,
        sha256="79dc8509033057cbbb3cf7796aa966e20d80239ef07a50f268f6c39be2815622",
        citation=(
            "Security Treaty between Australia, New Zealand and the United States of America, "
            "San Francisco, 1 September 1951; Schedule to the Security Treaty (Australia, New "
            "Zealand and the United States of America) Act 1952 (Cth), Act No. 6 of 1952, "
            "Federal Register of Legislation C2004C00611"
        ),
        licence="CC BY 4.0 (Federal Register of Legislation, Commonwealth of Australia)",
        downloadable=False,
        note=_TREATY_NOTE,
    ),
    CatalogEntry(
        name="troops_country_years",
        source="troops",
        relpath="troops/troopdata-rebuild-country-year.csv",
        url=f"{_TROOPDATA_BASE}/troopdata-rebuild-country-year.csv",
        sha256="875aa5c712506950786d791feb2a01b030c61e9afbc6df37baee5f453ce5fe5e",
        citation=(
            "Michael A. Allen, Michael E. Flynn and Carla Martinez Machain, 2022, Global U.S. "
            "military deployment data: 1950-2020, Conflict Management and Peace Science 39(3), "
            "troopdata R package (rebuild, 1950-2024); extending Tim Kane, 2005, Global U.S. "
            "Troop Deployment, 1950-2003, Heritage Foundation"
        ),
        licence=_TROOPDATA_LICENCE,
        note=_TROOPDATA_NOTE,
    ),
    CatalogEntry(
        name="troops_bases",
        source="troops",
        relpath="troops/basedata.csv",
        url=f"{_TROOPDATA_BASE}/basedata.csv",
        sha256="5a552e81b39bdbb7af42b6206dd47340a6a9f114bf84c24c0e167cf74844ccda",
        citation=(
            "David Vine, 2015, Base Nation: How U.S. Military Bases Abroad Harm America and the "
            "World (Metropolitan Books), as coded in the troopdata R package (Allen, Flynn and "
            "Martinez Machain)"
        ),
        licence=_TROOPDATA_LICENCE,
        note=_TROOPDATA_NOTE + " Windows-1252 text.",
    ),
)

_BY_NAME: dict[str, CatalogEntry] = {entry.name: entry for entry in _ENTRIES}
if len(_BY_NAME) != len(_ENTRIES):  # pragma: no cover - guards edits to the table above
    raise RuntimeError("catalog names must be unique")


def entries() -> tuple[CatalogEntry, ...]:
    """Every catalog entry, in a stable order (by source system, then as listed)."""
    return _ENTRIES


def get(name: str) -> CatalogEntry:
    """The entry called ``name``; raises ``UnknownEntryError`` listing the known names."""
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(_BY_NAME)
        message = f"no source file called {name!r} in the catalog; known: {known}"
        raise UnknownEntryError(message) from None


def for_source(source: str) -> tuple[CatalogEntry, ...]:
    """The entries of one source system (``unga``, ``atop``, ``cow``, ``treaties``, ``troops``)."""
    if source not in SOURCE_SYSTEMS:
        known = ", ".join(SOURCE_SYSTEMS)
        raise UnknownEntryError(f"no source system called {source!r}; known: {known}")
    return tuple(entry for entry in _ENTRIES if entry.source == source)
