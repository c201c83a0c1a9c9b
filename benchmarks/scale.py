"""A source directory with N times the UNGA roll calls, in the publishers' layouts.

    .venv/bin/python benchmarks/scale.py --factor 4 --out /tmp/alliances-x4 [--seed 15]
        [--source ../shared/data] [--max-session 73] [--change 0.1]

Writes the same file names and formats as the shared data (gzip where the original is gzip):

- every roll call becomes ``factor`` roll calls with rcids ``rcid * factor + k`` (k = 0 .. N-1),
  in the same session and on the same date as the original, so the new roll calls spread over the
  same sessions and years and keep their chronological (rcid) order; at factor 1 the rcids and
  votes are the real ones;
- replica 0 keeps the real votes; in replica k >= 1 each yes / abstain / no vote is, with
  probability ``change`` (default 0.1), drawn afresh from that country's own distribution of
  yes / abstain / no in that calendar year, else copied. Absences and non-membership (Voeten's 8
  and 9, rows unvotes leaves out) are copied, so who sits in the Assembly is as in the real year;
- the draw depends only on (seed, rcid, k, ccode), never on the release: the Voeten layout and the
  unvotes layout therefore agree on every replica wherever the real releases agree, overlap on the
  same sessions (1-70) and disagree only where the real ones do (the unvotes rows are mapped to
  COW codes with the project's seed ``unvotes_country_map.csv`` for the draw);
- ``un_roll_calls``, ``un_roll_call_issues`` and ``Matches.csv`` are replicated the same way
  (a bridging pair (r1, r2) becomes (r1 * N + k, r2 * N + k)), so every file stays consistent;
- every other file of the source directory is linked as it is.

``--max-session S`` leaves out the roll calls of later sessions (cut by the session of
``un_roll_calls``, as ``tests/utils/slices.py`` cuts; Voeten's rows of roll calls not there by
their own session): with the same seed it is exactly the full output less those sessions, which
is what the benchmark's one-new-session refresh needs.

The output is deterministic from the seed (gzip written with mtime 0: same bytes, same sha256).
It streams: each file is read and written row by row, so memory stays flat whatever the factor;
only per-roll-call and per-country-year tables (a few thousand rows) are held.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
COUNTRY_MAP = ROOT / "dbt_project" / "seeds" / "unvotes_country_map.csv"

VOETEN = "unga/voeten/UNVotesPublished.csv.gz"
UNVOTES_VOTES = "unga/unvotes/un_votes.csv.gz"
ROLL_CALLS = "unga/unvotes/un_roll_calls.csv.gz"
ISSUES = "unga/unvotes/un_roll_call_issues.csv.gz"
MATCHES = "unga/voeten/Matches.csv"
GENERATED = (VOETEN, UNVOTES_VOTES, ROLL_CALLS, ISSUES, MATCHES)

# Voeten's codes of the three choices, and the unvotes words for them
CHOICES = ("yes", "abstain", "no")
VOETEN_CODE = {"1": "yes", "2": "abstain", "3": "no"}
CODE_OF = {"yes": "1", "abstain": "2", "no": "3"}

_MASK = (1 << 64) - 1
GZIP_LEVEL = 1  # speed over size; the layout (gzip) is what matters, not the ratio


def _mix(x: int) -> int:
    """splitmix64's finaliser: a well-spread 64-bit hash of a 64-bit integer."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & _MASK
    return x ^ (x >> 31)


def uniforms(seed: int, rcid: int, replica: int, ccode: int) -> tuple[float, float]:
    """Two uniforms in [0, 1) for one (roll call, replica, country): whether and what to redraw."""
    h = _mix((seed * 0x9E3779B97F4A7C15 + rcid * 1_000_003 + replica * 7919 + ccode) & _MASK)
    return (h >> 32) / 2**32, (h & 0xFFFFFFFF) / 2**32


@dataclass
class Plan:
    """What the generator knows before writing: roll calls, country-year distributions."""

    factor: int
    seed: int
    change: float
    max_session: int | None
    session_of: dict[int, int] = field(default_factory=dict)  # rcid -> session (un_roll_calls)
    year_of: dict[int, int] = field(default_factory=dict)  # rcid -> year (un_roll_calls)
    date_of: dict[int, str] = field(default_factory=dict)  # rcid -> ISO date (un_roll_calls)
    # (ccode, year) -> cumulative shares of yes, abstain (no is the rest)
    cumulative: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)
    # (ISO2 or "", unvotes name) -> [(ccode, valid_from, valid_to)], dates as ISO text or ""
    country_map: dict[tuple[str, str], list[tuple[int, str, str]]] = field(default_factory=dict)

    def keeps(self, rcid: int, own_session: int | None = None) -> bool:
        """Whether roll call ``rcid`` is within ``max_session``."""
        if self.max_session is None:
            return True
        session = self.session_of.get(rcid, own_session)
        return session is not None and session <= self.max_session

    def vote(self, rcid: int, replica: int, ccode: int, year: int | None, vote: str) -> str:
        """The replica's vote (yes / abstain / no) of ``ccode`` on roll call ``rcid``."""
        if replica == 0 or year is None:
            return vote
        redraw, pick = uniforms(self.seed, rcid, replica, ccode)
        if redraw >= self.change:
            return vote
        shares = self.cumulative.get((ccode, year))
        if shares is None:
            return vote
        if pick < shares[0]:
            return "yes"
        return "abstain" if pick < shares[1] else "no"

    def ccode_of(self, code: str, name: str, date: str) -> int | None:
        """The COW code of an unvotes country on an ISO date (None when the seed lacks it)."""
        entries = self.country_map.get((code, name), ())
        if len(entries) == 1 and not entries[0][1] and not entries[0][2]:
            return entries[0][0]  # most countries: one code, no validity dates
        for ccode, valid_from, valid_to in entries:
            if (not valid_from or date >= valid_from) and (not valid_to or date <= valid_to):
                return ccode
        return None


