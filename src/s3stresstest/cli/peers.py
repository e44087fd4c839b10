"""`s3stresstest peers CODE --k 10`: structural peers of a territory, as a table.

`peers_command` is a plain Typer command function; `register(app)` adds it to the main CLI.
`peers_app` is a one-command Typer app around it (for running or testing it alone). Bad input
(unknown code, unknown variable, bad weight, missing data files) gives the problems on stderr
and exit code 2, as every other command.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import InputError
from .common import err, out, parse_weights
from .common import fail as _fail


def _parse_weights(items: list[str]) -> dict[str, float]:
    return parse_weights(items, example="gdp_pps_hab=2")


SHORT = {
    "population": "population",
    "density": "per km²",
    "gdp_pps_hab": "GDP/hab PPS",
    "gdp_eur_hab": "GDP/hab EUR",
    "gerd_total_pc_gdp": "GERD %GDP",
    "gerd_bes_pc_gdp": "BERD %GDP",
    "bes_share_gerd": "BES %GERD",
    "hrst_pc_act": "HRST %act",
    "area": "km²",
}


def _fmt(v: float) -> str:
    if v != v:  # NaN
        return "–"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.1f}"
    return f"{v:.2f}"


def peers_command(
    code: str = typer.Argument(..., help="NUTS 2021 code of the territory, e.g. AT33."),
    k: int = typer.Option(10, "--k", min=1, help="Number of peers."),
    exclude_same_country: bool = typer.Option(
        False, "--exclude-same-country", help="Leave out regions of the same country."
    ),
    within: list[str] | None = typer.Option(
        None,
        "--within",
        help="Restrict peers to these codes or code prefixes (repeatable), e.g. --within DE --within AT.",
    ),
    variable: list[str] | None = typer.Option(
        None,
        "--variable",
        help="Structural variable (indicator id, "
        "repeatable); default: population, density, "
        "gdp_pps_hab, gerd_total_pc_gdp, "
        "bes_share_gerd.",
    ),
    weight: list[str] | None = typer.Option(
        None, "--weight", help="Weight of a variable, NAME=NUMBER (repeatable); default 1."
    ),
    level: int | None = typer.Option(
        None, "--level", min=0, max=3, help="NUTS level to compare at (default: the code's)."
    ),
    year: int | None = typer.Option(
        None, "--year", help="Use the latest values up to this year (default: latest available)."
    ),
    folder: Path | None = typer.Option(
        None, "--folder", help="Reference data folder (default: the data directory, S3ST_DATA_DIR)."
    ),
) -> None:
    """Structural peers: the k most similar territories on standardised structural indicators."""
    from ..regions.datadir import data_dir
    from ..regions.indicators import BY_ID
    from ..regions.nuts_recode import nuts2021_regions
    from ..regions.peers import PeerSpace
    from ..regions.statistics import load_statistics

    code = code.strip().upper()
    base = folder or data_dir()
    try:
        weights = _parse_weights(weight or [])
        regions = nuts2021_regions(base)
        known = set(regions["code"])
        if code not in known:
            raise InputError(f"unknown territory code '{code}': not a NUTS 2021 code")
        names = dict(zip(regions["code"], regions["name"], strict=True))
        with err.status("Reading the reference statistics..."):
            stats = load_statistics(base)
        lvl = len(code) - 2 if level is None else level
        space = PeerSpace.build(stats, variable or None, weights or None, level=lvl, year=year, names=names)
        table = space.peers(code, k, exclude_same_country=exclude_same_country, within=within or None)
    except InputError as exc:
        _fail(exc)
        return
    meta = table.attrs
    out.print(f"[bold]Structural peers of {code} {names.get(code, '')}[/] (NUTS-{lvl})", markup=True)
    out.print(
        "variables and weights: "
        + ", ".join(
            f"{v} ×{meta['weights'][v]:g}" + (" (log)" if meta["transforms"][v] == "log" else "")
            for v in meta["variables"]
        )
    )
    out.print(
        f"{code}: "
        + ", ".join(f"{v} {_fmt(meta['target_values'][v])} ({meta['target_years'][v]})" for v in meta["variables"])
    )
    t = Table(
        show_header=True,
        header_style="bold",
        box=None,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    labels = [SHORT.get(v, v) for v in meta["variables"]]
    code_w = max([4, *map(len, table["region"])])
    others = 4 + code_w + 8 + sum(max(len(lb), 9) for lb in labels) + (len(labels) + 3)
    name_w = max(6, min(28, out.width - others - 1))
    t.add_column("rank", justify="right", no_wrap=True, min_width=4)
    t.add_column("code", no_wrap=True, min_width=code_w)
    t.add_column("name", width=name_w, no_wrap=True, overflow="ellipsis")
    t.add_column("distance", justify="right", no_wrap=True, min_width=8)
    for label in labels:
        t.add_column(label, justify="right", no_wrap=True, min_width=max(len(label), 9))
    for r in table.to_dict("records"):
        t.add_row(
            str(r["rank"]),
            r["region"],
            r.get("name", ""),
            f"{r['distance']:.3f}",
            *[_fmt(r[v]) for v in meta["variables"]],
        )
    out.print(t)
    dropped = meta["dropped"]
    restrict = []
    if meta["exclude_same_country"]:
        restrict.append(f"same country ({code[:2]}) excluded")
    if meta["within"]:
        restrict.append("within " + ", ".join(meta["within"]))
    out.print(
        f"pool: {meta['pool']} NUTS-{lvl} regions with every variable ({len(dropped)} left out for missing "
        f"data); {meta['candidates']} candidates" + (f"; {'; '.join(restrict)}" if restrict else "")
    )
    out.print(
        "distance: weighted Euclidean on z-scores over the pool; values: latest year available per region. "
        "Context only: never part of StressTest scores."
    )
    datasets = sorted({d.strip() for v in meta["variables"] if v in BY_ID for d in BY_ID[v].dataset.split(",")})
    out.print("Source: Eurostat (" + ", ".join(datasets) + ")")


peers_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
peers_app.command("peers")(peers_command)


def register(app: typer.Typer) -> None:
    """Add the `peers` command to the main CLI."""
    app.command("peers", help="Structural peers of a territory from standardised Eurostat indicators.")(peers_command)
