"""Uncertainty and sensitivity of composites: each replication equals a full regeneration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from s3stresstest.cli import app
from s3stresstest.composite import read_coin
from s3stresstest.composite.pipeline import PIPELINES
from s3stresstest.composite.uncertainty import _parse_para, replay, sample_design, sensitivity
from s3stresstest.errors import InputError


@pytest.fixture(scope="module")
def asem(shared_data):
    base = shared_data / "coinr-asem"
    return base, read_coin(base / "ASEM_iData.csv", base / "ASEM_iMeta.csv")


def test_every_replication_equals_regenerating_the_coin_with_its_choices(asem):
    _, coin = asem
    design, weights = sample_design(coin, 12, seed=3)
    result = replay(coin, "example", design, weights)
    assert set(design["f_ag"]) == {"a_amean", "a_gmean"} and set(design["f_n"]) == {"n_minmax", "n_zscore"}
    for row in design.itertuples(index=False):
        log = [dict(e) for e in PIPELINES["example"]]
        log[-2] = dict(log[-2], method=row.f_n, params=_parse_para(row.f_n, row.f_n_para))
        w = weights[weights["weight_set"] == row.weight_set].set_index("iCode")["Weight"].to_dict()
        log[-1] = dict(log[-1], method=row.f_ag, weights=w)
        got = result.scores[result.scores["rep"] == row.rep].set_index("uCode")["Index"]
        try:
            expected = coin.regenerate(log).datasets["Aggregated"]["Index"]
        except ValueError:  # an undefined geometric mean: the replication has no scores
            assert got.isna().all()
            continue
        np.testing.assert_allclose(got.to_numpy(), expected.loc[got.index].to_numpy(), rtol=1e-12)


def test_weights_are_noisy_only_on_the_chosen_levels_and_within_the_range(asem):
    _, coin = asem
    _, weights = sample_design(coin, 200, noise={2: 0.25}, seed=5)
    lvl = weights.groupby("Level")["Weight"]
    assert lvl.min()[1] == lvl.max()[1] == 1 and lvl.min()[3] == lvl.max()[3] == 1
    assert 0.75 <= lvl.min()[2] < 0.8 and 1.2 < lvl.max()[2] <= 1.25


def test_rank_statistics_by_hand(asem):
    _, coin = asem
    design = pd.DataFrame(
        {"rep": [1, 2, 3], "f_n": ["n_minmax"] * 3, "f_n_para": ["0,100"] * 3, "f_ag": ["a_amean"] * 3,
         "weight_set": [1, 2, 3]}
    )  # fmt: skip
    weights = pd.concat(
        [
            pd.DataFrame({"weight_set": k, "iCode": ["Conn", "Sust"], "Level": 3, "Weight": [w, 1.0]})
            for k, w in ((1, 1.0), (2, 5.0), (3, 0.2))
        ]
    )
    result = replay(coin, "default", design, weights)
    wide = result.scores.pivot(index="uCode", columns="rep", values="Index")
    ranks = wide.rank(ascending=False, method="min")
    stats = result.rank_stats.set_index("uCode").loc[wide.index]
    np.testing.assert_allclose(stats["Mean"], ranks.mean(axis=1))
    np.testing.assert_allclose(stats["Median"], ranks.median(axis=1))
    np.testing.assert_allclose(stats["Q5"], ranks.quantile(0.05, axis=1))  # pandas' linear = R's type 7
    # weight set 1 is the nominal weighting: its ranks are the nominal ranks
    np.testing.assert_array_equal(stats["Nominal"], ranks[1])


def test_bad_design_is_refused(asem):
    _, coin = asem
    design, weights = sample_design(coin, 3)
    with pytest.raises(InputError, match="weight sets not in the weights file: 9"):
        replay(coin, "example", design.assign(weight_set=9), weights)
    with pytest.raises(InputError, match="f_n_para must be two numbers"):
        replay(coin, "example", design.assign(f_n_para="1"), weights)
    with pytest.raises(InputError, match="lacks the column"):
        replay(coin, "example", design.drop(columns="f_ag"), weights)
    with pytest.raises(InputError, match="unknown pipeline 'nope'; use example, default"):
        replay(coin, "nope", design, weights)


def test_sobol_indices_name_aggregation_as_the_main_driver(asem):
    _, coin = asem
    si = sensitivity(coin, "example", 128).indices.set_index("input")
    assert list(si.index) == ["weights", "normalisation", "aggregation"]
    assert si.loc["aggregation", "ST"] > si.loc["weights", "ST"]
    assert (si["ST"] >= si["S1"] - si["S1_conf"] - si["ST_conf"]).all()  # total effect covers the first order


def test_ua_command_replays_its_own_sampled_design(asem, tmp_path):
    base, _ = asem
    common = ["composite", "ua", "--data", str(base / "ASEM_iData.csv"), "--meta", str(base / "ASEM_iMeta.csv")]
    runner = CliRunner()
    first = runner.invoke(app, [*common, "--n", "50", "--out", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    files = ["--design", str(tmp_path / "a" / "design.csv"), "--weight-sets", str(tmp_path / "a" / "weights.csv")]
    again = runner.invoke(app, [*common, *files, "--out", str(tmp_path / "b")])
    assert again.exit_code == 0, again.output
    a = pd.read_csv(tmp_path / "a" / "scores_per_rep.csv")
    b = pd.read_csv(tmp_path / "b" / "scores_per_rep.csv")
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["uCode", "rep", "Index"] and len(a) == 50 * 51
    stats = pd.read_csv(tmp_path / "a" / "rank_stats.csv")
    assert list(stats.columns) == ["uCode", "Nominal", "Mean", "Median", "Q5", "Q95"]
