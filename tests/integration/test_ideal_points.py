"""The estimation step against PostgreSQL: read the votes, write runs and estimates, skip reruns.

The votes come from a stand-in schema laid out like the marts (``fct_vote``, ``dim_roll_call``)
and filled with votes simulated from the model, so no dbt build is needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from etl import ideal_points as ip
from etl import migrate
from etl.config import Settings, get_settings
from etl.db import connect
from etl.ingest import FILE_SPECS, ingest_files
from tests.utils.ideal_points_sim import simulate

pytestmark = pytest.mark.integration

SCHEMA = "sim_marts"
NO_PAIRS = np.zeros((0, 2), dtype=np.int64)


def _write_marts(settings: Settings, votes: ip.VoteTable) -> None:
    names = {0: "yes", 1: "abstain", 2: "no"}
    with connect(settings) as conn, conn.transaction():
        conn.execute(f"drop schema if exists {SCHEMA} cascade")
        conn.execute(f"create schema {SCHEMA}")
        conn.execute(f"create table {SCHEMA}.fct_vote (rcid int, ccode int, vote text)")
        conn.execute(f"""create table {SCHEMA}.dim_roll_call (rcid int, session int, year int,
            is_paragraph boolean, is_amendment boolean, is_important boolean,
            is_issue_me boolean, is_issue_nu boolean, is_issue_di boolean,
            is_issue_hr boolean, is_issue_co boolean, is_issue_ec boolean)""")
        with conn.cursor() as cur:
            with cur.copy(f"copy {SCHEMA}.fct_vote from stdin") as copy:
                for rcid, ccode, vote in zip(votes.rcid.tolist(), votes.ccode.tolist(),
                                             votes.vote.tolist(), strict=True):
                    copy.write_row((rcid, ccode, names[vote]))
                # absences are in the marts too; the estimator never reads them
                copy.write_row((int(votes.rcid[0]), 999, "absent"))
            calls = {int(r): (int(s), int(y)) for r, s, y in
                     zip(votes.rcid, votes.session, votes.year, strict=True)}
            with cur.copy(f"copy {SCHEMA}.dim_roll_call from stdin") as copy:
                for rcid, (session, year) in calls.items():
                    copy.write_row((rcid, session, year, False, False, rcid % 2 == 0,
                                    False, False, False, rcid % 3 == 0, False, False))


@pytest.fixture()
def warehouse(throwaway_db: Settings, tmp_path: Path) -> Settings:
    migrate.upgrade(throwaway_db)
    pairs = tmp_path / "Matches.csv"
    pairs.write_text("v1,rcid1,rcid2\n1,1001,1041\n", encoding="utf-8")
    ingest_files([FILE_SPECS["unga_bridging_pairs"]], {"unga_bridging_pairs": pairs},
                 settings=throwaway_db)
    _write_marts(throwaway_db, simulate(sessions=(1, 2, 3), n_countries=40).votes)
    return throwaway_db


def _estimates(settings: Settings) -> dict[tuple[str, int, int], tuple[int, float]]:
    with connect(settings) as conn:
        rows = conn.execute("select vote_set, ccode, session, run_id, ideal_point "
                            "from raw.ideal_point_estimates").fetchall()
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}


def test_estimates_are_written_with_their_ledger_row_and_not_redone(warehouse: Settings) -> None:
    first = ip.estimate(warehouse, schema=SCHEMA, vote_sets=["all", "hr"])
    # the simulated sessions 1-3 have no human-rights estimates (those start with session 25)
    assert [(o.vote_set, o.status) for o in first] == [("all", "estimated"), ("hr", "no_votes")]
    first = first[:1]
    estimates = _estimates(warehouse)
    assert len(estimates) == 120 and {k[2] for k in estimates} == {1, 2, 3}
    assert all(v[0] == first[0].run_id for v in estimates.values())
    assert estimates[("all", 2, 1)][1] > 0  # the USA on the positive side
    with connect(warehouse) as conn:
        run = conn.execute("""select status, converged, iterations, n_votes, n_items,
            n_country_sessions, wall_seconds, settings ->> 'random_walk_variance', inputs_sha256
            from raw.ideal_point_runs""").fetchall()
    assert len(run) == 1
    status, converged, iterations, n_votes, n_items, n_cs, seconds, walk, sha = run[0]
    assert (status, converged, n_cs, walk) == ("completed", True, 120, "0.5")
    assert n_votes == 40 * 120 and n_items == 119  # one pair bridges two roll calls
    assert iterations > 0 and seconds > 0 and len(sha) == 64

    # the same votes: nothing estimated, whether the votes are read or not
    for check in (True, False):
        again = ip.estimate(warehouse, schema=SCHEMA, check_votes=check, vote_sets=["all"])
        assert [(o.status, o.run_id) for o in again] == [("unchanged", first[0].run_id)]
    assert _estimates(warehouse) == estimates
    # full: estimated again, same numbers (deterministic)
    redo = ip.estimate(warehouse, schema=SCHEMA, full=True, vote_sets=["all"])
    assert redo[0].status == "estimated" and redo[0].run_id != first[0].run_id
    assert {k: v[1] for k, v in _estimates(warehouse).items()} == {
        k: v[1] for k, v in estimates.items()}


def test_new_votes_or_settings_re_estimate(warehouse: Settings, monkeypatch) -> None:
    first = ip.estimate(warehouse, schema=SCHEMA, vote_sets=["all"])[0]
    _write_marts(warehouse, simulate(sessions=(1, 2, 3, 4), n_countries=40).votes)
    grown = ip.estimate(warehouse, schema=SCHEMA, vote_sets=["all"])[0]
    assert grown.status == "estimated" and grown.inputs_sha256 != first.inputs_sha256
    assert {k[2] for k in _estimates(warehouse)} == {1, 2, 3, 4}

    monkeypatch.setenv("ALLIANCES_IDEAL_POINTS_RANDOM_WALK_VARIANCE", "0.2")
    monkeypatch.setenv("ALLIANCES_IDEAL_POINTS_VOTE_SETS", '["all", "important"]')
    get_settings.cache_clear()
    outcomes = ip.estimate(get_settings(), schema=SCHEMA, check_votes=False)
    assert [(o.vote_set, o.status) for o in outcomes] == [("all", "estimated"),
                                                          ("important", "estimated")]
    assert {k[0] for k in _estimates(warehouse)} == {"all", "important"}


def test_a_failed_estimation_is_recorded_and_keeps_the_previous_estimates(
    warehouse: Settings, monkeypatch
) -> None:
    ip.estimate(warehouse, schema=SCHEMA, vote_sets=["all"])
    before = _estimates(warehouse)
    _write_marts(warehouse, simulate(sessions=(1, 2, 3), n_countries=40, seed=11).votes)
    monkeypatch.setenv("ALLIANCES_IDEAL_POINTS_MAX_ITERATIONS", "1")
    get_settings.cache_clear()
    with pytest.raises(ip.IdealPointError, match=r"vote set 'all': .*did not converge.*session"):
        ip.estimate(get_settings(), schema=SCHEMA, vote_sets=["all"])
    assert _estimates(warehouse) == before
    with connect(warehouse) as conn:
        status, error = conn.execute("select status, error from raw.ideal_point_runs "
                                     "order by run_id desc limit 1").fetchone()
    assert status == "failed" and "session" in error


@pytest.mark.parametrize("batch_bytes", [ip._COPY_BATCH_BYTES, 50 * 7 + 3])
def test_votes_are_read_into_int32_arrays_whatever_the_batches(
    warehouse: Settings, monkeypatch, batch_bytes: int
) -> None:
    # batches of a few rows and a part of one: rows split across the COPY's messages
    monkeypatch.setattr(ip, "_COPY_BATCH_BYTES", batch_bytes)
    sim = simulate(sessions=(1, 2, 3), n_countries=40).votes
    with connect(warehouse) as conn:
        votes = ip.read_votes(conn, SCHEMA)
    assert len(votes) == len(sim) == 40 * 120  # the one absence is not read
    for name in ("rcid", "ccode", "session", "year"):
        assert getattr(votes, name).dtype == np.int32
    assert votes.vote.dtype == np.int8 and votes.issues.dtype == np.bool_
    order = np.lexsort((sim.ccode, sim.rcid))
    for name in ("rcid", "ccode", "session", "year", "vote"):
        assert np.array_equal(getattr(votes, name), getattr(sim, name)[order])
    assert np.array_equal(votes.is_important, votes.rcid % 2 == 0)
    assert np.array_equal(votes.issues[:, ip.ISSUE_CODES.index("hr")], votes.rcid % 3 == 0)
    assert not votes.issues[:, [0, 1, 2, 4, 5]].any() and not votes.is_paragraph.any()
    # the ledger's fingerprint is that of the same votes held as int64 (as they once were read)
    wide = ip.VoteTable(*(getattr(votes, f).astype(np.int64) if f in ("rcid", "ccode", "session",
                          "year") else getattr(votes, f) for f in ip._VOTE_FIELDS))
    assert votes.fingerprint(NO_PAIRS) == wide.fingerprint(NO_PAIRS)


def test_read_votes_grows_past_a_short_count(warehouse: Settings, monkeypatch) -> None:
    monkeypatch.setattr(ip, "_COPY_BATCH_BYTES", 1000)
    monkeypatch.setattr(ip, "_COUNT_QUERY", "select 3")
    with connect(warehouse) as conn:
        assert len(ip.read_votes(conn, SCHEMA)) == 40 * 120