def _open_csv(path: Path) -> Iterator[list[str]]:
    """Rows of a plain or gzip CSV file, header first."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        yield from csv.reader(fh)


class _Writer:
    """A CSV writer on a plain or gzip file (gzip with mtime 0 and no name: reproducible)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = open(path, "wb")
        stream: io.BufferedIOBase = self._raw
        self._gz: gzip.GzipFile | None = None
        if path.suffix == ".gz":
            self._gz = gzip.GzipFile(
                filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=GZIP_LEVEL
            )
            stream = self._gz  # type: ignore[assignment]
        self._text: TextIO = io.TextIOWrapper(
            stream, encoding="utf-8", newline="", write_through=False)
        self.writer = csv.writer(self._text, lineterminator="\n")
        self.rows = 0

    def close(self) -> None:
        self._text.flush()
        self._text.detach()
        if self._gz is not None:
            self._gz.close()
        self._raw.close()


def last_session(source: Path) -> int:
    """The latest session of the roll calls in ``source``."""
    rows = _open_csv(source / ROLL_CALLS)
    ix = next(rows).index("session")
    return max(int(row[ix]) for row in rows)


def plan(source: Path, factor: int, seed: int, change: float, max_session: int | None) -> Plan:
    """Read the roll calls, the country map and each country-year's vote shares (streamed)."""
    result = Plan(factor=factor, seed=seed, change=change, max_session=max_session)
    rows = _open_csv(source / ROLL_CALLS)
    ix = {name: i for i, name in enumerate(next(rows))}
    date_of = result.date_of
    for row in rows:
        rcid = int(row[ix["rcid"]])
        result.session_of[rcid] = int(row[ix["session"]])
        date_of[rcid] = row[ix["date"]]
        result.year_of[rcid] = int(row[ix["date"]][:4])
    with open(COUNTRY_MAP, encoding="utf-8", newline="") as fh:
        for entry in csv.DictReader(fh):
            result.country_map.setdefault(
                (entry["country_code"], entry["country_name"]), []
            ).append((int(entry["ccode"]), entry["valid_from"], entry["valid_to"]))

    # Shares from the newer release (unvotes, sessions 1-74) where it has the country-year,
    # else from Voeten's: one table, so both layouts draw the same replica votes.
    counts: dict[str, dict[tuple[int, int], Counter[str]]] = {
        "unvotes": defaultdict(Counter), "voeten": defaultdict(Counter)}
    rows = _open_csv(source / UNVOTES_VOTES)
    ix = {name: i for i, name in enumerate(next(rows))}
    for row in rows:
        rcid = int(row[ix["rcid"]])
        if rcid not in date_of:
            continue
        ccode = result.ccode_of(row[ix["country_code"]], row[ix["country"]], date_of[rcid])
        if ccode is not None:
            counts["unvotes"][(ccode, result.year_of[rcid])][row[ix["vote"]]] += 1
    rows = _open_csv(source / VOETEN)
    ix = {name: i for i, name in enumerate(next(rows))}
    for row in rows:
        vote = VOETEN_CODE.get(row[ix["vote"]])
        if vote is not None and row[ix["year"]]:
            counts["voeten"][(int(row[ix["ccode"]]), int(row[ix["year"]]))][vote] += 1
    for key in {*counts["voeten"], *counts["unvotes"]}:
        c = counts["unvotes"].get(key) or counts["voeten"][key]
        total = sum(c[v] for v in CHOICES)
        if total:
            result.cumulative[key] = (c["yes"] / total, (c["yes"] + c["abstain"]) / total)
    return result


def _replicate(
    source: Path, out: Path, relpath: str, factor: int,
    row_for: Callable[[dict[str, int], list[str], int], list[str] | None],
) -> int:
    """Write ``relpath`` as ``factor`` passes over the original (replica k in pass k)."""
    writer = _Writer(out / relpath)
    try:
        for replica in range(factor):
            rows = _open_csv(source / relpath)
            header = next(rows)
            if replica == 0:
                writer.writer.writerow(header)
            ix = {name: i for i, name in enumerate(header)}
            for row in rows:
                new = row_for(ix, row, replica)
                if new is not None:
                    writer.writer.writerow(new)
                    writer.rows += 1
    finally:
        writer.close()
    return writer.rows


