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

    def excerpts(n, about="Involve clusters in the draft"):  # b1: "involv", "draft"
        comments = pd.DataFrame(
            {
                "respondent_id": range(n),
                "region": R,
                "item": "b1_open",
                "text": [f"{about}, answer {i}" for i in range(n)],
            }
        )
        out = compose(recommend(res, rules=rules), res, rules=rules, open_comments=comments, min_respondents=3)
        rows = out[(out["region"] == R) & (out["rule_id"] == ITEM_WEAKEST)]
        return [json.loads(x) for x in rows["excerpts"]]

    assert all(x == [] for x in excerpts(2))
    assert all(len(x) == 3 for x in excerpts(5))
    # answers about another subject (funding, block b3) are not quoted under a b1 row
    assert all(x == [] for x in excerpts(5, about="More funding calls for small firms"))


def test_topics_of_one_subject_and_the_same_partners_collapse():
    from s3stresstest.recommend.topics import collapse_topics

    def t(axis, code, title, partners=("BB", "CC"), strength=2.0):
        return {"axis": axis, "code": code, "title": title, "partners": list(partners), "strength": strength}

    out = collapse_topics(
        [
            t("ecosystem", "agri_food", "Agri-food", strength=2.5),
            t("nace", "C10", "Manufacture of food products"),
            t("nabs", "08", "Agriculture"),
            t("priorities", "G1", "Smart Agrifood"),  # by a word of its title
            t("nace", "A01", "Crop and animal production", partners=("BB",)),  # other partners
            t("nace", "J62", "Computer programming"),
            t("nace", "Z99", "Unknown"),
        ]
    )
    assert [x["code"] for x in out] == ["agri_food", "A01", "J62", "Z99"]
    assert [x["code"] for x in out[0]["same_as"]] == ["C10", "08", "G1"]
    assert "same_as" not in out[1] and out[3] == t("nace", "Z99", "Unknown")


def test_rows_on_the_same_subject_merge_into_the_first():
    from s3stresstest.recommend.compose import _merge_same_subject

    def row(rule, priority, keys, learn=""):
        ev = {"triggered_by": [{"trigger": rule}], "learn_from": [{"territory": learn}] if learn else []}
        return {
            "rule_id": rule,
            "title": rule.upper(),
            "priority": priority,
            "gap": -10.0,
            "evidence": json.dumps(ev),
            "frontrunners": learn,
            "recommendation": "",
            "_parts": {
                lang: (
                    [(rule, f"{rule} opener {lang}.")],
                    f"{rule} advice {lang}.",
                    [],
                    f"learn {learn}." if learn else "",
                    f"{rule} advice {lang}.",
                )
                for lang in ("en", "de")
            },
            "texts": {lang: {"title": rule, "action": "", "rationale": ""} for lang in ("en", "de")},
            "_subjects": keys,
        }

    out = _merge_same_subject(
        [
            row("low", 60, {"alignment:vertical"}),
            row("perceived", 80, {"alignment:vertical"}),
            row("weak-q", 50, {"item:q", "alignment:vertical"}, learn="PP1"),
            row("other", 70, {"item:z"}),
        ]
    )
    assert [r["rule_id"] for r in out] == ["perceived", "other"]
    host = out[0]
    ev = json.loads(host["evidence"])
    assert [m["rule_id"] for m in ev["merged"]] == ["low", "weak-q"]
    assert host["frontrunners"] == "PP1" and ev["learn_from"][0]["territory"] == "PP1"
    assert host["recommendation"] == (
        "perceived opener en. low opener en. weak-q opener en. perceived advice en. low advice en. weak-q advice en. "
        "learn PP1."
    )
    assert host["texts"]["de"]["action"] == host["recommendation"].replace(" en.", " de.")
    # what to do, one run of the action text: the report sets it in bold, the figures around it not
    assert host["texts"]["en"]["advice"] == "perceived advice en. low advice en. weak-q advice en."
    assert host["texts"]["en"]["advice"] in host["recommendation"]
    assert "_parts" not in host and "_subjects" not in host


def test_a_perception_flag_concerns_the_lower_measured_axis():
    from s3stresstest.recommend.compose import subjects

    assert subjects([{"trigger": "perception_flag", "vertical": 20.0, "neighbours": 35.0}]) == {"alignment:vertical"}
    assert subjects([{"trigger": "perception_flag", "vertical": 50.0, "neighbours": 35.0}]) == {"alignment:neighbour"}
    assert subjects([{"trigger": "item_weakest", "item": "b2_national_ri_alignment"}]) == {
        "item:b2_national_ri_alignment",
        "alignment:vertical",
    }


def test_the_overview_counts_rules_merged_into_another_row():
    from s3stresstest.recommend.engine import recommendation_overview

    ev = json.dumps({"triggered_by": [], "merged": [{"rule_id": "low", "title": "Low", "priority": 40}]})
    recs = pd.DataFrame(
        {
            "region": ["AA11", "BB22"],
            "rule_id": ["perceived", "low"],
            "title": ["Perceived", "Low"],
            "priority": [80, 60],
            "blocks": ["b2", "b2"],
            "topics": ["", ""],
            "evidence": [ev, "{}"],
        }
    )
    recs.attrs["record"] = {"territories": ["AA11", "BB22"]}
    out = recommendation_overview(recs).set_index("rule_id")
    assert out.loc["low", "territories"] == "AA11 BB22" and out.loc["perceived", "n_territories"] == 1
