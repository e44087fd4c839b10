"""`s3stresstest regions ...`: NUTS regions, their hierarchy and neighbours.

    s3stresstest regions show AT33                 # name, level, country, parents, parts, neighbours
    s3stresstest regions neighbours Tirol --points # neighbours at the region's own level

A region is given by its NUTS 2021 code or its name. Data come from the data directory
(`S3ST_DATA_DIR`, see `regions.datadir`) unless `--folder` names a folder with the same
layout. Bad input (an unknown code or name, missing reference files) exits with code 2 and
the problems on stderr, as every other command does.

`regions_app` is registered in `cli.py` as `app.add_typer(regions_app, name="regions")`.
`region_summary()` gathers what `show` prints, so other facts (e.g. indicator values) can be
added to the summary and to `show` without touching the lookups.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .errors import InputError

regions_app = typer.Typer(help="NUTS 2021 regions: names, hierarchy and neighbours (Eurostat/GISCO, 1:20M).",
                          no_args_is_help=True)

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

ATTRIBUTION = "Boundaries: © EuroGeographics for the administrative boundaries; source: Eurostat – GISCO (NUTS 2021, 1:20M)."
FOLDER_HELP = "Folder with the reference data (default: the data directory, S3ST_DATA_DIR)."


def _fail(exc: InputError) -> None:
    err.print(f"[bold red]error:[/] input refused. {exc.report()}", markup=True, soft_wrap=True)
    raise typer.Exit(code=2)


def _registry(folder: Optional[Path]):
    from .regions.nuts import NutsRegistry

    return NutsRegistry.load(folder)


def region_summary(registry, code: str) -> dict:
    """Everything `regions show` prints about one region (a code or a name), as plain Python data."""
    from .regions.adjacency import neighbours, territory_neighbours
    from .regions.region_groups import REGION_GROUPS

    region = registry.resolve(code)
    parents = [registry.get(p) for p in registry.parents(region.code)]
    if region.level < 2:
        parts = list(registry.nuts2_parts(region.code))
    else:
        parts = []
    near = neighbours(registry, region.code, include_point_contacts=True)
    groups = [name for name, codes in REGION_GROUPS.items() if region.code in codes]
    # Neighbours among the other members of each built-in group it belongs to (mixed levels allowed).
    group_neighbours = {name: territory_neighbours(registry, REGION_GROUPS[name], region.code,
                                                   include_point_contacts=False)["code"].tolist()
                        for name in groups}
    return {
        "code": region.code,
        "name": region.name_latn,
        "name_national": region.name_national,
        "level": region.level,
        "country": region.country,
        "country_name": registry.name(region.country),
        "parents": [(p.code, p.name_latn, p.level) for p in parents],
        "nuts2_parts": [(c, registry.name(c)) for c in parts],
        "children": list(registry.children(region.code)),
        "neighbours": near[near["kind"] == "line"].reset_index(drop=True),
        "point_contacts": near[near["kind"] == "point"].reset_index(drop=True),
        "groups": groups,
        "group_neighbours": group_neighbours,
    }


def _neighbour_table(frame, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("code", no_wrap=True)
    table.add_column("name")
    table.add_column("kind", no_wrap=True)
    table.add_column("cross-border", no_wrap=True)
    table.add_column("shared km", justify="right", no_wrap=True)
    for row in frame.itertuples(index=False):
        table.add_row(row.code, row.name, row.kind, "yes" if row.cross_border else "no",
                      f"{row.shared_length:.0f}" if row.kind == "line" else "-")
    return table


@regions_app.command("neighbours")
def neighbours_command(
    code: str = typer.Argument(..., help="NUTS 2021 code (e.g. AT33) or region name (e.g. Tirol)."),
    points: bool = typer.Option(False, "--points", help="Also list regions that touch only at a point."),
    folder: Optional[Path] = typer.Option(None, "--folder", help=FOLDER_HELP),
) -> None:
    """Neighbours of a region at its own NUTS level: regions whose boundary shares a line with it."""
    from .regions.adjacency import neighbours

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
    folder: Optional[Path] = typer.Option(None, "--folder", help=FOLDER_HELP),
) -> None:
    """A region's name, level, country, parents, NUTS-2 parts and neighbours."""
    try:
        registry = _registry(folder)
        info = region_summary(registry, code)
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
        out.print(f"  NUTS-2 parts:  {len(info['nuts2_parts'])}: " + ", ".join(f"{c} {n}" for c, n in info["nuts2_parts"]))
    elif info["level"] == 3:
        c, n, _ = info["parents"][0]
        out.print(f"  NUTS-2 part:   {c} {n} (the NUTS-2 region containing it)")
    if info["children"]:
        out.print(f"  children:      {len(info['children'])} at NUTS-{info['level'] + 1}: " + ", ".join(info["children"]))
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
        out.print("  touches at a point only: " + ", ".join(f"{c} {n}" for c, n in zip(points["code"], points["name"])))
    out.print(f"[dim]{ATTRIBUTION}[/]", soft_wrap=True)
