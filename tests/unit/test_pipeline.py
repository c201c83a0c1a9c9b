"""The refresh's estimation beside the dbt build: when it starts, what it returns, its errors."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from etl import ideal_points
from flows import pipeline

MODEL = "model.alliance_warehouse."


@pytest.fixture
def estimations(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """``ideal_points.estimate`` replaced: each call's arguments, and the thread it ran in."""
    calls: list[dict[str, Any]] = []

    def fake(*args: Any, **kwargs: Any) -> list[str]:
        calls.append({**kwargs, "thread": threading.current_thread().name})
        return ["runs"]

    monkeypatch.setattr(ideal_points, "estimate", fake)
    return calls


def test_starts_once_both_models_it_reads_are_built(estimations: list) -> None:
    beside = pipeline.EstimationBesideBuild(full=False)
    beside.node_finished(MODEL + "fct_vote", "success")
    # a test of the other model, a failed or skipped build of it, another model: no start
    beside.node_finished("test.alliance_warehouse.not_null_dim_roll_call_rcid.1a2b", "pass")
    beside.node_finished(MODEL + "dim_roll_call", "error")
    beside.node_finished(MODEL + "dim_roll_call", "skipped")
    beside.node_finished(MODEL + "dim_country", "success")
    assert not beside.started
    beside.node_finished(MODEL + "dim_roll_call", "success")
    assert beside.started
    beside.node_finished(MODEL + "fct_vote", "success")  # a second invocation: no second start
    assert beside.result() == ["runs"]
    assert estimations == [{"full": False, "check_votes": True, "shadow": True,
                            "thread": "ideal-points"}]


def test_a_build_without_the_vote_models_leaves_the_estimation_to_its_step(
        estimations: list) -> None:
    beside = pipeline.EstimationBesideBuild(full=True)
    beside.node_finished(MODEL + "fct_vote", "success")
    assert not beside.started
    assert beside.result() is None
    assert estimations == []


def test_its_error_is_raised_by_the_step_and_only_logged_after_a_failed_build(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def failing(**kwargs: Any) -> None:
        raise ideal_points.IdealPointError("vote set 'all': did not converge")

    monkeypatch.setattr(ideal_points, "estimate", failing)
    first = pipeline.EstimationBesideBuild(full=False)
    first.node_finished(MODEL + "fct_vote", "success")
    first.node_finished(MODEL + "dim_roll_call", "success")
    with pytest.raises(ideal_points.IdealPointError, match="did not converge"):
        first.result()
    second = pipeline.EstimationBesideBuild(full=False)
    second.node_finished(MODEL + "dim_roll_call", "success")
    second.node_finished(MODEL + "fct_vote", "success")
    with caplog.at_level(logging.WARNING, logger="alliances.refresh"):
        second.wait()
    assert "did not converge" in caplog.text
