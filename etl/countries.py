"""Country identity: the COW code (``ccode``) and everything that has to be mapped onto it.

Three things live here, all built from the COW state system file (``cow/states2016.csv``),
country_converter (coco) and small curated tables under ``etl/data/``:

* ``build_country_crosswalk``: one row per COW ccode with its ISO 3166 codes; written to the dbt
  seed ``country_crosswalk.csv`` (``write_country_crosswalk``).
* ``build_unvotes_country_map``: the ``(country_code, country_name)`` pairs of the ``unvotes``
  release mapped to ccodes, split by date where one pair stands for two COW states; written to the
  seed ``unvotes_country_map.csv`` (``write_unvotes_country_map``) and checked against Voeten's
  own ccodes (``check_unvotes_map_against_voeten``).
* ``CountryResolver`` / ``resolve_country``: free-text country names (historical and variant
  spellings, organisations kept apart) to ccodes, for the curated coalition lists.

Regenerate both seeds with ``python -m etl.countries [SOURCE_DIR]``.

Every CSV here is read with the csv module, never with pandas' NA guessing: Namibia's ISO2 code is
"NA" and must stay a string.
"""

from __future__ import annotations

import csv
import logging
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from etl.errors import SourceFileError, WarehouseError
from etl.sources.base import read_csv_records

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"
SEEDS_DIR = PROJECT_ROOT / "dbt_project" / "seeds"

COUNTRY_OVERRIDES_CSV = DATA_DIR / "country_overrides.csv"
UNVOTES_OVERRIDES_CSV = DATA_DIR / "unvotes_country_overrides.csv"
COUNTRY_ALIASES_CSV = DATA_DIR / "country_aliases.csv"
ORGANISATIONS_CSV = DATA_DIR / "organisations.csv"

CROSSWALK_SEED = SEEDS_DIR / "country_crosswalk.csv"
UNVOTES_MAP_SEED = SEEDS_DIR / "unvotes_country_map.csv"

CROSSWALK_COLUMNS = ("ccode", "stateabb", "iso2", "iso3", "iso_numeric", "note")
UNVOTES_MAP_COLUMNS = ("country_code", "country_name", "ccode", "valid_from", "valid_to", "note")

# Paths of the shared sources, relative to the source directory (``Settings.source_dir``).
STATES_RELPATH = Path("cow/states2016.csv")
UN_VOTES_RELPATH = Path("unga/unvotes/un_votes.csv.gz")
UN_ROLL_CALLS_RELPATH = Path("unga/unvotes/un_roll_calls.csv.gz")
VOETEN_RELPATH = Path("unga/voeten/UNVotesPublished.csv.gz")

_NOT_FOUND = "\x00not-found"


class CountryDataError(WarehouseError):
    """A curated country table or a mapping that cannot be built as it stands."""


# --------------------------------------------------------------------------------------------
# COW states
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CowState:
    """One COW ccode with its name and its spells of system membership (inclusive dates)."""

    ccode: int
    stateabb: str
    name: str
    periods: tuple[tuple[date, date], ...]

    def is_member_on(self, on: date) -> bool:
        return any(start <= on <= end for start, end in self.periods)

    def overlaps(self, first: date, last: date) -> list[tuple[date, date]]:
        """The membership spells that meet the closed interval [first, last]."""
        return [(s, e) for s, e in self.periods if s <= last and e >= first]

    @property
    def last_day(self) -> date:
        return max(e for _, e in self.periods)


def read_cow_states(states_csv: str | Path) -> dict[int, CowState]:
    """COW states by ccode from ``states2016.csv`` (one row per spell of membership)."""
    path = Path(states_csv)
    required = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear",
                "endmonth", "endday")
    spells: dict[int, list[tuple[date, date]]] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    for line, rec, _raw in read_csv_records(path, required):
        try:
            ccode = int(rec["ccode"])
            start = date(int(rec["styear"]), int(rec["stmonth"]), int(rec["stday"]))
            end = date(int(rec["endyear"]), int(rec["endmonth"]), int(rec["endday"]))
        except ValueError as exc:
            raise SourceFileError(path, line, f"expected a ccode and valid dates: {exc}") from exc
        spells[ccode].append((start, end))
        names.setdefault(ccode, (rec["stateabb"].strip(), rec["statenme"].strip()))
    return {
        c: CowState(c, names[c][0], names[c][1], tuple(sorted(spells[c]))) for c in sorted(spells)
    }


