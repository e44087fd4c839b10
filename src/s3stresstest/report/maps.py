"""Static SVG maps from the GISCO NUTS 2021 boundaries (1:20 million).

    territory_map(registry, "AT33", ["AT32", "AT34", "DE2", "ITH1", "CH05"], {"AT32": 71, "DE2": 48})
    alpine_space_map(registry, {"DE2": 57.0, "CH022": 63.0, "SI": None}, "Block b1", "Block score (0–100)")

Projection: a simple equirectangular projection centred on the map's mean latitude, with
the longitude scaled by cos(latitude) so shapes are not stretched east–west; no scale bar
(the projection is not meant for measuring). Geometry is projected to pixels, simplified
with a 0.35 px tolerance (topology preserved) and written with one decimal, which keeps a
map well under 150 KB. Every territory is drawn from its own geometry at its own NUTS level
(Bayern, DE2, over DE21–DE27; the canton of Fribourg, CH022, inside CH02).

Colours are the five classes of `palette.SEQUENTIAL` and every coloured territory is
labelled with its code and value, so the map reads without colour; territories without a
value are hatched grey ("no data"). The attribution GISCO asks for is printed on every map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from shapely.geometry import box

from ..i18n import translator
from . import palette as pal
from .render import N_
from .svg import Doc, Svg, finite, fmt_score, legend_row, num, text_width, wrap

# GISCO's attribution: "© EuroGeographics" stays as it is in every language, the words around it are translated
# TRANSLATORS: keep "© EuroGeographics" and "Eurostat – GISCO" as they are; translate the other words
ATTRIBUTION = N_("© EuroGeographics for the administrative boundaries; source: Eurostat – GISCO")
SIMPLIFY_PX = 0.35
PROJECTION_NOTE = N_("Equirectangular projection (longitude scaled by the cosine of the mean latitude); not to scale.")


class Projection:
    """Longitude/latitude (degrees) to SVG pixels for one bounding box."""

    def __init__(
        self, bounds: tuple[float, float, float, float], width: float, max_height: float, x_off: float, y_off: float
    ):
        minx, miny, maxx, maxy = bounds
        self.lat0 = (miny + maxy) / 2
        self.k = math.cos(math.radians(self.lat0))
        span_x, span_y = (maxx - minx) * self.k, (maxy - miny)
        self.scale = min(width / span_x, max_height / span_y)
        self.minx, self.maxy = minx, maxy
        self.width, self.height = span_x * self.scale, span_y * self.scale
        self.x_off = x_off + (width - self.width) / 2
        self.y_off = y_off

    def coords(self, xy: np.ndarray) -> np.ndarray:
        out = np.empty_like(xy, dtype=float)
        out[:, 0] = self.x_off + (xy[:, 0] - self.minx) * self.k * self.scale
        out[:, 1] = self.y_off + (self.maxy - xy[:, 1]) * self.scale
        return out

    def geometry(self, geom):
        g = shapely.transform(geom, self.coords)
        return shapely.simplify(g, SIMPLIFY_PX, preserve_topology=True)


def _ring(coords: np.ndarray) -> str:
    pts = np.round(coords, 1)
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    pts = pts[keep]
    if len(pts) > 1 and np.all(pts[0] == pts[-1]):
        pts = pts[:-1]
    if len(pts) < 3:
        return ""

    def f(v: float) -> str:
        s = f"{v:.1f}"
        return s.removesuffix(".0")

    return "M" + "L".join(f"{f(x)} {f(y)}" for x, y in pts) + "Z"


def path_data(geom) -> str:
    """SVG path data of a projected (Multi)Polygon or GeometryCollection (polygons only)."""
    if geom is None or geom.is_empty:
        return ""
    out = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type == "Polygon":
            out.append(_ring(np.asarray(poly.exterior.coords)))
            out.extend(_ring(np.asarray(r.coords)) for r in poly.interiors)
        elif poly.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.append(path_data(poly))
    return "".join(out)


def _label_point(geom) -> tuple[float, float]:
    """Label position: a point inside the largest polygon of a projected geometry."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"] or [geom]
    big = max(parts, key=lambda p: p.area)
    p = big.point_on_surface() if big.area > 0 else big.centroid
    return p.x, p.y


