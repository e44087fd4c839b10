"""Neighbouring NUTS regions from shared boundaries of the GISCO 1:20M geometry.

Definition. Two regions of one NUTS level are *adjacent* (kind ``'line'``) when their
boundaries share a line, i.e. part of one region's boundary of positive length lies on the
other region. Regions that meet only at one or more points (tripoints, corners in a lake)
are reported separately as kind ``'point'`` and are not neighbours by default. Regions that
touch nothing (islands such as Malta, Cyprus, Iceland) have no rows. A pair is
``cross_border`` when the two regions belong to different countries (``CNTR_CODE``).

Method. An STRtree over the level's polygons yields the candidate pairs whose closed
polygons intersect; for each pair the part of A's boundary lying on B,
``intersection(boundary(A), B)``, is measured. Positive length -> ``'line'``, zero length
-> ``'point'``. No tolerance is used: GISCO generalises all regions from one topology,
so neighbours share their boundary vertices exactly (checked on all four levels). The one
irregularity in the 2021 files is at NUTS-3, where UKJ36 overlaps UKK24 and UKK25 by slivers
of ~1e-7 square degrees, so their boundaries cross rather than coincide; measuring
``boundary(A) ∩ B`` rather than ``boundary(A) ∩ boundary(B)`` classifies such pairs as
``'line'`` (as they are on the ground and at NUTS-2) without any snapping tolerance.

``shared_length`` is the length of the shared boundary in kilometres, summed over the
segments of the generalised 1:20M lines on a sphere of radius 6,371 km: a comparative
figure (which border is long, which is short), not a surveyed length.

Territories of mixed levels (`territory_adjacency`). Each pair of territories A, B is
compared at level ``L = max(2, level(A), level(B))`` through their parts at that level
(`NutsRegistry.parts`): countries and NUTS-1 regions stand for their NUTS-2 regions, as the
issue asks, and when one side is a NUTS-3 territory both sides are taken at NUTS-3, so that
a canton such as Fribourg (CH022) is compared with its own boundary, not with that of its
whole NUTS-2 region (Espace Mittelland). A and B are adjacent when any part of A shares a
line with any part of B (``'point'`` when parts only touch at points). Because the GISCO
levels nest exactly, comparing countries or NUTS-1 regions through NUTS-2 parts gives the
same pairs as comparing their own polygons (checked by the tests). Territories that
overlap (one contains the other) are refused.

Results are memoised per level on the registry (`registry.cache`), so repeated calls in one
process are free; callers receive copies.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from .nuts import NutsRegistry

EARTH_RADIUS_KM = 6371.0088
ADJACENCY_COLUMNS = ["code_a", "code_b", "kind", "shared_length", "cross_border"]
NEIGHBOUR_COLUMNS = ["code", "name", "level", "country", "kind", "shared_length", "cross_border"]
TERRITORY_COLUMNS = ["code_a", "code_b", "kind", "shared_length", "cross_border", "level", "via"]


def _line_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All LineString parts of an array of geometries, with the index of the geometry they come from."""
    index = np.arange(len(geoms))
    parts = geoms
    while True:
        types = shapely.get_type_id(parts)
        multi = types >= 4  # Multi* and GeometryCollection
        if not multi.any():
            break
        sub, where = shapely.get_parts(parts[multi], return_index=True)
        parts = np.concatenate([parts[~multi], sub])
        index = np.concatenate([index[~multi], index[multi][where]])
    lines = np.isin(shapely.get_type_id(parts), (1, 2))  # LineString, LinearRing
    return parts[lines], index[lines]


def length_km(geoms) -> np.ndarray:
    """Great-circle length in km of the line parts of each geometry (lon/lat degrees); points count 0."""
    geoms = np.asarray(geoms, dtype=object)
    totals = np.zeros(len(geoms))
    lines, owner = _line_parts(geoms)
    if len(lines) == 0:
        return totals
    coords, line_of = shapely.get_coordinates(lines, return_index=True)
    same = line_of[1:] == line_of[:-1]
    lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    dlat, dlon = lat[1:] - lat[:-1], lon[1:] - lon[:-1]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    seg = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    np.add.at(totals, owner[line_of[:-1][same]], seg[same])
    return totals


