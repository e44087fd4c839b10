"""Recommendations name what their figures show: the stakeholder groups that disagree, the peer group of every
mean, printed numbers that stand as the exact ones do, a weak point shared by most territories, labelled
learn-from figures, and the synthesis line of each question (review 2)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import recommend_support as h

from s3stresstest.i18n import LANGUAGES, translator
from s3stresstest.recommend import load_rules, recommend
from s3stresstest.recommend.compose import ITEM_WEAKEST, Composer, apart_digits, compose
from s3stresstest.report.evidence import evidence_sentences, sentence
from s3stresstest.report.synthesis import recommendations_overview_section

R = "AA11"
INERT = h.rule("inert", {"item_below": {"item": "zz_none", "threshold": 1}})  # fires nowhere


def _groups_result():
    """AA11 disagrees on two b1 questions; the policy makers scoring 99 are only 2 (below k = 3)."""
    items = [h.item(R, q, 50) for q in ("b1_q1", "b1_q2")]
    dispersion = [h.disp(R, "b1_q1", 40.0, True), h.disp(R, "b1_q2", 58.0, True)]
    res = h.make_result(items=items, dispersion=dispersion)
    rows = []
    for item, scores in {
        "b1_q1": {"research_institution": 70, "company": 30},
        "b1_q2": {"research_institution": 79, "company": 21},
    }.items():
        for group, score in scores.items():
            rows.append(
                {
                    "region": R,
                    "item": item,
                    "block": "b1",
                    "stakeholder_group": group,
                    "score": score,
                    "n": 5,
                    "status": "ok",
                }
            )
        rows.append(
            {
                "region": R,
                "item": item,
                "block": "b1",
                "stakeholder_group": "policy_maker",
                "score": 99.0,
                "n": 2,
                "status": "ok",
            }
        )
    res.group_item_scores = pd.DataFrame(rows)
    return res


def test_groups_disagree_names_the_published_groups_furthest_apart():
    res = _groups_result()
    rules = h.ruleset(h.rule("gd", {"groups_disagree": {"block": "b1", "min_items": 2}}))
    out = compose(recommend(res, rules=rules), res, rules=rules)
    row = out[(out["region"] == R) & (out["rule_id"] == "gd")].iloc[0]
    figures = json.loads(row["evidence"])["triggered_by"]
    widest = next(f for f in figures if f["item"] == "b1_q2")
    assert (widest["highest_group"], widest["highest_score"]) == ("research_institution", 79)
    assert (widest["lowest_group"], widest["lowest_score"]) == ("company", 21)
    text = row["recommendation"]
    assert "‘Research institution (university, research centre)’ 79, ‘Company’ 21" in text
    assert "99" not in text and "olicy maker" not in text  # a group below k is never named
    for lang in LANGUAGES:
        assert " 79, " in row["texts"][lang]["action"] and " 21." in row["texts"][lang]["action"]


def test_built_in_disagreement_rules_assume_no_groups():
    rules = load_rules()
    for rid in ("b1-groups-disagree", "b3-groups-disagree-on-support"):
        rule = rules[rid]
        assert "policy makers" not in rule.text("recommendation", "en")
        assert "furthest apart" in rule.text("recommendation", "en")


def test_printed_interval_never_touches_the_mean_it_excludes():
    assert apart_digits(48.0, 64.6, 65.4) == 1
    assert apart_digits(47.72, 65.18, 65.21) == 2
    assert apart_digits(16.0, 35.0, 39.2) == 0
    assert apart_digits(float("nan"), 35.0, 39.2) == 0
    fig = {"trigger": "item_below_peers", "item": "q", "score": 56.4, "ci_low": 47.7, "ci_high": 64.6, "n": 31}
    text = sentence({**fig, "peer_group": "alpine", "peer_mean": 65.4}, language="de")
    assert "64,6" in text and "(65,4)" in text and "–65 " not in text
    text = sentence({**fig, "peer_group": "alpine", "peer_mean": 70.2}, language="en")
    assert "interval 48–65" in text and "(70)" in text  # whole points where they stand as the exact ones do


def _items_result(**scores):
    items = []
    for region, values in scores.items():
        for k, v in enumerate(values, start=1):
            items.append(h.item(region, f"b1_q{k}", v, half=5.0, n=20))
    return h.make_result(items=items, peer_groups={"g": sorted(scores)})


def _compose(res):
    rules = h.ruleset(INERT)
    return compose(recommend(res, rules=rules), res, rules=rules)


def test_questions_behind_peers_name_their_peer_group():
    res = _items_result(AA11=[30, 60, 70, 80], PP1=[60, 60, 70, 80], PP2=[60, 60, 70, 80], PP3=[60, 60, 70, 80])
    comp = Composer(res, h.ruleset(INERT))
    behind = [
        {"item": "b1_q1", "score": 30.0, "ci_low": 25.0, "ci_high": 35.0, "n": 20, "peer_group": "g", "peer_mean": 60.0}
    ]
    assert "behind the mean of its ‘G’ peers: b1_q1 30" in comp.behind_text(behind, translator("en"))
    assert "Vergleichsgruppe „G“" in comp.behind_text(behind, translator("de"))


def test_a_weak_point_most_territories_share_says_so():
    weak_everywhere = {r: [20, 60, 70, 80] for r in ("AA11", "PP1", "PP2", "PP3", "PP4")}
    out = _compose(_items_result(**weak_everywhere))
    row = out[(out["region"] == R) & out["title"].str.contains("b1_q1")].iloc[0]
    assert row["rule_id"] == ITEM_WEAKEST
    assert json.loads(row["evidence"])["triggered_by"][0]["common_weakness"] == {"territories": 5, "of": 5}
    assert "As in most territories" in row["recommendation"] and "in 5 of 5 territories" in row["recommendation"]
    assert "5 von 5 Gebieten" in row["texts"]["de"]["action"]

    own = {"AA11": [20, 60, 70, 80], **{r: [80, 20, 70, 60] for r in ("PP1", "PP2", "PP3", "PP4")}}
    out = _compose(_items_result(**own))
    row = out[(out["region"] == R) & out["title"].str.contains("b1_q1")].iloc[0]
    assert "common_weakness" not in row["evidence"] and "most territories" not in row["recommendation"]


def test_learn_from_labels_each_of_several_figures():
    res = _items_result(AA11=[30, 60, 70, 80], PP1=[60, 60, 70, 80], PP2=[60, 60, 70, 80], PP3=[60, 60, 70, 80])
    comp = Composer(res, h.ruleset(INERT))
    learn = [
        {
            "territory": "PP1",
            "relation": "",
            "figures": [{"item": "b1_q1", "score": 95}, {"item": "b1_q2", "score": 87}],
        }
    ]
    text = comp.learn_text(R, "r", learn, [("item", "b1_q1"), ("item", "b1_q2")], translator("en"))
    assert "PP1 (b1_q1: 95, b1_q2: 87)" in text
    one = [{"territory": "PP1", "relation": "", "figures": [{"item": "b1_q1", "score": 95}]}]
    assert "PP1 (95)" in comp.learn_text(R, "r", one, [("item", "b1_q1")], translator("en"))


def test_synthesis_gives_each_weak_question_its_own_line():
    recs = pd.DataFrame(
        {
            "region": ["AA11", "PP1", "PP2"],
            "rank": [1, 1, 1],
            "rule": [ITEM_WEAKEST] * 3,
            "title": [
                "Weak point of the profile: ‘A’",
                "Weak point of the profile: ‘B’",
                "Weak point of the profile: ‘B’",
            ],
            "priority": [40, 40, 40],
        }
    )
    inputs = SimpleNamespace(recommendations=recs, record={}, territories=["AA11", "PP1", "PP2"])
    section = recommendations_overview_section(inputs, "en")
    table = next(b for b in section.blocks if hasattr(b, "rows"))
    counts = {row[0]: row[2] for row in table.rows}
    assert counts == {"Weak point of the profile: ‘B’": "2", "Weak point of the profile: ‘A’": "1"}


def test_evidence_labels_each_of_several_learn_from_figures():
    learn = [
        {
            "territory": "FI1B",
            "relation": "",
            "figures": [{"item": "b1_q1", "score": 95, "n": 20}, {"item": "b1_q2", "score": 87, "n": 20}],
        },
        {"territory": "DE1", "relation": "", "figures": [{"item": "b1_q1", "score": 92, "n": 20}]},
    ]
    number = {"b1_q1": "b1.1", "b1_q2": "b1.2"}.get
    text = evidence_sentences({"learn_from": learn}, number=number, language="fr")[-1]
    assert "FI1B b1.1 : 95 (n = 20), b1.2 : 87 (n = 20)" in text and "DE1 92 (n = 20)" in text
