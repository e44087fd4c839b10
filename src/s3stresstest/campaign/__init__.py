"""Campaigns: respondents, territories, peer groups and their answers."""

from .model import RESPONSE_COLUMNS, STAKEHOLDER_GROUPS, Campaign
from .responses import read_campaign, read_groups, read_regions, read_responses, validate_responses
from .validation import validate_answer

__all__ = [
    "RESPONSE_COLUMNS",
    "STAKEHOLDER_GROUPS",
    "Campaign",
    "read_campaign",
    "read_groups",
    "read_regions",
    "read_responses",
    "validate_answer",
    "validate_responses",
]
