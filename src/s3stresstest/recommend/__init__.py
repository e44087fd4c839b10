"""Recommendations: rules as data (YAML), fired on a StressTest result, ranked per territory.

    from s3stresstest.recommend import load_rules, recommend, recommendation_overview
    recs = recommend(result, alignment=alignment, open_comments=campaign.open_comments(instrument))

See `rules` for the file format, `triggers` for the trigger vocabulary and `engine` for
evidence and the anonymity of excerpts. A run (`run.stages.recommendations`) passes the fired
rules through `compose`: item-level triggers, whom to learn from, the 0-100 priority score that
ranks them, and the composed texts (see docs/recommendations.md).
"""

from .compose import compose, priority_score
from .engine import AlignmentView, clean_excerpt, recommend, recommendation_overview
from .rules import TOPICS, Rule, RuleSet, builtin_rules_path, check_rules, load_rules, parse_rules_data, rules_record
from .triggers import TRIGGER_TYPES

__all__ = [
    "TOPICS",
    "TRIGGER_TYPES",
    "AlignmentView",
    "Rule",
    "RuleSet",
    "builtin_rules_path",
    "check_rules",
    "clean_excerpt",
    "compose",
    "load_rules",
    "parse_rules_data",
    "priority_score",
    "recommend",
    "recommendation_overview",
    "rules_record",
]
