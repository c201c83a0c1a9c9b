"""The refresh flow end to end on a slice of the shared data (three sessions), through Prefect."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.config import Settings
from etl.db import connect
from tests.utils.crash import table_checksum
from tests.utils.slices import make_source_slice

pytestmark = pytest.mark.integration

SESSIONS = {56, 57, 58}
MARTS = [
    "dim_country",
    "dim_roll_call",
    "fct_vote",
    "fct_dyad_year_affinity",
    "fct_dyad_session_affinity",
    "country_year_hegemon_affinity",
    "country_session_hegemon_affinity",
    "dim_vote_set",
    "dim_hegemon",
    "fct_vote_release_disagreement",
]
# The incremental tables and the period they are incremental by (the affinity facts are views
# over the dyad counts).
INCREMENTAL = {
    "marts.fct_vote": "year",
    "intermediate.int_dyad_year_votes_counted": "year",
    "intermediate.int_dyad_session_votes_counted": "session",
}


def _fingerprint(settings: Settings) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every mart listed above."""
    out = {}
    with connect(settings) as conn:
        for table in MARTS:
            # every column; the sum of the rows' hashes, not an md5 of their sorted md5s
            out[table] = table_checksum(conn, "marts", table, skip=frozenset())
    return out


@pytest.fixture(scope="module")
def source_slice(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_source_slice(shared_data, tmp_path_factory.mktemp("sources"), SESSIONS)


@pytest.fixture(scope="module")
def first_run(module_db: Settings, source_slice: Path, prefect_harness: None) -> Any:
    """The refresh flow run once through Prefect on the slice, into the empty database: its
    final state (``built`` is the warehouse it leaves)."""
    from flows.refresh import refresh

    return refresh(source_dir=str(source_slice), allow_download=False, return_state=True)


@pytest.fixture(scope="module")
def built(module_db: Settings, first_run: Any) -> Settings:
    assert first_run.is_completed(), first_run.message
    result = first_run.result()
    assert {o.status for o in result["loads"]} == {"loaded"}
    return module_db


def test_marts_hold_one_vote_per_roll_call_and_country(built: Settings, source_slice: Path) -> None:
    import csv

    with gzip.open(source_slice / "unga/voeten/UNVotesPublished.csv.gz", "rt") as fh:
        voeten = {(int(r["rcid"]), int(r["ccode"])) for r in csv.DictReader(fh)}
    with connect(built) as conn:
        unvotes = set(
            conn.execute(
                "select rcid, ccode from intermediate.int_unvotes_votes_mapped_to_ccode"
            ).fetchall()
        )
        in_fct = conn.execute(
            "select count(*), count(distinct (rcid, ccode)) from marts.fct_vote"
        ).fetchone()
        sessions = {r[0] for r in conn.execute("select distinct session from marts.dim_roll_call")}
        usa_2003 = conn.execute("""
            select n_joint_hegemon, agree_exact_hegemon from marts.country_year_hegemon_affinity
            where year = 2003 and ccode = 200
        """).fetchone()
    assert sessions == SESSIONS
    assert in_fct[0] == in_fct[1] == len(voeten | unvotes)
    assert usa_2003[0] > 50 and 0.3 < usa_2003[1] < 0.8  # UK-USA agreement in 2003


def test_ideal_points_are_estimated_after_the_vote_models(built: Settings) -> None:
    with connect(built) as conn:
        points = conn.execute("""
            select session, count(*), bool_and(standard_error > 0),
                   max(ideal_point) filter (where ccode = 2)
            from marts.fct_country_session_ideal_point where vote_set = 'all' group by session
        """).fetchall()
        dyads = conn.execute("""select count(*) from marts.fct_dyad_session_ideal_point_distance
                                where vote_set = 'all'""").fetchone()[0]
        runs = conn.execute("""select vote_set, status, converged from raw.ideal_point_runs
                               where vote_set = 'all'""").fetchall()
    assert {p[0] for p in points} == SESSIONS
    assert all(p[2] and p[3] > 0 for p in points)  # the USA on the positive side
    assert dyads == sum(n * (n - 1) // 2 for _, n, _, _ in points)
    assert runs == [("all", "completed", True)]


def test_second_refresh_adds_nothing_and_changes_nothing(
    built: Settings, source_slice: Path
) -> None:
    from flows.refresh import refresh

    before = _fingerprint(built)
    with connect(built) as conn:
        ledger_before = conn.execute("select count(*) from raw.load_ledger").fetchone()[0]
    result = refresh(source_dir=str(source_slice), allow_download=False)
    assert {o.status for o in result["loads"]} == {"unchanged"}
    assert result["dbt"] == []  # nothing changed: no model rebuilt
    assert {r.status for r in result["ideal_points"]} <= {"unchanged", "no_votes"}
    with connect(built) as conn:
        assert conn.execute("select count(*) from raw.load_ledger").fetchone()[0] == ledger_before
        assert (
            conn.execute("select status from raw.refresh_runs order by run_id desc").fetchone()[0]
            == "completed"
        )
    assert _fingerprint(built) == before


def test_the_command_without_a_prefect_api_runs_the_steps_quietly(
    built: Settings, source_slice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`alliances refresh` with no PREFECT_API_URL: the plain steps (no Prefect run), nothing
    for dbt to do, a short summary and no dbt log on the console."""
    import flows.pipeline

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    calls = []
    real = flows.pipeline.run_refresh
    monkeypatch.setattr(flows.pipeline, "run_refresh",
                        lambda **kw: calls.append(kw) or real(**kw))
    result = CliRunner().invoke(app, ["refresh", "--sources", str(source_slice),
                                      "--no-download"])
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    assert "files: 0 loaded" in result.output
    assert "dbt: nothing to build" in result.output
    assert "Running with dbt" not in result.output and "\x1b[" not in result.output
    with connect(built) as conn:
        last = conn.execute("select status, files_loaded from raw.refresh_runs "
                            "order by run_id desc").fetchone()
    assert last == ("completed", 0)


def test_a_changed_model_is_rebuilt_whole_with_everything_downstream(
    built: Settings, source_slice: Path
) -> None:
    """No source changed, but a model's code did (as after an upgrade): that model and every
    model downstream are rebuilt from scratch, not just the years whose votes changed."""
    from etl.transform import build_state_dir
    from flows.refresh import refresh

    counts = "intermediate.int_dyad_year_votes_counted"
    saved = build_state_dir(built) / "manifest.json"
    manifest = json.loads(saved.read_text())
    node = manifest["nodes"]["model.alliance_warehouse.int_dyad_year_votes_counted"]
    node["raw_code"] += "\n-- edited"  # as if its SQL had been edited
    saved.write_text(json.dumps(manifest))
    # the project's fingerprint of that build no longer matches either (etl/build_state.py)
    (build_state_dir(built) / "fingerprint.sha256").write_text("0" * 64 + "\n")
    before = {t: _row_versions(built, t) for t in ("marts.fct_vote", counts)}
    fingerprint = _fingerprint(built)

    result = refresh(source_dir=str(source_slice), allow_download=False)

    rebuilt = {t.name for t in result["dbt"] if t.status == "success"}
    assert {"int_dyad_year_votes_counted", "fct_dyad_year_affinity",
            "mart_legitimacy_exchange"} <= rebuilt
    assert "fct_vote" not in rebuilt and "int_dyad_session_votes_counted" not in rebuilt
    after = {t: _row_versions(built, t) for t in before}
    assert after["marts.fct_vote"] == before["marts.fct_vote"]
    newest_before = max(before[counts].values())
    assert set(after[counts]) == set(before[counts])
    assert all(v > newest_before for v in after[counts].values())
    assert _fingerprint(built) == fingerprint  # the same code gives the same numbers
    # and the next refresh has nothing left to do
    assert refresh(source_dir=str(source_slice), allow_download=False)["dbt"] == []


def test_status_reconciles_every_file(built: Settings) -> None:
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    assert "NO" not in result.output
    assert "unvotes_votes" in result.output and "fct_dyad_year_affinity" in result.output
    # the affinity facts are views: status estimates their rows rather than run their queries
    affinity = next(line for line in result.output.splitlines()
                    if " fct_dyad_year_affinity " in line)
    assert "(view, estimate)" in affinity
    vote = next(line for line in result.output.splitlines() if " fct_vote " in line)
    assert "estimate" not in vote


def test_corrupt_file_stops_the_run_and_keeps_the_warehouse(
    built: Settings, source_slice: Path, tmp_path: Path
) -> None:
    before = _fingerprint(built)
    broken = tmp_path / "sources"
    shutil.copytree(source_slice, broken, symlinks=True)
    votes = broken / "unga/unvotes/un_votes.csv.gz"
    data = votes.read_bytes()
    votes.unlink()
    votes.write_bytes(data[: len(data) * 2 // 3])

    result = CliRunner().invoke(app, ["refresh", "--sources", str(broken), "--no-download"])

    assert result.exit_code == 1
    assert "un_votes.csv.gz, line" in result.output
    assert "Traceback" not in result.output
    assert _fingerprint(built) == before
    with connect(built) as conn:
        failed = conn.execute(
            "select status, error from raw.refresh_runs order by run_id desc limit 1"
        ).fetchone()
    assert failed[0] == "failed" and "un_votes.csv.gz" in failed[1]


def _task_runs(flow_run_id: Any) -> dict[str, Any]:
    """Task runs of a flow run by name, read from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {run.name: run for run in runs}


def test_a_flow_run_through_prefect_completes(first_run: Any) -> None:
    """The first refresh's flow run (every file loaded, every model built), as the Prefect API
    shows it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType

    assert first_run.is_completed(), first_run.message
    flow_run_id = first_run.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
    assert flow_run.state.type == StateType.COMPLETED
    tasks = _task_runs(flow_run_id)
    for task in ("migrate", "resolve-sources", "ingest-unga", "dbt-build"):
        assert any(name.startswith(task) for name in tasks), f"no task run {task} in {tasks}"
    assert {run.state.type for run in tasks.values()} == {StateType.COMPLETED}


def test_a_failed_run_shows_the_failing_task_and_its_error(
    built: Settings, source_slice: Path, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType

    from flows.refresh import refresh

    broken = tmp_path / "sources"
    shutil.copytree(source_slice, broken, symlinks=True)
    votes = broken / "unga/unvotes/un_votes.csv.gz"
    data = votes.read_bytes()
    votes.unlink()
    votes.write_bytes(data[: len(data) // 2])

    state = refresh(source_dir=str(broken), allow_download=False, return_state=True)

    assert state.is_failed()
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(state.state_details.flow_run_id)
    assert flow_run.state.type == StateType.FAILED
    assert "un_votes.csv.gz" in (flow_run.state.message or "")
    failed = {name: run for name, run in _task_runs(flow_run.id).items()
              if run.state.type == StateType.FAILED}
    assert list(failed) == ["ingest-unga"]
    assert "un_votes.csv.gz, line" in (failed["ingest-unga"].state.message or "")


def _row_versions(settings: Settings, table: str) -> dict[int, int]:
    """Per period (INCREMENTAL), the newest transaction id among the table's rows (changes when
    rewritten)."""
    period = INCREMENTAL[table]
    with connect(settings) as conn:
        return dict(
            conn.execute(
                f"select {period}, max(xmin::text::bigint) from {table} group by {period}"
            ).fetchall()
        )


def test_a_new_session_rebuilds_only_its_session_and_the_years_it_touches(
    built: Settings, shared_data: Path, source_slice: Path, tmp_path: Path
) -> None:
    from flows.refresh import refresh

    # a completed refresh first (the corrupt-file test left a failed one, after which a refresh
    # rebuilds every model)
    refresh(source_dir=str(source_slice), allow_download=False)
    before = {t: _row_versions(built, t) for t in INCREMENTAL}
    grown = make_source_slice(shared_data, tmp_path / "grown", SESSIONS | {59})
    result = refresh(source_dir=str(grown), allow_download=False)
    assert {o.file_name for o in result["loads"] if o.status == "loaded"} >= {
        "unvotes_votes",
        "unvotes_roll_calls",
        "unga_voeten_votes",
    }
    with connect(built) as conn:
        new_years = {
            r[0]
            for r in conn.execute(
                "select distinct year from marts.dim_roll_call where session = 59"
            )
        }
    assert new_years and min(new_years) >= 2004
    # the new session is estimated and reaches the ideal-point marts
    assert ("all", "estimated") in {(r.vote_set, r.status) for r in result["ideal_points"]}
    with connect(built) as conn:
        assert conn.execute("select count(*) from marts.fct_country_session_ideal_point "
                            "where session = 59 and vote_set = 'all'").fetchone()[0] > 100
    new_periods = {"year": new_years, "session": {59}}
    # only what depends on the votes is built again: no ATOP or COW file changed
    rebuilt = {t.name for t in result["dbt"] if t.status == "success"}
    assert {"fct_vote", "int_dyad_year_votes_counted", "int_dyad_session_votes_counted",
            "mart_legitimacy_exchange"} <= rebuilt
    assert not rebuilt & {"dim_country", "dim_alliance", "fct_alliance_dyad_year",
                          "fct_capability_year", "mart_alliance_asymmetry"}
    for table, versions in before.items():
        new = new_periods[INCREMENTAL[table]]
        after = _row_versions(built, table)
        untouched = {p for p in versions if p < min(new)}
        assert untouched, table
        # write-audit-publish: the published rows are copied into the shadow table in one
        # statement (one transaction id for every period), then only the new periods are rebuilt
        copied = {after[p] for p in untouched}
        assert len(copied) == 1, table
        assert new <= set(after), table
        assert all(after[p] > max(copied) for p in new), table

    # the incremental result is exactly what a full rebuild gives
    incremental = _fingerprint(built)
    refresh(source_dir=str(grown), allow_download=False, full=True)
    assert _fingerprint(built) == incremental