def _class_entries(doc: Doc, vmin: float, vmax: float, language: str = "en") -> list[tuple]:
    return [
        ("fill", c, f"{fmt_score(lo, language)}–{fmt_score(hi, language)}")
        for c, (lo, hi) in zip(pal.SEQUENTIAL, pal.class_bounds(vmin, vmax), strict=True)
    ]


def _background(doc: Doc, registry, proj: Projection, frame) -> None:
    """Countries around the area, clipped to the map frame, in light grey."""
    clip = box(*frame)
    countries = registry.level_geometries(0)
    hit = countries[shapely.intersects(countries.to_numpy(), clip)]
    for code in sorted(hit.index):
        d = path_data(proj.geometry(shapely.intersection(hit[code], clip)))
        if d:
            doc.add(f'<path d="{d}" fill="{pal.BACKGROUND_LAND}" stroke="#c8c8c8" stroke-width="0.6"/>')


def _region_label(
    doc: Doc, x: float, y: float, code: str, value: float | None, bold: bool = False, language: str = "en"
) -> None:
    """Code (and value) on a white chip, legible on any fill and in greyscale."""
    text = code if value is None else f"{code} {fmt_score(value, language)}"
    w = text_width(text, 10) + 8
    doc.add(
        f'<rect x="{num(x - w / 2)}" y="{num(y - 8)}" width="{num(w)}" height="15" rx="2" fill="#ffffff" '
        f'fill-opacity="0.88" stroke="{pal.INK}" stroke-width="0.5"/>'
    )
    doc.text(x, y + 3.5, text, size=10, anchor="middle", weight="bold" if bold else None)


def _footer(doc: Doc, y: float, width: float, note: str | None = None, language: str = "en") -> float:
    if note:
        for row in wrap(note, width - 24, 10, 3):
            doc.text(12, y + 12, row, size=10, fill=pal.MUTED_INK)
            y += 13
    doc.text(12, y + 14, translator(language)._(ATTRIBUTION), size=10, fill=pal.MUTED_INK)
    return y + 22


def _names(registry, codes) -> dict[str, str]:
    return {c: registry.get(c).name_latn for c in codes}


