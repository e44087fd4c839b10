"""An alignment run: strategies -> pair scores -> tables, network and record; written all or nothing.

    strategies = read_strategies("priorities.csv", load_taxonomies(), known_territories=registry)
    result = run_alignment(strategies, registry=registry)          # DataFrames in result.tables()
    write_alignment(result, "alignment-out")

Output files: ``alignment_pairs.csv`` (every pair of strategies once, with its kind
vertical/neighbour/other), ``alignment_matrix.csv`` (territory x territory, 0–100),
``priority_matches.csv`` (the matched priority pairs behind every pair score, with the
component similarities and shared codes), ``synergies.csv``, ``alignment_territories.csv``
(per territory: vertical score, neighbour and other means), ``alignment.graphml`` (nodes:
territories; edges: vertical and neighbour pairs, and other pairs scoring above
``graph_min_other_score``), optionally ``perception_vs_evidence.csv``, and ``run.json``
with every parameter, the taxonomy files and input checksums, and software versions.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .. import __version__
from ..errors import InputError
from . import analysis, metrics
from .metrics import DEFAULT_WEIGHTS, PairScorer
from .model import Strategy, latest_strategies, period_key
from .taxonomy import Taxonomy

OUTPUT_TABLES = ("alignment_pairs", "alignment_matrix", "priority_matches", "synergies", "alignment_territories")
GRAPH_FILE = "alignment.graphml"


class AlignmentParams(BaseModel):
    """Every method choice of an alignment run; recorded in `run.json`. Scores and thresholds are in points 0–100."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period: str | None = Field(
        None,
        description="Only the strategies of this period; by default every territory's strategy of its latest "
        "period (largest start year, then end year).",
    )
    weights: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_WEIGHTS),
        description="Weights of nace, nabs, policy, ecosystem, horizon_cluster, mission and text in a pair "
        "score (a component left out weighs 0).",
    )
    partial_credit: float = Field(0.5, ge=0, le=1, description="Credit of two codes one step apart in the hierarchy.")
    code_measure: Literal["dice", "jaccard"] = Field("dice", description="Set similarity of the matched codes.")
    text_method: Literal["tfidf", "tfidf-char", "embedding"] = Field("tfidf", description="Text similarity.")
    embedding_model: str | None = Field(None, description="Folder of a locally stored sentence-embedding model.")
    min_pair_score: float = Field(20.0, ge=0, le=100, description="Pair scores below this are no match.")
    strategy_score: Literal["max", "mean_coverage"] = Field("max", description="Strategy score from matched pairs.")
    neighbours: Literal["line", "line_or_point"] = Field(
        "line", description="Neighbours share a border line, or also territories touching at a point."
    )
    synergy_min_territories: int = Field(2, ge=2, description="Fewest neighbouring territories sharing a topic.")
    synergy_min_pair_score: float = Field(
        30.0, ge=0, le=100, description="Fewest points of a match linking priorities into a group."
    )
    perception_block: str = Field("b2", description="StressTest block holding the perceived alignment.")
    perception_threshold: float = Field(25.0, ge=0, description="Gap flagged as disagreement (points).")
    perception_scale: Literal["rank", "points"] = Field("rank", description="Compare percentile ranks or raw points.")
    graph_min_other_score: float = Field(
        0.0, ge=0, le=100, description="Other (not neighbour or vertical) pairs above this: graph."
    )

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        try:
            return metrics.check_weights(v)
        except InputError as exc:
            raise ValueError(str(exc.problems[0])) from exc


