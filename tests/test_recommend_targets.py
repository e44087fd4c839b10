"""Issue 11's targets for the recommendations, checked on the synthetic demo run (36 territories).

Learn-from names only territories clearly higher on the triggering figures; every territory gets
3-7 written out; texts are specific (distinct, never one paragraph for many territories); the
priority score is on 0-100 and orders the ranks; nothing asks for what the report already does.
Praise joined into criticism (`also`) is checked on a small explicit input: the demo may have none.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import pandas as pd
import pytest

from s3stresstest.recommend.compose import MARGIN, WRITTEN, clearly_higher, priority_score
from s3stresstest.run import ReferenceData, run_demo
from s3stresstest.run.schema import WRITTEN_RECOMMENDATIONS


@pytest.fixture(scope="module")
def demo(shared_data):
    return run_demo(seed=2017, bootstrap=30, reference=ReferenceData.load(shared_data))


@pytest.fixture(scope="module")
def recs(demo):
    return demo.recommendations


@pytest.fixture(scope="module")
def recs_2014_2020(shared_data):
    """The demo aligned on the 2014-2020 strategies only: the reported ITH2 example (low national alignment
    against the 2014-2020 SNSI) belongs to that period; by default ITH2's 2021-2027 S3 is compared."""
    run = run_demo(seed=2017, bootstrap=30, reference=ReferenceData.load(shared_data), period="2014-2020")
    assert set(run.alignment_record["periods"].values()) == {"2014-2020"}
    return run.recommendations


def _figures(df: pd.DataFrame, key: str, k: int) -> dict[tuple[str, str], tuple[float, float, float, int]]:
    ok = df[(df["status"] == "ok") & (df["n"] >= k)]
    return {
        (str(r["region"]), str(r[key])): (float(r["score"]), float(r["ci_low"]), float(r["ci_high"]), int(r["n"]))
        for r in ok.to_dict("records")
    }


def test_learn_from_territories_score_clearly_higher_on_the_triggering_figures(demo, recs):
    k = demo.min_respondents
    items, blocks = _figures(demo.item_scores, "item", k), _figures(demo.block_scores, "block", k)
    terr = demo.alignment["alignment_territories"].set_index("territory")
    checked = 0
    for r in recs.to_dict("records"):
        ev = json.loads(r["evidence"])
        units = [u.split(":", 1) for u in ev.get("compared_on") or []]
        learn = str(r["learn_from"]).split()
        assert learn == [e["territory"] for e in ev.get("learn_from") or []]
        if learn:
            assert units, r["rule"]
        for other in learn:
            assert other != r["region"]
            for kind, code in units:
                if kind in ("item", "block"):
                    table = items if kind == "item" else blocks
                    own, theirs = table[(r["region"], code)], table.get((other, code))
                    assert theirs is not None, (r["region"], r["rule"], other, code)
                    assert clearly_higher(theirs, own), (r["region"], r["rule"], other, code)
                    assert theirs[0] > own[0]
                else:
                    own_v, their_v = float(terr.loc[r["region"], code]), terr[code].get(other, math.nan)
                    assert not math.isnan(float(their_v)), (r["region"], r["rule"], other)
                    assert float(their_v) >= own_v + MARGIN
                checked += 1
    assert checked > 100


def test_the_reported_learn_from_errors_are_gone(demo, recs):
    """SI's seat-in-governance pointed to lower DE1/ITC1/ITH2; ITH2's national alignment to territories
    with no national comparison."""
    k = demo.min_respondents
    items = _figures(demo.item_scores, "item", k)
    si = recs[(recs["region"] == "SI") & (recs["rule"] == "b1-no-governance-seat")]
    for r in si.to_dict("records"):
        own = items[("SI", "b1_governance_seat")]
        for other in str(r["learn_from"]).split():
            assert items[(other, "b1_governance_seat")][1] > own[2]
    vertical = demo.alignment["alignment_territories"].set_index("territory")["vertical"]
    ith2 = recs[(recs["region"] == "ITH2") & (recs["rule"] == "b2-low-vertical-alignment")]
    for r in ith2.to_dict("records"):
        for other in str(r["learn_from"]).split():
            assert not math.isnan(float(vertical.get(other, math.nan)))