def territory_map(
    registry,
    code: str,
    neighbours: Sequence[str],
    alignment_scores: Mapping[str, float | None] | None,
    *,
    title: str | None = None,
    legend_label: str | None = None,
    vmin: float = 0.0,
    vmax: float = 100.0,
    width: int = 640,
    id_prefix: str | None = None,
    language: str = "en",
) -> Svg:
    """The territory (outlined, white) and its neighbours coloured by their alignment score with it.

    `neighbours`: codes of any NUTS level (from `adjacency.territory_neighbours` or `neighbours`);
    `alignment_scores`: score 0–100 per neighbour code (a missing or None score: hatched "no score").
    """
    t = translator(language)
    legend_label = legend_label or t._("Alignment score (0–100)")
    centre = registry.get(code).code
    neigh = []
    for n in neighbours:
        c = registry.get(n).code
        if c != centre and c not in neigh:
            neigh.append(c)
    neigh.sort()
    scores = {registry.get(k).code: finite(v) for k, v in (alignment_scores or {}).items() if k in registry}
    names = _names(registry, [centre] + neigh)
    geoms = {c: registry.geometry(c) for c in [centre] + neigh}
    minx, miny, maxx, maxy = shapely.bounds(shapely.union_all(list(geoms.values())))
    padx, pady = (maxx - minx) * 0.06 + 0.05, (maxy - miny) * 0.06 + 0.05
    frame = (minx - padx, miny - pady, maxx + padx, maxy + pady)
    title = title or t._(
        "Strategic alignment of {territory} ({code}) with its neighbours", territory=names[centre], code=centre
    )
    doc = Doc(width, 10, title, "")
    y = doc.heading(
        title,
        t._(
            "Neighbours coloured by the alignment score of their strategy with this territory's; "
            "code and score printed on each region."
        ),
    )
    entries = _class_entries(doc, vmin, vmax, language) + [
        ("fill", doc.pattern("missing"), t._("no score")),
        ("fill", "#ffffff", t._("{code} (this territory)", code=centre)),
    ]
    doc.text(12, y + 8, legend_label, size=11, weight="bold")
    y = legend_row(doc, 12, y + 26, entries, width - 12) + 4
    proj = Projection(frame, width - 24, 460, 12, y)
    doc.add(
        f'<rect x="{num(proj.x_off)}" y="{num(y)}" width="{num(proj.width)}" height="{num(proj.height)}" '
        f'fill="#ffffff" stroke="#bdbdbd" stroke-width="0.8"/>'
    )
    _background(doc, registry, proj, frame)
    alt = []
    labels = []
    for c in neigh:
        v = scores.get(c)
        fill = pal.sequential_colour(v, vmin, vmax) if v is not None else doc.pattern("missing")
        g = proj.geometry(geoms[c])
        doc.add(
            f'<path d="{path_data(g)}" fill="{fill}" stroke="{pal.INK}" stroke-width="0.7" '
            f'stroke-linejoin="round" fill-rule="evenodd"/>'
        )
        labels.append((c, v, fill, _label_point(g)))
        alt.append(
            f"{names[c]} ({c}) {fmt_score(v, language)}"
            if v is not None
            else t._("{territory} ({code}) no score", territory=names[c], code=c)
        )
    g = proj.geometry(geoms[centre])
    doc.add(
        f'<path d="{path_data(g)}" fill="#ffffff" stroke="{pal.INK}" stroke-width="2.2" '
        f'stroke-linejoin="round" fill-rule="evenodd"/>'
    )
    for c, v, _fill, (lx, ly) in labels:
        _region_label(doc, lx, ly, c, v, language=language)
    lx, ly = _label_point(g)
    _region_label(doc, lx, ly, centre, None, bold=True, language=language)
    y = _footer(doc, y + proj.height + 4, width, t._(PROJECTION_NOTE), language)
    doc.height = int(y + 4)
    lead = t.ngettext(
        "Map of {territory} ({code}) and its {n} neighbour, coloured by {legend} in five classes of equal width; "
        "codes and scores are printed on the map.",
        "Map of {territory} ({code}) and its {n} neighbours, each coloured by {legend} in five classes of equal "
        "width; codes and scores are printed on the map.",
        len(neigh),
        territory=names[centre],
        code=centre,
        legend=legend_label.lower() if language == "en" else legend_label,
    )
    doc.alt = f"{lead} " + (t._("Scores: {list}.", list="; ".join(alt)) if alt else t._("No neighbours."))
    return doc.render(id_prefix)