def generate(
    source: Path, out: Path, *, factor: int, seed: int = 15, change: float = 0.1,
    max_session: int | None = None, log: Callable[[str], None] | None = None,
    reuse: bool = False,
) -> dict[str, int]:
    """Write the scaled source directory ``out``; returns rows written per generated file.

    ``out/.scale.json`` records the arguments and the rows written once the directory is
    complete; with ``reuse``, a directory whose record matches is kept as it is.
    """
    marker = out / ".scale.json"
    wanted = {"source": str(Path(source).resolve()), "factor": factor, "seed": seed,
              "change": change, "max_session": max_session}
    if reuse and marker.is_file():
        record = json.loads(marker.read_text())
        if record.get("arguments") == wanted:
            return record["rows"]
    marker.unlink(missing_ok=True)
    if factor < 1:
        raise ValueError(f"factor must be at least 1, found {factor}")
    if not 0.0 <= change <= 1.0:
        raise ValueError(f"change must be a probability, found {change}")
    missing = [p for p in GENERATED if not (source / p).is_file()]
    if missing:
        raise FileNotFoundError(f"{source} lacks {', '.join(missing)}")
    say = log or (lambda _msg: None)
    started = time.perf_counter()
    p = plan(source, factor, seed, change, max_session)
    say(f"planned in {time.perf_counter() - started:.1f} s: {len(p.session_of)} roll calls, "
        f"{len(p.cumulative)} country-years")

    def new_rcid(rcid: int, replica: int) -> str:
        return str(rcid * factor + replica)

    def voeten_row(ix: dict[str, int], row: list[str], k: int) -> list[str] | None:
        rcid = int(row[ix["rcid"]])
        if not p.keeps(rcid, int(row[ix["session"]])):
            return None
        row = list(row)
        row[ix["rcid"]] = new_rcid(rcid, k)
        vote = VOETEN_CODE.get(row[ix["vote"]])
        if vote is not None and k:
            year = int(row[ix["year"]]) if row[ix["year"]] else p.year_of.get(rcid)
            row[ix["vote"]] = CODE_OF[p.vote(rcid, k, int(row[ix["ccode"]]), year, vote)]
        return row

    def unvotes_row(ix: dict[str, int], row: list[str], k: int) -> list[str] | None:
        rcid = int(row[ix["rcid"]])
        if not p.keeps(rcid):
            return None
        row = list(row)
        row[ix["rcid"]] = new_rcid(rcid, k)
        if k and row[ix["vote"]] in CODE_OF and rcid in p.year_of:
            ccode = p.ccode_of(row[ix["country_code"]], row[ix["country"]], p.date_of[rcid])
            if ccode is not None:
                row[ix["vote"]] = p.vote(rcid, k, ccode, p.year_of[rcid], row[ix["vote"]])
        return row

    def by_rcid(ix: dict[str, int], row: list[str], k: int) -> list[str] | None:
        rcid = int(row[ix["rcid"]])
        if not p.keeps(rcid):
            return None
        row = list(row)
        row[ix["rcid"]] = new_rcid(rcid, k)
        return row

    pair_counter = [0]

    def match_row(ix: dict[str, int], row: list[str], k: int) -> list[str] | None:
        first, second = int(row[ix["rcid1"]]), int(row[ix["rcid2"]])
        if not (p.keeps(first) and p.keeps(second)):
            return None
        pair_counter[0] += 1
        row = list(row)
        row[ix["v1"]] = str(pair_counter[0])
        row[ix["rcid1"]], row[ix["rcid2"]] = new_rcid(first, k), new_rcid(second, k)
        return row

    written: dict[str, int] = {}
    for relpath, row_for in (
        (ROLL_CALLS, by_rcid), (ISSUES, by_rcid), (MATCHES, match_row),
        (UNVOTES_VOTES, unvotes_row), (VOETEN, voeten_row),
    ):
        began = time.perf_counter()
        written[relpath] = _replicate(source, out, relpath, factor, row_for)
        say(f"{relpath}: {written[relpath]:,} rows in {time.perf_counter() - began:.1f} s")
    for path in sorted(source.rglob("*")):
        relpath = path.relative_to(source)
        target = out / relpath
        if path.is_file() and relpath.as_posix() not in GENERATED:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.exists():
                target.unlink()
            os.symlink(path.resolve(), target)
    marker.write_text(json.dumps({"arguments": wanted, "rows": written}, indent=2))
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=int, required=True, help="N: N times the roll calls")
    parser.add_argument("--out", type=Path, required=True, help="the directory to write")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--change", type=float, default=0.1,
                        help="share of a replica's yes/abstain/no votes drawn afresh")
    parser.add_argument("--max-session", type=int, default=None,
                        help="leave out the roll calls of later sessions")
    args = parser.parse_args(argv)
    generate(args.source, args.out, factor=args.factor, seed=args.seed, change=args.change,
             max_session=args.max_session, log=lambda msg: print(msg, file=sys.stderr))


if __name__ == "__main__":
    main()
