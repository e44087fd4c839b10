"""Property tests of the scoring rules (hypothesis) on a small hand-made instrument.

The instrument has narrow score ranges so that "within the item's range" means something:
  q1 lvl  (select_one)      no=0 some=50 full=100 dont_know=-      block B1
  q2 mid  (select_one)      lo=20 hi=60 mdk=-                      block B1
  q3 inv  (select_multiple) a=40 b=40 c=30 dk=-  (sum capped 100)  block B1
  q4 top  (select_one)      t70=70 t90=90                          block B2
  q5 lvl  (select_one)                                             block B2
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
import scoring_helpers as h
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from s3stresstest.scoring import item_distributions, score_items_and_blocks

LISTS = {
    "lvl": {"no": 0.0, "some": 50.0, "full": 100.0, "dont_know": None},
    "mid": {"lo": 20.0, "hi": 60.0, "mdk": None},
    "inv": {"a": 40.0, "b": 40.0, "c": 30.0, "dk": None},
    "top": {"t70": 70.0, "t90": 90.0},
}
ITEMS = [
    ("q1", "select_one", "lvl", "B1"),
    ("q2", "select_one", "mid", "B1"),
    ("q3", "select_multiple", "inv", "B1"),
    ("q4", "select_one", "top", "B2"),
    ("q5", "select_one", "lvl", "B2"),
]
ITEM_LIST = {n: lst for n, _, lst, _ in ITEMS}
ITEM_TYPE = {n: t for n, t, _, _ in ITEMS}
ITEM_BLOCK = {n: b for n, _, _, b in ITEMS}
BLOCK_SIZE = {"B1": 3, "B2": 2}
# range of possible item values, worked out by hand from the lists
BOUNDS = {"q1": (0, 100), "q2": (20, 60), "q3": (30, 100), "q4": (70, 90), "q5": (0, 100)}
REGIONS = ["AT1", "AT2", "DE1"]
GROUPS = ["company", "policy_maker", "other"]

INST = h.make_instrument(LISTS, [*ITEMS, ("note_text", "text", None, None)], ["B1", "B2"])

PROPS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
TABLES = ("item_scores", "block_scores", "item_dispersion", "group_item_scores", "group_block_scores")


# ---------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------


def _answer(item_name, scored_only=False, missing_only=False):
    """A value for one item: a scored choice, don't know, or blank."""
    choices = LISTS[ITEM_LIST[item_name]]
    scored = [c for c, s in choices.items() if s is not None]
    unscored = [c for c, s in choices.items() if s is None]
    if ITEM_TYPE[item_name] == "select_multiple":
        subsets = [" ".join(c) for k in range(1, len(choices) + 1) for c in combinations(choices, k)]
        with_score = [s for s in subsets if any(choices[x] is not None for x in s.split())]
        without = [s for s in subsets if s not in with_score] + [""]
        if scored_only:
            return st.sampled_from(with_score)
        if missing_only:
            return st.sampled_from(without)
        return st.sampled_from(with_score + without)
    if scored_only:
        return st.sampled_from(scored)
    if missing_only:
        return st.sampled_from(unscored + [""])
    return st.sampled_from(scored + unscored + [""])


@st.composite
def respondent_answers(draw, missing_only=False):
    out = {}
    for name in ITEM_LIST:
        if draw(st.booleans()) or draw(st.booleans()):  # ~3/4 of items have a row
            out[name] = draw(_answer(name, missing_only=missing_only))
    if not out:
        out["q1"] = ""
    return out


@st.composite
def datasets(draw, max_respondents=16, regions=REGIONS):
    n = draw(st.integers(0, max_respondents))
    rows = []
    for k in range(n):
        region = draw(st.sampled_from(regions))
        group = draw(st.sampled_from(GROUPS))
        rows += h.person(f"r{k:02d}", region, group, draw(respondent_answers()))
    if not rows:  # at least one row so the frame has a region
        rows = h.person("r99", "AT1", "company", {"q1": ""})
    return rows


def run(rows, **kw):
    return score_items_and_blocks(h.responses(rows), INST, h.params(**kw))


def params_strategy():
    return st.fixed_dictionaries(
        {
            "weighting": st.sampled_from(["respondents", "groups"]),
            "min_respondents": st.integers(1, 4),
        }
    )


# ---------------------------------------------------------------------------
# an independent reference (plain Python) of the point scores
# ---------------------------------------------------------------------------


def value_of(item_name, raw):
    choices = LISTS[ITEM_LIST[item_name]]
    if raw == "":
        return None
    scores = [choices[c] for c in raw.split() if choices[c] is not None]
    if not scores:
        return None
    return min(100.0, sum(scores)) if ITEM_TYPE[item_name] == "select_multiple" else scores[0]


