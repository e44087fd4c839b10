"""Recommendation wording against a peer value follows the interval, never the point score alone.

The reviewer found "34 [25–44] ... below the mean of its peers (35)" in a report that defines "in line"
as an interval containing the mean: below only when the whole interval lies under the reference, above
only when it lies over it, otherwise in line.
"""

from __future__ import annotations

import json
import re

import recommend_support as h
from hypothesis import given, settings
from hypothesis import strategies as st

from s3stresstest.i18n import LANGUAGES, translator
from s3stresstest.recommend.compose import Composer, versus
from s3stresstest.report.evidence import sentence

BELOW = re.compile(r"\bbelow\b|\bbehind\b", re.I)
ABOVE = re.compile(r"\babove\b|\bahead\b", re.I)


def _composer() -> Composer:
    res = h.make_result(items=[h.item("AA11", "b1_q1", 50)], peer_groups={"g": ["AA11"]})
    return Composer(res, h.ruleset(h.rule("r", {"item_below": {"item": "b1_q1", "threshold": 40}})))


COMPOSER = _composer()
figures = st.tuples(
    st.floats(0, 100, allow_nan=False), st.floats(0, 40, allow_nan=False), st.floats(0, 40, allow_nan=False)
).map(lambda x: (x[0], max(0.0, x[0] - x[1]), min(100.0, x[0] + x[2])))


def test_versus_needs_the_whole_interval_beyond_the_reference():
    assert versus(25, 44, 35) == "in line"  # the reviewer's case: 34 [25–44] against 35
    assert versus(25, 34, 35) == "below" and versus(36, 50, 35) == "above"
    assert versus(25, 35, 35) == "in line" and versus(35, 50, 35) == "in line"  # touching is not beyond
    assert versus(float("nan"), 44, 35) is None and versus(25, 44, float("nan")) is None


@settings(max_examples=200, deadline=None)
@given(fig=figures, mean=st.floats(0, 100, allow_nan=False), stretch=st.booleans())
def test_weakest_question_is_never_called_below_or_above_peers_inside_the_interval(fig, mean, stretch):
    score, lo, hi = fig
    f = {
        "trigger": "item_weakest",
        "item": "b1_q1",
        "block": "b1",
        "score": score,
        "ci_low": lo,
        "ci_high": hi,
        "n": 12,
        "peer_group": "g",
        "peer_mean": mean,
        "own_mean": 60.0,
        "stretch": stretch,
    }
    text = COMPOSER.opener("AA11", "item-weakest", [f], translator("en"))
    peer = text  # the openers themselves say "weakest" or "lowest", never below or above
    if lo <= mean <= hi:
        assert not BELOW.search(peer) and not ABOVE.search(peer), text
        assert "in line with the mean" in peer, text
    elif hi < mean:
        assert BELOW.search(peer) and not ABOVE.search(peer), text
    else:
        assert ABOVE.search(peer) and not BELOW.search(peer), text


def test_the_reviewers_case_reads_in_line_in_every_language():
    f = {
        "trigger": "item_weakest",
        "item": "b1_q1",
        "block": "b1",
        "score": 34.0,
        "ci_low": 25.0,
        "ci_high": 44.0,
        "n": 8,
        "peer_group": "g",
        "peer_mean": 35.0,
        "own_mean": 72.0,
        "stretch": False,
    }
    texts = {lang: COMPOSER.opener("AA11", "item-weakest", [f], translator(lang)) for lang in LANGUAGES}
    assert "in line with the mean" in texts["en"] and "also below" not in texts["en"]
    assert "al di sotto della media" not in texts["it"]
    for lang in ("de", "fr", "it", "sl"):
        assert texts[lang] != COMPOSER.opener(
            "AA11", "item-weakest", [dict(f, ci_low=20.0, ci_high=30.0)], translator(lang)
        )


@settings(max_examples=100, deadline=None)
@given(fig=figures, mean=st.floats(0, 100, allow_nan=False))
def test_below_peers_rows_say_below_only_beyond_the_interval(fig, mean):
    """A user's rule may fire without ci_excludes_mean: its row then does not claim 'below'."""
    score, lo, hi = fig
    f = {
        "trigger": "block_below_peers",
        "block": "b1",
        "score": score,
        "ci_low": lo,
        "ci_high": hi,
        "n": 12,
        "peer_group": "g",
        "peer_mean": mean,
        "gap_to_mean": score - mean,
        "interval_excludes_mean": not lo <= mean <= hi,
    }
    text = COMPOSER.opener("AA11", "b1-low", [f], translator("en"))
    evidence = sentence(f)
    if lo <= mean <= hi:
        assert not BELOW.search(text) and not ABOVE.search(text), text
        assert not BELOW.search(evidence) and "in line" in evidence, evidence
    elif hi < mean:
        assert BELOW.search(text), text


def test_frontrunner_level_inside_the_interval_is_not_called_a_gap_below():
    f = {
        "trigger": "block_gap_to_frontrunner",
        "block": "b1",
        "score": 40.0,
        "ci_low": 20.0,
        "ci_high": 75.0,
        "n": 12,
        "peer_group": "g",
        "frontrunner_level": 72.0,
        "gap_to_frontrunner": -32.0,
    }
    text = COMPOSER.opener("AA11", "b6-far", [f], translator("en"))
    assert not BELOW.search(text) and "within its interval" in text, text
    assert BELOW.search(COMPOSER.opener("AA11", "b6-far", [dict(f, ci_high=60.0)], translator("en")))


def test_a_weak_point_reaching_its_own_average_is_not_called_well_below_it():
    """The rationale "well below its average over all questions" needs the interval wholly below that average."""
    from s3stresstest.recommend import recommend
    from s3stresstest.recommend.compose import ITEM_WEAKEST, compose

    items = [
        h.item("AA11", f"b1_q{k}", v, half=h_, n=12)
        for k, (v, h_) in enumerate([(40, 30), (45, 3), (80, 3), (85, 3)], 1)
    ]
    peers = {1: 40, 2: 45, 3: 80, 4: 85}  # as the territory: nothing behind its peers
    items += [h.item(p, f"b1_q{k}", v, half=3, n=12) for p in ("PP1", "PP2", "PP3") for k, v in peers.items()]
    res = h.make_result(items=items, peer_groups={"g": ["AA11", "PP1", "PP2", "PP3"]})
    rules = h.ruleset(h.rule("r", {"item_below": {"item": "b1_q4", "threshold": 10}}))
    out = compose(recommend(res, rules=rules), res, rules=rules)
    mine = out[(out["region"] == "AA11") & (out["rule_id"] == ITEM_WEAKEST)]
    why = {
        json.loads(e)["triggered_by"][0]["item"]: r for e, r in zip(mine["evidence"], mine["rationale"], strict=True)
    }
    assert (
        "well below its average" not in why["b1_q1"] and "not clearly below its average" in why["b1_q1"]
    )  # 40 [10–70], mean 62.5
    assert "well below its average" in why["b1_q2"]  # 45 [42–48]
    for lang in ("de", "fr", "it", "sl"):
        texts = [tx[lang]["rationale"] for tx in mine["texts"]]
        assert len(set(texts)) == 2, texts  # the two rationales differ in every language
