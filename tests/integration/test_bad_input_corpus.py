"""A corpus of damaged source files, run through ``alliances refresh`` as a user runs it.

One warehouse is built per module from a one-session slice of the shared data; then each case
copies the slice, damages one file (made here from the shared file, never stored), runs the CLI
and checks what the user sees: the exit code, the message naming the file and the line, and that
every table of schema ``marts`` is unchanged (row count and an order-independent checksum of its
rows). Cases refused at parse or load time leave the raw layer as it was, before dbt runs.

The cases that load (rejected rows kept aside, the same data in other bytes) come first, while
the last refresh has completed (after a failed one the next rebuilds every model), and each stays
in the module's slice, so the next refresh reloads only its own file.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.config import Settings
from etl.db import connect
from tests.utils.crash import mart_checksums
from tests.utils.slices import make_source_slice

pytestmark = pytest.mark.integration

SESSIONS = {58}  # 2003-2004: Namibia votes, and so do the hegemons

VOETEN = "unga/voeten/UNVotesPublished.csv.gz"
UN_VOTES = "unga/unvotes/un_votes.csv.gz"
ROLL_CALLS = "unga/unvotes/un_roll_calls.csv.gz"
ISSUES = "unga/unvotes/un_roll_call_issues.csv.gz"
STATES = "cow/states2016.csv"
NMC = "cow/NMC-70-abridged.csv"
MAJORS = "cow/majors2016.csv"
ATOP_A = "atop/atop4_01a.csv"
ATOP_M = "atop/atop4_01m.csv"
MANIFEST = "treaties/MANIFEST.csv"
NATO = "treaties/north_atlantic_treaty_1949.txt"

# (text or bytes of the damaged file, the line the message must name; None: any line)
Made = tuple[str | bytes, int | None]


# ---- the damage, on the file's lines (lines[0] is the header, on line 1) ----------------------


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _fields(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(fields: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def _set(lines: list[str], column: str, value: str, every: int = 1, first: int = 1,
         limit: int | None = None) -> tuple[str, int]:
    """Set ``column`` to ``value`` on every ``every``-th data row from row ``first``; the text
    and the first line changed."""
    ix = _fields(lines[0]).index(column)
    out, changed = list(lines), []
    for i in range(first, len(lines), every):
        if limit is not None and len(changed) >= limit:
            break
        fields = _fields(lines[i])
        fields[ix] = value
        out[i] = _line(fields)
        changed.append(i + 1)
    return "".join(out), changed[0]


def _step(share: float) -> int:
    """A step that changes a little over ``share`` of the data rows (over the reject limit)."""
    return max(1, int(1 / (share * 1.5)))


def truncated_gzip(data: bytes) -> Made:
    return data[: len(data) * 2 // 3], None


def corrupt_gzip(data: bytes) -> Made:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0x5A for b in data[middle:middle + 64]) + \
        data[middle + 64:], None


def empty(_: bytes) -> Made:
    return b"", 1


def header_only(text: str) -> Made:
    return _lines(text)[0], 1


def cut_at_line(keep: float | int) -> Callable[[str], Made]:
    """The file cut at a line boundary, as an interrupted copy leaves it: ``keep`` data rows (a
    share of them when a float)."""
    def make(text: str) -> Made:
        lines = _lines(text)
        n = keep if isinstance(keep, int) else int((len(lines) - 1) * keep)
        return "".join(lines[: n + 1]), n + 1
    return make


def manifest_file(value: str) -> Callable[[str], Made]:
    def make(text: str) -> Made:
        return _set(_lines(text), "file", value, limit=1)
    return make


def text_latin1(text: str) -> Made:
    lines = _lines(text)
    lines[4] = "Caf\u00e9 " + lines[4]
    return "".join(lines).encode("latin-1"), 5


def cut_mid_line(text: str) -> Made:
    lines = _lines(text)
    last = lines[-1]
    return "".join(lines[:-1]) + last[: len(last) // 3] + "\n", len(lines)


def rename_column(old: str, new: str) -> Callable[[str], Made]:
    def make(text: str) -> Made:
        lines = _lines(text)
        header = _fields(lines[0])
        header[header.index(old)] = new
        return _line(header) + "".join(lines[1:]), 1
    return make


def delimiter(sep: str) -> Callable[[str], Made]:
    def make(text: str) -> Made:
        return "".join(sep.join(_fields(line)) + "\n" for line in _lines(text)), 1
    return make


def latin1(column: str, value: str, row: int = 10) -> Callable[[str], bytes]:
    """One row with a non-ASCII value, the whole file written in Latin-1."""
    def make(text: str) -> Made:
        lines = _lines(text)
        changed, line = _set(lines, column, value, first=row, limit=1)
        return changed.encode("latin-1"), line
    return make


def unbalanced_quote(column: str, row: int = 10) -> Callable[[str], Made]:
    def make(text: str) -> Made:
        lines = _lines(text)
        ix = _fields(lines[0]).index(column)
        fields = _fields(lines[row])
        fields[ix] = '"' + fields[ix]
        lines[row] = ",".join(fields) + "\n"  # written raw: the quote stays open
        return "".join(lines), row + 1
    return make


def duplicate_row(row: int = 3) -> Callable[[str], Made]:
    def make(text: str) -> Made:
        lines = _lines(text)
        return "".join(lines) + lines[row], len(lines) + 1
    return make


def bad_values(column: str, value: str, share: float = 0.01) -> Callable[[str], Made]:
    """``value`` in ``column`` on a little over ``share`` of the rows: over the reject limit."""
    def make(text: str) -> Made:
        lines = _lines(text)
        return _set(lines, column, value, every=_step(share))
    return make


def some_bad_values(column: str, value: str, n: int) -> Callable[[str], Made]:
    def make(text: str) -> Made:
        lines = _lines(text)
        return _set(lines, column, value, every=2, limit=n)
    return make


def extra_rows(column: str, value: str, n: int) -> Callable[[str], Made]:
    """``n`` copies of existing rows with ``value`` in ``column``, appended: each is rejected,
    so the rows that load are the rows of the original file."""
    def make(text: str) -> Made:
        lines = _lines(text)
        ix = _fields(lines[0]).index(column)
        added = []
        for line in lines[1:n + 1]:
            fields = _fields(line)
            fields[ix] = value
            added.append(_line(fields))
        return "".join(lines) + "".join(added), None
    return make


def quoted_crlf(text: str) -> Made:
    """Every field quoted, CRLF line ends: the same rows in other bytes ("NA" is Namibia)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows(csv.reader(io.StringIO(text)))
    return buffer.getvalue(), None


