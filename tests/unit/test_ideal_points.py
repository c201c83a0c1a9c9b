"""The ideal-point estimator: recovery, bridging, identification, filters, failures."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from etl import ideal_points as ip
from etl.config import Settings
from tests.utils.ideal_points_sim import simulate

NO_PAIRS = np.zeros((0, 2), dtype=np.int64)


def _truth(sim, fit: ip.FitResult) -> np.ndarray:
    return np.array([sim.theta[(int(c), int(s))]
                     for c, s in zip(fit.cs_ccode, fit.cs_session, strict=True)])


@pytest.fixture(scope="module")
def recovered():
    sim = simulate()
    settings = ip.EstimationSettings(random_walk_variance=0.1)
    data = ip.prepare(sim.votes, sim.pairs, settings)
    return sim, data, ip.fit(data, settings)


def test_estimates_recover_simulated_positions_in_every_session(recovered) -> None:
    sim, _, fit = recovered
    truth = _truth(sim, fit)
    assert fit.converged
    for session in np.unique(fit.cs_session):
        here = fit.cs_session == session
        assert np.corrcoef(truth[here], fit.theta[here])[0, 1] >= 0.95, session


def test_scale_and_direction_are_identified(recovered) -> None:
    _, data, fit = recovered
    assert fit.theta.mean() == pytest.approx(0.0, abs=1e-9)
    assert fit.theta.std() == pytest.approx(1.0, abs=1e-9)
    assert (fit.theta[fit.cs_ccode == 2] > 0).all()
    # another direction country at the other end flips every position
    lowest = int(fit.cs_ccode[np.argmin(fit.theta)])
    flipped = ip.fit(data, ip.EstimationSettings(random_walk_variance=0.1,
                                                 direction_ccode=lowest))
    assert np.allclose(flipped.theta, -fit.theta, atol=1e-3)


def test_a_consuming_fit_gives_the_same_numbers_and_frees_the_votes(recovered) -> None:
    sim, data, fit = recovered
    settings = ip.EstimationSettings(random_walk_variance=0.1)
    own = ip.prepare(sim.votes, sim.pairs, settings)
    n_obs = own.n_obs
    consumed = ip.fit(own, settings, consume=True)
    assert np.array_equal(consumed.theta, fit.theta) and np.array_equal(consumed.se, fit.se)
    # what write_run reads is still there; the per-vote arrays are not
    assert own.n_obs == n_obs == data.n_obs and own.n_cs == data.n_cs
    assert own.obs_cs is None and own.obs_item is None and own.obs_y is None
    with pytest.raises(AttributeError):  # fitted again: fails loudly, never on stale votes
        ip.fit(own, settings)


def test_standard_errors_are_positive_and_shrink_with_more_votes(recovered) -> None:
    _, data, fit = recovered
    assert np.isfinite(fit.se).all() and (fit.se > 0).all()
    sim = simulate(items_per_session=160)
    settings = ip.EstimationSettings(random_walk_variance=0.1)
    more = ip.fit(ip.prepare(sim.votes, sim.pairs, settings), settings)
    assert np.median(more.se) < 0.7 * np.median(fit.se)


def test_same_votes_give_the_same_numbers(recovered) -> None:
    sim, data, fit = recovered
    again = ip.fit(data, ip.EstimationSettings(random_walk_variance=0.1))
    assert np.array_equal(again.theta, fit.theta) and np.array_equal(again.se, fit.se)
    # row order does not matter either
    order = np.random.default_rng(1).permutation(len(sim.votes))
    shuffled = sim.votes.take(np.zeros(len(sim.votes), dtype=bool) | True)
    shuffled = ip.VoteTable(*(getattr(shuffled, f)[order] for f in ip._VOTE_FIELDS))
    assert shuffled.fingerprint(sim.pairs) == sim.votes.fingerprint(sim.pairs)
    refit = ip.fit(ip.prepare(shuffled, sim.pairs, ip.EstimationSettings(
        random_walk_variance=0.1)), ip.EstimationSettings(random_walk_variance=0.1))
    assert np.allclose(refit.theta, fit.theta, atol=1e-6)


def test_bridging_identifies_a_shift_shared_items_reveal() -> None:
    # every country moves +1 from session 1 to 2; session 2 re-votes session 1's resolutions
    sim = simulate(sessions=(1, 2), shift={2: 1.0}, bridge_from=1, walk_sd=0.05,
                   n_countries=80, items_per_session=30)
    settings = ip.EstimationSettings(random_walk_variance=0.1)
    shifts = {}
    for label, pairs in (("bridged", sim.pairs), ("unbridged", NO_PAIRS)):
        data = ip.prepare(sim.votes, pairs, settings)
        fit = ip.fit(data, settings)
        shifts[label] = (fit.theta[fit.cs_session == 2].mean()
                         - fit.theta[fit.cs_session == 1].mean(), data.n_items)
    assert shifts["bridged"][1] == 30 and shifts["unbridged"][1] == 60
    # without bridging the cut-points absorb the shift and the random walk keeps positions put
    assert abs(shifts["unbridged"][0]) < 0.1
    assert shifts["bridged"][0] > 0.4


def test_chains_and_stars_of_pairs_are_one_item_named_by_the_smallest_rcid() -> None:
    rcids = np.array([470, 512, 545, 577, 5310, 5312, 5389, 9999], dtype=np.int64)
    pairs = np.array([[470, 512], [512, 545], [545, 577], [5310, 5389], [5312, 5389]])
    assert ip.link_items(rcids, pairs).tolist() == [470, 470, 470, 470, 5310, 5310, 5310, 9999]
    assert ip.link_items(rcids, NO_PAIRS).tolist() == rcids.tolist()


def _votes(rows: list[tuple[int, int, int, int, int, bool]]) -> ip.VoteTable:
    """rows: (rcid, ccode, session, year, vote, is_paragraph)."""
    arr = np.array([r[:5] for r in rows], dtype=np.int64)
    n = len(rows)
    return ip.VoteTable(
        rcid=arr[:, 0], ccode=arr[:, 1], session=arr[:, 2], year=arr[:, 3],
        vote=arr[:, 4].astype(np.int8), is_paragraph=np.array([r[5] for r in rows]),
        is_amendment=np.zeros(n, dtype=bool), is_important=np.zeros(n, dtype=bool),
        issues=np.zeros((n, 6), dtype=bool),
    )


def test_filters_drop_session_19_late_paragraph_votes_and_unanimous_items() -> None:
    rows = []
    for rcid, session, year, para, votes in (
        (1, 18, 1963, True, (0, 2, 1)),   # paragraph vote before 1990: kept
        (2, 19, 1964, False, (0, 2, 2)),  # session 19: skipped
        (3, 44, 1989, True, (0, 0, 2)),   # paragraph vote of 1989: kept
        (4, 45, 1990, True, (0, 2, 2)),   # paragraph vote after 1989: dropped
        (5, 45, 1990, False, (0, 0, 0)),  # unanimous: dropped
        (6, 45, 1990, False, (0, 1, 2)),
    ):
        rows += [(rcid, c, session, year, v, para) for c, v in zip((2, 20, 365), votes,
                                                                   strict=True)]
    data = ip.prepare(_votes(rows), NO_PAIRS, ip.EstimationSettings())
    assert data.item_rcid.tolist() == [1, 3, 6]
    assert data.n_dropped_unanimous == 1
    counts = dict(zip(zip(data.cs_ccode.tolist(), data.cs_session.tolist(), strict=True),
                      data.cs_n_votes.tolist(), strict=True))
    assert counts == {(2, 18): 1, (2, 44): 1, (2, 45): 1, (20, 18): 1, (20, 44): 1,
                      (20, 45): 1, (365, 18): 1, (365, 44): 1, (365, 45): 1}
    everything = ip.prepare(_votes(rows), NO_PAIRS, ip.EstimationSettings(
        paragraph_cutoff_year=None, skip_sessions=()))
    assert everything.item_rcid.tolist() == [1, 2, 3, 4, 6]


def test_vote_sets_select_important_and_issue_votes() -> None:
    votes = _votes([(1, 2, 50, 1995, 0, False), (2, 2, 50, 1995, 2, False),
                    (3, 2, 24, 1969, 2, False)])
    votes.is_important[:] = [True, False, False]
    votes.issues[:, ip.ISSUE_CODES.index("hr")] = [False, True, True]
    assert ip.select_vote_set(votes, "important").rcid.tolist() == [1]
    # human-rights estimates start with session 25, as BSV's
    assert ip.select_vote_set(votes, "hr").rcid.tolist() == [2]
    with pytest.raises(ip.IdealPointError, match="unknown vote set 'xx'"):
        ip.select_vote_set(votes, "xx")
    # selecting a set leaves the votes as they were (session 24 still flagged human rights)
    assert votes.issues[:, ip.ISSUE_CODES.index("hr")].tolist() == [False, True, True]


def test_prepare_keeps_the_rows_of_the_set_filtered_in_order(recovered) -> None:
    sim, _, _ = recovered
    votes = dataclasses.replace(sim.votes, is_important=sim.votes.rcid % 3 == 0)
    settings = ip.EstimationSettings()
    for vote_set in ("all", "important"):
        data = ip.prepare(votes, NO_PAIRS, settings, vote_set)
        chosen = ip.filter_votes(ip.select_vote_set(votes, vote_set), settings)
        chosen = chosen.take(np.isin(chosen.rcid, data.item_rcid))  # less the unanimous
        assert data.n_obs == len(chosen) > 0
        assert np.array_equal(data.obs_rcid, chosen.rcid)
        assert np.array_equal(data.obs_y, chosen.vote)
        assert np.array_equal(data.cs_ccode[data.obs_cs], chosen.ccode)
        assert np.array_equal(data.cs_session[data.obs_cs], chosen.session)


def test_the_fit_indexes_with_int32_and_computes_in_float64(recovered) -> None:
    # the indices are narrow (memory), the numbers are not (the estimates stay bit-identical)
    _, data, fit = recovered
    assert data.obs_cs.dtype == data.obs_item.dtype == np.int32
    lay = ip._layout(data)
    assert lay.cs.dtype == lay.item.dtype == lay.hi_cut.dtype == lay.lo_cut.dtype == np.int32
    assert lay.hi_slot.dtype == lay.lo_slot.dtype == np.int8
    assert fit.theta.dtype == fit.se.dtype == fit.beta.dtype == fit.cuts.dtype == np.float64
    terms = ip._evaluate(fit.theta, fit.beta, fit.cuts, lay)
    assert {a.dtype for a in (terms.logp, terms.la, terms.lb, terms.laa, terms.lbb,
                              terms.lab)} == {np.dtype(np.float64)}


def test_a_fit_that_does_not_converge_is_an_error_naming_the_session() -> None:
    sim = simulate(sessions=(3, 4))
    settings = ip.EstimationSettings(max_iterations=1, tolerance=1e-12)
    with pytest.raises(ip.IdealPointError, match=r"did not converge in 1 sweeps.*session\(s\) "
                                                 r"[34]"):
        ip.fit(ip.prepare(sim.votes, sim.pairs, settings), settings)


def test_non_finite_positions_are_an_error_naming_the_session(monkeypatch) -> None:
    sim = simulate(sessions=(7, 8))
    data = ip.prepare(sim.votes, sim.pairs, ip.EstimationSettings())
    real = ip._theta_step

    def poisoned(theta, *args, **kwargs):
        theta, terms, value = real(theta, *args, **kwargs)
        theta = theta.copy()
        theta[data.cs_session == 8] = np.nan
        return theta, terms, value

    monkeypatch.setattr(ip, "_theta_step", poisoned)
    with pytest.raises(ip.IdealPointError, match=r"not finite after sweep 1 in session\(s\) 8;"):
        ip.fit(data)


def test_only_unanimous_votes_is_a_clear_error() -> None:
    votes = _votes([(1, 2, 50, 1995, 0, False), (1, 20, 50, 1995, 0, False)])
    data = ip.prepare(votes, NO_PAIRS, ip.EstimationSettings())
    with pytest.raises(ip.IdealPointError, match="unanimous"):
        ip.fit(data)


def test_settings_reach_the_estimator() -> None:
    config = Settings(ideal_points_random_walk_variance=0.2, ideal_points_skip_sessions=[19, 20],
                      ideal_points_paragraph_cutoff_year=None)
    settings = ip.settings_from(config)
    assert settings.random_walk_variance == 0.2
    assert settings.skip_sessions == (19, 20)
    assert settings.paragraph_cutoff_year is None
    assert settings.as_json()["skip_sessions"] == [19, 20]
    assert dataclasses.asdict(ip.settings_from(Settings()))["random_walk_variance"] == 0.5
    with pytest.raises(ValueError, match="ideal_points_vote_sets"):
        Settings(ideal_points_vote_sets=["all", "sports"])
