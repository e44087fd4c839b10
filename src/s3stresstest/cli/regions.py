"""`s3stresstest regions ...`: NUTS regions, their hierarchy and neighbours.

    s3stresstest regions show AT33                 # name, level, country, parents, parts, neighbours,
                                                   # latest value of every catalogue indicator
    s3stresstest regions neighbours Tirol --points # neighbours at the region's own level

A region is given by its NUTS 2021 code or its name. Data come from the data directory
(`S3ST_DATA_DIR`, see `regions.datadir`) unless `--folder` names a folder with the same
layout. Bad input (an unknown code or name, missing reference files) exits with code 2 and
the problems on stderr, as every other command does.

`register(app)` adds `regions_app` to the main CLI as `regions`. What `show` prints comes from
`s3stresstest.regions.summary.region_summary` (the library entry point, as plain Python data and
pandas DataFrames); this module only lays it out. A value that the files do not have is
"missing" on screen, never 0; indicators whose files are not installed are shown as "not
installed" rather than refusing the whole command.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import InputError
from .common import err, out
from .common import fail as _fail

regions_app = typer.Typer(
    help="NUTS 2021 regions: names, hierarchy and neighbours (Eurostat/GISCO, 1:20M).", no_args_is_help=True
)


ATTRIBUTION = (
    "Boundaries: © EuroGeographics for the administrative boundaries; source: Eurostat – GISCO (NUTS 2021, 1:20M)."
)
FOLDER_HELP = "Folder with the reference data (default: the data directory, S3ST_DATA_DIR)."


def _registry(folder: Path | None):
    from ..regions.nuts import NutsRegistry

    return NutsRegistry.load(folder)


def _fmt_value(v: float) -> str:
    """A value as published (at most 3 decimals, thousands separated); NaN -> 'missing' (never 0)."""
    if v != v:
        return "missing"
    if float(v).is_integer():
        return f"{v:,.0f}"
    text = repr(float(v))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 3
    return f"{v:,.{min(decimals, 3)}f}".rstrip("0").rstrip(".")


def _indicator_table(frame, title: str) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=None,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
    )
    table.add_column("indicator", min_width=14)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("unit", min_width=9)
    table.add_column("year", no_wrap=True)
    table.add_column("flag, note", min_width=13)
    table.add_column("Eurostat dataset", width=17)
    for row in frame.itertuples(index=False):
        if row.status == "ok":
            value, year = _fmt_value(row.value), str(row.year)
        else:
            value, year = "[dim]missing[/]", "-"
        notes = "; ".join(
            x for x in (row.flag_meaning, row.note, "not installed" if row.status == "not installed" else "") if x
        )
        table.add_row(row.name, value, row.unit, year, notes, row.dataset)
    return table


def _print_indicators(frame, level: int) -> None:
    if frame is None:
        return
    if (frame["status"] == "not installed").all():
        out.print(
            "  indicators:    none installed (run `s3stresstest data pull`, or `s3stresstest data seed FOLDER` "
            "on an offline machine)",
            soft_wrap=True,
        )
        return
    n_ok = int((frame["status"] == "ok").sum())
    out.print(_indicator_table(frame, f"Latest values at NUTS-{level}: {n_ok} of {len(frame)} indicators have a value"))
    datasets = list(dict.fromkeys(d.strip() for ds in frame["dataset"] for d in ds.split(",")))
    out.print("  Source: Eurostat (" + ", ".join(datasets) + ")", soft_wrap=True)
    if (frame["status"] == "missing").any():
        out.print(
            "  missing: no value for this territory in the files (not published, and not computable from "
            "all of its parts); never counted as 0",
            soft_wrap=True,
        )
    if frame["aggregated"].any():
        out.print(
            "  aggregated from parts: not published for this territory; summed (totals) or averaged "
            "(weighted by population or GDP) over all of its NUTS 2021 parts, flags united",
            soft_wrap=True,
        )
    if (frame["recoded_from"] != "").any():
        out.print("  recoded from: published under an older NUTS code with the same boundaries", soft_wrap=True)
    used = frame.loc[frame["status"] == "ok", ["source", "dataset"]]
    tsvs = sorted({f for f in used["source"] if f.endswith(".tsv")})
    csvs = used[used["source"].str.startswith("indicators/")]
    if tsvs:
        out.print("  read from:     " + ", ".join(tsvs), soft_wrap=True)
    if len(csvs):
        out.print(
            f"  read from:     {csvs['source'].nunique()} EURITO tidy copies (indicators/*.csv, data date "
            f"2022-03-31) of Eurostat {', '.join(dict.fromkeys(csvs['dataset']))}; the raw Eurostat TSVs "
            "that `s3stresstest data pull` stores are used instead when present",
            soft_wrap=True,
        )
    for reason in dict.fromkeys(r for r in frame["reason"] if r):
        out.print(f"  not installed: {reason}", soft_wrap=True)


def _neighbour_table(frame, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("code", no_wrap=True)
    table.add_column("name")
    table.add_column("kind", no_wrap=True)
    table.add_column("cross-border", no_wrap=True)
    table.add_column("shared km", justify="right", no_wrap=True)
    for row in frame.itertuples(index=False):
        table.add_row(
            row.code,
            row.name,
            row.kind,
            "yes" if row.cross_border else "no",
            f"{row.shared_length:.0f}" if row.kind == "line" else "-",
        )
    return table


@regions_app.command("neighbours")
def neighbours_command(
    code: str = typer.Argument(..., help="NUTS 2021 code (e.g. AT33) or region name (e.g. Tirol)."),
    points: bool = typer.Option(False, "--points", help="Also list regions that touch only at a point."),
    folder: Path | None = typer.Option(None, "--folder", help=FOLDER_HELP),
) -> None:
    """Neighbours of a region at its own NUTS level: regions whose boundary shares a line with it."""
    from ..regions.adjacency import neighbours

    try:
        registry = _registry(folder)
        region = registry.resolve(code)
        frame = neighbours(registry, region.code, include_point_contacts=points)
    except InputError as exc:
        _fail(exc)
    head = f"{region.code} {region.name_latn} (NUTS-{region.level}, {region.country})"
    if frame.empty:
        extra = "" if points else " (point contacts: --points)"
        out.print(f"{head}: no neighbours at NUTS-{region.level}{extra}")
    else:
        n_line = int((frame["kind"] == "line").sum())
        out.print(_neighbour_table(frame, f"{head}: {n_line} neighbour{'s' if n_line != 1 else ''}"))
    out.print(f"[dim]{ATTRIBUTION}[/]", soft_wrap=True)


@regions_app.command("show")
def show_command(
    code: str = typer.Argument(..., help="NUTS 2021 code (e.g. AT33) or region name (e.g. Tirol)."),
    folder: Path | None = typer.Option(None, "--folder", help=FOLDER_HELP),
) -> None:
    """A region's name, level, country, parents, NUTS-2 parts, neighbours and latest indicator values."""
    from ..regions.summary import region_summary

    try:
        registry = _registry(folder)
        registry.resolve(code)  # an unknown code is refused before the statistics are read
        with err.status("Reading the reference statistics..."):
            info = region_summary(registry, code, folder=folder)
    except InputError as exc:
        _fail(exc)
    out.print(f"[bold]{info['code']}[/]  {info['name']}")
    if info["name_national"] != info["name"]:
        out.print(f"  national name: {info['name_national']}")
    out.print(f"  level:         NUTS-{info['level']}")
    out.print(f"  country:       {info['country']} ({info['country_name']})")
    chain = " › ".join(f"{c} {n}" for c, n, _ in info["parents"]) or "-"
    out.print(f"  parents:       {chain}")
    if info["level"] < 2:
        out.print(
            f"  NUTS-2 parts:  {len(info['nuts2_parts'])}: " + ", ".join(f"{c} {n}" for c, n in info["nuts2_parts"])
        )
    elif info["level"] == 3:
        c, n, _ = info["parents"][0]
        out.print(f"  NUTS-2 part:   {c} {n} (the NUTS-2 region containing it)")
    if info["children"]:
        out.print(
            f"  children:      {len(info['children'])} at NUTS-{info['level'] + 1}: " + ", ".join(info["children"])
        )
    for group in info["groups"]:
        near_in_group = ", ".join(info["group_neighbours"][group]) or "none"
        out.print(f"  group:         {group} (neighbours in the group: {near_in_group})")
    near = info["neighbours"]
    if near.empty:
        out.print(f"  neighbours:    none at NUTS-{info['level']}")
    else:
        out.print(_neighbour_table(near, f"Neighbours at NUTS-{info['level']} ({len(near)})"))
    points = info["point_contacts"]
    if not points.empty:
        out.print(
            "  touches at a point only: "
            + ", ".join(f"{c} {n}" for c, n in zip(points["code"], points["name"], strict=True))
        )
    _print_indicators(info["indicators"], info["level"])
    out.print(f"[dim]{ATTRIBUTION}[/]", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the `regions` group to the main CLI."""
    app.add_typer(regions_app, name="regions", help="NUTS territories: names, parents, neighbours, statistics.")
