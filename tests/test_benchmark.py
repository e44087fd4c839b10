"""Peer benchmarking, hand-computed on a tiny block_scores frame.

Block scores (status ok unless noted):

    region  B1 score  B1 ci        B2 score (no ci)
    AT1     40        35 - 45      10
    AT2     60        50 - 70      10
    AT3     80        75 - 85      10
    AT4     20        10 - 30      10
    AT5     -- insufficient --     70
    DE1     90        85 - 95       0

Peer groups: alpine = AT1..AT5, pair = AT3 DE1, west = AT2 AT3 DE1 (AT3 is in all three,
DE1 is not alpine).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scoring_helpers as h

from s3stresstest.campaign import Campaign
from s3stresstest.pipeline import run_stresstest
from s3stresstest.scoring.benchmark import BENCHMARK_COLUMNS, benchmark_blocks

NAN = float("nan")


def block_scores():
    rows = [
        ("AT1", "B1", 40.0, 35.0, 45.0, 5, "ok"),
        ("AT2", "B1", 60.0, 50.0, 70.0, 5, "ok"),
        ("AT3", "B1", 80.0, 75.0, 85.0, 5, "ok"),
        ("AT4", "B1", 20.0, 10.0, 30.0, 5, "ok"),
        ("AT5", "B1", NAN, NAN, NAN, 2, "insufficient"),
        ("DE1", "B1", 90.0, 85.0, 95.0, 5, "ok"),
        ("AT1", "B2", 10.0, NAN, NAN, 5, "ok"),
        ("AT2", "B2", 10.0, NAN, NAN, 5, "ok"),
        ("AT3", "B2", 10.0, NAN, NAN, 5, "ok"),
        ("AT4", "B2", 10.0, NAN, NAN, 5, "ok"),
        ("AT5", "B2", 70.0, NAN, NAN, 5, "ok"),
        ("DE1", "B2", 0.0, NAN, NAN, 5, "ok"),
    ]
    return pd.DataFrame(rows, columns=["region", "block", "score", "ci_low", "ci_high", "n", "status"])


def groups():
    pairs = [(r, "alpine") for r in ("AT1", "AT2", "AT3", "AT4", "AT5")]
    pairs += [("AT3", "pair"), ("DE1", "pair")]
    pairs += [("AT2", "west"), ("AT3", "west"), ("DE1", "west")]
    return pd.DataFrame(pairs, columns=["region", "group"])


def bench(**kw):
    return benchmark_blocks(block_scores(), groups(), **kw)


def get(df, region, block, group):
    return h.row(df, region=region, block=block, peer_group=group)


def is_true(x) -> bool:
    return x is True or (isinstance(x, (bool, np.bool_)) and bool(x))


def is_false(x) -> bool:
    return x is False or (isinstance(x, (bool, np.bool_)) and not bool(x))


def test_shape_and_columns():
    out = bench()
    assert list(out.columns) == BENCHMARK_COLUMNS
    # every region (members or not) x every block x every group: 6 x 2 x 3
    assert len(out) == 36
    assert not out.duplicated(["region", "block", "peer_group"]).any()
    assert set(out["region"]) == {"AT1", "AT2", "AT3", "AT4", "AT5", "DE1"}


def test_alpine_b1_peer_statistics():
    # published members: AT1 40, AT2 60, AT3 80, AT4 20 (AT5 insufficient, left out)
    # mean (40+60+80+20)/4 = 50; median of [20,40,60,80] = 50
    # 0.75 quantile, linear: position 3*0.75 = 2.25 -> 60 + 0.25*(80-60) = 65
    # frontrunners: score >= 65 -> AT3
    out = bench()
    for region in ("AT1", "AT2", "AT3", "AT4", "AT5", "DE1"):
        r = get(out, region, "B1", "alpine")
        assert r["peer_mean"] == pytest.approx(50.0)
        assert r["peer_median"] == pytest.approx(50.0)
        assert r["frontrunner_level"] == pytest.approx(65.0)
        assert r["frontrunners"] == "AT3"


@pytest.mark.parametrize(
    "region,score,gap_mean,gap_front,indist",
    [
        ("AT1", 40.0, -10.0, -25.0, False),  # ci 35-45 excludes 50
        ("AT2", 60.0, 10.0, -5.0, True),  # ci 50-70 includes 50 (bound inclusive)
        ("AT3", 80.0, 30.0, 15.0, False),  # ci 75-85 excludes 50
        ("AT4", 20.0, -30.0, -45.0, False),  # ci 10-30 excludes 50
        ("DE1", 90.0, 40.0, 25.0, False),  # non-member compared with the alpine group
    ],
)
def test_alpine_b1_gaps_and_indistinguishable(region, score, gap_mean, gap_front, indist):
    r = get(bench(), region, "B1", "alpine")
    assert r["score"] == pytest.approx(score)
    assert r["gap_to_mean"] == pytest.approx(gap_mean)
    assert r["gap_to_frontrunner"] == pytest.approx(gap_front)
    assert (is_true if indist else is_false)(r["indistinguishable"])


def test_insufficient_region_has_no_score_but_sees_peer_stats():
    r = get(bench(), "AT5", "B1", "alpine")
    assert math.isnan(r["score"])
    assert math.isnan(r["gap_to_mean"]) and math.isnan(r["gap_to_frontrunner"])
    assert not is_true(r["indistinguishable"])
    assert r["peer_mean"] == pytest.approx(50.0)


def test_member_with_insufficient_b1_counts_in_b2():
    # alpine B2: AT1..AT5 = [10, 10, 10, 10, 70]; mean 110/5 = 22; median 10
    # 0.75 quantile: position 4*0.75 = 3 -> 10 exactly; frontrunners: all with score >= 10
    out = bench()
    r = get(out, "DE1", "B2", "alpine")
    assert r["peer_mean"] == pytest.approx(22.0)
    assert r["peer_median"] == pytest.approx(10.0)
    assert r["frontrunner_level"] == pytest.approx(10.0)
    assert r["frontrunners"] == "AT1 AT2 AT3 AT4 AT5"
    # DE1 B2 = 0: gap to mean -22, to frontrunners -10; no interval -> not "indistinguishable"
    assert r["gap_to_mean"] == pytest.approx(-22.0)
    assert r["gap_to_frontrunner"] == pytest.approx(-10.0)
    assert not is_true(r["indistinguishable"])


def test_overlapping_group_west():
    # west B1: AT2 60, AT3 80, DE1 90 -> mean 230/3 = 76.667, median 80
    # 0.75 quantile: position 2*0.75 = 1.5 -> 80 + 0.5*(90-80) = 85; frontrunners DE1
    out = bench()
    at3 = get(out, "AT3", "B1", "west")
    assert at3["peer_mean"] == pytest.approx(230 / 3)
    assert at3["peer_median"] == pytest.approx(80.0)
    assert at3["frontrunner_level"] == pytest.approx(85.0)
    assert at3["frontrunners"] == "DE1"
    assert at3["gap_to_mean"] == pytest.approx(80 - 230 / 3)
    assert at3["gap_to_frontrunner"] == pytest.approx(-5.0)
    assert is_true(at3["indistinguishable"])  # 75 <= 76.67 <= 85
    assert is_false(get(out, "AT2", "B1", "west")["indistinguishable"])  # 50-70
    de1 = get(out, "DE1", "B1", "west")
    assert de1["gap_to_mean"] == pytest.approx(90 - 230 / 3)
    assert de1["gap_to_frontrunner"] == pytest.approx(5.0)
    assert is_false(de1["indistinguishable"])  # 85-95 excludes 76.67
    # AT1 is not a west member but is still compared: 40 - 230/3
    assert get(out, "AT1", "B1", "west")["gap_to_mean"] == pytest.approx(40 - 230 / 3)
    # west B2: [10, 10, 0] -> mean 20/3, median 10, level at 1.5 of [0,10,10] = 10 -> AT2 AT3
    b2 = get(out, "AT2", "B2", "west")
    assert b2["peer_mean"] == pytest.approx(20 / 3)
    assert b2["frontrunner_level"] == pytest.approx(10.0)
    assert b2["frontrunners"] == "AT2 AT3"


def test_small_group_gets_no_peer_statistics():
    # pair has 2 published members < min_peer_regions 3
    out = bench()
    for region in ("AT3", "DE1", "AT1"):
        for b in ("B1", "B2"):
            r = get(out, region, b, "pair")
            assert math.isnan(r["peer_mean"]) and math.isnan(r["peer_median"])
            assert math.isnan(r["frontrunner_level"])
            assert r["frontrunners"] == ""
            assert math.isnan(r["gap_to_mean"]) and math.isnan(r["gap_to_frontrunner"])
            assert not is_true(r["indistinguishable"])
    # own score is still shown
    assert get(out, "AT3", "B1", "pair")["score"] == pytest.approx(80.0)


def test_min_peer_regions_parameter():
    # min 2: pair B1 = [80, 90]: mean 85, median 85, level 80 + 0.75*10 = 87.5 -> DE1
    out = bench(min_peer_regions=2)
    r = get(out, "AT3", "B1", "pair")
    assert r["peer_mean"] == pytest.approx(85.0)
    assert r["peer_median"] == pytest.approx(85.0)
    assert r["frontrunner_level"] == pytest.approx(87.5)
    assert r["frontrunners"] == "DE1"
    assert is_true(r["indistinguishable"])  # 75 <= 85 <= 85
    # min 5: alpine B1 has only 4 published members -> no stats; alpine B2 has 5 -> stats
    out5 = bench(min_peer_regions=5)
    assert math.isnan(get(out5, "AT1", "B1", "alpine")["peer_mean"])
    assert get(out5, "AT1", "B1", "alpine")["frontrunners"] == ""
    assert get(out5, "AT1", "B2", "alpine")["peer_mean"] == pytest.approx(22.0)


def test_frontrunner_quantile_parameter():
    # 0.5 quantile of [20,40,60,80]: position 1.5 -> 50; frontrunners >= 50: AT2 AT3
    r = get(bench(frontrunner_quantile=0.5), "AT1", "B1", "alpine")
    assert r["frontrunner_level"] == pytest.approx(50.0)
    assert r["frontrunners"] == "AT2 AT3"
    assert r["gap_to_frontrunner"] == pytest.approx(-10.0)


def test_result_does_not_depend_on_input_row_order():
    a = bench()
    b = benchmark_blocks(block_scores().iloc[::-1].reset_index(drop=True), groups().iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------------------
# through the pipeline
# ---------------------------------------------------------------------------


def test_pipeline_benchmarks_hand_computed():
    # three territories, three respondents each, answering block B2 (q5 lvl, q6 five):
    #   AT1 q5 full, q6 s100 -> B2 100;  AT2 some, s50 -> 50;  AT3 no, s0 -> 0
    # AT4 is listed in the regions file but has no answers.
    # Without peer groups there is one group 'all' of every territory:
    #   published B2 = [0, 50, 100]: mean 50, median 50, level at 1.5 -> 50 + 0.5*50 = 75 -> AT1
    rows = []
    for region, q5, q6 in [("AT1", "full", "s100"), ("AT2", "some", "s50"), ("AT3", "no", "s0")]:
        for k in range(3):
            rows += h.person(f"{region}-{k}", region, "company", {"q5": q5, "q6": q6})
    regions = pd.DataFrame({"region": ["AT1", "AT2", "AT3", "AT4"], "name": ["a", "b", "c", "d"]})
    camp = Campaign(responses=h.responses(rows), regions=regions)
    res = run_stresstest(camp, h.instrument(), h.params())
    bm = res.benchmarks
    assert set(bm["peer_group"]) == {"all"}
    assert set(bm["region"]) == {"AT1", "AT2", "AT3", "AT4"}
    for region, score in [("AT1", 100.0), ("AT2", 50.0), ("AT3", 0.0)]:
        r = get(bm, region, "B2", "all")
        assert r["score"] == pytest.approx(score)
        assert r["peer_mean"] == pytest.approx(50.0)
        assert r["peer_median"] == pytest.approx(50.0)
        assert r["frontrunner_level"] == pytest.approx(75.0)
        assert r["frontrunners"] == "AT1"
        assert r["gap_to_mean"] == pytest.approx(score - 50)
        assert r["gap_to_frontrunner"] == pytest.approx(score - 75)
    at4 = get(bm, "AT4", "B2", "all")
    assert math.isnan(at4["score"]) and at4["peer_mean"] == pytest.approx(50.0)
    # B1 is insufficient everywhere: no published member -> no peer statistics
    b1 = bm[bm["block"] == "B1"]
    assert b1["peer_mean"].isna().all() and (b1["frontrunners"] == "").all()


def test_pipeline_uses_campaign_groups():
    # same three territories as above, groups: g1 = AT1 AT2 AT3 (stats), g2 = AT1 AT2 (too small)
    rows = []
    for region, q5, q6 in [("AT1", "full", "s100"), ("AT2", "some", "s50"), ("AT3", "no", "s0")]:
        for k in range(3):
            rows += h.person(f"{region}-{k}", region, "company", {"q5": q5, "q6": q6})
    grp = pd.DataFrame({"region": ["AT1", "AT2", "AT3", "AT1", "AT2"], "group": ["g1"] * 3 + ["g2"] * 2})
    res = run_stresstest(Campaign(responses=h.responses(rows), groups=grp), h.instrument(), h.params())
    bm = res.benchmarks
    assert set(bm["peer_group"]) == {"g1", "g2"}
    assert get(bm, "AT3", "B2", "g1")["peer_mean"] == pytest.approx(50.0)
    assert math.isnan(get(bm, "AT3", "B2", "g2")["peer_mean"])
    assert get(bm, "AT3", "B2", "g2")["frontrunners"] == ""