# ---- the cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    relpath: str
    make: Callable  # (text or bytes of the original) -> Made
    message: str  # a regex the output must hold after "<path>, line <n>: "
    exit_code: int = 1
    binary: bool = False  # ``make`` takes and returns the file's bytes as they are
    extra: dict[str, str] | None = None  # more files to write (relpath -> text)
    rejected: int = 0  # rows the cases that load must have rejected (``message``: the reason)
    check: str | None = None  # SQL that must return true after a case that loads


LOADS = 0  # exit code of the cases that load

CASES = [
    # the cases that load (first; each stays in the slice for the next cases):
    # rejected rows kept aside, nothing of them in the raw tables or the marts
    Case("voeten-five-rcid-minus-5", VOETEN, extra_rows("rcid", "-5", 5),
         "rcid must be a positive integer, found '-5'", exit_code=LOADS, rejected=5),
    Case("unvotes-quoted-crlf-namibia", UN_VOTES, quoted_crlf, "", exit_code=LOADS,
         check="select count(*) > 50 from raw.unvotes_votes where country_code = 'NA'"),
    Case("atop-members-one-flag-7", ATOP_M, extra_rows("offense", "7", 1),
         "offense must be 0 or 1, found '7'", exit_code=LOADS, rejected=1),
    # UNGA, Voeten's release
    Case("voeten-truncated-gzip", VOETEN, truncated_gzip, "cannot read compressed data",
         binary=True),
    Case("voeten-corrupt-gzip", VOETEN, corrupt_gzip, r"(compressed|UTF-8|fields|CSV)",
         binary=True),
    Case("voeten-line-truncated", VOETEN, cut_at_line(0.58),
         r"the file ends here with [\d,]+ rows against [\d,]+ .* 42% fewer.*"
         r"--accept-shrink unga_voeten_votes"),
    Case("voeten-header-only", VOETEN, header_only, r"0 rows against [\d,]+ .*100% fewer"),
    Case("voeten-empty", VOETEN, empty, "the file is empty", binary=True),
    Case("voeten-wrong-header", VOETEN, rename_column("rcid", "roll_call"),
         "header lacks column.s. rcid"),
    Case("voeten-semicolons", VOETEN, delimiter(";"), "header lacks column"),
    Case("voeten-latin1", VOETEN, latin1("unres", "R/58/\u00e9"), "not UTF-8 text"),
    Case("voeten-unbalanced-quote", VOETEN, unbalanced_quote("unres"),
         r"(expected \d+ fields|malformed CSV)"),
    Case("voeten-duplicate-row", VOETEN, duplicate_row(),
         r"duplicate row: rcid=\d+, ccode=\d+ is already on line 4"),
    Case("voeten-unknown-country", VOETEN, bad_values("ccode", "999"),
         r"rows rejected .*first: ccode 999 is not a COW state"),
    Case("voeten-vote-code-7", VOETEN, bad_values("vote", "7"),
         r"rows rejected .*vote must be one of 1, 2, 3, 8, 9; found '7'"),
    Case("voeten-bad-date", VOETEN, bad_values("date", "2003-02-30"),
         r"rows rejected .*date is not a date: '2003-02-30'"),
    # UNGA, the unvotes release
    Case("unvotes-unknown-country", UN_VOTES, bad_values("country_code", "ZZ"),
         r"rows rejected .*unknown country"),
    Case("unvotes-vote-maybe", UN_VOTES, bad_values("vote", "maybe"),
         r"rows rejected .*vote must be yes, no or abstain"),
    Case("unvotes-line-truncated", UN_VOTES, cut_at_line(0.5),
         "50% fewer.*--accept-shrink unvotes_votes"),
    Case("unvotes-cut-mid-line", UN_VOTES, cut_mid_line, "expected 4 fields, found"),
    Case("roll-calls-bad-date", ROLL_CALLS, some_bad_values("date", "2003-02-30", 3),
         r"3 of \d+ rows rejected .*date is not a date"),
    Case("roll-calls-rcid-minus-5", ROLL_CALLS, some_bad_values("rcid", "-5", 5),
         r"5 of \d+ rows rejected .*rcid must be a positive integer, found '-5'"),
    Case("roll-calls-year-1900", ROLL_CALLS, some_bad_values("date", "1900-01-01", 3),
         r"outside the UNGA's years"),
    Case("roll-calls-duplicate-row", ROLL_CALLS, duplicate_row(),
         r"duplicate row: rcid=\d+ is already on line 4"),
    Case("issues-unknown-code", ISSUES, some_bad_values("short_name", "zz", 3),
         "short_name must be one of"),
    Case("issues-header-only", ISSUES, header_only, "100% fewer"),
    # COW
    Case("nmc-line-truncated", NMC, cut_at_line(9_999),
         r"9,999 rows against 17,121 .*42% fewer.*--accept-shrink cow_nmc"),
    # one nan is enough: a non-finite number refuses the file whole (not a row reject)
    Case("nmc-nan", NMC, some_bad_values("milex", "nan", 1),
         r"milex: expected a finite number, found 'nan': a non-finite number"),
    Case("nmc-inf", NMC, bad_values("tpop", "inf"),
         r"tpop: expected a finite number, found 'inf': a non-finite number"),
    Case("nmc-no-cinc-column", NMC, rename_column("cinc", "cinc_score"),
         "header lacks column.s. cinc"),
    Case("nmc-latin1", NMC, latin1("milex", "1\u00a0000"), "not UTF-8 text"),
    Case("states-latin1", STATES, latin1("statenme", "C\u00f4te d'Ivoire", row=100),
         "not UTF-8 text"),
    Case("states-duplicate-row", STATES, duplicate_row(),
         r"duplicate row: ccode=\d+, styear=\d+, stmonth=\d+, stday=\d+ is already on line 4"),
    Case("majors-36-percent-bad", MAJORS, some_bad_values("stmonth", "x", 5),
         r"5 of 14 rows rejected \(36%, over 1% of its rows\)"),
    Case("majors-tabs", MAJORS, delimiter("\t"), "header lacks column"),
    # ATOP
    Case("atop-members-flag-7", ATOP_M, bad_values("defense", "7"),
         r"rows rejected .*defense must be 0 or 1, found '7'"),
    Case("atop-members-cut-mid-line", ATOP_M, cut_mid_line, r"expected \d+ fields, found"),
    Case("atop-alliances-line-truncated", ATOP_A, cut_at_line(0.9),
         "10% fewer.*--accept-shrink atop_alliances"),
    Case("atop-alliances-year-3003", ATOP_A, bad_values("begyr", "3003"),
         r"begyr must be a year of ATOP's"),
    # coalition lists and treaty texts (refused whole, as before)
    Case("coalition-unknown-country", "coalitions/extra.csv", None,
         r"(Atlantis|unknown)", extra={"coalitions/extra.csv": (
             "coalition,member_name,ccode,org_code,role,joined,left,source_citation,source_url,"
             "note\niraq_2003,Atlantis,,,listed_coalition,2003,,A press release,,\n")}),
    Case("coalition-duplicate-row", "coalitions/extra.csv", None, r"duplicate row",
         extra={"coalitions/extra.csv": (
             "coalition,member_name,ccode,org_code,role,joined,left,source_citation,source_url,"
             "note\niraq_2003,Afghanistan,700,,listed_coalition,2003,,A press release,,\n")}),
    Case("treaty-manifest-path-traversal", MANIFEST, manifest_file("../../../etc/passwd"),
         "expected a bare file name"),
    Case("treaty-manifest-missing-text", MANIFEST, manifest_file("no_such_treaty.txt"),
         "not found beside the manifest"),
    Case("treaty-text-latin1", NATO, text_latin1, "not UTF-8 text"),
]