def reference(rows, weighting, k):
    """{(region, item): (score|None, n)} and {(region, block): (score|None, n, status)}."""
    vals = {}  # (region, item) -> list of (rid, group, value)
    regions = sorted({r[1] for r in rows})
    for rid, region, group, item_name, raw in rows:
        v = value_of(item_name, raw)
        if v is not None:
            vals.setdefault((region, item_name), []).append((rid, group, v))
    items = {}
    for region in regions:
        for name in ITEM_LIST:
            got = vals.get((region, name), [])
            n = len(got)
            if n < k:
                items[(region, name)] = (None, n)
                continue
            if weighting == "respondents":
                s = sum(v for _, _, v in got) / n
            else:
                by_group = {}
                for _, g, v in got:
                    by_group.setdefault(g, []).append(v)
                means = [sum(x) / len(x) for x in by_group.values()]
                s = sum(means) / len(means)
            items[(region, name)] = (s, n)
    blocks = {}
    for region in regions:
        for b, size in BLOCK_SIZE.items():
            pub = [n for n in ITEM_LIST if ITEM_BLOCK[n] == b and items[(region, n)][0] is not None]
            who = {rid for n in pub for rid, _, _ in vals.get((region, n), [])}
            if pub and 2 * len(pub) >= size:
                blocks[(region, b)] = (sum(items[(region, n)][0] for n in pub) / len(pub), len(who), "ok")
            else:
                blocks[(region, b)] = (None, len(who), "insufficient")
    return items, blocks


@given(rows=datasets(), p=params_strategy())
@PROPS
def test_point_scores_match_reference(rows, p):
    core = run(rows, **p)
    items, blocks = reference(rows, p["weighting"], p["min_respondents"])
    got = {(r.region, r.item): r for r in core.item_scores.itertuples()}
    assert set(got) == set(items)
    for key, (s, n) in items.items():
        r = got[key]
        assert r.n == n
        if s is None:
            assert r.status == "suppressed" and math.isnan(r.score)
        else:
            assert r.status == "ok" and r.score == pytest.approx(s)
    gotb = {(r.region, r.block): r for r in core.block_scores.itertuples()}
    assert set(gotb) == set(blocks)
    for key, (s, n, status) in blocks.items():
        r = gotb[key]
        assert (r.status, r.n) == (status, n), key
        if s is None:
            assert math.isnan(r.score)
        else:
            assert r.score == pytest.approx(s)


# ---------------------------------------------------------------------------
# ranges
# ---------------------------------------------------------------------------


@given(rows=datasets(), p=params_strategy())
@PROPS
def test_scores_within_item_range(rows, p):
    core = run(rows, bootstrap=20, seed=1, **p)
    eps = 1e-9
    for r in core.item_scores.itertuples():
        lo, hi = BOUNDS[r.item]
        for x in (r.score, r.ci_low, r.ci_high):
            if not math.isnan(x):
                assert lo - eps <= x <= hi + eps
    for r in core.group_item_scores.itertuples():
        lo, hi = BOUNDS[r.item]
        if not math.isnan(r.score):
            assert lo - eps <= r.score <= hi + eps
    items = core.item_scores
    for r in core.block_scores.itertuples():
        if r.status != "ok":
            assert math.isnan(r.score)
            continue
        pub = items[(items["region"] == r.region) & (items["block"] == r.block) & (items["status"] == "ok")]
        assert pub["score"].min() - eps <= r.score <= pub["score"].max() + eps
        assert 0 - eps <= r.ci_low <= r.ci_high <= 100 + eps


# ---------------------------------------------------------------------------
# row order
# ---------------------------------------------------------------------------


@given(rows=datasets(), p=params_strategy(), rnd=st.randoms(use_true_random=False))
@PROPS
def test_invariant_to_row_order(rows, p, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    a = run(rows, bootstrap=20, seed=3, **p)
    b = run(shuffled, bootstrap=20, seed=3, **p)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), obj=t)
    da = item_distributions(h.responses(rows), INST, p["min_respondents"])
    db = item_distributions(h.responses(shuffled), INST, p["min_respondents"])
    pd.testing.assert_frame_equal(da, db)


# ---------------------------------------------------------------------------
# missing is never 0
# ---------------------------------------------------------------------------


@st.composite
def extra_missing_respondents(draw):
    n = draw(st.integers(1, 6))
    rows = []
    for k in range(n):
        region = draw(st.sampled_from(REGIONS))
        group = draw(st.sampled_from(GROUPS + ["research_institution"]))
        rows += h.person(f"x{k:02d}", region, group, draw(respondent_answers(missing_only=True)))
    return rows


