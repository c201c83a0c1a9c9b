"""Dynamic ordinal ideal points of UNGA members (Bailey, Strezhnev & Voeten 2017), by MAP.

The model (one dimension, ordered probit, random walk):

- country-session ``i = (c, t)`` has a position ``theta_i``; roll-call item ``j`` (a roll call, or a
  chain of roll calls on the identical resolution bridged by ``Matches.csv``) has a
  discrimination ``beta_j`` and cut-points ``gamma_j1 <= gamma_j2``;
- a vote is ordinal, yes < abstain < no: with ``eta = beta_j * theta_i``,
  ``P(yes) = Phi(gamma_j1 - eta)``, ``P(abstain) = Phi(gamma_j2 - eta) - Phi(gamma_j1 - eta)``,
  ``P(no) = 1 - Phi(gamma_j2 - eta)``; the sign of ``beta_j`` is free (either end may be "no").
  An item with two of the three categories has one cut-point;
- priors: ``theta_{c,t} ~ N(theta_{c,t'}, k * sigma^2)`` (a random walk from the country's previous
  estimated session ``t'``, ``k`` estimated sessions later), ``theta ~ N(0, tau^2)`` (keeps
  perfectly separated blocs, such as the Warsaw Pact, finite), ``beta_j ~ N(0, 1)``,
  ``gamma ~ N(0, 25)``;
- identification: the priors fix location and scale while fitting; the mode's positions are
  then standardised over all country-sessions (mean 0, sd 1; items re-expressed so that every
  ``eta`` is unchanged; standard errors divided by the same sd), as BSV's sampler standardises
  its draws, and the direction is fixed by the USA (``direction_ccode``) on the positive side.

The estimate is the posterior mode, found by alternating blockwise Newton steps: all positions at
once (the random walk makes each country's precision tridiagonal, one banded solve for all
countries), then all items at once (a 3x3 Newton step per item), each with backtracking so that
the log-posterior never falls; the sweeps are accelerated by SQUAREM. Starting values are
deterministic (first principal component of each session's vote matrix), so the same votes give
the same numbers. Standard errors are the
Laplace approximation: the square root of the diagonal of the inverse of each country's
tridiagonal posterior precision, items held at their mode.

The database side is three small functions: :func:`read_votes`, :func:`read_bridging_pairs`
and :func:`write_run`; :func:`estimate` runs the whole step as the refresh needs it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import psycopg
from numpy.typing import NDArray
from psycopg import sql
from scipy import sparse
from scipy.linalg import solveh_banded
from scipy.sparse.csgraph import connected_components
from scipy.special import log_ndtr, ndtri

from etl.errors import WarehouseError

if TYPE_CHECKING:
    from etl.config import Settings

log = logging.getLogger(__name__)

#: The vote sets the model can run on: every roll call, Voeten's important votes, or one of the
#: six issue codes of the roll calls (as Voeten publishes issue-specific estimates).
VOTE_SETS = ("all", "important", "me", "nu", "di", "hr", "co", "ec")
ISSUE_CODES = ("me", "nu", "di", "hr", "co", "ec")

_SENTINEL = 1.0e4  # stands for an infinite cut-point (Phi(+-1e4) is exactly 1 or 0)
_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_GAMMA_PRIOR_VAR = 25.0
_BETA_PRIOR_VAR = 1.0


class IdealPointError(WarehouseError):
    """The ideal-point estimation cannot run on these inputs or did not converge."""


class NoVotesError(IdealPointError):
    """A vote set has no votes left after the filters (e.g. an issue set before its sessions)."""


@dataclass(frozen=True)
class EstimationSettings:
    """What the estimate depends on besides the votes (recorded in the run's ledger row)."""

    random_walk_variance: float = 0.5
    position_prior_variance: float = 1.0
    paragraph_cutoff_year: int | None = 1989
    drop_amendments: bool = True
    skip_sessions: tuple[int, ...] = (19,)
    direction_ccode: int = 2
    max_iterations: int = 500
    tolerance: float = 1e-4

    def as_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["skip_sessions"] = list(self.skip_sessions)
        return values


@dataclass
class VoteTable:
    """The reconciled votes with the roll-call attributes the filters need, as arrays.

    ``vote`` is 0 yes, 1 abstain, 2 no (absent and non-member votes are not read).
    ``issues`` has one boolean column per code of :data:`ISSUE_CODES`. The four integer
    columns are int32 as :func:`read_votes` gives them (any integer type will do).
    """

    rcid: NDArray[np.integer]
    ccode: NDArray[np.integer]
    session: NDArray[np.integer]
    year: NDArray[np.integer]
    vote: NDArray[np.int8]
    is_paragraph: NDArray[np.bool_]
    is_amendment: NDArray[np.bool_]
    is_important: NDArray[np.bool_]
    issues: NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.rcid.shape[0])

    def take(self, mask: NDArray[np.bool_]) -> VoteTable:
        return VoteTable(*(getattr(self, f)[mask] for f in _VOTE_FIELDS))

    def fingerprint(self, pairs: NDArray[np.int64]) -> str:
        """SHA-256 of the votes and bridging pairs in a canonical order (row order ignored).

        Each column is hashed as its canonical type (:data:`_FINGERPRINT_DTYPES`, the types
        the votes were first read as), so the fingerprint does not depend on the integer type
        the columns are held in.
        """
        order = np.lexsort((self.ccode, self.rcid))
        digest = hashlib.sha256()
        for name in _VOTE_FIELDS:
            column = getattr(self, name)[order]
            digest.update(np.ascontiguousarray(column, dtype=_FINGERPRINT_DTYPES[name]).tobytes())
            del column
        canon = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else pairs
        digest.update(np.ascontiguousarray(canon, dtype=np.int64).tobytes())
        return digest.hexdigest()


_VOTE_FIELDS = ("rcid", "ccode", "session", "year", "vote", "is_paragraph", "is_amendment",
                "is_important", "issues")
_FINGERPRINT_DTYPES = {"rcid": np.int64, "ccode": np.int64, "session": np.int64,
                       "year": np.int64, "vote": np.int8, "is_paragraph": np.bool_,
                       "is_amendment": np.bool_, "is_important": np.bool_, "issues": np.bool_}


@dataclass
class Prepared:
    """The votes the model runs on, indexed: observations -> country-session and item
    (int32 indices: half the memory of int64, and an index's type changes no number)."""

    obs_cs: NDArray[np.int32]
    obs_item: NDArray[np.int32]
    obs_y: NDArray[np.int8]
    cs_ccode: NDArray[np.int64]
    cs_session: NDArray[np.int64]
    cs_n_votes: NDArray[np.int64]
    item_rcid: NDArray[np.int64]  # the smallest rcid of each item's chain
    item_n_categories: NDArray[np.int64]
    obs_rcid: NDArray[np.int64]
    n_dropped_unanimous: int = 0
    _released_n_obs: int | None = field(default=None, repr=False)

    @property
    def n_obs(self) -> int:
        if self._released_n_obs is not None:
            return self._released_n_obs
        return int(self.obs_cs.shape[0])

    def release_observations(self) -> None:
        """Free the per-vote arrays (``obs_*``); what is per country-session or per item stays,
        with ``n_obs``, for :func:`write_run`. A later read of an ``obs_*`` array fails loudly."""
        self._released_n_obs = self.n_obs
        self.obs_cs = self.obs_item = self.obs_y = self.obs_rcid = None  # type: ignore[assignment]

    @property
    def n_cs(self) -> int:
        return int(self.cs_ccode.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.item_rcid.shape[0])