def _compute(registry: NutsRegistry, level: int) -> pd.DataFrame:
    geoms_s = registry.level_geometries(level)
    codes = np.asarray(geoms_s.index, dtype=object)
    geoms = np.asarray(geoms_s.values, dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.intersection(shapely.boundary(geoms[left]), geoms[right])
    km = length_km(shared)
    degrees = shapely.length(shared)
    kind = np.where(degrees > 0, "line", "point")
    a, b = codes[left], codes[right]
    swap = a > b
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    country = registry.table.set_index("code")["country"]
    frame = pd.DataFrame(
        {
            "code_a": a.astype(str),
            "code_b": b.astype(str),
            "kind": kind,
            "shared_length": np.where(kind == "line", km, 0.0),
        }
    )
    frame["cross_border"] = country.reindex(frame["code_a"]).to_numpy() != country.reindex(frame["code_b"]).to_numpy()
    return frame.sort_values(["code_a", "code_b"]).reset_index(drop=True)[ADJACENCY_COLUMNS]


def adjacency(registry: NutsRegistry, level: int = 2) -> pd.DataFrame:
    """All touching pairs of one NUTS level.

    Columns: code_a < code_b, kind ('line'|'point'), shared_length (km), cross_border.
    """
    if level not in (0, 1, 2, 3):
        raise InputError(f"NUTS level must be one of 0, 1, 2, 3, not {level}")
    return _cached(registry, int(level)).copy()


def _cached(registry: NutsRegistry, level: int) -> pd.DataFrame:
    """The memoised adjacency table of one level (not a copy: internal use only)."""
    key = ("adjacency", level)
    if key not in registry.cache:
        registry.cache[key] = _compute(registry, level)
    return registry.cache[key]


def neighbours(registry: NutsRegistry, code: str, include_point_contacts: bool = False) -> pd.DataFrame:
    """Neighbours of one region at its own level, sorted by code (point contacts only on request)."""
    region = registry.get(code)
    table = adjacency(registry, region.level)
    rows = table[(table["code_a"] == region.code) | (table["code_b"] == region.code)]
    if not include_point_contacts:
        rows = rows[rows["kind"] == "line"]
    other = np.where(rows["code_a"] == region.code, rows["code_b"], rows["code_a"])
    info = registry.table.set_index("code")
    out = pd.DataFrame(
        {
            "code": other.astype(str),
            "name": info["name_latn"].reindex(other).to_numpy(),
            "level": region.level,
            "country": info["country"].reindex(other).to_numpy(),
            "kind": rows["kind"].to_numpy(),
            "shared_length": rows["shared_length"].to_numpy(),
            "cross_border": rows["cross_border"].to_numpy(dtype=bool),
        },
        columns=NEIGHBOUR_COLUMNS,
    )
    return out.sort_values("code").reset_index(drop=True)


def comparison_level(registry: NutsRegistry, code_a: str, code_b: str) -> int:
    """The level at which two territories are compared: max(2, level(A), level(B))."""
    return max(2, registry.get(code_a).level, registry.get(code_b).level)


def territory_adjacency(
    registry: NutsRegistry, codes: Iterable[str], include_point_contacts: bool = True
) -> pd.DataFrame:
    """Adjacency of territories of mixed NUTS levels (countries, NUTS-1, -2, -3), through their parts.

    One row per touching pair: code_a, code_b (in the order given), kind, shared_length (km,
    summed over the part pairs), cross_border (different countries), level (the comparison
    level, see the module notes) and via (the part pairs that share a line, or touch when
    the kind is 'point', as "A1|B1 A2|B2").
    """
    ordered: list[str] = []
    for code in codes:
        c = registry.get(code).code
        if c not in ordered:
            ordered.append(c)
    given = set(ordered)
    overlaps = [f"{p} contains {c}" for c in ordered for p in registry.parents(c) if p in given]
    if overlaps:
        raise InputError("territories must not overlap: " + "; ".join(overlaps))
    level_of = {c: registry.get(c).level for c in ordered}
    rank = {c: i for i, c in enumerate(ordered)}
    pieces = []
    for level in sorted({max(2, lv) for lv in level_of.values()}):
        # Territories do not overlap and none is finer than `level`, so each part at `level`
        # belongs to at most one territory.
        owner = {part: c for c in ordered if level_of[c] <= level for part in registry.parts(c, level)}
        table = _cached(registry, level)
        ta, tb = table["code_a"].map(owner), table["code_b"].map(owner)
        mask = (ta.notna() & tb.notna() & (ta != tb)).to_numpy()
        hit = table[mask].assign(ta=ta[mask].to_numpy(), tb=tb[mask].to_numpy())
        if hit.empty:
            continue
        # Keep the pairs whose comparison level is this one: max(2, level(A), level(B)).
        pair_level = [max(2, level_of[x], level_of[y]) for x, y in zip(hit["ta"], hit["tb"], strict=True)]
        hit = hit[np.asarray(pair_level) == level]
        swap = np.asarray([rank[x] > rank[y] for x, y in zip(hit["ta"], hit["tb"], strict=True)], dtype=bool)
        hit = hit.assign(
            first=np.where(swap, hit["tb"], hit["ta"]),
            second=np.where(swap, hit["ta"], hit["tb"]),
            part_first=np.where(swap, hit["code_b"], hit["code_a"]),
            part_second=np.where(swap, hit["code_a"], hit["code_b"]),
            level=level,
        )
        pieces.append(hit)
    if not pieces:
        return pd.DataFrame(columns=TERRITORY_COLUMNS)
    hits = pd.concat(pieces, ignore_index=True)
    hits["is_line"] = hits["kind"] == "line"
    keys = ["first", "second"]
    any_line = hits.groupby(keys, sort=False)["is_line"].transform("any")
    if not include_point_contacts:
        hits, any_line = hits[any_line], any_line[any_line]
    # 'via' lists the part pairs that share a line, or those that touch when none does.
    used = hits[hits["is_line"] | ~any_line].sort_values(["part_first", "part_second"])
    used = used.assign(
        pair=used["part_first"] + "|" + used["part_second"],
        line_km=np.where(used["is_line"], used["shared_length"], 0.0),
    )
    out = (
        used.groupby(keys, sort=False)
        .agg(
            is_line=("is_line", "any"),
            shared_length=("line_km", "sum"),
            level=("level", "first"),
            via=("pair", " ".join),
        )
        .reset_index()
    )
    country = {c: registry.get(c).country for c in ordered}
    out = pd.DataFrame(
        {
            "code_a": out["first"].astype(str),
            "code_b": out["second"].astype(str),
            "kind": np.where(out["is_line"], "line", "point"),
            "shared_length": out["shared_length"].astype(float),
            "cross_border": [country[a] != country[b] for a, b in zip(out["first"], out["second"], strict=True)],
            "level": out["level"].astype(int),
            "via": out["via"].astype(str),
        },
        columns=TERRITORY_COLUMNS,
    )
    order = np.lexsort((out["code_b"].map(rank).to_numpy(), out["code_a"].map(rank).to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def territory_neighbours(
    registry: NutsRegistry, codes: Iterable[str], code: str, include_point_contacts: bool = True
) -> pd.DataFrame:
    """Rows of `territory_adjacency(codes)` that involve `code`, with the other territory in column `code`."""
    code = registry.get(code).code
    table = territory_adjacency(registry, codes, include_point_contacts=include_point_contacts)
    rows = table[(table["code_a"] == code) | (table["code_b"] == code)].copy()
    rows.insert(0, "code", np.where(rows["code_a"] == code, rows["code_b"], rows["code_a"]))
    return rows.drop(columns=["code_a", "code_b"]).reset_index(drop=True)
