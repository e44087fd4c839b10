"""`recommend.compose` on hand-made results: whom to learn from, item-level rows, the priority score."""

from __future__ import annotations

import json

import pandas as pd
import recommend_support as h

from s3stresstest.recommend import recommend
from s3stresstest.recommend.compose import ITEM_BELOW_PEERS, ITEM_WEAKEST, compose

R = "AA11"
RULE = h.rule("low-q", {"item_below": {"item": "b1_q1", "threshold": 40}}, priority=1)


def _result(**scores):
    """b1_q1..b1_q4 for R and for peers P1..P4 (intervals of +-5 points, n = 20)."""
    items = []
    for region, values in scores.items():
        for k, v in enumerate(values, start=1):
            if v is not None:
                items.append(h.item(region, f"b1_q{k}", v, half=5.0, n=20))
    groups = {"g": sorted(scores)}
    return h.make_result(items=items, peer_groups=groups)


def _compose(res, **kw):
    rules = h.ruleset(RULE)
    return compose(recommend(res, rules=rules), res, rules=rules, **kw)


def test_learn_from_only_territories_clearly_higher_on_the_question():
    res = _result(
        AA11=[30, 60, 70, 80],
        PP1=[50, 60, 70, 80],  # clearly higher (interval 45-55 above 25-35)
        PP2=[38, 60, 70, 80],  # higher, but the intervals overlap
        PP3=[20, 60, 70, 80],  # lower
        PP4=[None, 60, 70, 80],  # no figure
    )
    out = _compose(res)
    row = out[(out["region"] == R) & (out["rule_id"] == "low-q")].iloc[0]
    assert row["frontrunners"] == "PP1"
    ev = json.loads(row["evidence"])
    assert ev["compared_on"] == ["item:b1_q1"] and ev["learn_from"][0]["figures"][0]["score"] == 50


def test_structural_peers_and_neighbours_come_first():
    res = _result(AA11=[10, 60, 70, 80], PP1=[90, 60, 70, 80], PP2=[60, 60, 70, 80], PP3=[50, 60, 70, 80])
    peers = pd.DataFrame({"region": [R], "rank": [1], "peer": ["PP3"]})
    out = _compose(res, structural_peers=peers)
    row = out[(out["region"] == R) & (out["rule_id"] == "low-q")].iloc[0]
    assert row["frontrunners"].split() == ["PP3", "PP1", "PP2"]
    assert json.loads(row["evidence"])["learn_from"][0]["relation"] == "structural peer"


def test_weakest_questions_of_a_frontrunner_become_stretch_targets():
    res = _result(AA11=[90, 70, 95, 96], PP1=[40, 40, 40, 40], PP2=[45, 45, 45, 45], PP3=[50, 50, 50, 50])
    out = _compose(res)
    mine = out[out["region"] == R]
    weakest = mine[mine["rule_id"] == ITEM_WEAKEST]
    assert len(weakest) == 3 and "b1_q2" in " ".join(weakest["evidence"])
    assert weakest["title"].str.startswith("Stretch target").all()
    assert mine["written"].sum() == 3


def test_questions_behind_peers_get_one_row_per_block_and_a_score_on_0_to_100():
    res = _result(AA11=[60, 20, 25, 80], PP1=[60, 60, 70, 80], PP2=[60, 60, 70, 80], PP3=[60, 60, 70, 80])
    out = _compose(res)
    behind = out[(out["region"] == R) & (out["rule_id"] == ITEM_BELOW_PEERS)]
    assert len(behind) == 1
    figures = json.loads(behind["evidence"].iloc[0])["triggered_by"]
    assert [f["item"] for f in figures] == ["b1_q3", "b1_q2"]  # furthest behind first
    assert out["priority"].between(0, 100).all()
    assert out.groupby("region")["priority"].apply(lambda s: s.is_monotonic_decreasing).all()


def test_item_rows_quote_open_answers_only_from_k_respondents():
    res = _result(AA11=[90, 70, 95, 96], PP1=[40, 40, 40, 40], PP2=[45, 45, 45, 45], PP3=[50, 50, 50, 50])
    block_rule = h.rule(
        "b1-below-peers",
        {"block_below_peers": {"block": "b1"}},
        evidence=["open_answers:b1_open"],
    )
    rules = h.ruleset(RULE, block_rule)

    def excerpts(n):
        comments = pd.DataFrame(
            {"respondent_id": range(n), "region": R, "item": "b1_open", "text": [f"Answer {i}" for i in range(n)]}
        )
        out = compose(recommend(res, rules=rules), res, rules=rules, open_comments=comments, min_respondents=3)
        rows = out[(out["region"] == R) & (out["rule_id"] == ITEM_WEAKEST)]
        return [json.loads(x) for x in rows["excerpts"]]

    assert all(x == [] for x in excerpts(2))
    assert all(len(x) == 3 for x in excerpts(5))