@dataclass
class FitResult:
    """Positions per country-session (standardised scale, USA positive) and item parameters."""

    cs_ccode: NDArray[np.int64]
    cs_session: NDArray[np.int64]
    cs_n_votes: NDArray[np.int64]
    theta: NDArray[np.float64]
    se: NDArray[np.float64]
    beta: NDArray[np.float64]
    cuts: NDArray[np.float64]
    item_rcid: NDArray[np.int64]
    iterations: int
    converged: bool
    max_change: float
    log_posterior: float
    history: list[float] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Preparing the votes


#: The first session of each issue-specific vote set, as in BSV's replication code
#: (UN_DataProcessing.R): earlier sessions have too few votes on the issue to place countries.
VOTE_SET_FIRST_SESSION = {"me": 29, "hr": 25, "nu": 33, "ec": 26, "co": 14, "di": 29}


def _vote_set_mask(votes: VoteTable, vote_set: str) -> NDArray[np.bool_] | None:
    """The rows of one vote set (``None``: every row, the set ``all``)."""
    if vote_set == "all":
        return None
    if vote_set == "important":
        return votes.is_important
    if vote_set in ISSUE_CODES:
        # a new array: `&=` on the column itself would write into the votes
        return (votes.issues[:, ISSUE_CODES.index(vote_set)]
                & (votes.session >= VOTE_SET_FIRST_SESSION[vote_set]))
    raise IdealPointError(f"unknown vote set {vote_set!r}; known: {', '.join(VOTE_SETS)}")


def _filter_mask(votes: VoteTable, settings: EstimationSettings) -> NDArray[np.bool_]:
    """BSV's filters as the rows kept: skipped sessions; paragraph (and amendment) votes after
    the cutoff year."""
    keep = ~np.isin(votes.session, np.asarray(settings.skip_sessions, dtype=np.int64))
    if settings.paragraph_cutoff_year is not None:
        split = votes.is_paragraph | (votes.is_amendment if settings.drop_amendments else False)
        keep &= ~(split & (votes.year > settings.paragraph_cutoff_year))
    return keep


def select_vote_set(votes: VoteTable, vote_set: str) -> VoteTable:
    """The votes of one vote set (``all``, ``important`` or an issue code)."""
    mask = _vote_set_mask(votes, vote_set)
    return votes if mask is None else votes.take(mask)


def filter_votes(votes: VoteTable, settings: EstimationSettings) -> VoteTable:
    """BSV's filters: skipped sessions; paragraph (and amendment) votes after the cutoff year."""
    return votes.take(_filter_mask(votes, settings))


