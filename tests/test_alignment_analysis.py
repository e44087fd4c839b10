"""Vertical and horizontal alignment, the matrix, synergy topics and perception against evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from alignment_support import prio, small_taxonomies, strategy

from s3stresstest.alignment import (
    AlignmentParams,
    alignment_matrix,
    horizontal_alignment,
    perception_vs_evidence,
    run_alignment,
    synergy_topics,
    vertical_alignment,
    write_alignment,
)
from s3stresstest.errors import InputError

TAX = small_taxonomies()


def chips(pid):
    return prio(pid, "Microelectronics", nace="C26")


def health(pid):
    return prio(pid, "Health technologies", nace="Q86")


def three_territories():
    """R1 - R2 - R3 in a row (R1 and R3 do not touch). Chips everywhere, health in R2 and R3, software in R1 and R3."""
    r1 = strategy("XA1", chips("r1-chips"), prio("r1-soft", "Software", nace="J62"))
    r2 = strategy("XA2", chips("r2-chips"), health("r2-health"))
    r3 = strategy("XA3", chips("r3-chips"), health("r3-health"), prio("r3-soft", "Software", nace="J62"))
    return [r1, r2, r3], [("XA1", "XA2"), ("XA2", "XA3")]


def test_synergy_topics_on_a_hand_made_case():
    strategies, adjacency = three_territories()
    topics = synergy_topics(strategies, adjacency, taxonomies=TAX)
    rows = [(r.topic_axis, r.topic_code, r.territories, r.neighbour_pairs, r.strength) for r in topics.itertuples()]
    # identical priorities score 1 per neighbour pair; strength = sum over the group's neighbour pairs
    assert rows == [
        ("nace", "C26", "XA1 XA2 XA3", "XA1|XA2 XA2|XA3", pytest.approx(2.0)),
        ("priorities", "G1", "XA1 XA2 XA3", "XA1|XA2 XA2|XA3", pytest.approx(2.0)),
        ("nace", "Q86", "XA2 XA3", "XA2|XA3", pytest.approx(1.0)),
        ("priorities", "G2", "XA2 XA3", "XA2|XA3", pytest.approx(1.0)),
    ]  # software (J62) is in XA1 and XA3 only, which are not neighbours: no topic
    first = topics.iloc[0]
    assert first["topic_title"] == "Computer, electronic and optical products"
    assert first["n_territories"] == 3 and first["n_neighbour_pairs"] == 2 and first["mean_pair_score"] == 100.0
    assert first["evidence_priorities"] == "XA1:r1-chips XA2:r2-chips XA3:r3-chips"
    assert topics.iloc[1]["topic_title"] == "Microelectronics"
    three = synergy_topics(strategies, adjacency, taxonomies=TAX, min_territories=3)
    assert list(three["topic_code"]) == ["C26", "G1"]
    # with R1 and R3 also touching, software becomes a topic
    more = synergy_topics(strategies, adjacency + [("XA3", "XA1")], taxonomies=TAX)
    assert "J62" in set(more["topic_code"])


def test_synergy_strength_reflects_the_match_quality():
    r1 = strategy("XA1", prio("a", "Microelectronics", nace="C26"))
    r2 = strategy("XA2", prio("b", "Sensors", nace="C26 C27"))
    topics = synergy_topics([r1, r2], [("XA1", "XA2")], taxonomies=TAX, min_pair_score=0)
    row = topics[topics["topic_code"] == "C26"].iloc[0]
    # pair score: nace dice 2*(1 + 0)/3 = 2/3 (C27 unmatched), text 0 -> (0.35*2/3)/(0.35+0.25)
    assert row["strength"] == pytest.approx(0.35 * (2 / 3) / 0.6)


def test_vertical_horizontal_and_matrix():
    strategies, adjacency = three_territories()
    nat = strategy("XA", chips("n-chips"), health("n-health"), level="national")
    other_country = strategy("YB1", chips("y-chips"))
    every = strategies + [nat, other_country]
    vert = vertical_alignment(every, taxonomies=TAX)
    assert list(vert["territory"]) == ["XA1", "XA2", "XA3", "YB1"]
    assert vert.set_index("territory").loc["XA2", "score"] == pytest.approx(100.0)  # same two priorities
    assert vert.set_index("territory").loc["XA1", "score"] == pytest.approx(50.0)  # 1 of max(2, 2) matched
    assert np.isnan(vert.set_index("territory").loc["YB1", "score"])
    assert vert.set_index("territory").loc["YB1", "note"] == "no national strategy for YB in the input"
    hor = horizontal_alignment(every, adjacency, taxonomies=TAX)
    assert [(r.territory_a, r.territory_b) for r in hor.itertuples()] == [("XA1", "XA2"), ("XA2", "XA3")]
    assert set(hor["kind"]) == {"neighbour"}
    m = alignment_matrix(every, taxonomies=TAX)
    assert list(m.index) == ["XA1", "XA2", "XA3", "XA", "YB1"] and list(m.columns) == list(m.index)
    assert np.allclose(m.to_numpy(), m.to_numpy().T) and (np.diag(m.to_numpy()) == 100).all()
    assert m.loc["XA2", "XA"] == pytest.approx(100.0)
    assert m.loc["XA2", "XA3"] == pytest.approx(100 * 2 / 3)  # two identical pairs over max(2, 3)


def test_several_strategies_for_a_territory_are_refused():
    a = strategy("XA1", chips("a"))
    b = strategy("XA1", chips("b"), period="2021-2027")
    with pytest.raises(InputError, match="several strategies for one territory"):
        alignment_matrix([a, b], taxonomies=TAX)
    result = run_alignment(
        [a, b, strategy("XA2", chips("c"))], taxonomies=TAX, params=AlignmentParams(period="2014-2020")
    )
    assert list(result.matrix.index) == ["XA1", "XA2"]


def test_run_alignment_with_explicit_adjacency(tmp_path):
    strategies, adjacency = three_territories()
    nat = strategy("XA", chips("n-chips"), level="national")
    result = run_alignment(strategies + [nat], taxonomies=TAX, adjacency_pairs=adjacency)
    kinds = {(r.territory_a, r.territory_b): r.kind for r in result.pairs.itertuples()}
    assert kinds == {
        ("XA1", "XA2"): "neighbour",
        ("XA1", "XA3"): "other",
        ("XA1", "XA"): "vertical",
        ("XA2", "XA3"): "neighbour",
        ("XA2", "XA"): "vertical",
        ("XA3", "XA"): "vertical",
    }
    summary = result.territories.set_index("territory")
    assert summary.loc["XA2", "n_neighbours"] == 2
    assert summary.loc["XA", "note"] == "national strategy (vertical comparisons only)"
    assert len(result.matches) == result.pairs["n_matched"].sum()
    out = write_alignment(result, tmp_path / "out")
    assert {p.name for p in out.iterdir()} >= {
        "alignment_pairs.csv",
        "alignment_matrix.csv",
        "priority_matches.csv",
        "synergies.csv",
        "alignment.graphml",
        "run.json",
    }
    with pytest.raises(InputError, match="not empty"):
        write_alignment(result, out)
    write_alignment(result, out, overwrite=True)
    assert not list(tmp_path.glob(".out*"))  # no temporary folder left


# -- perception -----------------------------------------------------------------------------------


def _perception_inputs():
    blocks = pd.DataFrame(
        [
            {"region": "T1", "block": "b2", "score": 80.0, "ci_low": 70.0, "ci_high": 90.0, "status": "ok"},
            {"region": "T2", "block": "b2", "score": 30.0, "ci_low": 20.0, "ci_high": 40.0, "status": "ok"},
            {"region": "T3", "block": "b2", "score": 50.0, "ci_low": 10.0, "ci_high": 90.0, "status": "ok"},
            {
                "region": "T4",
                "block": "b2",
                "score": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "status": "suppressed",
            },
            {"region": "T1", "block": "b1", "score": 0.0, "ci_low": 0.0, "ci_high": 0.0, "status": "ok"},
        ]
    )
    measured = pd.DataFrame(
        [
            {"territory": "T1", "vertical": 40.0, "neighbours_mean": 50.0},
            {"territory": "T2", "vertical": 70.0, "neighbours_mean": np.nan},
            {"territory": "T3", "vertical": np.nan, "neighbours_mean": 20.0},
            {"territory": "T4", "vertical": 50.0, "neighbours_mean": 50.0},
            {"territory": "T5", "vertical": 50.0, "neighbours_mean": np.nan},
        ]
    )
    return blocks, measured


def test_perception_flags_on_points():
    blocks, measured = _perception_inputs()
    p = perception_vs_evidence(blocks, measured, threshold=20, scale="points").set_index("territory")
    assert p.loc["T1", "measured"] == 45.0 and p.loc["T1", "gap"] == 35.0
    assert p.loc["T1", "flag"] == "perceived higher"  # gap 35 > 20 and 45 below the interval [70, 90]
    assert p.loc["T2", "flag"] == "perceived lower"  # gap -40 and 70 above [20, 40]
    assert p.loc["T3", "flag"] == "consistent"  # gap 30 but 20 inside the wide interval [10, 90]
    assert p.loc["T4", "flag"] == "no data" and p.loc["T4", "perceived_status"] == "suppressed"
    assert p.loc["T5", "flag"] == "no data" and p.loc["T5", "perceived_status"] == "not in the campaign"


def test_perception_flags_on_ranks():
    blocks, measured = _perception_inputs()
    p = perception_vs_evidence(blocks, measured, threshold=25).set_index("territory")
    # among T1-T3: perceived 80, 30, 50 -> 100, 0, 50; measured 45, 70, 20 -> 50, 100, 0
    assert list(p.loc[["T1", "T2", "T3"], "perceived_rank"]) == [100.0, 0.0, 50.0]
    assert list(p.loc[["T1", "T2", "T3"], "measured_rank"]) == [50.0, 100.0, 0.0]
    assert list(p.loc[["T1", "T2", "T3"], "flag"]) == ["perceived higher", "perceived lower", "perceived higher"]
    assert (
        list(
            perception_vs_evidence(blocks, measured, threshold=100)
            .set_index("territory")
            .loc[["T1", "T2", "T3"], "flag"]
        )
        == ["consistent"] * 3
    )
    with pytest.raises(InputError, match="no rows for block 'b9'"):
        perception_vs_evidence(blocks, measured, block="b9")


def test_national_strategy_stands_for_its_country_only_without_regional_ones():
    r1 = strategy("XA1", chips("r1"))
    xa = strategy("XA", chips("xa"), level="national")  # XA has a regional strategy: vertical only
    yb = strategy("YB", chips("yb"), level="national")  # YB has none: its national strategy is its territory's
    adjacency = [("XA1", "YB"), ("XA", "YB")]
    result = run_alignment([r1, xa, yb], taxonomies=TAX, adjacency_pairs=adjacency)
    kinds = {(r.territory_a, r.territory_b): r.kind for r in result.pairs.itertuples()}
    assert kinds == {("XA1", "XA"): "vertical", ("XA1", "YB"): "neighbour", ("XA", "YB"): "other"}
    c26 = result.synergies[result.synergies["topic_code"] == "C26"]
    assert list(c26["territories"]) == ["XA1 YB"]
    assert result.record["counts"]["neighbour_pairs"] == 1