# --------------------------------------------------------------------------------------------
# country_converter
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _coco() -> Any:
    import country_converter as coco  # imported lazily: it loads pandas

    # coco logs one warning per name it cannot match; the callers decide what a miss means.
    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    return coco.CountryConverter()


@lru_cache(maxsize=1)
def _coco_iso_table() -> dict[str, tuple[str, str]]:
    """ISO3 -> (ISO2, zero-padded ISO numeric) from coco's table."""
    cc = _coco()
    data = cc.data
    iso3s = [str(x) for x in data["ISO3"]]
    # coco's table writes some ISO2 cells as regexes ("^GB$|^UK$"): ask coco to convert instead.
    iso2s = cc.convert(iso3s, src="ISO3", to="ISO2", not_found=_NOT_FOUND)
    table: dict[str, tuple[str, str]] = {}
    for iso2, iso3, num in zip(iso2s, iso3s, data["ISOnumeric"], strict=True):
        if not re.fullmatch(r"[A-Z]{2}", str(iso2)):
            raise CountryDataError(f"coco gives no plain ISO2 code for {iso3}: {iso2!r}")
        table[iso3] = (str(iso2), f"{int(num):03d}" if num is not None and num == num else "")
    return table


def coco_iso3(names: Sequence[str]) -> list[str | list[str] | None]:
    """coco's regex match of each name to ISO3: a code, a list (several matches) or None."""
    if not names:
        return []
    out = _coco().convert(list(names), src="regex", to="ISO3", not_found=_NOT_FOUND)
    if isinstance(out, str):
        out = [out]
    return [None if o == _NOT_FOUND else o for o in out]


# --------------------------------------------------------------------------------------------
# Small CSV helpers
# --------------------------------------------------------------------------------------------


