"""The benchmark's peers of fct_dyad_year_affinity give the nine counts worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import refresh_benchmark as bench

# (year, rcid, ccode, vote 0 yes / 1 abstain / 2 no, is_important). 2000: roll call 1 is
# important, 40 is absent from roll call 2. 2001: one joint yes. 2002: 2 and 20 both vote that
# year but never on the same roll call (a dyad-year with n_joint = 0, as in the model).
VOTES = [
    (2000, 1, 2, 0, True), (2000, 1, 20, 0, True), (2000, 1, 40, 2, True),
    (2000, 2, 2, 1, False), (2000, 2, 20, 2, False),
    (2000, 3, 2, 2, False), (2000, 3, 20, 2, False), (2000, 3, 40, 0, False),
    (2001, 4, 2, 0, False), (2001, 4, 200, 0, False),
    (2002, 5, 2, 0, False), (2002, 6, 20, 2, False),
]
# year, ccode_a, ccode_b, then the nine counts in bench.COUNTS order
EXPECTED = {
    # joint 1, 2, 3; same on 1 and 3; 2 abstains, 20 says no on 2
    (2000, 2, 20): (3, 2, 0, 1, 1, 1, 2, 1, 1),
    # joint 1 and 3, opposite on both
    (2000, 2, 40): (2, 0, 2, 1, 1, 1, 1, 1, 0),
    (2000, 20, 40): (2, 0, 2, 1, 1, 1, 1, 1, 0),
    (2001, 2, 200): (1, 1, 0, 1, 0, 1, 0, 0, 0),
    (2002, 2, 20): (0, 0, 0, 0, 0, 0, 0, 0, 0),
}


def _as_dict(columns: dict[str, np.ndarray]) -> dict[tuple[int, int, int], tuple[int, ...]]:
    keys = zip(*(columns[k] for k in bench.KEYS), strict=True)
    values = zip(*(columns[c] for c in bench.COUNTS), strict=True)
    return {tuple(map(int, k)): tuple(map(int, v)) for k, v in zip(keys, values, strict=True)}


def test_numpy_products_give_the_hand_worked_counts() -> None:
    arrays = [np.array(col) for col in zip(*VOTES, strict=True)]
    assert _as_dict(bench.numpy_counts(*arrays)) == EXPECTED


def test_duckdb_self_join_gives_the_hand_worked_counts() -> None:
    duckdb = pytest.importorskip("duckdb")  # the benchmark's optional extra (make bench)
    con = duckdb.connect()
    con.execute("create table votes (year integer, rcid integer, ccode integer, vote integer, "
                "is_important boolean)")
    con.executemany("insert into votes values (?, ?, ?, ?, ?)", VOTES)
    con.execute(bench.DUCKDB_SQL)
    rows = con.execute(f"select {', '.join((*bench.KEYS, *bench.COUNTS))} from duck_counts"
                       ).fetchall()
    assert {tuple(r[:3]): tuple(r[3:]) for r in rows} == EXPECTED


def test_dbt_log_nodes_reads_kinds_and_times_past_the_offset(tmp_path) -> None:
    log = tmp_path / "dbt.log"
    old = "10:00:00.000000 [info ] [Thread-1 (]: 1 of 1 START sql view model s.old_one [RUN]\n"
    log.write_text(old + "".join(
        f"10:00:0{i}.500000 [info ] [Thread-1 (]: {line}\n" for i, line in enumerate([
            "1 of 3 START sql table model marts.fct_x ...... [RUN]",
            "2 of 3 START test not_null_fct_x_id ...... [RUN]",
            "1 of 3 OK created sql table model marts.fct_x ...... [SELECT 10 in 1.25s]",
            "2 of 3 PASS not_null_fct_x_id ...... [PASS in 0.05s]",
            "3 of 3 START unit_test fct_x::test_y ...... [RUN]",
            "3 of 3 PASS fct_x::test_y ...... [PASS in 0.30s]",
        ])))
    nodes, wall = bench.dbt_log_nodes(log, offset=len(old))
    assert nodes == [("model", "fct_x", 1.25), ("test", "not_null_fct_x_id", 0.05),
                     ("unit_test", "fct_x::test_y", 0.30)]
    assert wall == 5.0
    assert bench.dbt_log_nodes(tmp_path / "absent.log", 0) == ([], 0.0)
