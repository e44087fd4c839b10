"""The composite of block scores with its uncertainty over block weights: by hand, missing stays missing,
built in a run only when asked for, shown with its range and without ranks unless asked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from s3stresstest.composite.blocks import BlockCompositeParams, block_composite
from s3stresstest.composite.coin import Coin
from s3stresstest.composite.uncertainty import sample_design
from s3stresstest.errors import InputError


def scores(rows: dict[str, dict[str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"region": r, "block": b, "score": v if v is not None else np.nan,
             "status": "ok" if v is not None else "suppressed"}
            for r, blocks in rows.items()
            for b, v in blocks.items()
        ]
    )  # fmt: skip


# A: 40 and 80 (mean 60); B: 60 and 60 (60 whatever the weights); C: b2 withheld
BS = scores({"A": {"b1": 40, "b2": 80}, "B": {"b1": 60, "b2": 60}, "C": {"b1": 70, "b2": None}})


def test_hand_computed_composite_range_and_missing_blocks():
    table, record = block_composite(BS, n=400, seed=3)
    t = table.set_index("region")
    assert t.loc["A", "score"] == pytest.approx(60) and t.loc["B", "score"] == pytest.approx(60)
    # B's blocks are equal: no weight can move it
    assert t.loc["B", "low"] == pytest.approx(60) and t.loc["B", "high"] == pytest.approx(60)
    # A = 40 + 40 * w2 / (w1 + w2) with each weight in [0.75, 1.25]: between 55 and 65, around 60
    assert 55 <= t.loc["A", "low"] < 60 < t.loc["A", "high"] <= 65
    # C has one of two blocks: no composite (never the withheld block as 0), and it says why
    assert t.loc["C", ["score", "low", "high", "rank"]].isna().all()
    assert (t.loc["C", "published"], t.loc["C", "blocks"]) == (1, 2)
    assert record["left_out"] == {"C": "1 of 2 blocks published (needs 2)"}
    # A and B tie at 60; the weights place A on either side of B
    assert (t.loc["A", "rank"], t.loc["A", "rank_best"], t.loc["A", "rank_worst"]) == (1, 1, 2)
    assert record["weights"] == {"b1": 1.0, "b2": 1.0} and record["noise"] == 0.25


def test_the_range_is_the_replications_of_the_shared_machinery():
    """The quantiles are those of the weight sets `uncertainty.sample_design` draws with the same seed."""
    table, _ = block_composite(BS, n=300, seed=11, noise=0.4)
    meta = pd.DataFrame(
        [(1, "b1", "b1", 1, 1.0, "block_composite", "Indicator"), (1, "b2", "b2", 1, 1.0, "block_composite",
          "Indicator"), (2, "block_composite", "c", None, 1.0, None, "Aggregate")],
        columns=["Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"],
    )  # fmt: skip
    coin = Coin.from_frames(pd.DataFrame({"uCode": ["A", "B"], "b1": [40.0, 60.0], "b2": [80.0, 60.0]}), meta)
    _, ws = sample_design(coin, 300, normalisations=[("n_goalposts", "0,100,100")], aggregations=["a_amean"],
                          noise={1: 0.4}, seed=11)  # fmt: skip
    w = ws.pivot(index="weight_set", columns="iCode", values="Weight")
    a = (40 * w["b1"] + 80 * w["b2"]) / (w["b1"] + w["b2"])
    row = table.set_index("region").loc["A"]
    assert row["low"] == pytest.approx(a.quantile(0.05)) and row["high"] == pytest.approx(a.quantile(0.95))


def test_user_weights_no_noise_and_fewer_blocks():
    table, record = block_composite(BS, weights={"b1": 3}, noise=0, n=50)
    t = table.set_index("region")
    assert t.loc["A", "score"] == pytest.approx((3 * 40 + 80) / 4)  # 50
    assert (t.loc["A", "low"], t.loc["A", "high"]) == pytest.approx((50, 50))
    assert record["weights"] == {"b1": 3.0, "b2": 1.0}
    one, record = block_composite(BS, min_blocks=1, n=50)
    assert one.set_index("region").loc["C", "score"] == pytest.approx(70) and record["left_out"] == {}


def test_bad_choices_are_refused():
    with pytest.raises(InputError, match="unknown block"):
        block_composite(BS, weights={"b9": 2})
    with pytest.raises(InputError, match="above 0"):
        block_composite(BS, weights={"b1": 0})
    with pytest.raises(InputError, match="noise"):
        block_composite(BS, noise=1.5)
    with pytest.raises(InputError, match="min_blocks"):
        block_composite(BS, min_blocks=3)


def test_cli_weights_are_parsed_and_bad_ones_refused():
    from s3stresstest.cli.run import block_composite_params

    assert block_composite_params(False, None) is None
    assert block_composite_params(True, None) == BlockCompositeParams()
    assert block_composite_params(False, "b1=2, b3=0.5").weights == {"b1": 2.0, "b3": 0.5}
    with pytest.raises(InputError, match="BLOCK=NUMBER"):
        block_composite_params(False, "b1:2")


# -- in a run and its reports ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from s3stresstest.run import ReferenceData, RunParams, read_run, run_demo, write_run
    from s3stresstest.scoring import ScoringParams

    scoring = ScoringParams(bootstrap=20)
    off = run_demo(params=RunParams(scoring=scoring), reference=ReferenceData.none())
    on = run_demo(
        params=RunParams(scoring=scoring, block_composite=BlockCompositeParams(replications=200)),
        reference=ReferenceData.none(),
    )
    folder = write_run(on, tmp_path_factory.mktemp("bc") / "run")
    return off, on, read_run(folder), folder


def test_the_run_builds_the_table_only_when_asked(runs):
    off, on, back, folder = runs
    assert off.block_composite is None and (folder / "block_composite.csv").is_file()
    assert off.record["block_composite"] is None
    table = on.block_composite
    assert len(table) == len(on.territories) and table["score"].notna().all()
    mean = on.block_scores.pivot(index="region", columns="block", values="score").mean(axis=1)
    assert np.allclose(table.set_index("region")["score"], mean.reindex(table["region"]))
    assert (table["low"] <= table["score"] + 1e-9).all() and (table["score"] <= table["high"] + 1e-9).all()
    assert on.record["parameters"]["block_composite"]["replications"] == 200
    assert on.record["block_composite"]["seed"] == on.params.scoring.seed
    pd.testing.assert_frame_equal(back.block_composite, table, check_dtype=False)
    assert back.params.block_composite == on.params.block_composite


def test_the_synthesis_shows_score_and_range_and_no_rank_by_default(runs):
    from s3stresstest.report.inputs import ReportInputs
    from s3stresstest.report.synthesis import build_synthesis

    raw_off, raw_on, _, folder = runs
    off = ReportInputs.from_run(raw_off, folder, reference_data=False)
    on = ReportInputs.from_run(raw_on, folder, reference_data=False)
    assert "Composite of the block scores" not in build_synthesis(off).text()
    text = build_synthesis(on).text()
    assert "Composite of the block scores (on request)" in text and "not a league table" in text
    r = on.block_composite.iloc[0]
    assert f"{r['score']:.0f} (range {r['low']:.0f}–{r['high']:.0f})" in text
    part = text[text.index("Composite of the block scores (on request)") :]
    part = part[: part.index("Key findings")] if "Key findings" in part else part
    assert "Possible ranks" not in part and "Rank" not in part
    assert "Possible ranks" in build_synthesis(on, ranks=True).text()
    de = build_synthesis(on, language="de").text()
    assert "Komposit der Blockwerte (auf Anfrage)" in de and "Spanne" in de
