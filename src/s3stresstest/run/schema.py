"""The declared tables of a run folder: file name -> columns and their kinds.

This list is the folder format. `write_run` writes exactly these columns and `read_run`
reads them back with these kinds; a test checks that every stage produces them.
Tables whose columns depend on the data (finding figures, alignment matrix) are written
with inferred kinds, recorded in the folder's `schema.json` like the rest.
"""

from __future__ import annotations

from .tables import Schema, schema

# results of the stages, at the top of the folder
RESULT_TABLES: dict[str, Schema] = {
    "item_scores": schema("region:text item:text block:text score:float ci_low:float ci_high:float n:int status:text"),
    "block_scores": schema("region:text block:text score:float ci_low:float ci_high:float n:int status:text"),
    "distributions": schema("region:text item:text choice:text share:float n:int"),
    "benchmarks": schema(
        "region:text block:text peer_group:text score:float peer_mean:float peer_median:float "
        "frontrunner_level:float gap_to_mean:float gap_to_frontrunner:float frontrunners:text "
        "indistinguishable:bool"
    ),
    "item_dispersion": schema(
        "region:text item:text block:text sd:float n:int groups_published:int "
        "group_spread:float groups_disagree:bool status:text"
    ),
    "group_item_scores": schema(
        "region:text item:text block:text stakeholder_group:text score:float n:int status:text"
    ),
    "group_block_scores": schema("region:text block:text stakeholder_group:text score:float n:int status:text"),
    "response_counts": schema("region:text stakeholder_group:text respondents:int invited:int?"),
    "recommendations": schema(
        "region:text rank:int rule:text topic:text title:text action:text evidence:text "
        "items:text learn_from:text written:bool priority:int blocks:text rationale:text "
        "gap:float excerpts:text"
    ),
    "findings": schema(
        "id:text title:text statement:text rule:text evidence:text territories:text k:int n:int "
        "withheld:int figures:text"
    ),
    "typology": schema("region:text type:int"),
    "typology_types": schema("type:int territories:int members:text summary:text"),
    "typology_profiles": schema("type:int block:text score:float"),
}

# present only when the run had what they need
OPTIONAL_TABLES: dict[str, Schema] = {
    "context": schema(
        "region:text indicator:text name:text kind:text value:float unit:text year:int? flag:text "
        "attribution:text source_file:text aggregated:bool recoded_from:text"
    ),
    "scoreboard": schema(
        "region:text code:text name:text level:int score:float low:float high:float indicators:int available:int"
    ),
    # on request only (RunParams.block_composite): ranks are kept for the record, reports show none by default
    "block_composite": schema(
        "region:text score:float low:float high:float rank:float rank_best:float rank_worst:float blocks:int "
        "published:int"
    ),
    "structural_peers": schema("region:text level:int rank:int peer:text peer_name:text distance:float"),
    "structural_peer_values": schema("region:text peer:text variable:text value:float"),
    # the texts of recommendations, findings and types in every report language (en, de, fr, it,
    # sl); the English ones equal the columns of the main tables. Absent in folders written
    # before reports were translated: a report in another language then asks for a rerun.
    # advice: the run of `action` that says what to do (absent in folders written before reports set it apart)
    "recommendation_texts": schema(
        "region:text rank:int language:text title:text action:text rationale:text advice:text"
    ),
    "finding_texts": schema("id:text language:text title:text statement:text rule:text evidence:text"),
    "type_texts": schema("type:int language:text summary:text"),
}

# the inputs, under inputs/: enough to repeat the run and to write every report
INPUT_TABLES: dict[str, Schema] = {
    "responses": schema("respondent_id:text region:text stakeholder_group:text item:text value:text"),
    # language: the territory's default report language (en, de, fr, it, sl; empty when not given);
    # absent in folders written before territories had one
    "regions": schema("region:text name:text language:text"),
    "groups": schema("region:text group:text"),
    "invitations": schema("region:text stakeholder_group:text invited:int"),
}

ALIGNMENT_TABLES = (
    "alignment_pairs",
    "alignment_territories",
    "synergies",
    "perception_vs_evidence",
    "alignment_matrix",
    "priority_matches",
)

# recommendations written out in full in a regional report (the rest are listed in its table)
WRITTEN_RECOMMENDATIONS = 7  # = recommend.compose.WRITTEN
