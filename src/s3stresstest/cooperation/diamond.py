"""The "synergy diamond" of a topic: each partner's position on the four dimensions, as SVG.

Four axes from the centre (0) to the rim (100): overlap up, willingness right, capacity down,
closeness left. A partner with all four figures is a closed diamond; one with a withheld figure
is drawn as points only, and the legend says which figure is missing (never drawn as 0).
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from ..i18n import translator
from ..regions.names import with_code
from .topics import DIMENSIONS

# Okabe-Ito: distinguishable with the common colour-vision deficiencies
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
ANGLES = {"overlap": -90.0, "willingness": 0.0, "capacity": 90.0, "closeness": 180.0}


def _point(cx: float, cy: float, r: float, dim: str, value: float) -> tuple[float, float]:
    a = math.radians(ANGLES[dim])
    return cx + r * value / 100 * math.cos(a), cy + r * value / 100 * math.sin(a)


def diamond_svg(title: str, positions: pd.DataFrame, language: str = "en", note: str = "") -> str:
    """SVG of one topic's diamond; `positions` are the topic's rows of `CooperationTopics.positions`."""
    t = translator(language)
    names = {
        "overlap": t._("Overlap of priorities"),
        "willingness": t._("Willingness to cooperate"),
        "capacity": t._("Cluster capacity"),
        "closeness": t._("Neighbours or peers"),
    }
    width, cx, cy, r = 900, 290, 230, 150
    rows = list(positions.itertuples(index=False))
    height = max(470, 90 + 22 * len(rows) + (30 if note else 0))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="10" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    labels: list[str] = []  # drawn last, above the diamonds
    for level in (25, 50, 75, 100):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(cx, cy, r, d, level) for d in DIMENSIONS))
        out.append(f'<polygon points="{ring}" fill="none" stroke="#ccc" stroke-width="1"/>')
    for d in DIMENSIONS:
        x, y = _point(cx, cy, r, d, 100)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#999"/>')
        lx, ly = _point(cx, cy, r + 18, d, 100) if d in ("overlap", "capacity") else (x, y - 10)
        dy = -4 if d == "overlap" else (12 if d == "capacity" else 0)
        where = f'x="{lx:.1f}" y="{ly + dy:.1f}" text-anchor="middle"'
        labels += [  # a white halo under the label, then the label
            f'<text {where} fill="#fff" stroke="#fff" stroke-width="4" aria-hidden="true">{escape(names[d])}</text>',
            f"<text {where}>{escape(names[d])}</text>",
        ]
    out.append(f'<text x="{cx + 3}" y="{cy - r / 2 - 2:.1f}" fill="#777" font-size="10">50</text>')
    legend_x, legend_y = 580, 60
    for i, row in enumerate(rows):
        colour = COLOURS[i % len(COLOURS)]
        values = {d: getattr(row, d) for d in DIMENSIONS}
        have = {d: v for d, v in values.items() if not pd.isna(v)}
        pts = [_point(cx, cy, r, d, float(v)) for d, v in have.items()]
        if len(have) == len(DIMENSIONS):
            joined = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            out.append(
                f'<polygon points="{joined}" fill="{colour}" fill-opacity="0.12" stroke="{colour}" stroke-width="2"/>'
            )
        for px, py in pts:
            out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>')
        label = with_code(str(row.territory), str(row.name))
        gone = [names[d] for d in DIMENSIONS if d not in have]
        if gone:
            label += " — " + t._("not published: {what}", what=", ".join(gone))
        y0 = legend_y + 22 * i
        out.append(f'<rect x="{legend_x}" y="{y0 - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{legend_x + 18}" y="{y0}">{escape(label)}</text>')
    out += labels
    if note:
        out.append(f'<text x="10" y="{height - 12}" fill="#a00" font-weight="bold">{escape(note)}</text>')
    out.append("</svg>")
    return "\n".join(out)
