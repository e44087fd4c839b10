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


def register(app: typer.Typer) -> None:
    app.add_typer(composite_app, name="composite")
