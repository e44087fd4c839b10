"""Alignment of Smart Specialisation Strategies: vertical (region against nation), horizontal
(region against neighbours and every other territory), synergy topics, perception against evidence.

Pure functions in the middle (`metrics`, `analysis`), input and output at the edges
(`taxonomy`, `model` for reading; `run` for the run record and the files written).

    from s3stresstest.alignment import load_taxonomies, read_strategies, run_alignment, write_alignment
    tax = load_taxonomies()           # built-in NACE, NABS, policy, ecosystem, Horizon Europe cluster and mission lists
    strategies = read_strategies("priorities.csv", tax, known_territories=registry)   # or a list of files
    strategies = read_builtin_strategies(tax)             # the sourced 2014-2020 and 2021-2027 dataset
    result = run_alignment(strategies, taxonomies=tax, registry=registry)   # latest period per territory
    result.pairs, result.matrix, result.matches, result.synergies   # DataFrames
    write_alignment(result, "alignment-out")
"""

from .analysis import alignment_matrix, horizontal_alignment, perception_vs_evidence, synergy_topics, vertical_alignment
from .metrics import (
    DEFAULT_WEIGHTS,
    PairScorer,
    code_similarity,
    match_priorities,
    priority_pair_scores,
    strategy_alignment,
    text_similarity_matrix,
)
from .model import (
    BUILTIN_PRIORITY_FILES,
    Priority,
    Strategy,
    builtin_priorities_csv,
    builtin_priority_files,
    latest_strategies,
    period_key,
    read_builtin_strategies,
    read_strategies,
    strategies_from_rows,
)
from .run import AlignmentParams, AlignmentResult, run_alignment, write_alignment
from .taxonomy import Taxonomy, builtin_taxonomies, load_taxonomies, load_taxonomy, taxonomy_from_rows

__all__ = [
    "BUILTIN_PRIORITY_FILES",
    "DEFAULT_WEIGHTS",
    "AlignmentParams",
    "AlignmentResult",
    "PairScorer",
    "Priority",
    "Strategy",
    "Taxonomy",
    "alignment_matrix",
    "builtin_priorities_csv",
    "builtin_priority_files",
    "builtin_taxonomies",
    "code_similarity",
    "horizontal_alignment",
    "latest_strategies",
    "load_taxonomies",
    "load_taxonomy",
    "match_priorities",
    "perception_vs_evidence",
    "period_key",
    "priority_pair_scores",
    "read_builtin_strategies",
    "read_strategies",
    "run_alignment",
    "strategies_from_rows",
    "strategy_alignment",
    "synergy_topics",
    "taxonomy_from_rows",
    "text_similarity_matrix",
    "vertical_alignment",
    "write_alignment",
]
