"""`s3stresstest report --results DIR --out DIR [--format html,pdf,docx] [--territory CODE ...]`.

Builds the regional reports, the synthesis and the policy memo of a results folder (see
`s3stresstest.report`), with a progress bar, and prints where they are. `report` is a plain
Typer command function; `register(app)` adds it to the main CLI.
`report_app` is a one-command Typer app around it (for running or testing it alone).

Languages: `--language de` (en, de, fr, it, sl) writes every report and the index in German; the
default `--language territory` writes each regional report in its territory's language (the
`language` column of the regions file, English when none) and the rest in English;
`--also-english` adds the English version of every report not in English (`<name>.en.<ext>`).

Bad input (no such results folder, unknown territory - with suggestions -, unknown format,
language or block, a non-empty output folder without --overwrite) gives the problems on stderr and exit
code 2, and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from ..errors import InputError
from .common import err
from .common import fail as _fail

out = Console(highlight=False, soft_wrap=True)


def report(
    results: Path = typer.Option(..., "--results", help="Results folder written by `s3stresstest score` or `demo`."),
    out_dir: Path = typer.Option(
        ..., "--out", help="Output folder for the reports (must be new or empty unless --overwrite)."
    ),
    format: str = typer.Option("html", "--format", help="Comma-separated formats: html, pdf, docx."),
    territory: list[str] | None = typer.Option(
        None,
        "--territory",
        help="Regional reports only for this territory (code or name; repeat for several). Default: every territory.",
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty output folder."),
    ranks: bool = typer.Option(
        False, "--ranks", help="Add ranks with intervals to the synthesis (off: no league table)."
    ),
    map_block: str = typer.Option(
        "b1", "--map-block", help="Block that colours the Alpine Space map of the synthesis."
    ),
    language: str = typer.Option(
        "territory",
        "--language",
        help="Language of every report and the index: en, de, fr, it or sl. Default 'territory': each regional "
        "report in its territory's language (the regions file's language column; English when none), the "
        "synthesis, the memo and the index in English.",
    ),
    also_english: bool = typer.Option(
        False,
        "--also-english",
        help="Also write the English version of every report not in English, as <name>.en.<ext> beside it.",
    ),
    data: Path | None = typer.Option(
        None, "--data", help="Reference data folder for maps and peers (default: the data directory, S3ST_DATA_DIR)."
    ),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Processes rendering PDFs (default: up to 2)."),
) -> None:
    """Regional reports, a synthesis and a policy memo from a results folder (HTML, PDF, DOCX)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from ..files import prepare_out_dir
    from ..report import build_reports, parse_formats, parse_language
    from ..report.inputs import ReportInputs

    try:
        formats = parse_formats(format)
        fixed = parse_language(language)
        prepare_out_dir(out_dir, overwrite)
        if not results.is_dir():
            raise InputError(
                f"results folder '{results}' not found (make one with `s3stresstest score` or `s3stresstest demo`)"
            )
        with err.status("Reading the results..."):
            inputs = ReportInputs.load(results, data_folder=data)
            codes = inputs.check_territories(territory) if territory else None
            if map_block not in inputs.blocks:
                raise InputError(
                    f"--map-block '{map_block}' is not a block of these results (blocks: {', '.join(inputs.blocks)})"
                )
            inputs.prefetch()
    except InputError as exc:
        _fail(exc)
        return
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[what]}"),
    )
    try:
        with Progress(*columns, console=err, transient=False) as bar:
            task = bar.add_task("Writing reports", total=None, what="")

            def progress(done: int, total: int, what: str) -> None:
                bar.update(task, completed=done, total=total, what=what)

            paths = build_reports(
                results,
                out_dir,
                formats,
                territories=codes,
                progress=progress,
                overwrite=overwrite,
                ranks=ranks,
                map_block=map_block,
                language=fixed,
                workers=workers,
                inputs=inputs,
                also_english=also_english,
            )
    except InputError as exc:
        _fail(exc)
        return
    regional = sum(1 for p in paths if p.parent.name == "regional")
    reported = codes if codes is not None else inputs.territories
    if fixed is not None:
        where = f"every report in {fixed}"
    else:
        own = {c: inputs.territory_language(c) or "en" for c in reported}
        counts = {lang: sum(1 for v in own.values() if v == lang) for lang in dict.fromkeys(sorted(own.values()))}
        where = (
            "regional reports in their territory's language ("
            + ", ".join(f"{lang}: {n}" for lang, n in counts.items())
            + "), the synthesis, the memo and the index in en"
        )
    if also_english:
        where += "; English versions beside the others (<name>.en.<ext>)"
    if inputs.synthetic:
        out.print("[bold red]SYNTHETIC[/] results: every report says so on every page.", markup=True)
    out.print(
        f"{len(paths)} files ({', '.join(formats)}) in {out_dir}: {regional} regional report files, the "
        "synthesis and the policy memo."
    )
    out.print(f"  languages: {where}")
    out.print(f"  index: {out_dir / 'index.html'}")
    out.print(f"  synthesis: {out_dir / 'synthesis'}.{{{','.join(formats)}}}")
    out.print(f"  memo: {out_dir / 'memo'}.{{{','.join(formats)}}}")
    out.print(f"  regional: {out_dir / 'regional'}/<CODE>.{{{','.join(formats)}}}")
    for key, why in inputs.missing.items():
        out.print(f"  left out ({key.replace('_', ' ')}): {why}")


report_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
report_app.command("report")(report)


def register(app: typer.Typer) -> None:
    """Add the `report` command to the main CLI."""
    app.command("report", help="Regional reports, synthesis and policy memo (HTML, PDF, DOCX).")(report)
