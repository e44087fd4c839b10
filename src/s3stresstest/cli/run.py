"""`s3stresstest score`, `demo` and `rerun`: score a campaign, the synthetic demo, repeat a run.

Plain Typer command functions; `register(app)` adds them to the main CLI.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..errors import InputError
from ..instrument.files import load_instrument_file
from .common import err, out
from .common import fail as _fail


class Weighting(str, Enum):
    respondents = "respondents"
    groups = "groups"


def score(
    responses: Path = typer.Option(..., "--responses", help="Long responses CSV: respondent_id,region,stakeholder_group,item,value."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    instrument: Optional[Path] = typer.Option(None, "--instrument", help="XLSForm .xlsx or text form .yaml; default: the built-in StressTest v1."),
    regions: Optional[Path] = typer.Option(None, "--regions", help="CSV region,name: the campaign's territories; unknown regions in responses are refused."),
    groups: Optional[Path] = typer.Option(None, "--groups", help="CSV region,group: peer groups (a region may be in several)."),
    weighting: Weighting = typer.Option(Weighting.respondents, help="Region item score: mean of respondents or of stakeholder-group means."),
    min_respondents: int = typer.Option(3, min=1, help="Anonymity threshold: respondents with a value behind a published figure."),
    bootstrap: int = typer.Option(1000, min=0, help="Bootstrap resamples for intervals (0: none)."),
    seed: int = typer.Option(20170901, min=0, help="Random seed of the bootstrap."),
    ci_level: float = typer.Option(0.90, min=0.5, max=0.999, help="Interval coverage."),
    disagreement_threshold: float = typer.Option(25.0, help="Spread between stakeholder-group scores flagged as disagreement (points)."),
    min_peer_regions: int = typer.Option(3, min=1, help="Fewest published territories for peer-group statistics."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Score a campaign: item, block and group scores, distributions and peer benchmarks."""
    from ..campaign import read_campaign
    from ..pipeline import run_stresstest
    from ..results import prepare_out_dir, write_results
    from ..scoring import ScoringParams

    params = ScoringParams(weighting=weighting.value, min_respondents=min_respondents, bootstrap=bootstrap, seed=seed,
                           ci_level=ci_level, disagreement_threshold=disagreement_threshold,
                           min_peer_regions=min_peer_regions)
    try:
        prepare_out_dir(out_dir, overwrite)
        ins = load_instrument_file(instrument)
        with err.status("Reading and checking the responses..."):
            campaign = read_campaign(responses, ins, regions, groups)
        inputs = {"responses": responses}
        if instrument:
            inputs["instrument"] = instrument
        if regions:
            inputs["regions"] = regions
        if groups:
            inputs["groups"] = groups
        with err.status(f"Scoring with {bootstrap} bootstrap resamples..."):
            result = run_stresstest(campaign, ins, params, inputs=inputs)
        write_results(result, out_dir, overwrite=overwrite, instrument=ins)
    except InputError as exc:
        _fail(exc)
    out.print(f"Results written to {out_dir}")


def demo(
    out_dir: Path = typer.Option(Path("demo-output"), "--out", help="Output folder."),
    seed: int = typer.Option(2017, min=0, help="Seed of the synthetic answers."),
    bootstrap: int = typer.Option(1000, min=0, help="Bootstrap resamples."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Generate the synthetic demo campaign (36 territories), score it and write every output."""
    from ..demo import run_demo

    try:
        path = run_demo(out_dir, seed=seed, bootstrap=bootstrap, overwrite=overwrite, console=err)
    except InputError as exc:
        _fail(exc)
    out.print(f"[bold]SYNTHETIC demo campaign[/] scored; results in {path}")
    out.print(f"  summary: {path / 'summary.md'}")
    out.print(f"  inputs (to re-run with `s3stresstest score`): {path / 'inputs'}")


def rerun(
    run_json: Path = typer.Argument(..., help="run.json of an earlier run."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder for the repeated run."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Repeat a run from its record: same inputs (checksums verified), same parameters and seed."""
    from ..pipeline import rerun_from_record
    from ..results import prepare_out_dir, write_results

    try:
        prepare_out_dir(out_dir, overwrite)
        with err.status("Repeating the run..."):
            result = rerun_from_record(run_json)
        write_results(result, out_dir, overwrite=overwrite)
    except InputError as exc:
        _fail(exc)
    out.print(f"Results written to {out_dir}")


def register(app: typer.Typer) -> None:
    """Add `score`, `demo` and `rerun` to the main CLI."""
    app.command()(score)
    app.command()(demo)
    app.command()(rerun)
