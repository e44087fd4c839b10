"""`s3stresstest data ...`: the reference data directory (pull, seed, status, path).

A thin shell over `s3stresstest.regions.datadir` and `.download`. `register(app)` adds
`data_app` to the main CLI as `data`. Refused input or failed downloads: exit code 2, the
problems on stderr.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import InputError
from .common import err, out
from .common import fail as _fail

data_app = typer.Typer(
    help="Reference data (GISCO boundaries, Eurostat statistics): pull, seed, status.", no_args_is_help=True
)


def _text(value) -> str:
    return "" if value is None or value != value else str(value)  # None or NaN (missing in pandas)


def _summary(records: list[dict], verb: str, folder: Path) -> None:
    for rec in records:
        out.print(
            f"  {rec['path']}  {rec['size']:,} bytes  sha256 {rec['sha256'][:12]}…  ({rec['verified']})", soft_wrap=True
        )
    out.print(f"{verb} {len(records)} file{'s' if len(records) != 1 else ''} into {folder}")


@data_app.command()
def pull(
    timeout: float = typer.Option(30.0, min=0.01, help="Seconds to wait for a connection or for each read."),
    retries: int = typer.Option(3, min=0, help="Extra attempts per file after a network error, timeout or 5xx."),
    gisco_url: str | None = typer.Option(
        None,
        "--gisco-url",
        help="Base URL of GISCO's NUTS GeoJSON distribution (default: $S3ST_GISCO_URL or the official service).",
    ),
    eurostat_url: str | None = typer.Option(
        None,
        "--eurostat-url",
        help="Base URL of Eurostat's SDMX 2.1 data API (default: $S3ST_EUROSTAT_URL or the official API).",
    ),
    only: list[str] | None = typer.Option(
        None, "--only", help="Only these files (path, file name, dataset code or folder); repeatable."
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
) -> None:
    """Download the reference data from GISCO and Eurostat into the data directory."""
    from ..regions.datadir import data_dir
    from ..regions.download import DownloadError
    from ..regions.download import pull as do_pull

    try:
        # Unset options are left out: the service's environment variable or official URL applies.
        urls = {name: url for name, url in (("gisco", gisco_url), ("eurostat", eurostat_url)) if url}
        records = do_pull(urls, only=only, timeout=timeout, retries=retries, progress=progress, console=err)
    except DownloadError as exc:
        if exc.installed:
            _summary(exc.installed, "Downloaded", data_dir())
        _fail(exc, "some downloads failed.")
    except InputError as exc:
        _fail(exc)
    _summary(records, "Downloaded", data_dir())
    out.print(
        "The R&D, HRST and patent indicators are read from the downloaded Eurostat tables "
        "(eurostat/*.tsv); the EURITO copies (indicators/*) are only installed by `data seed`."
    )


@data_app.command()
def seed(
    folder: Path = typer.Argument(..., help="Folder holding the files in the data layout (e.g. ../shared/data)."),
    only: list[str] | None = typer.Option(
        None, "--only", help="Only these files (path, file name, dataset code or folder); repeatable."
    ),
) -> None:
    """Install the reference data from a local folder (for offline machines)."""
    from ..regions.datadir import data_dir
    from ..regions.datadir import seed as do_seed

    try:
        records = do_seed(folder, only=only)
    except InputError as exc:
        _fail(exc)
    _summary(records, "Installed", data_dir())


@data_app.command()
def status() -> None:
    """List every catalogue file: present or missing, when and how it was installed, sha256 check."""
    from ..regions.data_catalogue import ATTRIBUTION_GISCO
    from ..regions.datadir import data_dir
    from ..regions.datadir import status as do_status

    try:
        frame = do_status()
    except InputError as exc:
        _fail(exc)
    table = Table(title=f"Reference data in {data_dir()}", title_justify="left")
    table.add_column("file", overflow="fold", min_width=24)
    table.add_column("via", overflow="fold")
    table.add_column("how")
    table.add_column("retrieved")
    table.add_column("size", justify="right")
    table.add_column("check", no_wrap=True, min_width=7)
    for row in frame.to_dict("records"):
        mark = {"ok": "[green]ok[/]", "missing": "[dim]missing[/]"}.get(row["integrity"], f"[red]{row['integrity']}[/]")
        table.add_row(
            row["path"],
            row["obtainable"],
            _text(row["how"]),
            _text(row["retrieved"])[:10],
            f"{int(row['size']):,}" if row["present"] else "",
            mark,
        )
    out.print(table)
    present = int(frame["present"].sum())
    out.print(f"{present} of {len(frame)} files present. (check: sha256 recomputed against manifest.json)")
    out.print(f"Attribution: {ATTRIBUTION_GISCO} (boundaries); Source: Eurostat (statistics).")


@data_app.command()
def path() -> None:
    """Print the data directory ($S3ST_DATA_DIR, default the user's cache directory)."""
    from ..regions.datadir import data_dir

    out.print(str(data_dir()), soft_wrap=True, markup=False)


def register(app: typer.Typer) -> None:
    """Add the `data` group to the main CLI."""
    app.add_typer(data_app, name="data", help="Reference data: pull from the publishers, seed offline, status.")
