"""Votes simulated from the dynamic ordinal model, for the ideal-point tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from etl.ideal_points import ISSUE_CODES, VoteTable


@dataclass
class Simulated:
    votes: VoteTable
    theta: dict[tuple[int, int], float]  # (ccode, session) -> true position
    pairs: NDArray[np.int64]


def simulate(*, n_countries: int = 60, sessions: tuple[int, ...] = (1, 2, 3, 4, 5),
             items_per_session: int = 40, walk_sd: float = 0.3, seed: int = 7,
             shift: dict[int, float] | None = None, bridge_from: int | None = None,
             ) -> Simulated:
    """Positions on a random walk, items with two cut-points, ordinal votes (yes < abst < no).

    Country 2 (the direction country) starts on the positive side. ``shift`` adds a constant
    to every position of a session. ``bridge_from``: every later session re-votes that
    session's items (identical parameters), listed as bridging pairs.
    """
    rng = np.random.default_rng(seed)
    ccodes = np.array([2, *range(100, 100 + n_countries - 1)])
    start = rng.normal(0.0, 1.0, n_countries)
    start[0] = 1.5
    theta: dict[tuple[int, int], float] = {}
    current = start.copy()
    for k, session in enumerate(sessions):
        if k:
            current = current + rng.normal(0.0, walk_sd, n_countries)
        for c, value in zip(ccodes, current, strict=True):
            theta[(int(c), session)] = float(value + (shift or {}).get(session, 0.0))
    rows: list[tuple[int, int, int, int]] = []
    pairs: list[tuple[int, int]] = []
    base_items: list[tuple[float, float, float]] = []
    rcid = 1000
    for session in sessions:
        if bridge_from is not None and session != bridge_from and base_items:
            items = base_items
        else:
            items = []
            for _ in range(items_per_session):
                beta = rng.choice([-1.0, 1.0]) * rng.uniform(0.8, 2.5)
                c1 = rng.normal(0.0, 1.0)
                items.append((beta, c1, c1 + rng.uniform(0.2, 1.0)))
            if session == bridge_from:
                base_items = items
        for j, (beta, c1, c2) in enumerate(items):
            rcid += 1
            if bridge_from is not None and session != bridge_from and items is base_items:
                pairs.append((1001 + j + sessions.index(bridge_from) * items_per_session, rcid))
            for c in ccodes:
                eta = beta * theta[(int(c), session)]
                u = rng.uniform()
                p_yes, p_not_no = ndtr(c1 - eta), ndtr(c2 - eta)
                vote = 0 if u < p_yes else (1 if u < p_not_no else 2)
                rows.append((rcid, int(c), session, vote))
    arr = np.array(rows, dtype=np.int64)
    n = len(arr)
    votes = VoteTable(
        rcid=arr[:, 0], ccode=arr[:, 1], session=arr[:, 2], year=1945 + arr[:, 2],
        vote=arr[:, 3].astype(np.int8), is_paragraph=np.zeros(n, dtype=bool),
        is_amendment=np.zeros(n, dtype=bool), is_important=np.zeros(n, dtype=bool),
        issues=np.zeros((n, len(ISSUE_CODES)), dtype=bool),
    )
    return Simulated(votes, theta, np.array(pairs, dtype=np.int64).reshape(-1, 2))
