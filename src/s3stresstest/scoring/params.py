"""Method choices of a scoring run, explicit and recorded in every result."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ScoringParams(BaseModel):
    """Every choice that changes a figure. Stored in `run.json`, so a run can be repeated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weighting: Literal["respondents", "groups"] = Field(
        "respondents", description="Region item score: mean over respondents, or mean of stakeholder-group means."
    )
    min_respondents: int = Field(3, ge=1, description="Anonymity threshold: respondents with a value behind a figure.")
    bootstrap: int = Field(
        1000, ge=0, description="Bootstrap resamples of respondents within a region (0: no intervals)."
    )
    seed: int = Field(20170901, ge=0, description="Seed of the bootstrap; each region draws from its own stream.")
    ci_level: float = Field(0.90, gt=0, lt=1, description="Coverage of the percentile bootstrap intervals.")
    disagreement_threshold: float = Field(
        25.0,
        gt=0,
        le=100,
        description="Spread (points) between published stakeholder-group scores flagged as disagreement.",
    )
    min_peer_regions: int = Field(3, ge=1, description="Fewest published regions for peer-group statistics.")
    frontrunner_quantile: float = Field(
        0.75, gt=0, lt=1, description="Frontrunner level: this quantile of the peer group."
    )
