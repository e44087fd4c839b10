"""`s3stresstest calls plan`: synchronised joint calls on existing regional programmes."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputError
from .common import fail, out

calls_app = typer.Typer(help="Synchronised joint calls built on existing regional funding programmes.")


@calls_app.command("plan")
def plan(
    programmes: Path | None = typer.Option(
        None, "--programmes", help="Programmes YAML file (default: the built-in SYNTHETIC example)."
    ),
    topic: list[str] | None = typer.Option(
        None, "--topic", help="Topic of a call, axis:code (repeatable: one call each)."
    ),
    action_plan: Path | None = typer.Option(
        None,
        "--plan",
        help="Instead of --topic: the joint calls of this action plan (YAML), each with its partners' programmes.",
    ),
    regions: str | None = typer.Option(None, "--regions", help="Only programmes of these regions (comma-separated)."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (must be new or empty unless --overwrite)."),
    language: list[str] | None = typer.Option(
        None, "--language", help="Languages of the call-text skeletons (repeatable; default: en de fr it sl)."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the output folder."),
) -> None:
    """Plan one joint call per topic (or per joint-call action of an action plan): the programmes that
    cover it, the earliest common window, the decision date and the virtual common pot; explain calls
    that cannot run and the smallest change that would let them."""
    from ..actionplan import load_plan
    from ..calls import example_programmes_path, load_programmes, plan_calls, plan_partner_calls, write_plan
    from ..i18n import LANGUAGES

    try:
        if (action_plan is None) == (not topic):
            raise InputError("give either --topic (one or more) or --plan, not both")
        if action_plan is not None and regions:
            raise InputError("--regions goes with --topic; with --plan each call has the partners of its action")
        source = load_programmes(programmes or example_programmes_path())
        if action_plan is not None:
            result = plan_partner_calls(source, load_plan(action_plan).joint_calls())
        else:
            codes = [r.strip() for r in regions.split(",") if r.strip()] if regions else None
            result = plan_calls(source, topic or [], regions=codes)
        write_plan(result, out_dir, languages=language or LANGUAGES, overwrite=overwrite)
    except InputError as exc:
        fail(exc)
    if result.synthetic:
        out.print("[bold yellow]SYNTHETIC example programmes:[/] every output says so.")
    for c in result.calls:
        if c.feasible and c.window:
            out.print(
                f"{c.id} {c.topic[0]}:{c.topic[1]}: feasible, open {c.window.open} to {c.window.close}, "
                f"decision {c.decision}, {len(c.programmes)} programmes"
            )
        else:
            out.print(f"{c.id} {c.topic[0]}:{c.topic[1]}: [red]infeasible[/]: {c.blocking}", soft_wrap=True)
        if action_plan is not None and c.regions_without_programme:
            out.print(f"  partners without a programme on it: {', '.join(c.regions_without_programme)}", soft_wrap=True)
    out.print(f"written to {out_dir}")


def register(app: typer.Typer) -> None:
    app.add_typer(calls_app, name="calls")
