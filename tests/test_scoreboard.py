"""The evidence scoreboard: missing stays missing, enough data or no index, ranges around the score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from s3stresstest.composite.scoreboard import evidence_scoreboard

FRAMEWORK = {
    "name": "Test board",
    "pillars": [
        {"code": "rd", "name": "R&D", "indicators": ["a", "b"]},
        {"code": "people", "name": "People", "indicators": ["c", "z_not_there"]},
    ],
}


def context(values: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"region": r, "indicator": i, "value": v} for r, row in values.items() for i, v in row.items()]
    )


def test_scores_by_hand_missing_stays_missing_and_too_little_data_gets_no_index():
    ctx = context(
        {
            "R1": {"a": 0.0, "b": 10.0, "c": 5.0},
            "R2": {"a": 10.0, "b": 0.0, "c": 15.0},
            "R3": {"a": 5.0, "b": 5.0, "c": 10.0},
            "R4": {"a": 2.0},  # one of three indicators: no index
        }
    )
    board, record = evidence_scoreboard(ctx, FRAMEWORK, n=50)
    assert record["left_out"] == {"z_not_there": "not in the run's context statistics"}
    b = board.set_index(["region", "code"])
    # min-max [0, 100] of a (0..10) and b (0..10); rd = their mean
    assert b.loc[("R1", "rd"), "score"] == 50 and b.loc[("R3", "rd"), "score"] == 50
    assert b.loc[("R4", "rd"), "score"] == 20  # b missing: the mean of what it has
    assert np.isnan(b.loc[("R4", "people"), "score"])  # missing stays missing, never 0
    assert np.isnan(b.loc[("R4", "scoreboard"), "score"]) and np.isnan(b.loc[("R4", "scoreboard"), "low"])
    assert b.loc[("R2", "scoreboard"), "score"] == (50 + 100) / 2
    assert b.loc[("R4", "scoreboard"), "available"] == 1 and b.loc[("R4", "scoreboard"), "indicators"] == 3
    full = board[(board["level"] == 3) & board["score"].notna()]
    assert (full["low"] <= full["high"]).all()


def test_demo_context_gives_an_index_with_a_range_for_every_territory(shared_data):
    from s3stresstest.run import ReferenceData, run_demo

    run = run_demo(seed=2017, bootstrap=20, reference=ReferenceData.load(shared_data))
    board, record = evidence_scoreboard(run.context, n=200)
    index = board[board["level"] == 3]
    assert len(index) == len(run.territories)
    assert (index["score"].notna() == (index["available"] >= index["indicators"] / 2)).all()
    assert index["score"].notna().sum() >= 30
    scored = index[index["score"].notna()]
    assert (scored["low"] <= scored["high"]).all()
    assert record["indicators"][:2] == ["gerd_total_pc_gdp", "gerd_bes_pc_gdp"]


def test_without_enough_statistics_the_table_is_empty_and_the_record_says_why():
    board, record = evidence_scoreboard(context({"R1": {"a": 1.0}, "R2": {"a": 2.0}}), FRAMEWORK, n=10)
    assert board.empty and list(board.columns)[:2] == ["region", "code"]
    assert "none of the scoreboard's indicators" in record["left_out"]
