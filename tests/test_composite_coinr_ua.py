"""Replaying COINr's own uncertainty-analysis designs gives COINr's per-replication scores.

The oracle in `fixtures/coinr_ua` was written by COINr 1.1.14 (see its README and
`tools/coinr/ua_reference.R`): the design COINr drew, its noisy weights and its scores.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from s3stresstest.cli import app

ORACLE = Path(__file__).parent / "fixtures" / "coinr_ua"


@pytest.mark.parametrize("pipeline", ["example", "default"])
def test_replay_reproduces_coinr_scores_and_rank_statistics(pipeline, shared_data, tmp_path):
    base, oracle = shared_data / "coinr-asem", ORACLE / pipeline
    result = CliRunner().invoke(
        app,
        ["composite", "ua", "--data", str(base / "ASEM_iData.csv"), "--meta", str(base / "ASEM_iMeta.csv"),
         "--pipeline", pipeline, "--design", str(oracle / "design.csv"),
         "--weight-sets", str(oracle / "weights.csv"), "--out", str(tmp_path / "ua")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = pd.read_csv(oracle / "scores_per_rep.csv")
    got = pd.read_csv(tmp_path / "ua" / "scores_per_rep.csv")
    both = expected.merge(got, on=["uCode", "rep"], how="outer", suffixes=("_coinr", ""), indicator=True)
    assert (both["_merge"] == "both").all()
    assert both["Index_coinr"].notna().all()
    np.testing.assert_allclose(both["Index"], both["Index_coinr"], rtol=1e-9, atol=0)

    ranks = pd.read_csv(oracle / "rank_stats.csv").set_index("uCode").sort_index()
    ours = pd.read_csv(tmp_path / "ua" / "rank_stats.csv").set_index("uCode").loc[ranks.index]
    for column in ["Nominal", "Mean", "Median", "Q5", "Q95"]:
        np.testing.assert_allclose(ours[column], ranks[column], rtol=1e-12, err_msg=column)


def test_the_oracle_varies_every_uncertain_input():
    """Guards the oracle itself: a design with one normalisation or aggregation would prove little."""
    for pipeline in ("example", "default"):
        design = pd.read_csv(ORACLE / pipeline / "design.csv")
        assert set(design["f_n"]) == {"n_minmax", "n_zscore"}
        assert set(design["f_ag"]) == {"a_amean", "a_gmean"}
        weights = pd.read_csv(ORACLE / pipeline / "weights.csv")
        assert weights[weights["Level"].isin([2, 3])].groupby("iCode")["Weight"].nunique().min() > 1