def _read_table(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    for line, rec, _raw in read_csv_records(path, required):
        yield line, {k: (v or "").strip() for k, v in rec.items()}


def write_csv(rows: Iterable[Mapping[str, Any]], path: str | Path, columns: Sequence[str]) -> None:
    """Write rows as UTF-8 CSV with ``\\n`` line ends (empty string = missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})


def read_seed(path: str | Path) -> list[dict[str, str]]:
    """A seed CSV as a list of string dicts (no missing-value guessing)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------------------------
# Crosswalk: ccode -> ISO codes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IsoOverride:
    iso2: str
    iso3: str
    iso_numeric: str
    note: str


def read_country_overrides(path: str | Path = COUNTRY_OVERRIDES_CSV) -> dict[int, IsoOverride]:
    """ccode -> ISO codes decided by hand (historical states, ISO 3166-3 former codes)."""
    path = Path(path)
    out: dict[int, IsoOverride] = {}
    for line, rec in _read_table(path, ("ccode", "iso2", "iso3", "iso_numeric", "note")):
        try:
            ccode = int(rec["ccode"])
        except ValueError:
            raise SourceFileError(
                path, line, f"expected an integer ccode, found {rec['ccode']!r}"
            ) from None
        if ccode in out:
            raise SourceFileError(path, line, f"ccode {ccode} is overridden twice")
        if not rec["note"]:
            raise SourceFileError(path, line, "every override needs a note saying why")
        num = rec["iso_numeric"]
        out[ccode] = IsoOverride(rec["iso2"], rec["iso3"], f"{int(num):03d}" if num else "",
                                 rec["note"])
    return out


def build_country_crosswalk(
    states_csv: str | Path, overrides_csv: str | Path = COUNTRY_OVERRIDES_CSV
) -> list[dict[str, str]]:
    """One row per COW ccode: ``ccode, stateabb, iso2, iso3, iso_numeric, note`` (all strings).

    ISO codes come from coco's regex match of the COW state name; ``country_overrides.csv``
    decides every state coco cannot match uniquely or matches wrongly (historical states get
    their ISO 3166-3 former codes, or none). A state with neither raises ``CountryDataError``.
    """
    states = read_cow_states(states_csv)
    overrides = read_country_overrides(overrides_csv)
    unknown = sorted(set(overrides) - set(states))
    if unknown:
        raise CountryDataError(f"{overrides_csv}: ccode(s) {unknown} are not in {states_csv}")
    iso = _coco_iso_table()
    todo = [s for s in states.values() if s.ccode not in overrides]
    matches = coco_iso3([s.name for s in todo])
    rows: dict[int, dict[str, str]] = {}
    for state in states.values():
        if state.ccode in overrides:
            o = overrides[state.ccode]
            codes = (o.iso2, o.iso3, o.iso_numeric, o.note)
        else:
            iso3 = matches[todo.index(state)]
            if not isinstance(iso3, str):
                raise CountryDataError(
                    f"coco finds {iso3 or 'no'} ISO match for COW {state.ccode} {state.name!r}: "
                    f"add a row to {overrides_csv}"
                )
            iso2, num = iso[iso3]
            codes = (iso2, iso3, num, "")
        rows[state.ccode] = dict(zip(CROSSWALK_COLUMNS, (str(state.ccode), state.stateabb, *codes),
                                     strict=True))
    return [rows[c] for c in sorted(rows)]


def write_country_crosswalk(states_csv: str | Path, seed: str | Path = CROSSWALK_SEED) -> int:
    rows = build_country_crosswalk(states_csv)
    write_csv(rows, seed, CROSSWALK_COLUMNS)
    return len(rows)


# --------------------------------------------------------------------------------------------
# Name resolver
# --------------------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Case-, accent- and punctuation-blind key: "Côte d’Ivoire" -> "cote d ivoire"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass(frozen=True)
class Organisation:
    org_code: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    """What a name stands for: a state (``ccode``) or an organisation (``org_code``)."""

    kind: Literal["state", "organisation"]
    ccode: int | None = None
    org_code: str | None = None
    how: str = ""


def read_organisations(path: str | Path = ORGANISATIONS_CSV) -> list[Organisation]:
    """Organisations (``org_code,name,aliases``; aliases separated by ``|``)."""
    path = Path(path)
    orgs: list[Organisation] = []
    seen: set[str] = set()
    for line, rec in _read_table(path, ("org_code", "name", "aliases")):
        code = rec["org_code"]
        if not code or not rec["name"]:
            raise SourceFileError(path, line, "expected an org_code and a name")
        if code in seen:
            raise SourceFileError(path, line, f"org_code {code} appears twice")
        seen.add(code)
        aliases = tuple(a.strip() for a in rec["aliases"].split("|") if a.strip())
        orgs.append(Organisation(code, rec["name"], aliases))
    return orgs


def read_country_aliases(path: str | Path = COUNTRY_ALIASES_CSV) -> dict[str, tuple[int, str]]:
    """Normalised alias -> (ccode, the alias as written) from ``alias,ccode,note``."""
    path = Path(path)
    out: dict[str, tuple[int, str]] = {}
    for line, rec in _read_table(path, ("alias", "ccode", "note")):
        key = normalise_name(rec["alias"])
        try:
            ccode = int(rec["ccode"])
        except ValueError:
            raise SourceFileError(
                path, line, f"expected an integer ccode, found {rec['ccode']!r}"
            ) from None
        if not key:
            raise SourceFileError(path, line, "empty alias")
        if key in out and out[key][0] != ccode:
            raise SourceFileError(path, line, f"alias {rec['alias']!r} already maps to "
                                              f"{out[key][0]}")
        out[key] = (ccode, rec["alias"])
    return out


@dataclass
class CountryResolver:
    """Resolve free-text names to COW ccodes, or to organisations, never forcing one onto the other.

    Order: organisations (names and aliases), the project's alias table, COW state names, then
    coco's regex match (ISO3 -> the crosswalk's ccodes; where several COW states share the ISO
    code, ``on_date`` picks the one in the system that day, else the latest).
    """

    states: dict[int, CowState]
    crosswalk: list[dict[str, str]]
    aliases: dict[str, tuple[int, str]] = field(default_factory=dict)
    organisations: list[Organisation] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._orgs: dict[str, Organisation] = {}
        for org in self.organisations:
            for n in (org.name, org.org_code, *org.aliases):
                self._orgs[normalise_name(n)] = org
        self._cow_names = {normalise_name(s.name): s.ccode for s in self.states.values()}
        self._by_iso3: dict[str, list[int]] = defaultdict(list)
        self._iso2 = {int(row["ccode"]): row["iso2"] for row in self.crosswalk}
        for row in self.crosswalk:
            if row["iso3"]:
                self._by_iso3[row["iso3"]].append(int(row["ccode"]))
        unknown = sorted({c for c, _ in self.aliases.values()} - set(self.states))
        if unknown:
            raise CountryDataError(f"country aliases name ccode(s) {unknown} not in COW states")
        self._coco_cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_files(
        cls,
        states_csv: str | Path,
        *,
        aliases_csv: str | Path = COUNTRY_ALIASES_CSV,
        organisations_csv: str | Path = ORGANISATIONS_CSV,
        overrides_csv: str | Path = COUNTRY_OVERRIDES_CSV,
    ) -> CountryResolver:
        return cls(
            states=read_cow_states(states_csv),
            crosswalk=build_country_crosswalk(states_csv, overrides_csv),
            aliases=read_country_aliases(aliases_csv),
            organisations=read_organisations(organisations_csv),
        )

    def iso2_of(self, ccode: int) -> str:
        return self._iso2.get(ccode, "")

    def organisation(self, name: str) -> Organisation | None:
        return self._orgs.get(normalise_name(name))

    def candidates(self, name: str) -> tuple[int, ...]:
        """Every ccode the name may stand for, the likeliest first; () if none.

        An alias names one state. A COW state name comes first, followed by the states sharing
        its ISO code ("Yemen" 679, then 678); a coco match lists the states sharing the ISO code,
        the latest in the system first.
        """
        key = normalise_name(name)
        if not key or key in self._orgs:
            return ()
        if key in self.aliases:
            return (self.aliases[key][0],)
        if key in self._cow_names:
            first = self._cow_names[key]
            iso2 = self.iso2_of(first)
            others = sorted(c for c, i in self._iso2.items() if iso2 and i == iso2 and c != first)
            return (first, *others)
        if key not in self._coco_cache:
            iso3 = coco_iso3([name])[0]
            found = self._by_iso3.get(iso3, []) if isinstance(iso3, str) else []
            self._coco_cache[key] = tuple(sorted(
                (c for c in found if c in self.states),
                key=lambda c: self.states[c].last_day, reverse=True))
        return self._coco_cache[key]

    def resolve(self, name: str, *, on_date: date | None = None) -> Resolution | None:
        """A state or an organisation for the name, or None when nothing matches."""
        key = normalise_name(name)
        if key in self._orgs:
            return Resolution("organisation", org_code=self._orgs[key].org_code, how="organisation")
        cands = self.candidates(name)
        if not cands:
            return None
        how = ("alias" if key in self.aliases else "cow_name" if key in self._cow_names
               else "coco")
        return Resolution("state", ccode=self._pick(cands, on_date), how=how)

    def resolve_country(self, name: str, *, on_date: date | None = None) -> int | None:
        """The ccode of a state's name; None for organisations and unknown names."""
        res = self.resolve(name, on_date=on_date)
        return res.ccode if res is not None and res.kind == "state" else None

    def _pick(self, cands: Sequence[int], on_date: date | None) -> int:
        """The first candidate, unless ``on_date`` finds it out of the system and exactly one
        other candidate in it."""
        first = cands[0]
        if on_date is None or len(cands) == 1 or self.states[first].is_member_on(on_date):
            return first
        active = [c for c in cands[1:] if self.states[c].is_member_on(on_date)]
        return active[0] if len(active) == 1 else first


def default_states_csv() -> Path:
    """``cow/states2016.csv`` under the configured source directory."""
    from etl.config import get_settings

    source_dir = get_settings().source_dir
    if source_dir is None:
        raise CountryDataError("no source directory configured (ALLIANCES_SOURCE_DIR)")
    return source_dir / STATES_RELPATH


@lru_cache(maxsize=1)
def default_resolver() -> CountryResolver:
    return CountryResolver.from_files(default_states_csv())


def resolve_country(name: str, *, on_date: date | None = None) -> int | None:
    """The COW ccode for a country name (``None`` for organisations and unknown names)."""
    return default_resolver().resolve_country(name, on_date=on_date)


# --------------------------------------------------------------------------------------------
# unvotes (country_code, country) pairs -> ccode
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnvotesPair:
    """One (country_code, country) pair of ``un_votes.csv.gz`` with the span of its votes."""

    country_code: str
    country_name: str
    first_vote: date
    last_vote: date
    n_votes: int


def read_roll_call_dates(roll_calls_csv: str | Path) -> dict[str, date]:
    path = Path(roll_calls_csv)
    out: dict[str, date] = {}
    for line, rec, _raw in read_csv_records(path, ("rcid", "date")):
        try:
            out[rec["rcid"]] = date.fromisoformat(rec["date"])
        except ValueError as exc:
            raise SourceFileError(path, line, f"expected an ISO date, found {rec['date']!r}") \
                from exc
    return out


def read_unvotes_pairs(un_votes_csv: str | Path, roll_calls_csv: str | Path) -> list[UnvotesPair]:
    """Every distinct (country_code, country) pair with the dates of its first and last vote."""
    dates = read_roll_call_dates(roll_calls_csv)
    path = Path(un_votes_csv)
    span: dict[tuple[str, str], list[Any]] = {}
    for line, rec, _raw in read_csv_records(path, ("rcid", "country", "country_code")):
        on = dates.get(rec["rcid"])
        if on is None:
            raise SourceFileError(path, line, f"rcid {rec['rcid']} is not in {roll_calls_csv}")
        key = (rec["country_code"].strip(), rec["country"].strip())
        s = span.get(key)
        if s is None:
            span[key] = [on, on, 1]
        else:
            s[0], s[1], s[2] = min(s[0], on), max(s[1], on), s[2] + 1
    return [UnvotesPair(c, n, a, b, k) for (c, n), (a, b, k) in sorted(span.items())]


def read_unvotes_overrides(
    path: str | Path = UNVOTES_OVERRIDES_CSV,
) -> dict[tuple[str, str], list[dict[str, str]]]:
    """(country_code, country_name) -> the seed rows decided by hand for that pair."""
    path = Path(path)
    out: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for line, rec in _read_table(path, UNVOTES_MAP_COLUMNS):
        if not rec["note"]:
            raise SourceFileError(path, line, "every override needs a note saying why")
        try:
            int(rec["ccode"])
            for col in ("valid_from", "valid_to"):
                if rec[col]:
                    date.fromisoformat(rec[col])
        except ValueError as exc:
            raise SourceFileError(path, line, f"expected a ccode and ISO dates: {exc}") from exc
        out[(rec["country_code"], rec["country_name"])].append(
            {c: rec[c] for c in UNVOTES_MAP_COLUMNS})
    return dict(out)


def _day_before(d: date) -> date:
    return date.fromordinal(d.toordinal() - 1)


def map_unvotes_pair(
    pair: UnvotesPair,
    resolver: CountryResolver,
    iso2_to_ccodes: Mapping[str, Sequence[int]],
    notes: Mapping[int, str],
) -> list[dict[str, str]]:
    """Seed rows for one pair: ISO2 -> crosswalk ccodes (or, without a code, the name -> ccodes);
    where several COW states share the code and more than one was in the system during the
    pair's votes, one row per state bounded by its COW membership dates."""
    if pair.country_code:
        cands = list(iso2_to_ccodes.get(pair.country_code, ()))
    else:
        # No code (FRG, Yemen Arab Republic, Zanzibar): the name, widened to every COW state
        # sharing its ISO2 code, so that a label used past a merger is split like a code.
        named = resolver.candidates(pair.country_name)
        iso2s = {resolver.iso2_of(c) for c in named} - {""}
        cands = sorted({*named, *(c for i in iso2s for c in iso2_to_ccodes.get(i, ()))})
    if not cands:
        raise CountryDataError(
            f"unvotes pair ({pair.country_code!r}, {pair.country_name!r}) matches no COW state: "
            f"add it to {UNVOTES_OVERRIDES_CSV.name}"
        )
    base = {"country_code": pair.country_code, "country_name": pair.country_name}

    def single(c: int) -> list[dict[str, str]]:
        note = notes.get(c, "")
        start = min(s for s, _ in resolver.states[c].periods)
        if pair.first_vote < start:
            note = "; ".join(n for n in (note, (
                f"votes from {pair.first_vote.isoformat()}, before COW system membership "
                f"(from {start.isoformat()}): kept at {c}, as Voeten codes them")) if n)
        return [{**base, "ccode": str(c), "valid_from": "", "valid_to": "", "note": note}]

    if len(cands) == 1:
        return single(cands[0])
    spells = sorted(
        (start, end, c)
        for c in cands
        for start, end in resolver.states[c].overlaps(pair.first_vote, pair.last_vote)
    )
    if not spells:
        raise CountryDataError(f"unvotes pair {pair} matches {cands}, none in the COW system "
                               "while it voted: add an override")
    if len({c for _, _, c in spells}) == 1:
        return single(spells[0][2])
    rows = []
    for i, (start, end, c) in enumerate(spells):
        # A vote between two spells (none should exist) falls to the earlier state.
        valid_to = "" if i == len(spells) - 1 else _day_before(spells[i + 1][0]).isoformat()
        rows.append({
            **base, "ccode": str(c),
            "valid_from": "" if i == 0 else start.isoformat(),
            "valid_to": valid_to,
            "note": f"one unvotes label ({pair.first_vote.isoformat()} to "
                    f"{pair.last_vote.isoformat()}) for {len(spells)} COW states, split at COW "
                    f"system-membership dates: {resolver.states[c].name} {start.isoformat()} to "
                    f"{end.isoformat()}",
        })
    return rows


def build_unvotes_country_map(
    pairs: Sequence[UnvotesPair],
    resolver: CountryResolver,
    overrides: Mapping[tuple[str, str], list[dict[str, str]]] | None = None,
) -> list[dict[str, str]]:
    """Rows of ``unvotes_country_map.csv`` for every pair (overrides win for their pair)."""
    overrides = read_unvotes_overrides() if overrides is None else overrides
    iso2_to_ccodes: dict[str, list[int]] = defaultdict(list)
    notes: dict[int, str] = {}
    for row in resolver.crosswalk:
        if row["iso2"]:
            iso2_to_ccodes[row["iso2"]].append(int(row["ccode"]))
        notes[int(row["ccode"])] = row["note"]
    rows: list[dict[str, str]] = []
    for pair in pairs:
        key = (pair.country_code, pair.country_name)
        rows.extend(overrides[key] if key in overrides else
                    map_unvotes_pair(pair, resolver, iso2_to_ccodes, notes))
    unused = set(overrides) - {(p.country_code, p.country_name) for p in pairs}
    if unused:
        raise CountryDataError(f"unvotes overrides for pairs not in the data: {sorted(unused)}")
    return rows


def write_unvotes_country_map(source_dir: str | Path, seed: str | Path = UNVOTES_MAP_SEED) -> int:
    source_dir = Path(source_dir)
    resolver = CountryResolver.from_files(source_dir / STATES_RELPATH)
    pairs = read_unvotes_pairs(source_dir / UN_VOTES_RELPATH, source_dir / UN_ROLL_CALLS_RELPATH)
    rows = build_unvotes_country_map(pairs, resolver)
    write_csv(rows, seed, UNVOTES_MAP_COLUMNS)
    return len(rows)


def ccode_for_vote(
    map_rows: Sequence[Mapping[str, str]], country_code: str, country_name: str, on: date
) -> int | None:
    """The ccode a seed gives a pair's vote on a date (None when no row covers it)."""
    for row in map_rows:
        if row["country_code"] != country_code or row["country_name"] != country_name:
            continue
        if row["valid_from"] and on < date.fromisoformat(row["valid_from"]):
            continue
        if row["valid_to"] and on > date.fromisoformat(row["valid_to"]):
            continue
        return int(row["ccode"])
    return None


# --------------------------------------------------------------------------------------------
# Cross-check against Voeten's ccodes
# --------------------------------------------------------------------------------------------

_VOTE_CODES = {"yes": "1", "abstain": "2", "no": "3"}


@dataclass
class VoetenCheck:
    """How one (pair, mapped ccode) agrees with Voeten on the roll calls both files hold."""

    country_code: str
    country_name: str
    ccode: int
    compared: int = 0
    agree: int = 0
    voeten_missing: int = 0  # Voeten has no yes/abstain/no of this ccode on that roll call
    sessions: set[int] = field(default_factory=set)
    mismatch_sessions: Counter[int] = field(default_factory=Counter)
    voeten_ccodes: Counter[int] = field(default_factory=Counter)  # who Voeten has voting so

    @property
    def share(self) -> float:
        return self.agree / self.compared if self.compared else 1.0


def check_unvotes_map_against_voeten(
    map_rows: Sequence[Mapping[str, str]],
    un_votes_csv: str | Path,
    roll_calls_csv: str | Path,
    voeten_csv: str | Path,
) -> list[VoetenCheck]:
    """Compare each mapped unvotes vote with Voeten's vote of the same ccode on the same rcid.

    Only roll calls present in both files count. A vote disagrees when Voeten records another
    vote for that ccode (including absent/non-member) or none; for the disagreeing votes the
    ccodes Voeten has casting the same vote on that rcid are tallied, to suggest the right one.
    """
    dates = read_roll_call_dates(roll_calls_csv)
    voeten: dict[tuple[str, int], str] = {}
    by_vote: dict[tuple[str, str], list[int]] = defaultdict(list)
    session_of: dict[str, int] = {}
    vpath = Path(voeten_csv)
    for line, rec, _raw in read_csv_records(vpath, ("rcid", "session", "vote", "ccode")):
        try:
            ccode = int(rec["ccode"])
            session_of[rec["rcid"]] = int(rec["session"])
        except ValueError as exc:
            raise SourceFileError(vpath, line, f"expected integer ccode and session: {exc}") \
                from exc
        voeten[(rec["rcid"], ccode)] = rec["vote"]
        if rec["vote"] in ("1", "2", "3"):
            by_vote[(rec["rcid"], rec["vote"])].append(ccode)
    index: dict[tuple[str, str], list[tuple[date | None, date | None, int]]] = defaultdict(list)
    for row in map_rows:
        index[(row["country_code"], row["country_name"])].append((
            date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
            date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            int(row["ccode"]),
        ))
    checks: dict[tuple[str, str, int], VoetenCheck] = {}
    upath = Path(un_votes_csv)
    for line, rec, _raw in read_csv_records(upath, ("rcid", "country", "country_code", "vote")):
        rcid = rec["rcid"]
        if rcid not in session_of:
            continue
        key = (rec["country_code"], rec["country"])
        on = dates[rcid]
        ccode = next((c for a, b, c in index.get(key, ())
                      if (a is None or on >= a) and (b is None or on <= b)), None)
        if ccode is None:
            raise CountryDataError(f"{upath}, line {line}: no map row covers {key} on {on}")
        chk = checks.setdefault((*key, ccode), VoetenCheck(*key, ccode))
        vote = _VOTE_CODES.get(rec["vote"])
        chk.compared += 1
        chk.sessions.add(session_of[rcid])
        theirs = voeten.get((rcid, ccode))
        if theirs == vote:
            chk.agree += 1
            continue
        if theirs not in ("1", "2", "3"):
            chk.voeten_missing += 1
        chk.mismatch_sessions[session_of[rcid]] += 1
        chk.voeten_ccodes.update(by_vote.get((rcid, vote or ""), ()))
    return sorted(checks.values(), key=lambda c: (c.country_code, c.country_name, c.ccode))


def format_voeten_report(checks: Sequence[VoetenCheck], limit: float = 1.0) -> str:
    """A line per check whose agreement is below ``limit``, with Voeten's likeliest ccode."""
    lines = []
    for c in checks:
        if c.share >= limit:
            continue
        sessions = sorted(c.mismatch_sessions)
        best = [f"{cc} ({n})" for cc, n in c.voeten_ccodes.most_common(3)]
        lines.append(
            f"{c.country_code or '-'} {c.country_name!r} -> {c.ccode}: {c.agree}/{c.compared} "
            f"agree ({c.voeten_missing} without a Voeten vote of {c.ccode}); disagreeing sessions "
            f"{sessions[:10]}{'...' if len(sessions) > 10 else ''}; Voeten ccodes casting those "
            f"votes: {', '.join(best)}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Command line: regenerate the seeds
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m etl.countries [SOURCE_DIR] [--check-voeten]``: write both seeds."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check-voeten" in args
    args = [a for a in args if a != "--check-voeten"]
    source_dir = Path(args[0]) if args else default_states_csv().parent.parent
    n = write_country_crosswalk(source_dir / STATES_RELPATH)
    print(f"{CROSSWALK_SEED}: {n} rows")
    m = write_unvotes_country_map(source_dir)
    print(f"{UNVOTES_MAP_SEED}: {m} rows")
    if check:
        checks = check_unvotes_map_against_voeten(
            read_seed(UNVOTES_MAP_SEED), source_dir / UN_VOTES_RELPATH,
            source_dir / UN_ROLL_CALLS_RELPATH, source_dir / VOETEN_RELPATH)
        total = sum(c.compared for c in checks)
        agree = sum(c.agree for c in checks)
        print(f"Voeten cross-check: {agree}/{total} votes agree")
        print(format_voeten_report(checks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
