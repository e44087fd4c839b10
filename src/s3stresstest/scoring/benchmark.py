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
    """One row per (region, block, peer group) from `block_scores` and `groups` (`region,group`).

    Group statistics are computed once per (group, block); the rows for every territory are then
    built column-wise, so a campaign of hundreds of territories and dozens of groups stays fast.
    """
    ok = block_scores[block_scores["status"] == "ok"]
    blocks = list(dict.fromkeys(block_scores["block"]))
    stats = []
    for group in sorted(groups["group"].unique()):
        members = set(groups.loc[groups["group"] == group, "region"])
        in_group = ok[ok["region"].isin(members)]
        for block in blocks:
            peers = in_group[in_group["block"] == block].set_index("region")["score"]
            enough = len(peers) >= min_peer_regions
            level = float(np.quantile(peers.to_numpy(), frontrunner_quantile)) if enough else np.nan
            stats.append(
                {
                    "block": block,
                    "peer_group": group,
                    "enough": enough,
                    "peer_mean": float(peers.mean()) if enough else np.nan,
                    "peer_median": float(peers.median()) if enough else np.nan,
                    "frontrunner_level": level,
                    "frontrunners": " ".join(sorted(peers[peers >= level].index)) if enough else "",
                }
            )
    table = pd.DataFrame(
        stats,
        columns=["block", "peer_group", "enough", "peer_mean", "peer_median", "frontrunner_level", "frontrunners"],
    )
    own = block_scores[["region", "block", "score", "ci_low", "ci_high", "status"]]
    own = own.assign(score=own["score"].where(own["status"] == "ok", np.nan).astype(float))
    out = own.merge(table, on="block", how="inner")
    score, mean = out["score"].to_numpy(dtype=float), out["peer_mean"].to_numpy(dtype=float)
    has = ~np.isnan(score) & out["enough"].to_numpy(dtype=bool)
    low, high = out["ci_low"].to_numpy(dtype=float), out["ci_high"].to_numpy(dtype=float)
    within = (low <= mean) & (mean <= high)
    out["gap_to_mean"] = np.where(has, score - mean, np.nan)
    out["gap_to_frontrunner"] = np.where(has, score - out["frontrunner_level"].to_numpy(dtype=float), np.nan)
    flags = [bool(w) if h and not np.isnan(lo) else None for w, h, lo in zip(within, has, low, strict=True)]
    out["indistinguishable"] = pd.Series(flags, index=out.index, dtype=object if None in flags else bool)
    out = out[BENCHMARK_COLUMNS]
    return out.sort_values(["region", "block", "peer_group"], kind="stable").reset_index(drop=True)