def test_every_territory_gets_three_to_seven_written_out(demo, recs):
    assert WRITTEN == WRITTEN_RECOMMENDATIONS
    written = recs[recs["written"]].groupby("region").size()
    assert set(written.index) == set(demo.territories)
    assert written.between(3, 7).all(), written[~written.between(3, 7)]
    assert ((recs["rank"] <= WRITTEN) == recs["written"]).all()


def test_texts_are_specific(demo, recs):
    written = recs[recs["written"]]
    assert written["action"].nunique() >= 0.7 * len(written)
    territories_per_text = recs.groupby("action")["region"].nunique()
    assert territories_per_text.max() <= 3
    for r in written.to_dict("records"):
        assert demo.label(r["region"]).split(" (")[0] in r["action"] or demo.names.get(r["region"], "") in r["action"]


def test_nothing_asks_for_what_the_report_already_does(recs):
    assert not recs["action"].str.contains("desk review", case=False).any()


def test_stretch_advice_never_reads_as_criticism(recs):
    for r in recs[recs["rule"] == "item-weakest"].to_dict("records"):
        fig = json.loads(r["evidence"])["triggered_by"][0]
        if fig.get("stretch"):
            assert "still clearly above" in r["action"] and "stretch target" in r["action"].lower()
            assert fig["ci_low"] > fig["peer_mean"]
        else:
            assert "still clearly above" not in r["action"] and "stretch" not in r["title"].lower()
            assert "Behind peers" not in r["title"]


def test_priority_is_one_score_on_0_to_100_that_orders_the_ranks(recs):
    assert recs["priority"].between(0, 100).all()
    for _, g in recs.groupby("region"):
        assert g.sort_values("rank")["priority"].is_monotonic_decreasing
    assert priority_score(40.0, 1.0, 1.0) == 100
    assert priority_score(0.0, 0.6, 0.65) < priority_score(30.0, 0.6, 0.65) < priority_score(30.0, 1.0, 1.0)


def test_item_triggers_reach_weak_questions_and_frontrunners(demo, recs):
    rules = Counter(recs["rule"])
    assert rules["item-below-peers"] > 0 and rules["item-weakest"] > 0
    # ES51 had no recommendation and Salzburg's weakest questions none: now they get them.
    k = demo.min_respondents
    items = _figures(demo.item_scores, "item", k)
    at32 = sorted((f[0], it) for (r, it), f in items.items() if r == "AT32")[:3]
    named = " ".join(recs.loc[recs["region"] == "AT32", "items"])
    assert all(it in named.split() for _, it in at32)
    assert (recs["region"] == "ES51").sum() >= 3


def test_no_figure_from_fewer_than_k_respondents(demo, recs):
    k = demo.min_respondents

    def walk(x):
        if isinstance(x, dict):
            n = x.get("n")
            if isinstance(n, int | float) and not isinstance(n, bool):
                assert n >= k, x
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for ev in recs["evidence"]:
        walk(json.loads(ev))


def test_evidence_reads_the_new_triggers_and_learn_from(recs):
    from s3stresstest.report.evidence import evidence_sentences

    for rule in ("item-below-peers", "item-weakest"):
        r = recs[(recs["rule"] == rule) & (recs["learn_from"] != "")].iloc[0]
        lines = evidence_sentences(r["evidence"], territory=lambda c: f"<{c}>")
        assert not any(line.startswith("Item ") for line in lines)  # not the fallback 'item below peers: ...'
        assert "interval" in lines[0] and "n = " in lines[0]
        assert lines[-1].startswith("Territories clearly higher on the same figure: ")
        assert all(f"<{c}>" in lines[-1] for c in r["learn_from"].split())