def alpine_space_map(
    registry,
    values: Mapping[str, float | None],
    title: str,
    legend_label: str | None = None,
    *,
    vmin: float = 0.0,
    vmax: float = 100.0,
    width: int = 640,
    region_codes: Sequence[str] | None = None,
    id_prefix: str | None = None,
    language: str = "en",
) -> Svg:
    """The 42 NUTS-2 regions of the Alpine Space, territories with a value coloured and labelled.

    `values`: code -> value of territories of any NUTS level (DE2, SI, CH022, ITC4 ...), each drawn
    on its own geometry; None means no published value. Territories outside the Alpine Space are
    left out (and named in the alt text); a territory reaching beyond it is clipped to it.
    Regions without a value are hatched grey "no data".
    """
    from ..regions.region_groups import ALPINE_SPACE

    t = translator(language)
    legend_label = legend_label or t._("Score (0–100)")
    base = list(region_codes or ALPINE_SPACE)
    base_set = set(base)
    base_geoms = {c: registry.geometry(c) for c in base}
    area = shapely.union_all(list(base_geoms.values()))
    shown, outside = {}, []
    for k, v in values.items():
        c = registry.get(k).code
        nuts2 = set(registry.nuts2_parts(c))
        if not nuts2 & base_set:
            outside.append(c)
            continue
        geom = registry.geometry(c)
        if not nuts2 <= base_set:
            geom = shapely.intersection(geom, area)
        shown[c] = (finite(v), geom)
    # coarser territories first, so a NUTS-3 territory stays visible over its NUTS-2 region
    order = sorted(shown, key=lambda c: (registry.get(c).level, c))
    names = _names(registry, order)
    minx, miny, maxx, maxy = shapely.bounds(area)
    padx, pady = (maxx - minx) * 0.03, (maxy - miny) * 0.03
    frame = (minx - padx, miny - pady, maxx + padx, maxy + pady)

    doc = Doc(width, 10, title, "")
    y = doc.heading(
        title,
        t._(
            "Alpine Space programme area (42 NUTS-2 regions); territories with a value are "
            "outlined, with code and value printed."
        ),
    )
    entries = _class_entries(doc, vmin, vmax, language) + [("fill", doc.pattern("missing"), t._("no data"))]
    doc.text(12, y + 8, legend_label, size=11, weight="bold")
    y = legend_row(doc, 12, y + 26, entries, width - 12) + 4
    proj = Projection(frame, width - 24, 620, 12, y)
    _background(doc, registry, proj, frame)
    miss = doc.pattern("missing")
    base_d = "".join(path_data(proj.geometry(base_geoms[c])) for c in sorted(base))
    doc.add(
        f'<path d="{base_d}" fill="{miss}" stroke="{pal.MUTED_INK}" stroke-width="0.5" '
        f'stroke-linejoin="round" fill-rule="evenodd"/>'
    )
    labels, alt, no_value = [], [], []
    for c in order:
        v, geom = shown[c]
        fill = pal.sequential_colour(v, vmin, vmax) if v is not None else miss
        g = proj.geometry(geom)
        doc.add(
            f'<path d="{path_data(g)}" fill="{fill}" stroke="{pal.INK}" stroke-width="1.1" '
            f'stroke-linejoin="round" fill-rule="evenodd"/>'
        )
        labels.append((c, v, fill, _label_point(g)))
        if v is None:
            no_value.append(f"{names[c]} ({c})")
        else:
            alt.append(f"{names[c]} ({c}) {fmt_score(v, language)}")
    for c, v, _fill, (lx, ly) in labels:
        _region_label(doc, lx, ly, c, v, bold=v is not None, language=language)
    note = t._(PROJECTION_NOTE)
    if outside:
        note += " " + t._("Not in the Alpine Space, not drawn: {codes}.", codes=", ".join(sorted(outside)))
    y = _footer(doc, y + proj.height + 4, width, note, language)
    doc.height = int(y + 4)
    parts = [
        t._(
            "Map of the Alpine Space ({n} NUTS-2 regions) coloured by {legend} in five classes "
            "of equal width; territories are drawn at their own NUTS level and labelled with code and value.",
            n=t.integer(len(base)),
            legend=legend_label,
        )
    ]
    parts.append(t._("Values: {list}.", list="; ".join(alt)) if alt else t._("Values: none."))
    if no_value:
        parts.append(t._("Without a published value: {list}.", list="; ".join(no_value)))
    parts.append(t._("All other areas: no data."))
    if outside:
        parts.append(t._("Not in the Alpine Space and not drawn: {codes}.", codes=", ".join(sorted(outside))))
    doc.alt = " ".join(parts)
    return doc.render(id_prefix)


__all__ = ["ATTRIBUTION", "Projection", "alpine_space_map", "path_data", "territory_map"]
