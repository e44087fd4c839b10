"""`s3stresstest plan new|build`: a joint cluster action plan, drafted from a run, written as documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from ..errors import InputError
from .common import fail, out

plan_app = typer.Typer(help="Joint cluster action plans: draft from cooperation topics, write HTML/PDF/DOCX.")


@plan_app.command("new")
def new(
    results: Path = typer.Option(..., "--results", help="Run folder (from score, demo or campaign score)."),
    out_file: Path = typer.Option(..., "--out", help="The draft plan to write (YAML); never overwritten."),
    territories: str | None = typer.Option(None, "--territories", help="The group, comma-separated (default: all)."),
    top: int = typer.Option(3, "--top", min=1, help="Draft actions for this many cooperation topics."),
    start: str | None = typer.Option(None, "--start", help="First month, YYYY-MM (default: next January)."),
    years: int = typer.Option(3, "--years", min=1, max=10, help="Length of the plan in years."),
) -> None:
    """Draft an action plan (status: draft) from the run's top cooperation topics, gaps marked."""
    from ..actionplan import starter_plan
    from ..actionplan.model import _month
    from ..cooperation import cooperation_topics
    from ..run import read_run

    try:
        if out_file.exists():
            raise InputError(f"{out_file} exists: the draft never overwrites a plan")
        try:
            first = _month(start) if start else dt.date(dt.datetime.now(dt.UTC).year + 1, 1, 1)
        except ValueError as exc:
            raise InputError(f"--start {exc}") from None
        group = [c.strip() for c in territories.split(",") if c.strip()] if territories else None
        topics = cooperation_topics(read_run(results), group)
        text = starter_plan(topics, top=top, start=first, years=years)
    except InputError as exc:
        fail(exc)
    out_file.write_text(text, encoding="utf-8")
    out.print(f"draft plan written to {out_file}: edit it, then `s3stresstest plan build --actions {out_file}`")


@plan_app.command("build")
def build(
    actions: Path = typer.Option(..., "--actions", help="The action plan (YAML)."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    formats: str = typer.Option("html,pdf,docx", "--format", help="Comma-separated: html, pdf, docx."),
    language: list[str] | None = typer.Option(None, "--language", help="en, de, fr, it or sl (repeatable)."),
    calls: Path | None = typer.Option(
        None,
        "--calls",
        help="The plan's joint calls, planned first (`calls plan --plan` output folder): the joint-call "
        "actions take their dates, or are marked not feasible with the reason.",
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the output folder."),
) -> None:
    """Write the plan with its Gantt chart, action lines, KPIs and budget as HTML, PDF and DOCX."""
    from ..actionplan import load_plan, write_plan_documents
    from ..calls import read_outcomes
    from ..i18n import check_language

    try:
        langs = [check_language(x) for x in (language or ["en"])]
        plan = load_plan(actions)
        planned = read_outcomes(calls) if calls is not None else None
        files = write_plan_documents(
            plan, out_dir, formats=formats.split(","), languages=langs, overwrite=overwrite, calls=planned
        )
    except ValueError as exc:
        fail(exc if isinstance(exc, InputError) else InputError(str(exc)))
    for f in files:
        out.print(str(f))


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
