"""`s3stresstest topics`: candidate cooperation topics for a group of territories, from a run folder."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputError
from .common import fail, out, parse_weights


def topics(
    results: Path = typer.Option(..., "--results", help="Run folder (from score, demo or campaign score)."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    territories: str | None = typer.Option(
        None, "--territories", help="The group, comma-separated codes (default: every territory of the run)."
    ),
    axis: str = typer.Option(
        "ecosystem", "--axis", help="Taxonomy of the topics: ecosystem, nace, nabs, policy, horizon_cluster or mission."
    ),
    weight: list[str] | None = typer.Option(
        None, "--weight", help="Weight of a dimension, NAME=NUMBER (overlap, willingness, capacity, closeness)."
    ),
    top: int = typer.Option(10, "--top", min=1, help="Diamond charts for this many topics."),
    language: str = typer.Option("en", "--language", help="Language of the charts: en, de, fr, it or sl."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the output folder."),
) -> None:
    """Rank cooperation topics (shared S3 priorities, willingness and capacity to cooperate, neighbours
    and structural peers) with a synergy diamond per topic."""
    from ..cooperation import cooperation_topics, write_topics
    from ..run import read_run

    try:
        run = read_run(results)
        group = [c.strip() for c in territories.split(",") if c.strip()] if territories else None
        result = cooperation_topics(run, group, axis=axis, weights=parse_weights(weight or [], "capacity=2"))
        write_topics(result, out_dir, top=top, language=language, overwrite=overwrite)
    except (InputError, ValueError) as exc:
        fail(exc if isinstance(exc, InputError) else InputError(str(exc)))
    if result.synthetic:
        out.print("[bold yellow]SYNTHETIC answers:[/] every output says so.")
    for row in result.topics.head(top).itertuples(index=False):
        out.print(f"{row.rank:>2}. {row.title} ({row.topic}): score {row.score:.0f}, partners {row.partners}")
    out.print(f"{len(result.topics)} topics written to {out_dir}")


def register(app: typer.Typer) -> None:
    app.command()(topics)
