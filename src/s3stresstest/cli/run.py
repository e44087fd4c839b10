"""`s3stresstest score`, `demo` and `rerun`: score a campaign, the synthetic demo, repeat a run.

Plain Typer command functions; `register(app)` adds them to the main CLI.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ..errors import InputError
from ..files import prepare_out_dir
from ..run.folder import write_run
from .common import err, out
from .common import fail as _fail


class Weighting(StrEnum):
    respondents = "respondents"
    groups = "groups"


DATA_OPTION = typer.Option(None, "--data", help="Reference data folder (default: the data directory, S3ST_DATA_DIR).")
NO_DATA_OPTION = typer.Option(
    False,
    "--no-reference-data",
    help="Leave out context statistics, structural peers and alignment even when reference data is installed.",
)
STRATEGIES_OPTION = typer.Option(
    None,
    "--strategies",
    help="S3 priorities file (CSV/XLSX, see `align`) for the alignment stage; without it alignment is left out.",
)
PERIOD_OPTION = typer.Option(
    None,
    "--period",
    help="Align only the S3 strategies of this period (e.g. 2014-2020); default: each territory's latest.",
)

BLOCK_COMPOSITE_OPTION = typer.Option(
    False,
    "--block-composite",
    help="Also build a composite of the published block scores with its 5-95 % range over block weights "
    "varied by ±25 % (reports show the score and its range, no rank).",
)
BLOCK_WEIGHTS_OPTION = typer.Option(
    None,
    "--block-weights",
    metavar="b1=2,b3=0.5",
    help="Weights of the blocks in the composite (blocks not named weigh 1); implies --block-composite.",
)


def block_composite_params(on: bool, weights: str | None):
    """`BlockCompositeParams` from the command line (None: no composite); 'b1=2,b3=0.5' as weights."""
    from ..composite.blocks import BlockCompositeParams

    if not on and not weights:
        return None
    parsed: dict[str, float] = {}
    for part in (weights or "").split(","):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        try:
            parsed[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--block-weights: '{part.strip()}' is not BLOCK=NUMBER (e.g. b1=2)") from None
    return BlockCompositeParams(weights=parsed)


DB_OPTION_RUN = typer.Option(
    None,
    "--database-url",
    metavar="URL",
    show_default=False,
    help="sqlite:///PATH or postgresql+psycopg://USER@HOST/DB (default: $S3ST_DATABASE_URL, "
    "else s3stresstest.db in the data directory).",
)


def score(
    responses: Path = typer.Option(
        ..., "--responses", help="Long responses CSV: respondent_id,region,stakeholder_group,item,value."
    ),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    instrument: Path | None = typer.Option(
        None, "--instrument", help="XLSForm .xlsx or text form .yaml; default: the built-in StressTest v1."
    ),
    regions: Path | None = typer.Option(
        None, "--regions", help="CSV region,name: the campaign's territories; unknown regions in responses are refused."
    ),
    groups: Path | None = typer.Option(
        None, "--groups", help="CSV region,group: peer groups (a region may be in several)."
    ),
    weighting: Weighting = typer.Option(
        Weighting.respondents, help="Region item score: mean of respondents or of stakeholder-group means."
    ),
    min_respondents: int = typer.Option(
        3, min=1, help="Anonymity threshold: respondents with a value behind a published figure."
    ),
    bootstrap: int = typer.Option(1000, min=0, help="Bootstrap resamples for intervals (0: none)."),
    seed: int = typer.Option(20170901, min=0, help="Random seed of the bootstrap."),
    ci_level: float = typer.Option(0.90, min=0.5, max=0.999, help="Interval coverage."),
    disagreement_threshold: float = typer.Option(
        25.0, help="Spread between stakeholder-group scores flagged as disagreement (points)."
    ),
    min_peer_regions: int = typer.Option(3, min=1, help="Fewest published territories for peer-group statistics."),
    invitations: Path | None = typer.Option(
        None, "--invitations", help="CSV region,stakeholder_group,invited: people invited, for response rates."
    ),
    strategies: Path | None = STRATEGIES_OPTION,
    period: str | None = PERIOD_OPTION,
    block_composite: bool = BLOCK_COMPOSITE_OPTION,
    block_weights: str | None = BLOCK_WEIGHTS_OPTION,
    data: Path | None = DATA_OPTION,
    no_reference_data: bool = NO_DATA_OPTION,
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Score a campaign: every stage of the StressTest into one run folder (scores, benchmarks, context,
    structural peers, alignment when --strategies is given, recommendations, findings)."""
    from ..run import RunParams, run_from_files
    from ..scoring import ScoringParams

    try:
        composite = block_composite_params(block_composite, block_weights)
    except InputError as exc:
        _fail(exc)
    params = RunParams(
        block_composite=composite,
        scoring=ScoringParams(
            weighting=weighting.value,
            min_respondents=min_respondents,
            bootstrap=bootstrap,
            seed=seed,
            ci_level=ci_level,
            disagreement_threshold=disagreement_threshold,
            min_peer_regions=min_peer_regions,
        ),
        alignment_period=period,
    )
    try:
        prepare_out_dir(out_dir, overwrite)
        with err.status(f"Running the StressTest ({bootstrap} bootstrap resamples)..."):
            run = run_from_files(
                responses,
                instrument=instrument,
                regions=regions,
                groups=groups,
                invitations=invitations,
                strategies=strategies,
                params=params,
                reference=_reference(data, no_reference_data),
            )
        write_run(run, out_dir, overwrite=overwrite)
    except InputError as exc:
        _fail(exc)
    _done(run, out_dir)