def test_synergy_partners_are_neighbours(demo, recs):
    """ITH2 named Piemonte (a territory sharing the topic with a neighbour) as a neighbour."""
    pairs = demo.alignment["alignment_pairs"]
    pairs = pairs[pairs["kind"] == "neighbour"]
    neighbours: dict[str, set[str]] = {}
    for a, b in zip(pairs["territory_a"], pairs["territory_b"], strict=True):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    seen = 0
    for r in recs.to_dict("records"):
        for fig in json.loads(r["evidence"])["triggered_by"]:
            for topic in fig.get("topics") or []:
                assert set(topic["partners"]) <= neighbours.get(r["region"], set()), (r["region"], topic)
                seen += 1
        if r["region"] == "ITH2" and "synergy" in r["rule"]:  # only as a territory to learn from
            named = [x for x in r["action"].split(". ") if demo.names["ITC1"] in x]
            assert all("clearly higher" in x or "clearly ahead" in x for x in named), named
    assert seen


def test_no_territory_is_praised_and_criticised_for_the_same_thing(recs):
    from s3stresstest.recommend.compose import CONTRADICTIONS

    for region, g in recs.groupby("region"):
        rules = set(g["rule"])
        for bad, good in CONTRADICTIONS:
            assert not {bad, good} <= rules, region
    joined = recs[recs["evidence"].str.contains('"also"')]
    assert joined["action"].str.contains("Build on what is shared already").all()


def _weak_neighbours_strong_topic(pairs: str) -> pd.DataFrame:
    """AA11's written S3 matches its neighbours BB11 and CC11 weakly overall (mean 25 < 30: the built-in
    b2-low-neighbour-alignment fires) while the neighbour pairs `pairs` share one topic at 0.8 each, the
    group reaching DD11; composed with the built-in rules."""
    import recommend_support as h

    from s3stresstest.recommend import recommend
    from s3stresstest.recommend.compose import compose

    tables = {
        "alignment_territories": pd.DataFrame(
            [
                {
                    "territory": "AA11",
                    "vertical": 60.0,
                    "n_neighbours": 2,
                    "neighbours_mean": 25.0,
                    "neighbours_min": 20.0,
                }
            ]
        ),
        "alignment_pairs": pd.DataFrame(
            [
                {"territory_a": "AA11", "territory_b": "BB11", "kind": "neighbour", "score": 30.0},
                {"territory_a": "CC11", "territory_b": "AA11", "kind": "neighbour", "score": 20.0},
            ]
        ),
        "synergies": pd.DataFrame(
            [
                {
                    "topic_axis": "nace",
                    "topic_code": "C28",
                    "topic_title": "Manufacture of machinery and equipment n.e.c.",
                    "territories": "AA11 BB11 CC11 DD11",
                    "n_territories": 4,
                    "neighbour_pairs": pairs,
                    "n_neighbour_pairs": 3,
                    "evidence_priorities": "AA11:A-1 BB11:B-1 CC11:C-1 DD11:D-1",
                    "mean_pair_score": 80.0,
                    "strength": 2.4,
                    "pair_scores": "80.00 80.00 80.00",
                }
            ]
        ),
    }
    res = h.make_result(blocks=[h.block("AA11", "b2", 50.0)])
    return compose(recommend(res, alignment=tables), res, alignment=tables)


def test_shared_topics_join_the_low_neighbour_alignment_row():
    """Two strong own pairs (0.8 + 0.8 >= 1.5): the praise (b2-synergy-topics) joins the criticism as its
    way out. The same group reached through a chain (one own pair, 0.8) joins nothing: the group's 2.4 is
    not the territory's."""
    out = _weak_neighbours_strong_topic("AA11|BB11 CC11|AA11 BB11|DD11")
    assert list(out["rule_id"]) == ["b2-low-neighbour-alignment"]
    row = out.iloc[0]
    (also,) = json.loads(row["evidence"])["also"]
    assert also["trigger"] == "synergy_shared" and also["topics"][0]["strength"] == 1.6
    assert (
        "Build on what is shared already: AA11 shares 1 priority topic with its own neighbours" in row["recommendation"]
    )
    chain = _weak_neighbours_strong_topic("AA11|BB11 BB11|CC11 CC11|DD11")
    assert list(chain["rule_id"]) == ["b2-low-neighbour-alignment"]
    assert '"also"' not in chain["evidence"].iloc[0]
    assert "Build on what is shared already" not in chain["recommendation"].iloc[0]