def link_items(rcids: NDArray[np.int64], pairs: NDArray[np.int64]) -> NDArray[np.int64]:
    """The item of each rcid: the smallest rcid of its chain of bridging pairs (union-find).

    ``pairs`` has one row ``(rcid1, rcid2)`` per pair of roll calls on the identical resolution;
    chains (a-b, b-c) and stars (a-c, b-c) are one item (connected components of the pair graph).
    """
    if len(pairs) == 0:
        return rcids.copy()
    nodes, inverse = np.unique(np.concatenate([rcids, pairs[:, 0], pairs[:, 1]]),
                               return_inverse=True)
    n = len(rcids)
    left = inverse[n:n + len(pairs)]
    right = inverse[n + len(pairs):]
    graph = sparse.coo_matrix((np.ones(len(pairs)), (left, right)),
                              shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=False)
    root = np.full(labels.max() + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(root, labels, nodes)
    return root[labels[inverse[:n]]]


def prepare(votes: VoteTable, pairs: NDArray[np.int64], settings: EstimationSettings,
            vote_set: str = "all") -> Prepared:
    """Filter, bridge, drop unanimous items and index the votes for :func:`fit`.

    The same rows as ``filter_votes(select_vote_set(votes, vote_set), settings)``, in the same
    order, but only the four columns the model reads are copied out of ``votes``.
    """
    mask = _filter_mask(votes, settings)
    in_set = _vote_set_mask(votes, vote_set)
    if in_set is not None:
        mask &= in_set
    del in_set
    if not mask.any():
        raise NoVotesError(f"vote set {vote_set!r}: no votes left after the filters")
    rcid = votes.rcid[mask]
    # the items of the roll calls (a few thousand), then of the votes: the same items and
    # indices as linking and indexing every vote, without sorting the votes more than once
    call_rcid, call_of_vote = np.unique(rcid, return_inverse=True)
    item_rcid, item_of_call = np.unique(link_items(call_rcid, pairs), return_inverse=True)
    obs_item = item_of_call[call_of_vote]
    del call_rcid, call_of_vote, item_of_call
    vote = votes.vote[mask]
    # categories seen per item: an item with one category (unanimous) carries no information
    seen = np.zeros((len(item_rcid), 3), dtype=bool)
    seen[obs_item, vote] = True
    informative = seen.sum(axis=1) >= 2
    keep = informative[obs_item]
    n_dropped = int((~informative).sum())
    # the informative items renumbered in order (as np.unique of the kept votes' items would)
    obs_item = (np.cumsum(informative) - 1)[obs_item[keep]]
    item_rcid = item_rcid[informative]
    seen = seen[informative]
    # the kept votes' rows of `votes`: the set's, filtered, on informative items
    rows = np.flatnonzero(mask)[keep]
    del mask
    rcid, vote = rcid[keep], vote[keep]
    del keep
    # country-sessions sorted by country, then session (so each country's chain is contiguous)
    cs_key = votes.ccode[rows].astype(np.int64) * 1000 + votes.session[rows]
    del rows
    cs_keys, obs_cs, cs_n = np.unique(cs_key, return_inverse=True, return_counts=True)
    del cs_key
    return Prepared(
        obs_cs=obs_cs.astype(np.int32), obs_item=obs_item.astype(np.int32),
        obs_y=vote.astype(np.int8), cs_ccode=cs_keys // 1000, cs_session=cs_keys % 1000,
        cs_n_votes=cs_n.astype(np.int64), item_rcid=item_rcid,
        item_n_categories=seen.sum(axis=1).astype(np.int64), obs_rcid=rcid,
        n_dropped_unanimous=n_dropped,
    )


# --------------------------------------------------------------------------------------------
# The ordered-probit terms


@dataclass
class _Layout:
    """The observations reordered into three runs, so each term is computed where it exists.

    ``[0, n_low)``: the item's lowest category seen (an upper cut-point only);
    ``[n_low, n_low + n_mid)``: abstain in a three-category item (both cut-points);
    ``[n_low + n_mid, n)``: the highest category seen (a lower cut-point only).
    Cut-point slots: 1 the first, 2 the second (slot 0 of an item is its discrimination).
    The indices are int32 (half the memory of int64; an index's type changes no number).
    """

    cs: NDArray[np.int32]
    item: NDArray[np.int32]
    n_low: int
    n_mid: int
    hi_cut: NDArray[np.int32]  # flat index item * 2 + slot - 1 of the upper cut; obs [0, split)
    hi_slot: NDArray[np.int8]  # 1 or 2
    lo_cut: NDArray[np.int32]  # of the lower cut, obs [n_low, n)
    lo_slot: NDArray[np.int8]
    n_items: int
    n_cs: int

    @property
    def n(self) -> int:
        return int(self.cs.shape[0])


def _layout(data: Prepared) -> _Layout:
    y = data.obs_y.astype(np.int64)
    three = data.item_n_categories[data.obs_item] == 3
    seen_min = np.full(data.n_items, 3, dtype=np.int64)
    np.minimum.at(seen_min, data.obs_item, y)
    seen_max = np.full(data.n_items, -1, dtype=np.int64)
    np.maximum.at(seen_max, data.obs_item, y)
    low = y == seen_min[data.obs_item]
    high = y == seen_max[data.obs_item]
    group = np.where(low, 0, np.where(high, 2, 1))
    order = np.argsort(group, kind="stable")
    n_low, n_mid = int((group == 0).sum()), int((group == 1).sum())
    del y, low, high, group, seen_min, seen_max
    if max(data.n_cs, 3 * data.n_items) >= np.iinfo(np.int32).max // 3:
        raise IdealPointError("too many country-sessions or items for int32 indices")
    item = data.obs_item[order].astype(np.int32)
    three_o = three[order]
    del three
    # lowest: first cut; abstain: second
    hi_slot = np.where(np.arange(n_low + n_mid) < n_low, 1, 2).astype(np.int8)
    lo_part = np.arange(n_low, len(order))
    lo_slot = np.where(lo_part < n_low + n_mid, 1, np.where(three_o[n_low:], 2, 1)).astype(np.int8)
    return _Layout(
        cs=data.obs_cs[order].astype(np.int32), item=item, n_low=n_low, n_mid=n_mid,
        hi_cut=item[:n_low + n_mid] * 2 + hi_slot - 1, hi_slot=hi_slot,
        lo_cut=item[n_low:] * 2 + lo_slot - 1, lo_slot=lo_slot,
        n_items=data.n_items, n_cs=data.n_cs,
    )


@dataclass
class _Terms:
    """log P of every observation and its derivatives in a = lower cut - eta, b = upper - eta."""

    logp: NDArray[np.float64]
    la: NDArray[np.float64]   # obs [n_low, n)
    lb: NDArray[np.float64]   # obs [0, n_low + n_mid)
    laa: NDArray[np.float64]  # obs [n_low, n)
    lbb: NDArray[np.float64]  # obs [0, n_low + n_mid)
    lab: NDArray[np.float64]  # obs [n_low, n_low + n_mid)

    def release(self) -> None:
        """Free the arrays of terms no longer needed (a sweep's input, once it is swept): a
        later use fails loudly instead of reading stale numbers."""
        self.logp = self.la = self.lb = self.laa = self.lbb = self.lab = None  # type: ignore

    def eta_derivatives(self, lay: _Layout) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """d log P / d eta and d2 log P / d eta2 (a and b both move by -d eta)."""
        return self.eta_d1(lay), self.eta_d2(lay)

    def eta_d1(self, lay: _Layout) -> NDArray[np.float64]:
        """d log P / d eta (one per-vote array at a time, for the steps' peak memory)."""
        d1 = np.zeros(lay.n)
        d1[:lay.n_low + lay.n_mid] -= self.lb
        d1[lay.n_low:] -= self.la
        return d1

    def eta_d2(self, lay: _Layout) -> NDArray[np.float64]:
        """d2 log P / d eta2."""
        split = lay.n_low + lay.n_mid
        d2 = np.zeros(lay.n)
        d2[:split] += self.lbb
        d2[lay.n_low:] += self.laa
        d2[lay.n_low:split] += 2.0 * self.lab
        return d2


def _log_mid(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """log(Phi(b) - Phi(a)) for a < b, accurate in both tails."""
    upper_tail = a + b > 0
    hi = np.where(upper_tail, -a, b)  # in the upper tail Phi(b) - Phi(a) = Phi(-a) - Phi(-b)
    lo = np.where(upper_tail, -b, a)
    log_hi = log_ndtr(hi)
    return log_hi + np.log1p(-np.minimum(np.exp(log_ndtr(lo) - log_hi), 1.0 - 1e-16))


def _evaluate(theta: NDArray, beta: NDArray, cuts: NDArray, lay: _Layout,
              derivatives: bool = True) -> _Terms:
    return _evaluate_range(theta, beta, cuts, lay, 0, lay.n, derivatives)


def _runs(lay: _Layout, start: int, stop: int) -> tuple[int, int, int, int]:
    """Where observations ``[start, stop)`` meet the layout's runs: ``[start, hi_stop)`` have an
    upper cut, ``[lo_start, stop)`` a lower cut, ``[lo_start, hi_stop)`` both."""
    split = lay.n_low + lay.n_mid
    return max(min(stop, split), start), min(max(start, lay.n_low), stop), split, lay.n_low


def _evaluate_range(theta: NDArray, beta: NDArray, cuts: NDArray, lay: _Layout, start: int,
                    stop: int, derivatives: bool = True) -> _Terms:
    """The terms of observations ``[start, stop)``, each computed from its own item and
    position only (so a block's numbers are the whole evaluation's): ``logp`` of the range,
    ``la``, ``laa`` of ``[lo_start, stop)``, ``lb``, ``lbb`` of ``[start, hi_stop)``, ``lab``
    of ``[lo_start, hi_stop)`` (:func:`_runs`)."""
    hi_stop, lo_start, split, n_low = _runs(lay, start, stop)
    eta = beta[lay.item[start:stop]] * theta[lay.cs[start:stop]]
    flat = cuts.ravel()
    b = flat[lay.hi_cut[start:hi_stop]] - eta[:hi_stop - start]
    a = flat[lay.lo_cut[lo_start - n_low:stop - n_low]] - eta[lo_start - start:]
    del eta
    logp = np.empty(stop - start)
    low_stop = max(min(stop, n_low), start)  # [start, low_stop): the upper cut only
    high_start = min(max(start, split), stop)  # [high_start, stop): the lower cut only
    logp[:low_stop - start] = log_ndtr(b[:low_stop - start])
    logp[high_start - start:] = log_ndtr(-a[high_start - lo_start:])
    logp[lo_start - start:hi_stop - start] = _log_mid(a[:hi_stop - lo_start],
                                                      b[lo_start - start:])
    if not derivatives:
        empty = np.empty(0)
        return _Terms(logp, empty, empty, empty, empty, empty)
    rb = np.exp(-0.5 * b * b - _LOG_SQRT_2PI - logp[:hi_stop - start])  # phi(b) / P
    ra = np.exp(-0.5 * a * a - _LOG_SQRT_2PI - logp[lo_start - start:])  # phi(a) / P
    return _Terms(
        logp=logp, la=-ra, lb=rb, laa=a * ra - ra * ra, lbb=-b * rb - rb * rb,
        lab=ra[:max(hi_stop - lo_start, 0)] * rb[lo_start - start:],
    )


def _rw_links(data: Prepared, variance: float) -> NDArray[np.float64]:
    """Precision of the link between each country-session and the previous one (0: none).

    A country absent for some estimated sessions links to its last session, with the variance
    multiplied by the number of estimated sessions between them (the skipped session 19 counts
    as none).
    """
    sessions = np.unique(data.cs_session)
    rank = np.searchsorted(sessions, data.cs_session)
    same = np.zeros(data.n_cs, dtype=bool)
    same[1:] = data.cs_ccode[1:] == data.cs_ccode[:-1]
    steps = np.ones(data.n_cs)
    steps[1:] = np.maximum(rank[1:] - rank[:-1], 1)
    return np.where(same, 1.0 / (variance * steps), 0.0)


def _banded(diag: NDArray[np.float64], link: NDArray[np.float64]) -> NDArray[np.float64]:
    """Upper banded form (for solveh_banded) of diag(diag) + the random-walk precision."""
    d = diag + link
    d[:-1] += link[1:]
    ab = np.zeros((2, len(d)))
    ab[0, 1:] = -link[1:]
    ab[1] = d
    return ab


def _theta_prior(theta: NDArray[np.float64], link: NDArray[np.float64], prior_var: float
                 ) -> float:
    """log prior of the positions (up to a constant): the random walk and N(0, prior_var)."""
    diff = np.zeros_like(theta)
    diff[1:] = theta[1:] - theta[:-1]
    return float(-0.5 * np.sum(link * diff * diff) - 0.5 * np.sum(theta * theta) / prior_var)


def _item_prior(beta: NDArray[np.float64], cuts: NDArray[np.float64],
                three: NDArray[np.bool_]) -> NDArray[np.float64]:
    used = np.column_stack([np.ones(len(cuts), dtype=bool), three])
    return -0.5 * beta * beta / _BETA_PRIOR_VAR - 0.5 * np.sum(
        np.where(used, cuts * cuts, 0.0), axis=1) / _GAMMA_PRIOR_VAR


# --------------------------------------------------------------------------------------------
# Starting values


def _leading_component(mat: NDArray[np.float64], iterations: int = 200) -> NDArray[np.float64]:
    """The first left singular vector times its value, by power iteration (deterministic)."""
    vec = mat[:, int(np.argmax((mat * mat).sum(axis=0)))].copy()
    for _ in range(iterations):
        nxt = mat @ (mat.T @ vec)
        norm = float(np.linalg.norm(nxt))
        if norm == 0.0:
            return vec
        nxt /= norm
        if np.allclose(nxt, vec, atol=1e-10):
            vec = nxt
            break
        vec = nxt
    return vec * float(np.linalg.norm(mat.T @ vec))


def start_positions(data: Prepared, direction_ccode: int) -> NDArray[np.float64]:
    """First principal component of each session's country x roll-call matrix, standardised.

    Votes coded yes 1, abstain 0, no -1, centred per roll call (missing: the roll call's mean).
    The sign of each session is set so that the direction country is positive (or, in a session
    without it, so that positions agree with the previous session's on common countries).
    """
    theta = np.zeros(data.n_cs)
    code = 1.0 - data.obs_y.astype(np.float64)
    order = np.argsort(data.cs_session[data.obs_cs], kind="stable")
    obs_session = data.cs_session[data.obs_cs][order]
    sessions, first = np.unique(obs_session, return_index=True)
    bounds = np.append(first, len(order))
    previous: dict[int, float] = {}
    for k, session in enumerate(sessions):
        obs = order[bounds[k]:bounds[k + 1]]
        rows, r_index = np.unique(data.obs_cs[obs], return_inverse=True)
        rc, c_index = np.unique(data.obs_rcid[obs], return_inverse=True)
        if len(rows) < 2:
            continue
        mat = np.zeros((len(rows), len(rc)))
        filled = np.zeros_like(mat, dtype=bool)
        mat[r_index, c_index] = code[obs]
        filled[r_index, c_index] = True
        means = mat.sum(axis=0) / np.maximum(filled.sum(axis=0), 1)
        mat = np.where(filled, mat - means, 0.0)
        pc = _leading_component(mat)
        sd = pc.std()
        pc = (pc - pc.mean()) / (sd if sd > 0 else 1.0)
        ccodes = data.cs_ccode[rows]
        anchor = np.flatnonzero(ccodes == direction_ccode)
        if anchor.size:
            sign = 1.0 if pc[anchor[0]] >= 0 else -1.0
        else:
            agreement = sum(pc[i] * previous[c] for i, c in enumerate(ccodes.tolist())
                            if c in previous)
            sign = 1.0 if agreement >= 0 else -1.0
        pc *= sign
        theta[rows] = pc
        previous = dict(zip(ccodes.tolist(), pc.tolist(), strict=True))
        del session
    return theta


def _start_items(data: Prepared, three: NDArray[np.bool_]) -> tuple[NDArray, NDArray]:
    """Cut-points from each item's vote shares (probit quantiles), discriminations 0."""
    counts = np.zeros((data.n_items, 3))
    np.add.at(counts, (data.obs_item, data.obs_y.astype(np.int64)), 1.0)
    share = counts / counts.sum(axis=1, keepdims=True)
    lowest = np.where(counts[:, 0] > 0, share[:, 0], share[:, 1])
    c1 = ndtri(np.clip(lowest, 0.01, 0.99))
    c2 = ndtri(np.clip(share[:, 0] + share[:, 1], 0.01, 0.99))
    c2 = np.where(three, np.maximum(c2, c1 + 0.05), c1)
    return np.zeros(data.n_items), np.column_stack([c1, c2])


# --------------------------------------------------------------------------------------------
# The fit


def _theta_step(theta: NDArray, beta: NDArray, cuts: NDArray, terms: _Terms, lay: _Layout,
                link: NDArray, prior_var: float) -> tuple[NDArray, _Terms, float]:
    """One Newton step on all positions (items fixed), with backtracking.

    ``terms`` (of ``theta``) are released once the step is taken from them: a trial that is
    never accepted has them evaluated again (the same numbers), instead of two sets of
    per-vote arrays held through every trial.
    """
    # each per-vote array is freed once summed, and none is kept through the trials below
    beta_o = beta[lay.item]
    d1 = terms.eta_d1(lay)
    d1 *= beta_o  # = beta_o * d1 (multiplication commutes exactly), with no temporary
    grad = np.bincount(lay.cs, d1, minlength=lay.n_cs)
    del d1
    curv = -np.bincount(lay.cs, beta_o * beta_o * terms.eta_d2(lay), minlength=lay.n_cs)
    del beta_o
    diff = np.zeros(lay.n_cs)
    diff[1:] = link[1:] * (theta[1:] - theta[:-1])
    grad += -theta / prior_var - diff
    grad[:-1] += diff[1:]
    step = solveh_banded(_banded(np.maximum(curv, 0.0) + 1.0 / prior_var, link), grad)
    current = float(terms.logp.sum()) + _theta_prior(theta, link, prior_var)
    terms.release()
    scale = 1.0
    for _ in range(30):
        trial = theta + scale * step
        trial_terms = _evaluate(trial, beta, cuts, lay)
        value = float(trial_terms.logp.sum()) + _theta_prior(trial, link, prior_var)
        if value >= current - 1e-10 * abs(current):
            return trial, trial_terms, value
        del trial_terms
        scale *= 0.5
    return theta, _evaluate(theta, beta, cuts, lay), current


def _item_step(theta: NDArray, beta: NDArray, cuts: NDArray, terms: _Terms, lay: _Layout,
               three: NDArray[np.bool_]) -> tuple[NDArray, NDArray, _Terms]:
    """One Newton step per item (positions fixed), with per-item backtracking.

    ``terms`` is updated in place (each item's accepted trial values replace its own) and
    returned: the caller's terms of the positions are not needed after the step.
    """
    m = lay.n_items
    split = lay.n_low + lay.n_mid
    item, item_lo, item_hi = lay.item, lay.item[lay.n_low:], lay.item[:split]
    theta_o = theta[lay.cs]
    # the sums one at a time, in the order (and so with the rounding) of one expression
    # g = A + B + C, h = A + B + ... + F, each per-vote array freed once summed: a few
    # per-vote arrays alive at once instead of a dozen
    d1 = terms.eta_d1(lay)
    d1 *= theta_o  # = theta_o * d1, with no temporary
    g = np.bincount(item * 3, d1, minlength=3 * m)
    del d1
    g = g + np.bincount(item_lo * 3 + lay.lo_slot, terms.la, minlength=3 * m)
    g = (g + np.bincount(item_hi * 3 + lay.hi_slot, terms.lb, minlength=3 * m)).reshape(m, 3)
    h = np.bincount(item * 9, theta_o * theta_o * terms.eta_d2(lay), minlength=9 * m)
    lab_lo = np.zeros(lay.n - lay.n_low)
    lab_lo[:lay.n_mid] = terms.lab
    h = h + np.bincount(item_lo * 9 + lay.lo_slot, -theta_o[lay.n_low:] * (terms.laa + lab_lo),
                        minlength=9 * m)
    del lab_lo
    lab_hi = np.zeros(split)
    lab_hi[lay.n_low:] = terms.lab
    h = h + np.bincount(item_hi * 9 + lay.hi_slot, -theta_o[:split] * (terms.lbb + lab_hi),
                        minlength=9 * m)
    del lab_hi, theta_o
    h = h + np.bincount(item_lo * 9 + lay.lo_slot * 4, terms.laa, minlength=9 * m)
    h = h + np.bincount(item_hi * 9 + lay.hi_slot * 4, terms.lbb, minlength=9 * m)
    h = (h + np.bincount(lay.item[lay.n_low:split] * 9 + 5, terms.lab, minlength=9 * m)
         ).reshape(m, 3, 3)
    h = np.triu(h) + np.transpose(np.triu(h, 1), (0, 2, 1))
    neg = -h
    neg[:, 0, 0] += 1.0 / _BETA_PRIOR_VAR
    g[:, 0] -= beta / _BETA_PRIOR_VAR
    neg[:, 1, 1] += 1.0 / _GAMMA_PRIOR_VAR
    g[:, 1] -= cuts[:, 0] / _GAMMA_PRIOR_VAR
    # a two-category item has one cut-point: slot 2 is pinned to slot 1
    neg[:, 2, 2] = np.where(three, neg[:, 2, 2] + 1.0 / _GAMMA_PRIOR_VAR, 1.0)
    g[:, 2] = np.where(three, g[:, 2] - cuts[:, 1] / _GAMMA_PRIOR_VAR, 0.0)
    neg[~three, 2, :2] = 0.0
    neg[~three, :2, 2] = 0.0
    neg[:, [0, 1, 2], [0, 1, 2]] += 1e-9
    step = np.linalg.solve(neg, g[..., None])[..., 0]
    current = np.bincount(item, terms.logp, minlength=m) + _item_prior(beta, cuts, three)
    new_beta, new_cuts = beta.copy(), cuts.copy()
    out = terms  # in place, instead of a copy of every per-vote array
    pending = np.ones(m, dtype=bool)
    scale = np.ones(m)
    for _ in range(30):
        tb = beta + scale * step[:, 0]
        tc = cuts + scale[:, None] * step[:, 1:]
        tc[:, 1] = np.where(three, tc[:, 1], tc[:, 0])
        # the trial's log-likelihoods decide; only the accepted items' derivatives are then
        # evaluated, block by block, instead of a whole second set of per-vote arrays
        trial_logp = _evaluate(theta, tb, tc, lay, derivatives=False).logp
        value = np.bincount(item, trial_logp, minlength=m) + _item_prior(tb, tc, three)
        ordered = ~three | (tc[:, 1] - tc[:, 0] > 1e-6)
        ok = pending & ordered & (value >= current - 1e-12 * np.abs(current))
        new_beta[ok] = tb[ok]
        new_cuts[ok] = tc[ok]
        take = ok[item]
        out.logp[take] = trial_logp[take]
        del trial_logp
        _take_derivatives(out, theta, tb, tc, lay, take)
        pending &= ~ok
        if not pending.any():
            break
        scale = np.where(pending, scale * 0.5, scale)
    return new_beta, new_cuts, out


#: Observations a block of :func:`_take_derivatives` (its arrays: a few megabytes)
_BLOCK = 1 << 16


def _take_derivatives(out: _Terms, theta: NDArray, beta: NDArray, cuts: NDArray, lay: _Layout,
                      take: NDArray[np.bool_]) -> None:
    """Write into ``out`` the derivatives at ``(theta, beta, cuts)`` of the observations
    ``take``, evaluated a block of observations at a time (blocks with none are skipped)."""
    n_low = lay.n_low
    for start in range(0, lay.n, _BLOCK):
        stop = min(start + _BLOCK, lay.n)
        if not take[start:stop].any():
            continue
        block = _evaluate_range(theta, beta, cuts, lay, start, stop)
        hi_stop, lo_start, _, _ = _runs(lay, start, stop)
        hi = take[start:hi_stop]
        out.lb[start:hi_stop][hi] = block.lb[hi]
        out.lbb[start:hi_stop][hi] = block.lbb[hi]
        lo = take[lo_start:stop]
        out.la[lo_start - n_low:stop - n_low][lo] = block.la[lo]
        out.laa[lo_start - n_low:stop - n_low][lo] = block.laa[lo]
        if hi_stop > lo_start:
            mid = take[lo_start:hi_stop]
            out.lab[lo_start - n_low:hi_stop - n_low][mid] = block.lab[mid]


def _standardise(theta: NDArray, beta: NDArray, cuts: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Positions to mean 0, sd 1; items re-expressed so every linear predictor is unchanged."""
    mean, sd = float(theta.mean()), float(theta.std())
    if not np.isfinite(sd) or sd <= 0:
        return theta, beta, cuts
    return (theta - mean) / sd, beta * sd, cuts - (beta * mean)[:, None]


def _name_sessions(data: Prepared, rows: NDArray[np.int64]) -> str:
    sessions = sorted({int(s) for s in data.cs_session[rows]})
    shown = ", ".join(map(str, sessions[:10])) + (", ..." if len(sessions) > 10 else "")
    return f"session(s) {shown}"


def fit(data: Prepared, settings: EstimationSettings | None = None, *,
        consume: bool = False) -> FitResult:
    """The posterior mode of the dynamic ordinal model, with Laplace standard errors.

    Raises :class:`IdealPointError` naming the session(s) when the estimate is not finite or has
    not converged within ``settings.max_iterations`` sweeps. ``consume``: free ``data``'s
    per-vote arrays once the fit has laid them out and started from them
    (:meth:`Prepared.release_observations`; the sweeps read only the layout): the refresh's
    estimation step does, so its largest fit runs without a second copy of the votes.
    """
    settings = settings or EstimationSettings()
    if data.n_items == 0:
        raise IdealPointError("no informative roll calls: every item is unanimous")
    lay = _layout(data)
    three = data.item_n_categories == 3
    prior_var = settings.position_prior_variance
    link = _rw_links(data, settings.random_walk_variance)
    theta = start_positions(data, settings.direction_ccode)
    beta, cuts = _start_items(data, three)
    if consume:
        data.release_observations()
    terms = _evaluate(theta, beta, cuts, lay)
    for _ in range(3):
        beta, cuts, terms = _item_step(theta, beta, cuts, terms, lay, three)
    history: list[float] = []
    # The priors fix the scale while iterating, so every sweep raises the log posterior (and the
    # acceleration below can check that); the positions are standardised once, at the end.
    # (Standardising after every sweep, as BSV's sampler does, fights the priors and converges
    # several times more slowly to nearly the same point: r = 0.999 on the real data.)
    state = (theta, beta, cuts, terms)
    sweeps = 0
    change = np.inf
    delta = np.zeros(data.n_cs)

    def objective(st: tuple[NDArray, NDArray, NDArray, _Terms]) -> float:
        return (float(st[3].logp.sum()) + _theta_prior(st[0], link, prior_var)
                + float(_item_prior(st[1], st[2], three).sum()))

    def sweep(st: tuple[NDArray, NDArray, NDArray, _Terms]
              ) -> tuple[NDArray, NDArray, NDArray, _Terms]:
        """One sweep: all positions, then all items; stops the fit on a non-finite value."""
        nonlocal sweeps, change, delta
        sweeps += 1
        th, be, cu, te = st
        # the input's terms are released by the position step (its positions and items are
        # kept): the states SQUAREM keeps hold one set of per-vote arrays, not four
        th, te, _ = _theta_step(th, be, cu, te, lay, link, prior_var)
        be, cu, te = _item_step(th, be, cu, te, lay, three)
        bad = np.flatnonzero(~np.isfinite(th))
        if bad.size or not (np.all(np.isfinite(be)) and np.all(np.isfinite(cu))):
            rows = bad if bad.size else np.arange(data.n_cs)
            raise IdealPointError(
                f"ideal points are not finite after sweep {sweeps} in "
                f"{_name_sessions(data, rows)}; the estimate was not written")
        delta = np.abs(th - st[0])
        change = float(delta.max())
        return th, be, cu, te

    # Sweeps accelerated by SQUAREM (Varadhan & Roland 2008, Scand. J. Stat. 35): two sweeps,
    # a step along their extrapolation, a sweep from there; kept only if the log posterior is
    # no lower than after the two plain sweeps.
    converged = False
    while sweeps < settings.max_iterations and not converged:
        one = sweep(state)
        if change < settings.tolerance or sweeps >= settings.max_iterations:
            state, converged = one, change < settings.tolerance
            break
        two = sweep(one)
        if change < settings.tolerance or sweeps + 1 > settings.max_iterations:
            state, converged = two, change < settings.tolerance
            break
        # two's per-vote terms are freed while the extrapolation is swept (evaluated again, the
        # same numbers, should the extrapolation be rejected): one set fewer at the peak
        two_objective = objective(two)
        two[3].release()
        x0 = np.concatenate([state[0], state[1], state[2].ravel()])
        x1 = np.concatenate([one[0], one[1], one[2].ravel()])
        x2 = np.concatenate([two[0], two[1], two[2].ravel()])
        r, v = x1 - x0, x2 - 2.0 * x1 + x0
        norm_v = float(np.linalg.norm(v))
        alpha = min(-float(np.linalg.norm(r)) / norm_v, -1.0) if norm_v > 0 else -1.0
        x = x0 - 2.0 * alpha * r + alpha * alpha * v
        n_cs, m = data.n_cs, data.n_items
        th, be = x[:n_cs], x[n_cs:n_cs + m]
        cu = x[n_cs + m:].reshape(m, 2).copy()
        cu[:, 1] = np.where(three, np.maximum(cu[:, 1], cu[:, 0] + 1e-3), cu[:, 0])
        guess = (th, be, cu, _evaluate(th, be, cu, lay))
        three_ = sweep(guess) if np.isfinite(x).all() else two
        if three_ is not two and objective(three_) >= two_objective:
            state = three_
            history.append(objective(state))
            converged = change < settings.tolerance
        else:
            state = (two[0], two[1], two[2], _evaluate(two[0], two[1], two[2], lay))
            history.append(two_objective)
            delta = np.abs(two[0] - one[0])
            change = float(delta.max())
    theta, beta, cuts, terms = state
    iteration = sweeps
    if not converged:
        worst = np.flatnonzero(delta >= 0.5 * change)
        raise IdealPointError(
            f"ideal points did not converge in {settings.max_iterations} sweeps: the largest "
            f"change in the last sweep was {change:.2g} (tolerance {settings.tolerance:g}) in "
            f"{_name_sessions(data, worst)}; the estimate was not written")
    se = _laplace_se(theta, beta, terms, lay, link, prior_var)
    log_post = objective(state)
    # the scale: positions standardised over all country-sessions (items re-expressed)
    se = se / float(theta.std())
    theta, beta, cuts = _standardise(theta, beta, cuts)
    anchor = data.cs_ccode == settings.direction_ccode
    if anchor.any() and theta[anchor].mean() < 0:
        theta, beta = -theta, -beta  # every eta = beta * theta is unchanged
    return FitResult(
        cs_ccode=data.cs_ccode, cs_session=data.cs_session, cs_n_votes=data.cs_n_votes,
        theta=theta, se=se, beta=beta, cuts=cuts, item_rcid=data.item_rcid,
        iterations=iteration, converged=converged, max_change=change, log_posterior=log_post,
        history=history,
    )


def _laplace_se(theta: NDArray, beta: NDArray, terms: _Terms, lay: _Layout, link: NDArray,
                prior_var: float) -> NDArray[np.float64]:
    """sqrt(diag(P^-1)) of each country's tridiagonal posterior precision P (items fixed)."""
    beta_o = beta[lay.item]
    _, d2 = terms.eta_derivatives(lay)
    curv = -np.bincount(lay.cs, beta_o * beta_o * d2, minlength=lay.n_cs)
    ab = _banded(np.maximum(curv, 0.0) + 1.0 / prior_var, link)
    variance = np.empty(lay.n_cs)
    starts = np.flatnonzero(link == 0.0)
    ends = np.append(starts[1:], lay.n_cs)
    for start, end in zip(starts, ends, strict=True):
        size = end - start
        block = np.diag(ab[1, start:end])
        idx = np.arange(size - 1)
        block[idx, idx + 1] = ab[0, start + 1:end]
        block[idx + 1, idx] = ab[0, start + 1:end]
        variance[start:end] = np.diag(np.linalg.inv(block))
    return np.sqrt(variance)


# --------------------------------------------------------------------------------------------
# Reading the inputs, writing the outputs

_VOTES_QUERY = """
copy (
    -- the nine roll-call flags as the bits of one integer (bit 0 paragraph, 1 amendment,
    -- 2 important, 3-8 the issues me, nu, di, hr, co, ec; `|` and `<<` bind alike in
    -- PostgreSQL, hence the parentheses): six numbers a vote instead of 14, each an int4,
    -- so that every row of the binary COPY has the same 50 bytes (see _COPY_ROW)
    select v.rcid::int4, v.ccode::int4, r.session::int4, r.year::int4,
           (case v.vote when 'yes' then 0 when 'abstain' then 1 else 2 end)::int4,
           (coalesce(r.is_paragraph, false)::int
           | (coalesce(r.is_amendment, false)::int << 1)
           | (coalesce(r.is_important, false)::int << 2)
           | (coalesce(r.is_issue_me, false)::int << 3) | (coalesce(r.is_issue_nu, false)::int << 4)
           | (coalesce(r.is_issue_di, false)::int << 5) | (coalesce(r.is_issue_hr, false)::int << 6)
           | (coalesce(r.is_issue_co, false)::int << 7) | (coalesce(r.is_issue_ec, false)::int << 8)
           )::int4
    from {votes} as v
    inner join {roll_calls} as r on v.rcid = r.rcid
    where v.vote in ('yes', 'abstain', 'no')
    -- one order, whatever order the table was built in: the fit adds the votes up in this
    -- order, so the same votes give the same estimates to the last bit
    order by v.rcid, v.ccode
) to stdout with (format binary)
"""

_COUNT_QUERY = """
select count(*)
from {votes} as v
inner join {roll_calls} as r on v.rcid = r.rcid
where v.vote in ('yes', 'abstain', 'no')
"""

_COPY_COLUMNS = ("rcid", "ccode", "session", "year", "vote", "bits")
#: One row of PostgreSQL's binary COPY of _VOTES_QUERY: the number of fields (int16), then per
#: field its length in bytes (int32; -1 for a null) and its value (int4), all big-endian.
_COPY_ROW = np.dtype([("n_fields", ">i2")] + [
    item for name in _COPY_COLUMNS for item in ((f"{name}_length", ">i4"), (name, ">i4"))])
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_COPY_TRAILER = b"\xff\xff"
_COPY_BATCH_BYTES = 1 << 20


class _VoteColumns:
    """The columns of the votes, filled batch by batch from the binary COPY into arrays
    allocated once (grown if the query returns more rows than counted)."""

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self.arrays = {name: np.empty(capacity, dtype=np.int32) for name in _COPY_COLUMNS}

    def add(self, rows: NDArray[np.void]) -> None:
        if rows.size == 0:
            return
        if np.any(rows["n_fields"] != len(_COPY_COLUMNS)) or any(
                np.any(rows[f"{name}_length"] != 4) for name in _COPY_COLUMNS):
            raise IdealPointError(
                "the votes query returned a null or a field that is not an int4 (a vote without "
                "its roll call's session or year?); expected six non-null integers a vote")
        end = self.n + rows.size
        capacity = len(self.arrays["rcid"])
        if end > capacity:
            for name, array in self.arrays.items():
                grown = np.empty(max(end, 2 * capacity), dtype=np.int32)
                grown[:self.n] = array[:self.n]
                self.arrays[name] = grown
        for name in _COPY_COLUMNS:
            self.arrays[name][self.n:end] = rows[name]
        self.n = end

    def column(self, name: str) -> NDArray[np.int32]:
        return self.arrays[name][:self.n]


def _copy_votes(conn: psycopg.Connection, query: sql.Composable, capacity: int) -> _VoteColumns:
    """Stream the binary COPY of the votes into :class:`_VoteColumns`, about a megabyte at a time
    (never the whole COPY, nor a Python object per vote)."""
    columns = _VoteColumns(capacity)
    pending = bytearray()
    header_read = False
    with conn.cursor() as cur, cur.copy(query) as copy:
        for chunk in copy:
            pending += chunk
            if len(pending) < _COPY_BATCH_BYTES:
                continue
            if not header_read:
                _strip_copy_header(pending)
                header_read = True
            whole = len(pending) // _COPY_ROW.itemsize * _COPY_ROW.itemsize
            columns.add(np.frombuffer(pending, dtype=_COPY_ROW, count=whole // _COPY_ROW.itemsize))
            del pending[:whole]
    if not header_read:
        _strip_copy_header(pending)
    whole = len(pending) // _COPY_ROW.itemsize * _COPY_ROW.itemsize
    columns.add(np.frombuffer(pending, dtype=_COPY_ROW, count=whole // _COPY_ROW.itemsize))
    del pending[:whole]
    if bytes(pending) != _COPY_TRAILER:
        raise IdealPointError("the binary COPY of the votes ended unexpectedly "
                              f"({len(pending)} bytes after the last whole row)")
    return columns


def _strip_copy_header(pending: bytearray) -> None:
    """Remove the binary COPY's header (signature, flags, header extension) from ``pending``."""
    fixed = len(_COPY_SIGNATURE) + 8
    if len(pending) < fixed or bytes(pending[:len(_COPY_SIGNATURE)]) != _COPY_SIGNATURE:
        raise IdealPointError("the COPY of the votes did not start with the binary signature")
    extension = int.from_bytes(pending[fixed - 4:fixed], "big")
    del pending[:fixed + extension]


def read_votes(conn: psycopg.Connection, schema: str = "marts", *,
               shadow: bool = False) -> VoteTable:
    """The yes/abstain/no votes of ``<schema>.fct_vote`` with their roll calls, in one query.

    ``shadow``: read each of the two models from the shadow schema where the refresh has just
    built it (not yet published), else from ``schema`` (:func:`etl.transform.read_relation`).
    Counted first, then streamed with a binary COPY, a megabyte at a time, into int32 arrays
    of that length: about 26 bytes a vote in the end, with no text, no Python object per vote
    and no int64 table of the whole COPY on the way (the votes of every session, a million,
    took 300 MB of transient memory parsed from CSV).
    """
    from etl.transform import read_relation

    votes, roll_calls = (
        read_relation(conn, schema, name) if shadow else (schema, name)
        for name in ("fct_vote", "dim_roll_call"))
    names = {"votes": sql.Identifier(*votes), "roll_calls": sql.Identifier(*roll_calls)}
    counted = conn.execute(sql.SQL(_COUNT_QUERY).format(**names)).fetchone()
    columns = _copy_votes(conn, sql.SQL(_VOTES_QUERY).format(**names),
                          int(counted[0]) if counted else 0)
    if columns.n == 0:
        raise IdealPointError(f"{schema}.fct_vote has no yes, abstain or no votes")
    bits = columns.column("bits")
    issues = np.empty((columns.n, len(ISSUE_CODES)), dtype=bool)
    for k in range(len(ISSUE_CODES)):
        issues[:, k] = (bits >> (3 + k)) & 1
    table = VoteTable(
        rcid=columns.column("rcid"), ccode=columns.column("ccode"),
        session=columns.column("session"), year=columns.column("year"),
        vote=columns.column("vote").astype(np.int8),
        is_paragraph=(bits & 1).astype(bool), is_amendment=((bits >> 1) & 1).astype(bool),
        is_important=((bits >> 2) & 1).astype(bool), issues=issues,
    )
    return table


def read_bridging_pairs(conn: psycopg.Connection) -> NDArray[np.int64]:
    """The bridging pairs loaded from ``Matches.csv`` (``raw.unga_bridging_pairs``), n x 2."""
    rows = conn.execute("select rcid1, rcid2 from raw.unga_bridging_pairs").fetchall()
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def settings_from(config: Settings) -> EstimationSettings:
    """The estimator's settings from the warehouse settings (``ALLIANCES_IDEAL_POINTS_*``)."""
    return EstimationSettings(
        random_walk_variance=config.ideal_points_random_walk_variance,
        position_prior_variance=config.ideal_points_position_prior_variance,
        paragraph_cutoff_year=config.ideal_points_paragraph_cutoff_year,
        drop_amendments=config.ideal_points_drop_amendments,
        skip_sessions=tuple(config.ideal_points_skip_sessions),
        max_iterations=config.ideal_points_max_iterations,
        tolerance=config.ideal_points_tolerance,
    )


@dataclass
class RunOutcome:
    """What the estimation step did for one vote set."""

    vote_set: str
    status: str  # estimated | unchanged | no_votes (none left after the filters)
    run_id: int | None
    inputs_sha256: str
    iterations: int = 0
    wall_seconds: float = 0.0
    n_country_sessions: int = 0


def current_run(conn: psycopg.Connection, vote_set: str) -> tuple[int, str, dict] | None:
    """(run_id, inputs_sha256, settings) of the newest completed run of a vote set, if any."""
    row = conn.execute(
        """
        select run_id, inputs_sha256, settings from raw.ideal_point_runs
        where vote_set = %s and status = 'completed'
        order by run_id desc limit 1
        """,
        (vote_set,),
    ).fetchone()
    return (int(row[0]), str(row[1]), dict(row[2])) if row else None


def write_run(conn: psycopg.Connection, *, vote_set: str, inputs_sha256: str,
              settings: EstimationSettings, started: dt.datetime, seconds: float,
              data: Prepared, result: FitResult) -> int:
    """Record a completed run and replace the vote set's estimates by its rows, atomically."""
    with conn.transaction():
        run_id = conn.execute(
            """
            insert into raw.ideal_point_runs (vote_set, inputs_sha256, settings, started_at,
                finished_at, status, iterations, converged, max_change, log_posterior,
                wall_seconds, n_votes, n_items, n_roll_calls_unanimous, n_country_sessions)
            values (%s, %s, %s, %s, %s, 'completed', %s, %s, %s, %s, %s, %s, %s, %s, %s)
            returning run_id
            """,
            (vote_set, inputs_sha256, json.dumps(settings.as_json()), started,
             dt.datetime.now(dt.UTC), result.iterations, result.converged, result.max_change,
             result.log_posterior, seconds, data.n_obs, data.n_items, data.n_dropped_unanimous,
             data.n_cs),
        ).fetchone()[0]  # type: ignore[index]
        conn.execute("delete from raw.ideal_point_estimates where vote_set = %s", (vote_set,))
        copy = sql.SQL(
            "copy raw.ideal_point_estimates (run_id, vote_set, ccode, session, ideal_point, "
            "standard_error, n_votes) from stdin")
        with conn.cursor() as cur, cur.copy(copy) as out:
            for ccode, session, theta, se, n in zip(
                result.cs_ccode.tolist(), result.cs_session.tolist(), result.theta.tolist(),
                result.se.tolist(), result.cs_n_votes.tolist(), strict=True,
            ):
                out.write_row((run_id, vote_set, ccode, session, theta, se, n))
    return int(run_id)


def _record_failure(conn: psycopg.Connection, *, vote_set: str, inputs_sha256: str,
                    settings: EstimationSettings, started: dt.datetime, error: str) -> None:
    with conn.transaction():
        conn.execute(
            """
            insert into raw.ideal_point_runs (vote_set, inputs_sha256, settings, started_at,
                finished_at, status, error)
            values (%s, %s, %s, %s, %s, 'failed', %s)
            """,
            (vote_set, inputs_sha256, json.dumps(settings.as_json()), started,
             dt.datetime.now(dt.UTC), error),
        )


def estimate(config: Settings | None = None, *, schema: str = "marts", full: bool = False,
             vote_sets: Sequence[str] | None = None, check_votes: bool = True,
             shadow: bool = False) -> list[RunOutcome]:
    """The refresh's estimation step: estimate each vote set whose inputs or settings changed.

    Reads the reconciled votes (``<schema>.fct_vote`` and ``dim_roll_call``) and the bridging
    pairs; a vote set whose newest completed run has the same inputs' fingerprint and settings
    is skipped (``full``: estimated anyway). ``check_votes=False`` (the refresh's dbt build ran
    no model, so the votes are as they were) skips reading the votes when every vote set has a
    completed run with the same settings. Each estimate is written with its ledger row in one
    transaction; a failure is recorded in the ledger and raised, and the previous estimates stay.
    """
    from etl.config import get_settings
    from etl.db import connect

    config = config or get_settings()
    settings = settings_from(config)
    wanted = list(vote_sets or config.ideal_points_vote_sets)
    outcomes: list[RunOutcome] = []
    with connect(config) as conn:
        previous_runs = {v: current_run(conn, v) for v in wanted}
        if not full and not check_votes and all(
            run is not None and run[2] == settings.as_json() for run in previous_runs.values()
        ):
            return [RunOutcome(v, "unchanged", run[0], run[1])  # type: ignore[index]
                    for v, run in previous_runs.items()]
        votes = read_votes(conn, schema, shadow=shadow)
        pairs = read_bridging_pairs(conn)
        fingerprint = votes.fingerprint(pairs)
        conn.commit()
        # 'all', a superset of every other set, is estimated last: the votes are freed once it
        # is prepared, so the largest fit runs without them (the outcomes keep `wanted`'s order)
        order = sorted(range(len(wanted)), key=lambda i: wanted[i] == "all")
        done: dict[int, RunOutcome] = {}
        for index in order:
            vote_set = wanted[index]
            previous = previous_runs[vote_set]
            if (not full and previous is not None and previous[1] == fingerprint
                    and previous[2] == settings.as_json()):
                done[index] = RunOutcome(vote_set, "unchanged", previous[0], fingerprint)
                continue
            started = dt.datetime.now(dt.UTC)
            clock = time.perf_counter()
            try:
                data = prepare(votes, pairs, settings, vote_set)
            except NoVotesError:
                # nothing to estimate (yet): no rows for the set, never stale ones
                with conn.transaction():
                    conn.execute("delete from raw.ideal_point_estimates where vote_set = %s",
                                 (vote_set,))
                done[index] = RunOutcome(vote_set, "no_votes", None, fingerprint)
                continue
            finally:
                if index == order[-1]:
                    del votes  # the last set is prepared: nothing reads the votes again
            try:
                result = fit(data, settings, consume=True)
            except IdealPointError as exc:
                message = f"vote set {vote_set!r}: {exc}"
                _record_failure(conn, vote_set=vote_set, inputs_sha256=fingerprint,
                                settings=settings, started=started, error=message)
                raise IdealPointError(message) from exc
            seconds = time.perf_counter() - clock
            run_id = write_run(conn, vote_set=vote_set, inputs_sha256=fingerprint,
                               settings=settings, started=started, seconds=seconds,
                               data=data, result=result)
            log.info("ideal points %s: %d country-sessions, %d sweeps, %.1f s", vote_set,
                     data.n_cs, result.iterations, seconds)
            done[index] = RunOutcome(vote_set, "estimated", run_id, fingerprint,
                                     result.iterations, seconds, data.n_cs)
            # this set's arrays are freed before the next set is prepared, not after
            del data, result
        outcomes = [done[i] for i in range(len(wanted))]
    return outcomes


#: The dbt models that read the estimates: built after the estimation step.
DBT_SELECTOR = "source:ideal_points+"


@dataclass
class StepOutcome:
    """The refresh's ideal-point step: the runs, and the dbt nodes built after them."""

    runs: list[RunOutcome]
    dbt: list[Any]


def refresh_step(*, full: bool = False, upstream_changed: bool = True,
                 config: Settings | None = None,
                 runs: list[RunOutcome] | None = None) -> StepOutcome:
    """Estimate what changed, then build the models downstream of the estimates if needed.

    Runs after the dbt build of everything else (``transform.build(exclude=[DBT_SELECTOR],
    publish=False)``), whose models are still in the shadow: the votes are read there, and the
    models of the estimates are built there beside them (``keep_shadow``), for the refresh to
    publish everything at once. ``upstream_changed``: that build ran at least one model (or its
    state was unknown), so the votes or the dimensions the marts join may have changed. The
    models of :data:`DBT_SELECTOR` are built when a vote set was estimated, upstream changed or
    ``full``. ``runs``: the estimation already done, by :func:`estimate` on the same votes (the
    refresh runs it beside the rest of the dbt build once the votes are built); only the models
    are built then.
    """
    from etl import transform

    if runs is None:
        runs = estimate(config, full=full, check_votes=full or upstream_changed, shadow=True)
    timings: list[Any] = []
    if full or upstream_changed or any(r.status == "estimated" for r in runs):
        timings = transform.build(select=[DBT_SELECTOR], settings=config, publish=False,
                                  keep_shadow=True)
    return StepOutcome(runs, timings)


def peak_memory_of_fit(data: Prepared, settings: EstimationSettings) -> tuple[FitResult, int]:
    """Fit under tracemalloc (numpy allocations are traced); the peak in bytes (benchmarks)."""
    tracemalloc.start()
    try:
        result = fit(data, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak
