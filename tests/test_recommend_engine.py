"""The recommendation engine on hand-made results: each trigger fires, and stays quiet just across its threshold."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import recommend_support as h

from s3stresstest.alignment.run import AlignmentResult
from s3stresstest.errors import InputError
from s3stresstest.recommend import clean_excerpt, recommend, recommendation_overview
from s3stresstest.recommend.engine import COLUMNS

R = "XX11"


def fired(result, trigger, region=R, **kw) -> pd.DataFrame:
    blocks = kw.pop("blocks", ("b1",))
    rules = h.ruleset(h.rule("r1", trigger, blocks=blocks, evidence=kw.pop("evidence", ())))
    recs = recommend(result, rules=rules, **kw)
    return recs[recs["region"] == region]


def fires(result, trigger, **kw) -> bool:
    return len(fired(result, trigger, **kw)) == 1


def evidence(recs) -> dict:
    assert len(recs) == 1
    return json.loads(recs["evidence"].iloc[0])


# -- one trigger type at a time --------------------------------------------------------------------


def bench_result(score, peer_mean, indistinguishable=False, status="ok"):
    return h.make_result(
        blocks=[h.block(R, "b1", score, status=status)],
        benchmarks=[
            h.bench(
                R,
                "b1",
                "alpine",
                score if status == "ok" else np.nan,
                peer_mean,
                indistinguishable=indistinguishable if status == "ok" else None,
            )
        ],
    )


def test_block_below_peers_fires_and_stays_quiet():
    t = {"block_below_peers": {"block": "b1", "peer_group": "alpine"}}
    recs = fired(bench_result(40.0, 50.0), t)
    assert len(recs) == 1
    ev = evidence(recs)["triggered_by"][0]
    assert ev["score"] == 40.0 and ev["peer_mean"] == 50.0 and ev["gap_to_mean"] == -10.0
    assert recs["gap"].iloc[0] == pytest.approx(-10.0)
    assert recs["frontrunners"].iloc[0] == "AA1 BB1"
    assert not fires(bench_result(50.01, 50.0), t)  # just above the mean
    assert not fires(bench_result(40.0, 50.0, indistinguishable=True), t)  # interval contains the mean
    assert fires(
        bench_result(40.0, 50.0, indistinguishable=True),
        {"block_below_peers": {"block": "b1", "peer_group": "alpine", "ci_excludes_mean": False}},
    )
    assert not fires(bench_result(40.0, 50.0), {"block_below_peers": {"block": "b1", "peer_group": "european"}})
    assert fires(bench_result(40.0, 50.0), {"block_below_peers": {"block": "b1", "peer_group": "any"}})
    assert not fires(bench_result(40.0, 50.0), {"block_below_peers": {"block": "b1", "min_gap": 10}})
    assert fires(bench_result(39.99, 50.0), {"block_below_peers": {"block": "b1", "min_gap": 10}})


def test_block_below_peers_own_group_uses_membership():
    res = h.make_result(
        blocks=[h.block(R, "b1", 40.0)],
        benchmarks=[
            h.bench(R, "b1", "alpine", 40.0, 45.0, frontrunners="AL1"),
            h.bench(R, "b1", "european", 40.0, 60.0, frontrunners="EU1 EU2"),
        ],
        peer_groups={"alpine": [R, "AL1", "AL2"], "european": ["EU1", "EU2", "EU3", "EU4"]},
    )
    t = {"block_below_peers": {"block": "b1", "peer_group": "own"}}
    recs = fired(res, t)
    assert recs["gap"].iloc[0] == pytest.approx(-5.0)  # only the own group (alpine) counts
    assert recs["frontrunners"].iloc[0] == "AL1"
    any_recs = fired(res, {"block_below_peers": {"block": "b1", "peer_group": "any"}})
    assert any_recs["gap"].iloc[0] == pytest.approx(-20.0)
    # Both groups fired: the most specific one (fewest members) gives the frontrunners.
    assert any_recs["frontrunners"].iloc[0] == "AL1"
    assert {b["peer_group"] for b in evidence(any_recs)["triggered_by"]} == {"alpine", "european"}


def test_block_below_threshold():
    t = {"block_below": {"block": "b1", "threshold": 40}}
    assert fires(h.make_result(blocks=[h.block(R, "b1", 39.9)]), t)
    assert not fires(h.make_result(blocks=[h.block(R, "b1", 40.0)]), t)
    recs = fired(h.make_result(blocks=[h.block(R, "b1", 30.0)]), t)
    assert recs["gap"].iloc[0] == pytest.approx(-10.0)
    ci = {"block_below": {"block": "b1", "threshold": 40, "ci_below": True}}
    assert not fires(h.make_result(blocks=[h.block(R, "b1", 35.0, half=5.0)]), ci)  # ci_high == 40
    assert fires(h.make_result(blocks=[h.block(R, "b1", 35.0, half=4.9)]), ci)


def test_block_gap_to_frontrunner():
    t = {"block_gap_to_frontrunner": {"block": "b1", "min_gap": 20}}

    def res(score):
        return h.make_result(
            blocks=[h.block(R, "b1", score, half=3)], benchmarks=[h.bench(R, "b1", "all", score, 50.0, level=70.0)]
        )

    assert fires(res(50.0), t)  # exactly 20 below the level
    assert not fires(res(50.1), t)
    ev = evidence(fired(res(45.0), t))["triggered_by"][0]
    assert ev["frontrunner_level"] == 70.0 and ev["gap_to_frontrunner"] == -25.0
    ci = {"block_gap_to_frontrunner": {"block": "b1", "min_gap": 20, "ci_excludes_level": True}}
    assert fires(res(50.0), ci)
    assert not fires(
        h.make_result(
            blocks=[h.block(R, "b1", 50.0, half=25)], benchmarks=[h.bench(R, "b1", "all", 50.0, 50.0, level=70.0)]
        ),
        ci,
    )


def test_item_below_threshold():
    t = {"item_below": {"item": "b1_edp_consulted", "threshold": 35}}
    assert fires(h.make_result(items=[h.item(R, "b1_edp_consulted", 34.9)]), t)
    assert not fires(h.make_result(items=[h.item(R, "b1_edp_consulted", 35.0)]), t)
    assert not fires(h.make_result(items=[h.item(R, "b1_other", 10.0)]), t)


YES_NO = ("yes", "partly", "no", "dont_know")


def share_result(no, n=12, status="ok"):
    rest = 1.0 - no
    shares = dict(zip(YES_NO, (rest / 2, rest / 2, no, 0.0), strict=True))
    return h.make_result(
        items=[h.item(R, "b1_governance_seat", 50.0, status=status, n=n)],
        distributions=[h.dist(R, "b1_governance_seat", shares, n=n)],
    )


def test_item_share_min_and_max():
    t = {"item_share": {"item": "b1_governance_seat", "choices": ["no"], "min_share": 0.5}}
    recs = fired(share_result(0.5), t)
    assert len(recs) == 1
    assert evidence(recs)["triggered_by"][0]["share"] == 0.5
    assert not fires(share_result(0.49), t)
    two = {"item_share": {"item": "b1_governance_seat", "choices": ["no", "partly"], "min_share": 0.5}}
    assert fires(share_result(0.3), two)  # 0.3 + 0.35
    few_yes = {"item_share": {"item": "b1_governance_seat", "choices": ["yes"], "max_share": 0.2}}
    assert fires(share_result(0.6, n=20), few_yes)  # yes = 0.2: 4 of 20
    assert not fires(share_result(0.58, n=20), few_yes)  # yes = 0.21
    # 'yes' = 2 of 12: the chart pools it, so the evidence may not print '20% of 12' (2 people)
    assert not fires(share_result(0.6), few_yes)
    typo = {"item_share": {"item": "b1_governance_seat", "choices": ["No"], "min_share": 0.1}}
    assert not fires(share_result(0.9), typo)


def test_groups_disagree():
    t = {"groups_disagree": {"block": "b1", "min_items": 2}}

    def res(flags):
        names = [f"b1_q{k}" for k in range(len(flags))]
        return h.make_result(
            items=[h.item(R, n, 50.0) for n in names],
            dispersion=[h.disp(R, n, 30.0 + k, f) for k, (n, f) in enumerate(zip(names, flags, strict=True))],
        )

    recs = fired(res([True, True, False]), t)
    assert len(recs) == 1
    assert recs["gap"].iloc[0] == pytest.approx(31.0)  # the largest spread
    assert not fires(res([True, False, False]), t)
    assert fires(res([False, True]), {"groups_disagree": {"items": ["b1_q1"]}})
    assert not fires(res([False, True]), {"groups_disagree": {"items": ["b1_q0"]}})


def test_stakeholder_groups_below():
    t = {"stakeholder_groups_below": {"block": "b1", "min_groups": 2}}

    def res(statuses):
        return h.make_result(
            blocks=[h.block(R, "b1", 50.0)],
            group_blocks=[
                h.group_block(R, "b1", g, 50.0, status=s)
                for g, s in zip(("cluster_manager", "policy_maker", "company"), statuses, strict=True)
            ],
        )

    recs = fired(res(["ok", "suppressed", "suppressed"]), t)
    assert evidence(recs)["triggered_by"][0]["groups_published"] == 1
    assert not fires(res(["ok", "ok", "suppressed"]), t)


def test_insufficient_data():
    t = {"insufficient_data": {"block": "b1"}}
    assert fires(h.make_result(blocks=[h.block(R, "b1", 50.0, status="insufficient")]), t)
    assert not fires(h.make_result(blocks=[h.block(R, "b1", 50.0)]), t)
    recs = fired(
        h.make_result(blocks=[h.block(R, "b1", 50.0), h.block(R, "b2", 50.0, status="suppressed")]),
        {"insufficient_data": {}},
        blocks=("b1", "b2"),
    )
    ev = evidence(recs)["triggered_by"]
    assert ev == [{"trigger": "insufficient_data", "block": "b2", "status": "suppressed"}]
    assert np.isnan(recs["gap"].iloc[0])


# -- alignment, perception and synergies ---------------------------------------------------------------


def alignment(
    vertical=20.0, neighbours=(35.0, 25.0), flag="perceived higher", strength=1.2, perceived_status="ok"
) -> AlignmentResult:
    territories = pd.DataFrame(
        [
            {
                "territory": R,
                "vertical": vertical,
                "n_neighbours": len(neighbours),
                "neighbours_mean": float(np.mean(neighbours)),
                "neighbours_min": float(np.min(neighbours)),
            }
        ]
    )
    pairs = pd.DataFrame(
        [{"territory_a": R, "territory_b": "XX", "kind": "vertical", "score": vertical}]
        + [
            {"territory_a": f"YY{k}", "territory_b": R, "kind": "neighbour", "score": s}
            for k, s in enumerate(neighbours)
        ]
    )
    synergies = pd.DataFrame(
        [
            {
                "topic_axis": "nace",
                "topic_code": "C27",
                "topic_title": "Electrical equipment",
                # R shares it with its neighbours YY0 and YY1 (half the strength each); YY9, no neighbour
                # of R, joins the group through YY1
                "territories": f"{R} YY0 YY1 YY9",
                "n_territories": 4,
                "neighbour_pairs": f"{R}|YY0 {R}|YY1 YY1|YY9",
                "pair_scores": f"{50 * strength:.2f} {50 * strength:.2f} 90.00",
                "strength": strength + 0.9,
            },
            {
                "topic_axis": "nace",
                "topic_code": "C29",
                "topic_title": "Motor vehicles",
                "territories": "YY0 YY1",
                "n_territories": 2,
                "neighbour_pairs": "YY0|YY1",
                "pair_scores": "100.00",
                "strength": 5.0,
            },
        ]
    )
    perception = pd.DataFrame(
        [
            {
                "territory": R,
                "perceived": 70.0,
                "perceived_ci_low": 60.0,
                "perceived_ci_high": 80.0,
                "perceived_status": perceived_status,
                "vertical": vertical,
                "neighbours": 30.0,
                "measured": 25.0,
                "perceived_rank": 90.0,
                "measured_rank": 40.0,
                "gap": 50.0,
                "flag": flag,
            }
        ]
    )
    empty = pd.DataFrame()
    return AlignmentResult([], pairs, empty, empty, synergies, territories, empty, empty, perception, {})


BASE = h.make_result(blocks=[h.block(R, "b2", 50.0)])


def test_alignment_below_vertical_and_neighbour():
    t = {"alignment_below": {"kind": "vertical", "threshold": 30}}
    recs = fired(BASE, t, alignment=alignment(vertical=29.9), blocks=("b2",))
    assert len(recs) == 1
    ev = evidence(recs)["triggered_by"][0]
    assert ev["score"] == 29.9 and ev["pairs"] == [{"territory": "XX", "score": 29.9}]
    assert not fires(BASE, t, alignment=alignment(vertical=30.0), blocks=("b2",))
    assert not fires(BASE, t, alignment=alignment(vertical=np.nan), blocks=("b2",))
    mean = {"alignment_below": {"kind": "neighbour", "threshold": 30}}
    assert not fires(BASE, mean, alignment=alignment(neighbours=(35.0, 25.0)), blocks=("b2",))  # mean 30
    assert fires(BASE, mean, alignment=alignment(neighbours=(34.0, 25.0)), blocks=("b2",))
    low = {"alignment_below": {"kind": "neighbour", "threshold": 30, "statistic": "min"}}
    assert fires(BASE, low, alignment=alignment(neighbours=(35.0, 25.0)), blocks=("b2",))
    # Without alignment results the rule cannot fire, and the record says so.
    recs = recommend(BASE, rules=h.ruleset(h.rule("r1", t, blocks=("b2",))))
    assert recs.empty and recs.attrs["record"]["not_evaluated"] == {"r1": "needs alignment results"}


def test_perception_flag():
    t = {"perception_flag": {"flag": "perceived higher"}}
    recs = fired(BASE, t, alignment=alignment(), blocks=("b2",))
    assert recs["gap"].iloc[0] == pytest.approx(50.0)
    assert evidence(recs)["triggered_by"][0]["measured"] == 25.0
    assert not fires(BASE, t, alignment=alignment(flag="consistent"), blocks=("b2",))
    assert not fires(BASE, t, alignment=alignment(perceived_status="suppressed"), blocks=("b2",))


def test_perception_computed_when_the_alignment_run_had_no_block_scores():
    al = alignment(vertical=80.0, neighbours=(80.0,))
    al.perception = None
    other = "ZZ22"
    res = h.make_result(blocks=[h.block(R, "b2", 10.0), h.block(other, "b2", 90.0)])
    al.territories = pd.concat(
        [al.territories, pd.DataFrame([{"territory": other, "vertical": 10.0, "neighbours_mean": 10.0}])],
        ignore_index=True,
    )
    recs = fired(res, {"perception_flag": {"flag": "perceived lower"}}, alignment=al, blocks=("b2",))
    assert len(recs) == 1


def test_synergy_shared():
    t = {"synergy_shared": {"min_strength": 1.0}}
    recs = fired(BASE, t, alignment=alignment(strength=1.2), blocks=("b2",), evidence=["synergies"])
    topics = evidence(recs)["triggered_by"][0]["topics"]
    assert [x["code"] for x in topics] == ["C27"] and topics[0]["partners"] == ["YY0", "YY1"]
    assert topics[0]["strength"] == 1.2 and topics[0]["mean"] == 60.0  # its own pairs, not the group's 2.1
    assert evidence(recs)["synergies"] == topics
    # the group reaches 1.89 through YY1–YY9; the territory's own pairs only 0.99
    assert not fires(BASE, t, alignment=alignment(strength=0.99), blocks=("b2",))
    assert not fires(BASE, {"synergy_shared": {"min_topics": 2}}, alignment=alignment(), blocks=("b2",))


def test_synergy_shared_without_own_pair_scores_does_not_fire():
    """Results written before pair_scores: no own strength, so no hit (never the chain's strength)."""
    al = alignment(strength=1.2)
    al.synergies = al.synergies.drop(columns=["pair_scores"])
    assert not fires(BASE, {"synergy_shared": {"min_strength": 1.0}}, alignment=al, blocks=("b2",))
    recs = fired(BASE, {"alignment_below": {"kind": "vertical", "threshold": 30}}, alignment=al, blocks=("b2",),
                 evidence=["synergies"])  # fmt: skip
    (topic,) = evidence(recs)["synergies"]
    assert topic["partners"] == ["YY0", "YY1"] and topic["strength"] is None and topic["mean"] is None


def test_alignment_tables_as_a_dict():
    al = alignment(vertical=10.0)
    tables = {
        "alignment_territories": al.territories,
        "alignment_pairs": al.pairs,
        "synergies": al.synergies,
        "perception_vs_evidence": al.perception,
    }
    assert fires(BASE, {"alignment_below": {"kind": "vertical", "threshold": 30}}, alignment=tables, blocks=("b2",))


# -- combinators -----------------------------------------------------------------------------------------


def test_all_and_any():
    res = h.make_result(blocks=[h.block(R, "b1", 30.0), h.block(R, "b2", 60.0)])
    low1 = {"block_below": {"block": "b1", "threshold": 40}}
    low2 = {"block_below": {"block": "b2", "threshold": 40}}
    assert not fires(res, {"all": [low1, low2]}, blocks=("b1", "b2"))
    recs = fired(res, {"any": [low1, low2]}, blocks=("b1", "b2"))
    assert len(evidence(recs)["triggered_by"]) == 1
    res2 = h.make_result(blocks=[h.block(R, "b1", 30.0), h.block(R, "b2", 35.0)])
    recs = fired(res2, {"all": [low1, low2]}, blocks=("b1", "b2"))
    assert len(evidence(recs)["triggered_by"]) == 2
    assert recs["gap"].iloc[0] == pytest.approx(-10.0)  # the member with the largest gap


# -- suppression ---------------------------------------------------------------------------------------


def test_suppressed_figures_never_trigger_nor_appear_in_evidence():
    # Sentinel values in suppressed rows (real results leave them empty; a hand-made table might not).
    res = h.make_result(
        blocks=[{**h.block(R, "b1", 11.11), "status": "suppressed"}, h.block(R, "b2", 30.0)],
        items=[
            {**h.item(R, "b1_governance_seat", 22.22), "status": "suppressed", "n": 2},
            h.item(R, "b2_vertical_coordination", 30.0),
        ],
        distributions=[
            [
                {**r, "share": 0.9 if r["choice"] == "no" else 0.0333}
                for r in h.dist(R, "b1_governance_seat", dict.fromkeys(YES_NO, 0.0), n=2)
            ],
            h.dist(R, "b2_vertical_coordination", dict(zip(YES_NO, (0.2, 0.2, 0.6, 0.0), strict=True))),
        ],
        benchmarks=[h.bench(R, "b1", "all", 11.11, 50.0), h.bench(R, "b2", "all", 30.0, 50.0)],
        dispersion=[h.disp(R, "b1_governance_seat", 44.44, True)],
        group_blocks=[
            h.group_block(R, "b1", "company", 33.33, n=2, status="suppressed") | {"score": 33.33},
            h.group_block(R, "b2", "company", 30.0),
            h.group_block(R, "b2", "policy_maker", 55.55, n=2),
        ],  # 'ok' but below the threshold
    )
    quiet = [
        {"block_below_peers": {"block": "b1"}},
        {"block_below": {"block": "b1", "threshold": 50}},
        {"block_gap_to_frontrunner": {"block": "b1", "min_gap": 1}},
        {"item_below": {"item": "b1_governance_seat", "threshold": 50}},
        {"item_share": {"item": "b1_governance_seat", "choices": ["no"], "min_share": 0.5}},
        {"groups_disagree": {"block": "b1"}},
    ]
    for t in quiet:
        assert not fires(res, t), t
    assert fires(res, {"insufficient_data": {"block": "b1"}})
    # A rule on both blocks fires on b2; its evidence must hold no b1 figure.
    recs = fired(
        res,
        {"block_below": {"block": "b2", "threshold": 40}},
        blocks=("b1", "b2"),
        evidence=[
            "block_scores",
            "benchmarks",
            "group_breakdown",
            "item_distribution:b1_governance_seat",
            "item_distribution:b2_vertical_coordination",
        ],
    )
    text = recs["evidence"].iloc[0]
    for sentinel in ("11.11", "22.22", "33.33", "44.44", "55.55", "0.9,", "0.0333"):
        assert sentinel not in text, sentinel
    ev = json.loads(text)
    assert [b["block"] for b in ev["block_scores"]] == ["b2"]
    assert {b["block"] for b in ev["benchmarks"]} == {"b2"}
    assert ev["group_breakdown"] == [{"block": "b2", "stakeholder_group": "company", "score": 30.0, "n": 4}]
    assert list(ev["item_distribution"]) == ["b2_vertical_coordination"]


def test_distribution_below_threshold_is_suppressed_even_if_shares_are_given():
    res = share_result(0.9, n=2)
    res.distributions["share"] = res.distributions["share"].fillna(0.9)
    res.item_scores["status"] = "ok"
    assert not fires(res, {"item_share": {"item": "b1_governance_seat", "choices": ["no"], "min_share": 0.5}})


# -- ranking -------------------------------------------------------------------------------------------


def test_ranking_by_priority_then_gap_then_id():
    res = h.make_result(
        blocks=[
            h.block(R, "b1", 30.0),
            h.block(R, "b2", 45.0),
            h.block(R, "b3", 10.0),
            h.block(R, "b4", 20.0, status="insufficient"),
        ]
    )
    rules = h.ruleset(
        h.rule("p3-big", {"block_below": {"block": "b3", "threshold": 60}}, blocks=["b3"], priority=3),
        h.rule("p2-small", {"block_below": {"block": "b2", "threshold": 50}}, blocks=["b2"], priority=2),
        h.rule("p2-nogap", {"insufficient_data": {"block": "b4"}}, blocks=["b4"], priority=2),
        h.rule("p2-big", {"block_below": {"block": "b1", "threshold": 50}}, blocks=["b1"], priority=2),
        h.rule("p2-big-b", {"block_below": {"block": "b1", "threshold": 50}}, blocks=["b1"], priority=2),
        h.rule("p1", {"block_below": {"block": "b2", "threshold": 46}}, blocks=["b2"], priority=1),
        h.rule("quiet", {"block_below": {"block": "b1", "threshold": 30}}, blocks=["b1"], priority=1),
    )
    recs = recommend(res, rules=rules)
    assert list(recs.columns) == COLUMNS
    assert recs["rule_id"].tolist() == ["p1", "p2-big", "p2-big-b", "p2-small", "p2-nogap", "p3-big"]
    assert recs["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert recs["gap"].tolist()[:4] == pytest.approx([-1.0, -20.0, -20.0, -5.0])


def test_ranking_restarts_per_territory_and_empty_output():
    res = h.make_result(blocks=[h.block("AA1", "b1", 30.0), h.block("BB2", "b1", 20.0), h.block("CC3", "b1", 90.0)])
    rules = h.ruleset(
        h.rule("a", {"block_below": {"block": "b1", "threshold": 50}}),
        h.rule("b", {"block_below": {"block": "b1", "threshold": 25}}, priority=1),
    )
    recs = recommend(res, rules=rules)
    assert recs[["region", "rule_id", "rank"]].values.tolist() == [["AA1", "a", 1], ["BB2", "b", 1], ["BB2", "a", 2]]
    quiet = recommend(h.make_result(blocks=[h.block("CC3", "b1", 90.0)]), rules=rules)
    assert quiet.empty and list(quiet.columns) == COLUMNS


# -- excerpts ------------------------------------------------------------------------------------------


def comments(n, region=R, item="open_obstacles", text="The draft was hard to find."):  # b1: "draft"
    return pd.DataFrame(
        [
            {
                "respondent_id": f"{region}-{k:04d}",
                "region": region,
                "stakeholder_group": "policy_maker",
                "item": item,
                "text": f"{text} ({k})",
            }
            for k in range(n)
        ]
    )


LOW = {"block_below": {"block": "b1", "threshold": 50}}
RES = h.make_result(blocks=[h.block(R, "b1", 30.0)])


def excerpts(oc, evidence=("open_answers:open_obstacles",), **kw):
    recs = fired(RES, LOW, evidence=list(evidence), open_comments=oc, **kw)
    return json.loads(recs["excerpts"].iloc[0])


def test_excerpts_respect_the_anonymity_threshold():
    assert excerpts(comments(2)) == []
    got = excerpts(comments(3))
    assert len(got) == 3 and all(g.startswith("The draft was hard to find.") for g in got)
    assert excerpts(comments(3), min_respondents=4) == []
    assert len(excerpts(comments(5), max_excerpts=2)) == 2
    # Two respondents of another territory do not count towards this one's threshold.
    assert excerpts(pd.concat([comments(2), comments(5, region="ZZ9")])) == []
    # Only open questions named in the rule's evidence.
    assert excerpts(comments(5, item="open_suggestions")) == []
    assert excerpts(comments(3), evidence=()) == []


def test_excerpts_hide_identities_and_contacts():
    oc = comments(3)
    oc.loc[0, "text"] = "Draft: write to jane.doe@region.example.org or see https://www.example.com/s3?x=1 now"
    oc.loc[1, "text"] = "Draft: call me on +41 79 123 45 67 or 0039 02 1234567 please; see www.cluster.example"
    oc.loc[2, "text"] = "draft " * 80
    got = excerpts(oc)
    joined = " ".join(got)
    for secret in ("jane.doe", "@", "https://", "example.com", "79 123", "1234567", "www.", "cluster.example"):
        assert secret not in joined, secret
    assert all(len(g) <= 200 for g in got)
    recs = fired(RES, LOW, evidence=["open_answers:open_obstacles"], open_comments=oc)
    row = recs.iloc[0].to_dict()
    assert "policy_maker" not in json.dumps(row, default=str)
    assert f"{R}-0000" not in json.dumps(row, default=str)


def test_excerpt_choice_is_deterministic_with_the_seed():
    oc = pd.concat([comments(9, text=f"Obstacle {k} in the draft") for k in range(3)], ignore_index=True)
    oc["respondent_id"] = [f"r{k}" for k in range(len(oc))]
    a = excerpts(oc, seed=1)
    assert a == excerpts(oc.sample(frac=1.0, random_state=3), seed=1)
    assert any(excerpts(oc, seed=s) != a for s in range(2, 8))


def test_clean_excerpt():
    assert clean_excerpt("mail a.b@c.de now") == "mail [e-mail] now"
    assert clean_excerpt("see http://x.org/a b") == "see [link] b"
    assert clean_excerpt("see portal.region.eu/calls soon") == "see [link] soon"
    assert clean_excerpt("phone +49 (0)89 1234 5678.") == "phone [phone]."
    assert clean_excerpt("the period 2021-2027 and 1000 companies") == "the period 2021-2027 and 1000 companies"
    long = clean_excerpt("abc " * 100)
    assert len(long) <= 200 and long.endswith("…")


def test_open_comments_need_their_columns():
    with pytest.raises(InputError, match="text"):
        recommend(
            RES,
            rules=h.ruleset(h.rule("r1", LOW)),
            open_comments=pd.DataFrame({"region": [R], "item": ["x"], "respondent_id": ["a"]}),
        )


# -- overview and record ---------------------------------------------------------------------------------


def test_overview_counts_territories():
    res = h.make_result(blocks=[h.block("AA1", "b1", 30.0), h.block("BB2", "b1", 20.0), h.block("CC3", "b1", 90.0)])
    rules = h.ruleset(
        h.rule("a", {"block_below": {"block": "b1", "threshold": 50}}),
        h.rule("b", {"block_below": {"block": "b1", "threshold": 25}}, priority=1),
        h.rule("never", {"block_below": {"block": "b1", "threshold": 5}}, priority=1),
    )
    recs = recommend(res, rules=rules)
    ov = recommendation_overview(recs, rules).set_index("rule_id")
    assert ov.loc["a", "n_territories"] == 2 and ov.loc["a", "territories"] == "AA1 BB2"
    assert ov.loc["b", "n_territories"] == 1 and ov.loc["never", "n_territories"] == 0
    assert ov.loc["a", "share_territories"] == pytest.approx(2 / 3)
    assert "never" not in recommendation_overview(recs).set_index("rule_id").index
    rec = recs.attrs["record"]
    assert rec["parameters"] == {"min_respondents": 3, "max_excerpts": 3, "seed": 0, "excerpt_chars": 200}
    assert rec["rules"]["count"] == 3 and rec["territories"] == ["AA1", "BB2", "CC3"]


def test_min_respondents_defaults_to_the_run_threshold():
    res = h.make_result(blocks=[h.block(R, "b1", 30.0)], min_respondents=5)
    recs = recommend(
        res, rules=h.ruleset(h.rule("r1", LOW, evidence=["open_answers:open_obstacles"])), open_comments=comments(4)
    )
    assert json.loads(recs["excerpts"].iloc[0]) == []
    assert recs.attrs["record"]["parameters"]["min_respondents"] == 5


def test_benchmark_triggers_and_evidence_match_the_tables_row_for_row():
    """The engine against figures worked out here from the tables: rows in no particular order, several
    peer groups, suppressed blocks, flags as text, a number as text, a group listed twice."""
    rng = np.random.default_rng(5)
    regions, groups = ["AA1", "BB2", "CC3", "DD4", "EE5"], ["alpine", "european", "north"]
    blocks, bench = [], []
    for r in regions:
        for b in ("b1", "b2"):
            status = "suppressed" if (r, b) == ("CC3", "b1") else "ok"
            score = float(np.round(rng.uniform(20, 80), 3))
            blocks.append(h.block(r, b, score, status=status))
            for g in groups:
                mean = float(np.round(rng.uniform(20, 80), 3))
                bench.append(
                    h.bench(
                        r,
                        b,
                        g,
                        score if status == "ok" else np.nan,
                        mean,
                        indistinguishable=bool(rng.uniform() < 0.3),
                        frontrunners=f"{g.upper()}1 {r}",
                    )
                )
    bench.append(h.bench("EE5", "b1", "north", 10.0, 90.0, frontrunners="LAST1"))  # a group listed twice
    res = h.make_result(
        blocks=blocks,
        benchmarks=bench,
        peer_groups={"alpine": ["AA1", "BB2"], "european": regions, "north": ["X", "Y", "Z", "W"]},
    )
    res.benchmarks = res.benchmarks.sample(frac=1, random_state=3).reset_index(drop=True)
    res.benchmarks["indistinguishable"] = res.benchmarks["indistinguishable"].map({True: "true", False: "false"})
    res.benchmarks["peer_mean"] = res.benchmarks["peer_mean"].astype(object)
    res.benchmarks.loc[0, "peer_mean"] = str(res.benchmarks.loc[0, "peer_mean"])  # a number as text still counts
    rules = h.ruleset(
        h.rule(
            "r1",
            {"block_below_peers": {"block": "b1", "peer_group": "any"}},
            evidence=("benchmarks", "block_scores"),
            peer_group="any",
        )
    )
    recs = recommend(res, rules=rules).set_index("region")

    bm = res.benchmarks.assign(peer_mean=res.benchmarks["peer_mean"].astype(float))
    bm = bm[bm["block"] == "b1"]
    bs = res.block_scores.set_index(["region", "block"])
    expected_regions = []
    for r in regions:
        rows = bm[(bm["region"] == r) & bm["score"].notna()] if bs.loc[(r, "b1"), "status"] == "ok" else bm[:0]
        hits = rows[(rows["gap_to_mean"] < 0) & (rows["indistinguishable"] == "false")]
        if hits.empty:
            assert r not in recs.index
            continue
        expected_regions.append(r)
        ev = json.loads(recs.loc[r, "evidence"])
        assert recs.loc[r, "gap"] == round(float(hits["gap_to_mean"].min()), 4)
        assert [(f["peer_group"], f["gap_to_mean"], f["peer_mean"]) for f in ev["triggered_by"]] == [
            (g, round(gap, 2), round(m, 2))
            for g, gap, m in zip(hits["peer_group"], hits["gap_to_mean"], hits["peer_mean"], strict=True)
        ]
        shown = rows[rows["peer_group"].isin(set(hits["peer_group"]))]  # the rows of the groups that fired
        assert ev["benchmarks"] == [
            {
                "block": "b1",
                "peer_group": g,
                "score": round(s, 2),
                "peer_mean": round(m, 2),
                "peer_median": round(md, 2),
                "frontrunner_level": round(lv, 2),
                "gap_to_mean": round(gm, 2),
                "gap_to_frontrunner": round(gf, 2),
                "indistinguishable": ind == "true",
            }
            for g, s, m, md, lv, gm, gf, ind in shown[
                [
                    "peer_group",
                    "score",
                    "peer_mean",
                    "peer_median",
                    "frontrunner_level",
                    "gap_to_mean",
                    "gap_to_frontrunner",
                    "indistinguishable",
                ]
            ].itertuples(index=False)
        ]
        score = bs.loc[(r, "b1")]
        assert ev["block_scores"] == [
            {
                "block": "b1",
                "score": round(score["score"], 2),
                "ci_low": round(score["ci_low"], 2),
                "ci_high": round(score["ci_high"], 2),
                "n": 12,
            }
        ]
        # Frontrunners: the fired group with the fewest members (its last row), without the territory itself.
        fired_groups = set(hits["peer_group"])
        group = min(fired_groups, key=lambda g: (len(res.record["peer_groups"][g]), g))
        last = bm[(bm["region"] == r) & (bm["peer_group"] == group)].iloc[-1]
        assert ev["frontrunners"]["b1"]["territories"] == sorted(c for c in last["frontrunners"].split() if c != r)
    assert sorted(recs.index) == expected_regions and "CC3" not in expected_regions
    assert "EE5" in expected_regions  # the extra row (10 against 90) fires


def test_excerpts_take_every_answer_when_there_are_few():
    res = h.make_result(items=[h.item(R, "b1_x", 20.0)])
    rules = h.ruleset(
        h.rule(
            "r1",
            {"item_below": {"item": "b1_x", "threshold": 50}},
            evidence=("open_answers:q_open", "open_answers:q_more"),
        )
    )
    comments = pd.DataFrame(
        {
            "respondent_id": ["a", "b", "c", "d", "a"],
            "region": R,
            "item": ["q_open", "q_open", "q_open", "q_more", "q_more"],
            "text": ["Zeta draft idea", "alpha draft idea", "none", "alpha draft idea", "mail me at a@b.org"],
        }
    )
    recs = recommend(res, rules=rules, open_comments=comments, max_excerpts=3)
    # q_more has 2 respondents (< 3): left out; "none" says nothing; the rest sorted.
    assert json.loads(recs["excerpts"].iloc[0]) == ["Zeta draft idea", "alpha draft idea"]
    recs = recommend(res, rules=rules, open_comments=comments, max_excerpts=1)
    assert json.loads(recs["excerpts"].iloc[0])[0] in {"Zeta draft idea", "alpha draft idea"}


def test_national_alignment_evidence_records_the_period_of_the_national_s3_compared():
    al = alignment(vertical=29.9)
    al.territories["period"] = "2021-2027"
    al.territories["national_period"] = "2014-2020"  # the latest sourced national S3 is older
    vertical = fired(BASE, {"alignment_below": {"kind": "vertical", "threshold": 30}}, alignment=al, blocks=("b2",))
    assert evidence(vertical)["triggered_by"][0]["national_period"] == "2014-2020"
    perceived = fired(BASE, {"perception_flag": {"flag": "perceived higher"}}, alignment=al, blocks=("b2",))
    assert evidence(perceived)["triggered_by"][0]["national_period"] == "2014-2020"
    # neighbours only: no national period is claimed
    neighbour = fired(BASE, {"alignment_below": {"kind": "neighbour", "threshold": 40}}, alignment=al, blocks=("b2",))
    assert "national_period" not in evidence(neighbour)["triggered_by"][0]