def test_the_corpus_has_30_cases_across_every_source_type() -> None:
    assert len(CASES) >= 30
    assert {c.relpath.split("/")[0] for c in CASES} == {"unga", "cow", "atop", "coalitions",
                                                        "treaties"}
    assert len({c.id for c in CASES}) == len(CASES)
    # the cases that load come first (module docstring)
    codes = [c.exit_code for c in CASES]
    assert codes == sorted(codes)


# ---- the warehouse, and what it must keep -------------------------------------------------------


def _build_info(settings: Settings) -> list[tuple]:
    with connect(settings) as conn:
        return conn.execute("select * from marts.build_info order by 1, 2").fetchall()


def marts_fingerprint(settings: Settings) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table behind the marts: the marts'
    tables and the tables their views read (fct_dyad_year, the affinity facts);
    :func:`tests.utils.crash.mart_checksums`. build_info is compared on its own."""
    with connect(settings) as conn:
        return mart_checksums(conn)


@pytest.fixture(scope="module")
def source_slice(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_source_slice(shared_data, tmp_path_factory.mktemp("sources"), SESSIONS)


@pytest.fixture(scope="module")
def built(without_dbt_unit_tests: None, module_db: Settings, source_slice: Path,
          prefect_harness: None) -> tuple[Settings, dict[str, tuple[int, str]]]:
    from flows.refresh import refresh

    result = refresh(source_dir=str(source_slice), allow_download=False)
    assert {o.status for o in result["loads"]} == {"loaded"}
    before = marts_fingerprint(module_db)
    assert before["fct_vote"][0] > 10_000 and before["fct_capability_year"][0] > 10_000
    return module_db, before


def _damage(case: Case, source_slice: Path, dest: Path) -> tuple[Path, int | None]:
    shutil.copytree(source_slice, dest, symlinks=True)
    target = dest / case.relpath
    line = None
    if case.make is not None:
        original = target.resolve().read_bytes()
        gz = original[:2] == b"\x1f\x8b"
        data = gzip.decompress(original) if gz and not case.binary else original
        made, line = case.make(data if case.binary else data.decode("utf-8"))
        out = made.encode("utf-8") if isinstance(made, str) else made
        if gz and not case.binary and out:
            out = gzip.compress(out, mtime=0)
        target.unlink()
        target.write_bytes(out)
    for relpath, text in (case.extra or {}).items():
        (dest / relpath).parent.mkdir(parents=True, exist_ok=True)
        (dest / relpath).write_text(text, encoding="utf-8")
    return target, line


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_damaged_file(case: Case, built: tuple[Settings, dict], source_slice: Path,
                        tmp_path: Path) -> None:
    settings, before = built
    target, line = _damage(case, source_slice, tmp_path / "sources")
    build_info_before = _build_info(settings)
    result = CliRunner().invoke(app, ["refresh", "--sources", str(tmp_path / "sources"),
                                      "--no-download"])
    output = result.output
    assert result.exit_code == case.exit_code, output
    assert "Traceback" not in output
    if case.exit_code:
        number = str(line) if line is not None else r"\d+"
        where = re.escape(str(target)) + f", line {number}: "
        assert re.search(where + ".*" + case.message, output, re.DOTALL), output
    # marts.build_info records the loads themselves (a file that loads with its bad rows
    # rejected is a new load): every other mart keeps its rows; a refused file changes nothing
    after = marts_fingerprint(settings)
    assert {t: v for t, v in after.items() if t != "build_info"} == \
        {t: v for t, v in before.items() if t != "build_info"}
    if case.exit_code:
        assert _build_info(settings) == build_info_before
    with connect(settings) as conn:
        run = conn.execute(
            "select status, error from raw.refresh_runs order by run_id desc limit 1").fetchone()
        if case.exit_code:
            assert run[0] == "failed" and target.name in run[1]
            return
        assert run[0] == "completed"
        load_id, table, rows_rejected = conn.execute(
            "select load_id, target_table, rows_rejected from raw.load_ledger "
            "where path = %s and status = 'loaded' order by load_id desc limit 1",
            (str(target),)).fetchone()
        rejects = conn.execute(
            "select line_number, reason from raw.rejected_rows where load_id = %s",
            (load_id,)).fetchall()
        passed_on = conn.execute(
            f'select count(*) from raw."{table}" where load_id = %s and line_number = any(%s)',
            (load_id, [r[0] for r in rejects])).fetchone()[0]
        assert rows_rejected == len(rejects) == case.rejected
        assert all(re.search(case.message, r[1]) for r in rejects), rejects
        assert passed_on == 0
        if case.check:
            assert conn.execute(case.check).fetchone()[0]
    # the loaded file stays in the slice: the next cases start from it
    (source_slice / case.relpath).unlink()
    shutil.copy2(target, source_slice / case.relpath)


def test_accept_shrink_naming_no_file_stops_the_run(built: tuple[Settings, dict],
                                                     source_slice: Path) -> None:
    """A typo in --accept-shrink would let nothing through: the run stops before any load."""
    settings, before = built
    result = CliRunner().invoke(app, ["refresh", "--sources", str(source_slice), "--no-download",
                                      "--accept-shrink", "cow_nmcc"])
    assert result.exit_code == 1
    assert "--accept-shrink cow_nmcc: no such file" in result.output
    # (build_info records the loads: earlier cases of the module loaded files)
    after = marts_fingerprint(settings)
    assert {t: v for t, v in after.items() if t != "build_info"} == \
        {t: v for t, v in before.items() if t != "build_info"}


def test_status_shows_unverified_files_and_refusals(built: tuple[Settings, dict]) -> None:
    """The slice's UNGA files are not the catalog's releases; NMC's newest attempt was refused
    (after its current load, which the raw table still holds)."""
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.output.splitlines()
            if line.startswith("│ ") and len(line.split()) > 2}
    assert "unverified" in rows["unga_voeten_votes"]
    assert "yes" in rows["cow_states"].split("│")[4]  # the shared file: the catalog's release
    assert "(refused)" in rows["cow_nmc"]
    assert re.search(r"refused cow_nmc: .*NMC-70-abridged\.csv, line \d+: not UTF-8 text",
                     result.output), result.output
