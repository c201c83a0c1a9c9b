"""Ideal-point estimation benchmark on the warehouse's votes: wall time, sweeps, peak memory.

Reads the reconciled votes of a built warehouse (``alliances refresh`` first) and the bridging
pairs, and fits the model as the refresh does, without writing anything:

    .venv/bin/python benchmarks/ideal_points_benchmark.py [--vote-set all] [--every-vote-set]
        [--sensitivity]

Figures: the time to read the votes, to prepare them (filters, bridging, unanimous items) and
to fit; the sweeps; the peak memory (numpy allocations traced by tracemalloc, and the process's
peak resident set); then sanity checks on the estimates: the correlation per session with the
first principal component of the session's votes (the starting values), the positions of
states whose side is known (the USA and Israel against Cuba, Iran and North Korea), votes per
country-session after the filters, and the spread of the standard errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import ideal_points as ip  # noqa: E402
from etl.config import get_settings  # noqa: E402
from etl.db import connect  # noqa: E402

KNOWN_SIDES = {2: "USA", 666: "Israel", 200: "UK", 40: "Cuba", 630: "Iran", 731: "North Korea"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", default="marts")
    parser.add_argument("--vote-set", default="all", choices=ip.VOTE_SETS)
    parser.add_argument("--every-vote-set", action="store_true",
                        help="also fit the other vote sets and print their times and sweeps")
    parser.add_argument("--sensitivity", action="store_true",
                        help="refit with half the random-walk variance and four times the "
                             "position prior's, and compare with the default fit")
    args = parser.parse_args()
    config = get_settings()
    settings = ip.settings_from(config)

    clock = time.perf_counter()
    with connect(config) as conn:
        votes = ip.read_votes(conn, args.schema)
        pairs = ip.read_bridging_pairs(conn)
    read_s = time.perf_counter() - clock
    clock = time.perf_counter()
    data = ip.prepare(votes, pairs, settings, args.vote_set)
    prepare_s = time.perf_counter() - clock
    clock = time.perf_counter()
    fit, peak = ip.peak_memory_of_fit(data, settings)
    fit_s = time.perf_counter() - clock
    # a second fit without tracemalloc (which slows allocation-heavy code): the wall time
    clock = time.perf_counter()
    again = ip.fit(data, settings)
    fit_untraced_s = time.perf_counter() - clock
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(f"vote set {args.vote_set}: {len(votes):,} yes/abstain/no votes read, "
          f"{data.n_obs:,} used; {data.n_items:,} items ({len(pairs):,} bridging pairs, "
          f"{data.n_dropped_unanimous:,} unanimous items dropped); "
          f"{data.n_cs:,} country-sessions in {len(np.unique(data.cs_session))} sessions")
    print(f"read votes      {read_s:7.2f} s")
    print(f"prepare         {prepare_s:7.2f} s")
    print(f"fit (traced)    {fit_s:7.2f} s   {fit.iterations} sweeps, converged={fit.converged},"
          f" last change {fit.max_change:.2g}")
    print(f"fit             {fit_untraced_s:7.2f} s   (the wall time of the estimation itself)")
    print(f"total           {read_s + prepare_s + fit_untraced_s:7.2f} s")
    print(f"peak memory     {peak / 2**20:7.1f} MiB numpy/python allocations (tracemalloc), "
          f"{rss:.0f} MiB peak resident set of this process")
    print(f"deterministic   {np.array_equal(fit.theta, again.theta)}")

    start = ip.start_positions(data, settings.direction_ccode)
    rs = []
    for session in np.unique(data.cs_session):
        here = data.cs_session == session
        if here.sum() > 2:
            rs.append((int(session), float(np.corrcoef(start[here], fit.theta[here])[0, 1])))
    values = np.array([r for _, r in rs])
    worst = sorted(rs, key=lambda x: x[1])[:3]
    print(f"r with each session's first principal component: median {np.median(values):.3f}, "
          f"lowest {values.min():.3f} (sessions {', '.join(f'{s}: {r:.2f}' for s, r in worst)})")
    side_ok = 0
    side_total = 0
    failed: list[int] = []
    for session in np.unique(data.cs_session):
        here = data.cs_session == session
        pos = {int(c): float(t) for c, t in zip(data.cs_ccode[here], fit.theta[here],
                                                strict=True)}
        west = [pos[c] for c in (2, 666) if c in pos]
        other = [pos[c] for c in (40, 630, 731) if c in pos]
        if west and other:
            side_total += 1
            side_ok += min(west) > max(other)
            if min(west) <= max(other):
                failed.append(int(session))
    print(f"USA and Israel above Cuba, Iran and North Korea: {side_ok} of {side_total} sessions"
          f" (not in sessions {', '.join(map(str, failed)) or 'none'}: before 1959 Cuba and "
          f"before 1979 Iran voted with the West)")
    for session in (10, 30, 45, 60, int(data.cs_session.max())):
        here = data.cs_session == session
        pos = {int(c): float(t) for c, t in zip(data.cs_ccode[here], fit.theta[here],
                                                strict=True)}
        shown = ", ".join(f"{name} {pos[c]:+.2f}" for c, name in KNOWN_SIDES.items() if c in pos)
        print(f"  session {session}: {shown}")
    n = data.cs_n_votes
    print(f"votes per country-session: median {int(np.median(n))}, 5% {int(np.percentile(n, 5))},"
          f" max {int(n.max())}; standard errors: median {np.median(fit.se):.3f}, "
          f"95% {np.percentile(fit.se, 95):.3f}")
    if args.sensitivity:
        same_country = np.r_[False, data.cs_ccode[1:] == data.cs_ccode[:-1]]
        for label, changed in (
            ("random walk variance / 2",
             dataclasses.replace(settings, random_walk_variance=settings.random_walk_variance / 2)),
            ("position prior variance x 4",
             dataclasses.replace(settings,
                                 position_prior_variance=settings.position_prior_variance * 4)),
        ):
            other = ip.fit(data, changed).theta
            per_session = [np.corrcoef(fit.theta[data.cs_session == s_],
                                       other[data.cs_session == s_])[0, 1]
                           for s_ in np.unique(data.cs_session)]
            changes = np.corrcoef(np.diff(fit.theta)[same_country[1:]],
                                  np.diff(other)[same_country[1:]])[0, 1]
            print(f"{label}: r with the default fit per session median "
                  f"{np.median(per_session):.4f}, lowest {np.min(per_session):.4f}; pooled "
                  f"{np.corrcoef(fit.theta, other)[0, 1]:.4f}; within-country changes "
                  f"{changes:.4f}")
    if args.every_vote_set:
        total = fit_untraced_s
        for vote_set in ip.VOTE_SETS:
            if vote_set == args.vote_set:
                continue
            clock = time.perf_counter()
            subset = ip.prepare(votes, pairs, settings, vote_set)
            result = ip.fit(subset, settings)
            seconds = time.perf_counter() - clock
            total += seconds
            print(f"vote set {vote_set:9s} {seconds:6.2f} s  {result.iterations:3d} sweeps  "
                  f"{subset.n_obs:8,} votes  {subset.n_cs:6,} country-sessions")
        print(f"every vote set  {total:7.2f} s (prepare and fit, the refresh's estimation step "
              f"less reading the votes once)")


if __name__ == "__main__":
    main()
