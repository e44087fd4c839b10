"""The scoring stage on its own: campaign + instrument -> scores and benchmarks as DataFrames.

The whole StressTest (context, alignment, recommendations, findings, the record and the run
folder) is `s3stresstest.run`; `run_stresstest` is its first stage, for a notebook user who
wants the score tables alone, and the input of `recommend`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .campaign import Campaign
from .instrument import Instrument
from .run.model import SYNTHETIC_BANNER
from .scoring import ScoringParams

__all__ = ["SYNTHETIC_BANNER", "StressTestResult", "run_stresstest"]


@dataclass
class StressTestResult:
    """The score tables of a campaign plus a short record (synthetic flag, parameters, peer groups)."""

    item_scores: pd.DataFrame
    block_scores: pd.DataFrame
    distributions: pd.DataFrame
    benchmarks: pd.DataFrame
    item_dispersion: pd.DataFrame
    group_item_scores: pd.DataFrame
    group_block_scores: pd.DataFrame
    record: dict[str, Any] = field(default_factory=dict)
    instrument: Instrument | None = None

    @property
    def synthetic(self) -> bool:
        return bool(self.record.get("synthetic"))

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "item_scores": self.item_scores,
            "block_scores": self.block_scores,
            "distributions": self.distributions,
            "benchmarks": self.benchmarks,
            "item_dispersion": self.item_dispersion,
            "group_item_scores": self.group_item_scores,
            "group_block_scores": self.group_block_scores,
        }


def run_stresstest(campaign: Campaign, instrument: Instrument, params: ScoringParams | None = None) -> StressTestResult:
    """Score a campaign and benchmark every territory against every peer group (`run.stages.score`)."""
    from .run.stages import peer_groups, score

    params = params or ScoringParams()
    s = score(campaign, instrument, params)
    groups = peer_groups(campaign, campaign.territories)
    record = {
        "synthetic": bool(campaign.synthetic),
        "parameters": params.model_dump(),
        "peer_groups": {
            g: sorted(groups.loc[groups["group"] == g, "region"]) for g in sorted(groups["group"].unique())
        },
    }
    return StressTestResult(
        s.item_scores,
        s.block_scores,
        s.distributions,
        s.benchmarks,
        s.item_dispersion,
        s.group_item_scores,
        s.group_block_scores,
        record,
        instrument,
    )