def params_from(**kwargs) -> AlignmentParams:
    """AlignmentParams from keyword arguments, every validation error as a Problem of one InputError."""
    from pydantic import ValidationError

    from ..errors import Problem

    try:
        return AlignmentParams(**kwargs)
    except ValidationError as exc:
        raise InputError([Problem(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}") for e in exc.errors()]) from exc


@dataclass
class AlignmentResult:
    strategies: list[Strategy]
    pairs: pd.DataFrame
    matrix: pd.DataFrame
    matches: pd.DataFrame
    synergies: pd.DataFrame
    territories: pd.DataFrame
    vertical: pd.DataFrame
    horizontal: pd.DataFrame
    perception: pd.DataFrame | None = None
    record: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {
            "alignment_pairs": self.pairs,
            "alignment_matrix": self.matrix.reset_index(),
            "priority_matches": self.matches,
            "synergies": self.synergies,
            "alignment_territories": self.territories,
        }
        if self.perception is not None:
            out["perception_vs_evidence"] = self.perception
        return out


def _sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def select_period(strategies: Sequence[Strategy], period: str | None) -> list[Strategy]:
    """The strategies a run compares: those of `period` when given, else the latest period of every
    territory (`model.latest_strategies`: e.g. a territory's 2021-2027 strategy rather than its 2014-2020
    one; a territory with a single strategy keeps it whatever its period)."""
    periods = sorted({s.period for s in strategies}, key=period_key)
    if period is not None:
        chosen = [s for s in strategies if s.period == period]
        if not chosen:
            raise InputError(f"no strategy for the period '{period}' (the input has {', '.join(periods)})")
        return chosen
    chosen = latest_strategies(strategies)
    analysis.check_one_per_territory(chosen)
    return chosen


def _adjacency(strategies: list[Strategy], registry, adjacency_pairs, neighbours: str) -> tuple[set, dict]:
    """Neighbour pairs of the horizontal set, and a note for the record."""
    hset = [s.territory for s in analysis.horizontal_strategies(strategies)]
    if adjacency_pairs is not None:
        table = adjacency_pairs
        if isinstance(table, pd.DataFrame) and "kind" in table.columns and neighbours == "line":
            table = table[table["kind"] == "line"]
        pairs = analysis.neighbour_pairs(table)
        return {p for p in pairs if p <= set(hset)}, {"source": "given adjacency pairs"}
    if registry is None:
        return set(), {"source": None, "note": "no NUTS registry and no adjacency given: no neighbour pairs"}
    from ..regions.adjacency import territory_adjacency

    table = territory_adjacency(registry, hset, include_point_contacts=(neighbours == "line_or_point"))
    source = str(registry.source) if getattr(registry, "source", None) else None
    return analysis.neighbour_pairs(table), {
        "source": "NUTS 2021 GISCO 1:20M boundaries (regions.adjacency.territory_adjacency)",
        "folder": str(Path(source).resolve()) if source else None,
        "kinds": "shared line" if neighbours == "line" else "shared line or point",
    }


def run_alignment(
    strategies: Sequence[Strategy],
    *,
    taxonomies: dict[str, Taxonomy] | None = None,
    registry=None,
    adjacency_pairs=None,
    params: AlignmentParams | None = None,
    block_scores: pd.DataFrame | None = None,
    national_of: dict[str, str] | None = None,
    inputs: dict[str, str | Path] | None = None,
    taxonomy_folder: str | Path | None = None,
) -> AlignmentResult:
    """Compare every strategy with every other; vertical, neighbour and matrix scores, synergies, record.

    `registry` (a NutsRegistry) gives the neighbours unless `adjacency_pairs` (DataFrame code_a,
    code_b[, kind] or (a, b) tuples) is given. `block_scores` adds the perception table.
    `inputs` names the files read, whose checksums go into the record.
    """
    params = params or AlignmentParams()
    if taxonomies is None:
        from .taxonomy import load_taxonomies

        taxonomies = load_taxonomies(taxonomy_folder)
    chosen = select_period(strategies, params.period)
    if registry is not None:
        chosen = [
            s if s.name else Strategy(s.territory, s.level, s.period, s.priorities, _registry_name(registry, s))
            for s in chosen
        ]
    scorer = PairScorer(
        chosen,
        taxonomies,
        weights=params.weights,
        partial_credit=params.partial_credit,
        code_measure=params.code_measure,
        text_method=params.text_method,
        embedding_model=params.embedding_model,
        min_pair_score=params.min_pair_score,
        strategy_score=params.strategy_score,
    )
    neighbours, adjacency_note = _adjacency(chosen, registry, adjacency_pairs, params.neighbours)
    national_of = analysis.national_of_default(chosen) if national_of is None else national_of
    alignments = analysis.all_alignments(chosen, scorer)
    pairs = analysis.pair_table(alignments, national_of, neighbours)
    matches = analysis.match_table(alignments, national_of, neighbours)
    matrix = analysis.alignment_matrix(chosen, alignments=alignments)
    vertical = analysis.vertical_alignment(chosen, national_of, scorer=scorer)
    horizontal = pairs[pairs["kind"] == analysis.NEIGHBOUR].reset_index(drop=True)
    territories = analysis.territory_summary(chosen, pairs, neighbours)
    synergies = analysis.synergy_topics(
        chosen,
        [tuple(sorted(p)) for p in neighbours],
        min_territories=params.synergy_min_territories,
        min_pair_score=params.synergy_min_pair_score,
        scorer=scorer,
    )
    perception = None
    if block_scores is not None:
        perception = analysis.perception_vs_evidence(
            block_scores,
            territories,
            block=params.perception_block,
            threshold=params.perception_threshold,
            scale=params.perception_scale,
        )
    record = _record(
        chosen,
        params,
        taxonomies,
        inputs,
        adjacency_note,
        territories,
        vertical,
        pairs,
        synergies,
        perception,
        taxonomy_folder,
    )
    return AlignmentResult(
        chosen, pairs, matrix, matches, synergies, territories, vertical, horizontal, perception, record
    )


def _registry_name(registry, s: Strategy) -> str:
    try:
        return registry.name(s.territory)
    except (InputError, KeyError):
        return ""


def _versions() -> dict:
    import scipy
    import sklearn

    return {
        "name": "s3stresstest",
        "version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def _record(
    strategies,
    params,
    taxonomies,
    inputs,
    adjacency_note,
    territories,
    vertical,
    pairs,
    synergies,
    perception,
    taxonomy_folder,
) -> dict:
    from .taxonomy import taxonomy_metadata

    no_national = territories.loc[territories["note"].str.contains("no national strategy"), "territory"].tolist()
    across = vertical[(vertical["national_period"] != "") & (vertical["national_period"] != vertical["period"])]
    cross_period = dict(zip(across["territory"].astype(str), across["note"].astype(str), strict=True))
    return {
        "software": _versions(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "kind": "s3 alignment",
        "parameters": params.model_dump(),
        "inputs": {name: {"path": str(Path(p).resolve()), "sha256": _sha256(p)} for name, p in (inputs or {}).items()},
        "taxonomies": {axis: tax.describe() for axis, tax in taxonomies.items()},
        "taxonomy_metadata": _json_safe(taxonomy_metadata(taxonomy_folder)),
        "adjacency": adjacency_note,
        "counts": {
            "strategies": len(strategies),
            "regional": sum(s.level == "regional" for s in strategies),
            "national": sum(s.level == "national" for s in strategies),
            "priorities": sum(len(s) for s in strategies),
            "pairs": len(pairs),
            "neighbour_pairs": int((pairs["kind"] == analysis.NEIGHBOUR).sum()),
            "vertical_pairs": int((pairs["kind"] == analysis.VERTICAL).sum()),
            "synergy_topics": len(synergies),
        },
        "periods": {s.territory: s.period for s in strategies},
        "period_rule": f"only the period {params.period}"
        if params.period is not None
        else "latest period of each territory (largest start year, then end year)",
        "notes": {
            "no_national_strategy": no_national,
            "vertical_across_periods": cross_period,
            "text": "TF-IDF compares words: titles and descriptions must be in one language (English in the "
            "schema); title_original is not compared."
            if params.text_method != "embedding"
            else "sentence embeddings from a locally stored model",
        },
        "rules": {
            "code_similarity": (
                "codes matched one to one; equal codes credit 1, codes sharing an ancestor "
                f"partial_credit^steps (steps = max depth - depth of the common ancestor), others 0; "
                f"{params.code_measure} of the total credit; an axis on which either priority has "
                "no code is left out"
            ),
            "text_similarity": f"{params.text_method}: cosine of title + description, "
            "fitted on all priorities of the run",
            "pair_score": "weighted mean of the available axis and text similarities, weights renormalised per pair",
            "matching": "optimal one-to-one matching (Hungarian) of pair scores >= min_pair_score",
            "strategy_score": (
                "100 * sum of matched pair scores / max(n_a, n_b)"
                if params.strategy_score == "max"
                else "100 * mean of (sum of matched pair scores / n_a, ... / n_b)"
            ),
            "vertical": "regional strategy against the national strategy of its country (first two letters) in the "
            "run; where their periods differ (the latest sourced national strategy is older or newer), the "
            "comparison is kept and notes.vertical_across_periods says so",
            "horizontal_set": "regional strategies plus national strategies of countries without a regional one",
            "synergy_strength": "sum over the group's neighbour pairs of the best pair score (0-1) on the topic",
            "perception": analysis.PERCEPTION_RULE if perception is not None else None,
        },
    }


def _json_safe(obj):
    return json.loads(json.dumps(obj, default=str)) if obj is not None else None


# -- network ------------------------------------------------------------------------------------

_NS = "http://graphml.graphdrawing.org/xmlns"


def graphml(result: AlignmentResult, min_other_score: float | None = None) -> str:
    """GraphML text (undirected): nodes = territories, edges = vertical, neighbour and strong-enough other pairs."""
    if min_other_score is None:
        min_other_score = float(result.record.get("parameters", {}).get("graph_min_other_score", 0.0))
    ET.register_namespace("", _NS)
    root = ET.Element(f"{{{_NS}}}graphml")
    keys = [
        ("name", "node", "string"),
        ("level", "node", "string"),
        ("country", "node", "string"),
        ("n_priorities", "node", "int"),
        ("vertical", "node", "double"),
        ("neighbours_mean", "node", "double"),
        ("score", "edge", "double"),
        ("weight", "edge", "double"),
        ("kind", "edge", "string"),
        ("n_matched", "edge", "int"),
        ("cross_border", "edge", "boolean"),
        ("shared_codes", "edge", "string"),
    ]
    for name, where, typ in keys:
        ET.SubElement(
            root, f"{{{_NS}}}key", {"id": f"{where[0]}_{name}", "for": where, "attr.name": name, "attr.type": typ}
        )
    graph = ET.SubElement(root, f"{{{_NS}}}graph", {"id": "alignment", "edgedefault": "undirected"})

    def data(parent, key, value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return
        if isinstance(value, (bool, np.bool_)):
            text = "true" if value else "false"
        elif isinstance(value, (float, np.floating)):
            text = f"{float(value):.4f}"
        else:
            text = str(value)
        ET.SubElement(parent, f"{{{_NS}}}data", {"key": key}).text = text

    summary = result.territories.set_index("territory")
    for s in result.strategies:
        node = ET.SubElement(graph, f"{{{_NS}}}node", {"id": s.territory})
        data(node, "n_name", s.name or s.territory)
        data(node, "n_level", s.level)
        data(node, "n_country", s.country)
        data(node, "n_n_priorities", len(s))
        data(node, "n_vertical", float(summary["vertical"][s.territory]))
        data(node, "n_neighbours_mean", float(summary["neighbours_mean"][s.territory]))
    edge_columns = ("kind", "score", "territory_a", "territory_b", "n_matched", "cross_border", "shared_codes")
    for k, (kind, score, ta, tb, n_matched, cross_border, shared_codes) in enumerate(
        zip(*(result.pairs[c] for c in edge_columns), strict=True)
    ):
        if kind == analysis.OTHER and not (score > 0 and score >= min_other_score):
            continue
        edge = ET.SubElement(graph, f"{{{_NS}}}edge", {"id": f"e{k}", "source": ta, "target": tb})
        data(edge, "e_score", float(score))
        data(edge, "e_weight", float(score) / 100.0)
        data(edge, "e_kind", kind)
        data(edge, "e_n_matched", int(n_matched))
        data(edge, "e_cross_border", bool(cross_border))
        data(edge, "e_shared_codes", shared_codes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- writing ------------------------------------------------------------------------------------


def write_alignment(result: AlignmentResult, out: str | Path, *, overwrite: bool = False) -> Path:
    """Write every table, the GraphML network and `run.json` to `out` atomically (temp folder, then rename)."""
    from ..files import staged_output_dir

    with staged_output_dir(out, overwrite) as tmp:
        for name, df in result.tables().items():
            _write_table(df, tmp / f"{name}.csv")
        (tmp / GRAPH_FILE).write_text(graphml(result), encoding="utf-8")
        files = sorted(p.name for p in tmp.iterdir() if p.is_file()) + ["run.json"]
        record = dict(result.record, outputs=sorted(files))
        (tmp / "run.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return Path(out)


FLOAT_FORMAT = "%.4f"


def _write_table(df: pd.DataFrame, path: Path) -> None:
    """An alignment table as CSV: floats to 4 decimals, booleans as true/false, missing empty."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == bool or col in ("groups_disagree", "indistinguishable"):
            out[col] = out[col].map(
                lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else ("true" if v else "false")
            )
    out.to_csv(path, index=False, float_format=FLOAT_FORMAT, encoding="utf-8", lineterminator="\n")
