"""Composite indicators: hand-computed methods, COINr 1.1.14 parity on the ASEM cases a-d, the log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from s3stresstest.cli import app
from s3stresstest.composite import Coin, build, read_coin
from s3stresstest.composite import methods as m
from s3stresstest.errors import InputError

NAN = np.nan


def test_normalisations_by_hand():
    x = np.array([2.0, 4.0, NAN, 10.0])
    assert np.allclose(m.n_minmax(x, (0, 100)), [0, 25, NAN, 100], equal_nan=True)
    assert np.allclose(m.n_minmax(x, (1, 100)), [1, 1 + 99 / 4, NAN, 100], equal_nan=True)
    sd = np.std([2, 4, 10], ddof=1)  # sample sd, as R's sd()
    assert np.allclose(m.n_zscore(x), [(2 - 16 / 3) / sd, (4 - 16 / 3) / sd, NAN, (10 - 16 / 3) / sd], equal_nan=True)
    ties = np.array([5.0, 1.0, 5.0, NAN])
    assert np.allclose(m.n_rank(ties), [2, 1, 2, NAN], equal_nan=True)  # ties share the lowest rank
    assert np.allclose(m.n_borda(ties), [1, 0, 1, NAN], equal_nan=True)
    assert np.allclose(m.n_prank(ties), [0.5, 0, 0.5, NAN], equal_nan=True)
    assert np.allclose(m.n_goalposts(np.array([-1.0, 0.5, 3.0]), (0, 2, 100)), [0, 25, 100])
    assert np.allclose(m.n_goalposts(np.array([0.5]), (0, 2, 100), direction=-1), [75])
    assert np.allclose(m.n_dist2max(x), [0, 0.25, NAN, 1], equal_nan=True)


def test_aggregations_skip_missing_and_renormalise_weights():
    v = np.array([[10.0, 20.0, NAN], [NAN, NAN, NAN], [4.0, 1.0, 16.0]])
    w = np.array([1.0, 3.0, 2.0])
    assert np.allclose(m.a_amean(v, w), [(10 + 60) / 4, NAN, (4 + 3 + 32) / 6], equal_nan=True)
    g = m.a_gmean(v, w)
    assert g[0] == pytest.approx(np.exp((np.log(10) + 3 * np.log(20)) / 4)) and np.isnan(g[1])
    assert g[2] == pytest.approx((4 * 1**3 * 16**2) ** (1 / 6))
    assert m.a_hmean(v, w)[0] == pytest.approx(4 / (1 / 10 + 3 / 20))
    assert np.allclose(m.a_median(v), [15, NAN, 4], equal_nan=True)
    with pytest.raises(ValueError, match="positive"):
        m.a_gmean(np.array([[0.0, 1.0]]), np.array([1.0, 1.0]))
    assert list(m.rank_desc(np.array([3.0, 9.0, 3.0, NAN, 1.0]))[[0, 1, 2, 4]]) == [2, 1, 2, 4]


def test_imputation_by_group_and_skew_kurtosis():
    x = np.array([1.0, NAN, 3.0, 10.0, NAN, NAN])
    g = np.array(["a", "a", "a", "b", "b", None], dtype=object)
    assert np.allclose(m.i_mean_grp(x, g), [1, 2, 3, 10, 10, NAN], equal_nan=True)
    assert np.allclose(m.i_median(np.array([1.0, NAN, 5.0, 9.0])), [1, 5, 5, 9])
    # e1071 type 3 estimators, computed by hand for 1, 2, 3, 10
    v = np.array([1.0, 2.0, 3.0, 10.0])
    d = v - v.mean()
    n = 4
    b1 = np.sqrt(n) * (d**3).sum() / (d**2).sum() ** 1.5 * np.sqrt(n * (n - 1)) / (n - 2)
    assert m.skew(v) == pytest.approx(b1)
    r = n * (d**4).sum() / (d**2).sum() ** 2
    assert m.kurt(v) == pytest.approx(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def test_winsorising_replaces_the_top_value_until_the_column_passes():
    x = np.concatenate([np.linspace(0, 1, 40), [50.0]])
    treated, info = m.treat(x)
    assert not info["pass0"] and info["nwin"] == 1 and info["pass1"]
    assert treated[-1] == 1.0 and np.array_equal(treated[:-1], x[:-1])
    heavy = np.concatenate([np.zeros(30), [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]])
    treated, info = m.treat(heavy, winmax=2)
    assert info.get("log") and np.allclose(treated, m.log_ct(heavy))  # log of the original column


@pytest.fixture(scope="module")
def asem(shared_data):
    base = shared_data / "coinr-asem"
    return base, read_coin(base / "ASEM_iData.csv", base / "ASEM_iMeta.csv")


CASES = {
    "a_minmax0-100_amean": lambda c: c.normalise("Raw", "n_minmax", {"l_u": (0, 100)}).aggregate("Normalised"),
    "b_minmax1-100_gmean": lambda c: c.normalise("Raw", "n_minmax", {"l_u": (1, 100)}).aggregate(
        "Normalised", "a_gmean"
    ),
    "c_zscore_amean": lambda c: c.normalise("Raw", "n_zscore", {"m_sd": (0, 1)}).aggregate("Normalised"),
    "d_treat_minmax0-100_amean": lambda c: (
        c.treat("Raw").normalise("Treated", "n_minmax", {"l_u": (0, 100)}).aggregate("Normalised")
    ),
}


def _same(mine: pd.DataFrame, ref: pd.DataFrame) -> None:
    ref = ref.set_index("uCode")
    assert set(ref.columns) <= set(mine.columns)
    a = mine.loc[ref.index, ref.columns].to_numpy(dtype=float)
    b = ref.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), "missing values differ"
    ok = ~np.isnan(b)
    np.testing.assert_allclose(a[ok], b[ok], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_coinr_parity(asem, case):
    base, coin = asem
    ref = base / "reference" / case
    result = CASES[case](coin)
    _same(result.datasets["Normalised"], pd.read_csv(ref / "normalised.csv"))
    _same(result.datasets["Aggregated"], pd.read_csv(ref / "aggregated.csv"))
    ranks = pd.read_csv(ref / "index_ranks.csv")
    mine = result.ranks().set_index("uCode").loc[ranks["uCode"]]
    assert list(mine["Rank"].astype(int)) == list(ranks["Rank"])
    np.testing.assert_allclose(mine["Index"], ranks["Index"], rtol=1e-9)
    if case.startswith("d_"):
        details = pd.read_csv(ref / "treat_details.csv").set_index("iCode")
        mine_d = result.details["treat_details"].set_index("iCode").loc[details.index]
        assert list(mine_d["pass0"]) == list(details["check_SkewKurt0.Pass"])
        np.testing.assert_allclose(mine_d["skew0"], details["check_SkewKurt0.Skew"], rtol=1e-9)
        failed = details["winsorise.nwin"].notna()
        assert list(mine_d.loc[failed, "nwin"]) == list(details.loc[failed, "winsorise.nwin"].astype(int))
        np.testing.assert_allclose(mine_d.loc[failed, "kurt1"], details.loc[failed, "check_SkewKurt1.Kurt"], rtol=1e-9)


def test_the_log_regenerates_every_result_and_variations_change_it(asem):
    _, coin = asem
    built = build(coin, "example")
    again = built.regenerate()
    for name, df in built.datasets.items():
        pd.testing.assert_frame_equal(df, again.datasets[name])
    varied = built.log[:-1] + [dict(built.log[-1], method="a_gmean")]
    with pytest.raises(ValueError, match="positive"):  # min-max to [0, 100] has zeros
        built.regenerate(varied)


def test_bad_metadata_names_the_problem():
    meta = pd.DataFrame(
        {"Level": [1, 2], "iCode": ["x", "P"], "iName": ["x", "P"], "Direction": [2, None], "Weight": [1, 1],
         "Parent": ["Q", None], "Type": ["Indicator", "Aggregate"]}
    )  # fmt: skip
    with pytest.raises(InputError) as caught:
        Coin.from_frames(pd.DataFrame({"uCode": ["A"], "x": [1.0]}), meta)
    text = caught.value.report()
    assert "Direction of x must be 1 or -1" in text and "parent 'Q' of x is not in the metadata" in text


def test_composite_build_command_writes_each_step(asem, tmp_path):
    base, _ = asem
    out = tmp_path / "coin"
    result = CliRunner().invoke(
        app, ["composite", "build", "--data", str(base / "ASEM_iData.csv"), "--meta", str(base / "ASEM_iMeta.csv"),
              "--pipeline", "example", "--out", str(out)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in ("denominated", "imputed", "screened", "treated", "normalised", "aggregated", "index_ranks"):
        assert (out / f"{name}.csv").is_file()
    agg = pd.read_csv(out / "aggregated.csv")
    assert agg.columns[0] == "uCode" and "Index" in agg.columns and len(agg) == 51
    imputed = pd.read_csv(out / "imputed.csv")
    assert imputed.drop(columns="uCode").isna().sum().sum() == 0  # every gap filled by its group mean
