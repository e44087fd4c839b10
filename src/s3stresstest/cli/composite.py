"""`s3stresstest composite build|ua`: composite indicators with COINr's methods."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputError
from .common import fail, out

composite_app = typer.Typer(help="Composite indicators (COINr's methods and results), uncertainty and sensitivity.")


@composite_app.command("build")
def build_command(
    data: Path = typer.Option(..., "--data", help="Indicator data (COINr iData: uCode, uName, groups, indicators)."),
    meta: Path = typer.Option(
        ..., "--meta", help="Metadata (COINr iMeta: Level, iCode, Direction, Weight, Parent, Type)."
    ),
    pipeline: str = typer.Option("example", "--pipeline", help="example (COINr's example coin) or default."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the output folder."),
) -> None:
    """Build the composite step by step and write each step's dataset, the index ranks and the log."""
    from ..composite import build, read_coin, write_coin

    try:
        coin = build(read_coin(data, meta), pipeline)
        write_coin(coin, out_dir, overwrite=overwrite)
    except (InputError, ValueError) as exc:
        fail(exc if isinstance(exc, InputError) else InputError(str(exc)))
    top = coin.ranks().head(5)
    code = top.columns[2]
    for rank, ucode, uname, value in zip(top["Rank"], top["uCode"], top["uName"], top[code], strict=True):
        out.print(f"{int(rank):>3}  {ucode}  {uname}  {float(value):.2f}")
    out.print(f"written to {out_dir}")


@composite_app.command("ua")
def ua_command(
    data: Path = typer.Option(..., "--data", help="Indicator data (COINr iData)."),
    meta: Path = typer.Option(..., "--meta", help="Metadata (COINr iMeta)."),
    pipeline: str = typer.Option(
        "example", "--pipeline", help="example or default (raw -> treat -> normalise -> aggregate)."
    ),
    design: Path | None = typer.Option(
        None, "--design", help="Replay: rep,f_n,f_n_para,f_ag,weight_set (e.g. from COINr)."
    ),
    weight_sets: Path | None = typer.Option(None, "--weight-sets", help="Replay: weight_set,iCode,Level,Weight."),
    n: int = typer.Option(1000, "--n", min=1, help="Replications to sample when no design is given."),
    noise: str = typer.Option("2=0.25,3=0.25", "--noise", help="Weight noise per level, LEVEL=FRACTION,..."),
    seed: int = typer.Option(1, "--seed", help="Random seed of the sampled design and of the Sobol sample."),
    sobol: int = typer.Option(0, "--sobol", help="Also Sobol indices with this base sample size (a power of 2)."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the output folder."),
) -> None:
    """Uncertainty analysis: scores per replication and rank statistics (and optionally Sobol indices)."""
    import json

    import pandas as pd

    from ..composite import read_coin
    from ..composite.uncertainty import replay, sample_design, sensitivity
    from ..files import staged_output_dir

    try:
        coin = read_coin(data, meta)
        if (design is None) != (weight_sets is None):
            raise InputError("give both --design and --weight-sets to replay a design, or neither to sample one")
        if design is not None and weight_sets is not None:
            d = pd.read_csv(design, dtype={"f_n_para": str})
            w = pd.read_csv(weight_sets)
            sampled = False
        else:
            levels = {}
            for part in noise.split(","):
                level, _, frac = part.partition("=")
                try:
                    levels[int(level)] = float(frac)
                except ValueError:
                    raise InputError(f"--noise must be LEVEL=FRACTION,... (got {noise!r})") from None
            d, w = sample_design(coin, n, noise=levels, seed=seed)
            sampled = True
        result = replay(coin, pipeline, d, w)
        si = sensitivity(coin, pipeline, sobol, seed=seed) if sobol else None
        with staged_output_dir(out_dir, overwrite) as tmp:
            result.scores.to_csv(tmp / "scores_per_rep.csv", index=False, float_format="%.17g")
            result.rank_stats.to_csv(tmp / "rank_stats.csv", index=False, float_format="%.17g")
            if sampled:
                d.to_csv(tmp / "design.csv", index=False)
                w.to_csv(tmp / "weights.csv", index=False, float_format="%.17g")
            if si is not None:
                si.indices.to_csv(tmp / "sensitivity.csv", index=False, float_format="%.6g")
            record = {
                "pipeline": pipeline,
                "replications": len(d),
                "sampled": sampled,
                "seed": seed if sampled else None,
                "sobol_base_n": sobol or None,
            }
            (tmp / "ua.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except (InputError, ValueError, OSError) as exc:
        fail(exc if isinstance(exc, InputError) else InputError(str(exc)))
    top = result.rank_stats.head(5)
    for r in top.itertuples(index=False):
        out.print(f"{r.uCode}: nominal {r.Nominal:.0f}, median {r.Median:.0f}, 90% of ranks {r.Q5:.0f}-{r.Q95:.0f}")
    out.print(f"{len(d)} replications written to {out_dir}")


def register(app: typer.Typer) -> None:
    app.add_typer(composite_app, name="composite")
