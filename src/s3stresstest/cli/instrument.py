"""`s3stresstest instrument export|convert|check`: inspect, check and convert questionnaires."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputError
from ..instrument.files import load_instrument_file
from .common import err, out
from .common import fail as _fail

instrument_app = typer.Typer(help="Inspect, check and convert questionnaires (XLSForm).", no_args_is_help=True)


@instrument_app.command("export")
def instrument_export(
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Write the instrument as an XLSForm workbook."),
    text: Path | None = typer.Option(None, "--text", help="Write the instrument in its YAML text form."),
    source: Path | None = typer.Option(
        None, "--from", help="Instrument file to export (default: built-in StressTest v1)."
    ),
) -> None:
    """Export an instrument (default: the built-in StressTest v1) to XLSForm and/or text form."""
    from ..instrument import write_text, write_xlsx

    if not xlsx and not text:
        err.print("error: give --xlsx PATH and/or --text PATH")
        raise typer.Exit(code=2)
    try:
        ins = load_instrument_file(source)
    except InputError as exc:
        _fail(exc)
    if xlsx:
        write_xlsx(ins.workbook, xlsx)
        out.print(f"XLSForm written to {xlsx}")
    if text:
        write_text(ins.workbook, text)
        out.print(f"Text form written to {text}")


@instrument_app.command("convert")
def instrument_convert(
    source: Path = typer.Argument(..., help=".xlsx or .yaml"), target: Path = typer.Argument(..., help=".yaml or .xlsx")
) -> None:
    """Convert between XLSForm (.xlsx) and the text form (.yaml), after checking the instrument."""
    from ..instrument import write_text, write_xlsx

    try:
        ins = load_instrument_file(source)
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
def instrument_check(path: Path | None = typer.Argument(None, help=".xlsx or .yaml (default: built-in)")) -> None:
    """Check an instrument and summarise it: blocks, scored items, languages."""
    try:
        ins = load_instrument_file(path)
    except InputError as exc:
        _fail(exc)
    out.print(
        f"{ins.title} ({ins.form_id} v{ins.version}): {len(ins.items)} questions, "
        f"{len(ins.scored_items)} scored, languages: {', '.join(ins.languages) or 'default'}"
    )
    for b in ins.blocks:
        out.print(f"  {b.name}: {len(ins.block_items(b.name))} scored items - {ins.block_label(b.name)}")
    for w in ins.warnings:
        err.print(f"warning: {w}")


def register(app: typer.Typer) -> None:
    """Add the `instrument` group to the main CLI."""
    app.add_typer(instrument_app, name="instrument")
