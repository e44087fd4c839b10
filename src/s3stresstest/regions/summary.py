"""One territory at a glance: what `s3stresstest regions show` prints, as data for notebooks.

`region_summary` gathers the lookups (name, level, country, parents, NUTS-2 parts, children),
the neighbours (by a shared border line, and point contacts apart), the built-in region groups
it belongs to and, under ``indicators``, the latest value of every catalogue indicator
(`indicator_summary`) with its year, unit, flag (explained), source and whether it was
aggregated from parts or recoded from an older NUTS code. A value that the files do not have is
NaN, never 0; indicators whose files are not installed are listed as "not installed" instead of
failing the whole summary.
"""

from __future__ import annotations

from pathlib import Path


def data_folder_of(registry, folder: Path | None) -> Path | None:
    """The data folder: `folder`, else the one the registry was read from (its `gisco/` parent)."""
    if folder is not None:
        return Path(folder)
    src = getattr(registry, "source", None)
    return Path(src).parent if src is not None else None


def indicator_summary(stats, code: str, skipped: dict | None = None):
    """Latest value of every catalogue indicator for territory `code`, one row each (catalogue order).

    `stats`: the table of `statistics.load_statistics`; `skipped`: indicator id -> reason it was
    not loaded (`LoadReport.skipped`). Columns: those of `statistics.latest_values` (indicator,
    name, kind, value, unit, year, flag, source, dataset, aggregated, recoded_from) plus
    ``flag_meaning`` ("p provisional"), ``attribution`` ("Source: Eurostat (<dataset>)"),
    ``note`` ("aggregated from parts", "recoded from FR71", "computed: a / b") and ``status``
    ("ok", "missing": no value for this territory in the files, "not installed": the file is not
    in the data directory; see ``reason``).
    """
    from .eurostat_tsv import explain_flags
    from .indicators import BY_ID
    from .statistics import latest_values

    skipped = skipped or {}
    frame = latest_values(stats, code)
    notes, status, reasons = [], [], []
    for row in frame.to_dict("records"):
        note = []
        if row["aggregated"]:
            note.append("aggregated from parts")
        if row["recoded_from"]:
            note.append(f"recoded from {row['recoded_from']}")
        ind = BY_ID[row["indicator"]]
        if ind.reader == "derived":
            note.append("computed: " + (ind.description.split(",")[0] if ind.description else " / ".join(ind.inputs)))
        notes.append("; ".join(note))
        if row["indicator"] in skipped:
            status.append("not installed")
            reasons.append(skipped[row["indicator"]])
        else:
            status.append("ok" if row["value"] == row["value"] else "missing")
            reasons.append("")
    frame["flag_meaning"] = [explain_flags(f) for f in frame["flag"]]
    frame["attribution"] = [BY_ID[i].attribution for i in frame["indicator"]]
    frame["note"] = notes
    frame["status"] = status
    frame["reason"] = reasons
    return frame


def region_summary(
    registry, code: str, stats=None, *, folder: Path | None = None, skipped: dict | None = None, indicators: bool = True
) -> dict:
    """Everything `regions show` prints about one region (a code or a name), as plain Python data.

    ``indicators`` is a DataFrame (`indicator_summary`) of the latest value of every catalogue
    indicator. `stats` (from `statistics.load_statistics`) is read from `folder` (default: the
    folder the registry came from) when not given; pass it when summarising many regions.
    Indicators whose files are not installed are listed with status "not installed".
    `indicators=False` leaves the statistics out (key ``indicators`` is then None).
    """
    from .adjacency import neighbours, territory_neighbours
    from .region_groups import REGION_GROUPS

    region = registry.resolve(code)
    table = None
    if indicators:
        if stats is None:
            from .statistics import load_report

            report = load_report(data_folder_of(registry, folder), missing="skip")
            stats, skipped = report.stats, {**report.skipped, **(skipped or {})}
        table = indicator_summary(stats, region.code, skipped)
    parents = [registry.get(p) for p in registry.parents(region.code)]
    if region.level < 2:
        parts = list(registry.nuts2_parts(region.code))
    else:
        parts = []
    near = neighbours(registry, region.code, include_point_contacts=True)
    groups = [name for name, codes in REGION_GROUPS.items() if region.code in codes]
    # Neighbours among the other members of each built-in group it belongs to (mixed levels allowed).
    group_neighbours = {
        name: territory_neighbours(registry, REGION_GROUPS[name], region.code, include_point_contacts=False)[
            "code"
        ].tolist()
        for name in groups
    }
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
        "indicators": table,
    }
