"""Slices of the shared data, in the shared layout, for integration tests."""

from __future__ import annotations

import csv
import gzip
import io
import os
from pathlib import Path

# Voeten's file is cut by rcid too: one roll call (4592) has another session there.
UNGA_FILES = {
    "unga/voeten/UNVotesPublished.csv.gz": "rcid",
    "unga/unvotes/un_roll_calls.csv.gz": "session",
    "unga/unvotes/un_votes.csv.gz": "rcid",
    "unga/unvotes/un_roll_call_issues.csv.gz": "rcid",
}


def _read_gz(path: Path) -> tuple[list[str], list[list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, list(reader)


def _write_gz(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0: the same slice gives the same bytes (and sha256) every time
    path.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))


def make_source_slice(shared: Path, dest: Path, sessions: set[int]) -> Path:
    """A source directory with the UNGA files cut to ``sessions``; other files linked."""
    header, calls = _read_gz(shared / "unga/unvotes/un_roll_calls.csv.gz")
    session_ix = header.index("session")
    rcids = {row[0] for row in calls if int(row[session_ix]) in sessions}
    for relpath, key in UNGA_FILES.items():
        header, rows = _read_gz(shared / relpath)
        ix = header.index(key)
        keep = [r for r in rows if (int(r[ix]) in sessions if key == "session" else r[ix] in rcids)]
        _write_gz(dest / relpath, header, keep)
    for path in shared.rglob("*"):
        relpath = path.relative_to(shared)
        target = dest / relpath
        if path.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, target)
    return dest
