"""A synthetic demo of pilot-cluster service validation: invented pilots, invented answers."""

from __future__ import annotations

import pandas as pd

from ..campaign.synthetic import SyntheticSpec, generate_campaign
from ..instrument import load_builtin
from .model import INSTRUMENT, PilotValidation, validate_services

# Invented pilots (names say so); the regions are real NUTS codes used only as a property.
DEMO_PILOTS = pd.DataFrame(
    [
        ("PC001", "Synthetic pilot cluster A", "AT32", "Matchmaking service for cross-border projects"),
        ("PC002", "Synthetic pilot cluster B", "ITC1", "Digital maturity check for SMEs"),
        ("PC003", "Synthetic pilot cluster C", "SI", "Joint internationalisation desk"),
        ("PC004", "Synthetic pilot cluster D", "DE2", "Access-to-finance coaching"),
        ("PC005", "Synthetic pilot cluster E", "FRK2", "Shared testing facility booking"),
    ],
    columns=["code", "name", "region", "service"],
)


def pilot_demo(seed: int = 2018) -> PilotValidation:
    """Five invented pilot clusters, 4 to 30 invented company answers each, scored and judged."""
    instrument = load_builtin(INSTRUMENT)
    spec = SyntheticSpec(seed=seed, min_respondents=4, max_respondents=30, group_weights={"company": 1.0})
    regions = DEMO_PILOTS.rename(columns={"code": "region_code"})[["region_code", "name"]]
    campaign = generate_campaign(instrument, regions.rename(columns={"region_code": "region"}), spec=spec)
    return validate_services(campaign, DEMO_PILOTS, instrument)
