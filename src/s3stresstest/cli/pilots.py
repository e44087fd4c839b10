"""`s3stresstest pilots demo|validate`: pilot clusters' validation of new cluster services."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from ..errors import InputError
from .common import fail, out

pilots_app = typer.Typer(help="Pilot clusters: companies validate new cluster services.", no_args_is_help=True)
FORMATS = typer.Option("html", "--format", help="Comma-separated: html, pdf, docx.")
LANGUAGES = typer.Option(
    None,
    "--language",
    help="en, de, fr, it or sl (repeatable): every report in each. Default: each pilot's report in its "
    "region's language, the overview in English.",
)


def _write(v, out_dir: Path, formats: str, language: list[str] | None, overwrite: bool) -> None:
    from ..i18n import check_language
    from ..pilots import write_validation

    langs = [check_language(x) for x in language] if language else None
    write_validation(v, out_dir, formats=formats.split(","), languages=langs, overwrite=overwrite)
    if v.synthetic:
        out.print("[bold yellow]SYNTHETIC pilots and answers:[/] every output says so.")
    for r in v.verdicts.itertuples(index=False):
        out.print(f"{r.code}: {r.verdict} ({r.reason})")
    out.print(f"written to {out_dir}")


@pilots_app.command("demo")
def demo(
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    seed: int = typer.Option(2018, "--seed", help="Seed of the invented answers."),
    formats: str = FORMATS,
    language: list[str] | None = LANGUAGES,
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the output folder."),
) -> None:
    """Five invented pilot clusters with invented company answers, scored, judged and reported."""
    from ..pilots import pilot_demo

    try:
        _write(pilot_demo(seed), out_dir, formats, language, overwrite)
    except (InputError, ValueError) as exc:
        fail(exc if isinstance(exc, InputError) else InputError(str(exc)))


@pilots_app.command("validate")
def validate(
    responses: Path = typer.Option(..., "--responses", help="Answers to pilot_services_v1 (long CSV, as for score)."),
    pilots: Path = typer.Option(..., "--pilots", help="CSV code,name,region,service: one row per pilot cluster."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    formats: str = FORMATS,
    language: list[str] | None = LANGUAGES,
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the output folder."),
) -> None:
    """Score the companies' answers per pilot cluster and write the verdicts and reports."""
    import pandas as pd

    from ..campaign import read_campaign
    from ..instrument import load_builtin
    from ..pilots import INSTRUMENT, check_pilots, validate_services

    try:
        table = check_pilots(pd.read_csv(pilots, dtype=str, keep_default_na=False), source=pilots.name)
        instrument = load_builtin(INSTRUMENT)
        units = table[["code", "name"]].rename(columns={"code": "region"})
        with tempfile.TemporaryDirectory() as tmp:  # the campaign reader takes a regions file
            regions_file = Path(tmp) / "pilot_clusters.csv"
            units.to_csv(regions_file, index=False)
            campaign = read_campaign(responses, instrument, regions_file, None)
        _write(validate_services(campaign, table, instrument), out_dir, formats, language, overwrite)
    except (InputError, ValueError, OSError) as exc:
        fail(exc if isinstance(exc, InputError) else InputError(str(exc)))


def register(app: typer.Typer) -> None:
    app.add_typer(pilots_app, name="pilots")
