"""Command-line interface: a thin shell over the library.

Every command maps bad input to exit code 2 with the problems on stderr, and
writes nothing when it refuses.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .cli_common import err, out
from .cli_common import fail as _fail
from .errors import InputError

app = typer.Typer(help="S3 StressTest: how regions implement their Smart Specialisation Strategies through clusters.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
instrument_app = typer.Typer(help="Inspect, check and convert questionnaires (XLSForm).", no_args_is_help=True)
app.add_typer(instrument_app, name="instrument")


def _register_subcommands() -> None:
    """Command groups that live in their own modules (imported lazily by Typer at call time)."""
    from .cli_data import data_app

    from .cli_align import align
    from .cli_peers import peers_command
    from .cli_regions import regions_app
    from .cli_report import report
    from .cli_store import admin_app, db_app, respondent_app
    from .cli_transfer import export_app, import_app
    from .cli_web import serve

    app.add_typer(data_app, name="data", help="Reference data: pull from the publishers, seed offline, status.")
    app.add_typer(regions_app, name="regions", help="NUTS territories: names, parents, neighbours, statistics.")
    app.command("peers", help="Structural peers of a territory from standardised Eurostat indicators.")(peers_command)
    app.add_typer(import_app, name="import", help="Import answers (KoboToolbox/ODK, LimeSurvey, wide CSV/XLSX) "
                  "and instruments (LimeSurvey .lss) into the project's formats.")
    app.add_typer(export_app, name="export", help="Export answers as wide CSV/XLSX.")
    app.add_typer(admin_app, name="admin", help="Administrator accounts of the web service.")
    app.add_typer(respondent_app, name="respondent", help="Respondents: delete one with all their answers.")
    app.add_typer(db_app, name="db", help="The database: upgrade its schema, show its URL.")
    app.command("report", help="Regional reports, synthesis and policy memo (HTML, PDF, DOCX).")(report)
    app.command("serve", help="Run the web service (questionnaire, admin pages, JSON API).")(serve)
    app.command("align", help="Alignment of S3 strategies: vertical, neighbours, matrix, synergy topics.")(align)


_register_subcommands()



class Weighting(str, Enum):
    respondents = "respondents"
    groups = "groups"


def _load_instrument(path: Optional[Path]):
    from .instrument import load_builtin, load_instrument

    return load_builtin() if path is None else load_instrument(path)


@app.command()
def version() -> None:
    """Print the software version."""
    out.print(__version__)


@app.command()
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
    from .campaign import read_campaign
    from .pipeline import run_stresstest
    from .results import prepare_out_dir, write_results
    from .scoring import ScoringParams

    params = ScoringParams(weighting=weighting.value, min_respondents=min_respondents, bootstrap=bootstrap, seed=seed,
                           ci_level=ci_level, disagreement_threshold=disagreement_threshold,
                           min_peer_regions=min_peer_regions)
    try:
        prepare_out_dir(out_dir, overwrite)
        ins = _load_instrument(instrument)
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


@app.command()
def demo(
    out_dir: Path = typer.Option(Path("demo-output"), "--out", help="Output folder."),
    seed: int = typer.Option(2017, min=0, help="Seed of the synthetic answers."),
    bootstrap: int = typer.Option(1000, min=0, help="Bootstrap resamples."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Generate the synthetic demo campaign (36 territories), score it and write every output."""
    from .demo import run_demo

    try:
        path = run_demo(out_dir, seed=seed, bootstrap=bootstrap, overwrite=overwrite, console=err)
    except InputError as exc:
        _fail(exc)
    out.print(f"[bold]SYNTHETIC demo campaign[/] scored; results in {path}")
    out.print(f"  summary: {path / 'summary.md'}")
    out.print(f"  inputs (to re-run with `s3stresstest score`): {path / 'inputs'}")


@app.command()
def rerun(
    run_json: Path = typer.Argument(..., help="run.json of an earlier run."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder for the repeated run."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output folder."),
) -> None:
    """Repeat a run from its record: same inputs (checksums verified), same parameters and seed."""
    from .pipeline import rerun_from_record
    from .results import prepare_out_dir, write_results

    try:
        prepare_out_dir(out_dir, overwrite)
        with err.status("Repeating the run..."):
            result = rerun_from_record(run_json)
        write_results(result, out_dir, overwrite=overwrite)
    except InputError as exc:
        _fail(exc)
    out.print(f"Results written to {out_dir}")


@instrument_app.command("export")
def instrument_export(
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Write the instrument as an XLSForm workbook."),
    text: Optional[Path] = typer.Option(None, "--text", help="Write the instrument in its YAML text form."),
    source: Optional[Path] = typer.Option(None, "--from", help="Instrument file to export (default: built-in StressTest v1)."),
) -> None:
    """Export an instrument (default: the built-in StressTest v1) to XLSForm and/or text form."""
    from .instrument import write_text, write_xlsx

    if not xlsx and not text:
        err.print("error: give --xlsx PATH and/or --text PATH")
        raise typer.Exit(code=2)
    try:
        ins = _load_instrument(source)
    except InputError as exc:
        _fail(exc)
    if xlsx:
        write_xlsx(ins.workbook, xlsx)
        out.print(f"XLSForm written to {xlsx}")
    if text:
        write_text(ins.workbook, text)
        out.print(f"Text form written to {text}")


@instrument_app.command("convert")
def instrument_convert(source: Path = typer.Argument(..., help=".xlsx or .yaml"),
                       target: Path = typer.Argument(..., help=".yaml or .xlsx")) -> None:
    """Convert between XLSForm (.xlsx) and the text form (.yaml), after checking the instrument."""
    from .instrument import write_text, write_xlsx

    try:
        ins = _load_instrument(source)
    except InputError as exc:
        _fail(exc)
    if target.suffix.lower() in (".yaml", ".yml"):
        write_text(ins.workbook, target)
    elif target.suffix.lower() == ".xlsx":
        write_xlsx(ins.workbook, target)
    else:
        err.print(f"error: unsupported target type '{target.suffix}' (use .xlsx or .yaml)")
        raise typer.Exit(code=2)
    out.print(f"Written {target}")


@instrument_app.command("check")
def instrument_check(path: Optional[Path] = typer.Argument(None, help=".xlsx or .yaml (default: built-in)")) -> None:
    """Check an instrument and summarise it: blocks, scored items, languages."""
    try:
        ins = _load_instrument(path)
    except InputError as exc:
        _fail(exc)
    out.print(f"{ins.title} ({ins.form_id} v{ins.version}): {len(ins.items)} questions, "
              f"{len(ins.scored_items)} scored, languages: {', '.join(ins.languages) or 'default'}")
    for b in ins.blocks:
        out.print(f"  {b.name}: {len(ins.block_items(b.name))} scored items - {ins.block_label(b.name)}")
    for w in ins.warnings:
        err.print(f"warning: {w}")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