@given(rows=datasets(), extra=extra_missing_respondents(), p=params_strategy())
@PROPS
def test_respondents_with_only_dont_know_or_blank_change_no_score(rows, extra, p):
    base = run(rows, **p)
    more = run(rows + extra, **p)
    keep = set(base.item_scores["region"])
    cols = ["region", "item", "score", "n", "status"]
    a = base.item_scores[cols]
    b = more.item_scores[more.item_scores["region"].isin(keep)][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    bcols = ["region", "block", "score", "n", "status"]
    a = base.block_scores[bcols]
    b = more.block_scores[more.block_scores["region"].isin(keep)][bcols].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    # existing stakeholder-group cells are unchanged as well
    key = ["region", "item", "stakeholder_group"]
    merged = base.group_item_scores.merge(more.group_item_scores, on=key, suffixes=("", "_new"))
    assert len(merged) == len(base.group_item_scores)
    assert (merged["n"] == merged["n_new"]).all()
    assert (merged["status"] == merged["status_new"]).all()
    np.testing.assert_allclose(merged["score"], merged["score_new"], equal_nan=True)


# ---------------------------------------------------------------------------
# suppression never leaks
# ---------------------------------------------------------------------------


@given(rows=datasets(), p=params_strategy())
@PROPS
def test_below_threshold_never_published(rows, p):
    k = p["min_respondents"]
    core = run(rows, bootstrap=20, seed=5, **p)
    it = core.item_scores
    low = it[it["n"] < k]
    assert (low["status"] == "suppressed").all()
    assert low[["score", "ci_low", "ci_high"]].isna().all().all()
    high = it[it["n"] >= k]
    assert (high["status"] == "ok").all() and high["score"].notna().all()
    g = core.group_item_scores
    assert g.loc[g["n"] < k, "score"].isna().all()
    assert (g.loc[g["n"] < k, "status"] == "suppressed").all()
    assert (g.loc[g["status"] != "ok", "score"]).isna().all()
    disp = core.item_dispersion
    assert disp.loc[disp["n"] < k, "sd"].isna().all()
    dist = item_distributions(h.responses(rows), INST, k)
    assert dist.loc[dist["n"] < k, "share"].isna().all()
    pub = dist[dist["n"] >= k]
    assert pub["share"].between(0, 1).all()


@given(rows=datasets(max_respondents=14, regions=["AT1"]), p=params_strategy())
@PROPS
def test_secondary_suppression_protects_hidden_groups(rows, p):
    k = p["min_respondents"]
    core = run(rows, **p)
    region_status = {(r.region, r.item): r.status for r in core.item_scores.itertuples()}
    for (region, name), cells in core.group_item_scores.groupby(["region", "item"]):
        hidden = cells[cells["status"] == "suppressed"]
        shown = cells[cells["status"] == "ok"]
        if region_status[(region, name)] != "ok":
            assert shown.empty  # no group can reach k when the region does not
            continue
        total_hidden = int(hidden["n"].sum())
        assert total_hidden == 0 or total_hidden >= k, (region, name, cells)
        secondary = hidden[hidden["n"] >= k]
        if len(secondary):
            event("secondary suppression applied")
            # only the smallest published groups are hidden, and no more than needed
            assert secondary["n"].max() <= (shown["n"].min() if len(shown) else np.inf)
            assert total_hidden - secondary["n"].max() < k


@st.composite
def data_with_suppressed_cell(draw):
    rows = draw(datasets(max_respondents=14))
    k = draw(st.integers(2, 4))
    counts = {}
    for rid, region, _group, name, raw in rows:
        if value_of(name, raw) is not None:
            counts.setdefault((region, name), set()).add(rid)
    cells = sorted(key for key, who in counts.items() if 0 < len(who) < k)
    assume(cells)
    region, name = draw(st.sampled_from(cells))
    changed = []
    for r in rows:
        if r[1] == region and r[3] == name and value_of(name, r[4]) is not None:
            r = (*r[:4], draw(_answer(name, scored_only=True)))
        changed.append(r)
    return rows, changed, k, (region, name)


@given(data=data_with_suppressed_cell(), weighting=st.sampled_from(["respondents", "groups"]))
@PROPS
def test_values_behind_suppressed_cell_do_not_leak(data, weighting):
    rows, changed, k, (region, name) = data
    a = run(rows, bootstrap=20, seed=8, weighting=weighting, min_respondents=k)
    b = run(changed, bootstrap=20, seed=8, weighting=weighting, min_respondents=k)
    assert h.row(a.item_scores, region=region, item=name)["status"] == "suppressed"
    # every published figure (item, block, group, dispersion, intervals) is unchanged
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), obj=t)


# ---------------------------------------------------------------------------
# regions are independent
# ---------------------------------------------------------------------------


@given(rows=datasets(), p=params_strategy())
@PROPS
def test_region_results_do_not_depend_on_other_regions(rows, p):
    full = run(rows, bootstrap=20, seed=2, **p)
    for region in sorted({r[1] for r in rows}):
        alone = run([r for r in rows if r[1] == region], bootstrap=20, seed=2, **p)
        for t in TABLES:
            sub = getattr(full, t)
            sub = sub[sub["region"] == region].reset_index(drop=True)
            pd.testing.assert_frame_equal(getattr(alone, t), sub, obj=f"{t} {region}")