def test_joined_figures_are_read_out(recs):
    from s3stresstest.report.evidence import evidence_sentences

    row = recs[recs["evidence"].str.contains('"questions_behind_peers"')].iloc[0]
    lines = evidence_sentences(row["evidence"])
    assert any("below the mean of peer group" in x and "interval excludes" in x for x in lines[1:])
    row = _weak_neighbours_strong_topic("AA11|BB11 CC11|AA11 BB11|DD11").iloc[0]
    lines = evidence_sentences(row["evidence"])
    assert (
        "1 topic shared with its own neighbours, the strongest: Manufacture of machinery and equipment n.e.c. "
        in (lines[-1])
    )
    assert "strength 1.6 with BB11 and CC11" in lines[-1]


@pytest.mark.parametrize("period", ["latest", "2014-2020"])
def test_one_written_recommendation_per_question_and_alignment_axis(period, request):
    """ITH2 got three rows on national alignment (perceived higher than measured, low measured
    alignment, the national-alignment question among its weakest) in the 2014-2020 alignment; they are one
    now, with all figures. No territory lists a question or alignment axis twice in either period."""
    from s3stresstest.recommend.compose import subjects

    recs = request.getfixturevalue("recs" if period == "latest" else "recs_2014_2020")
    for region, g in recs[recs["written"]].groupby("region"):
        seen: Counter[str] = Counter()
        for e in g["evidence"]:
            ev = json.loads(e)
            keys = subjects(ev["triggered_by"], ev.get("questions_behind_peers"))
            for m in ev.get("merged") or []:
                keys |= subjects(m["triggered_by"], m.get("questions_behind_peers"))
            seen.update(k for k in keys if k.startswith(("item:", "alignment:")))
        assert not [k for k, n in seen.items() if n > 1], (region, seen)
    if period == "latest":
        return
    ith2 = recs[(recs["region"] == "ITH2") & recs["evidence"].str.contains('"merged"')]
    merged = {m["rule_id"] for e in ith2["evidence"] for m in json.loads(e)["merged"]}
    rules = set(ith2["rule"]) | merged
    assert {"b2-perceived-higher-than-measured", "b2-low-vertical-alignment"} <= rules
    row = ith2[ith2["rule"].isin(["b2-perceived-higher-than-measured", "b2-low-vertical-alignment"])].iloc[0]
    assert "b2_national_ri_alignment" in row["evidence"]  # the weakest-question figure came along
    from s3stresstest.report.evidence import evidence_sentences

    lines = evidence_sentences(row["evidence"])
    assert any(x.startswith("Alignment with the national S3 2014–2020") for x in lines), lines  # the period compared
    assert any(x.startswith("Respondents rate alignment") for x in lines), lines
    assert not set(recs[recs["region"] == "ITH2"]["rule"]) & (merged - {"item-weakest"})


def test_one_synergy_subject_is_listed_once(recs):
    """ITH2 listed agri-food under NACE, NABS and the industrial ecosystems; one topic now."""
    from s3stresstest.recommend.topics import subject_of

    ith2 = 0
    for r in recs.to_dict("records"):
        for fig in json.loads(r["evidence"])["triggered_by"]:
            topics = fig.get("topics") or []
            keys = [
                (subject_of(t["axis"], t["code"], t["title"]), frozenset(t["partners"]))
                for t in topics
                if subject_of(t["axis"], t["code"], t["title"])
            ]
            assert len(keys) == len(set(keys)), (r["region"], topics)
            if r["region"] == "ITH2" and topics:
                ith2 += 1
                agri = [t for t in topics if subject_of(t["axis"], t["code"], t["title"]) == "agri_food"]
                assert len(agri) <= 1 and sum("food" in str(t["title"]).lower() for t in topics) <= 1
    assert ith2
