"""`s3stresstest align --strategies FILE --out DIR`: alignment of S3 strategies, written as CSV, GraphML and run.json.

`align` is a plain Typer command function; `register(app)` adds it to the main CLI. `align_app`
is a one-command Typer app around it (for running or testing it alone). Bad input (unknown codes
or territories, duplicate priorities, bad parameters, missing data files) gives the problems on
stderr and exit code 2, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputError
from .common import err, out, parse_weights
from .common import fail as _fail


def _parse_weights(items: list[str]) -> dict[str, float] | None:
    if not items:
        return None
    from ..alignment.metrics import DEFAULT_WEIGHTS

    weights = dict(DEFAULT_WEIGHTS)
    for name, w in parse_weights(items, example="text=0.5").items():
        if name not in weights:
            raise InputError(f"--weight: unknown component '{name}'; the components are {', '.join(weights)}")
        weights[name] = w
    return weights


def align(
    strategies: Path = typer.Option(
        ..., "--strategies", help="Priorities file (CSV or XLSX) in the schema of s3_priorities_2014_2020.csv."
    ),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    data_folder: Path | None = typer.Option(
        None,
        "--data-folder",
        help="Reference data folder with the GISCO NUTS "
        "files, for territory codes and neighbours "
        "(default: the data directory, "
        "S3ST_DATA_DIR).",
    ),
    adjacency: Path | None = typer.Option(
        None,
        "--adjacency",
        help="CSV code_a,code_b[,kind] of neighbouring territories, instead of the NUTS boundaries.",
    ),
    taxonomies: Path | None = typer.Option(
        None, "--taxonomies", help="Folder with the taxonomy CSVs (default: the built-in ones)."
    ),
    period: str | None = typer.Option(
        None,
        "--period",
        help="Only the strategies of this period (default: every territory's strategy of its latest period).",
    ),
    text_method: str = typer.Option("tfidf", "--text-method", help="Text similarity: tfidf, tfidf-char or embedding."),
    embedding_model: Path | None = typer.Option(
        None,
        "--embedding-model",
        help="Folder of a sentence-embedding model already on disk (text method 'embedding'); never downloaded.",
    ),
    partial_credit: float = typer.Option(
        0.5,
        "--partial-credit",
        help="Credit of two codes one step apart in the hierarchy (same NACE section, different division).",
    ),
    code_measure: str = typer.Option(
        "dice", "--code-measure", help="Set similarity of the matched codes: dice or jaccard."
    ),
    weight: list[str] | None = typer.Option(
        None,
        "--weight",
        help="Weight of a component in the pair score, NAME=NUMBER (repeatable): nace, nabs, policy, ecosystem, text.",
    ),
    min_pair_score: float = typer.Option(20.0, "--min-pair-score", help="Pair scores (0-100) below this are no match."),
    strategy_score: str = typer.Option(
        "max",
        "--strategy-score",
        help="Strategy score: max (sum of matched pair scores / larger strategy) or mean_coverage.",
    ),
    neighbours: str = typer.Option(
        "line", "--neighbours", help="Neighbours share a border line (line) or also touch at a point (line_or_point)."
    ),
    synergy_min_territories: int = typer.Option(
        2, "--synergy-min-territories", help="Fewest neighbouring territories sharing a synergy topic."
    ),
    synergy_min_pair_score: float = typer.Option(
        30.0, "--synergy-min-pair-score", help="Fewest points of a match linking priorities into a group."
    ),
    block_scores: Path | None = typer.Option(
        None, "--block-scores", help="block_scores.csv of a StressTest run: adds perception_vs_evidence.csv."
    ),
    block: str = typer.Option("b2", "--block", help="Block of the perceived alignment."),
    perception_threshold: float = typer.Option(
        25.0, "--perception-threshold", help="Gap between perceived and measured alignment flagged as disagreement."
    ),
    perception_scale: str = typer.Option(
        "rank", "--perception-scale", help="Compare percentile ranks (rank) or raw points (points)."
    ),
    graph_min_other_score: float = typer.Option(
        0.0,
        "--graph-min-other-score",
        help="Other (non-neighbour, non-vertical) pairs scoring above this go into the GraphML network.",
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Vertical and horizontal alignment of S3 strategies, synergy topics, and perception against evidence."""
    from ..alignment.inputs import read_adjacency, read_block_scores
    from ..alignment.model import read_strategies
    from ..alignment.run import params_from, run_alignment, write_alignment
    from ..alignment.taxonomy import load_taxonomies
    from ..files import prepare_out_dir

    try:
        prepare_out_dir(out_dir, overwrite)
        weights = _parse_weights(weight or [])
        params = params_from(
            period=period,
            **({"weights": weights} if weights else {}),
            partial_credit=partial_credit,
            code_measure=code_measure,
            text_method=text_method,
            embedding_model=str(embedding_model) if embedding_model else None,
            min_pair_score=min_pair_score,
            strategy_score=strategy_score,
            neighbours=neighbours,
            synergy_min_territories=synergy_min_territories,
            synergy_min_pair_score=synergy_min_pair_score,
            perception_block=block,
            perception_threshold=perception_threshold,
            perception_scale=perception_scale,
            graph_min_other_score=graph_min_other_score,
        )
        tax = load_taxonomies(taxonomies)
        registry = None
        if adjacency is None or data_folder is not None:
            from ..regions.nuts import NutsRegistry

            with err.status("Reading the NUTS 2021 regions..."):
                registry = NutsRegistry.load(data_folder)
        strategies_list = read_strategies(strategies, tax, known_territories=registry)
        inputs: dict[str, str | Path] = {"strategies": strategies}
        adjacency_table = None
        if adjacency is not None:
            adjacency_table = read_adjacency(adjacency)
            inputs["adjacency"] = adjacency
        scores = None
        if block_scores is not None:
            scores = read_block_scores(block_scores)
            inputs["block_scores"] = block_scores
        with err.status("Comparing the strategies..."):
            result = run_alignment(
                strategies_list,
                taxonomies=tax,
                registry=registry,
                adjacency_pairs=adjacency_table,
                params=params,
                block_scores=scores,
                inputs=inputs,
                taxonomy_folder=taxonomies,
            )
        write_alignment(result, out_dir, overwrite=overwrite)
    except InputError as exc:
        _fail(exc)
    c = result.record["counts"]
    out.print(
        f"Compared {c['strategies']} strategies ({c['priorities']} priorities): {c['pairs']} pairs, "
        f"{c['vertical_pairs']} vertical, {c['neighbour_pairs']} neighbour; {c['synergy_topics']} synergy "
        f"topics."
    )
    missing = result.record["notes"]["no_national_strategy"]
    if missing:
        out.print(f"No national strategy in the input for: {', '.join(missing)}")
    out.print(f"Results written to {out_dir}")


align_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
align_app.command("align")(align)


def register(app: typer.Typer) -> None:
    """Add the `align` command to the main CLI."""
    app.command("align", help="Alignment of S3 strategies: vertical, neighbours, matrix, synergy topics.")(align)
