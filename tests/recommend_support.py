"""Hand-made StressTest results and rules for the recommendation tests (no tests here)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from s3stresstest.pipeline import StressTestResult
from s3stresstest.recommend import load_rules

ITEM_COLS = ["region", "item", "block", "score", "ci_low", "ci_high", "n", "status"]
BLOCK_COLS = ["region", "block", "score", "ci_low", "ci_high", "n", "status"]
DIST_COLS = ["region", "item", "choice", "share", "n"]
BENCH_COLS = [
    "region",
    "block",
    "peer_group",
    "score",
    "peer_mean",
    "peer_median",
    "frontrunner_level",
    "gap_to_mean",
    "gap_to_frontrunner",
    "frontrunners",
    "indistinguishable",
]
DISP_COLS = ["region", "item", "block", "sd", "n", "groups_published", "group_spread", "groups_disagree", "status"]
GROUP_ITEM_COLS = ["region", "item", "block", "stakeholder_group", "score", "n", "status"]
GROUP_BLOCK_COLS = ["region", "block", "stakeholder_group", "score", "n", "status"]


def block(region, name, score, status="ok", half=8.0, n=12):
    ok = status == "ok"
    return {
        "region": region,
        "block": name,
        "score": score if ok else np.nan,
        "ci_low": score - half if ok else np.nan,
        "ci_high": score + half if ok else np.nan,
        "n": n,
        "status": status,
    }


def item(region, name, score, status="ok", half=8.0, n=12, blk=None):
    ok = status == "ok"
    return {
        "region": region,
        "item": name,
        "block": blk or name.split("_")[0],
        "score": score if ok else np.nan,
        "ci_low": score - half if ok else np.nan,
        "ci_high": score + half if ok else np.nan,
        "n": n,
        "status": status,
    }


def bench(region, blk, group, score, peer_mean, level=None, indistinguishable=False, frontrunners="AA1 BB1"):
    level = peer_mean + 15 if level is None else level
    has = not np.isnan(score)
    return {
        "region": region,
        "block": blk,
        "peer_group": group,
        "score": score,
        "peer_mean": peer_mean,
        "peer_median": peer_mean,
        "frontrunner_level": level,
        "gap_to_mean": score - peer_mean if has else np.nan,
        "gap_to_frontrunner": score - level if has else np.nan,
        "frontrunners": frontrunners,
        "indistinguishable": indistinguishable,
    }


def dist(region, name, shares: dict, n=12, k=3):
    """Rows of one distribution; shares become NaN below the threshold, as `item_distributions` does."""
    return [
        {"region": region, "item": name, "choice": c, "share": s if n >= k else np.nan, "n": n}
        for c, s in shares.items()
    ]


def disp(region, name, spread, disagree, groups_published=3, status="ok"):
    return {
        "region": region,
        "item": name,
        "block": name.split("_")[0],
        "sd": 20.0,
        "n": 12,
        "groups_published": groups_published,
        "group_spread": spread,
        "groups_disagree": disagree,
        "status": status,
    }


def group_block(region, blk, group, score, n=4, status="ok"):
    return {
        "region": region,
        "block": blk,
        "stakeholder_group": group,
        "score": score if status == "ok" else np.nan,
        "n": n,
        "status": status,
    }


def make_result(
    blocks=(),
    items=(),
    distributions=(),
    benchmarks=(),
    dispersion=(),
    group_blocks=(),
    min_respondents=3,
    peer_groups=None,
) -> StressTestResult:
    def frame(rows, cols):
        flat = []
        for r in rows:
            flat.extend(r if isinstance(r, list) else [r])
        return pd.DataFrame(flat, columns=cols)

    record = {"parameters": {"min_respondents": min_respondents}}
    if peer_groups is not None:
        record["peer_groups"] = peer_groups
    return StressTestResult(
        item_scores=frame(items, ITEM_COLS),
        block_scores=frame(blocks, BLOCK_COLS),
        distributions=frame(distributions, DIST_COLS),
        benchmarks=frame(benchmarks, BENCH_COLS),
        item_dispersion=frame(dispersion, DISP_COLS),
        group_item_scores=pd.DataFrame(columns=GROUP_ITEM_COLS),
        group_block_scores=frame(group_blocks, GROUP_BLOCK_COLS),
        record=record,
        instrument=None,
    )


def rule(rid, trigger, *, blocks=("b1",), topics=("edp",), priority=2, evidence=(), **more) -> dict:
    return {
        "id": rid,
        "title": f"Title of {rid}",
        "blocks": list(blocks),
        "topics": list(topics),
        "trigger": trigger,
        "recommendation": f"Do something about {rid}.",
        "rationale": "A general statement of method.",
        "priority": priority,
        "evidence": list(evidence),
        **more,
    }


def ruleset(*rules):
    return load_rules(extra=list(rules), replace=True)
