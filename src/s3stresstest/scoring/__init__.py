"""Scoring: item, block and stakeholder-group scores with uncertainty and anonymity rules."""

from .distributions import item_distributions
from .engine import CoreScores, score_items_and_blocks
from .params import ScoringParams
from .values import choice_value, scored_answers

__all__ = [
    "CoreScores",
    "ScoringParams",
    "choice_value",
    "item_distributions",
    "score_items_and_blocks",
    "scored_answers",
]
