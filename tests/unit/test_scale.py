"""The scale generator (benchmarks/scale.py): N times the roll calls, consistent across files."""

from __future__ import annotations

import csv
import gzip
import hashlib
import random
from pathlib import Path

import pytest

from benchmarks import scale

# ISO2, unvotes name, COW code (as in dbt_project/seeds/unvotes_country_map.csv)
COUNTRIES = [("US", "United States", 2), ("CA", "Canada", 20), ("CU", "Cuba", 40),
             ("FR", "France", 220)]
VOETEN_HEADER = ["rcid", "session", "vote", "ccode", "member", "importantvote", "date", "unres",
                 "me", "nu", "di", "hr", "co", "ec", "year"]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _read(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        return list(csv.DictReader(fh))


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    """Three sessions (1946-1948), ten roll calls each; Voeten covers sessions 1-2 only.

    The USA votes yes on every roll call of 1946, so any vote drawn from its 1946 distribution
    is yes. Canada is absent (8) from roll call 10 in Voeten's file (and so missing in unvotes').
    """
    rng = random.Random(0)
    src = tmp_path / "src"
    calls, voeten, unvotes, issues = [], [], [], []
    for session in (1, 2, 3):
        year = 1945 + session
        for i in range(10):
            rcid = session * 10 + i
            date = f"{year}-0{1 + i % 9}-1{i}"
            calls.append([rcid, session, i % 2, date, f"R/{session}/{i}", 0, 0, "SHORT",
                          'A "QUOTED", DESCR'])
            issues.append([rcid, "hr", "Human rights"])
            for code, name, ccode in COUNTRIES:
                vote = "yes" if (ccode == 2 and year == 1946) else rng.choice(scale.CHOICES)
                absent = rcid == 10 and ccode == 20
                if not absent:
                    unvotes.append([rcid, name, code, vote])
                if session <= 2:
                    month, day = int(date[5:7]), int(date[8:10])
                    voeten.append([rcid, session, 8 if absent else scale.CODE_OF[vote], ccode,
                                   1, i % 2, f"{month}/{day}/{year}", f"R/{session}/{i}",
                                   0, 0, 0, 1, 0, 0, year])
    _write(src / scale.ROLL_CALLS,
           ["rcid", "session", "importantvote", "date", "unres", "amend", "para", "short",
            "descr"], calls)
    _write(src / scale.ISSUES, ["rcid", "short_name", "issue"], issues)
    _write(src / scale.UNVOTES_VOTES, ["rcid", "country", "country_code", "vote"], unvotes)
    _write(src / scale.VOETEN, VOETEN_HEADER, voeten)
    _write(src / scale.MATCHES, ["v1", "rcid1", "rcid2"], [[1, 11, 21], [2, 12, 32]])
    _write(src / "cow" / "states2016.csv", ["ccode"], [[2]])
    return src


def _votes(out: Path) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """(rcid, ccode) -> vote word, for the Voeten layout (choices only) and the unvotes one."""
    ccode_of = {code: ccode for code, _name, ccode in COUNTRIES}
    voeten = {(int(r["rcid"]), int(r["ccode"])): scale.VOETEN_CODE[r["vote"]]
              for r in _read(out / scale.VOETEN) if r["vote"] in scale.VOETEN_CODE}
    unvotes = {(int(r["rcid"]), ccode_of[r["country_code"]]): r["vote"]
               for r in _read(out / scale.UNVOTES_VOTES)}
    return voeten, unvotes


def test_every_file_has_n_times_the_roll_calls_with_new_rcids(source: Path, tmp_path: Path) -> None:
    written = scale.generate(source, tmp_path / "x3", factor=3)
    out = tmp_path / "x3"
    calls = _read(out / scale.ROLL_CALLS)
    assert sorted(int(c["rcid"]) for c in calls) == sorted(
        r * 3 + k for r in range(10, 40) for k in range(3))
    # the replicas keep session and date: spread over the same sessions and years
    by_rcid = {int(c["rcid"]): c for c in calls}
    assert by_rcid[32 * 3 + 2]["session"] == "3"
    assert by_rcid[32 * 3 + 2]["date"] == by_rcid[32 * 3]["date"]
    assert by_rcid[32 * 3 + 2]["descr"] == 'A "QUOTED", DESCR'
    assert written[scale.VOETEN] == 3 * 80 and written[scale.UNVOTES_VOTES] == 3 * 119
    assert {int(i["rcid"]) for i in _read(out / scale.ISSUES)} == set(by_rcid)
    matches = _read(out / scale.MATCHES)
    assert [(m["v1"], int(m["rcid1"]), int(m["rcid2"])) for m in matches] == [
        ("1", 33, 63), ("2", 36, 96), ("3", 34, 64), ("4", 37, 97), ("5", 35, 65), ("6", 38, 98)]
    # other files are linked as they are
    assert (out / "cow" / "states2016.csv").is_symlink()
    assert (out / "cow" / "states2016.csv").read_text() == "ccode\n2\n"


def test_replica_zero_is_the_real_data_and_factor_one_is_the_identity(
    source: Path, tmp_path: Path
) -> None:
    scale.generate(source, tmp_path / "x1", factor=1, change=1.0)
    assert _read(tmp_path / "x1" / scale.VOETEN) == _read(source / scale.VOETEN)
    assert _read(tmp_path / "x1" / scale.UNVOTES_VOTES) == _read(source / scale.UNVOTES_VOTES)
    scale.generate(source, tmp_path / "x4", factor=4, change=1.0)
    real_voeten, real_unvotes = _votes(source)
    voeten, unvotes = _votes(tmp_path / "x4")
    assert {(r // 4, c): v for (r, c), v in unvotes.items() if r % 4 == 0} == real_unvotes
    assert {(r // 4, c): v for (r, c), v in voeten.items() if r % 4 == 0} == real_voeten


def test_both_releases_agree_on_every_replica_and_absences_stay(
    source: Path, tmp_path: Path
) -> None:
    scale.generate(source, tmp_path / "x4", factor=4, change=1.0)
    voeten, unvotes = _votes(tmp_path / "x4")
    replicas = {key for key in voeten if key[0] % 4}
    assert len(replicas) == 3 * 79  # 80 country-votes of sessions 1-2, one absent, per replica
    assert all(voeten[key] == unvotes[key] for key in voeten)
    # with change=1.0 every choice is drawn again, so replicas differ from their original...
    assert sum(voeten[k] != voeten[(k[0] - k[0] % 4, k[1])] for k in replicas) > 30
    # ...but from the country-year's own distribution: the USA voted only yes in 1946
    assert {v for (r, c), v in unvotes.items() if c == 2 and r < 20 * 4} == {"yes"}
    # Canada's absence from roll call 10 is copied to every replica, in both layouts
    rows = _read(tmp_path / "x4" / scale.VOETEN)
    assert [r["vote"] for r in rows if r["ccode"] == "20" and int(r["rcid"]) // 4 == 10] == [
        "8"] * 4
    assert not any(c == 20 and r // 4 == 10 for r, c in unvotes)


def test_the_output_is_deterministic_from_the_seed(source: Path, tmp_path: Path) -> None:
    def digest(out: Path) -> dict[str, str]:
        return {p: hashlib.sha256((out / p).read_bytes()).hexdigest() for p in scale.GENERATED}

    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        scale.generate(source, tmp_path / name, factor=3, seed=seed, change=0.5)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a")[scale.VOETEN] != digest(tmp_path / "c")[scale.VOETEN]


def test_max_session_is_the_full_output_less_the_later_sessions(
    source: Path, tmp_path: Path
) -> None:
    scale.generate(source, tmp_path / "all", factor=2, change=0.5)
    scale.generate(source, tmp_path / "cut", factor=2, change=0.5, max_session=2)
    sessions = {r["rcid"]: r["session"] for r in _read(tmp_path / "all" / scale.ROLL_CALLS)}
    for relpath in scale.GENERATED:
        full, cut = _read(tmp_path / "all" / relpath), _read(tmp_path / "cut" / relpath)
        if relpath == scale.MATCHES:  # the pair touching session 3 goes; pairs renumbered
            assert [(m["rcid1"], m["rcid2"]) for m in cut] == [("22", "42"), ("23", "43")]
            continue
        assert cut == [r for r in full if sessions[r["rcid"]] != "3"]
        # Voeten's release has no session 3: nothing to leave out there
        assert (len(cut) == len(full)) == (relpath == scale.VOETEN)


def test_bad_arguments_are_refused(source: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="factor must be at least 1"):
        scale.generate(source, tmp_path / "x", factor=0)
    with pytest.raises(ValueError, match="change must be a probability"):
        scale.generate(source, tmp_path / "x", factor=2, change=1.5)
    with pytest.raises(FileNotFoundError, match="lacks"):
        scale.generate(tmp_path / "nowhere", tmp_path / "x", factor=2)


def test_reuse_keeps_a_complete_directory_made_with_the_same_arguments(
    source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "x2"
    first = scale.generate(source, out, factor=2, reuse=True)
    (out / scale.ISSUES).write_bytes(b"kept")
    assert scale.generate(source, out, factor=2, reuse=True) == first
    assert (out / scale.ISSUES).read_bytes() == b"kept"
    scale.generate(source, out, factor=2, seed=99, reuse=True)  # other arguments: written anew
    assert (out / scale.ISSUES).read_bytes() != b"kept"
