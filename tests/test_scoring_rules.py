"""The scoring rules of the issue, one hand-computed case per rule.

Every expected number is worked out in the comments from the instrument in
`scoring_helpers` (lvl: no=0, some=50, full=100, dont_know=no score; inv
(select_multiple): a=40, b=40, c=30, dk=no score; five: s0..s100 = 0..100).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import scoring_helpers as h

from s3stresstest.scoring import choice_value, item_distributions, score_items_and_blocks

INST = h.instrument()


def score(rows, regions=None, **kw):
    return score_items_and_blocks(h.responses(rows), INST, h.params(**kw), regions=regions)


def item(core, region, name):
    return h.row(core.item_scores, region=region, item=name)


def block(core, region, name):
    return h.row(core.block_scores, region=region, block=name)


def group_item(core, region, name, group):
    return h.row(core.group_item_scores, region=region, item=name, stakeholder_group=group)


# ---------------------------------------------------------------------------
# item values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,value,expected",
    [
        ("q1", "no", 0.0),
        ("q1", "some", 50.0),
        ("q1", "full", 100.0),
        ("q1", "dont_know", None),  # choice without score: missing
        ("q1", "", None),  # blank: missing
        ("q3", "a", 40.0),
        ("q3", "a b", 80.0),  # 40 + 40
        ("q3", "a c", 70.0),  # 40 + 30
        ("q3", "a b c", 100.0),  # 40 + 40 + 30 = 110, capped at 100
        ("q3", "c dk", 30.0),  # dk carries no score, c counts
        ("q3", "dk", None),  # only unscored ticks: missing, not 0
        ("q3", "", None),
        ("q6", "s75", 75.0),
    ],
)
def test_choice_value(name, value, expected):
    got = choice_value(INST, name, value)
    if expected is None:
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected)


def test_dont_know_and_blank_are_missing_not_zero():
    # q1: full, full, some, dont_know, blank -> values 100, 100, 50 -> mean 250/3, n = 3
    # (if dont_know/blank counted as 0: 250/5 = 50)
    rows = h.people("AT1", "company", "r", ["full", "full", "some", "dont_know", ""])
    core = score(rows)
    r = item(core, "AT1", "q1")
    assert r["score"] == pytest.approx(250 / 3)
    assert r["n"] == 3
    assert r["status"] == "ok"


def test_select_multiple_sum_cap_and_unscored_only():
    # q3: "a b" -> 80, "a b c" -> 110 capped 100, "c dk" -> 30, "dk" -> missing, "" -> missing
    # mean = (80 + 100 + 30) / 3 = 70, n = 3
    # (without the cap: 220/3 = 73.33; with "dk" as 0: 210/4 = 52.5)
    rows = h.people("AT1", "company", "r", ["a b", "a b c", "c dk", "dk", ""], item="q3")
    r = item(score(rows), "AT1", "q3")
    assert r["score"] == pytest.approx(70.0)
    assert r["n"] == 3
    assert r["status"] == "ok"


def test_select_multiple_only_unscored_everywhere_is_missing():
    # every respondent ticks only "dk": no value at all -> n = 0, suppressed, not a score of 0
    rows = h.people("AT1", "company", "r", ["dk", "dk", "dk", "dk"], item="q3")
    r = item(score(rows), "AT1", "q3")
    assert r["n"] == 0
    assert r["status"] == "suppressed"
    assert math.isnan(r["score"])


# ---------------------------------------------------------------------------
# weighting
# ---------------------------------------------------------------------------


def _weighting_rows():
    # q1: company full, full, full (100 each); policy_maker no (0);
    # research_institution dont_know (no value for q1); other answers only q2.
    rows = h.people("AT1", "company", "c", ["full", "full", "full"])
    rows += h.people("AT1", "policy_maker", "p", ["no"])
    rows += h.people("AT1", "research_institution", "ri", ["dont_know"])
    rows += h.person("o0", "AT1", "other", {"q2": "some"})
    return rows


def test_weighting_respondents_is_default_and_pools_respondents():
    # respondents: (100 + 100 + 100 + 0) / 4 = 75, n = 4
    core = score(_weighting_rows())
    r = item(core, "AT1", "q1")
    assert r["score"] == pytest.approx(75.0)
    assert r["n"] == 4


def test_weighting_groups_means_of_group_means_leaving_out_groups_without_value():
    # groups: company mean 100, policy_maker mean 0; research_institution and other have
    # no value for q1 and are left out -> (100 + 0) / 2 = 50 (not 100/3 or 100/4), n = 4
    core = score(_weighting_rows(), weighting="groups")
    r = item(core, "AT1", "q1")
    assert r["score"] == pytest.approx(50.0)
    assert r["n"] == 4
    assert r["status"] == "ok"


# ---------------------------------------------------------------------------
# anonymity threshold
# ---------------------------------------------------------------------------


def test_suppression_boundary_default_threshold():
    # AT1: 2 values (+ 1 dont_know, + 1 blank) -> n = 2 < 3 -> suppressed
    # AT2: exactly 3 values -> published: (0 + 50 + 100)/3 = 50
    rows = h.people("AT1", "company", "a", ["full", "full", "dont_know", ""])
    rows += h.people("AT2", "company", "b", ["no", "some", "full"])
    core = score(rows, bootstrap=50)
    low = item(core, "AT1", "q1")
    assert low["status"] == "suppressed"
    assert low["n"] == 2
    assert math.isnan(low["score"]) and math.isnan(low["ci_low"]) and math.isnan(low["ci_high"])
    ok = item(core, "AT2", "q1")
    assert ok["status"] == "ok"
    assert ok["n"] == 3
    assert ok["score"] == pytest.approx(50.0)


@pytest.mark.parametrize("k", [1, 2, 4, 5])
def test_suppression_boundary_follows_min_respondents(k):
    # AT1 has k-1 values, AT2 has k values, all "some" (50)
    rows = h.people("AT1", "company", "a", ["some"] * (k - 1))
    rows += h.people("AT2", "company", "b", ["some"] * k)
    rows += h.person("x", "AT1", "company", {"q2": "no"})  # AT1 exists even when k = 1
    core = score(rows, min_respondents=k)
    low = item(core, "AT1", "q1")
    assert low["n"] == k - 1
    assert low["status"] == "suppressed"
    assert math.isnan(low["score"])
    ok = item(core, "AT2", "q1")
    assert ok["n"] == k
    assert ok["status"] == "ok"
    assert ok["score"] == pytest.approx(50.0)


def test_territory_without_answers_is_kept_suppressed():
    rows = h.people("AT1", "company", "a", ["some"] * 3)
    core = score(rows, regions=["AT1", "AT9"])
    rows9 = core.item_scores[core.item_scores["region"] == "AT9"]
    assert sorted(rows9["item"]) == h.SCORED_ITEMS
    assert (rows9["status"] == "suppressed").all()
    assert (rows9["n"] == 0).all()
    assert rows9["score"].isna().all()
    b9 = core.block_scores[core.block_scores["region"] == "AT9"]
    assert sorted(b9["block"]) == ["B1", "B2"]
    assert (b9["status"] == "insufficient").all()


def test_territory_without_answers_is_kept_with_groups_weighting():
    # same rule whatever the weighting: the empty territory is listed, suppressed
    rows = h.people("AT1", "company", "a", ["some"] * 3)
    core = score(rows, regions=["AT1", "AT9"], weighting="groups")
    rows9 = core.item_scores[core.item_scores["region"] == "AT9"]
    assert len(rows9) == len(h.SCORED_ITEMS)
    assert (rows9["status"] == "suppressed").all()
    assert item(core, "AT1", "q1")["score"] == pytest.approx(50.0)


def test_territories_kept_when_nobody_answered_a_scored_item():
    # only the unscored text item was answered: every territory is still listed, suppressed
    rows = h.person("r1", "AT1", "company", {"comment": "hello"})
    core = score(rows, regions=["AT1", "AT2"])
    assert sorted(set(core.item_scores["region"])) == ["AT1", "AT2"]
    assert len(core.item_scores) == 2 * len(h.SCORED_ITEMS)
    assert (core.item_scores["status"] == "suppressed").all()
    assert (core.item_scores["n"] == 0).all()
    assert (core.block_scores["status"] == "insufficient").all()


# ---------------------------------------------------------------------------
# blocks
# ---------------------------------------------------------------------------


def _block_rows():
    # AT1, block B1 (q1..q4):
    #   r0: q1 full, q3 "a b c"     r1: q1 full        r2: q1 some, q2 no
    #   r5: q2 no                   r6: q2 some        r3: q3 "a b c"
    #   r4: q1 dont_know, q2 blank (no value anywhere)
    # q1 = (100+100+50)/3 = 250/3 (n 3, ok); q2 = (0+0+50)/3 = 50/3 (n 3, ok)
    # q3 = 100 (n 2, suppressed); q4 n 0 (suppressed)
    rows = []
    rows += h.person("r0", "AT1", "company", {"q1": "full", "q3": "a b c"})
    rows += h.person("r1", "AT1", "company", {"q1": "full"})
    rows += h.person("r2", "AT1", "company", {"q1": "some", "q2": "no"})
    rows += h.person("r5", "AT1", "company", {"q2": "no"})
    rows += h.person("r6", "AT1", "company", {"q2": "some"})
    rows += h.person("r3", "AT1", "company", {"q3": "a b c"})
    rows += h.person("r4", "AT1", "company", {"q1": "dont_know", "q2": ""})
    # AT2: q1 published alone in B1 (1 of 4 -> insufficient);
    #      q5 published alone in B2 (1 of 2 -> exactly half -> ok)
    #   s0: q1 full, q5 full   s1: q1 no, q5 some   s2: q1 no, q5 some
    rows += h.person("s0", "AT2", "policy_maker", {"q1": "full", "q5": "full"})
    rows += h.person("s1", "AT2", "policy_maker", {"q1": "no", "q5": "some"})
    rows += h.person("s2", "AT2", "policy_maker", {"q1": "no", "q5": "some", "q6": "s100"})
    return rows


def test_block_exactly_half_published_is_scored_from_published_items_only():
    core = score(_block_rows())
    assert item(core, "AT1", "q3")["status"] == "suppressed"
    b = block(core, "AT1", "B1")
    # 2 of 4 items published: 2*2 >= 4 -> ok
    # score = (250/3 + 50/3) / 2 = 50   (with the suppressed q3 = 100 it would be 66.67)
    assert b["status"] == "ok"
    assert b["score"] == pytest.approx(50.0)
    # n: respondents with a value on q1 or q2 = r0, r1, r2, r5, r6 = 5
    # (r3 only answered the suppressed q3, r4 has no value)
    assert b["n"] == 5


def test_block_fewer_than_half_published_is_insufficient():
    core = score(_block_rows())
    b = block(core, "AT2", "B1")
    # 1 of 4 published: 2*1 < 4 -> insufficient, score NaN; n = s0, s1, s2 = 3
    assert b["status"] == "insufficient"
    assert math.isnan(b["score"])
    assert b["n"] == 3
    b2 = block(core, "AT2", "B2")
    # q5 published (n 3), q6 suppressed (n 1): 1 of 2 -> ok, score = q5 = (100+50+50)/3 = 200/3
    assert b2["status"] == "ok"
    assert b2["score"] == pytest.approx(200 / 3)
    assert b2["n"] == 3


def test_block_without_any_published_item_is_insufficient():
    core = score(_block_rows())
    b = block(core, "AT1", "B2")
    assert b["status"] == "insufficient"
    assert math.isnan(b["score"])
    assert b["n"] == 0


def test_block_insufficient_has_no_interval():
    core = score(_block_rows(), bootstrap=50)
    b = block(core, "AT2", "B1")
    assert math.isnan(b["ci_low"]) and math.isnan(b["ci_high"])


# ---------------------------------------------------------------------------
# stakeholder-group breakdown and secondary suppression
# ---------------------------------------------------------------------------


def test_group_breakdown_scores_and_primary_suppression():
    # q1: company full, full, some (n 3); policy_maker no, no (n 2 -> suppressed)
    #     other no, no, no, some (n 4); research_institution some, full, full (n 3)
    rows = h.people("AT1", "company", "c", ["full", "full", "some"])
    rows += h.people("AT1", "policy_maker", "p", ["no", "no"])
    rows += h.people("AT1", "other", "o", ["no", "no", "no", "some"])
    rows += h.people("AT1", "research_institution", "ri", ["some", "full", "full"])
    # region n = 3+2+4+3 = 12. policy_maker (2) suppressed: hidden 2 < 3 -> suppress smallest
    # published group. company (3) and research_institution (3) tie at n 3, so
    # only check that exactly one of them goes and everything else holds.
    core = score(rows)
    pm = group_item(core, "AT1", "q1", "policy_maker")
    assert pm["status"] == "suppressed" and pm["n"] == 2 and math.isnan(pm["score"])
    oth = group_item(core, "AT1", "q1", "other")
    # other: (0+0+0+50)/4 = 12.5, n 4
    assert oth["status"] == "ok" and oth["n"] == 4 and oth["score"] == pytest.approx(12.5)
    st = {g: group_item(core, "AT1", "q1", g)["status"] for g in ("company", "research_institution")}
    assert sorted(st.values()) == ["ok", "suppressed"]


def test_secondary_suppression_hides_smallest_published_group():
    # q1: company full, full, some, no -> 250/4 = 62.5 (n 4)
    #     policy_maker no, no, no      -> 0 (n 3)
    #     research_institution some    -> n 1, suppressed (primary)
    # region: n 8 >= 3 published. Suppressed groups hold 1 < 3 -> the smallest published
    # group, policy_maker (n 3), is suppressed too; now hidden = 1 + 3 = 4 >= 3 -> stop.
    rows = h.people("AT1", "company", "c", ["full", "full", "some", "no"])
    rows += h.people("AT1", "policy_maker", "p", ["no", "no", "no"])
    rows += h.people("AT1", "research_institution", "ri", ["some"])
    core = score(rows)
    assert item(core, "AT1", "q1")["status"] == "ok"
    assert item(core, "AT1", "q1")["score"] == pytest.approx((250 + 50) / 8)
    comp = group_item(core, "AT1", "q1", "company")
    assert comp["status"] == "ok" and comp["n"] == 4 and comp["score"] == pytest.approx(62.5)
    pm = group_item(core, "AT1", "q1", "policy_maker")
    assert pm["status"] == "suppressed" and pm["n"] == 3 and math.isnan(pm["score"])
    ri = group_item(core, "AT1", "q1", "research_institution")
    assert ri["status"] == "suppressed" and ri["n"] == 1 and math.isnan(ri["score"])


def test_no_secondary_suppression_when_hidden_groups_reach_threshold():
    # q1: company 3 x full (100), policy_maker 3 x no (0),
    #     research_institution 1 x some + other 2 x some -> suppressed groups hold 1 + 2 = 3 >= 3
    # -> company and policy_maker stay published.
    rows = h.people("AT1", "company", "c", ["full"] * 3)
    rows += h.people("AT1", "policy_maker", "p", ["no"] * 3)
    rows += h.people("AT1", "research_institution", "ri", ["some"])
    rows += h.people("AT1", "other", "o", ["some"] * 2)
    core = score(rows)
    assert group_item(core, "AT1", "q1", "company")["status"] == "ok"
    assert group_item(core, "AT1", "q1", "company")["score"] == pytest.approx(100.0)
    assert group_item(core, "AT1", "q1", "policy_maker")["status"] == "ok"
    assert group_item(core, "AT1", "q1", "policy_maker")["score"] == pytest.approx(0.0)
    assert group_item(core, "AT1", "q1", "research_institution")["status"] == "suppressed"
    assert group_item(core, "AT1", "q1", "other")["status"] == "suppressed"
    assert group_item(core, "AT1", "q1", "other")["n"] == 2


def test_group_cells_follow_min_respondents():
    # company 2 x full, policy_maker 2 x no; k = 2 -> both published (nothing hidden)
    rows = h.people("AT1", "company", "c", ["full"] * 2)
    rows += h.people("AT1", "policy_maker", "p", ["no"] * 2)
    core = score(rows, min_respondents=2)
    assert group_item(core, "AT1", "q1", "company")["status"] == "ok"
    assert group_item(core, "AT1", "q1", "policy_maker")["score"] == pytest.approx(0.0)
    # default k = 3: each group (n 2) and the region (n 4) -> groups suppressed, region ok
    # hidden = 4 >= 3, no further action
    core3 = score(rows)
    assert item(core3, "AT1", "q1")["status"] == "ok"
    assert item(core3, "AT1", "q1")["score"] == pytest.approx(50.0)
    for g in ("company", "policy_maker"):
        r = group_item(core3, "AT1", "q1", g)
        assert r["status"] == "suppressed" and r["n"] == 2 and math.isnan(r["score"])


def test_group_block_score_is_mean_of_published_group_items():
    # company answers q5 and q6 (block B2): q5 full, full, some -> 250/3; q6 s0, s50, s50 -> 100/3
    # group block score = (250/3 + 100/3)/2 = 350/6
    rows = []
    for rid, q5, q6 in [("c0", "full", "s0"), ("c1", "full", "s50"), ("c2", "some", "s50")]:
        rows += h.person(rid, "AT1", "company", {"q5": q5, "q6": q6})
    core = score(rows)
    g = h.row(core.group_block_scores, region="AT1", block="B2", stakeholder_group="company")
    assert g["status"] == "ok"
    assert g["score"] == pytest.approx(350 / 6)
    assert g["n"] == 3


# ---------------------------------------------------------------------------
# distributions
# ---------------------------------------------------------------------------


def _dist_rows():
    # AT1 q1: full, full, some, dont_know, blank -> n 4 (blank excluded, dont_know included)
    # AT1 q3: "a b", "a", "dk" -> n 3
    # AT2 q1: full, dont_know, blank -> n 2 -> suppressed
    rows = h.people("AT1", "company", "a", ["full", "full", "some", "dont_know", ""])
    rows += h.people("AT1", "company", "m", ["a b", "a", "dk"], item="q3")
    rows += h.people("AT2", "company", "b", ["full", "dont_know", ""])
    return h.responses(rows)


def _share(dist, region, name, choice):
    return h.row(dist, region=region, item=name, choice=choice)


def test_distribution_shares_include_dont_know_exclude_blank():
    dist = item_distributions(_dist_rows(), INST, 3)
    assert list(dist.columns) == ["region", "item", "choice", "share", "n"]
    # AT1 q1: full 2/4, some 1/4, no 0/4 (row kept), dont_know 1/4; n 4
    expected = {"no": 0.0, "some": 0.25, "full": 0.5, "dont_know": 0.25}
    sub = dist[(dist["region"] == "AT1") & (dist["item"] == "q1")]
    assert sorted(sub["choice"]) == sorted(expected)
    for choice, share in expected.items():
        r = _share(dist, "AT1", "q1", choice)
        assert r["share"] == pytest.approx(share)
        assert r["n"] == 4


def test_distribution_select_multiple_share_of_respondents_ticking():
    dist = item_distributions(_dist_rows(), INST, 3)
    # AT1 q3 (n 3): a ticked by 2 -> 2/3, b by 1 -> 1/3, c by 0 -> 0, dk by 1 -> 1/3
    for choice, share in {"a": 2 / 3, "b": 1 / 3, "c": 0.0, "dk": 1 / 3}.items():
        r = _share(dist, "AT1", "q3", choice)
        assert r["share"] == pytest.approx(share)
        assert r["n"] == 3


def test_distribution_suppressed_below_threshold():
    dist = item_distributions(_dist_rows(), INST, 3)
    sub = dist[(dist["region"] == "AT2") & (dist["item"] == "q1")]
    assert sorted(sub["choice"]) == ["dont_know", "full", "no", "some"]
    assert sub["share"].isna().all()
    assert (sub["n"] == 2).all()
    # with k = 2 the same n 2 is published: full 1/2, dont_know 1/2
    dist2 = item_distributions(_dist_rows(), INST, 2)
    assert _share(dist2, "AT2", "q1", "full")["share"] == pytest.approx(0.5)
    assert _share(dist2, "AT2", "q1", "dont_know")["share"] == pytest.approx(0.5)
    assert _share(dist2, "AT2", "q1", "no")["share"] == pytest.approx(0.0)
    # with k = 5, AT1 q1 (n 4) is suppressed too
    dist5 = item_distributions(_dist_rows(), INST, 5)
    assert dist5[(dist5["region"] == "AT1") & (dist5["item"] == "q1")]["share"].isna().all()


def test_distribution_dont_know_counts_toward_threshold():
    # q2: dont_know, dont_know, no -> n 3 (only one value, but three answers) -> published
    rows = h.people("AT1", "company", "d", ["dont_know", "dont_know", "no"], item="q2")
    dist = item_distributions(h.responses(rows), INST, 3)
    assert _share(dist, "AT1", "q2", "dont_know")["share"] == pytest.approx(2 / 3)
    assert _share(dist, "AT1", "q2", "no")["share"] == pytest.approx(1 / 3)
    assert _share(dist, "AT1", "q2", "full")["share"] == pytest.approx(0.0)
    assert (dist.loc[dist["item"] == "q2", "n"] == 3).all()


def test_distribution_every_choice_of_unanswered_item_gets_a_row():
    dist = item_distributions(_dist_rows(), INST, 3)
    # q6 (five) is never answered in AT1: 5 rows, n 0, share NaN
    sub = dist[(dist["region"] == "AT1") & (dist["item"] == "q6")]
    assert sorted(sub["choice"]) == sorted(h.FIVE)
    assert (sub["n"] == 0).all() and sub["share"].isna().all()


# ---------------------------------------------------------------------------
# bootstrap intervals
# ---------------------------------------------------------------------------

VARIED = ["no", "some", "full", "full", "some", "no", "some", "full", "some", "some"]  # mean 550/10 = 55


def _varied_rows(region="AT1", prefix="v"):
    # q1 VARIED (mean (0*2 + 50*5 + 100*3)/10 = 55) and q2 the same list: block B1 = q1, q2
    rows = []
    for k, v in enumerate(VARIED):
        rows += h.person(f"{prefix}{k}", region, "company", {"q1": v, "q2": VARIED[(k + 3) % 10]})
    return rows


def test_bootstrap_interval_contains_point_score():
    core = score(_varied_rows(), bootstrap=200, seed=7)
    r = item(core, "AT1", "q1")
    assert r["score"] == pytest.approx(55.0)
    assert r["ci_low"] <= r["score"] <= r["ci_high"]
    assert r["ci_low"] < r["ci_high"]
    b = block(core, "AT1", "B1")
    assert b["score"] == pytest.approx(55.0)  # q2 is a permutation of q1 -> also 55
    assert b["ci_low"] <= b["score"] <= b["ci_high"]
    assert b["ci_low"] < b["ci_high"]


def test_bootstrap_interval_contains_point_score_groups_weighting():
    rows = _varied_rows()
    rows += h.people("AT1", "policy_maker", "p", ["no", "some", "full", "some"], item="q1")
    core = score(rows, bootstrap=200, seed=7, weighting="groups")
    r = item(core, "AT1", "q1")
    # company 55, policy_maker 50 -> 52.5
    assert r["score"] == pytest.approx(52.5)
    assert r["ci_low"] <= r["score"] <= r["ci_high"]


def test_bootstrap_zero_gives_nan_intervals():
    core = score(_varied_rows(), bootstrap=0)
    assert core.item_scores["ci_low"].isna().all() and core.item_scores["ci_high"].isna().all()
    assert core.block_scores["ci_low"].isna().all() and core.block_scores["ci_high"].isna().all()
    assert item(core, "AT1", "q1")["score"] == pytest.approx(55.0)


def test_bootstrap_same_seed_identical():
    a = score(_varied_rows(), bootstrap=100, seed=123)
    b = score(_varied_rows(), bootstrap=100, seed=123)
    pd.testing.assert_frame_equal(a.item_scores, b.item_scores)
    pd.testing.assert_frame_equal(a.block_scores, b.block_scores)


def test_bootstrap_different_seed_different_intervals():
    a = item(score(_varied_rows(), bootstrap=100, seed=1), "AT1", "q1")
    b = item(score(_varied_rows(), bootstrap=100, seed=2), "AT1", "q1")
    assert a["score"] == b["score"]
    assert (a["ci_low"], a["ci_high"]) != (b["ci_low"], b["ci_high"])


def test_bootstrap_identical_answers_zero_width():
    rows = h.people("AT1", "company", "r", ["some"] * 6)
    core = score(rows, bootstrap=100, seed=3)
    r = item(core, "AT1", "q1")
    assert r["ci_low"] == pytest.approx(50.0) and r["ci_high"] == pytest.approx(50.0)


def test_bootstrap_resamples_respondents_not_answers():
    # B2 = q5, q6. Half the respondents answer (q5 full, q6 s0), half (q5 no, q6 s100):
    # every respondent's own block mean is 50, so any resample of respondents gives a block
    # mean of 50: zero-width block interval, while q5 alone varies.
    rows = []
    for k in range(10):
        ans = {"q5": "full", "q6": "s0"} if k % 2 else {"q5": "no", "q6": "s100"}
        rows += h.person(f"r{k}", "AT1", "company", ans)
    core = score(rows, bootstrap=200, seed=11)
    b = block(core, "AT1", "B2")
    assert b["score"] == pytest.approx(50.0)
    assert b["ci_low"] == pytest.approx(50.0) and b["ci_high"] == pytest.approx(50.0)
    q5 = item(core, "AT1", "q5")
    assert q5["ci_high"] - q5["ci_low"] > 10


def test_bootstrap_interval_is_90_percent():
    # 100 respondents, half 0 and half 100: mean 50, bootstrap sd of the mean
    # = sqrt(0.5*0.5/100)*100 = 5 -> 90% interval ~ 50 -/+ 1.645*5 = [41.8, 58.2], width ~16.4
    # (a 95% interval would be ~19.6 wide, an 80% one ~12.8).
    rows = h.people("AT1", "company", "r", ["no", "full"] * 50)
    r = item(score(rows, bootstrap=2000, seed=5), "AT1", "q1")
    assert 15.0 < r["ci_high"] - r["ci_low"] < 18.0
    assert r["ci_low"] < 50 < r["ci_high"]


def test_bootstrap_region_unaffected_by_other_region():
    base = score(_varied_rows("AT1", "v"), bootstrap=100, seed=9)
    # add a region whose code and respondent ids sort before and between AT1's
    other = []
    for k, v in enumerate(["full", "no", "some", "no"]):
        other += h.person(f"v{k}x", "AA1", "policy_maker", {"q1": v, "q5": v})
        other += h.person(f"a{k}", "AA1", "company", {"q1": v})
    both = score(other + _varied_rows("AT1", "v"), bootstrap=100, seed=9)
    for tbl in ("item_scores", "block_scores"):
        a = getattr(base, tbl)
        b = getattr(both, tbl)
        b = b[b["region"] == "AT1"].reset_index(drop=True)
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b)


def test_bootstrap_independent_of_row_order():
    rows = _varied_rows()
    a = score(rows, bootstrap=100, seed=4)
    shuffled = list(reversed(rows))
    b = score(shuffled, bootstrap=100, seed=4)
    pd.testing.assert_frame_equal(a.item_scores, b.item_scores)
    pd.testing.assert_frame_equal(a.block_scores, b.block_scores)


def test_bootstrap_stream_depends_on_region_code():
    # same answers in two regions: own stream per (seed, region) -> different intervals
    core = score(_varied_rows("AT1", "a") + _varied_rows("AT2", "b"), bootstrap=100, seed=9)
    a, b = item(core, "AT1", "q1"), item(core, "AT2", "q1")
    assert a["score"] == b["score"]
    assert (a["ci_low"], a["ci_high"]) != (b["ci_low"], b["ci_high"])


# ---------------------------------------------------------------------------
# dispersion and disagreement
# ---------------------------------------------------------------------------


def test_sd_across_respondents_ddof1():
    # q1 values 0, 50, 100, 100 (dont_know ignored): mean 62.5,
    # squared deviations 3906.25 + 156.25 + 1406.25 + 1406.25 = 6875 -> sd = sqrt(6875/3) = 47.8714
    rows = h.people("AT1", "company", "r", ["no", "some", "full", "full", "dont_know", ""])
    d = h.row(score(rows).item_dispersion, region="AT1", item="q1")
    assert d["sd"] == pytest.approx(math.sqrt(6875 / 3))
    assert d["n"] == 4


def test_sd_zero_for_identical_and_nan_when_suppressed():
    rows = h.people("AT1", "company", "r", ["some"] * 3)
    rows += h.people("AT2", "company", "s", ["no", "full"])
    disp = score(rows).item_dispersion
    assert h.row(disp, region="AT1", item="q1")["sd"] == pytest.approx(0.0)
    sup = h.row(disp, region="AT2", item="q1")
    assert sup["status"] == "suppressed" and math.isnan(sup["sd"])


def _two_groups(company, policy, item_name="q1"):
    rows = h.people("AT1", "company", "c", company, item=item_name)
    rows += h.people("AT1", "policy_maker", "p", policy, item=item_name)
    return rows


def test_groups_disagree_when_spread_reaches_threshold():
    # company 100, policy_maker 50 -> spread 50 >= 25
    d = h.row(score(_two_groups(["full"] * 3, ["some"] * 3)).item_dispersion, region="AT1", item="q1")
    assert bool(d["groups_disagree"]) is True


def test_groups_disagree_boundary_and_threshold_param():
    # q6: company s100 x3 (100), policy_maker s75 x3 (75) -> spread exactly 25 -> True at 25
    rows = _two_groups(["s100"] * 3, ["s75"] * 3, "q6")
    d = h.row(score(rows).item_dispersion, region="AT1", item="q6")
    assert bool(d["groups_disagree"]) is True
    # threshold 30: 25 < 30 -> False
    d30 = h.row(score(rows, disagreement_threshold=30).item_dispersion, region="AT1", item="q6")
    assert bool(d30["groups_disagree"]) is False


def test_groups_do_not_disagree_below_threshold():
    # company s100, s100, s50 -> 250/3 = 83.33; policy_maker s75 x3 -> 75; spread 8.33 < 25
    rows = _two_groups(["s100", "s100", "s50"], ["s75"] * 3, "q6")
    d = h.row(score(rows).item_dispersion, region="AT1", item="q6")
    assert bool(d["groups_disagree"]) is False


def test_groups_disagree_ignores_suppressed_groups():
    # company 4 x full (100), research_institution 3 x full (100) published;
    # policy_maker 2 x no + other 1 x no suppressed (hidden 3 >= 3, no secondary suppression).
    # published spread 0 -> False although the hidden groups score 0.
    rows = h.people("AT1", "company", "c", ["full"] * 4)
    rows += h.people("AT1", "research_institution", "ri", ["full"] * 3)
    rows += h.people("AT1", "policy_maker", "p", ["no"] * 2)
    rows += h.people("AT1", "other", "o", ["no"])
    d = h.row(score(rows).item_dispersion, region="AT1", item="q1")
    assert bool(d["groups_disagree"]) is False
    assert d["groups_published"] == 2


def test_single_published_group_never_disagrees():
    rows = h.people("AT1", "company", "c", ["full"] * 3)
    d = h.row(score(rows).item_dispersion, region="AT1", item="q1")
    assert bool(d["groups_disagree"]) is False
