"""Peer benchmarking: where a territory stands within each peer group, block by block.

A learning tool, not a league table: the output gives the group's centre, its
frontrunner level and which territories reach it, and whether the territory's
interval contains the group mean (then the difference is not worth a story).
Group statistics include every member with a published block score, the
territory itself included when it is a member; every territory is compared
with every group, so Alpine regions can be set against a European reference set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BENCHMARK_COLUMNS = [
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


def benchmark_blocks(
    block_scores: pd.DataFrame, groups: pd.DataFrame, *, min_peer_regions: int = 3, frontrunner_quantile: float = 0.75
) -> pd.DataFrame:
    """One row per (region, block, peer group) from `block_scores` and `groups` (`region,group`)."""
    ok = block_scores[block_scores["status"] == "ok"]
    rows = []
    regions = sorted(block_scores["region"].unique())
    blocks = list(dict.fromkeys(block_scores["block"]))
    by_key = block_scores.set_index(["region", "block"])
    for group in sorted(groups["group"].unique()):
        members = set(groups.loc[groups["group"] == group, "region"])
        for block in blocks:
            peers = ok[(ok["block"] == block) & ok["region"].isin(members)].set_index("region")["score"]
            enough = len(peers) >= min_peer_regions
            mean = float(peers.mean()) if enough else np.nan
            median = float(peers.median()) if enough else np.nan
            level = float(np.quantile(peers.to_numpy(), frontrunner_quantile)) if enough else np.nan
            leaders = " ".join(sorted(peers[peers >= level].index)) if enough else ""
            for region in regions:
                own = by_key.loc[(region, block)]
                score = own["score"] if own["status"] == "ok" else np.nan
                has = not np.isnan(score) and enough
                within = bool(own["ci_low"] <= mean <= own["ci_high"]) if has and not np.isnan(own["ci_low"]) else None
                rows.append(
                    (
                        region,
                        block,
                        group,
                        score,
                        mean,
                        median,
                        level,
                        score - mean if has else np.nan,
                        score - level if has else np.nan,
                        leaders,
                        within,
                    )
                )
    out = pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
    return out.sort_values(["region", "block", "peer_group"], kind="stable").reset_index(drop=True)