def _reference(data: Path | None, off: bool):
    from ..run import ReferenceData

    return ReferenceData.none() if off else ReferenceData.load(data)


def _done(run, out_dir: Path) -> None:
    """What was written and what was left out (and why)."""
    if run.synthetic:
        out.print("[bold red]SYNTHETIC[/] answers: every output says so.")
    out.print(
        f"Run written to {out_dir}: {len(run.territories)} territories, "
        f"{int(run.record['counts']['respondents'])} respondents, {len(run.recommendations)} recommendations, "
        f"{len(run.findings)} findings"
    )
    out.print(f"  summary: {out_dir / 'summary.md'}")
    out.print(f"  reports: s3stresstest report --results {out_dir} --out REPORTS_DIR")
    for key, why in run.missing.items():
        out.print(f"  left out ({key.replace('_', ' ')}): {why}")


def demo(
    out_dir: Path = typer.Option(Path("demo-output"), "--out", help="Output folder."),
    seed: int = typer.Option(2017, min=0, help="Seed of the synthetic answers."),
    bootstrap: int = typer.Option(1000, min=0, help="Bootstrap resamples."),
    period: str | None = PERIOD_OPTION,
    block_composite: bool = BLOCK_COMPOSITE_OPTION,
    block_weights: str | None = BLOCK_WEIGHTS_OPTION,
    data: Path | None = DATA_OPTION,
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Generate the SYNTHETIC demo campaign (36 territories), run the whole StressTest and write its run folder.
    Alignment uses the built-in sourced S3 priorities: each territory's latest strategy, or --period's."""
    from ..run import RunParams, run_demo
    from ..scoring import ScoringParams

    try:
        composite = block_composite_params(block_composite, block_weights)
        params = RunParams(scoring=ScoringParams(bootstrap=bootstrap), block_composite=composite)
        prepare_out_dir(out_dir, overwrite)
        with err.status(f"Generating and running the synthetic demo ({bootstrap} bootstrap resamples)..."):
            run = run_demo(
                seed=seed, bootstrap=bootstrap, params=params, reference=_reference(data, False), period=period
            )
        write_run(run, out_dir, overwrite=overwrite)
    except InputError as exc:
        _fail(exc)
    _done(run, out_dir)


def rerun(
    folder: Path = typer.Argument(..., help="Run folder of an earlier run (or its run.json)."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder for the repeated run."),
    data: Path | None = DATA_OPTION,
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Repeat a run from its folder (inputs/, parameters, seeds); check that every table is the same, byte for byte."""
    from ..run import compare_folders
    from ..run import rerun as rerun_run

    try:
        prepare_out_dir(out_dir, overwrite)
        with err.status("Repeating the run..."):
            run = rerun_run(folder, reference=_reference(data, False))
        write_run(run, out_dir, overwrite=overwrite)
    except InputError as exc:
        _fail(exc)
    source = folder.parent if folder.name == "run.json" else folder
    differ = compare_folders(source, out_dir)
    if differ:
        err.print(
            f"[bold red]The repeated run differs[/] from {source} in {len(differ)} file(s): " + ", ".join(differ[:10])
        )
        raise typer.Exit(code=1)
    out.print(f"Run repeated in {out_dir}: every table is identical to {source}")


def campaign_score(
    campaign_id: int = typer.Argument(..., help="Id of the stored campaign."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    database_url: str | None = DB_OPTION_RUN,
    strategies: Path | None = STRATEGIES_OPTION,
    period: str | None = PERIOD_OPTION,
    block_composite: bool = BLOCK_COMPOSITE_OPTION,
    block_weights: str | None = BLOCK_WEIGHTS_OPTION,
    data: Path | None = DATA_OPTION,
    no_reference_data: bool = NO_DATA_OPTION,
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Run the StressTest on a stored campaign's submitted answers (with its territories, peer groups and
    invitations) into a run folder that `report` reads."""
    from ..run import RunParams, run_from_store
    from ..store import NotFound
    from .store import _open

    try:
        composite = block_composite_params(block_composite, block_weights)
        prepare_out_dir(out_dir, overwrite)
        store = _open(database_url)
        try:
            with err.status("Running the StressTest on the stored answers..."):
                run = run_from_store(
                    store,
                    campaign_id,
                    strategies=strategies,
                    reference=_reference(data, no_reference_data),
                    params=RunParams(alignment_period=period, block_composite=composite),
                )
        except NotFound:
            raise InputError(f"no campaign with id {campaign_id} in this database") from None
        finally:
            store.close()
        write_run(run, out_dir, overwrite=overwrite)
    except InputError as exc:
        _fail(exc)
    _done(run, out_dir)


campaign_app = typer.Typer(help="Stored campaigns: score one into a run folder.", no_args_is_help=True)
campaign_app.command("score")(campaign_score)


def register(app: typer.Typer) -> None:
    """Add `score`, `demo`, `rerun` and `campaign score` to the main CLI."""
    app.command()(score)
    app.command()(demo)
    app.command()(rerun)
    app.add_typer(campaign_app, name="campaign", help="Stored campaigns: score one into a run folder.")
