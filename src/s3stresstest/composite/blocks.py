"""A composite of the StressTest's block scores, with its uncertainty over the block weights.

Each territory's published block scores (0-100; a withheld score stays missing, never 0) are the
indicators of a coin whose one aggregate is the weighted arithmetic mean of the blocks (equal
weights unless given). The block scores already share one 0-100 scale, so the normalisation is
the identity (goalposts 0 and 100). Only the weights are uncertain: `uncertainty.sample_design`
draws `n` weight sets (each block weight times 1 + u·f, u uniform in [-1, 1], f = `noise`) and
`uncertainty.replay` computes every replication. A territory's range is the 5 % and 95 % quantile
of its composite over the replications, its rank interval the 5 % and 95 % quantile of its rank.
A territory with fewer published blocks than `min_blocks` (default: all) gets no composite: a mean
over other blocks would not be comparable. A position with its range, not a league table: reports
show no rank by default.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError
from .coin import Coin
from .uncertainty import replay, sample_design

INDEX = "block_composite"
COLUMNS = ["region", "score", "low", "high", "rank", "rank_best", "rank_worst", "blocks", "published"]
IDENTITY = ("n_goalposts", "0,100,100")  # scores of 0-100 stay as they are
LOG: list[dict[str, Any]] = [
    {"step": "normalise", "dset": "Raw", "method": IDENTITY[0], "params": {"gposts": (0.0, 100.0, 100.0)},
     "write_to": "Normalised"},
    {"step": "aggregate", "dset": "Normalised", "method": "a_amean", "write_to": "Aggregated"},
]  # fmt: skip


class BlockCompositeParams(BaseModel):
    """How a run builds the composite of block scores (recorded in the run's parameters)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: dict[str, float] = Field(default_factory=dict, description="block -> weight (others 1)")
    noise: float = Field(0.25, ge=0, lt=1, description="each weight varies uniformly by ± this share")
    replications: int = Field(1000, ge=10, le=100_000)
    min_blocks: int | None = Field(None, ge=1, description="fewest published blocks (default: every block)")


def block_composite(
    block_scores: pd.DataFrame,
    blocks: list[str] | None = None,
    weights: dict[str, float] | None = None,
    *,
    noise: float = 0.25,
    n: int = 1000,
    seed: int = 1,
    min_blocks: int | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per territory: the composite of its published block scores, its 5-95 % range and rank interval.

    `block_scores`: region, block, score, status (only `ok` rows with a score count). `blocks`: the
    blocks composed (default: every block in the table, in its order). `weights`: block -> weight
    (blocks not named weigh 1). Returns the table (`COLUMNS`; a territory without a composite keeps
    its row with missing figures) and a record of the choices and of who was left out and why."""
    if not 0 <= noise < 1:
        raise InputError(f"the weight noise must be at least 0 and below 1 (got {noise})")
    blocks = list(blocks) if blocks is not None else list(dict.fromkeys(block_scores["block"].astype(str)))
    unknown = sorted(set(weights or {}) - set(blocks))
    if unknown:
        raise InputError(f"weights for unknown block(s) {', '.join(unknown)}; the blocks are {', '.join(blocks)}")
    w = {b: float((weights or {}).get(b, 1.0)) for b in blocks}
    if any(not v > 0 for v in w.values()):
        raise InputError("block weights must be above 0")
    need = len(blocks) if min_blocks is None else int(min_blocks)
    if not 1 <= need <= len(blocks):
        raise InputError(f"min_blocks must be between 1 and {len(blocks)} (got {min_blocks})")
    ok = block_scores[(block_scores["status"] == "ok") & block_scores["score"].notna()]
    wide = ok.pivot_table(index="region", columns="block", values="score", aggfunc="first")
    regions = list(dict.fromkeys(block_scores["region"].astype(str)))
    wide = wide.reindex(index=regions, columns=blocks).astype(float)
    published = wide.notna().sum(axis=1)
    enough = published >= need
    record: dict[str, Any] = {
        "blocks": blocks,
        "weights": w,
        "noise": noise,
        "replications": n,
        "seed": seed,
        "min_blocks": need,
        "normalisation": "none (block scores are already 0-100)",
        "aggregation": "weighted arithmetic mean of the published blocks",
        "left_out": {
            r: f"{int(published[r])} of {len(blocks)} blocks published (needs {need})" for r in regions if not enough[r]
        },
    }
    out = pd.DataFrame({"region": regions, "blocks": len(blocks), "published": published.to_numpy(dtype="int64")})
    for c in ("score", "low", "high", "rank", "rank_best", "rank_worst"):
        out[c] = np.nan
    units = [r for r in regions if enough[r]]
    if units:
        data = wide.loc[units].rename_axis("uCode").reset_index()
        meta = pd.DataFrame(
            [(1, b, b, 1, w[b], INDEX, "Indicator") for b in blocks]
            + [(2, INDEX, "Composite of block scores", None, 1.0, None, "Aggregate")],
            columns=["Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"],
        )
        coin = Coin.from_frames(data, meta)
        design, weight_sets = sample_design(
            coin, n, normalisations=[IDENTITY], aggregations=["a_amean"], noise={1: noise}, seed=seed
        )
        ua = replay(coin, LOG, design, weight_sets)
        per_rep = ua.scores.pivot(index="uCode", columns="rep", values=INDEX).reindex(units)
        nominal = ua.nominal.set_index("uCode").reindex(units)
        stats = ua.rank_stats.set_index("uCode").reindex(units)
        at = out["region"].isin(units)
        out.loc[at, "score"] = nominal["score"].to_numpy()
        out.loc[at, "low"] = per_rep.quantile(0.05, axis=1).to_numpy()
        out.loc[at, "high"] = per_rep.quantile(0.95, axis=1).to_numpy()
        out.loc[at, "rank"] = nominal["rank"].to_numpy()
        out.loc[at, "rank_best"] = stats["Q5"].to_numpy()
        out.loc[at, "rank_worst"] = stats["Q95"].to_numpy()
    return out[COLUMNS].astype(dict.fromkeys(COLUMNS[1:7], "float64")), record
